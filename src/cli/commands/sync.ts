import { loadConfig } from '../../config/index.js';
import type { SyncSummary } from '../../consistency/run-all.js';
import { ChoirError } from '../../errors/index.js';
import { createLogger } from '../../observability/logger.js';
import { isRecordAddress } from '../../vector/point-id.js';
import type { Command, ParsedArgs } from '../command.js';
import { runOperation } from '../consistency-runner.js';

/** `--thread A`, checked before anything opens. */
export function threadOption(args: ParsedArgs, usage: string): string | undefined {
  const thread = args.values.thread;
  if (thread === undefined) return undefined;
  if (typeof thread !== 'string' || !isRecordAddress(thread)) {
    throw new ChoirError('BAD_USER_INPUT', `--thread must be a thread address (base58, 32 bytes)\nusage: ${usage}`);
  }
  return thread;
}

function describe(s: SyncSummary): string {
  const counts = Object.entries(s.differences)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
  const lines = [
    `${s.threads} thread(s) checked in ${s.totalMs} ms: ${
      s.consistent
        ? 'consistent'
        : `${s.inconsistentThreads} inconsistent${counts.length ? ` (${counts.join(', ')})` : ''}`
    }${s.inFlight ? `; ${s.inFlight} change(s) in flight, compared next time` : ''}`,
  ];
  for (const r of s.reports) {
    if (r.consistent) continue;
    lines.push(`thread ${r.threadAddress}`);
    for (const d of r.differences) lines.push(`  ${d.kind.padEnd(18)} ${d.address}  ${d.detail}`);
  }
  for (const f of s.failures) lines.push(`thread ${f.threadAddress}: not checked: ${f.code}: ${f.message}`);
  return `${lines.join('\n')}\n`;
}

const USAGE = 'choir sync [--thread ADDRESS] [--json]';

export const syncCommand: Command = {
  name: 'sync',
  summary: 'Compare the chain, the vector store and Postgres, thread by thread; exit 1 when they disagree',
  usage: USAGE,
  description: [
    'Reads each thread from the chain (RPC), its points from the vector store and its rows from Postgres, and reports',
    'every difference: missing_point, payload_mismatch, missing_row, row_mismatch, co_author_mismatch, root_mismatch,',
    'content_lost. Changes the indexer has not applied yet are "in flight", not differences. Writes nothing.',
    '',
    '  --thread ADDRESS  check one thread (default: every thread Postgres or the chain knows)',
    '  --json            print the summary as JSON on stdout (progress and logs go to stderr)',
    '',
    'With a service running (`choir start`), it asks the service; otherwise it opens the stores itself.',
    'Exit: 0 consistent, 1 differences found (or a thread could not be read), 2 bad usage.',
  ],
  options: { thread: { type: 'string' }, json: { type: 'boolean', default: false } },
  async run(args) {
    const thread = threadOption(args, USAGE);
    const config = loadConfig();
    const logger = createLogger(config.logging);
    const { result } = await runOperation<SyncSummary>(
      'sync',
      { ...(thread ? { thread } : {}) },
      config,
      logger,
      (ops, onProgress) => ops.sync({ thread, onProgress: (p) => onProgress({ ...p }) }),
    );
    process.stdout.write(args.values.json ? `${JSON.stringify(result)}\n` : describe(result));
    return result.consistent ? 0 : 1;
  },
};
