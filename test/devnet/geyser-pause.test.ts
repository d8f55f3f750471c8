import { SystemProgram } from '@solana/web3.js';
import { SlotStatus, SubscribeRequest, type SubscribeUpdate } from '@triton-one/yellowstone-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/index.js';
import { sleep } from '../../src/errors/index.js';
import { type CollectedStream, funded, subscribe, testDevnet, transferAndTick, until } from './support.js';

const SYSTEM = SystemProgram.programId.toBase58();

const pongs = (messages: SubscribeUpdate[]) => messages.filter((m) => m.pong).map((m) => m.pong!.id);
const writeVersions = (updates: SubscribeUpdate[]) =>
  updates.filter((u) => u.account).map((u) => BigInt(u.account!.account!.writeVersion));
const slotKeys = (updates: SubscribeUpdate[]) =>
  updates.filter((u) => u.slot).map((u) => `${u.slot!.slot}:${u.slot!.status}`);

function ping(stream: CollectedStream, id: number): Promise<void> {
  return stream.write(SubscribeRequest.fromPartial({ ping: { id } }));
}

describe('devnet fault hooks: silent pause', () => {
  let devnet: Devnet | undefined;
  afterEach(async () => {
    await devnet?.close();
    devnet = undefined;
  });

  it('holds updates, pongs and keepalive pings until resume, then sends them in order with no gap or duplicate', async () => {
    devnet = await testDevnet({}, { inMemory: true, pingIntervalMs: 50 });
    const payer = funded(devnet);
    devnet.tick();
    const stream = await subscribe(
      devnet.geyserUrl,
      SubscribeRequest.fromPartial({ accounts: { sys: { owner: [SYSTEM] } }, slots: { s: {} } }),
    );
    transferAndTick(devnet, payer);
    const firstVersion = devnet.ledger.currentWriteVersion - 1n;
    await until(() => writeVersions(stream.updates).includes(firstVersion + 1n), 'updates before the pause');
    await until(() => stream.messages.some((m) => m.ping), 'a keepalive ping before the pause');

    devnet.faults.pauseStreams();
    await sleep(300); // whatever was written before the pause arrives
    const mark = stream.messages.length;
    transferAndTick(devnet, payer); // A: before the client's ping
    const lastBeforePing = devnet.ledger.currentWriteVersion;
    await ping(stream, 7);
    await sleep(500); // ten keepalive intervals
    expect(stream.messages.length).toBe(mark); // no update, no pong, no ping: silence
    transferAndTick(devnet, payer); // B: after the client's ping
    await sleep(100);
    expect(stream.messages.length).toBe(mark);
    expect(stream.errors).toEqual([]);

    devnet.faults.resumeStreams();
    const last = devnet.ledger.currentWriteVersion;
    await until(() => pongs(stream.messages).includes(7), 'the held pong');
    await until(() => writeVersions(stream.updates).includes(last), 'the held updates');
    const after = stream.messages.slice(mark);
    const pongAt = after.findIndex((m) => m.pong?.id === 7);
    const versionAt = (v: bigint) => after.findIndex((m) => m.account && BigInt(m.account.account!.writeVersion) === v);
    // The pong goes out where it was due: after A's updates, before B's.
    expect(versionAt(lastBeforePing)).toBeGreaterThanOrEqual(0);
    expect(versionAt(lastBeforePing)).toBeLessThan(pongAt);
    expect(versionAt(lastBeforePing + 1n)).toBeGreaterThan(pongAt);
    // The keepalive pings due during the pause were held too, and come out between A and B.
    const pingsBetween = after.slice(versionAt(lastBeforePing), versionAt(lastBeforePing + 1n)).filter((m) => m.ping);
    expect(pingsBetween.length).toBeGreaterThan(1);
    // No gap, no duplicate: every write version since the subscription, once, in order; every slot status once.
    const versions = writeVersions(stream.updates);
    const expected: bigint[] = [];
    for (let v = versions[0]!; v <= last; v++) expected.push(v);
    expect(versions).toEqual(expected);
    const slots = slotKeys(stream.updates);
    expect(new Set(slots).size).toBe(slots.length);
    const processed = stream.updates
      .filter((u) => u.slot?.status === SlotStatus.SLOT_PROCESSED)
      .map((u) => Number(u.slot!.slot));
    expect(processed).toEqual(processed.map((_, i) => processed[0]! + i));
    expect(processed.at(-1)).toBe(devnet.ledger.chain.openSlot - 1);

    // Live again: a ping is answered at once.
    await ping(stream, 8);
    await until(() => pongs(stream.messages).includes(8), 'a pong after resume');
    expect(stream.errors).toEqual([]);
    stream.close();
  });

  it('keeps answering pings while paused with { keepalive: true } (a stall, not silence)', async () => {
    devnet = await testDevnet({}, { inMemory: true, pingIntervalMs: 50 });
    const stream = await subscribe(devnet.geyserUrl, SubscribeRequest.fromPartial({ slots: { s: {} } }));
    devnet.faults.pauseStreams({ keepalive: true });
    devnet.tick(2);
    await ping(stream, 5);
    await until(() => pongs(stream.messages).includes(5), 'the pong during the pause');
    const pingsBefore = stream.messages.filter((m) => m.ping).length;
    await until(() => stream.messages.filter((m) => m.ping).length > pingsBefore, 'keepalive pings during the pause');
    expect(stream.updates).toHaveLength(0);
    devnet.faults.resumeStreams();
    await until(() => stream.updates.length >= 2, 'updates after resume');
    expect(slotKeys(stream.updates).slice(0, 2)).toEqual([
      `1:${SlotStatus.SLOT_PROCESSED}`,
      `2:${SlotStatus.SLOT_PROCESSED}`,
    ]);
    stream.close();
  });
});
