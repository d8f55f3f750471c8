// The program's custom error codes (programs/choir/src/errors.h), surfaced by the runtime as `Custom(n)`.
import { ProgramClientError } from './client-error.js';

export interface ProgramErrorInfo {
  readonly code: number;
  readonly name: string;
  readonly message: string;
}

const TABLE = [
  [1, 'InvalidInstructionData', 'Instruction data is empty, has an unknown tag or the wrong length'],
  [2, 'NotEnoughAccounts', 'The instruction lists fewer accounts than it needs'],
  [3, 'MissingRequiredSignature', 'An account that must sign the transaction did not'],
  [4, 'AccountNotWritable', 'An account the instruction modifies is not writable'],
  [5, 'InvalidAccountOwner', 'A thread or message account is not owned by the Choir program'],
  [6, 'InvalidPda', 'An account is not at the program-derived address its seeds give'],
  [7, 'InvalidAccountData', 'Account data has the wrong size, version or kind'],
  [8, 'InvalidSystemProgram', 'The System program account is not the System program'],
  [9, 'InvalidInstructionsSysvar', 'The Instructions sysvar account is missing or malformed'],
  [10, 'AccountAlreadyInitialized', 'The account to create already exists'],
  [11, 'InvalidCoAuthorCount', 'A thread needs 1 to 10 co-authors'],
  [12, 'CreatorNotFirstCoAuthor', 'The first co-author must be the creator'],
  [13, 'DuplicateCoAuthor', 'A key appears twice in the co-author list'],
  [14, 'InvalidSpecLifetime', 'The spec lifetime is negative or longer than 100 years'],
  [15, 'NotCoAuthor', 'The author, voter or divester is not a co-author of the thread'],
  [16, 'CoAuthorCannotSubmitSpec', 'Co-authors publish messages directly; only others submit specs'],
  [17, 'StakeBelowMinimum', "The stake is below the thread's minimum"],
  [18, 'DuplicateContentHash', 'This content hash is already in the thread'],
  [19, 'ThreadFull', 'The thread already has 10 co-authors'],
  [20, 'NotASpec', 'The message is not a spec'],
  [21, 'SpecNotPending', 'The spec was already approved, rejected or expired'],
  [22, 'AlreadyVoted', 'This co-author already voted on the spec'],
  [23, 'SpecExpired', 'The spec expired; it can no longer be voted on'],
  [24, 'SpecNotExpired', 'The spec has not expired yet'],
  [25, 'ContentHashMismatch', "The content hash in the data is not the message's"],
  [26, 'MessageThreadMismatch', 'The message belongs to another thread'],
  [27, 'MissingCoAuthorAccounts', 'The approving vote must list every co-author, in order and writable'],
  [28, 'NothingToDivest', "The thread's balance above rent gives each co-author nothing"],
  [29, 'ArithmeticOverflow', 'A counter, balance or time would overflow'],
  [30, 'MissingEd25519Instruction', 'Relayed call without an Ed25519 instruction right before it'],
  [31, 'InvalidEd25519Instruction', 'The Ed25519 instruction must hold one signature with all data inline'],
  [32, 'Ed25519SignerMismatch', 'The Ed25519 signature is by another key than the authority'],
  [33, 'Ed25519MessageMismatch', 'The Ed25519 signature is over another message than the canonical one'],
  [34, 'InsufficientFunds', 'Not enough lamports for the stake plus rent'],
  [35, 'UnsupportedRent', 'The Rent sysvar has an exemption threshold the program cannot use'],
  [36, 'RecipientNotRentExempt', 'The divesting account would not be rent-exempt after receiving its share'],
  [37, 'SyscallFailed', 'A runtime syscall failed'],
] as const;

export type ProgramErrorName = (typeof TABLE)[number][1];

export const CHOIR_PROGRAM_ERRORS: ReadonlyMap<number, ProgramErrorInfo> = new Map(
  TABLE.map(([code, name, message]) => [code, { code, name, message }]),
);

/** Error number by name, e.g. ProgramError.ThreadFull === 19. */
export const ProgramError = Object.fromEntries(TABLE.map(([code, name]) => [name, code])) as {
  readonly [K in ProgramErrorName]: number;
};

function fromText(text: string): number | undefined {
  const custom = /Custom\((\d+)\)/.exec(text) ?? /"Custom"\s*:\s*(\d+)/.exec(text);
  if (custom?.[1]) return Number(custom[1]);
  const hex = /custom program error: 0x([0-9a-f]+)/i.exec(text);
  return hex?.[1] ? Number.parseInt(hex[1], 16) : undefined;
}

/**
 * The custom error number inside a LiteSVM failure (FailedTransactionMetadata or its err()), an RPC error
 * object ({ InstructionError: [i, { Custom: n }] }), a web3.js SendTransactionError or any text holding
 * "Custom(n)" / "custom program error: 0x..". Undefined when there is none.
 */
export function parseProgramErrorCode(error: unknown): number | undefined {
  try {
    if (error === null || error === undefined) return undefined;
    if (typeof error === 'string') return fromText(error);
    if (typeof error === 'number') return undefined;
    if (typeof error === 'object') {
      const o = error as Record<string, unknown>;
      if (typeof o.code === 'number' && /Custom/.test(String(error))) return o.code;
      if (typeof o.err === 'function') {
        const inner = parseProgramErrorCode((o.err as () => unknown).call(error));
        if (inner !== undefined) return inner;
      }
      const text = error instanceof Error ? `${error.message} ${JSON.stringify(o.logs ?? '')}` : String(error);
      const found = fromText(text);
      if (found !== undefined) return found;
      return fromText(JSON.stringify(error, (_, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? '');
    }
    return undefined;
  } catch {
    return undefined;
  }
}

export function programErrorInfo(code: number): ProgramErrorInfo | undefined {
  return CHOIR_PROGRAM_ERRORS.get(code);
}

/**
 * A ProgramClientError (SOLANA_PROGRAM_ERROR) naming the program error inside `error`, or undefined if there is
 * none. The app turns it into its ChoirError with `toChoirError`.
 */
export function toProgramError(error: unknown): ProgramClientError | undefined {
  const code = parseProgramErrorCode(error);
  if (code === undefined) return undefined;
  const info = CHOIR_PROGRAM_ERRORS.get(code);
  return new ProgramClientError(
    'SOLANA_PROGRAM_ERROR',
    info ? `${info.name}: ${info.message}` : `program error ${code}`,
    {
      details: { programErrorCode: code, programErrorName: info?.name ?? 'Unknown' },
      cause: error,
    },
  );
}
