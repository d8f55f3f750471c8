/**
 * First start, or a cursor older than the stream can replay: snapshot the program's accounts over RPC at
 * `confirmed` (context slot C), apply them like stream updates in one transaction, and set the cursor to C so the
 * stream resumes at C + 1: every change up to C is in the snapshot, every later one in the stream — no gap; and
 * idempotency by (account, slot, write_version) makes any overlap a no-op — no duplicate.
 *
 * History (the "+ signatures" half): the program's signatures are paged newest → oldest (down to the previous
 * cursor, at most `maxSignatures`), their transactions fetched (bounded concurrency; signatures already in the
 * indexed rows are not fetched again) and the successful ones decoded with the program client. They give
 *  - each account's provenance: the newest transaction at or before C whose Choir instructions name the account
 *    (the instruction index is the last such instruction, as `sync/enrich.ts` assigns it live). It must be at or
 *    after the account's own `updated_slot` (else history is incomplete and the account keeps no provenance). The
 *    row is written at that transaction's slot — where the live stream would have left it;
 *  - the steps that led there, so events are attributed like live ones: a thread is first applied as created
 *    (its create_thread co-authors) by its create_thread transaction; a message as submitted (no votes, still
 *    pending) by its submit transaction, then once per vote transaction with the votes so far — so
 *    MessagePublished/SpecSubmitted and each VoteCast carry the transaction that caused them, and every vote row
 *    its own vote's signature and instruction index;
 *  - `Divested` events: successful divest instructions before C are applied as transaction updates, which
 *    `write/apply.ts` turns into Divested exactly as live (payload, dedup by signature + instruction index).
 *
 * Write versions: an account without known provenance is applied at its `updated_slot` with write version 0 (a
 * stream update of that slot still wins). With provenance, the intermediate steps get 0, 1, … and the final state
 * `FINAL_WRITE_VERSION` (i64 max): a later replay of that slot's own writes (which would first step the row back
 * to an older state of the same slot, then re-emit the events of the next writes) is then never newer. Slots
 * after it win by slot. So running backfill twice, or backfill then a stream replay of the same slots, adds
 * nothing.
 */
import type pg from 'pg';
import {
  type ChoirInstruction,
  decodeAccount,
  decodeInstruction,
  type MessageAccount,
  type ThreadAccount,
} from '../../programs/choir/client/index.js';
import type { Logger } from '../../src/observability/logger.js';
import type { AccountUpdate, DecodedInstruction, SkipReason, TransactionUpdate } from '../decode/types.js';
import {
  getSignaturesForAddress,
  getTransaction,
  type ProgramAccount,
  type RpcTransaction,
  type SignatureInfo,
  type SignaturePage,
  type TransactionEncoding,
} from '../source/rpc.js';
import { writeBatchIn } from '../write/write-batch.js';
import { type ChainIdentity, createCursor } from './cursor.js';

/** Write version of a backfilled account's final state when its provenance is known (see above). */
export const FINAL_WRITE_VERSION = 2n ** 63n - 1n;

export interface BackfillResult {
  readonly slot: bigint;
  readonly accounts: number;
  readonly skipped: number;
  readonly applied: number;
  /** Signatures listed (within the bound and the cap), transactions fetched and decoded, already indexed. */
  readonly signatures: number;
  readonly transactions: number;
  readonly alreadyIndexed: number;
  /** Malformed RPC data (signature entries, transactions) skipped. */
  readonly malformed: number;
  /** Accounts given a signature and instruction index; divest instructions applied. */
  readonly withProvenance: number;
  readonly divests: number;
}

/** Where backfill reads the program's history from (RPC; tests substitute their own). */
export interface BackfillHistory {
  /** A page of the program's signatures, newest first, older than `before`. */
  signatures(before: string | null, limit: number): Promise<SignaturePage>;
  /** A transaction; null: unknown to the node; a string: it did not decode (why). */
  transaction(signature: string): Promise<RpcTransaction | string | null>;
}

export function rpcHistory(url: string, programId: string, encoding: TransactionEncoding = 'base64'): BackfillHistory {
  return {
    signatures: (before, limit) => getSignaturesForAddress(url, programId, { before, limit }),
    transaction: (signature) => getTransaction(url, signature, encoding),
  };
}

export interface BackfillOptions {
  /** Without it, accounts only (no provenance, no Divested). */
  readonly history?: BackfillHistory | null;
  /** Most signatures listed (INDEXER_BACKFILL_SIGNATURES). */
  readonly maxSignatures?: number;
  /** The cursor being replaced, if any: history at or before it is already indexed. */
  readonly previousCursor?: bigint | null;
  readonly logger?: Logger;
  /** Log progress every this many signatures / transactions. */
  readonly progressEvery?: number;
  /** getTransaction calls in flight at once. */
  readonly concurrency?: number;
  /** Updates per writeBatchIn call. */
  readonly chunk?: number;
}

