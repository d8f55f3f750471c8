import { EventEmitter } from 'node:events';
import { status } from '@grpc/grpc-js';
import { SubscribeRequest } from '@triton-one/yellowstone-grpc';
import { describe, expect, it } from 'vitest';
import { Subscriber } from '../../src/devnet/geyser/subscriber.js';
import { Ledger } from '../../src/devnet/ledger/ledger.js';
import { Signer } from '../../src/devnet/ledger/signer.js';
import { createAccountTransaction, transferTransaction } from '../../src/devnet/ledger/system-tx.js';
import { decodeTransaction } from '../../src/devnet/ledger/wire.js';
import { silentLogger } from '../../src/observability/logger.js';

const OWNER = 'Vote111111111111111111111111111111111111111';

function memoryLedger(finalityDepth = 2, historySlots = 150): Ledger {
  return Ledger.open({
    dataDir: null,
    finalityDepth,
    historySlots,
    program: null,
    logger: silentLogger,
    now: () => 1_700_000_000_000,
  });
}

function transfer(ledger: Ledger, from: Signer, to: string, lamports: bigint): string {
  const result = ledger.send(
    decodeTransaction(transferTransaction(from, to, lamports, ledger.chain.latestBlockhash('processed').blockhash)),
  );
  if (!result.landed) throw new Error(JSON.stringify(result.err));
  return result.record.signature;
}

describe('devnet ledger', () => {
  it('serves reads per commitment: processed now, confirmed a slot later, finalized after the depth', () => {
    const ledger = memoryLedger(2);
    const user = Signer.generate();
    transfer(ledger, ledger.faucet, user.address, 5_000_000_000n);
    const at = (c: 'processed' | 'confirmed' | 'finalized') => ledger.getAccount(user.address, c)?.lamports ?? 0n;
    expect([at('processed'), at('confirmed'), at('finalized')]).toEqual([5_000_000_000n, 0n, 0n]);
    ledger.tick();
    expect(at('confirmed')).toBe(0n);
    ledger.tick();
    expect([at('confirmed'), at('finalized')]).toEqual([5_000_000_000n, 0n]);
    ledger.tick(); // confirmed slot 1 is now 2 slots behind the closing slot
    expect(at('finalized')).toBe(5_000_000_000n);
  });

  it('answers getProgramAccounts per commitment, including accounts created after the commitment slot', () => {
    const ledger = memoryLedger(2);
    const payer = Signer.generate();
    transfer(ledger, ledger.faucet, payer.address, 5_000_000_000n);
    ledger.tick(); // slot 1 frozen
    const account = Signer.generate();
    const rent = ledger.svm.minimumBalanceForRentExemption(16n);
    const created = ledger.send(
      decodeTransaction(
        createAccountTransaction(payer, account, rent, 16, OWNER, ledger.chain.latestBlockhash('processed').blockhash),
      ),
    );
    expect(created.landed).toBe(true);
    expect([...ledger.getProgramAccounts(OWNER, 'processed').keys()]).toContain(account.address);
    expect([...ledger.getProgramAccounts(OWNER, 'confirmed').keys()]).not.toContain(account.address);
    ledger.tick(2);
    expect([...ledger.getProgramAccounts(OWNER, 'confirmed').keys()]).toContain(account.address);
  });

  it('abandons the open slot: writes undone, transactions gone, a sibling slot opens on the same parent', () => {
    const ledger = memoryLedger();
    const user = Signer.generate();
    transfer(ledger, ledger.faucet, user.address, 5_000_000_000n);
    ledger.tick();
    const parent = ledger.chain.processedSlot;
    const wire = transferTransaction(
      user,
      Signer.generate().address,
      1_000_000_000n,
      ledger.chain.latestBlockhash('processed').blockhash,
    );
    const sent = ledger.send(decodeTransaction(wire));
    if (!sent.landed) throw new Error('not landed');
    const signature = sent.record.signature;
    expect(ledger.send(decodeTransaction(wire))).toMatchObject({ landed: false, err: 'AlreadyProcessed' });
    const dead = ledger.abandonSlot();
    expect(ledger.getAccount(user.address)?.lamports).toBe(5_000_000_000n);
    expect(ledger.getTransaction(signature)).toBeUndefined();
    expect(ledger.chain.confirmationStatus(dead)).toBeNull();
    expect(ledger.chain.openRecord().parent).toBe(parent);
    expect(ledger.chain.openSlot).toBe(dead + 1);
    // The dead slot's blockhash is no longer valid; its parent's still is.
    expect(ledger.chain.isBlockhashValid(ledger.chain.record(dead)!.blockhash)).toBe(false);
    expect(ledger.chain.isBlockhashValid(ledger.chain.record(parent)!.blockhash)).toBe(true);
    // As on a validator, a transaction of the abandoned fork can land again on the surviving one.
    const again = ledger.send(decodeTransaction(wire));
    expect(again.landed && again.record.slot).toBe(dead + 1);
    expect(ledger.getAccount(user.address)?.lamports).toBe(5_000_000_000n - 1_000_000_000n - 5_000n);
  });

  it('keeps a bounded history and a blockhash window of 150 blocks', () => {
    const ledger = memoryLedger(2, 150);
    const first = ledger.chain.latestBlockhash('processed').blockhash;
    ledger.tick(100);
    expect(ledger.events.seqForSlot(1)).not.toBeNull();
    expect(ledger.chain.isBlockhashValid(first)).toBe(true);
    ledger.tick(60);
    expect(ledger.events.seqForSlot(1)).toBeNull();
    expect(ledger.events.seqForSlot(ledger.chain.openSlot - 10)).not.toBeNull();
    expect(ledger.chain.isBlockhashValid(first)).toBe(false);
  });
});

