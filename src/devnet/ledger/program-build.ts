import { ChoirError } from '../../errors/index.js';
import type { GenesisInfo } from './journal.js';

/**
 * A persisted ledger holds the accounts and transactions of the program build it was created with (genesis.json
 * records its sha256). Restoring it under another build would hand that build accounts in a layout it may not
 * read (a Choir thread's layout changed with the divest accounting) and replay history it never ran, silently. So a
 * different build stops the start, saying how to reset: the chain and the index go together.
 */
export function assertSameProgramBuild(
  info: GenesisInfo,
  program: { readonly programId: string; readonly sha256: string },
  dataDir: string,
): void {
  if (info.programSha256 === program.sha256) return;
  const recorded = info.programSha256 === null ? 'no program' : `program sha256 ${info.programSha256}`;
  throw new ChoirError(
    'CONFIG_INVALID',
    `devnet: the ledger in ${dataDir} was created with another build of the Choir program (${recorded}; this build ` +
      `${program.sha256}), so its accounts and history are not replayed through this one. To start a fresh chain ` +
      `with this build, delete ${dataDir} (DEVNET_DATA_DIR) and run \`choir start --reset-index\` so the index is ` +
      'rebuilt from the new chain; or point DEVNET_DATA_DIR at another folder, or DEVNET_PROGRAM_PATH at the old build.',
    {
      details: {
        variable: 'DEVNET_DATA_DIR',
        dataDir,
        programId: program.programId,
        ledgerProgramSha256: info.programSha256,
        programSha256: program.sha256,
      },
    },
  );
}
