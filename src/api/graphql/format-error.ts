import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ChoirError, toChoirError } from '../../errors/index.js';

/**
 * Every GraphQL error leaves with a stable `extensions.code` from the taxonomy (plus category, retryable and the
 * recovery strategy) so clients can branch on it. Errors GraphQL itself raises (parse, validation) keep their
 * standard codes; anything unexpected becomes INTERNAL without leaking its message. A stack trace leaves only when
 * the server put one there, which it does only with NODE_ENV=development.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const stacktrace = formatted.extensions?.stacktrace;
  const withStack = (ext: Record<string, unknown>) => (stacktrace === undefined ? ext : { ...ext, stacktrace });
  const original = (error as { originalError?: unknown })?.originalError;
  if (original instanceof ChoirError) {
    return { ...formatted, message: original.message, extensions: withStack(taxonomyExtensions(original)) };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return formatted;
  const internal = toChoirError(original ?? error);
  return {
    message: 'internal error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: withStack(taxonomyExtensions(new ChoirError('INTERNAL', 'internal error', { cause: internal }))),
  };
}

/** graphql-ws errors bypass Apollo: the same formatting, with the stack only in development. */
export function formatWsError(error: GraphQLError, development: boolean): GraphQLFormattedError {
  const formatted = error.toJSON();
  const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
  // graphql-js's own request errors (variable coercion) carry no code; Apollo calls them BAD_USER_INPUT.
  if (!error.originalError && extensions.code === undefined && /^Variable "\$/.test(error.message)) {
    extensions.code = 'BAD_USER_INPUT';
  }
  const stack = (error.originalError ?? error).stack;
  return formatError(
    {
      ...formatted,
      extensions: development && stack ? { ...extensions, stacktrace: stack.split('\n') } : extensions,
    },
    error,
  );
}

export function taxonomyExtensions(err: ChoirError) {
  return {
    code: err.code,
    category: err.category,
    domain: err.domain,
    retryable: err.retryable,
    recovery: err.recovery,
    ...(Object.keys(err.details).length ? { details: err.details } : {}),
  };
}