/** A stand-in for a gRPC server stream whose client never reads: every write reports a full buffer. */
class StuckCall extends EventEmitter {
  written = 0;
  constructor(private readonly accepts: boolean) {
    super();
  }
  write(): boolean {
    this.written++;
    return this.accepts;
  }
}

describe('devnet Geyser subscriber backpressure', () => {
  it('drops a client that stops reading once it lags past the buffer, without holding up others', () => {
    const ledger = memoryLedger();
    const open = (call: StuckCall) =>
      new Subscriber(1, 'test', call as never, ledger.events, {
        bufferLimit: 50,
        pingIntervalMs: 60_000,
        isPaused: () => false,
        onClose: () => {},
      });
    const start = ledger.events.nextSeq;
    const slow = new StuckCall(false);
    const fast = new StuckCall(true);
    const subscribers = [open(slow), open(fast)];
    for (const call of [slow, fast]) call.emit('data', SubscribeRequest.fromPartial({ slots: { s: {} } }));
    const failures: { code: number; details: string }[] = [];
    slow.on('error', (e: { code: number; details: string }) => failures.push(e));
    ledger.tick(3);
    for (const s of subscribers) s.pump();
    expect(slow.written).toBe(1); // it wrote once, was told to wait for `drain`, and never got it
    expect(failures).toEqual([]);
    for (let i = 0; i < 40; i++) {
      ledger.tick(); // ~160 more events in all: well past the slow client's buffer
      for (const s of subscribers) s.pump();
    }
    expect(slow.written).toBe(1);
    expect(failures).toEqual([expect.objectContaining({ code: status.RESOURCE_EXHAUSTED })]);
    expect(failures[0]?.details).toContain('lagged');
    // The ledger went on, and the other subscriber got every slot update.
    let slotEvents = 0;
    for (let seq = start; seq < ledger.events.nextSeq; seq++) if (ledger.events.get(seq)?.kind === 'slot') slotEvents++;
    expect(fast.written).toBe(slotEvents);
  });
});
