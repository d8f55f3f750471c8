/**
 * `choir/client/node`: what only Node needs. Node 20 has no global WebSocket (graphql-ws needs one: `ws`'s), and a
 * script or server keeps its session in a file instead of localStorage.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import WebSocket from 'ws';
import { ChoirClient, type ChoirClientOptions } from './choir-client.js';
import type { SessionStorage, StoredSession } from './session.js';

export * from './index.js';

/** A ChoirClient with `ws` as its WebSocket implementation. */
export function createNodeChoirClient(options: ChoirClientOptions): ChoirClient {
  return new ChoirClient({ webSocketImpl: WebSocket, ...options });
}

/** A session kept in a JSON file (mode 0600), written atomically, so a restarted process resumes it. */
export function fileSessionStorage(path: string): SessionStorage {
  return {
    load(): StoredSession | null {
      try {
        const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<StoredSession>;
        if (typeof parsed.token !== 'string' || typeof parsed.publicKey !== 'string') return null;
        if (typeof parsed.expiresAt !== 'string') return null;
        return { token: parsed.token, publicKey: parsed.publicKey, expiresAt: parsed.expiresAt };
      } catch {
        return null;
      }
    },
    save(session) {
      if (!session) {
        rmSync(path, { force: true });
        return;
      }
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(session), { mode: 0o600 });
      renameSync(tmp, path);
    },
  };
}
