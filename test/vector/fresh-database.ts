/**
 * A fresh in-memory embedded database per test, cloned from one opened per test file: `PGlite.create` + initdb +
 * the store's schema took 2.5–8 s per test (the contract suites open ~70), a clone about half of that.
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  applySessionSettings,
  type EmbeddedDatabase,
  IN_MEMORY,
  openEmbeddedDatabase,
} from '../../src/vector/embedded/database.js';

let template: Promise<EmbeddedDatabase> | undefined;

export async function freshInMemoryDatabase(efSearch = 100): Promise<EmbeddedDatabase> {
  template ??= openEmbeddedDatabase(IN_MEMORY, efSearch);
  const db = (await (await template).db.clone()) as PGlite;
  await applySessionSettings(db, efSearch);
  return { db, close: () => db.close() };
}
