/**
 * What a supervised part (a child process of `choir start`) and its supervisor say to each other over the IPC
 * channel. Plain JSON: bigints travel as strings, errors as their taxonomy code and message.
 */
import type { ErrorCode } from '../../errors/index.js';

/** How a part failed: enough for the supervisor to raise the same ChoirError and exit with the same code. */
export interface PartFailure {
  readonly code: ErrorCode;
  readonly message: string;
}

export type ChildMessage =
  /** Started; `info` is what the part reports about itself (the devnet's URLs). */
  | { readonly type: 'ready'; readonly info: Record<string, unknown> }
  /** Cannot run (at start, or for good later): the supervisor stops too, with this error. */
  | { readonly type: 'failed'; readonly error: PartFailure }
  /** A part's own report, forwarded to whoever listens (the indexer's status and commits). */
  | { readonly type: 'report'; readonly topic: string; readonly body: unknown }
  /** The answer to a `scrape`: the part's Prometheus metrics text. */
  | { readonly type: 'metrics'; readonly id: number; readonly text: string };

export type ParentMessage =
  /** Close in order and exit 0. */
  | { readonly type: 'stop' }
  /** Send back the part's metrics text with this id. */
  | { readonly type: 'scrape'; readonly id: number };

/** The environment variable carrying a part's start options (JSON) from the supervisor. */
export const PART_OPTIONS_ENV = 'CHOIR_PART_OPTIONS';

export function isChildMessage(value: unknown): value is ChildMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'ready' || type === 'failed' || type === 'report' || type === 'metrics';
}

export function isParentMessage(value: unknown): value is ParentMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'stop' || type === 'scrape';
}
