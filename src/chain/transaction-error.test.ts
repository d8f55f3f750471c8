import { describe, expect, it } from 'vitest';
import { CHOIR_PROGRAM_ID, ProgramError } from '../../programs/choir/client/index.js';
import { ED25519_PROGRAM_ID, failedInstructionIndex, transactionFailed } from './transaction-error.js';

describe('transactionFailed', () => {
  it('maps program errors a user can act on to their own codes, keeping the instruction', () => {
    const err = transactionFailed({ InstructionError: [3, { Custom: ProgramError.NotCoAuthor }] }, 'sig');
    expect(err.code).toBe('NOT_CO_AUTHOR');
    expect(failedInstructionIndex(err)).toBe(3);
    expect(transactionFailed({ InstructionError: [1, { Custom: ProgramError.DuplicateContentHash }] }, 's').code).toBe(
      'DUPLICATE_CONTENT',
    );
    expect(transactionFailed({ InstructionError: [1, { Custom: ProgramError.ThreadFull }] }, 's').code).toBe(
      'SOLANA_PROGRAM_ERROR',
    );
  });

  it('keeps non-program failures apart', () => {
    const err = transactionFailed({ InstructionError: [0, 'InvalidAccountData'] }, 's');
    expect(err.code).toBe('SOLANA_TRANSACTION_FAILED');
    expect(err.retryable).toBe(false);
    expect(failedInstructionIndex(transactionFailed('InsufficientFundsForFee', 's'))).toBeUndefined();
  });
});

describe('transactionFailed with the instructions program ids', () => {
  const choir = CHOIR_PROGRAM_ID.toBase58();
  it('reads a custom error on the Ed25519 precompile as a bad signature, not as a Choir error', () => {
    // A forged relayed signature: the precompile (instruction 0) fails with Custom(2) — Choir's 2 would be
    // MissingRequiredSignature.
    const err = transactionFailed({ InstructionError: [0, { Custom: 2 }] }, 's', [ED25519_PROGRAM_ID, choir]);
    expect(err.code).toBe('SIGNATURE_INVALID');
    expect(err.details.programErrorName).toBeUndefined();
    expect(failedInstructionIndex(err)).toBe(0);
  });

  it('still maps the Choir program own custom errors, and ignores other programs custom errors', () => {
    const programs = [ED25519_PROGRAM_ID, choir, 'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo'];
    expect(transactionFailed({ InstructionError: [1, { Custom: ProgramError.NotCoAuthor }] }, 's', programs).code).toBe(
      'NOT_CO_AUTHOR',
    );
    const other = transactionFailed({ InstructionError: [2, { Custom: ProgramError.NotCoAuthor }] }, 's', programs);
    expect(other.code).toBe('SOLANA_TRANSACTION_FAILED');
    expect(other.details.programErrorCode).toBeUndefined();
  });
});
