/**
 * Every list query the API runs, EXPLAINed against a seeded database: none may read `messages` or `events` with a
 * sequential scan (a page must be an index range read however large the tables grow). The read functions run with
 * a SQL executor that EXPLAINs instead of executing, so the statements checked are exactly the ones served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor, eventCursor } from '../../src/api/graphql/read/cursor.js';
import { eventPage, eventPagesByThread, eventsAfter } from '../../src/api/graphql/read/events.js';
import {
  messagePage,
  messagePagesByThread,
  messagesByAddress,
  messagesByHash,
} from '../../src/api/graphql/read/messages.js';
import { type Sql, statementText } from '../../src/api/graphql/read/records.js';
import { coAuthorsByThread, threadPage, threadsWithRelations } from '../../src/api/graphql/read/threads.js';
import { votesByMessage } from '../../src/api/graphql/read/votes.js';
import { useMigratedPool } from '../support/migrated-pool.js';
import { type SeededThread, seedThreads } from './seed.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function seqScans(node: PlanNode, out: string[] = []): string[] {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) out.push(node['Relation Name']);
  for (const child of node.Plans ?? []) seqScans(child, out);
  return out;
}

describe('EXPLAIN of every list query', () => {
  const db = useMigratedPool({ max: 4 });
  let threads: SeededThread[];
  const plans: { sql: string; scans: string[] }[] = [];
  const explain: Sql = {
    async query(statement, values) {
      const text = statementText(statement);
      const { rows } = await db.pool.query(`EXPLAIN (FORMAT JSON) ${text}`, values as unknown[]);
      const plan = (rows[0] as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0]?.Plan as PlanNode;
      plans.push({ sql: text.replace(/\s+/g, ' ').slice(0, 160), scans: seqScans(plan) });
      return { rows: [] };
    },
  };

  beforeAll(async () => {
    threads = await seedThreads(db.pool, 150, { messagesPerThread: 40, votes: true });
    await db.pool.query('VACUUM ANALYZE');
  });
  afterAll(() => undefined);

  it('reads messages and events through indexes only', async () => {
    const t = threads[10] as SeededThread;
    const m = t.messages[5] as SeededThread['messages'][number];
    const at = encodeCursor('m', ['2026-01-01T00:00:10.020Z', m.address]);
    const base = { first: 20, orderBy: 'NEWEST_FIRST' as const };
    for (const orderBy of ['NEWEST_FIRST', 'OLDEST_FIRST'] as const) {
      await messagePage(explain, t.address, { ...base, orderBy });
      await messagePage(explain, t.address, { ...base, orderBy, after: at, status: 'CONFIRMED', kind: 'MESSAGE' });
      await messagePage(explain, null, { ...base, orderBy });
      await messagePage(explain, null, { ...base, orderBy, after: at });
      await messagePage(explain, null, { ...base, orderBy, author: m.author });
      await messagePage(explain, null, { ...base, orderBy, author: m.author, after: at });
      await threadPage(explain, { first: 20, orderBy });
      await threadPage(explain, { first: 20, orderBy, coAuthor: t.coAuthors[1] });
    }
    (await messagePage(explain, t.address, base)).count();
    (await messagePage(explain, null, { ...base, author: m.author })).count();
    await messagePagesByThread(
      explain,
      threads.slice(0, 50).map((x) => x.address),
      base,
    );
    await messagesByAddress(explain, [m.address]);
    await messagesByHash(explain, [{ threadAddress: t.address, hash: m.hash }]);
    await votesByMessage(
      explain,
      t.messages.map((x) => x.address),
    );
    await coAuthorsByThread(explain, [t.address]);
    // Thread reads with their relations folded in (look-ahead): one address, many, and a page of threads.
    const folded = {
      coAuthors: true,
      votes: true,
      messages: { ...base, after: at, kind: 'MESSAGE' },
      messageFields: ['address', 'content', 'createdAt', 'threadAddress'],
    };
    await threadsWithRelations(explain, [t.address], folded);
    await threadsWithRelations(
      explain,
      threads.slice(0, 20).map((x) => x.address),
      { ...folded, messages: base },
    );
    await threadPage(explain, { first: 20, orderBy: 'NEWEST_FIRST' }, { ...folded, messages: base });
    await eventsAfter(explain, 100n, 50);
    await eventsAfter(explain, 100n, 50, { threadAddress: t.address });
    await eventsAfter(explain, 100n, 50, { types: ['VoteCast'] });
    await eventsAfter(explain, 100n, 50, {
      threads: threads.slice(0, 5).map((x) => x.address),
      types: ['MessagePublished'],
    });
    await eventPage(explain, { first: 20, after: eventCursor(40n), threadAddress: t.address });
    await eventPagesByThread(
      explain,
      threads.slice(0, 30).map((x) => x.address),
      { first: 20, after: eventCursor(40n), types: ['VoteCast'] },
    );
    (await eventPage(explain, { first: 20, threadAddress: t.address })).count();
    await new Promise((r) => setTimeout(r, 50));

    expect(plans.length).toBeGreaterThan(25);
    const offending = plans.filter((p) => p.scans.includes('messages') || p.scans.includes('events'));
    expect(offending).toEqual([]);
  });
});
