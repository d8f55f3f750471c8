/**
 * The StreamSource contract, run against every implementation: a subscription replays the program's updates from
 * its slot, then delivers live ones, in slot order; pause holds delivery back and resume continues; end resolves
 * `closed` with the reason and stops delivery.
 */
import { describe, expect, it } from 'vitest';
import { decodeUpdate } from '../../indexer/decode/decode-update.js';
import type { SourceStream, StreamSource } from '../../indexer/source/stream-source.js';
import { CHOIR_PROGRAM_ID } from '../../programs/choir/client/index.js';
import { ChoirError } from '../../src/errors/index.js';
import { until } from './harness.js';

const PROGRAM = CHOIR_PROGRAM_ID.toBase58();

export interface SourceHarness {
  readonly source: StreamSource;
  /** Makes `n` new slots, each with at least one program account update; returns the slots, ascending. */
  produce(n: number): Promise<bigint[]>;
  /** The slot the next `produce` starts at. */
  nextSlot(): bigint;
}

/** Opens a subscription that records the slots of the program account updates it receives. */
async function record(source: StreamSource, fromSlot: bigint | null) {
  const slots: bigint[] = [];
  const stream: SourceStream = await source.open({
    programId: PROGRAM,
    fromSlot,
    onData: (raw) => {
      const u = decodeUpdate(raw, PROGRAM, () => {});
      if (u?.kind === 'account') slots.push(u.slot);
    },
  });
  return { slots, stream };
}

export function describeStreamSource(name: string, harness: () => Promise<SourceHarness>) {
  describe(`StreamSource contract: ${name}`, () => {
    it('replays from the requested slot, then delivers live updates, in slot order', async () => {
      const h = await harness();
      const before = await h.produce(3);
      const { slots, stream } = await record(h.source, before[1] as bigint);
      await until('replay', () => slots.includes(before[2] as bigint));
      expect(slots.some((s) => s < (before[1] as bigint))).toBe(false);
      const live = await h.produce(2);
      await until('live', () => slots.includes(live[1] as bigint));
      expect([...slots].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(slots);
      stream.end();
    });

    it('pause holds delivery back; resume delivers what was held', async () => {
      const h = await harness();
      // From the next slot, not live-only: a subscription registered late must still see what it waits for.
      const { slots, stream } = await record(h.source, h.nextSlot());
      stream.pause();
      const held = await h.produce(2);
      await new Promise((r) => setTimeout(r, 300));
      const duringPause = slots.length;
      stream.resume();
      await until('resumed', () => slots.includes(held[1] as bigint));
      expect(duringPause).toBeLessThan(slots.length);
      stream.end();
    });

    it('end resolves closed with the reason and stops delivery', async () => {
      const h = await harness();
      const { slots, stream } = await record(h.source, null);
      const why = new ChoirError('SOLANA_STREAM_FAILED', 'test ends it');
      stream.end(why);
      expect(await stream.closed).toBe(why);
      await h.produce(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(slots).toEqual([]);
    });
  });
}
