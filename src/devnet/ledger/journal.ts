import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccountWrite } from './execute.js';
import type { TransactionRecord } from './types.js';

/**
 * What the ledger appends to its journal; replaying the entries in order on the genesis snapshot rebuilds the
 * chain, its history and its write versions exactly (effects are recorded, not re-executed).
 */
export type JournalEntry =
  | { readonly t: 'tx'; readonly record: TransactionRecord; readonly writes: (AccountWrite & { wv: bigint })[] }
  | { readonly t: 'tick'; readonly now: number }
  /** An account written directly in the open slot (fault hook), outside any transaction. */
  | { readonly t: 'write'; readonly write: AccountWrite & { wv: bigint } }
  | { readonly t: 'dead' }
  /** First line of a compacted journal: the chain resumes with `slot` open on a finalized `parent`. */
  | {
      readonly t: 'base';
      readonly slot: number;
      readonly parent: number;
      readonly blockHeight: number;
      readonly now: number;
      /** The newest write version so far (the entries that carried it may be gone). */
      readonly writeVersion: bigint;
    };

export interface GenesisInfo {
  readonly genesisHash: string;
  /** Base58 seed of the faucet keypair that funds airdrops. */
  readonly faucetSeed: string;
  readonly createdAt: number;
  readonly programId: string | null;
  readonly programSha256: string | null;
}

// JSON cannot hold bigint or bytes: tag them.
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return { $n: value.toString() };
  if (value instanceof Uint8Array) {
    return { $b: Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64') };
  }
  // Buffers reach the replacer already turned into `{type: 'Buffer', data: [...]}` by their toJSON.
  const maybe = value as { type?: unknown; data?: unknown } | null;
  if (maybe && typeof maybe === 'object' && maybe.type === 'Buffer' && Array.isArray(maybe.data)) {
    return { $b: Buffer.from(maybe.data as number[]).toString('base64') };
  }
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object') {
    const o = value as { $n?: string; $b?: string };
    if (typeof o.$n === 'string') return BigInt(o.$n);
    if (typeof o.$b === 'string') return new Uint8Array(Buffer.from(o.$b, 'base64'));
    // Journals written before Buffers were tagged hold them in their toJSON form.
    const b = value as { type?: unknown; data?: unknown };
    if (b.type === 'Buffer' && Array.isArray(b.data)) return new Uint8Array(b.data as number[]);
  }
  return value;
}

/**
 * The ledger's files under its data directory: `genesis.json`, a LiteSVM snapshot and the journal appended since
 * it. Generation 0 is `genesis.state` (right after genesis and the program deploy) + `journal.jsonl`; a checkpoint
 * writes generation n as `state-n.bin` + `journal-n.jsonl` (a `base` line and the entries of the retained history
 * only), then points `current.json` at it. Replaying a generation's journal on its snapshot rebuilds the chain:
 * entries carry post-states, so re-applying ones older than the snapshot ends in the same state.
 */
export class Journal {
  private pending: string[] = [];
  /** Serialized entries of the retained history, by slot, for the next checkpoint. */
  private retained: { slot: number; line: string }[] = [];
  private generation = 0;
  private linesSinceCheckpoint = 0;

  private constructor(private readonly dir: string) {
    const current = join(dir, 'current.json');
    if (existsSync(current))
      this.generation = (JSON.parse(readFileSync(current, 'utf8')) as { generation: number }).generation;
  }

  static open(dir: string): Journal {
    mkdirSync(dir, { recursive: true });
    return new Journal(dir);
  }

  private path(name: string): string {
    return join(this.dir, name);
  }

  private statePath(generation = this.generation): string {
    return this.path(generation === 0 ? 'genesis.state' : `state-${generation}.bin`);
  }

  private journalPath(generation = this.generation): string {
    return this.path(generation === 0 ? 'journal.jsonl' : `journal-${generation}.jsonl`);
  }

  hasGenesis(): boolean {
    return existsSync(this.path('genesis.json')) && existsSync(this.statePath());
  }

  /** Genesis information and the snapshot the current journal applies to. */
  readGenesis(): { info: GenesisInfo; state: Uint8Array } {
    const info = JSON.parse(readFileSync(this.path('genesis.json'), 'utf8')) as GenesisInfo;
    return { info, state: new Uint8Array(readFileSync(this.statePath())) };
  }

  writeGenesis(info: GenesisInfo, state: Uint8Array): void {
    // Written to temporary names and renamed, so a half-written genesis is never taken for a ledger.
    writeFileSync(this.path('genesis.state.tmp'), state);
    renameSync(this.path('genesis.state.tmp'), this.path('genesis.state'));
    writeFileSync(this.path('genesis.json.tmp'), `${JSON.stringify(info, null, 2)}\n`);
    renameSync(this.path('genesis.json.tmp'), this.path('genesis.json'));
    writeFileSync(this.path('journal.jsonl'), '');
  }

  *entries(): Generator<{ entry: JournalEntry; line: string }> {
    if (!existsSync(this.journalPath())) return;
    const text = readFileSync(this.journalPath(), 'utf8');
    let start = 0;
    while (start < text.length) {
      const end = text.indexOf('\n', start);
      // A torn last line (crash mid-write) is ignored; everything before it is intact.
      if (end === -1) return;
      const line = text.slice(start, end);
      start = end + 1;
      if (line.length > 0) yield { entry: JSON.parse(line, reviver) as JournalEntry, line };
    }
  }

  /** Remembers a replayed line for the next checkpoint. */
  retain(slot: number, line: string): void {
    this.retained.push({ slot, line });
    this.linesSinceCheckpoint++;
  }

  append(entry: JournalEntry, slot: number): void {
    const line = JSON.stringify(entry, replacer);
    this.pending.push(line);
    this.retain(slot, line);
  }

  get uncheckpointedLines(): number {
    return this.linesSinceCheckpoint;
  }

  flush(): void {
    if (this.pending.length === 0) return;
    appendFileSync(this.journalPath(), `${this.pending.join('\n')}\n`);
    this.pending = [];
  }

  /** Writes the next generation: `state` (the snapshot now) and the retained entries from `base.slot` on. */
  checkpoint(state: Uint8Array, base: Extract<JournalEntry, { t: 'base' }>): void {
    const previous = this.generation;
    const next = previous + 1;
    this.retained = this.retained.filter((r) => r.slot >= base.slot);
    writeFileSync(this.statePath(next), state);
    const lines = [JSON.stringify(base, replacer), ...this.retained.map((r) => r.line)];
    writeFileSync(this.journalPath(next), `${lines.join('\n')}\n`);
    writeFileSync(this.path('current.json.tmp'), JSON.stringify({ generation: next }));
    renameSync(this.path('current.json.tmp'), this.path('current.json'));
    this.generation = next;
    this.pending = [];
    this.linesSinceCheckpoint = 0;
    // The genesis snapshot stays (it names the chain); older checkpoints go.
    if (previous > 0) {
      rmSync(this.statePath(previous), { force: true });
      rmSync(this.journalPath(previous), { force: true });
    } else {
      writeFileSync(this.journalPath(0), '');
    }
  }
}
