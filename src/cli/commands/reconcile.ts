import { loadConfig } from '../../config/index.js';
import type { ReconcileSummary } from '../../consistency/run-all.js';
import { createLogger } from '../../observability/logger.js';
import type { Command } from '../command.js';
import { runOperation } from '../consistency-runner.js';
import { threadOption } from './sync.js';

function describe(s: ReconcileSummary): string {
  const lines = [
    `${s.threads} thread(s) reconciled in ${s.totalMs} ms: ${s.repairs} repair(s)${s.dryRun ? ' planned (dry run: nothing written)' : ''}, ${s.unrepaired} unrepaired`,
  ];
  for (const r of s.reports) {
    if (r.repairs.length === 0 && r.unrepaired.length === 0) continue;
    lines.push(`thread ${r.threadAddress}`);
    for (const x of r.repairs) lines.push(`  ${x.action.padEnd(24)} ${x.kind.padEnd(18)} ${x.address}`);
    for (const d of r.unrepaired)
      lines.push(`  ${'unrepaired'.padEnd(24)} ${d.kind.padEnd(18)} ${d.address}  ${d.detail}`);
  }
  for (const f of s.failures) lines.push(`thread ${f.threadAddress}: not reconciled: ${f.code}: ${f.message}`);
  return `${lines.join('\n')}\n`;
}

const USAGE = 'choir reconcile [--thread ADDRESS] [--dry-run] [--json]';

export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: 'Repair every difference sync finds (one Recovered event each); --dry-run only lists the repairs',
  usage: USAGE,
  description: [
    'Repairs from the chain (the reference) and from whichever off-chain copy of the content still hashes to it:',
    'points re-embedded from the Postgres copy, payload metadata rewritten, rows re-indexed from the chain, content',
    'that exists nowhere off chain flagged as lost (messages.last_error CONTENT_LOST). Each repair appends one',
    'Recovered event. The service also runs this every RECONCILE_EVERY_S seconds and after the indexer heals a gap.',
    '',
    '  --thread ADDRESS  reconcile one thread (default: all)',
    '  --dry-run         list the repairs, change nothing',
    '  --json            print the summary as JSON on stdout',
    '',
    'Exit: 0 nothing left unrepaired, 1 differences remain (root mismatches, lost content) or a thread failed.',
  ],
  options: {
    thread: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
  async run(args) {
    const thread = threadOption(args, USAGE);
    const dryRun = args.values['dry-run'] === true;
    const config = loadConfig();
    const logger = createLogger(config.logging);
    const { result } = await runOperation<ReconcileSummary>(
      'reconcile',
      { ...(thread ? { thread } : {}), dryRun },
      config,
      logger,
      (ops, onProgress) => ops.reconcile({ thread, dryRun, onProgress: (p) => onProgress({ ...p }) }),
    );
    process.stdout.write(args.values.json ? `${JSON.stringify(result)}\n` : describe(result));
    return result.unrepaired === 0 && result.failures.length === 0 ? 0 : 1;
  },
};
