#!/usr/bin/env node
// `npm run bench -- <name> [args]` runs bench/<name>.ts; `npm run bench` lists the benchmarks.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...rest] = process.argv.slice(2);
const available = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3));
if (!name || !existsSync(join(root, 'bench', `${name}.ts`))) {
  console.error(
    `${name ? `unknown benchmark "${name}". ` : ''}usage: npm run bench -- <name>; available: ${available.join(', ') || '(none)'}`,
  );
  process.exit(2);
}
const res = spawnSync(
  process.execPath,
  ['--expose-gc', join(root, 'bin/run-ts.js'), join(root, 'bench', `${name}.ts`), ...rest],
  {
    stdio: 'inherit',
  },
);
process.exit(res.status ?? 1);
