import { statfs } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { loadConfig } from '../../config/index.js';
import { ChoirError } from '../../errors/index.js';
import { createLogger } from '../../observability/logger.js';
import type { Command } from '../command.js';
import { type CapacityReport, capacityReport, capacityText } from '../status/capacity.js';
import { type DatabaseView, readDatabase } from '../status/database.js';
import { has, sumOf } from '../status/prometheus-text.js';
import { defaultServiceUrl, readService, type ServiceView } from '../status/service.js';

const USAGE = 'choir status [--capacity] [--json] [--url URL] [--cores N] [--memory-gb N]';

/** Exit codes of `choir status` beyond the common ones (README). */
export const STATUS_NOT_READY = 3;

/**
 * How the running service is doing: each system's readiness (from the process at --url, by default the one this
 * machine's settings describe), the database (migrations, indexer cursors, outbox backlog) read directly, and with
 * --capacity the load against what one node holds. Works with the service running or not (then it says so).
 */
export const statusCommand: Command = {
  name: 'status',
  summary: "The running service's readiness per system, indexer and outbox state; --capacity: load vs one node",
  usage: USAGE,
  description: [
    '  --capacity     current load (updates/s, subscriptions, submissions/s, database and vector size, growth per',
    '                 day) against the per-unit costs the benchmarks measured (CAPACITY_* settings): headroom of',
    '                 one node, which part saturates first and what to add (docs/scaling.md)',
    '  --json         one JSON object on stdout',
    '  --url URL      the choir process to ask (default: http://127.0.0.1:PORT)',
    '  --cores N, --memory-gb N   size of the node to plan for (default: this machine)',
    `Exit: 0 ready, ${STATUS_NOT_READY} the service answers but a system is not ready, 1 no service answers or the database cannot be read.`,
  ],
  options: {
    capacity: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    url: { type: 'string' },
    cores: { type: 'string' },
    'memory-gb': { type: 'string' },
  },
  async run(args) {
    if (args.positionals.length)
      throw new ChoirError('BAD_USER_INPUT', `unexpected argument "${args.positionals[0]}"\nusage: ${USAGE}`);
    const cores = positive(args.values.cores, '--cores') ?? cpus().length;
    const memoryBytes = (positive(args.values['memory-gb'], '--memory-gb') ?? totalmem() / 2 ** 30) * 2 ** 30;
    const config = loadConfig();
    const url = typeof args.values.url === 'string' ? httpUrl(args.values.url) : defaultServiceUrl(config.server);
    const service = await readService(url);

    let database: DatabaseView | undefined;
    let databaseError: string | undefined;
    let diskFreeBytes: number | null = null;
    try {
      const { openDatabase } = await import('../../db/database.js');
      const db = await openDatabase(config.database, createLogger({ ...config.logging, level: 'warn' }), {
        migrate: false,
      });
      try {
        database = await readDatabase(db.pool);
      } finally {
        await db.close();
      }
      if (db.embedded) diskFreeBytes = await freeBytes(config.database.embedded.dataDir);
    } catch (err) {
      databaseError = (err as Error).message;
    }

    const capacity =
      args.values.capacity === true
        ? planCapacity(service, database, config.observability.units, { cores, memoryBytes, diskFreeBytes })
        : undefined;
    const report = { service, database: database ?? { error: databaseError }, ...(capacity ? { capacity } : {}) };
    if (args.values.json === true) {
      const { samples: _samples, ...serviceReport } = service;
      process.stdout.write(`${JSON.stringify({ ...report, service: serviceReport })}\n`);
    } else {
      process.stdout.write(statusText(service, database, databaseError));
      if (capacity) process.stdout.write(capacityText(capacity));
    }
    if (!service.reachable || !database) return 1;
    return service.readiness?.ready ? 0 : STATUS_NOT_READY;
  },
};

function positive(raw: unknown, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(n) || n <= 0) {
    throw new ChoirError('BAD_USER_INPUT', `${name} must be a positive number (got ${JSON.stringify(raw)})`);
  }
  return n;
}

async function freeBytes(dir: string): Promise<number | null> {
  try {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

function planCapacity(
  service: ServiceView,
  database: DatabaseView | undefined,
  units: Parameters<typeof capacityReport>[1],
  node: Parameters<typeof capacityReport>[2],
): CapacityReport {
  const s = service.samples;
  const metric = (name: string) => (has(s, name) ? sumOf(s, name) : null);
  return capacityReport(
    {
      updatesPerSecond: metric('choir_indexer_updates_per_second'),
      subscriptions: metric('choir_api_subscriptions_active'),
      submissionsPerSecond: metric('choir_submissions_per_second'),
      databaseBytes: database?.bytes ?? 0,
      vectorBytes: metric('choir_vector_bytes_estimate'),
      messages: database?.messages ?? 0,
      messagesPerDay: database?.messagesLastDay ?? 0,
      residentBytes: metric('choir_process_resident_memory_bytes'),
    },
    units,
    node,
  );
}

function statusText(
  service: ServiceView,
  database: DatabaseView | undefined,
  databaseError: string | undefined,
): string {
  const lines: string[] = [];
  if (!service.reachable)
    lines.push(
      `service  ${service.url}: not answering (${service.error}) — is choir running? (--url to ask another process)`,
    );
  else {
    const r = service.readiness;
    lines.push(`service  ${service.url}: ${r?.ready ? 'ready' : 'NOT READY'}`);
    for (const d of r?.dependencies ?? []) {
      lines.push(
        `  ${d.name.padEnd(13)} ${d.ready ? 'ready    ' : 'NOT READY'} ${String(d.latencyMs).padStart(7)} ms${d.error ? `  ${d.error}` : ''}`,
      );
    }
  }
  if (!database) lines.push(`database cannot be read: ${databaseError}`);
  else {
    const m = database.migrations;
    const migrations =
      m.pending.length || m.failed.length
        ? `PENDING ${m.pending.join(', ')}${m.failed.length ? `, FAILED ${m.failed.join(', ')}` : ''} (run choir migrate)`
        : `${m.applied} applied`;
    lines.push(
      `database ${mb(database.bytes)}, ${database.threads} threads, ${database.messages} messages (${database.messagesLastDay} in 24 h), ${database.sessions} sessions; migrations ${migrations}`,
    );
    for (const row of database.sync) {
      if (row.part === 'indexer') {
        lines.push(
          `indexer  stream ${row.name}: cursor slot ${row.slot}, finalized ${row.finalizedSlot ?? '-'}, last write ${seconds(row.secondsSinceProgress)} ago`,
        );
      } else {
        lines.push(
          `outbox   ${row.name}: ${row.backlog} waiting${row.oldestBacklogSeconds === null ? '' : ` (oldest ${seconds(row.oldestBacklogSeconds)})`}, ${row.failing} failing, ${row.dead} dead`,
        );
      }
    }
    if (!database.sync.some((r) => r.part === 'outbox')) lines.push('outbox   empty');
  }
  return `${lines.join('\n')}\n`;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const seconds = (s: number | null) => (s === null ? '-' : s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(0)} min`);

/** `--url` must be where a choir process answers HTTP: anything else is a usage error, not "not answering". */
function httpUrl(value: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') {
    throw new ChoirError(
      'BAD_USER_INPUT',
      `--url must be an http(s) URL (got ${JSON.stringify(value)}; example: --url http://127.0.0.1:4000)\nusage: ${USAGE}`,
    );
  }
  return value;
}
