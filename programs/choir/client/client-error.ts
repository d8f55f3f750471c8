// The program client's own error type, so the client can ship without the app. Its codes are the app's codes for
// the same failures (src/errors/codes.ts), so `toChoirError` in the app maps them one to one.

export type ProgramClientErrorCode =
  | 'SOLANA_ACCOUNT_MALFORMED'
  | 'SOLANA_INSTRUCTION_MALFORMED'
  | 'SOLANA_PROGRAM_ERROR';

export const PROGRAM_CLIENT_ERROR_CODES: readonly ProgramClientErrorCode[] = [
  'SOLANA_ACCOUNT_MALFORMED',
  'SOLANA_INSTRUCTION_MALFORMED',
  'SOLANA_PROGRAM_ERROR',
];

export class ProgramClientError extends Error {
  readonly code: ProgramClientErrorCode;
  readonly details: Record<string, unknown>;

  constructor(
    code: ProgramClientErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProgramClientError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isProgramClientError(err: unknown, code?: ProgramClientErrorCode): err is ProgramClientError {
  return err instanceof ProgramClientError && (code === undefined || err.code === code);
}
