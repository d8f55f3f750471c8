import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: a plain .mjs module (Node's hooks), no typings
import { load, resolve } from './ts-loader.mjs';

const dir = mkdtempSync(join(tmpdir(), 'ts-loader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return pathToFileURL(join(dir, name)).href;
};
const cacheDir = join(import.meta.dirname, '..', 'node_modules', '.cache', 'choir-ts');

describe('ts-loader', () => {
  it('maps a relative .js import from a .ts file to the .ts file beside it, and leaves others to Node', async () => {
    const parent = file('parent.ts', '');
    const sibling = file('sibling.ts', 'export const x = 1;');
    const next = vi.fn(async (specifier: string) => ({ url: `next:${specifier}` }));
    expect(await resolve('./sibling.js', { parentURL: parent }, next)).toMatchObject({
      url: sibling,
      format: 'module',
    });
    expect(await resolve('./missing.js', { parentURL: parent }, next)).toEqual({ url: 'next:./missing.js' });
    expect(await resolve('pg', { parentURL: parent }, next)).toEqual({ url: 'next:pg' });
    expect(next).toHaveBeenCalledTimes(2);
  });

  it('compiles TypeScript to an ES module with legacy decorators and their design-time metadata', async () => {
    const marker = `m${Date.now()}${Math.random().toString(36).slice(2)}`;
    const url = file(
      'decorated.ts',
      `import type { Thing } from './thing.js';\n` +
        `const field = (): PropertyDecorator => () => {};\n` +
        `export class ${marker} { @field() title!: string; @field() count?: number; other?: Thing }\n`,
    );
    const out = await load(url, { format: undefined }, vi.fn());
    expect(out.format).toBe('module');
    expect(out.shortCircuit).toBe(true);
    const source = String(out.source);
    expect(source).toContain(`"design:type", String`);
    expect(source).toContain(`"design:type", Number`);
    expect(source).not.toMatch(/import type|thing\.js/); // type-only import erased
    expect(source).toContain(`class ${marker}`);
    // The output is cached on disk, and a second load returns the same text.
    const cachedWith = (text: string) =>
      existsSync(cacheDir) &&
      readdirSync(cacheDir).filter((f) => readFileSync(join(cacheDir, f), 'utf8').includes(text)).length;
    expect(cachedWith(marker)).toBe(1);
    expect(String((await load(url, {}, vi.fn())).source)).toBe(source);
  });

  it('passes anything but a .ts file outside node_modules to the next loader', async () => {
    const next = vi.fn(async () => ({ format: 'module', source: 'x' }));
    await load('file:///x/node_modules/p/index.ts', {}, next);
    await load('file:///x/a.js', {}, next);
    await load('node:fs', {}, next);
    expect(next).toHaveBeenCalledTimes(3);
  });

  it('reports a syntax error with the file it is in', async () => {
    const url = file('broken.ts', 'export const = ;');
    await expect(load(url, {}, vi.fn())).rejects.toThrow(/broken\.ts/);
  });
});
