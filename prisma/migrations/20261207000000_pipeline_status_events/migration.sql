-- The pipeline's status steps become events (issue 15): a subscriber sees a submitted message become STORED when
-- its vector is stored (MessageStored), and RECORDED when the relayed transaction lands before the indexer has
-- seen the record (MessageRecorded; otherwise the indexer's MessagePublished makes it RECORDED). Both are appended
-- in the transaction that changes the row's status, so the log and the rows never disagree.
--
-- ADD VALUE may run inside the migration's transaction (Postgres ≥ 12); the new values are used only by later
-- transactions. Placed after MessageSubmitted, in pipeline order, as prisma/schema.prisma lists them.
ALTER TYPE "event_type" ADD VALUE IF NOT EXISTS 'MessageStored' AFTER 'MessageSubmitted';
ALTER TYPE "event_type" ADD VALUE IF NOT EXISTS 'MessageRecorded' AFTER 'MessageStored';
