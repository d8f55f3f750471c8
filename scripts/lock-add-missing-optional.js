#!/usr/bin/env node
// Repairs package-lock.json after `npm install` on this network. The registry mirror here lacks some platform
// binaries that packages list as optional dependencies (e.g. litesvm-darwin-arm64, yellowstone-grpc-napi-darwin-*).
// `npm install` then leaves them out of the lock and `npm ci` refuses the lock ("Missing: X@ from lock file").
// This adds a placeholder entry for each, marked optional with the os/cpu/libc its name states, so npm ci skips it on
// this platform exactly as it would a fully recorded one. Run it after any `npm install` that changes the lock.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;

function platformOf(name) {
  const os = ['darwin', 'linux', 'win32', 'freebsd', 'android'].find((o) => name.includes(o));
  const cpu = ['arm64', 'x64', 'ia32', 'arm'].find((c) => new RegExp(`[-_.]${c}(\\b|[-_.])`).test(name));
  const libc = name.includes('musl') ? 'musl' : name.includes('gnu') ? 'glibc' : undefined;
  return { os, cpu, libc };
}

const added = [];
for (const [path, entry] of Object.entries(packages)) {
  for (const [dep, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ''}node_modules/${dep}`;
    if (packages[nested] || packages[`node_modules/${dep}`]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os) {
      console.error(`cannot tell the platform of missing optional dependency ${dep}; add it by hand`);
      process.exitCode = 1;
      continue;
    }
    const version = String(range).replace(/^[\^~=]/, '');
    packages[`node_modules/${dep}`] = {
      version,
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc ? { libc: [libc] } : {}),
      optional: true,
      os: [os],
    };
    added.push(`${dep}@${version}`);
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `added placeholders: ${added.join(', ')}` : 'lock file complete');
