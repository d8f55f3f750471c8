/** A forward page of a keyset-ordered list, and the lazily counted total (only paid for when asked). */
export interface Page<T> {
  readonly items: readonly T[];
  /** The cursor of `items[index]`, encoded on demand: pages whose edges are not selected never encode one. */
  readonly cursorAt: (index: number) => string;
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly count: () => Promise<number>;
}

/** `rows` were fetched with LIMIT first + 1: the extra row only tells whether there is a next page. */
export function toPage<T>(
  rows: readonly T[],
  first: number,
  after: string | null | undefined,
  cursorOf: (item: T) => string,
  count: () => Promise<number>,
): Page<T> {
  const items = rows.length > first ? rows.slice(0, first) : rows;
  let counted: Promise<number> | undefined;
  return {
    items,
    cursorAt: (index) => cursorOf(items[index] as T),
    hasNextPage: rows.length > first,
    hasPreviousPage: after !== null && after !== undefined,
    // Memoised: `totalCount` asked twice (aliases) is counted once.
    count: () => {
      counted ??= count();
      return counted;
    },
  };
}
