// Module hooks that run the repository's TypeScript in Node without a build step (registered by bin/choir.js and
// bin/run-ts.js). Why not @swc-node/register/esm, which this replaced: it loads the TypeScript compiler (9 MB of
// CommonJS that Node must detect, lex and compile) and resolves every import through TypeScript's resolver, about
// 0.5 s of CPU per process start — paid by every `choir` command, indexer child and test that spawns one.
//
// What it does instead:
// - resolve: a relative `./x.js` imported from a .ts file is `./x.ts` when that exists (NodeNext import style);
//   everything else is Node's own resolution.
// - load: a .ts file outside node_modules is compiled by SWC (type-only syntax stripped, legacy decorators with
//   their design-time metadata, which type-graphql reads; esbuild-based loaders drop that metadata) and cached on
//   disk under node_modules/.cache/choir-ts, keyed by the source, the options and SWC's version, so a warm start
//   does not load SWC at all. Writes are atomic (temp file + rename): processes start side by side in tests.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, 'node_modules', '.cache', 'choir-ts');

/** SWC options matching tsconfig.json (target ES2022, experimentalDecorators, emitDecoratorMetadata). */
const SWC_OPTIONS = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', tsx: false, decorators: true, dynamicImport: true },
    transform: {
      legacyDecorator: true,
      decoratorMetadata: true,
      useDefineForClassFields: true,
    },
    keepClassNames: true,
    experimental: { keepImportAttributes: true },
  },
  module: { type: 'es6' },
  isModule: true,
  sourceMaps: false,
  swcrc: false,
  configFile: false,
};
const swcVersion = JSON.parse(readFileSync(require.resolve('@swc/core/package.json'), 'utf8')).version;
const optionsKey = `${swcVersion}:${JSON.stringify(SWC_OPTIONS)}`;

let swc;
function compile(source, filename) {
  const key = createHash('sha256').update(optionsKey).update('\0').update(source).digest('hex');
  const cached = join(cacheDir, `${key}.js`);
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    // not cached yet
  }
  swc ??= require('@swc/core');
  const { code } = swc.transformSync(source, { ...SWC_OPTIONS, filename });
  try {
    mkdirSync(cacheDir, { recursive: true });
    const temp = `${cached}.${process.pid}.tmp`;
    writeFileSync(temp, code);
    renameSync(temp, cached);
  } catch {
    // A read-only tree still runs, uncached.
  }
  return code;
}

const isRelative = (specifier) => specifier.startsWith('./') || specifier.startsWith('../');

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (parent?.endsWith('.ts') && isRelative(specifier) && specifier.endsWith('.js')) {
    const ts = new URL(`${specifier.slice(0, -3)}.ts`, parent);
    if (existsSync(ts)) return { url: ts.href, format: 'module', shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts') || url.includes('/node_modules/')) {
    return nextLoad(url, context);
  }
  const filename = fileURLToPath(url);
  return { format: 'module', source: compile(readFileSync(filename, 'utf8'), filename), shortCircuit: true };
}
