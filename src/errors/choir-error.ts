import { type ErrorCode, ErrorCodes } from './codes.js';
import { Categories, type Category, type Domain, type Recovery } from './taxonomy.js';

export type ErrorDetails = Record<string, unknown>;

/** The one error type choir raises on purpose. Everything else is wrapped into `INTERNAL` at a boundary. */
export class ChoirError extends Error {
  readonly code: ErrorCode;
  readonly category: Category;
  readonly domain: Domain;
  readonly retryable: boolean;
  readonly recovery: Recovery;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, options: { details?: ErrorDetails; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const spec = ErrorCodes[code];
    this.name = 'ChoirError';
    this.code = code;
    this.category = spec.category;
    this.domain = Categories[spec.category].domain;
    this.retryable = spec.retryable;
    this.recovery = 'recovery' in spec ? spec.recovery : Categories[spec.category].recovery;
    this.details = options.details ?? {};
  }

  /** Fields that are safe to show to API clients and to log. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      category: this.category,
      domain: this.domain,
      retryable: this.retryable,
      recovery: this.recovery,
      details: this.details,
    };
  }
}

export function isChoirError(err: unknown, code?: ErrorCode): err is ChoirError {
  return err instanceof ChoirError && (code === undefined || err.code === code);
}

/** Wraps anything thrown into a ChoirError, keeping ChoirErrors as they are. */
export function toChoirError(err: unknown, fallback: ErrorCode = 'INTERNAL'): ChoirError {
  if (err instanceof ChoirError) return err;
  const fromClient = fromProgramClientError(err);
  if (fromClient) return fromClient;
  const message = err instanceof Error ? err.message : String(err);
  return new ChoirError(fallback, message, { cause: err });
}

export function isRetryable(err: unknown): boolean {
  return err instanceof ChoirError && err.retryable;
}

/**
 * The Choir program client (programs/choir/client) ships without the app, so it raises its own
 * ProgramClientError; its codes are the app's codes for the same failures (SOLANA_ACCOUNT_MALFORMED,
 * SOLANA_INSTRUCTION_MALFORMED, SOLANA_PROGRAM_ERROR). Recognised by shape, so this module does not import the
 * client. Undefined for anything else.
 */
export function fromProgramClientError(err: unknown): ChoirError | undefined {
  if (!(err instanceof Error) || err.name !== 'ProgramClientError') return undefined;
  const { code, details } = err as Error & { code?: unknown; details?: unknown };
  if (code !== 'SOLANA_ACCOUNT_MALFORMED' && code !== 'SOLANA_INSTRUCTION_MALFORMED' && code !== 'SOLANA_PROGRAM_ERROR')
    return undefined;
  const safeDetails = details && typeof details === 'object' ? (details as ErrorDetails) : {};
  return new ChoirError(code, err.message, { details: safeDetails, cause: err });
}
