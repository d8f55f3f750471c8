/**
 * The whole stack in this process (test Postgres, a devnet on free ports, the in-memory vector store): /metrics
 * exposes every metric docs/grafana-dashboard.json queries, /readyz reports each system by name, and `choir status`
 * (another process) reads both while it runs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { Lifecycle } from '../../src/runtime/lifecycle.js';
import { type Stack, startStack } from '../../src/runtime/stack.js';
import { runChoir } from '../support/choir-process.js';
import { freePort } from '../support/ports.js';
import { createMigratedDatabase, type TestDatabase } from '../support/postgres.js';
import { inProcessStackEnv } from '../support/start-env.js';

/** Every metric name a dashboard query references, histogram series (`_bucket`, `_sum`, `_count`) folded. */
function dashboardMetrics(exposed: Set<string>): string[] {
  const dashboard = JSON.parse(readFileSync('docs/grafana-dashboard.json', 'utf8')) as {
    panels: { targets?: { expr: string }[] }[];
  };
  const names = new Set<string>();
  for (const panel of dashboard.panels) {
    for (const target of panel.targets ?? []) {
      for (const [name] of target.expr.matchAll(/\bchoir_[a-z0-9_]+/g)) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        names.add(base !== name && exposed.has(base) ? base : name);
      }
    }
  }
  return [...names].sort();
}

describe('the started stack exposes what the dashboard and /readyz promise', () => {
  let db: TestDatabase;
  let stack: Stack;
  const lifecycle = new Lifecycle(silentLogger);
  const dir = mkdtempSync(join(tmpdir(), 'choir-metrics-'));

  beforeAll(async () => {
    db = await createMigratedDatabase();
    const config = loadConfig({
      ...(await inProcessStackEnv(db.url, dir)),
      LOG_LEVEL: 'silent',
    });
    stack = await startStack(config, silentLogger, lifecycle);
  }, 120_000);

  afterAll(async () => {
    await lifecycle.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every metric the Grafana dashboard queries is registered', async () => {
    const text = await (await fetch(`${stack.http.url()}/metrics`)).text();
    const exposed = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] as string));
    const wanted = dashboardMetrics(exposed);
    expect(wanted.length).toBeGreaterThan(30);
    expect(wanted.filter((name) => !exposed.has(name))).toEqual([]);
    // The collector read the outbox: idle kinds report 0 instead of vanishing.
    expect(text).toMatch(/choir_outbox_depth\{kind="message.submit",state="PENDING",service="choir"\} 0/);
    expect(text).toMatch(/choir_database_bytes\{service="choir"\} [1-9]/);
  });

  it('/readyz names every system, and is ready once the indexer streams', async () => {
    const url = `${stack.http.url()}/readyz`;
    let report: { ready: boolean; dependencies: { name: string; ready: boolean; error?: string }[] } | undefined;
    for (let i = 0; i < 150; i++) {
      report = (await (await fetch(url)).json()) as typeof report;
      if (report?.ready) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(report?.dependencies.map((d) => d.name)).toEqual([
      'postgres',
      'chain',
      'vector-store',
      'embedder',
      'geyser',
      'indexer',
      'relayer',
    ]);
    expect(report?.ready, JSON.stringify(report)).toBe(true);
  }, 60_000);

  it('choir status reads the running service and its database; --capacity plans one node', async () => {
    const env = { DATABASE_URL: db.url };
    const status = runChoir(['status', '--json', '--capacity', '--url', stack.http.url(), '--cores', '2'], env);
    expect(await status.exited, status.output()).toBe(0);
    const report = JSON.parse(
      status
        .output()
        .split('\n')
        .find((l) => l.startsWith('{')) as string,
    );
    expect(report.service).toMatchObject({ reachable: true, readiness: { ready: true } });
    expect(report.database.migrations.pending).toEqual([]);
    expect(report.database.sync.map((r: { part: string; name: string }) => `${r.part}:${r.name}`)).toContain(
      'indexer:choir',
    );
    expect(report.capacity.ceilings.updatesPerSecond).toBe(10_000); // 2 cores / 200 µs per update
    expect(report.capacity.resources.map((r: { resource: string }) => r.resource)).toEqual([
      'cpu',
      'memory',
      'disk',
      'fanout',
    ]);
    expect(report.capacity.load.subscriptions).toBe(0);

    const text = runChoir(['status', '--capacity', '--url', stack.http.url()], env);
    expect(await text.exited).toBe(0);
    expect(text.output()).toMatch(/service +http:\/\/127\.0\.0\.1:\d+: ready/);
    expect(text.output()).toContain('capacity of one node');
  }, 180_000);

  it('choir status says when no service answers, and exits 1', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const down = runChoir(['status', '--url', closed], { DATABASE_URL: db.url });
    expect(await down.exited).toBe(1);
    expect(down.output()).toContain(`${closed}: not answering (ECONNREFUSED)`);
    // The database is still read.
    expect(down.output()).toContain('indexer  stream choir');
  }, 120_000);
});
