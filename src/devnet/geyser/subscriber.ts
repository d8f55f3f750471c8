import { type ServerDuplexStream, status } from '@grpc/grpc-js';
import type { SubscribeRequest } from '@triton-one/yellowstone-grpc';
import type { EventLog } from '../ledger/event-log.js';
import type { LedgerEvent } from '../ledger/types.js';
import { encodeAccountFramed } from './account-wire.js';
import { enableBatchedWrites, FramedBatch, frame } from './batched-writes.js';
import { encodeBlockMeta, encodePing, encodePong, encodeSlot, encodeTransactionStatus } from './encode.js';
import { FilterError, hasSubscription, parseFilters, type SubscriptionFilters } from './filters.js';
import { encodeTransactionFramed } from './transaction-wire.js';

function frameIfBatched(message: Buffer, batched: boolean): Buffer {
  return batched ? frame(message) : message;
}

/** Updates are flushed to gRPC in batches of about this many bytes (a few HTTP/2 DATA frames each). */
const BATCH_BYTES = 64 * 1024;

export interface SubscriberOptions {
  /** How many events a subscriber may lag behind (unsent or held for commitment) before it is dropped. */
  readonly bufferLimit: number;
  readonly pingIntervalMs: number;
  /** Updates are held while this holds. */
  readonly isPaused: () => boolean;
  /** Pongs and keepalive pings are held too while this holds (a hung provider); default: never. */
  readonly isSilent?: () => boolean;
  readonly onClose: (subscriber: Subscriber) => void;
}

/**
 * One Subscribe stream: a cursor over the ledger's event log. Replay (`from_slot`) and live updates are the same
 * loop; updates of slots not yet at the requested commitment wait per slot and are dropped if the slot dies.
 * Writes stop when gRPC's buffer is full and resume on `drain`, so a slow client never holds up the ledger; one
 * that falls `bufferLimit` events behind is dropped with RESOURCE_EXHAUSTED.
 */
export class Subscriber {
  private filters: SubscriptionFilters | null = null;
  private cursor = 0;
  /** Where the log ended when the subscription started: history before it is replay, not lag. */
  private liveFrom = 0;
  /** Held updates, already framed when writes are batched. */
  private readonly held = new Map<number, Buffer[]>();
  private heldCount = 0;
  private waitingForDrain = false;
  private closed = false;
  private readonly pingTimer: NodeJS.Timeout;
  private readonly batched: boolean;
  private batch: Buffer[] = [];
  private batchBytes = 0;
  /**
   * Pongs and pings held while the stream is silent, each with the log position when it was due: on resume it
   * goes out right after the updates of the events that happened before it, as it would have without the pause.
   */
  private outOfBand: { seq: number; message: Buffer }[] = [];
  /** Slots this stream never delivers anything of (a provider that lost them; the `loseSlotFromStreams` fault hook). */
  private readonly lostSlots = new Set<number>();

  constructor(
    readonly id: number,
    readonly peer: string,
    private readonly call: ServerDuplexStream<SubscribeRequest, Buffer>,
    private readonly log: EventLog,
    private readonly options: SubscriberOptions,
  ) {
    this.batched = enableBatchedWrites(call as ServerDuplexStream<unknown, unknown>);
    this.pingTimer = setInterval(() => this.writeNow(encodePing()), options.pingIntervalMs);
    this.pingTimer.unref();
    call.on('data', (request: SubscribeRequest) => {
      try {
        this.onRequest(request);
      } catch (err) {
        // Never let one stream's surprise take the process down: end that stream, with the reason.
        this.fail(status.INTERNAL, `devnet failed to handle the request: ${(err as Error).message}`);
      }
    });
    // 'end' (the client closed its side of the stream) is not the end of the subscription: updates keep flowing.
    call.on('cancelled', () => this.close());
    call.on('error', () => this.close());
    call.on('close', () => this.close());
  }

  /** Events that happened since the subscription started and are not sent yet. */
  get lag(): number {
    return this.filters === null ? 0 : this.log.nextSeq - Math.max(this.cursor, this.liveFrom);
  }

