/** Reads docs/analytics.md: the columns it documents per table and view, and its example queries. */
import { readFileSync } from 'node:fs';

const doc = () => readFileSync('docs/analytics.md', 'utf8');

/**
 * Columns documented per relation: a `### \`name\`` heading (or a `\`name\` — …:` line for the credential tables
 * grouped under one heading) followed by a `| Column | Type | Meaning |` table whose rows start with `| \`col\` |`.
 */
export function documentedColumns(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string | undefined;
  for (const line of doc().split('\n')) {
    const heading = line.match(/^### `(\w+)`/) ?? line.match(/^`(\w+)` — /);
    if (heading) {
      current = heading[1];
      out.set(current as string, []);
      continue;
    }
    if (line.startsWith('## ')) current = undefined;
    const column = line.match(/^\| `(\w+)` \|/);
    if (current && column) out.get(current)?.push(column[1] as string);
  }
  return out;
}

export interface ExampleQuery {
  title: string;
  sql: string;
  params: string[];
  columns: { name: string; type: string }[];
}

/** The numbered queries under "## Example queries", with their `-- params:` and `-- columns:` lines. */
export function exampleQueries(): ExampleQuery[] {
  const section = doc().split('## Example queries')[1] ?? '';
  const out: ExampleQuery[] = [];
  for (const match of section.matchAll(/^### (\d+\. .+)\n\n```sql\n([\s\S]*?)```/gm)) {
    const sql = match[2] as string;
    const params =
      sql
        .match(/^-- params: (.+)$/m)?.[1]
        ?.split(',')
        .map((p) => p.trim()) ?? [];
    const columns = (sql.match(/^-- columns: (.+)$/m)?.[1] ?? '').split(',').map((c) => {
      const [name, ...type] = c.trim().split(' ');
      return { name: name as string, type: type.join(' ') };
    });
    out.push({ title: match[1] as string, sql, params, columns });
  }
  return out;
}
