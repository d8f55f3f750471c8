/**
 * Maps a failed transaction's error (`{ InstructionError: [i, { Custom: n }] }`, from preflight or a signature status)
 * onto the taxonomy, keeping which instruction failed so a batched transaction can blame the one item that did.
 */
import { CHOIR_PROGRAM_ERRORS, ProgramError } from '../../programs/choir/client/index.js';
import { ChoirError, type ErrorCode } from '../errors/index.js';

export interface TransactionFailure {
  /** Index of the failing instruction in the transaction, when the error names one. */
  readonly instructionIndex: number | undefined;
  /** The Choir program's custom error number, when it is one. */
  readonly programError: number | undefined;
  readonly raw: unknown;
}

export function parseTransactionError(err: unknown): TransactionFailure {
  const ix = (err as { InstructionError?: [number, unknown] } | null)?.InstructionError;
  if (!Array.isArray(ix)) return { instructionIndex: undefined, programError: undefined, raw: err };
  const inner = ix[1] as { Custom?: unknown } | string;
  const custom =
    typeof inner === 'object' && inner !== null && typeof inner.Custom === 'number' ? inner.Custom : undefined;
  return { instructionIndex: ix[0], programError: custom, raw: err };
}

/** The taxonomy's code for a program error: the ones a user can act on get their own code. */
export function codeForProgramError(programError: number | undefined): ErrorCode {
  switch (programError) {
    case ProgramError.NotCoAuthor:
      return 'NOT_CO_AUTHOR';
    case ProgramError.DuplicateContentHash:
      return 'DUPLICATE_CONTENT';
    case ProgramError.Ed25519SignerMismatch:
    case ProgramError.Ed25519MessageMismatch:
      return 'SIGNATURE_INVALID';
    case undefined:
      return 'SOLANA_TRANSACTION_FAILED';
    default:
      return 'SOLANA_PROGRAM_ERROR';
  }
}

/** A ChoirError for a failed transaction; details carry instructionIndex and the program's error name. */
export function transactionFailed(err: unknown, signature: string | undefined): ChoirError {
  const f = parseTransactionError(err);
  const info = f.programError === undefined ? undefined : CHOIR_PROGRAM_ERRORS.get(f.programError);
  // The Ed25519 precompile rejects a bad signature itself: a non-custom error on a precompile instruction.
  const code = codeForProgramError(f.programError);
  const text = info ? `${info.name}: ${info.message}` : `transaction failed: ${JSON.stringify(err)}`;
  return new ChoirError(code, text, {
    details: {
      signature,
      instructionIndex: f.instructionIndex,
      programErrorCode: f.programError,
      programErrorName: info?.name,
      err: f.raw,
    },
  });
}

/** The failing instruction's index, from a ChoirError built by `transactionFailed`. */
export function failedInstructionIndex(err: unknown): number | undefined {
  if (!(err instanceof ChoirError)) return undefined;
  const i = err.details.instructionIndex;
  return typeof i === 'number' ? i : undefined;
}
