/**
 * The stream's cursor row (indexer_cursors): the last slot whose stream messages are all applied, the confirmed
 * and finalized slots, and the identity of the chain and program it belongs to.
 */
import type pg from 'pg';
import { ChoirError } from '../../src/errors/index.js';

export interface Cursor {
  readonly stream: string;
  /** Every stream message up to the start of slot + 1 is applied; resume with from_slot = slot + 1. */
  readonly slot: bigint;
  readonly confirmedSlot: bigint | null;
  readonly finalizedSlot: bigint | null;
  readonly genesisHash: string | null;
  readonly programId: string | null;
  readonly gapsHealed: number;
}

export interface ChainIdentity {
  readonly genesisHash: string;
  readonly programId: string;
}

const big = (v: string | null) => (v === null ? null : BigInt(v));

export async function readCursor(db: pg.Pool | pg.ClientBase, stream: string): Promise<Cursor | null> {
  const { rows } = await db.query(
    `SELECT stream, slot, confirmed_slot, finalized_slot, genesis_hash, program_id, gaps_healed
       FROM indexer_cursors WHERE stream = $1`,
    [stream],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    stream: r.stream,
    slot: BigInt(r.slot),
    confirmedSlot: big(r.confirmed_slot),
    finalizedSlot: big(r.finalized_slot),
    genesisHash: r.genesis_hash,
    programId: r.program_id,
    gapsHealed: r.gaps_healed,
  };
}

/** Creates the cursor of a fresh stream at `slot` (what backfill covered), bound to this chain and program. */
export async function createCursor(
  db: pg.Pool | pg.ClientBase,
  stream: string,
  slot: bigint,
  identity: ChainIdentity,
): Promise<void> {
  await db.query(
    `INSERT INTO indexer_cursors (stream, slot, genesis_hash, program_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (stream) DO UPDATE SET slot = EXCLUDED.slot, genesis_hash = EXCLUDED.genesis_hash,
       program_id = EXCLUDED.program_id, updated_at = now()`,
    [stream, slot.toString(), identity.genesisHash, identity.programId],
  );
}

/** Refuses to index another chain or program into this database (a reset devnet, a misconfigured endpoint). */
export function assertSameChain(cursor: Cursor, identity: ChainIdentity): void {
  const problems: string[] = [];
  if (cursor.genesisHash !== null && cursor.genesisHash !== identity.genesisHash) {
    problems.push(`genesis hash ${identity.genesisHash} (indexed: ${cursor.genesisHash})`);
  }
  if (cursor.programId !== null && cursor.programId !== identity.programId) {
    problems.push(`program ${identity.programId} (indexed: ${cursor.programId})`);
  }
  if (problems.length > 0) {
    throw new ChoirError(
      'SOLANA_WRONG_CHAIN',
      `the endpoint serves another chain than stream "${cursor.stream}" indexed: ${problems.join(', ')}. ` +
        'Point GEYSER_URL/SOLANA_RPC_URL at the indexed chain, or run `choir indexer --reset` to wipe and re-index.',
      { details: { stream: cursor.stream, expected: { ...cursor }, actual: identity } },
    );
  }
}

/** Moves the cursor forward inside the batch transaction (never backwards), counting gaps the batch healed. */
export async function advanceCursor(
  client: pg.ClientBase,
  stream: string,
  slot: bigint | null,
  confirmed: bigint | null,
  finalized: bigint | null,
  gapsHealed = 0,
): Promise<void> {
  await client.query(
    `UPDATE indexer_cursors SET
       slot = greatest(slot, coalesce($2::int8, slot)),
       confirmed_slot = greatest(confirmed_slot, $3::int8),
       finalized_slot = greatest(finalized_slot, $4::int8),
       gaps_healed = gaps_healed + $5,
       updated_at = now()
     WHERE stream = $1`,
    [stream, slot?.toString() ?? null, confirmed?.toString() ?? null, finalized?.toString() ?? null, gapsHealed],
  );
}
