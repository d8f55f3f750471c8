import { describeEnvironment, environmentSettings, variablesTable } from '../../config/docs.js';
import { loadConfig, sections } from '../../config/index.js';
import type { Command } from '../command.js';

export const envCommand: Command = {
  name: 'env',
  summary:
    'Validate the environment and print every setting (secrets hidden); --json as JSON, --markdown the README table',
  usage: 'choir env [--json | --markdown]',
  options: { markdown: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  async run(args) {
    if (args.values.markdown === true) {
      process.stdout.write(`${variablesTable(sections)}\n`);
      return 0;
    }
    loadConfig();
    if (args.values.json === true) {
      process.stdout.write(`${JSON.stringify(environmentSettings(sections, process.env))}\n`);
      return 0;
    }
    process.stdout.write(`${describeEnvironment(sections, process.env).join('\n')}\n`);
    return 0;
  },
};
