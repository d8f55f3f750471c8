const BIGINT_MARK = '__devnet_u64__';
const BIGINT_PATTERN = new RegExp(`"${BIGINT_MARK}(\\d+)"`, 'g');

/**
 * JSON with u64 values (lamports, rent epochs, write versions) written as exact integer literals, as validators
 * write them; plain JSON.stringify cannot represent bigints.
 */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? `${BIGINT_MARK}${v}` : v)).replace(
    BIGINT_PATTERN,
    '$1',
  );
}
