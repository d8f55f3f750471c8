/** src/web/mount.ts on a plain express app: the page, GraphiQL for browsers only, cache headers, a missing build. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { buildWeb, isWebBuildFresh, type WebManifest } from '../../src/web/build.js';
import { mountWeb } from '../../src/web/mount.js';

async function serve(dist: string): Promise<{ base: string; server: Server }> {
  const app = express();
  await mountWeb(app, { logger: silentLogger, dist, rebuildIfStale: false });
  app.use('/graphql', (_req, res) => void res.json({ from: 'graphql handler' }));
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('web mount', () => {
  const dir = mkdtempSync(join(tmpdir(), 'choir-web-'));
  const dist = join(dir, 'dist');
  let manifest: WebManifest;
  let base: string;
  let server: Server;
  beforeAll(async () => {
    manifest = await buildWeb(dist);
    ({ base, server } = await serve(dist));
  }, 120_000);
  afterAll(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds content-hashed bundles and records what they were built from', () => {
    expect(manifest.entries.app.js).toMatch(/^\/assets\/app-[A-Z0-9]{8}\.js$/);
    expect(manifest.entries.graphiql.css).toMatch(/^\/assets\/graphiql-[A-Z0-9]{8}\.css$/);
    expect(manifest.inputs).toContain('src/client/store/thread-store.ts');
    expect(manifest.inputs.some((i) => i.startsWith('node_modules/'))).toBe(false);
    expect(isWebBuildFresh(dist)).toBe(true);
    expect(readFileSync(join(dist, 'index.html'), 'utf8')).toContain(manifest.entries.app.js);
  });

  it('serves the page uncached with a same-origin CSP, and the assets immutable for a year', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const asset = await fetch(`${base}${manifest.entries.app.js}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${base}/assets/nope-12345678.js`)).status).toBe(404);
  });

  it('answers GET /graphql with GraphiQL for browsers only; GraphQL GETs and POSTs reach the API', async () => {
    const browser = await fetch(`${base}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(await browser.text()).toContain(manifest.entries.graphiql.js);
    const graphqlGet = await fetch(`${base}/graphql?query=%7B__typename%7D`, { headers: { accept: 'text/html' } });
    expect(await graphqlGet.json()).toEqual({ from: 'graphql handler' });
    const json = await fetch(`${base}/graphql`, { headers: { accept: 'application/json' } });
    expect(await json.json()).toEqual({ from: 'graphql handler' });
    const post = await fetch(`${base}/graphql`, { method: 'POST', headers: { accept: 'text/html' } });
    expect(await post.json()).toEqual({ from: 'graphql handler' });
  });

  it('says how to build when the build is missing', async () => {
    const empty = await serve(join(dir, 'missing'));
    try {
      const res = await fetch(`${empty.base}/`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm run web:build');
    } finally {
      empty.server.close();
    }
  });
});
