import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandsTable } from './commands-table.js';
import { commands } from './main.js';

describe("README's table of choir commands", () => {
  it('is the one generated from the commands (run `npm run docs:variables` after adding or changing one)', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const between = readme.split('<!-- commands:start -->')[1]?.split('<!-- commands:end -->')[0];
    expect(between?.trim()).toBe(commandsTable(commands));
  });

  it('escapes the pipes of a usage line so the row keeps two cells', () => {
    const table = commandsTable([{ name: 'x', usage: 'choir x a | b', summary: 'y', run: async () => 0 }]);
    expect(table.split('\n')[2]).toBe('| `choir x a \\| b` | y |');
  });
});
