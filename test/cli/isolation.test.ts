// `npm start` runs the devnet and the indexer each in a child process supervised by the main one, which keeps the
// API, the vector store and the outbox workers: a crashed part comes back, logs say which part wrote them, a stop
// closes everything in order, and a part that cannot run stops the service with its code. (That a heavy JSON-RPC
// batch and an ingest burst cannot stall /healthz is measured alone: healthz-under-load.load.test.ts.)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHOIR_PROGRAM_SO_PATH } from '../../programs/choir/client/index.js';
import { type ChoirProcess, runChoir, waitForStatus } from '../support/choir-process.js';
import { skipEmbeddedPostgres } from '../support/embedded-reachable.js';
import { privateStartEnv, useStartDir } from '../support/start-env.js';
import { until as waitUntil } from '../support/until.js';

/** The node child processes of `pid` running a part's entry file. */
function partPid(pid: number, part: 'devnet' | 'indexer'): number | null {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.includes(`${part}-part.ts`));
  return line ? Number(line.trim().split(/\s+/)[0]) : null;
}

/** Waits up to a minute, polling every 200 ms; a probe that throws (the service not up yet) counts as not yet. */
const until = <T>(what: string, check: () => Promise<T | null | false>, ms = 60_000) =>
  waitUntil(what, () => check().catch(() => null), ms, 200);

describe.skipIf(skipEmbeddedPostgres('isolation'))('choir start with its parts in child processes', () => {
  const { dir, running } = useStartDir('choir-parts-');
  let main: ChoirProcess;
  let env: Record<string, string>;
  let api: string;
  let rpcUrl: string;

  beforeAll(async () => {
    env = await privateStartEnv(dir);
    api = `http://127.0.0.1:${env.PORT}`;
    main = runChoir(['start'], env);
    running.push(main);
    const report = await waitForStatus(`${api}/readyz`, 200, main);
    rpcUrl = report.dependencies.find((d: { name: string }) => d.name === 'chain').details.rpcUrl;
  }, 240_000);

  it('runs the devnet and the indexer as children, their log lines tagged with the part', async () => {
    const pid = main.child.pid as number;
    expect(partPid(pid, 'devnet')).toBeGreaterThan(0);
    expect(partPid(pid, 'indexer')).toBeGreaterThan(0);
    const lines = main
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { part?: string; msg?: string });
    expect(lines.some((l) => l.part === 'devnet' && l.msg === 'devnet started')).toBe(true);
    expect(lines.some((l) => l.part === 'indexer' && l.msg === 'leading: this instance writes the stream')).toBe(true);
    // The main process keeps the API and the vector store: no part tag on its own lines.
    expect(lines.some((l) => l.part === undefined && /embedded vector store/.test(l.msg ?? ''))).toBe(true);
  });

  it('restarts a part that crashes (kill -9), on the same ports, and becomes ready again', async () => {
    const pid = main.child.pid as number;
    for (const part of ['indexer', 'devnet'] as const) {
      const before = partPid(pid, part) as number;
      const mark = main.output().length;
      process.kill(before, 'SIGKILL');
      const after = await until(`a new ${part} process`, async () => {
        const now = partPid(pid, part);
        return now && now !== before ? now : null;
      });
      expect(after).not.toBe(before);
      await until(`the supervisor to see ${part} back`, async () =>
        main.output().slice(mark).includes(`"msg":"${part} is back"`),
      );
      // Past the readiness cache (1 s): the report is about the new process.
      await new Promise((r) => setTimeout(r, 1_100));
      const report = await waitForStatus(`${api}/readyz`, 200, main, 120_000);
      expect(report.dependencies.find((d: { name: string }) => d.name === 'chain').details.rpcUrl).toBe(rpcUrl);
      expect(main.output()).toContain(`${part} process exited with signal SIGKILL; restarting in`);
    }
  }, 300_000);

  it('stops in order on SIGTERM: the indexer before the devnet, every child gone, exit 0, folders unlocked', async () => {
    const pid = main.child.pid as number;
    const children = [partPid(pid, 'indexer'), partPid(pid, 'devnet')];
    const mark = main.output().length;
    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
    const tail = main.output().slice(mark);
    const indexerStopped = tail.indexOf('indexer process stopped');
    const devnetStopped = tail.indexOf('devnet process stopped');
    expect(indexerStopped, tail).toBeGreaterThan(-1);
    expect(devnetStopped).toBeGreaterThan(indexerStopped);
    for (const child of children) {
      expect(() => process.kill(child as number, 0)).toThrow();
    }
    expect(existsSync(join(env.DEVNET_DATA_DIR as string, 'choir.lock'))).toBe(false);
    expect(existsSync(join(env.VECTOR_DATA_DIR as string, 'choir.lock'))).toBe(false);
  }, 120_000);

  it("passes a part's failure up: a devnet that cannot start exits 2, an indexer on another chain exits 1", async () => {
    // A ledger created by another build of the program: the devnet child refuses it (CONFIG_INVALID).
    const otherBuild = join(dir, 'other.so');
    writeFileSync(otherBuild, Buffer.concat([readFileSync(CHOIR_PROGRAM_SO_PATH), Buffer.from([0])]));
    const refused = runChoir(['start'], { ...env, DEVNET_PROGRAM_PATH: otherBuild });
    running.push(refused);
    expect(await refused.exited, refused.output()).toBe(2);
    expect(refused.output()).toMatch(/choir start: CONFIG_INVALID: .*DEVNET_DATA_DIR/);

    // A fresh chain under an index of the old one: the indexer child stops (SOLANA_WRONG_CHAIN), so does choir.
    rmSync(env.DEVNET_DATA_DIR as string, { recursive: true, force: true });
    const foreign = runChoir(['start'], env);
    running.push(foreign);
    expect(await foreign.exited, foreign.output()).toBe(1);
    expect(foreign.output()).toContain('choir start: SOLANA_WRONG_CHAIN: indexer stopped: ');
    expect(foreign.output()).toContain('run `choir start --reset-index` to re-index it');
    expect(existsSync(join(env.DEVNET_DATA_DIR as string, 'choir.lock'))).toBe(false);
  }, 300_000);
});
