/**
 * The in-memory embedded database of a vector-store test file. `PGlite.create` + initdb + the store's schema takes
 * 2.5–8 s, and a clone per test about half of that (the contract suites run ~25 tests each), so a file opens one
 * database and gives each test a collection of its own: tests stay apart, as collections are.
 */
import { type EmbeddedDatabase, IN_MEMORY, openEmbeddedDatabase } from '../../src/vector/embedded/database.js';

let database: Promise<EmbeddedDatabase> | undefined;
let collections = 0;

/** The file's database and a collection name no other test of the file uses. Close it with `closeFileDatabase`. */
export async function sharedInMemoryDatabase(): Promise<{ database: EmbeddedDatabase; collection: string }> {
  database ??= openEmbeddedDatabase(IN_MEMORY, 100);
  collections += 1;
  return { database: await database, collection: `messages_${collections}` };
}

export async function closeFileDatabase(): Promise<void> {
  const open = database;
  database = undefined;
  await (await open)?.close();
}
