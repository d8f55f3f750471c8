export {
  ChoirError,
  type ErrorDetails,
  fromProgramClientError,
  isChoirError,
  isRetryable,
  toChoirError,
} from './choir-error.js';
export { type CodeSpec, type ErrorCode, ErrorCodes } from './codes.js';
export { backoffDelay, defaultRetryPolicy, type RetryPolicy, sleep, withRetry } from './retry.js';
export { Categories, type Category, Domain, Recovery } from './taxonomy.js';
export { type Endpoint, type NetworkFailure, naming, networkFailure, unreachable } from './unreachable.js';
