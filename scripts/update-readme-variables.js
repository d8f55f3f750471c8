#!/usr/bin/env node
// Rewrites the README's table of environment variables (`choir env --markdown`) and of commands
// (`choir help --markdown`) from the code. test/config/config.test.ts and src/cli/commands-table.test.ts fail when
// they differ, so run this after changing a setting or a command.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const choir = (...args) => execFileSync(process.execPath, [join(root, 'bin/choir.js'), ...args], { encoding: 'utf8' });
const file = join(root, 'README.md');
let readme = readFileSync(file, 'utf8');
for (const [block, args] of [
  ['variables', ['env', '--markdown']],
  ['commands', ['help', '--markdown']],
]) {
  const pattern = new RegExp(`<!-- ${block}:start -->[\\s\\S]*?<!-- ${block}:end -->`);
  if (!pattern.test(readme)) {
    console.error(`README.md has no <!-- ${block}:start --> … <!-- ${block}:end --> block`);
    process.exit(1);
  }
  const table = choir(...args).trim();
  readme = readme.replace(pattern, () => `<!-- ${block}:start -->\n${table}\n<!-- ${block}:end -->`);
}
writeFileSync(file, readme);
console.log('README.md tables of variables and commands updated');
