import type { FailedTransactionMetadata } from 'litesvm';

/**
 * A transaction error in the two shapes clients see: the JSON form of RPC (`"AccountNotFound"`,
 * `{"InstructionError":[0,{"Custom":1}]}`) and the bincode bytes that Geyser puts in `meta.err.err`.
 */
export type TransactionErrorJson = string | Record<string, unknown>;

// Names in LiteSVM's fieldless enums, in their numeric order.
const TX_FIELDLESS = [
  'AccountInUse', 'AccountLoadedTwice', 'AccountNotFound', 'ProgramAccountNotFound', 'InsufficientFundsForFee',
  'InvalidAccountForFee', 'AlreadyProcessed', 'BlockhashNotFound', 'CallChainTooDeep', 'MissingSignatureForFee',
  'InvalidAccountIndex', 'SignatureFailure', 'InvalidProgramForExecution', 'SanitizeFailure', 'ClusterMaintenance',
  'AccountBorrowOutstanding', 'WouldExceedMaxBlockCostLimit', 'UnsupportedVersion', 'InvalidWritableAccount',
  'WouldExceedMaxAccountCostLimit', 'WouldExceedAccountDataBlockLimit', 'TooManyAccountLocks',
  'AddressLookupTableNotFound', 'InvalidAddressLookupTableOwner', 'InvalidAddressLookupTableData',
  'InvalidAddressLookupTableIndex', 'InvalidRentPayingAccount', 'WouldExceedMaxVoteCostLimit',
  'WouldExceedAccountDataTotalLimit', 'MaxLoadedAccountsDataSizeExceeded', 'ResanitizationNeeded',
  'InvalidLoadedAccountsDataSizeLimit', 'UnbalancedTransaction', 'ProgramCacheHitMaxLimit', 'CommitCancelled',
] as const; // biome-ignore format: a table

const IX_FIELDLESS = [
  'GenericError', 'InvalidArgument', 'InvalidInstructionData', 'InvalidAccountData', 'AccountDataTooSmall',
  'InsufficientFunds', 'IncorrectProgramId', 'MissingRequiredSignature', 'AccountAlreadyInitialized',
  'UninitializedAccount', 'UnbalancedInstruction', 'ModifiedProgramId', 'ExternalAccountLamportSpend',
  'ExternalAccountDataModified', 'ReadonlyLamportChange', 'ReadonlyDataModified', 'DuplicateAccountIndex',
  'ExecutableModified', 'RentEpochModified', 'NotEnoughAccountKeys', 'AccountDataSizeChanged', 'AccountNotExecutable',
  'AccountBorrowFailed', 'AccountBorrowOutstanding', 'DuplicateAccountOutOfSync', 'InvalidError',
  'ExecutableDataModified', 'ExecutableLamportChange', 'ExecutableAccountNotRentExempt', 'UnsupportedProgramId',
  'CallDepth', 'MissingAccount', 'ReentrancyNotAllowed', 'MaxSeedLengthExceeded', 'InvalidSeeds', 'InvalidRealloc',
  'ComputationalBudgetExceeded', 'PrivilegeEscalation', 'ProgramEnvironmentSetupFailure', 'ProgramFailedToComplete',
  'ProgramFailedToCompile', 'Immutable', 'IncorrectAuthority', 'AccountNotRentExempt', 'InvalidAccountOwner',
  'ArithmeticOverflow', 'UnsupportedSysvar', 'IllegalOwner', 'MaxAccountsDataAllocationsExceeded',
  'MaxAccountsExceeded', 'MaxInstructionTraceLengthExceeded', 'BuiltinProgramsMustConsumeComputeUnits', 'BorshIoError',
] as const; // biome-ignore format: a table

