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
