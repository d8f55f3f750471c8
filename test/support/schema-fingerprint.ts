import pg from 'pg';

/**
 * A comparable description of a database's public schema: columns (type, nullability, normalised default),
 * indexes, primary/unique/foreign keys and enum types of the tables. CHECK constraints and views (analytics) are
 * listed separately because the Prisma schema language cannot express them.
 */
export async function schemaFingerprint(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query(`
      SELECT c.table_name || '.' || column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '')
             || CASE WHEN is_nullable = 'YES' THEN ' null' ELSE ' not null' END
             || ' default=' || CASE
                  WHEN is_identity = 'YES' OR column_default LIKE 'nextval(%' THEN 'autoincrement'
                  ELSE coalesce(column_default, '') END AS line
        FROM information_schema.columns c
        JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name <> '_prisma_migrations'
       ORDER BY 1`);
    const views = await client.query(`
      SELECT table_name AS line FROM information_schema.views WHERE table_schema = 'public' ORDER BY 1`);
    const indexes = await client.query(`
      SELECT indexdef AS line FROM pg_indexes
       WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1`);
    const keys = await client.query(`
      SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS line
        FROM pg_constraint
       WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'u', 'f')
         AND conrelid::regclass::text <> '_prisma_migrations'
       ORDER BY 1`);
    const enums = await client.query(`
      SELECT t.typname || ': ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS line
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
       WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname ORDER BY 1`);
    const checks = await client.query(`
      SELECT conrelid::regclass || ' ' || conname AS line FROM pg_constraint
       WHERE connamespace = 'public'::regnamespace AND contype = 'c' ORDER BY 1`);
    const lines = (r: pg.QueryResult<{ line: string }>) => r.rows.map((row) => row.line);
    return {
      structure: { columns: lines(columns), indexes: lines(indexes), keys: lines(keys), enums: lines(enums) },
      checks: lines(checks),
      views: lines(views),
    };
  } finally {
    await client.end();
  }
}
