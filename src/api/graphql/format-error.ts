import type { GraphQLFormattedError } from 'graphql';
import { ChoirError, toChoirError } from '../../errors/index.js';

/**
 * Every GraphQL error leaves with a stable `extensions.code` from the taxonomy (plus category, retryable and the
 * recovery strategy) so clients can branch on it. Errors GraphQL itself raises (parse, validation) keep their
 * standard codes; anything unexpected becomes INTERNAL without leaking its message.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = (error as { originalError?: unknown })?.originalError;
  if (original instanceof ChoirError) {
    return { ...formatted, message: original.message, extensions: taxonomyExtensions(original) };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return formatted;
  const internal = toChoirError(original ?? error);
  return {
    message: 'internal error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: taxonomyExtensions(new ChoirError('INTERNAL', 'internal error', { cause: internal })),
  };
}

function taxonomyExtensions(err: ChoirError) {
  return {
    code: err.code,
    category: err.category,
    domain: err.domain,
    retryable: err.retryable,
    recovery: err.recovery,
    ...(Object.keys(err.details).length ? { details: err.details } : {}),
  };
}
