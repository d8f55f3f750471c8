/**
 * Builds the web page and GraphiQL (web/src) into web/dist with esbuild: content-hashed files under assets/ (served
 * with a year-long immutable cache, ready for a CDN), index.html and graphiql.html naming them (served no-cache), and
 * manifest.json with a fingerprint of every source file that went in plus the lockfile.
 *
 * Why build at install time (postinstall) and not commit the output: the page bundles the SDK and its generated
 * operations, so every API or SDK change would also have to re-commit megabytes of minified JavaScript; the bundler is
 * an npm package like the rest, and `choir start` rebuilds by itself when the sources no longer match the
 * manifest (a pull without `npm install`), so no user ever runs a build step.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB_DIST = join(ROOT, 'web', 'dist');

const ENTRIES = { app: 'web/src/main.tsx', graphiql: 'web/src/graphiql.tsx' } as const;

export interface WebManifest {
  fingerprint: string;
  /** Source files (relative to the repository) the bundles were built from. */
  inputs: string[];
  /** Entry name → its hashed script and stylesheet under /assets/. */
  entries: Record<keyof typeof ENTRIES, { js: string; css: string | null }>;
}

function fingerprint(inputs: readonly string[]): string {
  const h = createHash('sha256');
  for (const file of [...inputs, 'package-lock.json'].sort()) {
    h.update(file);
    h.update(existsSync(join(ROOT, file)) ? readFileSync(join(ROOT, file)) : 'missing');
  }
  return h.digest('hex');
}

export function readManifest(dist = WEB_DIST): WebManifest | null {
  try {
    return JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8')) as WebManifest;
  } catch {
    return null;
  }
}

/** The built page matches the sources and the lockfile (a new source file in an existing folder needs an import
 * to matter, and importing it changes a listed file). */
export function isWebBuildFresh(dist = WEB_DIST): boolean {
  const manifest = readManifest(dist);
  return manifest !== null && manifest.fingerprint === fingerprint(manifest.inputs);
}

function page(title: string, entry: { js: string; css: string | null }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title}</title>
${entry.css ? `<link rel="stylesheet" href="${entry.css}">\n` : ''}<script type="module" src="${entry.js}"></script>
</head>
<body>
<div id="root"></div>
</body>
</html>
`;
}

/** Builds into a fresh folder, then swaps it in: a running server never serves a half-written build. */
export async function buildWeb(dist = WEB_DIST): Promise<WebManifest> {
  const staging = `${dist}.tmp-${process.pid}-${Date.now()}`;
  rmSync(staging, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    outdir: join(staging, 'assets'),
    publicPath: '/assets',
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    // GraphiQL gets the checked-in SDL (schema/schema.graphql, tested equal to the resolvers) as text.
    loader: { '.graphql': 'text', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file', '.png': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    legalComments: 'linked',
    logLevel: 'silent',
  });
  const entries = {} as WebManifest['entries'];
  for (const [file, output] of Object.entries(result.metafile.outputs) as [string, Metafile['outputs'][string]][]) {
    if (!output.entryPoint) continue;
    const name = (Object.keys(ENTRIES) as (keyof typeof ENTRIES)[]).find((k) => ENTRIES[k] === output.entryPoint);
    if (!name) continue;
    const url = (f: string) => `/assets/${relative(join(staging, 'assets'), join(ROOT, f))}`;
    entries[name] = { js: url(file), css: output.cssBundle ? url(output.cssBundle) : null };
  }
  const inputs = Object.keys(result.metafile.inputs)
    .filter((f) => !f.includes('node_modules/'))
    .sort();
  const manifest: WebManifest = { fingerprint: fingerprint(inputs), inputs, entries };
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'index.html'), page('choir', entries.app));
  writeFileSync(join(staging, 'graphiql.html'), page('choir — GraphiQL', entries.graphiql));
  writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const old = `${dist}.old-${process.pid}-${Date.now()}`;
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(staging, dist);
  rmSync(old, { recursive: true, force: true });
  return manifest;
}
