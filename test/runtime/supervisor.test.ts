// The supervisor of `choir start`'s parts, against a fake part in a real child process.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isChoirError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { supervise } from '../../src/runtime/parts/supervisor.js';
import { until } from '../support/until.js';

const entry = join(import.meta.dirname, 'fake-part.ts');

function fake(options: Record<string, unknown>, restartWith?: Record<string, unknown>) {
  const lines: string[] = [];
  const reports: unknown[] = [];
  const downs: string[] = [];
  const backs: Record<string, unknown>[] = [];
  const part = supervise({
    part: 'fake',
    entry,
    options: { run: 1, ...options },
    ...(restartWith ? { restartOptions: (info) => ({ ...restartWith, run: Number(info.run) + 1 }) } : {}),
    logger: silentLogger,
    restart: { baseDelayMs: 50, maxDelayMs: 100 },
    stopTimeoutMs: 5_000,
    write: (text) => lines.push(text),
    onReport: (topic, body) => reports.push({ topic, body }),
    onDown: (why) => downs.push(why),
    onRestarted: (info) => backs.push(info),
  });
  return { part, lines, reports, downs, backs };
}

describe('supervise', () => {
  it('starts a part, tags its output, forwards its reports and metrics, and stops it in order', async () => {
    const { part, lines, reports } = fake({ after: 'stay' });
    const info = await part.ready;
    expect(info).toMatchObject({ run: 1 });
    expect(part.pid()).toBe(info.pid);
    await until('its output', () => lines.length >= 2);
    expect(lines.slice(0, 2)).toEqual(['{"part":"fake","msg":"fake run 1 started"}\n', '[fake] plain line\n']);
    expect(reports).toEqual([{ topic: 'hello', body: { run: 1 } }]);
    expect(await part.scrape()).toBe('fake_metric 1\n');
    await part.stop();
    expect(lines).toContain('[fake] fake closing\n');
    expect(part.pid()).toBeUndefined();
    expect(await part.scrape()).toBe('');
  }, 60_000);

  it('rejects `ready` with the error of a part that cannot start, and does not restart it', async () => {
    const { part, downs } = fake({ after: 'stay', failAtStart: 'CONFIG_INVALID' });
    const err = await part.ready.catch((e: unknown) => e);
    expect(isChoirError(err, 'CONFIG_INVALID')).toBe(true);
    expect((err as Error).message).toBe('fake cannot start (run 1)');
    expect(downs).toEqual([]);
  }, 60_000);

  it('restarts a part that crashes after it was ready, with the restart options', async () => {
    const { part, downs, backs } = fake({ after: 'crash' }, { after: 'stay' });
    await part.ready;
    await until('the restart', () => backs.length === 1);
    expect(downs).toHaveLength(1);
    expect(downs[0]).toMatch(/^fake process exited with code 7; restarting in \d+ ms$/);
    expect(backs[0]).toMatchObject({ run: 2 });
    await part.stop();
  }, 60_000);

  it('passes up a failure the part reports after it was ready, with its code and exit code', async () => {
    const { part, downs } = fake({ after: 'fail-later' });
    await part.ready;
    const exit = await part.failed;
    expect(exit.exitCode).toBe(1);
    expect(isChoirError(exit.error, 'SOLANA_WRONG_CHAIN')).toBe(true);
    expect(exit.error.message).toBe('other chain');
    expect(downs).toEqual([]);
    expect(part.pid()).toBeUndefined();
  }, 60_000);
});
