/**
 * Backfill's snapshot as updates in apply order. History (`backfill-history.ts`) gives
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
 * Write versions: a final state gets `FINAL_WRITE_VERSION` (i64 max), whether its provenance is known or not: a
 * later replay of that slot's own writes (which would first step the row back to an older state of the same slot,
 * then re-emit the events of the next writes — VoteCast, CoAuthorAdded, SpecApproved… twice) is then never newer.
 * Slots after it win by slot. With provenance, the intermediate steps get 0, 1, … An account without known
 * provenance is applied once, at its `updated_slot`: the snapshot is its state at the end of that slot, so
 * nothing streamed in that slot is newer. The trade-off: such a row keeps no provenance (tx signature and
 * instruction index null) for good — neither a stream replay of its `updated_slot` nor a later backfill reaching
 * further back fills it in (their writes of that slot are not newer either); only a reindex does. So running
 * backfill twice, or backfill then a stream replay of the same slots, adds nothing.
 */
import {
  type ChoirInstruction,
  decodeAccount,
  type MessageAccount,
  type ThreadAccount,
} from '../../programs/choir/client/index.js';
import type { AccountUpdate, TransactionUpdate } from '../decode/types.js';
import type { ProgramAccount } from '../source/rpc.js';
import type { HistoryTx } from './backfill-history.js';

/** Write version of a backfilled account's final state, provenance known or not (see above). */
export const FINAL_WRITE_VERSION = 2n ** 63n - 1n;

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
    // No (complete) history: the snapshot row as the final state of the account's own updated slot.
    const u = update(a.pubkey, a.lamports, account, {
      slot: account.updatedSlot,
      writeVersion: FINAL_WRITE_VERSION,
      write: null,
    });
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
