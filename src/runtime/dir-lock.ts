/**
 * One choir owns a data folder at a time. The devnet's ledger and the embedded vector store are files a second
 * process would corrupt (two journals appended to one ledger, two PGlite servers over one data directory), so
 * each is locked by a file naming the owner's pid, taken before anything in the folder is read.
 *
 * Node has no flock, so the lock is a file created exclusively (`wx`); a lock whose pid is gone — or is no longer a
 * node process, after a reboot reused it — is stale and taken over. A supervisor's child opens folders its parent
 * already locked: it names the parent as `heldBy` and proceeds.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ChoirError } from '../errors/index.js';

export const LOCK_FILE = 'choir.lock';

export interface DirLock {
  readonly path: string;
  /** Removes the lock if this call created it; a no-op for a lock that was already held by us or our parent. */
  release(): void;
}

export interface LockOptions {
  /** The setting that chooses this folder, named in the error (e.g. DEVNET_DATA_DIR). */
  readonly variable: string;
  /** The pid of a process that holds the lock on our behalf (a supervising `choir start`). */
  readonly heldBy?: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A pid reused by something else after a reboot is not choir. Where /proc exists, a non-node command is stale.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('node');
  } catch {
    return true;
  }
}

function readOwner(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Locks `dir` (created if missing) for this process, or throws ALREADY_RUNNING naming the pid that holds it. */
export function lockDir(dir: string, options: LockOptions): DirLock {
  const folder = resolve(dir);
  mkdirSync(folder, { recursive: true });
  const path = join(folder, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeFileSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return {
        path,
        release: () => {
          if (readOwner(path) === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readOwner(path);
    if (owner === process.pid || (owner !== null && owner === options.heldBy)) return { path, release: () => {} };
    if (owner !== null && isAlive(owner)) {
      throw new ChoirError(
        'ALREADY_RUNNING',
        `choir is already running here (pid ${owner}): it owns ${folder}. Stop it first (kill ${owner}), or give ` +
          `this one its own ${options.variable} (and ports)`,
        { details: { pid: owner, dir: folder, variable: options.variable } },
      );
    }
    // Stale (its process is gone) or half-written by a process that died between create and write.
    rmSync(path, { force: true });
  }
  throw new ChoirError('ALREADY_RUNNING', `could not lock ${folder}: another process keeps taking ${path}`, {
    details: { dir: folder, variable: options.variable },
  });
}
