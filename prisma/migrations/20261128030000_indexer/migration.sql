-- choir: the Geyser indexer's bookkeeping (issue 7). Generated with `prisma migrate diff` from the previous schema,
-- then hand-written checks and comments below. Adds instruction-index provenance to chain rows and events, the
-- commitment of votes, the per-slot status table (commitment promotion, fork rollback, gap detection) and the undo
-- log of processed-level changes.

-- AlterTable
ALTER TABLE "threads" ADD COLUMN     "instruction_index" SMALLINT;

-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "instruction_index" SMALLINT;

-- AlterTable
ALTER TABLE "votes" ADD COLUMN     "commitment" "commitment" NOT NULL DEFAULT 'PROCESSED',
ADD COLUMN     "instruction_index" SMALLINT;

-- AlterTable
ALTER TABLE "events" ADD COLUMN     "instruction_index" SMALLINT;

-- AlterTable
ALTER TABLE "indexer_cursors" ADD COLUMN     "gaps_healed" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "indexer_slots" (
    "stream" TEXT NOT NULL,
    "slot" BIGINT NOT NULL,
    "parent" BIGINT,
    "status" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "indexer_slots_pkey" PRIMARY KEY ("stream","slot")
);

-- CreateTable
CREATE TABLE "indexer_undo" (
    "stream" TEXT NOT NULL,
    "slot" BIGINT NOT NULL,
    "table_name" TEXT NOT NULL,
    "row_key" TEXT NOT NULL,
    "image" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "indexer_undo_pkey" PRIMARY KEY ("stream","slot","table_name","row_key")
);

-- CreateIndex
CREATE INDEX "indexer_slots_stream_status_slot_idx" ON "indexer_slots"("stream", "status", "slot");

-- CreateIndex
CREATE INDEX "messages_slot_idx" ON "messages"("slot");

-- CreateIndex
CREATE INDEX "votes_slot_idx" ON "votes"("slot");

-- CreateIndex
CREATE INDEX "events_slot_idx" ON "events"("slot");


-- Hand-written: formats and documentation.
ALTER TABLE "indexer_slots" ADD CONSTRAINT "indexer_slots_status_known" CHECK ("status" IN ('processed', 'confirmed', 'finalized', 'dead'));
ALTER TABLE "indexer_undo" ADD CONSTRAINT "indexer_undo_table_known" CHECK ("table_name" IN ('threads', 'messages', 'votes'));
COMMENT ON TABLE "indexer_slots" IS 'Per stream: every slot the indexer saw a status for and its latest status (processed, confirmed, finalized, dead).';
COMMENT ON TABLE "indexer_undo" IS 'Undo log: the image of a row before a not-yet-finalized slot first changed it (NULL: the row did not exist). Dead slots restore it; finalization deletes it.';
COMMENT ON COLUMN "threads"."instruction_index" IS 'Index of the top-level Choir instruction in tx_signature that made the last applied change.';
COMMENT ON COLUMN "messages"."instruction_index" IS 'Index of the top-level Choir instruction in tx_signature that made the last applied change.';
COMMENT ON COLUMN "votes"."instruction_index" IS 'Index of the top-level Choir vote instruction in tx_signature.';
COMMENT ON COLUMN "events"."instruction_index" IS 'Index of the top-level Choir instruction that caused the event, when known.';
COMMENT ON COLUMN "indexer_cursors"."gaps_healed" IS 'How many missing slot ranges the indexer found in what it applied and healed.';
