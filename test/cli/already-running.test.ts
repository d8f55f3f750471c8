// A second `npm start` in the same checkout must not replay the running devnet's ledger or open its vector store:
// it stops at once with the pid of the running choir and exit code 2. `choir devnet` alone is refused the same way.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChoir, waitForStatus } from '../support/choir-process.js';
import { skipEmbeddedPostgres } from '../support/embedded-reachable.js';
import { freePort } from '../support/ports.js';
import { privateStartEnv, useStartDir } from '../support/start-env.js';

describe.skipIf(skipEmbeddedPostgres('already running'))('a second choir in the same checkout', () => {
  const { dir, running } = useStartDir('choir-twice-');

  it('says "choir is already running here (pid N)" and exits 2, leaving the first one serving', async () => {
    const env = await privateStartEnv(dir, { rpc: await freePort(), ws: await freePort(), geyser: await freePort() });
    const first = runChoir(['start'], env);
    running.push(first);
    await waitForStatus(`http://127.0.0.1:${env.PORT}/readyz`, 200, first);
    const pid = first.child.pid;

    for (const args of [['start'], ['devnet']]) {
      const second = runChoir(args, env);
      running.push(second);
      expect(await second.exited, second.output()).toBe(2);
      expect(second.output()).toContain(`ALREADY_RUNNING: choir is already running here (pid ${pid})`);
      expect(second.output()).not.toMatch(/devnet started|replay|in use; set/);
      expect(second.output()).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect((await fetch(`http://127.0.0.1:${env.PORT}/readyz`)).status).toBe(200);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(join(env.DEVNET_DATA_DIR, 'choir.lock'))).toBe(false);
    expect(existsSync(join(env.VECTOR_DATA_DIR, 'choir.lock'))).toBe(false);
  }, 300_000);
});
