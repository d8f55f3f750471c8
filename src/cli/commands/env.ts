import { describeEnvironment, variablesTable } from '../../config/docs.js';
import { loadConfig, sections } from '../../config/index.js';
import type { Command } from '../command.js';

export const envCommand: Command = {
  name: 'env',
  summary: 'Validate the environment and print every setting (secrets hidden); --markdown prints the README table',
  usage: 'choir env [--markdown]',
  options: { markdown: { type: 'boolean', default: false } },
  async run(args) {
    if (args.values.markdown === true) {
      process.stdout.write(`${variablesTable(sections)}\n`);
      return 0;
    }
    loadConfig();
    process.stdout.write(`${describeEnvironment(sections, process.env).join('\n')}\n`);
    return 0;
  },
};
