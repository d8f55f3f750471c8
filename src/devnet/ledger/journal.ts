import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
  | { readonly t: 'dead' };

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
 * The ledger's files under its data directory: `genesis.json`, `genesis.state` (a LiteSVM snapshot taken right
 * after genesis and the program deploy) and `journal.jsonl`. Entries are buffered and written once per slot, so
 * a crash loses at most the open slot: the one a real validator would also have lost.
 */
export class Journal {
  private pending: string[] = [];

  private constructor(private readonly dir: string) {}

  static open(dir: string): Journal {
    mkdirSync(dir, { recursive: true });
    return new Journal(dir);
  }

  private path(name: string): string {
    return join(this.dir, name);
  }

  hasGenesis(): boolean {
    return existsSync(this.path('genesis.json')) && existsSync(this.path('genesis.state'));
  }

  readGenesis(): { info: GenesisInfo; state: Uint8Array } {
    const info = JSON.parse(readFileSync(this.path('genesis.json'), 'utf8')) as GenesisInfo;
    return { info, state: new Uint8Array(readFileSync(this.path('genesis.state'))) };
  }

  writeGenesis(info: GenesisInfo, state: Uint8Array): void {
    // Written to temporary names and renamed, so a half-written genesis is never taken for a ledger.
    writeFileSync(this.path('genesis.state.tmp'), state);
    renameSync(this.path('genesis.state.tmp'), this.path('genesis.state'));
    writeFileSync(this.path('genesis.json.tmp'), `${JSON.stringify(info, null, 2)}\n`);
    renameSync(this.path('genesis.json.tmp'), this.path('genesis.json'));
    writeFileSync(this.path('journal.jsonl'), '');
  }

  *entries(): Generator<JournalEntry> {
    if (!existsSync(this.path('journal.jsonl'))) return;
    const text = readFileSync(this.path('journal.jsonl'), 'utf8');
    let start = 0;
    while (start < text.length) {
      const end = text.indexOf('\n', start);
      // A torn last line (crash mid-write) is ignored; everything before it is intact.
      if (end === -1) return;
      const line = text.slice(start, end);
      start = end + 1;
      if (line.length > 0) yield JSON.parse(line, reviver) as JournalEntry;
    }
  }

  append(entry: JournalEntry): void {
    this.pending.push(JSON.stringify(entry, replacer));
  }

  flush(): void {
    if (this.pending.length === 0) return;
    appendFileSync(this.path('journal.jsonl'), `${this.pending.join('\n')}\n`);
    this.pending = [];
  }
}
