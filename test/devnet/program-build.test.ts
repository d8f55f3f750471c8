// A persisted devnet ledger belongs to the program build it was created with: restarting it under another build
// stops with CONFIG_INVALID (exit code 2 from the CLI) naming DEVNET_DATA_DIR and how to reset, instead of
// replaying the old chain through the new program.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHOIR_PROGRAM_ID, CHOIR_PROGRAM_SO_PATH } from '../../programs/choir/client/index.js';
import type { Devnet } from '../../src/devnet/index.js';
import { isChoirError } from '../../src/errors/index.js';
import { runChoir } from '../support/choir-process.js';
import { tempDir, testDevnet } from './support.js';

describe('devnet ledger created with another build of the program', () => {
  const dirs: ReturnType<typeof tempDir>[] = [];
  let devnet: Devnet | undefined;
  afterEach(async () => {
    await devnet?.close();
    devnet = undefined;
    for (const dir of dirs.splice(0)) dir.remove();
  });

  /** A ledger under a fresh data directory, created with the committed choir.so and closed. */
  async function ledgerWithCommittedBuild(): Promise<string> {
    const dir = tempDir();
    dirs.push(dir);
    const data = join(dir.path, 'devnet');
    devnet = await testDevnet({ dataDir: data }, {});
    devnet.tick(2);
    await devnet.close();
    devnet = undefined;
    return data;
  }

  const otherBuild = () => Uint8Array.of(...readFileSync(CHOIR_PROGRAM_SO_PATH), 0);

  it('refuses to start, naming the folder, both builds and the reset', async () => {
    const data = await ledgerWithCommittedBuild();
    const program = { programId: CHOIR_PROGRAM_ID.toBase58(), elf: otherBuild() };
    const started = testDevnet({ dataDir: data }, { program });
    await expect(started).rejects.toSatisfy((err: unknown) => isChoirError(err, 'CONFIG_INVALID'));
    const message = await started.catch((err: Error) => err.message);
    expect(message).toContain(`the ledger in ${data} was created with another build of the Choir program`);
    expect(message).toContain(`delete ${data} (DEVNET_DATA_DIR) and run \`choir start --reset-index\``);
    // The same build still restores the chain.
    devnet = await testDevnet({ dataDir: data }, {});
    expect(devnet.ledger.chain.openSlot).toBeGreaterThan(2);
  });

  it('`choir devnet` exits 2 with that message', async () => {
    const data = await ledgerWithCommittedBuild();
    const elfPath = join(data, '..', 'other-build.so');
    writeFileSync(elfPath, otherBuild());
    const proc = runChoir(['devnet'], {
      DEVNET_DATA_DIR: data,
      DEVNET_PROGRAM_PATH: elfPath,
      DEVNET_RPC_PORT: '0',
      DEVNET_WS_PORT: '0',
      DEVNET_GEYSER_PORT: '0',
    });
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toContain('choir devnet: CONFIG_INVALID: devnet: the ledger in');
    expect(proc.output()).toContain('DEVNET_DATA_DIR');
  }, 60_000);
});
