/**
 * An in-memory stand-in for the API as the client SDK's thread store sees it (a ThreadSource): rows changed the
 * way the backend changes them (src/pipeline, indexer/write: statuses, commitments, votes, undo on a fork) and an
 * event log appended in the same step, delivered to subscribers asynchronously (fake-event-log.ts). It can also
 * misbehave on purpose: drop a delivery (a gap), re-send events (duplicates), cut every stream (a disconnect),
 * answer reads late.
 * Rows are written independently of the store's reducer, so a store that ends equal to this server has followed
 * the backend's rules, not its own.
 */
import type { EventStreamHandlers, ThreadSnapshot, ThreadSource } from '../../src/client/store/source.js';
import type { ServerMessage, ThreadEvent, ThreadHeader } from '../../src/client/store/types.js';
import { FakeEventLog } from './fake-event-log.js';
import { serverMessage } from './server-message.js';

type Row = ServerMessage;
type Distribute<T> = T extends unknown
  ? Omit<T, 'cursor' | 'sequence' | 'threadSequence' | 'threadAddress' | 'slot' | 'createdAt'>
  : never;
type EventBody = Distribute<ThreadEvent>;

const clone = <T>(v: T): T => structuredClone(v);

export class FakeThreadServer implements ThreadSource {
  readonly address: string;
  head: ThreadHeader;
  readonly rows = new Map<string, Row>();
  private readonly stream: FakeEventLog;
  readonly log: ThreadEvent[];
  /** Per published message: its row before the chain showed it (null: it did not exist), until finalized. */
  private readonly undo = new Map<string, { image: Row | null; sequence: number }>();
  private clock = Date.parse('2026-01-01T00:00:00.000Z');
  reads = 0;

  constructor(address: string, seed = 1, coAuthors: string[] = ['creator', 'alice', 'bob']) {
    this.address = address;
    this.stream = new FakeEventLog(seed);
    this.log = this.stream.log;
    this.head = {
      address,
      threadId: 'ab'.repeat(32),
      creator: coAuthors[0] as string,
      title: 'a thread',
      coAuthors: coAuthors.slice(0, 2),
      messageCount: 0,
      specCount: 0,
      balance: '1000',
      minStake: '0',
      specLifetime: '604800',
      contentRoot: '0'.repeat(64),
      commitment: 'PROCESSED',
      createdAt: this.now(),
    };
    this.append({
      __typename: 'ThreadCreated',
      threadId: this.head.threadId,
      creator: this.head.creator,
      coAuthors: [...this.head.coAuthors],
      minStake: '0',
      specLifetime: '604800',
    });
  }

  private now() {
    this.clock += 1;
    return new Date(this.clock).toISOString();
  }

  private append(body: EventBody): ThreadEvent {
    const n = this.log.length + 1;
    const event = {
      ...body,
      cursor: `c:${n}`,
      sequence: String(n),
      threadSequence: String(n),
      threadAddress: this.address,
      slot: null,
      createdAt: this.now(),
    } as ThreadEvent;
    this.stream.append(event);
    return event;
  }

  // ── Writes, as the backend makes them ──────────────────────────────────────────────────────────────────────

  /** submitMessage: a PENDING row and MessageSubmitted (or the same row again); null when refused. */
  submit(address: string, author: string, content: string): Row | null {
    const row = this.rows.get(address);
    if (row && row.author !== author) return null; // DUPLICATE_CONTENT
    if (row && row.status !== 'ROLLED_BACK' && row.content !== null) return clone(row);
    const createdAt = this.now();
    const next: Row = row
      ? { ...row, content, status: row.status === 'ROLLED_BACK' ? 'PENDING' : row.status, rollbackReason: null }
      : serverMessage(address, { threadAddress: this.address, author, content, createdAt });
    this.rows.set(address, next);
    const e = this.append({
      __typename: 'MessageSubmitted',
      messageAddress: address,
      contentHash: next.hash,
      submittedBy: author,
    });
    if (!row) this.rows.set(address, { ...next, createdAt: e.createdAt });
    return clone(this.rows.get(address) as Row);
  }

  /**
   * The pipeline's own steps, each with its event (src/pipeline/status-step.ts): PENDING → STORED (MessageStored),
   * STORED → RECORDED before the indexer has seen the record (MessageRecorded).
   */
  pipelineStep(address: string) {
    const row = this.rows.get(address);
    if (!row) return;
    const to = row.status === 'PENDING' ? 'STORED' : row.status === 'STORED' ? 'RECORDED' : null;
    if (!to) return;
    this.rows.set(address, { ...row, status: to });
    this.append({
      __typename: to === 'STORED' ? 'MessageStored' : 'MessageRecorded',
      messageAddress: address,
      contentHash: row.hash,
      status: to,
    });
  }

