-- Divest accounting (thread layout v2, programs/choir/README.md): each co-author may withdraw exactly its
-- entitlement — an equal share of every lamport the thread received since it joined — minus what it withdrew.
-- The indexer mirrors the program's figures for analysts: per thread the running income per co-author and the
-- balance the program accounted for, per co-author its entitlement and what it has withdrawn.

ALTER TABLE "threads" ADD COLUMN "income_per_co_author" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN "accounted_lamports" BIGINT NOT NULL DEFAULT 0;

ALTER TABLE "thread_co_authors" ADD COLUMN "entitlement" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN "withdrawn" BIGINT NOT NULL DEFAULT 0;

-- Undo images of threads written before these columns existed restore them as zero.
UPDATE "indexer_undo"
   SET "image" = jsonb_build_object('incomePerCoAuthor', '0', 'accountedLamports', '0') || "image"
 WHERE "table_name" = 'threads' AND "image" IS NOT NULL;

COMMENT ON COLUMN "threads"."income_per_co_author" IS 'Lamports owed to each co-author since creation (divest accounting); a co-author is entitled to this minus its value when it joined.';
COMMENT ON COLUMN "threads"."accounted_lamports" IS 'The thread balance the program has accounted for; lamports above it are income not yet distributed.';
COMMENT ON COLUMN "thread_co_authors"."entitlement" IS 'Lamports this co-author is entitled to so far (equal share of income since it joined).';
COMMENT ON COLUMN "thread_co_authors"."withdrawn" IS 'Lamports this co-author has divested; it may still withdraw entitlement - withdrawn.';
