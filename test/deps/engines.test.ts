// `npm install` must not warn EBADENGINE on the Node the package declares: every installed package's `engines.node`
// admits the oldest Node of ours (package.json `engines`, >= 20.19.0). Runtime dependencies without exception; the
// development-only ones below are known (GraphQL codegen's URL/GitHub/Apollo loaders, which run on Node 20 but declare
// >= 22.15, and npm does not apply an override to them) and listed so that no new one slips in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; dev?: boolean; engines?: { node?: string } | string[] }>;
};

const KNOWN_DEV = new Set([
  '@whatwg-node/disposablestack@0.1.0',
  '@whatwg-node/fetch@0.12.1',
  '@whatwg-node/node-fetch@0.9.3',
]);

function violations(dev: boolean): string[] {
  const oldest = semver.minVersion(pkg.engines.node)?.version as string;
  const out = new Set<string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || Boolean(entry.dev) !== dev) continue;
    const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (!node || semver.satisfies(oldest, node)) continue;
    out.add(`${path.slice(path.lastIndexOf('node_modules/') + 13)}@${entry.version} (node ${node})`);
  }
  return [...out].sort();
}

describe('dependencies and the Node version the package declares', () => {
  it('declares Node >= 20.19', () => {
    expect(semver.minVersion(pkg.engines.node)?.version).toBe('20.19.0');
  });

  it('installs no runtime dependency that requires a newer Node', () => {
    expect(violations(false)).toEqual([]);
  });

  it('installs no development dependency that requires a newer Node beyond the known codegen loaders', () => {
    expect(violations(true).filter((v) => !KNOWN_DEV.has(v.split(' ')[0] as string))).toEqual([]);
  });
});
