/**
 * One definition per table: each column's field (the in-memory row's property), its column name and its Postgres
 * type. The set-based SQL (an `unnest` upsert with its casts, the parameter arrays, a SELECT list) and the mapping of
 * pg's raw rows back to in-memory rows are derived from it, so a column is named in one place instead of four.
 * `table.test.ts` pins each definition against prisma/schema.prisma.
 *
 * In-memory rows follow what pg accepts and returns: int8 and numeric as decimal strings, int2/int4 as numbers,
 * timestamps as ISO-8601 strings (read back with `to_char`, so they survive a JSON round trip unchanged).
 */

/** Postgres types used by indexed tables (enum types by name, e.g. `commitment`). */
export type PgType = 'text' | 'bpchar' | 'int2' | 'int4' | 'int8' | 'bool' | 'timestamptz' | 'jsonb' | (string & {});

export interface ColumnDef<Row> {
  readonly field: keyof Row & string;
  readonly column: string;
  readonly type: PgType;
  /** int columns the row keeps as a decimal string (a count compared with int8 values elsewhere). */
  readonly asString?: boolean;
  /** Part of the conflict key, or written once: never overwritten by an upsert. */
  readonly keep?: boolean;
}

/** A value read alongside the table's columns but never written (e.g. `content IS NOT NULL`). */
export interface DerivedDef<Row> {
  readonly field: keyof Row & string;
  readonly column: string;
  /** SQL expression over the table's columns (unqualified). */
  readonly sql: string;
}

export interface TableDef<Row> {
  readonly name: string;
  /** Columns of the primary key, whose conflict turns an insert into an update. */
  readonly key: readonly string[];
  readonly columns: readonly ColumnDef<Row>[];
  readonly derived?: readonly DerivedDef<Row>[];
  /** Has an `updated_at` column the upsert sets to now(). */
  readonly touchesUpdatedAt?: boolean;
}

export function defineTable<Row>(def: TableDef<Row>): TableDef<Row> {
  for (const k of def.key) {
    if (!def.columns.some((c) => c.column === k)) throw new Error(`${def.name}: key column ${k} is not a column`);
  }
  return def;
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

function readExpression(c: ColumnDef<unknown>, alias: string): string {
  const ref = alias ? `${alias}.${c.column}` : c.column;
  return c.type === 'timestamptz' ? `to_char(${ref} AT TIME ZONE 'UTC', ${ISO}) AS ${c.column}` : ref;
}

/** The SELECT list of every column (timestamps as ISO strings) and derived value, optionally qualified. */
export function selectList<Row>(def: TableDef<Row>, alias = ''): string {
  const prefix = alias ? `${alias}.` : '';
  const derived = (def.derived ?? []).map((d) => `${d.sql.replace(/\$\./g, prefix)} AS ${d.column}`);
  return [...def.columns.map((c) => readExpression(c as ColumnDef<unknown>, alias)), ...derived].join(', ');
}

/**
 * `INSERT … SELECT * FROM unnest($1::t1[], …) ON CONFLICT (key) DO UPDATE SET` every column not kept; with
 * `onlyWhenChanged`, rows whose columns all equal the stored ones are left alone (no dead tuple).
 */
export function upsertSql<Row>(def: TableDef<Row>, options: { onlyWhenChanged?: boolean } = {}): string {
  const updated = def.columns.filter((c) => !c.keep && !def.key.includes(c.column));
  const set = updated.map((c) => `${c.column} = EXCLUDED.${c.column}`);
  if (def.touchesUpdatedAt) set.push('updated_at = now()');
  const where = options.onlyWhenChanged
    ? ` WHERE ${updated.map((c) => `${def.name}.${c.column} IS DISTINCT FROM EXCLUDED.${c.column}`).join(' OR ')}`
    : '';
  return `${insertSql(def)} ON CONFLICT (${def.key.join(', ')}) DO UPDATE SET ${set.join(', ')}${where}`;
}

/** The same INSERT, keeping every row already stored under its key (`ON CONFLICT DO NOTHING`). */
export function insertMissingSql<Row>(def: TableDef<Row>): string {
  return `${insertSql(def)} ON CONFLICT (${def.key.join(', ')}) DO NOTHING`;
}

function insertSql<Row>(def: TableDef<Row>): string {
  const names = def.columns.map((c) => c.column).join(', ');
  const casts = def.columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  return `INSERT INTO ${def.name} (${names}) SELECT * FROM unnest(${casts})`;
}

/** The parameter arrays of `upsertSql`, one per column, in column order (undefined becomes NULL). */
export function columnArrays<Row>(def: TableDef<Row>, rows: readonly Row[]): unknown[][] {
  return def.columns.map((c) => rows.map((r) => r[c.field] ?? null));
}

/** An in-memory row from a raw pg row selected with `selectList`. */
// biome-ignore lint/suspicious/noExplicitAny: raw rows straight from pg
export function fromRow<Row>(def: TableDef<Row>, raw: any): Row {
  const row: Record<string, unknown> = {};
  for (const c of def.columns) {
    const v = raw[c.column];
    row[c.field] = c.asString && v !== null && v !== undefined ? String(v) : v;
  }
  for (const d of def.derived ?? []) row[d.field] = raw[d.column];
  return row as Row;
}