// Variant indexes of Agave's `TransactionError` (bincode), by name.
const TX_VARIANT: Record<string, number> = {
  AccountInUse: 0, AccountLoadedTwice: 1, AccountNotFound: 2, ProgramAccountNotFound: 3,
  InsufficientFundsForFee: 4, InvalidAccountForFee: 5, AlreadyProcessed: 6, BlockhashNotFound: 7,
  InstructionError: 8, CallChainTooDeep: 9, MissingSignatureForFee: 10, InvalidAccountIndex: 11,
  SignatureFailure: 12, InvalidProgramForExecution: 13, SanitizeFailure: 14, ClusterMaintenance: 15,
  AccountBorrowOutstanding: 16, WouldExceedMaxBlockCostLimit: 17, UnsupportedVersion: 18, InvalidWritableAccount: 19,
  WouldExceedMaxAccountCostLimit: 20, WouldExceedAccountDataBlockLimit: 21, TooManyAccountLocks: 22,
  AddressLookupTableNotFound: 23, InvalidAddressLookupTableOwner: 24, InvalidAddressLookupTableData: 25,
  InvalidAddressLookupTableIndex: 26, InvalidRentPayingAccount: 27, WouldExceedMaxVoteCostLimit: 28,
  WouldExceedAccountDataTotalLimit: 29, DuplicateInstruction: 30, InsufficientFundsForRent: 31,
  MaxLoadedAccountsDataSizeExceeded: 32, InvalidLoadedAccountsDataSizeLimit: 33, ResanitizationNeeded: 34,
  ProgramExecutionTemporarilyRestricted: 35, UnbalancedTransaction: 36, ProgramCacheHitMaxLimit: 37,
  CommitCancelled: 38,
}; // biome-ignore format: a table

/** The error of a failed LiteSVM transaction as RPC JSON. */
export function transactionErrorJson(failed: FailedTransactionMetadata): TransactionErrorJson {
  const err = failed.err() as unknown;
  if (typeof err === 'number') return TX_FIELDLESS[err] ?? 'InvalidError';
  const o = err as { constructor: { name: string }; index?: number; accountIndex?: number; err?: () => unknown };
  switch (o.constructor.name) {
    case 'TransactionErrorInstructionError': {
      const inner = o.err!() as unknown;
      let ix: TransactionErrorJson;
      if (typeof inner === 'number') ix = IX_FIELDLESS[inner] ?? 'GenericError';
      else if (inner && typeof inner === 'object' && 'code' in inner) ix = { Custom: (inner as { code: number }).code };
      else ix = 'BorshIoError';
      return { InstructionError: [o.index ?? 0, ix] };
    }
    case 'TransactionErrorDuplicateInstruction':
      return { DuplicateInstruction: o.index ?? 0 };
    case 'TransactionErrorInsufficientFundsForRent':
      return { InsufficientFundsForRent: { account_index: o.accountIndex ?? 0 } };
    case 'TransactionErrorProgramExecutionTemporarilyRestricted':
      return { ProgramExecutionTemporarilyRestricted: { account_index: o.accountIndex ?? 0 } };
    default:
      return String(err);
  }
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

/** Bincode of Agave's `TransactionError`, as Yellowstone sends it in `TransactionStatusMeta.err`. */
export function transactionErrorBincode(err: TransactionErrorJson): Uint8Array {
  if (typeof err === 'string') return Uint8Array.from(u32(TX_VARIANT[err] ?? 0));
  const [name, value] = Object.entries(err)[0] ?? ['InvalidAccountIndex', undefined];
  const variant = TX_VARIANT[name] ?? 0;
  if (name === 'InstructionError') {
    const [index, ix] = value as [number, TransactionErrorJson];
    const out = [...u32(variant), index & 0xff];
    if (typeof ix === 'string') {
      const i = IX_FIELDLESS.indexOf(ix as (typeof IX_FIELDLESS)[number]);
      // `Custom(u32)` sits at variant 25 in Agave's enum, so fieldless variants from there on shift by one.
      out.push(...u32(i >= 25 ? i + 1 : Math.max(i, 0)));
    } else {
      out.push(...u32(25), ...u32((ix as { Custom: number }).Custom));
    }
    return Uint8Array.from(out);
  }
  if (name === 'DuplicateInstruction') return Uint8Array.from([...u32(variant), (value as number) & 0xff]);
  const accountIndex = (value as { account_index?: number } | undefined)?.account_index ?? 0;
  return Uint8Array.from([...u32(variant), accountIndex & 0xff]);
}
