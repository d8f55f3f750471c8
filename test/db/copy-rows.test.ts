import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyChunk, copyRows, copyText } from '../../src/db/copy-rows.js';
import { useMigratedPool } from '../support/migrated-pool.js';

describe('copyText / copyChunk', () => {
  it('escapes exactly the characters COPY text format gives a meaning to', () => {
    expect(copyText('plain €')).toBe('plain €');
    expect(copyText('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyText(null)).toBe('\\N');
    expect(copyText('\\N')).toBe('\\\\N'); // the text "\N" is not NULL
    expect(copyText(12n)).toBe('12');
    expect(copyText(false)).toBe('false');
    expect(
      copyChunk([
        ['x', 1],
        [null, 'y\tz'],
      ]),
    ).toBe('x\t1\n\\N\ty\\tz\n');
  });
});

describe('copyRows on the real Postgres', () => {
  const { pool } = useMigratedPool({ max: 2 });
  beforeAll(async () => {
    await pool.query('CREATE TABLE copy_probe (id int PRIMARY KEY, note text, doc jsonb, n int8)');
  });
  afterAll(async () => {
    await pool.query('DROP TABLE IF EXISTS copy_probe');
  });

  it('stores every value as given: awkward text, JSON with escapes, NULLs, big integers', async () => {
    const awkward = 'tab\there\nnewline \\ backslash \\N carriage\r "quotes" ünïcödé 🎵';
    const doc = { text: awkward, nested: { list: [1, 'two', null] } };
    const client = await pool.connect();
    await copyRows(
      client,
      'copy_probe',
      ['id', 'note', 'doc', 'n'],
      [
        [1, awkward, JSON.stringify(doc), 9_007_199_254_740_993n],
        [2, null, null, null],
        [3, '\\N', '{}', -1],
      ],
    ).finally(() => client.release());
    const { rows } = await pool.query('SELECT id, note, doc, n::text FROM copy_probe ORDER BY id');
    expect(rows).toEqual([
      { id: 1, note: awkward, doc, n: '9007199254740993' },
      { id: 2, note: null, doc: null, n: null },
      { id: 3, note: '\\N', doc: {}, n: '-1' },
    ]);
  });

  it('is all or nothing: one bad row fails the copy and stores none', async () => {
    const client = await pool.connect();
    await expect(
      copyRows(
        client,
        'copy_probe',
        ['id', 'note'],
        [
          [10, 'fine'],
          [11, 'also fine'],
          [10, 'duplicate key'],
        ],
      ),
    ).rejects.toThrow(/duplicate key/);
    client.release();
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM copy_probe WHERE id >= 10');
    expect(rows[0].n).toBe(0);
  });
});
