import { defineSection } from '../section.js';
import { v } from '../variable.js';

export const devnetSection = defineSection(
  'devnet',
  {
    DEVNET_DATA_DIR: v.string({
      default: '.choir/devnet',
      example: '/var/lib/choir/devnet',
      description: 'Where the local chain persists (genesis snapshot and journal). Delete it for a fresh chain.',
    }),
    DEVNET_HOST: v.string({
      default: '127.0.0.1',
      example: '0.0.0.0',
      description: 'Interface the devnet JSON-RPC, WebSocket and Geyser servers listen on.',
    }),
    DEVNET_RPC_PORT: v.int({
      default: '8899',
      min: 0,
      max: 65_535,
      example: '8899',
      description: 'Devnet JSON-RPC (HTTP) port; 0 picks a free port.',
    }),
    DEVNET_WS_PORT: v.int({
      default: '8900',
      min: 0,
      max: 65_535,
      example: '8900',
      description: 'Devnet RPC WebSocket (subscriptions) port; 0 picks a free port.',
    }),
    DEVNET_GEYSER_PORT: v.int({
      default: '10000',
      min: 0,
      max: 65_535,
      example: '10000',
      description: 'Devnet Yellowstone Geyser gRPC port; 0 picks a free port.',
    }),
    DEVNET_SLOT_MS: v.int({
      default: '400',
      min: 0,
      max: 60_000,
      example: '400',
      description: 'Slot duration of the devnet clock; 0 stops the clock (slots advance only when told to).',
    }),
    DEVNET_FINALITY_DEPTH: v.int({
      default: '32',
      min: 1,
      max: 10_000,
      example: '32',
      description: 'How many slots after its confirmation a devnet slot becomes finalized.',
    }),
    DEVNET_HISTORY_SLOTS: v.int({
      default: '10000',
      // At least the blockhash window: duplicates are refused through the history's signature index.
      min: 150,
      max: 10_000_000,
      example: '10000',
      description:
        'How many recent slots of transactions, account writes and statuses the devnet keeps for RPC reads and Geyser `from_slot` replay.',
    }),
    DEVNET_X_TOKEN: v.string({
      example: 'a-long-random-token',
      description: 'When set, Geyser clients of the devnet must send it as `x-token` metadata.',
      secret: true,
    }),
    DEVNET_SUBSCRIBER_BUFFER: v.int({
      default: '100000',
      min: 100,
      max: 10_000_000,
      example: '100000',
      description:
        'How many updates a Geyser subscriber may lag behind before the devnet drops it (RESOURCE_EXHAUSTED).',
    }),
    DEVNET_PROGRAM_PATH: v.string({
      default: 'programs/choir/build/choir.so',
      example: 'programs/choir/build/choir.so',
      description: 'ELF of the Choir program that a fresh devnet deploys at genesis.',
    }),
  },
  (e) => ({
    dataDir: e.DEVNET_DATA_DIR,
    host: e.DEVNET_HOST,
    rpcPort: e.DEVNET_RPC_PORT,
    wsPort: e.DEVNET_WS_PORT,
    geyserPort: e.DEVNET_GEYSER_PORT,
    slotMs: e.DEVNET_SLOT_MS,
    finalityDepth: e.DEVNET_FINALITY_DEPTH,
    historySlots: e.DEVNET_HISTORY_SLOTS,
    xToken: e.DEVNET_X_TOKEN,
    subscriberBuffer: e.DEVNET_SUBSCRIBER_BUFFER,
    programPath: e.DEVNET_PROGRAM_PATH,
  }),
);
export type DevnetSettings = ReturnType<typeof devnetSection.build>;
