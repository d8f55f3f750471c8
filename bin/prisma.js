#!/usr/bin/env node
// Runs the Prisma CLI with the settings choir needs offline:
// - no update check or telemetry (they wait on a network that is closed here);
// - a placeholder DATABASE_URL for commands that only read the schema (`generate`): the schema names the variable;
// - the timer fix in prisma-unref-timers.cjs.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const env = { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
if (process.argv[2] === 'generate') env.DATABASE_URL ??= 'postgresql://placeholder@localhost/placeholder';

const res = spawnSync(
  process.execPath,
  ['--require', join(here, 'prisma-unref-timers.cjs'), cli, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env,
    cwd: join(here, '..'),
  },
);
process.exit(res.status ?? 1);
