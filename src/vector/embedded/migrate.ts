import type { PGlite, Transaction } from '@electric-sql/pglite';
import { PublicKey } from '@solana/web3.js';
import { findMessageAddress } from '../../../programs/choir/client/pda.js';
import { ChoirError } from '../../errors/index.js';
import type { Logger } from '../../observability/logger.js';
import { isContentHash, isRecordAddress, messagePointId } from '../point-id.js';
import { indexOf, SCHEMA_VERSION, tableOf } from './sql.js';

/** Rows re-keyed per statement: bounds memory for a large collection, one round trip per page. */
const PAGE = 5_000;

interface LegacyRow {
  id: string;
  kind: string;
  thread_id: string;
  content_hash: string;
}

/**
 * Upgrades every collection of an embedded store written before message addresses (schema_version 1: message point
 * ids from the content hash, no `message_address`) to schema_version 2, in place and in one transaction:
 *
 * - each message point gets `message_address` = the Message PDA of its `thread_id` and `content_hash`
 *   (`findMessageAddress`, the Choir program id) and the id derived from it (`messagePointId`);
 * - each thread point gets its thread address as `message_address` and keeps its id;
 * - the column becomes NOT NULL and indexed, and the collection's schema_version becomes 2.
 *
 * Runs when the database opens, before any store reads it, so no memory index exists yet: the first
 * `ensureCollection()` loads one from the re-keyed rows. Idempotent: a collection at version 2 is skipped, and a
 * failure part-way rolls everything back, so the next open starts again from the untouched version-1 data.
 */
export async function migrateEmbeddedStore(db: PGlite, logger: Logger): Promise<void> {
  const { rows } = await db.query<{ name: string; schema_version: number }>(
    'SELECT name, schema_version FROM choir_collections WHERE schema_version < $1 ORDER BY name',
    [SCHEMA_VERSION],
  );
  if (rows.length === 0) return;
  await db.transaction(async (tx) => {
    for (const { name, schema_version } of rows) {
      // Only one step exists so far; a later layout adds its step after this one.
      if (schema_version < 2) await rekeyByMessageAddress(tx, name, logger);
      await tx.query('UPDATE choir_collections SET schema_version = $1 WHERE name = $2', [SCHEMA_VERSION, name]);
    }
  });
}

async function rekeyByMessageAddress(tx: Transaction, collection: string, logger: Logger): Promise<void> {
  const table = tableOf(collection);
  const started = performance.now();
  await tx.exec(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS message_address text`);
  const total = (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
  const threads = new Map<string, PublicKey>();
  let rekeyed = 0;
  for (;;) {
    // Every page's rows get an address, so the next page is simply the next rows still without one.
    const { rows } = await tx.query<LegacyRow>(
      `SELECT id, kind, thread_id, content_hash FROM ${table} WHERE message_address IS NULL LIMIT ${PAGE}`,
    );
    if (rows.length === 0) break;
    const oldIds: string[] = [];
    const newIds: string[] = [];
    const addresses: string[] = [];
    for (const row of rows) {
      oldIds.push(row.id);
      if (row.kind === 'thread') {
        // Thread point ids already derive from the thread address; only the payload field is new.
        newIds.push(row.id);
        addresses.push(row.thread_id);
        continue;
      }
      const address = messageAddressOf(row, threads, collection);
      newIds.push(messagePointId(address));
      addresses.push(address);
    }
    await tx.query(
      `UPDATE ${table} AS t SET id = u.new_id, message_address = u.address
       FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS u(old_id, new_id, address)
       WHERE t.id = u.old_id`,
      [oldIds, newIds, addresses],
    );
    rekeyed += rows.length;
    // A PDA search costs up to a millisecond per point: a large store takes minutes, so show it is moving.
    if (rows.length === PAGE) logger.info({ collection, rekeyed, total }, 'embedded vector store: re-keying points');
  }
  await tx.exec(`
    ALTER TABLE ${table} ALTER COLUMN message_address SET NOT NULL;
    CREATE INDEX IF NOT EXISTS ${indexOf(collection, 'address')} ON ${table} (message_address);
  `);
  logger.info(
    { collection, points: rekeyed, ms: Math.round(performance.now() - started) },
    'embedded vector store: re-keyed points by message address (schema version 2)',
  );
}

/** The Message PDA of a version-1 row; a row it cannot be derived for stops the migration (nothing is changed). */
function messageAddressOf(row: LegacyRow, threads: Map<string, PublicKey>, collection: string): string {
  if (!isRecordAddress(row.thread_id) || !isContentHash(row.content_hash)) {
    throw new ChoirError(
      'QDRANT_STORAGE_REJECTED',
      `cannot upgrade the embedded vector store: point ${row.id} of collection ${collection} has thread_id ` +
        `${JSON.stringify(row.thread_id)} and content_hash ${JSON.stringify(row.content_hash)}, from which no ` +
        'message address can be derived (a base58 thread address and a 64-hex hash are needed); nothing was changed',
      { details: { collection, id: row.id, threadId: row.thread_id } },
    );
  }
  let thread = threads.get(row.thread_id);
  if (!thread) {
    thread = new PublicKey(row.thread_id);
    threads.set(row.thread_id, thread);
  }
  return findMessageAddress(thread, Buffer.from(row.content_hash, 'hex'))[0].toBase58();
}
