#!/usr/bin/env node
// Rewrites the README's table of environment variables from the code (`choir env --markdown`).
// test/config/config.test.ts fails when the two differ, so run this after changing a setting.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const table = execFileSync(process.execPath, [join(root, 'bin/choir.js'), 'env', '--markdown'], { encoding: 'utf8' });
const file = join(root, 'README.md');
const readme = readFileSync(file, 'utf8');
const pattern = /<!-- variables:start -->[\s\S]*?<!-- variables:end -->/;
if (!pattern.test(readme)) {
  console.error('README.md has no <!-- variables:start --> … <!-- variables:end --> block');
  process.exit(1);
}
writeFileSync(file, readme.replace(pattern, `<!-- variables:start -->\n${table.trim()}\n<!-- variables:end -->`));
console.log('README.md variables table updated');
