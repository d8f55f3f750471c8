import { defineSection } from '../section.js';
import { v } from '../variable.js';

/** The write path: the relayer that pays for relayed actions, the submission workers and the consistency checks. */
export const pipelineSection = defineSection(
  'pipeline',
  {
    RELAYER_KEYPAIR: v.string({
      example: '/etc/choir/relayer.json',
      secret: true,
      description:
        'Fee payer of relayed actions: a keypair file (a JSON array of 64 bytes, as solana-keygen writes) or the base58 secret key. Unset on the local devnet: a key persisted at .choir/relayer.json, funded by airdrop; required with a real cluster.',
    }),
    RELAYER_MIN_BALANCE: v.int({
      default: '50000000',
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      example: '50000000',
      description:
        'Lamports the relayer needs to count as ready (/readyz); below it, and on the devnet, it asks for an airdrop.',
    }),
    PIPELINE_BATCH: v.int({
      default: '256',
      min: 1,
      max: 5_000,
      example: '256',
      description:
        'Most submissions a worker takes at once: one embedding call, one vector upsert, packed transactions.',
    }),
    PIPELINE_RETRY_MAX_MS: v.int({
      default: '5000',
      min: 10,
      max: 600_000,
      example: '5000',
      description: 'Longest wait between two attempts of a submission whose step failed for a transient reason.',
    }),
    RECONCILE_EVERY_S: v.int({
      default: '3600',
      min: 0,
      max: 604_800,
      example: '600',
      description:
        'How often the service reconciles every thread (chain vs vector store vs Postgres, repairing differences; `choir reconcile` does it on demand); 0: only after the indexer heals a gap.',
    }),
  },
  (e) => ({
    relayerKeypair: e.RELAYER_KEYPAIR,
    relayerMinBalance: BigInt(e.RELAYER_MIN_BALANCE),
    batch: e.PIPELINE_BATCH,
    retryMaxMs: e.PIPELINE_RETRY_MAX_MS,
    reconcileEveryMs: e.RECONCILE_EVERY_S * 1000,
  }),
);
export type PipelineSettings = ReturnType<typeof pipelineSection.build>;
