import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blockedParent } from './traversable.js';

describe('blockedParent', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const temp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'choir-trav-'));
    made.push(dir);
    return dir;
  };

  it('names the first folder above the path that others cannot enter, with its mode', () => {
    const root = temp(); // mkdtemp makes it 0700
    const nested = join(root, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    chmodSync(join(root, 'a'), 0o755);
    expect(blockedParent(join(nested, 'pg'))).toEqual({ dir: root, mode: '700' });
    chmodSync(join(root, 'a'), 0o750);
    expect(blockedParent(join(nested, 'pg'))).toEqual({ dir: join(root, 'a'), mode: '750' });
  });

  it('passes a path whose existing parents others can all enter, and skips parents that do not exist yet', () => {
    const root = temp();
    chmodSync(root, 0o755);
    expect(blockedParent(join(root, 'not', 'yet', 'there', 'pg'))).toBeNull();
  });
});
