import { describe, expect, it } from 'vitest';
import { ProgramError } from '../../programs/choir/client/index.js';
import { failedInstructionIndex, transactionFailed } from './transaction-error.js';

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