  /** The pipeline gives up: only rows the chain has not recorded roll back. */
  rollback(address: string, reason: string) {
    const row = this.rows.get(address);
    if (!row || (row.status !== 'PENDING' && row.status !== 'STORED')) return;
    // Message.rollbackReason: what the row holds while it is rolled back (the API shows it only then).
    this.rows.set(address, { ...row, status: 'ROLLED_BACK', rollbackReason: reason });
    this.append({ __typename: 'MessageRolledBack', messageAddress: address, reason });
  }

  /** The indexer sees the message account for the first time (a message, or a spec with its stake). */
  publish(address: string, author: string, spec?: { stake: string }) {
    const before = this.rows.get(address);
    if (before?.chainStatus) return;
    const createdAt = this.now();
    const row: Row = {
      ...(before ?? {
        address,
        hash: `h-${address}`,
        threadAddress: this.address,
        author,
        content: null,
        createdAt,
        rollbackReason: null,
        votes: [],
        approvals: 0,
        denials: 0,
        expiresAt: null,
      }),
      author: before?.author ?? author,
      rollbackReason: null,
      kind: spec ? 'SPEC' : 'MESSAGE',
      status: before?.status === 'CONFIRMED' || before?.status === 'FINALIZED' ? before.status : 'RECORDED',
      chainStatus: spec ? 'PENDING' : 'PUBLISHED',
      stake: spec ? spec.stake : '0',
      expiresAt: spec ? '2026-02-01T00:00:00.000Z' : null,
      commitment: 'PROCESSED',
      indexInThread: this.head.messageCount + this.head.specCount,
    } as Row;
    this.rows.set(address, row);
    if (spec) {
      this.head = {
        ...this.head,
        specCount: this.head.specCount + 1,
        balance: String(BigInt(this.head.balance) + BigInt(spec.stake)),
      };
    } else this.head = { ...this.head, messageCount: this.head.messageCount + 1 };
    const e = spec
      ? this.append({
          __typename: 'SpecSubmitted',
          messageAddress: address,
          contentHash: row.hash,
          author: row.author,
          stake: spec.stake,
          expiresAt: row.expiresAt,
          index: row.indexInThread,
        })
      : this.append({
          __typename: 'MessagePublished',
          messageAddress: address,
          contentHash: row.hash,
          author: row.author,
          index: row.indexInThread,
        });
    if (!before) this.rows.set(address, { ...row, createdAt: e.createdAt });
    this.undo.set(address, { image: before ? clone(before) : null, sequence: Number(e.threadSequence) });
  }

  /** A co-author votes on a spec; a majority of approvals approves it and adds its author as a co-author. */
  vote(address: string, voter: string, approve: boolean) {
    const row = this.rows.get(address);
    if (row?.kind !== 'SPEC' || row.chainStatus !== 'PENDING') return;
    if (!this.head.coAuthors.includes(voter) || row.votes.some((v) => v.voter === voter)) return;
    const votes = [...row.votes, { voter, approve }];
    const approvals = votes.filter((v) => v.approve).length;
    const denials = votes.length - approvals;
    this.rows.set(address, { ...row, votes, approvals, denials });
    this.append({ __typename: 'VoteCast', messageAddress: address, voter, approve });
    const majority = Math.floor(this.head.coAuthors.length / 2) + 1;
    if (approvals >= majority) {
      this.rows.set(address, { ...(this.rows.get(address) as Row), chainStatus: 'APPROVED' });
      if (!this.head.coAuthors.includes(row.author)) {
        this.head = { ...this.head, coAuthors: [...this.head.coAuthors, row.author] };
        this.append({ __typename: 'CoAuthorAdded', coAuthor: row.author, position: this.head.coAuthors.length - 1 });
      }
      this.append({ __typename: 'SpecApproved', messageAddress: address, approvals, denials });
    } else if (denials >= majority) {
      this.rows.set(address, { ...(this.rows.get(address) as Row), chainStatus: 'REJECTED' });
      this.head = { ...this.head, balance: String(BigInt(this.head.balance) - BigInt(row.stake)) };
      this.append({ __typename: 'SpecRejected', messageAddress: address, approvals, denials });
    }
  }

