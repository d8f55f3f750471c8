/** The outbox kinds of the write path and their payloads (what a worker needs to redo a step after a crash). */
import type { FlowIds } from '../observability/flow.js';

/**
 * What every write-path item carries besides its work: the ids of the request that submitted it (its worker's log
 * lines carry them: observability/flow.ts) and when the API accepted it (ms since the epoch: the start of
 * `choir_transaction_latency_seconds`). Absent from items written before they existed.
 */
export interface WorkTrace extends FlowIds {
  readonly acceptedAt?: number;
}

/** A submitted message: embed → upsert → STORED → relayed submit_message → RECORDED. Key: the message address. */
export const MESSAGE_SUBMIT_KIND = 'message.submit';
export interface MessageSubmitWork extends WorkTrace {
  readonly address: string;
  readonly thread: string;
  readonly author: string;
  readonly contentHash: string;
  /** The author's signature (base58) over the message canonical message: the relayed instruction needs it. */
  readonly signature: string;
}

/** A relayed thread creation or vote. Key: `thread:<address>` or `vote:<message>:<voter>`. */
export const CHAIN_RELAY_KIND = 'chain.relay';
export type ChainRelayWork = WorkTrace &
  (
    | {
        readonly action: 'createThread';
        readonly address: string;
        readonly threadId: string;
        readonly coAuthors: string[];
        readonly minStake: string;
        readonly specLifetime: string;
        readonly title: string | null;
        readonly signature: string;
      }
    | {
        readonly action: 'vote';
        readonly messageAddress: string;
        readonly thread: string;
        readonly contentHash: string;
        readonly voter: string;
        readonly approve: boolean;
        readonly signature: string;
      }
  );
