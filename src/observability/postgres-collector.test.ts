import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './logger.js';
import { registerPostgresCollector } from './postgres-collector.js';

function fakeDb(outbox: object[], hang = false) {
  const calls: string[] = [];
  return {
    calls,
    async query(text: string) {
      calls.push(text);
      if (hang) return new Promise<never>(() => {});
      return text.includes('FROM outbox') ? { rows: outbox } : { rows: [{ bytes: 12_345, sessions: 2 }] };
    },
  };
}

describe('registerPostgresCollector', () => {
  it('reports depth per kind and state and the oldest waiting age, with idle known kinds at 0', async () => {
    const registry = new Registry();
    const db = fakeDb([
      { kind: 'message.submit', state: 'PENDING', n: 3, oldest: 12.5 },
      { kind: 'message.submit', state: 'RUNNING', n: 1, oldest: 40 },
      { kind: 'vector.payload', state: 'DEAD', n: 2, oldest: 900 },
    ]);
    registerPostgresCollector(registry, db, { logger: silentLogger });
    const text = await registry.metrics();
    expect(text).toContain('choir_outbox_depth{kind="message.submit",state="PENDING"} 3');
    expect(text).toContain('choir_outbox_depth{kind="vector.payload",state="DEAD"} 2');
    expect(text).toContain('choir_outbox_depth{kind="chain.relay",state="PENDING"} 0');
    expect(text).toContain('choir_outbox_oldest_age_seconds{kind="message.submit"} 40');
    // Dead items do not make the waiting age.
    expect(text).toContain('choir_outbox_oldest_age_seconds{kind="vector.payload"} 0');
    expect(text).toContain('choir_database_bytes 12345');
    expect(text).toContain('choir_api_sessions_active 2');
    // Four gauges, one round of two statements.
    expect(db.calls).toHaveLength(2);
  });

  it('a database that does not answer leaves /metrics answering', async () => {
    const registry = new Registry();
    registerPostgresCollector(registry, fakeDb([], true), { logger: silentLogger, timeoutMs: 50 });
    const started = Date.now();
    const text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(text).toContain('# TYPE choir_outbox_depth gauge');
  });
});
