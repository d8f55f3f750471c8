import { describe, expect, it } from 'vitest';
import { HealthRegistry } from './health.js';

describe('HealthRegistry', () => {
  it('is ready only when every dependency answers, and reports each one', async () => {
    const health = new HealthRegistry(100);
    health.register({ name: 'ok', check: async () => ({ slot: 5 }) });
    expect(await health.readiness()).toEqual({
      ready: true,
      dependencies: [{ name: 'ok', ready: true, latencyMs: expect.any(Number), details: { slot: 5 } }],
    });
    health.register({
      name: 'broken',
      check: async () => {
        throw new Error('connection refused');
      },
    });
    health.register({ name: 'hanging', check: () => new Promise(() => {}) });
    const report = await health.readiness();
    expect(report.ready).toBe(false);
    expect(report.dependencies.map((d) => [d.name, d.ready, d.error])).toEqual([
      ['ok', true, undefined],
      ['broken', false, 'connection refused'],
      ['hanging', false, 'no answer within 100 ms'],
    ]);
  });

  it('liveness does not depend on dependencies', () => {
    const health = new HealthRegistry();
    health.register({ name: 'x', check: () => Promise.reject(new Error('down')) });
    expect(health.liveness().status).toBe('ok');
  });
});

describe('HealthRegistry under load', () => {
  it('shares one evaluation between concurrent callers and reuses a report for cacheMs', async () => {
    let now = 0;
    let calls = 0;
    const health = new HealthRegistry({ cacheMs: 1_000, now: () => now });
    health.register({
      name: 'db',
      check: async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 5));
        return undefined;
      },
    });
    const reports = await Promise.all(Array.from({ length: 500 }, () => health.readiness()));
    expect(calls).toBe(1);
    expect(reports.every((r) => r.ready)).toBe(true);
    now = 999;
    await health.readiness();
    expect(calls).toBe(1);
    now = 1_000;
    await health.readiness();
    expect(calls).toBe(2);
  });

  it('counts a slow dependency that answered within graceMs as ready, with a note; an error is not ready', async () => {
    let now = 0;
    let mode: 'ok' | 'slow' | 'error' = 'ok';
    const health = new HealthRegistry({ timeoutMs: 20, graceMs: 10_000, now: () => now });
    health.register({
      name: 'chain',
      check: () =>
        mode === 'ok'
          ? Promise.resolve({ finalizedSlot: 7 })
          : mode === 'slow'
            ? new Promise(() => {})
            : Promise.reject(new Error('connection refused')),
    });
    expect((await health.readiness()).ready).toBe(true);
    mode = 'slow';
    now = 4_000;
    const slow = await health.readiness();
    expect(slow.ready).toBe(true);
    expect(slow.dependencies[0]).toMatchObject({
      ready: true,
      details: { finalizedSlot: 7 },
      note: 'no answer within 20 ms; busy, not down: it answered 4000 ms ago (details from then)',
    });
    now = 10_001;
    expect((await health.readiness()).dependencies[0]).toMatchObject({
      ready: false,
      error: 'no answer within 20 ms',
    });
    mode = 'error';
    now = 20_000;
    expect((await health.readiness()).dependencies[0]).toMatchObject({ ready: false, error: 'connection refused' });
  });
});
