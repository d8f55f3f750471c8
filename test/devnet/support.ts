import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Keypair,
  LAMPORTS_PER_SOL,
  type PublicKey,
  SystemProgram,
  Transaction,
  type TransactionInstruction,
} from '@solana/web3.js';
import { SubscribeRequest, type SubscribeUpdate } from '@triton-one/yellowstone-grpc';
import { createThreadInstruction } from '../../programs/choir/client/index.js';
import { readSection } from '../../src/config/section.js';
import { type DevnetSettings, devnetSection } from '../../src/config/sections/devnet.js';
import { YellowstoneClient as Client } from '../../src/devnet/geyser/official-client.js';
import { type Devnet, type DevnetOptions, startDevnet } from '../../src/devnet/index.js';
import { decodeTransaction } from '../../src/devnet/ledger/wire.js';
import { silentLogger } from '../../src/observability/logger.js';
import { until as waitUntil } from '../support/until.js';

/** Settings for a test devnet: ephemeral ports, no slot clock (tests call `tick`), a short finality depth. */
export function testSettings(overrides: Partial<DevnetSettings> = {}): DevnetSettings {
  return {
    ...readSection(devnetSection, {}),
    rpcPort: 0,
    wsPort: 0,
    geyserPort: 0,
    slotMs: 0,
    finalityDepth: 3,
    ...overrides,
  };
}

export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'choir-devnet-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function testDevnet(
  overrides: Partial<DevnetSettings> = {},
  options: DevnetOptions = { inMemory: true },
): Promise<Devnet> {
  return startDevnet(testSettings(overrides), silentLogger, options);
}

/** Waits until `check` holds, polling on the event loop (no wall-clock assertions: a timeout only fails the test). */
export const until = <T>(check: () => T, what: string, timeoutMs = 10_000) => waitUntil(what, check, timeoutMs, 10);

export interface CollectedStream {
  readonly updates: SubscribeUpdate[];
  /** Everything that arrived, pings and pongs included, in order. */
  readonly messages: SubscribeUpdate[];
  readonly errors: Error[];
  ended: boolean;
  write(request: SubscribeRequest): Promise<void>;
  close(): void;
}

/** Opens a Subscribe stream with the official client and collects what arrives. */
export async function subscribe(url: string, request: SubscribeRequest, xToken?: string): Promise<CollectedStream> {
  const client = new Client(url, xToken, undefined);
  await client.connect();
  const stream = await client.subscribe();
  const collected: CollectedStream = {
    updates: [],
    messages: [],
    errors: [],
    ended: false,
    write: (req) =>
      new Promise<void>((resolve, reject) => stream.write(req, (err: unknown) => (err ? reject(err) : resolve()))),
    close: () => stream.destroy(),
  };
  const pongs: number[] = [];
  stream.on('data', (update: SubscribeUpdate) => {
    collected.messages.push(update);
    if (update.pong) pongs.push(update.pong.id);
    else if (!update.ping) collected.updates.push(update);
  });
  stream.on('error', (err: Error) => collected.errors.push(err));
  stream.on('close', () => {
    collected.ended = true;
  });
  await collected.write(request);
  // Requests on a stream are handled in order: once the pong arrives, the subscription is live.
  await collected.write(SubscribeRequest.fromPartial({ ping: { id: 1 } }));
  await until(() => pongs.includes(1) || collected.errors.length > 0, 'the subscription to be live');
  return collected;
}

/** The gRPC status message behind the client's error (7.0.1 puts it in `cause`). */
export function statusText(err: Error): string {
  const cause = (err as Error & { cause?: { message?: string } }).cause;
  return `${err.message} ${cause?.message ?? ''}`;
}

/** Signs a web3.js transaction for the devnet's open slot and executes it directly in the ledger. */
export function execute(devnet: Devnet, instructions: TransactionInstruction[], signers: Keypair[]): string {
  const blockhash = devnet.ledger.chain.latestBlockhash('processed').blockhash;
  const tx = new Transaction({ feePayer: signers[0]!.publicKey, recentBlockhash: blockhash }).add(...instructions);
  tx.sign(...signers);
  const result = devnet.ledger.send(decodeTransaction(tx.serialize()));
  if (!result.landed) throw new Error(`transaction rejected: ${JSON.stringify(result.err)}`);
  return result.record.signature;
}

/** A keypair funded by the devnet faucet (10 SOL). */
export function funded(devnet: Devnet): Keypair {
  const keypair = Keypair.generate();
  const faucet = Keypair.fromSecretKey(devnet.ledger.faucet.secretKey);
  execute(
    devnet,
    [
      SystemProgram.transfer({
        fromPubkey: faucet.publicKey,
        toPubkey: keypair.publicKey,
        lamports: 10 * LAMPORTS_PER_SOL,
      }),
    ],
    [faucet],
  );
  return keypair;
}

/** One transfer in the open slot, then a tick: two System-owned account writes and a few slot statuses. */
export function transferAndTick(devnet: Devnet, from: Keypair): void {
  execute(
    devnet,
    [SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 1e6 })],
    [from],
  );
  devnet.tick();
}

/** A thread whose one co-author creates it and pays for it. */
export function ownThreadInstruction(owner: PublicKey, threadId: Uint8Array): TransactionInstruction {
  return createThreadInstruction({ payer: owner, creator: owner, threadId, coAuthors: [owner], minStake: 0n });
}