  /** A slot reached a commitment: every published row below it is promoted; one CommitmentChanged lists them. */
  commit(level: 'CONFIRMED' | 'FINALIZED', addresses: readonly string[]) {
    const rank = { PROCESSED: 0, CONFIRMED: 1, FINALIZED: 2 } as const;
    const promoted: string[] = [];
    for (const address of addresses) {
      const row = this.rows.get(address);
      if (!row?.commitment || rank[row.commitment] >= rank[level]) continue;
      const promotable =
        level === 'CONFIRMED' ? ['PENDING', 'STORED', 'RECORDED'] : ['PENDING', 'STORED', 'RECORDED', 'CONFIRMED'];
      this.rows.set(address, {
        ...row,
        commitment: level,
        status: promotable.includes(row.status) ? level : row.status,
      });
      promoted.push(address);
      if (level === 'FINALIZED') this.undo.delete(address);
    }
    const threadChanged = rank[this.head.commitment] < rank[level];
    if (threadChanged) this.head = { ...this.head, commitment: level };
    if (promoted.length || threadChanged) {
      this.append({
        __typename: 'CommitmentChanged',
        commitment: level,
        messageAddresses: promoted.sort(),
        threadChanged,
      });
    }
  }

  /** A fork dropped the slot that showed `address`: its row goes back to before, and the event is retracted. */
  retract(address: string) {
    const undo = this.undo.get(address);
    const row = this.rows.get(address);
    // Votes come in later slots, which a fork of this one would have dropped too: keep the model to lone slots.
    if (!undo || !row || row.commitment !== 'PROCESSED' || row.votes.length) return;
    if (undo.image) this.rows.set(address, undo.image);
    else this.rows.delete(address);
    this.head =
      row.kind === 'SPEC'
        ? {
            ...this.head,
            specCount: this.head.specCount - 1,
            balance: String(BigInt(this.head.balance) - BigInt(row.stake)),
          }
        : { ...this.head, messageCount: this.head.messageCount - 1 };
    this.undo.delete(address);
    const retracted = this.log[undo.sequence - 1] as ThreadEvent;
    this.append({
      __typename: 'Retracted',
      retractedSequence: retracted.sequence,
      retractedType: retracted.__typename,
    });
  }

  divest(coAuthor: string, amount: bigint) {
    const balance = BigInt(this.head.balance);
    if (amount > balance) return;
    this.head = { ...this.head, balance: String(balance - amount) };
    this.append({ __typename: 'Divested', coAuthor, amount: amount.toString() });
  }

  // ── Faults (the log's deliveries) ───────────────────────────────────────────────────────────────────────────

  disconnect() {
    this.stream.disconnect();
  }

  dropNext() {
    this.stream.dropNext();
  }

  heal() {
    this.stream.heal();
  }

  resend(n: number) {
    this.stream.resend(n);
  }

  subscribers(): number {
    return this.stream.subscribers();
  }

  // ── ThreadSource ───────────────────────────────────────────────────────────────────────────────────────────

  /** Snapshots carry the log position they reflect, as the API's (Thread.lastEventCursor, Thread.eventCount). */
  readonly snapshotLog = true;

  /**
   * A read as over the network: the server reads its state after a delay, and the answer arrives after another,
   * so events committed in between may reach a subscriber before the (older) answer does.
   */
  private async read<T>(take: () => T): Promise<T> {
    this.reads += 1;
    await this.stream.delay(4);
    const value = take();
    await this.stream.delay(4);
    return value;
  }

  eventCount(): Promise<number> {
    return this.read(() => this.log.length);
  }

  snapshot(): Promise<ThreadSnapshot | null> {
    return this.read(() => ({
      thread: clone(this.head),
      messages: [...this.rows.values()].map(clone),
      log: { count: this.log.length, cursor: this.log.at(-1)?.cursor ?? null },
    }));
  }

  header(): Promise<ThreadHeader | null> {
    return this.read(() => clone(this.head));
  }

  message(address: string): Promise<ServerMessage | null> {
    return this.read(() => {
      const row = this.rows.get(address);
      return row ? clone(row) : null;
    });
  }

  events(_thread: string, after: () => string | null, handlers: EventStreamHandlers): () => void {
    return this.stream.subscribe(after(), handlers);
  }

  /** The view the store must end with: the thread and every message, as the API would answer. */
  state(): ThreadSnapshot {
    return { thread: clone(this.head), messages: [...this.rows.values()].map(clone) };
  }
}