export type BackfillSkip = (reason: SkipReason, detail: string) => void;

/** A decoded transaction of the program's history, in chain order (`seq`). */
interface HistoryTx {
  readonly seq: number;
  readonly signature: string;
  readonly slot: bigint;
  /** Position of each account key (the order the transaction's account writes stream in). */
  readonly keys: Map<string, number>;
  readonly instructions: DecodedInstruction[];
  readonly balanceDeltas: Map<string, bigint>;
}

/** A transaction's Choir instructions that name one account; `index` is the last of them (the live rule). */
interface Write {
  readonly tx: HistoryTx;
  readonly index: number;
  readonly instructions: ChoirInstruction[];
}

interface Ordered {
  readonly update: AccountUpdate | TransactionUpdate;
  /** Sort key: slot, then chain order within the slot, then the account's key position in the transaction. */
  readonly slot: bigint;
  readonly seq: number;
  readonly step: number;
}

function touched(ix: ChoirInstruction): string[] {
  const a = ix.accounts as Record<string, string | string[]>;
  return Object.values(a).flatMap((v) => (Array.isArray(v) ? [] : [v]));
}

/** Lists the program's signatures newest → oldest: above `bound`, at or below `slot`, at most `max`. */
async function listSignatures(
  history: BackfillHistory,
  o: { slot: bigint; bound: bigint | null; max: number; log: Logger | undefined; every: number },
  skip: BackfillSkip,
) {
  const out: SignatureInfo[] = [];
  let listed = 0;
  let malformed = 0;
  let before: string | null = null;
  let nextLog = o.every;
  while (listed < o.max) {
    const limit = Math.min(1000, o.max - listed);
    const page = await history.signatures(before, limit);
    for (const m of page.malformed) {
      malformed++;
      skip('update_malformed', `backfill: ${m}`);
    }
    let done = page.received < limit || page.last === null;
    for (const s of page.signatures) {
      if (s.slot > o.slot) continue; // after the snapshot: the stream brings it
      if (o.bound !== null && s.slot <= o.bound) {
        done = true;
        break;
      }
      listed++;
      if (!s.failed) out.push(s);
      if (listed >= o.max) {
        done = true;
        break;
      }
    }
    if (listed >= nextLog) {
      o.log?.info({ listed }, 'backfill: listing signatures');
      nextLog = listed + o.every;
    }
    if (done) break;
    before = page.last;
  }
  return { signatures: out, listed, malformed };
}

/** Of these signatures, those some indexed row already names (no need to fetch them again). */
async function indexedSignatures(client: pg.ClientBase, signatures: readonly SignatureInfo[]) {
  const found = new Set<string>();
  for (let i = 0; i < signatures.length; i += 1000) {
    const part = signatures.slice(i, i + 1000);
    const sigs = part.map((s) => s.signature);
    const slots = [...new Set(part.map((s) => s.slot.toString()))];
    const { rows } = await client.query<{ s: string }>(
      `SELECT tx_signature AS s FROM messages WHERE slot = ANY ($2::int8[]) AND tx_signature = ANY ($1::text[])
       UNION SELECT tx_signature FROM votes WHERE slot = ANY ($2::int8[]) AND tx_signature = ANY ($1::text[])
       UNION SELECT tx_signature FROM threads WHERE tx_signature = ANY ($1::text[])`,
      [sigs, slots],
    );
    for (const r of rows) found.add(r.s);
  }
  return found;
}

