/**
 * Scalars. Lamports, slots and sequences exceed 2^53, so they travel as decimal strings (`BigInt`); times are
 * ISO-8601 strings with milliseconds (`DateTime`). Both are cheap identity-ish serializers: the read layer already
 * holds decimal strings and ISO strings.
 */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const DECIMAL = /^-?\d{1,20}$/;

export const BigIntScalar = new GraphQLScalarType({
  name: 'BigInt',
  description: 'A 64-bit integer (lamports, slots, sequences) as a decimal string.',
  serialize(value) {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    if (typeof value === 'string' && DECIMAL.test(value)) return value;
    throw new GraphQLError(`BigInt cannot represent ${String(value)}`);
  },
  parseValue(value) {
    if (
      (typeof value === 'string' && DECIMAL.test(value)) ||
      (typeof value === 'number' && Number.isSafeInteger(value))
    )
      return BigInt(value);
    throw new GraphQLError('BigInt must be a decimal string or a safe integer', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  },
  parseLiteral(ast) {
    if ((ast.kind === Kind.STRING && DECIMAL.test(ast.value)) || ast.kind === Kind.INT) return BigInt(ast.value);
    throw new GraphQLError('BigInt must be a decimal string or an integer', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'A point in time, ISO-8601 in UTC with milliseconds.',
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string') return value;
    throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
  },
  parseValue(value) {
    const date = typeof value === 'string' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime()))
      throw new GraphQLError('DateTime must be an ISO-8601 string', { extensions: { code: 'BAD_USER_INPUT' } });
    return date;
  },
  parseLiteral(ast) {
    const date = ast.kind === Kind.STRING ? new Date(ast.value) : undefined;
    if (!date || Number.isNaN(date.getTime()))
      throw new GraphQLError('DateTime must be an ISO-8601 string', { extensions: { code: 'BAD_USER_INPUT' } });
    return date;
  },
});
