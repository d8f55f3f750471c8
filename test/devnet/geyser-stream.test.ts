import { SystemProgram } from '@solana/web3.js';
import { CommitmentLevel, SlotStatus, SubscribeRequest, type SubscribeUpdate } from '@triton-one/yellowstone-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/index.js';
import { execute, funded, statusText, subscribe, testDevnet, until } from './support.js';

const SYSTEM = SystemProgram.programId.toBase58();

const slotEvents = (updates: SubscribeUpdate[]) =>
  updates.filter((u) => u.slot).map((u) => ({ slot: Number(u.slot!.slot), status: u.slot!.status }));
const writeVersions = (updates: SubscribeUpdate[]) =>
  updates.filter((u) => u.account).map((u) => BigInt(u.account!.account!.writeVersion));

/** System-program account updates and slot statuses, from `fromSlot` when given. */
const systemRequest = (fromSlot?: number) =>
  SubscribeRequest.fromPartial({
    accounts: { sys: { owner: [SYSTEM] } },
    slots: { s: {} },
    fromSlot: fromSlot === undefined ? undefined : String(fromSlot),
  });

/** Some System-program activity: a transfer per slot from a funded key to fresh keys. */
function activity(devnet: Devnet, slots: number): void {
  const from = funded(devnet);
  for (let i = 0; i < slots; i++) {
    const to = funded(devnet).publicKey;
    execute(
      devnet,
      [SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to, lamports: 1_000 + i })],
      [from],
    );
    devnet.tick();
  }
}

