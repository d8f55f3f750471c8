import { describe, expect, it } from 'vitest';
import { progressOn } from './progress.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = { isTTY, write: (c: string) => chunks.push(c) } as unknown as NodeJS.WriteStream;
  return { chunks, progress: progressOn(stream) };
}

describe('progressOn', () => {
  it('writes one plain line per 10 % off a terminal', () => {
    const { chunks, progress } = sink(false);
    for (let done = 0; done <= 200; done++) progress.update(done, 200, 'sync');
    expect(chunks).toEqual(Array.from({ length: 11 }, (_, i) => `sync: ${i * 10}% (${i * 20}/200)\n`));
  });

  it('redraws a bar in place on a terminal and ends its line', () => {
    const { chunks, progress } = sink(true);
    progress.update(1, 4, 'copy');
    progress.update(4, 4, 'copy');
    progress.finish();
    expect(chunks[0]).toMatch(/^\r\[#{8}\.{22}\] {2}25% 1\/4 copy/);
    expect(chunks[1]).toMatch(/^\r\[#{30}\] 100% 4\/4 copy/);
    expect(chunks.at(-1)).toBe('\n');
  });
});
