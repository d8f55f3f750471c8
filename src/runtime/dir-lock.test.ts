import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isChoirError } from '../errors/index.js';
import { LOCK_FILE, lockDir } from './dir-lock.js';

describe('lockDir', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'choir-lock-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('writes this pid, and removes the file on release', () => {
    const dir = join(fresh(), 'devnet');
    const lock = lockDir(dir, { variable: 'DEVNET_DATA_DIR' });
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a folder a live choir holds, naming its pid, the folder and the variable', () => {
    const dir = fresh();
    // The test runner's parent is a live node process.
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`);
    let caught: unknown;
    try {
      lockDir(dir, { variable: 'VECTOR_DATA_DIR' });
    } catch (err) {
      caught = err;
    }
    expect(isChoirError(caught, 'ALREADY_RUNNING')).toBe(true);
    expect((caught as Error).message).toBe(
      `choir is already running here (pid ${process.ppid}): it owns ${dir}. Stop it first (kill ${process.ppid}), or give this one its own VECTOR_DATA_DIR (and ports)`,
    );
    // Refusing leaves the owner's lock alone.
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.ppid));
  });

  it("lets a supervisor's child in without taking the lock from it", () => {
    const dir = fresh();
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`);
    const lock = lockDir(dir, { variable: 'DEVNET_DATA_DIR', heldBy: process.ppid });
    lock.release();
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.ppid));
  });

  it('takes over the lock of a process that is gone, and a garbled one', () => {
    const dir = fresh();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    for (const content of [`${dead}\n`, 'garbage', '']) {
      writeFileSync(join(dir, LOCK_FILE), content);
      const lock = lockDir(dir, { variable: 'DEVNET_DATA_DIR' });
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
      lock.release();
    }
  });

  it('is re-entrant within one process: the inner release keeps the outer lock', () => {
    const dir = fresh();
    const outer = lockDir(dir, { variable: 'DEVNET_DATA_DIR' });
    lockDir(dir, { variable: 'DEVNET_DATA_DIR' }).release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    outer.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
