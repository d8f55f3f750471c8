// A part for the supervisor's tests: behaves as its options say (see supervisor.test.ts).
import { runPart } from '../../src/runtime/parts/run-part.js';

interface FakeOptions {
  readonly run: number;
  /** What this run does once started. */
  readonly after: 'stay' | 'crash' | 'fail-later';
  /** Fail before ready with this code instead of starting. */
  readonly failAtStart?: 'CONFIG_INVALID' | 'DATABASE_UNAVAILABLE';
}

await runPart<FakeOptions>('fake', async (options, tools) => {
  if (options.failAtStart) {
    const { ChoirError } = await import('../../src/errors/index.js');
    throw new ChoirError(options.failAtStart, `fake cannot start (run ${options.run})`);
  }
  process.stderr.write(`${JSON.stringify({ msg: `fake run ${options.run} started` })}\nplain line\n`);
  tools.report('hello', { run: options.run });
  if (options.after === 'crash') setTimeout(() => process.exit(7), 100);
  if (options.after === 'fail-later')
    setTimeout(() => tools.fail({ code: 'SOLANA_WRONG_CHAIN', message: 'other chain' }), 100);
  return {
    info: { run: options.run, pid: process.pid },
    metrics: async () => `fake_metric ${options.run}\n`,
    close: async () => {
      process.stderr.write('fake closing\n');
    },
  };
});