  private onRequest(request: SubscribeRequest): void {
    if (this.closed) return;
    if (request.ping) this.writeNow(encodePong(request.ping.id));
    // The official client opens the stream with an empty request; only requests with filters subscribe.
    if (!hasSubscription(request)) return;
    let filters: SubscriptionFilters;
    try {
      filters = parseFilters(request);
    } catch (err) {
      if (!(err instanceof FilterError)) throw err;
      this.fail(status.INVALID_ARGUMENT, err.message);
      return;
    }
    if (this.filters === null) {
      this.liveFrom = this.log.nextSeq;
      if (filters.fromSlot === null) this.cursor = this.log.nextSeq;
      else {
        // Past the slot about to open is a slot nobody can say will exist: refused (as Richat does) rather than
        // silently served live, which would let a client resuming from a cursor of another chain think it resumed.
        // The slot about to open is fine: an indexer resumes from its cursor + 1.
        const newest = this.log.newestSlot();
        if (filters.fromSlot > newest + 1) {
          this.fail(
            status.INVALID_ARGUMENT,
            `failed to get replay position: from_slot ${filters.fromSlot} is in the future: the newest slot is ${newest}`,
          );
          return;
        }
        const seq = this.log.seqForSlot(filters.fromSlot);
        if (seq === null) {
          const oldest = this.log.oldestSlot() ?? 0;
          this.fail(
            status.OUT_OF_RANGE,
            `broadcast from ${filters.fromSlot} is not available, last available: ${oldest}`,
          );
          return;
        }
        this.cursor = seq;
      }
    } else if (filters.commitment !== this.filters.commitment) {
      this.held.clear();
      this.heldCount = 0;
    }
    this.filters = filters;
    this.pump();
  }

  /** Sends what the cursor has not sent yet, until gRPC's buffer is full. */
  pump(): void {
    if (this.closed || this.options.isPaused()) return;
    if (this.filters === null) {
      // Not subscribed yet: only pongs and pings can be waiting.
      if (!this.releaseOutOfBand(Number.POSITIVE_INFINITY) || !this.flush()) this.waitForDrain();
      return;
    }
    // Checked even while waiting for `drain`: a client that stopped reading is exactly the one to drop.
    if (this.cursor < this.log.firstSeq || this.lag > this.options.bufferLimit) {
      this.fail(
        status.RESOURCE_EXHAUSTED,
        `subscriber lagged: ${this.lag} updates behind (limit ${this.options.bufferLimit}); reconnect with from_slot`,
      );
      return;
    }
    if (this.waitingForDrain) return;
    while (this.cursor < this.log.nextSeq && !this.closed) {
      if (this.outOfBand.length > 0 && !this.releaseOutOfBand(this.cursor)) this.waitForDrain();
      if (this.waitingForDrain) return;
      const event = this.log.get(this.cursor++);
      if (event && !this.process(event, this.filters)) this.waitForDrain();
      if (this.waitingForDrain) return;
    }
    if (!this.releaseOutOfBand(this.cursor) || !this.flush()) this.waitForDrain();
  }

  /** Writes the held pongs and pings that were due before log position `seq`; false: wait for `drain`. */
  private releaseOutOfBand(seq: number): boolean {
    let ok = true;
    while (this.outOfBand.length > 0 && this.outOfBand[0]!.seq <= seq && !this.closed) {
      ok = this.write(this.outOfBand.shift()!.message) && ok;
    }
    return ok;
  }

  private waitForDrain(): void {
    if (this.waitingForDrain || this.closed) return;
    this.waitingForDrain = true;
    this.call.once('drain', () => {
      this.waitingForDrain = false;
      try {
        this.pump();
      } catch (err) {
        this.fail(status.INTERNAL, `devnet failed to encode an update: ${(err as Error).message}`);
      }
    });
  }

  /**
   * From now on this stream sends nothing of `slot`: its account and transaction updates, block meta and every
   * status of it, as a provider that lost the slot would. Another subscription (a resubscribe) is not affected.
   */
  loseSlot(slot: number): void {
    this.lostSlots.add(slot);
  }

