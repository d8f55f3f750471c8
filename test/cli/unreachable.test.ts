// Every command that talks to the chain or a database says, when it is down, which URL did not answer and what to
// do — one line, exit 1, no stack trace — and commands with machine-readable output keep stdout for results only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/index.js';
import { testDevnet } from '../devnet/support.js';
import { runChoir } from '../support/choir-process.js';
import { freePort } from '../support/ports.js';
import { adminUrl } from '../support/postgres.js';

/** Runs `choir <args>` and returns its exit code and output once it ends. */
async function choir(args: string[], env: Record<string, string>) {
  const proc = runChoir(args, env);
  const code = await proc.exited;
  return { code, output: proc.output(), stdout: proc.stdout() };
}

const noStack = /\n\s+at /;

describe('choir commands with what they talk to down', () => {
  it('devnet seed names the JSON-RPC URL and how to start the chain', async () => {
    const port = await freePort();
    const byDefault = await choir(['devnet', 'seed'], { DEVNET_RPC_PORT: String(port) });
    expect(byDefault.code).toBe(1);
    expect(byDefault.output).toBe(
      `choir devnet: SOLANA_RPC_UNAVAILABLE: the devnet JSON-RPC at http://127.0.0.1:${port} did not answer (connection refused): start the chain (\`npm start\` or \`choir devnet\`), or pass --rpc URL (DEVNET_RPC_PORT sets the default port)\n`,
    );
    const given = await choir(['devnet', 'seed', '--rpc', `http://127.0.0.1:${port}`], {});
    expect(given.code).toBe(1);
    expect(given.output).toContain(`the devnet JSON-RPC at http://127.0.0.1:${port} did not answer`);
    expect(given.output).toContain('check the URL given with --rpc');
    expect(given.output).not.toMatch(noStack);
  });

  it('migrate and api-key name DATABASE_URL (password hidden) instead of a failed migration', async () => {
    const port = await freePort();
    const env = { DATABASE_URL: `postgresql://choir:s3cret@127.0.0.1:${port}/choir` };
    for (const args of [['migrate', '--status'], ['api-key', 'list'], ['migrate']]) {
      const run = await choir(args, env);
      expect(run.code, run.output).toBe(1);
      expect(run.output).toBe(
        `choir ${args[0]}: DATABASE_UNAVAILABLE: Postgres (DATABASE_URL) at postgresql://choir:***@127.0.0.1:${port}/choir did not answer (connection refused): start it, or set DATABASE_URL to a server that answers (unset, choir runs its own embedded Postgres)\n`,
      );
    }
  });

  it('indexer names the chain it cannot reach before touching the database', async () => {
    const [rpc, geyser, pg] = [await freePort(), await freePort(), await freePort()];
    const local = await choir(['indexer'], {
      DEVNET_RPC_PORT: String(rpc),
      DEVNET_GEYSER_PORT: String(geyser),
      DATABASE_URL: `postgresql://x@127.0.0.1:${pg}/x`,
    });
    expect(local.code).toBe(1);
    expect(local.output).toBe(
      `choir indexer: SOLANA_RPC_UNAVAILABLE: the JSON-RPC at http://127.0.0.1:${rpc} did not answer (connection refused): start the local chain first (\`choir devnet\`, or \`npm start\`, which runs everything), or set SOLANA_RPC_URL and GEYSER_URL\n`,
    );
    const remote = await choir(['indexer'], {
      SOLANA_RPC_URL: `http://127.0.0.1:${rpc}`,
      GEYSER_URL: `http://127.0.0.1:${geyser}`,
    });
    expect(remote.code).toBe(1);
    expect(remote.output).toContain(`the JSON-RPC at http://127.0.0.1:${rpc} did not answer (connection refused)`);
    expect(remote.output).toContain('check the URL and the provider');
  });

  it('start names the Qdrant it cannot reach', async () => {
    const [qdrant, rpc, geyser] = [await freePort(), await freePort(), await freePort()];
    const run = await choir(['start'], {
      PORT: String(await freePort()),
      QDRANT_URL: `http://127.0.0.1:${qdrant}`,
      QDRANT_RETRY_ATTEMPTS: '1',
      SOLANA_RPC_URL: `http://127.0.0.1:${rpc}`,
      GEYSER_URL: `http://127.0.0.1:${geyser}`,
      DATABASE_URL: adminUrl,
      DATABASE_AUTO_MIGRATE: 'false',
    });
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain(
      `choir start: QDRANT_UNAVAILABLE: Qdrant (QDRANT_URL) at http://127.0.0.1:${qdrant} did not answer (connection refused): `,
    );
    expect(run.output).toContain('unset QDRANT_URL to use the embedded vector store');
    expect(run.output).not.toMatch(noStack);
  });
});

describe('machine-readable output', () => {
  let devnet: Devnet;
  beforeAll(async () => {
    devnet = await testDevnet({ slotMs: 50 });
  });
  afterAll(async () => {
    await devnet.close();
  });

  it('devnet seed prints only its JSON result on stdout; its log lines go to stderr', async () => {
    const run = await choir(['devnet', 'seed', '--rpc', devnet.rpcUrl, '--threads', '1', '--messages', '1'], {
      LOG_LEVEL: 'info',
    });
    expect(run.code, run.output).toBe(0);
    const result = JSON.parse(run.stdout) as { threads: unknown[] };
    expect(result.threads).toHaveLength(1);
    expect(run.output.length).toBeGreaterThan(run.stdout.length); // the logs went somewhere: stderr
  });

  it('env --json is one JSON document with every setting, secrets never shown', async () => {
    const run = await choir(['env', '--json'], { PORT: '4321', QDRANT_API_KEY: 'do-not-print' });
    expect(run.code).toBe(0);
    const settings = JSON.parse(run.stdout) as { name: string; value: string | null; set: boolean }[];
    expect(settings.find((s) => s.name === 'PORT')).toMatchObject({ value: '4321', set: true });
    expect(settings.find((s) => s.name === 'HOST')).toMatchObject({ value: '127.0.0.1', set: false });
    expect(settings.find((s) => s.name === 'QDRANT_API_KEY')).toMatchObject({ value: null, set: true });
    expect(run.output).not.toContain('do-not-print');
  });
});