/** Fetches and decodes transactions with bounded concurrency; keeps successful ones with a Choir instruction. */
async function fetchHistory(
  history: BackfillHistory,
  signatures: readonly SignatureInfo[],
  programId: string,
  o: { concurrency: number; log: Logger | undefined; every: number },
  skip: BackfillSkip,
) {
  // Chain order: oldest slot first; within a slot the listing is newest first.
  const order = new Map<string, number>();
  signatures.forEach((s, i) => {
    order.set(s.signature, signatures.length - i);
  });
  const txs: HistoryTx[] = [];
  let malformed = 0;
  let fetched = 0;
  let next = 0;
  const worker = async () => {
    while (next < signatures.length) {
      const info = signatures[next++] as SignatureInfo;
      const raw = await history.transaction(info.signature);
      fetched++;
      if (fetched % o.every === 0) o.log?.info({ fetched, of: signatures.length }, 'backfill: fetching transactions');
      if (raw === null) continue; // gone from the node's history
      if (typeof raw === 'string') {
        malformed++;
        skip('update_malformed', `backfill: transaction ${info.signature}: ${raw}`);
        continue;
      }
      if (raw.slot !== info.slot) {
        malformed++;
        skip(
          'update_malformed',
          `backfill: transaction ${info.signature} is at slot ${raw.slot}, listed at ${info.slot}`,
        );
        continue;
      }
      if (raw.failed) continue;
      const instructions: DecodedInstruction[] = [];
      raw.instructions.forEach((ix, index) => {
        if (raw.accountKeys[ix.programIdIndex] !== programId) return;
        const decoded = decodeInstruction(
          ix.data,
          ix.accounts.map((a) => raw.accountKeys[a] ?? ''),
        );
        if (decoded.ok) instructions.push({ index, instruction: decoded.value });
        else skip('instruction_unknown', `backfill: ${info.signature} #${index}: ${decoded.error.message}`);
      });
      if (instructions.length === 0) continue;
      const balanceDeltas = new Map<string, bigint>();
      raw.accountKeys.forEach((key, i) => {
        const pre = raw.preBalances[i];
        const post = raw.postBalances[i];
        if (pre !== undefined && post !== undefined) balanceDeltas.set(key, post - pre);
      });
      txs.push({
        seq: order.get(info.signature) ?? 0,
        signature: info.signature,
        slot: raw.slot,
        keys: new Map(raw.accountKeys.map((k, i) => [k, i])),
        instructions,
        balanceDeltas,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
  txs.sort((a, b) => (a.slot < b.slot ? -1 : a.slot > b.slot ? 1 : a.seq - b.seq));
  return { txs, fetched, malformed };
}

/** For every account, the transactions that wrote it, oldest first. */
function writesByAccount(txs: readonly HistoryTx[]) {
  const byAccount = new Map<string, Write[]>();
  for (const tx of txs) {
    const mine = new Map<string, { index: number; instructions: ChoirInstruction[] }>();
    for (const { index, instruction } of tx.instructions) {
      for (const account of touched(instruction)) {
        const w = mine.get(account);
        if (w) {
          w.index = index;
          w.instructions.push(instruction);
        } else mine.set(account, { index, instructions: [instruction] });
      }
    }
    for (const [account, w] of mine) {
      const list = byAccount.get(account);
      const write = { tx, ...w };
      if (list) list.push(write);
      else byAccount.set(account, [write]);
    }
  }
  return byAccount;
}

const update = (
  pubkey: string,
  lamports: bigint,
  account: ThreadAccount | MessageAccount,
  at: { slot: bigint; writeVersion: bigint; write: Write | null },
): AccountUpdate => ({
  kind: 'account',
  pubkey,
  slot: at.slot,
  writeVersion: at.writeVersion,
  lamports,
  txSignature: at.write?.tx.signature ?? null,
  account,
  instructionIndex: at.write?.index ?? null,
});

/** The steps of one account (see the header), in order; the last is the snapshot state. */
function accountSteps(
  a: ProgramAccount,
  account: ThreadAccount | MessageAccount,
  writes: readonly Write[],
  threads: ReadonlyMap<string, ThreadAccount>,
  /** `${thread}:${author}` → the transaction that approved the author's spec. */
  approvals: ReadonlyMap<string, HistoryTx>,
): { steps: Ordered[]; known: boolean } {
  const last = writes[writes.length - 1];
  if (!last || last.tx.slot < account.updatedSlot) {
    // No (complete) history: the old snapshot row, at the account's own updated slot.
    const u = update(a.pubkey, a.lamports, account, { slot: account.updatedSlot, writeVersion: 0n, write: null });
    return { steps: [{ update: u, slot: account.createdSlot, seq: -1, step: 0 }], known: false };
  }
  const steps: { account: ThreadAccount | MessageAccount; write: Write }[] = [];
  if (account.kind === 'thread') {
    const creation = writes.find((w) =>
      w.instructions.some((ix) => ix.name === 'createThread' && ix.accounts.thread === a.pubkey),
    );
    const ix = creation?.instructions.find((i) => i.name === 'createThread' && i.accounts.thread === a.pubkey);
    if (creation && creation !== last && ix?.name === 'createThread' && creation.tx.slot === account.createdSlot) {
      const initial = ix.coAuthors.every((k, i) => account.coAuthors[i] === k) ? ix.coAuthors : account.coAuthors;
      steps.push({ account: { ...account, coAuthors: [...initial] }, write: creation });
      // Each later co-author joined with the vote that approved their spec: a step there (CoAuthorAdded).
      let after = writes.indexOf(creation);
      for (let p = initial.length; p < account.coAuthors.length; p++) {
        const approval = approvals.get(`${a.pubkey}:${account.coAuthors[p]}`);
        const at = approval ? writes.findIndex((w, i) => i > after && w.tx === approval) : -1;
        if (at < 0 || writes[at] === last) break;
        after = at;
        steps.push({
          account: { ...account, coAuthors: account.coAuthors.slice(0, p + 1) },
          write: writes[at] as Write,
        });
      }
    }
  } else {
    const creation = writes.find((w) =>
      w.instructions.some(
        (ix) => (ix.name === 'submitMessage' || ix.name === 'submitSpec') && ix.accounts.message === a.pubkey,
      ),
    );
    const coAuthors = threads.get(account.thread)?.coAuthors ?? [];
    const pending = account.messageKind === 'spec' ? 'Pending' : account.status;
    const from = creation ? writes.indexOf(creation) : -1;
    if (creation && creation !== last && creation.tx.slot === account.createdSlot) {
      // Submitted (no votes yet), then once per later write before the last with the votes so far.
      let approvals = 0;
      let denials = 0;
      for (const w of writes.slice(from, -1)) {
        for (const ix of w.instructions) {
          if (ix.name !== 'vote' || ix.accounts.message !== a.pubkey) continue;
          const position = coAuthors.indexOf(ix.accounts.voter);
          if (position < 0) continue;
          const bit = 1 << position;
          if (ix.approve && account.approvals & bit) approvals |= bit;
          if (!ix.approve && account.denials & bit) denials |= bit;
        }
        steps.push({ account: { ...account, approvals, denials, status: pending }, write: w });
      }
    }
  }
  steps.push({ account, write: last });
  return {
    steps: steps.map((s, i) => ({
      update: update(a.pubkey, a.lamports, s.account, {
        slot: s.write.tx.slot,
        writeVersion: i === steps.length - 1 ? FINAL_WRITE_VERSION : BigInt(i),
        write: s.write,
      }),
      slot: s.write.tx.slot,
      seq: s.write.tx.seq,
      step: s.write.tx.keys.get(a.pubkey) ?? 0,
    })),
    known: true,
  };
}

const byKey = (x: Ordered, y: Ordered) =>
  (x.slot < y.slot ? -1 : x.slot > y.slot ? 1 : 0) || x.seq - y.seq || x.step - y.step;

/**
 * The snapshot (and history) as updates in apply order: chain order (slot, transaction, account key; a
 * transaction's divests after its account writes, as the stream delivers them), a message never before its
 * thread. Accounts without history: threads first, messages by creation.
 */
export function snapshotUpdates(
  accounts: readonly ProgramAccount[],
  onSkip: (detail: string) => void,
  txs: readonly HistoryTx[] = [],
): { updates: (AccountUpdate | TransactionUpdate)[]; withProvenance: number; divests: number } {
  const decoded: { a: ProgramAccount; account: ThreadAccount | MessageAccount }[] = [];
  for (const a of accounts) {
    const d = decodeAccount(a.data);
    if (!d.ok) {
      onSkip(`${a.pubkey}: ${d.error.message}`);
      continue;
    }
    decoded.push({ a, account: d.value });
  }
  const threads = new Map<string, ThreadAccount>();
  for (const { a, account } of decoded) if (account.kind === 'thread') threads.set(a.pubkey, account);
  const writes = writesByAccount(txs);
  const approvals = new Map<string, HistoryTx>();
  for (const { a, account } of decoded) {
    if (account.kind !== 'message' || account.status !== 'Approved') continue;
    const last = writes.get(a.pubkey)?.at(-1);
    const key = `${account.thread}:${account.author}`;
    const seen = approvals.get(key);
    if (!last || last.tx.slot < account.updatedSlot) continue;
    // The author joined with their first approved spec.
    if (!seen || last.tx.slot < seen.slot || (last.tx.slot === seen.slot && last.tx.seq < seen.seq)) {
      approvals.set(key, last.tx);
    }
  }
  const first: Ordered[] = [];
  const all: Ordered[] = [];
  let withProvenance = 0;
  for (const { a, account } of decoded) {
    const { steps, known } = accountSteps(a, account, writes.get(a.pubkey) ?? [], threads, approvals);
    if (known) withProvenance++;
    if (known) all.push(...steps);
    else if (account.kind === 'thread') first.push(...steps);
    else all.push({ ...(steps[0] as Ordered), seq: -1, step: Number(account.index) }); // by creation, then index
  }
  let divests = 0;
  for (const tx of txs) {
    const divest = tx.instructions.filter((i) => i.instruction.name === 'divest');
    if (divest.length === 0) continue;
    divests += divest.length;
    const u: TransactionUpdate = {
      kind: 'transaction',
      signature: tx.signature,
      slot: tx.slot,
      failed: false,
      instructions: divest,
      balanceDeltas: tx.balanceDeltas,
    };
    all.push({ update: u, slot: tx.slot, seq: tx.seq, step: Number.MAX_SAFE_INTEGER });
  }
  const tie = (x: Ordered, y: Ordered) => {
    const p = x.update.kind === 'account' ? x.update.pubkey : '';
    const q = y.update.kind === 'account' ? y.update.pubkey : '';
    return p < q ? -1 : p > q ? 1 : 0;
  };
  first.sort((x, y) => byKey(x, y) || tie(x, y));
  all.sort((x, y) => byKey(x, y) || tie(x, y));
  // A message whose thread comes later (its history only partly fetched) waits for the thread's first step.
  const out = first.map((o) => o.update);
  const present = new Set(first.map((o) => (o.update as AccountUpdate).pubkey));
  const later = new Set(all.flatMap((o) => (o.update.kind === 'account' ? [o.update.pubkey] : [])));
  const waiting = new Map<string, AccountUpdate[]>();
  for (const { update: u } of all) {
    if (u.kind === 'account' && u.account.kind === 'message') {
      const thread = u.account.thread;
      if (!present.has(thread) && later.has(thread)) {
        waiting.set(thread, [...(waiting.get(thread) ?? []), u]);
        continue;
      }
    }
    out.push(u);
    if (u.kind === 'account' && u.account.kind === 'thread' && !present.has(u.pubkey)) {
      present.add(u.pubkey);
      out.push(...(waiting.get(u.pubkey) ?? []));
      waiting.delete(u.pubkey);
    }
  }
  for (const rest of waiting.values()) out.push(...rest);
  return { updates: out, withProvenance, divests };
}

export async function backfill(
  pool: pg.Pool,
  stream: string,
  identity: ChainIdentity,
  snapshot: { slot: bigint; accounts: readonly ProgramAccount[] },
  onSkip: BackfillSkip,
  options: BackfillOptions = {},
): Promise<BackfillResult> {
  const log = options.logger;
  const every = options.progressEvery ?? 1000;
  const chunk = options.chunk ?? 5_000;
  let skipped = 0;
  let malformed = 0;
  let signatures = 0;
  let transactions = 0;
  let alreadyIndexed = 0;
  const skip: BackfillSkip = (reason, detail) => {
    skipped++;
    onSkip(reason, detail);
  };
  const client = await pool.connect();
  let applied = 0;
  try {
    let txs: HistoryTx[] = [];
    if (options.history && (options.maxSignatures ?? 10_000) > 0) {
      const listing = await listSignatures(
        options.history,
        {
          slot: snapshot.slot,
          bound: options.previousCursor ?? null,
          max: options.maxSignatures ?? 10_000,
          log,
          every,
        },
        skip,
      );
      signatures = listing.listed;
      malformed += listing.malformed;
      const indexed = await indexedSignatures(client, listing.signatures);
      alreadyIndexed = indexed.size;
      const todo = listing.signatures.filter((s) => !indexed.has(s.signature));
      const fetched = await fetchHistory(
        options.history,
        todo,
        identity.programId,
        { concurrency: options.concurrency ?? 8, log, every },
        skip,
      );
      transactions = fetched.fetched;
      malformed += fetched.malformed;
      txs = fetched.txs;
    }
    const { updates, withProvenance, divests } = snapshotUpdates(
      snapshot.accounts,
      (detail) => skip('account_malformed', detail),
      txs,
    );
    await client.query('BEGIN');
    await createCursor(client, stream, snapshot.slot, identity);
    await client.query('UPDATE indexer_cursors SET confirmed_slot = greatest(confirmed_slot, $2) WHERE stream = $1', [
      stream,
      snapshot.slot.toString(),
    ]);
    for (let i = 0; i < updates.length; i += chunk) {
      const out = await writeBatchIn(client, stream, updates.slice(i, i + chunk), snapshot.slot);
      applied += out.applied;
      skipped += out.orphans;
      if (updates.length > chunk) log?.info({ done: i + chunk, of: updates.length }, 'backfill: applying');
    }
    await client.query('COMMIT');
    return {
      slot: snapshot.slot,
      accounts: snapshot.accounts.length,
      skipped,
      applied,
      signatures,
      transactions,
      alreadyIndexed,
      malformed,
      withProvenance,
      divests,
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
