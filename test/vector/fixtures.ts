import { PublicKey } from '@solana/web3.js';
import { findMessageAddress } from '../../programs/choir/client/pda.js';
import { sha256Hex } from '../../src/vector/point-id.js';
import type { PointPayload, VectorPoint } from '../../src/vector/types.js';

export const DIM = 8;
export const MODEL = 'contract-model-d8';

/** A unit vector along axis `axis` with a little of `axis + 1`, so neighbours have a known order. */
export function axisVector(axis: number, lean = 0): number[] {
  const v = new Array<number>(DIM).fill(0);
  v[axis % DIM] = 1;
  v[(axis + 1) % DIM] = lean;
  return v;
}

export interface MessageSpec {
  content: string;
  thread?: string;
  author?: string;
  coAuthors?: string[];
  status?: string;
  slot?: number;
  createdAt?: number;
  kind?: PointPayload['kind'];
  vector?: number[];
}

export const THREAD_A = '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin';
export const THREAD_B = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
export const ALICE = 'A1iceMHbo8tBCEnpTc4EckGZ4QrQALAwAwBZNNcmmPcd';
export const BOB = 'BobJ8kJLt4Z7WkmVQkGMm5EcrmsN4sCk6vFtoGvmQuH9';
export const CAROL = 'Caro1Zz3YKs6YoWn1mV2f1XvchU2y4k4Pj9hXZ5cD8Qa';

/** The record address of `content` posted in `thread`: the Message PDA, as the indexer derives it. */
export function messageAddress(content: string, thread: string = THREAD_A): string {
  return findMessageAddress(new PublicKey(thread), Buffer.from(sha256Hex(content), 'hex'))[0].toBase58();
}

export function message(spec: MessageSpec): VectorPoint {
  const thread = spec.thread ?? THREAD_A;
  return {
    vector: spec.vector ?? axisVector(0),
    payload: {
      message_address: spec.kind === 'thread' ? thread : messageAddress(spec.content, thread),
      content_hash: sha256Hex(spec.content),
      thread_id: thread,
      author: spec.author ?? ALICE,
      co_authors: spec.coAuthors ?? [ALICE, BOB],
      status: spec.status ?? 'PENDING',
      slot: spec.slot ?? 0,
      created_at: spec.createdAt ?? 1_700_000_000_000,
      kind: spec.kind ?? 'message',
      content: spec.content,
    },
  };
}

/** Six messages across two threads with distinct directions, authors, statuses and times. */
export function corpus(): VectorPoint[] {
  return [
    message({ content: 'alpha', vector: axisVector(0), createdAt: 1_000, status: 'CONFIRMED', slot: 10 }),
    message({ content: 'beta', vector: axisVector(0, 0.5), createdAt: 2_000, author: BOB }),
    message({ content: 'gamma', vector: axisVector(1), createdAt: 3_000 }),
    message({
      content: 'delta',
      vector: axisVector(0, 0.2),
      thread: THREAD_B,
      author: CAROL,
      coAuthors: [CAROL],
      createdAt: 4_000,
    }),
    message({
      content: 'epsilon',
      vector: axisVector(2),
      thread: THREAD_B,
      author: CAROL,
      coAuthors: [CAROL],
      createdAt: 5_000,
      status: 'FAILED',
    }),
    message({ content: 'zeta', vector: axisVector(3), createdAt: 6_000, author: BOB, status: 'CONFIRMED' }),
  ];
}