describe('devnet Geyser: streams, replay, commitment and faults', () => {
  let devnet: Devnet | undefined;
  afterEach(async () => {
    await devnet?.close();
    devnet = undefined;
  });

  it('sends slot statuses in order: processed, then confirmed, then finalized', async () => {
    devnet = await testDevnet({ finalityDepth: 3 });
    const stream = await subscribe(
      devnet.geyserUrl,
      SubscribeRequest.fromPartial({ slots: { s: {} }, blocksMeta: { b: {} } }),
    );
    devnet.tick(10);
    // Also wait for the last slot's block meta: it is a message of its own, after that slot's processed status, and a
    // snapshot taken between the two (seen under load) would lack it.
    await until(
      () =>
        slotEvents(stream.updates).some((e) => e.status === SlotStatus.SLOT_FINALIZED && e.slot >= 5) &&
        stream.updates.some((u) => Number(u.blockMeta?.slot) === 10),
      'finalized slots and the last block meta',
    );
    const events = slotEvents(stream.updates);
    const processed = events.filter((e) => e.status === SlotStatus.SLOT_PROCESSED).map((e) => e.slot);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    for (const slot of new Set(events.map((e) => e.slot))) {
      const statuses = events.filter((e) => e.slot === slot).map((e) => e.status);
      const expected = [SlotStatus.SLOT_PROCESSED, SlotStatus.SLOT_CONFIRMED, SlotStatus.SLOT_FINALIZED];
      expect(statuses).toEqual(expected.slice(0, statuses.length));
    }
    // Each frozen slot's block meta follows its processed status, chained by parent blockhash.
    const metas = stream.updates.filter((u) => u.blockMeta).map((u) => u.blockMeta!);
    expect(metas.map((m) => Number(m.slot))).toEqual(processed);
    for (let i = 1; i < metas.length; i++) {
      expect(metas[i]!.parentBlockhash).toBe(metas[i - 1]!.blockhash);
      expect(Number(metas[i]!.blockHeight?.blockHeight)).toBe(Number(metas[i - 1]!.blockHeight?.blockHeight) + 1);
    }
    stream.close();
  });

  it('replays from_slot without gaps or duplicates, and refuses slots older than the history', async () => {
    devnet = await testDevnet({ historySlots: 150 });
    const live = await subscribe(
      devnet.geyserUrl,
      SubscribeRequest.fromPartial({ accounts: { sys: { owner: [SYSTEM] } }, slots: { s: {} } }),
    );
    activity(devnet, 8);
    await until(() => live.updates.length > 0 && slotEvents(live.updates).some((e) => e.slot === 8), 'live updates');
    const from = 4;
    const firstIndex = live.updates.findIndex(
      (u) => Number(u.account?.slot ?? u.slot?.slot) >= from && !(u.slot && Number(u.slot.slot) < from),
    );
    const expected = live.updates.slice(firstIndex);
    const replay = await subscribe(
      devnet.geyserUrl,
      SubscribeRequest.fromPartial({
        accounts: { sys: { owner: [SYSTEM] } },
        slots: { s: {} },
        fromSlot: String(from),
      }),
    );
    await until(() => replay.updates.length >= expected.length, 'the replay');
    const strip = (u: SubscribeUpdate) => ({ ...u, createdAt: undefined });
    expect(replay.updates.slice(0, expected.length).map(strip)).toEqual(expected.map(strip));
    const versions = writeVersions(replay.updates);
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions).toEqual([...versions].sort((a, b) => (a < b ? -1 : 1)));
    // After the replay the stream continues live with the next updates.
    activity(devnet, 1);
    await until(() => writeVersions(replay.updates).length > versions.length, 'live updates after the replay');

    devnet.tick(200);
    const tooOld = await subscribe(devnet.geyserUrl, SubscribeRequest.fromPartial({ slots: { s: {} }, fromSlot: '1' }));
    await until(() => tooOld.errors.length > 0, 'an error');
    expect(statusText(tooOld.errors[0]!)).toContain('broadcast from 1 is not available, last available:');
    for (const s of [live, replay, tooOld]) s.close();
  });

  it('requires the x-token when one is configured', async () => {
    devnet = await testDevnet({ xToken: 'devnet-secret' });
    const request = SubscribeRequest.fromPartial({ slots: { s: {} } });
    // The status arrives before any header, so the client's subscribe() itself rejects.
    const refused = (xToken?: string) =>
      subscribe(devnet!.geyserUrl, request, xToken).then(
        () => null,
        (err: Error) => err,
      );
    for (const token of [undefined, 'wrong']) {
      const err = await refused(token);
      expect(err).not.toBeNull();
      expect(statusText(err!)).toContain('invalid x-token');
    }
    const right = await subscribe(devnet.geyserUrl, request, 'devnet-secret');
    devnet.tick();
    await until(() => right.updates.length > 0, 'updates with the right token');
    expect(right.errors).toHaveLength(0);
    const { YellowstoneClient: Client } = await import('../../src/devnet/geyser/official-client.js');
    const unary = new Client(devnet.geyserUrl, undefined, undefined);
    await unary.connect();
    await expect(unary.getSlot()).rejects.toThrow();
    right.close();
  });

  it('streams a fork: processed updates of the abandoned slot, then status dead; confirmed streams never see them', async () => {
    devnet = await testDevnet();
    const payer = funded(devnet);
    devnet.tick(3);
    const request = (commitment: CommitmentLevel) =>
      SubscribeRequest.fromPartial({
        commitment,
        accounts: { payer: { account: [payer.publicKey.toBase58()] } },
        slots: { s: {} },
      });
    const processed = await subscribe(devnet.geyserUrl, request(CommitmentLevel.PROCESSED));
    const confirmed = await subscribe(devnet.geyserUrl, request(CommitmentLevel.CONFIRMED));
    const before = devnet.ledger.getAccount(payer.publicKey.toBase58())!.lamports;
    const to = funded(devnet).publicKey;
    execute(
      devnet,
      [SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 5_000_000 })],
      [payer],
    );
    const forked = devnet.faults.abandonSlot();
    devnet.tick(3);
    await until(() => slotEvents(processed.updates).some((e) => e.status === SlotStatus.SLOT_DEAD), 'the dead slot');
    const accountIndex = processed.updates.findIndex((u) => u.account && Number(u.account.slot) === forked);
    const deadIndex = processed.updates.findIndex((u) => u.slot?.status === SlotStatus.SLOT_DEAD);
    expect(accountIndex).toBeGreaterThanOrEqual(0);
    expect(deadIndex).toBeGreaterThan(accountIndex);
    expect(Number(processed.updates[deadIndex]!.slot!.slot)).toBe(forked);
    // The fork's writes are undone: processed reads are back to the state before it.
    expect(devnet.ledger.getAccount(payer.publicKey.toBase58())!.lamports).toBe(before);
    await until(
      () => slotEvents(confirmed.updates).some((e) => e.status === SlotStatus.SLOT_DEAD),
      'the dead slot (confirmed stream)',
    );
    expect(confirmed.updates.some((u) => u.account && Number(u.account.slot) === forked)).toBe(false);
    // Slot updates are not held back by commitment; the next slot has the dead one's parent. It may arrive after
    // the dead status reached the confirmed stream (a loaded machine), so wait for it rather than assume it.
    await until(() => slotEvents(processed.updates).some((e) => e.slot === forked + 1), 'the slot after the fork');
    const next = slotEvents(processed.updates).find((e) => e.slot === forked + 1);
    expect(next).toBeDefined();
    expect(processed.updates.find((u) => Number(u.slot?.slot) === forked + 1)?.slot?.parent).toBe(String(forked - 1));
    processed.close();
    confirmed.close();
  });

  it('cuts a stream with UNAVAILABLE; the client reconnects from the last slot it saw', async () => {
    devnet = await testDevnet();
    const first = await subscribe(devnet.geyserUrl, systemRequest());
    activity(devnet, 2);
    await until(() => slotEvents(first.updates).length >= 2, 'updates');
    expect(devnet.faults.cutStreams()).toBe(1);
    await until(() => first.errors.length > 0, 'the cut');
    expect(statusText(first.errors[0]!)).toMatch(/unavailable|cut/i);
    const lastSlot = Math.max(...slotEvents(first.updates).map((e) => e.slot));
    activity(devnet, 2);
    const second = await subscribe(devnet.geyserUrl, systemRequest(lastSlot));
    await until(() => slotEvents(second.updates).some((e) => e.slot === lastSlot + 2), 'the replayed slots');
    const seen = new Set([...writeVersions(first.updates), ...writeVersions(second.updates)]);
    const all = writeVersions(second.updates);
    // No gap: every write version between the first stream's last and the second's last arrived.
    const max = all[all.length - 1]!;
    const min = writeVersions(first.updates)[0]!;
    for (let v = min; v <= max; v++) expect(seen.has(v)).toBe(true);
    second.close();
  });

  it('pauses and resumes streams, and restarts the server on the same port', async () => {
    devnet = await testDevnet();
    const stream = await subscribe(devnet.geyserUrl, SubscribeRequest.fromPartial({ slots: { s: {} } }));
    devnet.faults.pauseStreams();
    devnet.tick(2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stream.updates).toHaveLength(0);
    devnet.faults.resumeStreams();
    await until(() => stream.updates.length >= 2, 'updates after resume');
    await devnet.faults.restartGeyser();
    await until(() => stream.errors.length > 0, 'the restart to cut the stream');
    const again = await subscribe(devnet.geyserUrl, SubscribeRequest.fromPartial({ slots: { s: {} } }));
    devnet.tick();
    await until(() => again.updates.length > 0, 'updates after the restart');
    again.close();
  });

  it('loses a slot on the connected streams only: nothing of it arrives there, a resubscription replays it', async () => {
    devnet = await testDevnet();
    const stream = await subscribe(devnet.geyserUrl, systemRequest());
    const start = devnet.ledger.chain.openSlot;
    activity(devnet, 1);
    const lost = devnet.faults.loseSlotFromStreams();
    expect(lost).toBe(start + 1);
    activity(devnet, 3); // the lost slot has a transfer; then two more slots, so it confirms
    const processed = () => slotEvents(stream.updates).filter((e) => e.status === SlotStatus.SLOT_PROCESSED);
    await until(() => processed().some((e) => e.slot === lost + 2), 'the slots after the lost one');

    const updateSlot = (u: SubscribeUpdate) => Number(u.account?.slot ?? u.slot?.slot);
    expect(stream.updates.filter((u) => updateSlot(u) === lost)).toEqual([]);
    expect(stream.updates.some((u) => u.account && updateSlot(u) === lost + 1)).toBe(true);
    // What a gap check sees: the next slot's parent was never streamed.
    const next = stream.updates.find((u) => u.slot && Number(u.slot.slot) === lost + 1);
    expect(next?.slot?.parent).toBe(String(lost));

    // A new subscription replays the lost slot in full, like a provider that has it again.
    const replay = await subscribe(devnet.geyserUrl, systemRequest(start));
    await until(
      () => slotEvents(replay.updates).some((e) => e.slot === lost && e.status === SlotStatus.SLOT_CONFIRMED),
      'the lost slot, replayed',
    );
    expect(replay.updates.some((u) => u.account && updateSlot(u) === lost)).toBe(true);
    stream.close();
    replay.close();
  });
});
