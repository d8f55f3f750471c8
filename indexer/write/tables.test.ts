// Each table definition the indexer derives its SQL from is pinned against prisma/schema.prisma (the schema the
// migrations are checked against): every defined column exists there with the same Postgres type, and every column
// of the model is either defined or named here as one the indexer leaves to the database or the backend.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TableDef } from '../../src/db/table.js';
import { CO_AUTHORS, MESSAGES, THREADS, VOTES } from './tables.js';

const SCHEMA = readFileSync(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8');

/** Enum name → its @@map name. */
const ENUMS = new Map(
  [...SCHEMA.matchAll(/^enum (\w+) \{[\s\S]*?@@map\("(\w+)"\)/gm)].map((m) => [m[1] as string, m[2] as string]),
);

/** The columns of the model mapped to `table`, with the Postgres type each gets. */
function prismaColumns(table: string): Map<string, string> {
  const model = [...SCHEMA.matchAll(/^model \w+ \{([\s\S]*?)^\}/gm)].find((m) =>
    (m[1] as string).includes(`@@map("${table}")`),
  );
  if (!model) throw new Error(`no model maps to ${table}`);
  const columns = new Map<string, string>();
  for (const line of (model[1] as string).split('\n')) {
    const field = line.match(/^\s+(\w+)\s+(\w+)(\??)(\s|$)/);
    if (!field) continue;
    const [, name, type] = field as unknown as [string, string, string];
    if (
      /^[A-Z]/.test(type) &&
      !ENUMS.has(type) &&
      !['String', 'Int', 'BigInt', 'Boolean', 'DateTime', 'Json'].includes(type)
    )
      continue; // a relation
    const column = line.match(/@map\("(\w+)"\)/)?.[1] ?? name;
    const db = line.match(/@db\.(\w+)/)?.[1];
    const pgType =
      ENUMS.get(type) ??
      (db === 'Char'
        ? 'bpchar'
        : db === 'SmallInt'
          ? 'int2'
          : db === 'JsonB'
            ? 'jsonb'
            : ({ String: 'text', Int: 'int4', BigInt: 'int8', Boolean: 'bool', DateTime: 'timestamptz', Json: 'jsonb' }[
                type
              ] as string));
    columns.set(column, pgType);
  }
  return columns;
}

const LEFT_ALONE: Record<string, string[]> = {
  threads: ['title', 'created_at', 'updated_at'],
  thread_co_authors: ['created_at'],
  messages: ['content', 'last_error', 'created_at', 'updated_at'],
  votes: ['created_at'],
};

describe('indexer table definitions match prisma/schema.prisma', () => {
  for (const def of [THREADS, CO_AUTHORS, MESSAGES, VOTES] as TableDef<unknown>[]) {
    it(def.name, () => {
      const prisma = prismaColumns(def.name);
      const defined = new Map(def.columns.map((c) => [c.column, c.type]));
      expect(defined).toEqual(new Map([...prisma].filter(([c]) => !LEFT_ALONE[def.name]?.includes(c))));
      for (const c of LEFT_ALONE[def.name] ?? []) expect(prisma.has(c)).toBe(true);
    });
  }

  it('reads a type mismatch as a failure (the parser sees the types)', () => {
    expect(prismaColumns('messages').get('content_hash')).toBe('bpchar');
    expect(prismaColumns('messages').get('approvals')).toBe('int2');
    expect(prismaColumns('messages').get('status')).toBe('message_status');
    expect(prismaColumns('votes').has('message')).toBe(false);
  });
});
