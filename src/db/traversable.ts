/**
 * As root, embedded Postgres runs as the `postgres` system user, which must be able to enter every folder above
 * both its data directory and its own binaries (under node_modules). A 0700 parent — a home directory, a
 * `mktemp -d` folder the project was cloned into — otherwise fails deep inside initdb (for the binaries: an
 * unhandled spawn EACCES that takes the process down). Checked up front, with the fix in the message.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** The first existing folder above `path` that others cannot enter, with its mode; null when there is none. */
export function blockedParent(path: string): { dir: string; mode: string } | null {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    if (!existsSync(dir)) continue;
    const mode = statSync(dir).mode & 0o777;
    if ((mode & 0o001) === 0) return { dir, mode: mode.toString(8) };
  }
  return null;
}