  /** Returns false when the stream asks to wait for `drain`. */
  private process(event: LedgerEvent, filters: SubscriptionFilters): boolean {
    if (this.lostSlots.size > 0 && this.lostSlots.has(event.slot)) return true;
    switch (event.kind) {
      case 'account': {
        let names: string[] | null = null;
        for (const [name, match] of filters.accounts) {
          if (!match(event.pubkey, event.account, event.txnSignature)) continue;
          if (names === null) names = [name];
          else names.push(name);
        }
        if (names === null) return true;
        return this.deliver(event.slot, encodeAccountFramed(event, names, filters.dataSlices), true);
      }
      case 'transaction': {
        let ok = true;
        const names = filters.transactions.filter(([, match]) => match(event.tx)).map(([n]) => n);
        if (names.length > 0) ok = this.deliver(event.slot, encodeTransactionFramed(event, names), true);
        const statusNames = filters.transactionsStatus.filter(([, match]) => match(event.tx)).map(([n]) => n);
        if (statusNames.length > 0) ok = this.deliver(event.slot, encodeTransactionStatus(event, statusNames)) && ok;
        return ok;
      }
      case 'blockMeta':
        if (filters.blocksMeta.length === 0) return true;
        return this.deliver(event.slot, encodeBlockMeta(event.block, filters.blocksMeta));
      case 'slot': {
        let ok = true;
        const held = this.held.get(event.slot);
        if (held && (event.status === 'dead' || event.status === filters.commitment)) {
          this.held.delete(event.slot);
          this.heldCount -= held.length;
          // A dead slot's held updates are never sent: at this commitment they never happened.
          if (event.status !== 'dead') for (const message of held) ok = this.write(message, this.batched) && ok;
        }
        const names = filters.slots
          .filter((s) => !s.filterByCommitment || event.status === filters.commitment)
          .map((s) => s.name);
        if (names.length > 0) ok = this.write(encodeSlot(event, names)) && ok;
        return ok;
      }
    }
  }

  /** `framed`: the message already carries its gRPC length prefix. */
  private deliver(slot: number, message: Buffer, framed = false): boolean {
    const out = framed && !this.batched ? message.subarray(5) : message;
    if (this.filters?.commitment === 'processed') return this.write(out, framed && this.batched);
    let held = this.held.get(slot);
    if (!held) {
      held = [];
      this.held.set(slot, held);
    }
    held.push(framed && this.batched ? out : frameIfBatched(out, this.batched));
    this.heldCount++;
    if (this.heldCount > this.options.bufferLimit) {
      this.fail(
        status.RESOURCE_EXHAUSTED,
        `subscriber holds more than ${this.options.bufferLimit} unconfirmed updates`,
      );
    }
    return true;
  }

  /** Queues a message; returns false when gRPC asks to wait for `drain`. */
  private write(message: Buffer, alreadyFramed = false): boolean {
    if (this.closed) return true;
    if (!this.batched) return this.call.write(message);
    const framed = alreadyFramed ? message : frame(message);
    this.batch.push(framed);
    this.batchBytes += framed.length;
    return this.batchBytes < BATCH_BYTES || this.flush();
  }

  /**
   * Writes out of band (pings, pongs): behind what is queued, at once; held while the stream is silent (and
   * behind earlier held ones until they are out).
   */
  private writeNow(message: Buffer): void {
    if (this.closed) return;
    if (this.options.isSilent?.() || this.outOfBand.length > 0) {
      this.outOfBand.push({ seq: this.log.nextSeq, message });
      return;
    }
    this.write(message);
    this.flush();
  }

  private flush(): boolean {
    if (this.closed || this.batch.length === 0) return true;
    const bytes = this.batch.length === 1 ? this.batch[0]! : Buffer.concat(this.batch, this.batchBytes);
    this.batch = [];
    this.batchBytes = 0;
    // The call's declared message type is Buffer; a FramedBatch reaches our patched serializer unchanged.
    return this.call.write(new FramedBatch(bytes) as unknown as Buffer);
  }

  /** Ends the stream with a gRPC status the client sees (grpc-js sends it on the stream's `error`). */
  fail(code: status, details: string): void {
    if (this.closed) return;
    this.flush();
    this.close();
    this.call.emit('error', { code, details });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pingTimer);
    this.held.clear();
    this.outOfBand = [];
    this.options.onClose(this);
  }
}
