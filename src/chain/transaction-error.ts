/**
 * Maps a failed transaction's error (`{ InstructionError: [i, { Custom: n }] }`, from preflight or a signature status)
 * onto the taxonomy, keeping which instruction failed so a batched transaction can blame the one item that did.
 */
import { CHOIR_PROGRAM_ERRORS, CHOIR_PROGRAM_ID, ProgramError } from '../../programs/choir/client/index.js';
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

/** The Ed25519 signature-verification precompile: relayed actions carry their user's signature in it. */
export const ED25519_PROGRAM_ID = 'Ed25519SigVerify111111111111111111111111111';

/**
 * A ChoirError for a failed transaction; details carry instructionIndex and the program's error name.
 * `programs` (the program id of each instruction, in order) says whose error a `Custom(n)` is: only the Choir
 * program's are read through its error table. The Ed25519 precompile reports a forged or mismatched signature as
 * `Custom(0..4)` on its own instruction — that is SIGNATURE_INVALID, not Choir error 2 (MissingRequiredSignature).
 * Without `programs` every custom error is taken as the Choir program's.
 */
export function transactionFailed(
  err: unknown,
  signature: string | undefined,
  programs?: readonly string[],
): ChoirError {
  const f = parseTransactionError(err);
  const program = f.instructionIndex === undefined ? undefined : programs?.[f.instructionIndex];
  if (program === ED25519_PROGRAM_ID) {
    return new ChoirError(
      'SIGNATURE_INVALID',
      'the Ed25519 precompile rejected a signature (forged or for other data)',
      {
        details: { signature, instructionIndex: f.instructionIndex, precompileError: f.programError, err: f.raw },
      },
    );
  }
  const choirError = programs === undefined || program === CHOIR_PROGRAM_ID.toBase58() ? f.programError : undefined;
  const info = choirError === undefined ? undefined : CHOIR_PROGRAM_ERRORS.get(choirError);
  const code = codeForProgramError(choirError);
  const text = info ? `${info.name}: ${info.message}` : `transaction failed: ${JSON.stringify(err)}`;
  return new ChoirError(code, text, {
    details: {
      signature,
      instructionIndex: f.instructionIndex,
      programErrorCode: choirError,
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
