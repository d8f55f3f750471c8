-- Analysts (issue 16): four views over the indexed tables and a read-only role.
--
-- Views are not part of prisma/schema.prisma (its language cannot declare them); test/db/migrations.test.ts compares
-- tables only and test/analytics/ runs the documented example queries against them. Each view reads one base row
-- per output row and looks the rest up through LATERAL subqueries on indexed columns, so a filter on the view's key
-- (`WHERE thread_address = …`, `WHERE pubkey = …`) stays an index lookup instead of aggregating every table first.
--
-- Message times: `coalesce(chain_created_at, created_at)` — the on-chain time when the chain has it, else when
-- choir accepted it. Rolled-back messages never existed for the thread: counts leave them out (`rolled_back` counts
-- them apart).

-- ── thread_activity: one row per thread ────────────────────────────────────────────────────────────────────────
CREATE VIEW "thread_activity" AS
SELECT t."address" AS "thread_address",
       t."title",
       t."creator",
       c."co_authors",
       coalesce(m."messages", 0) AS "messages",
       coalesce(m."specs", 0) AS "specs",
       coalesce(m."pending_specs", 0) AS "pending_specs",
       coalesce(m."rolled_back", 0) AS "rolled_back",
       coalesce(m."authors", 0) AS "authors",
       coalesce(v."votes", 0) AS "votes",
       m."first_message_at",
       m."last_message_at",
       coalesce(m."messages_last_7_days", 0) AS "messages_last_7_days",
       e."last_event_at",
       t."lamports",
       c."entitlement",
       c."withdrawn",
       t."commitment",
       coalesce(t."chain_created_at", t."created_at") AS "created_at"
  FROM "threads" t
 CROSS JOIN LATERAL (
       SELECT count(*)::int AS "co_authors",
              coalesce(sum(ca."entitlement"), 0)::bigint AS "entitlement",
              coalesce(sum(ca."withdrawn"), 0)::bigint AS "withdrawn"
         FROM "thread_co_authors" ca WHERE ca."thread_address" = t."address") c
  LEFT JOIN LATERAL (
       SELECT count(*) FILTER (WHERE x."kind" = 'MESSAGE' AND x."status" <> 'ROLLED_BACK')::int AS "messages",
              count(*) FILTER (WHERE x."kind" = 'SPEC' AND x."status" <> 'ROLLED_BACK')::int AS "specs",
              count(*) FILTER (WHERE x."kind" = 'SPEC' AND x."chain_status" = 'PENDING')::int AS "pending_specs",
              count(*) FILTER (WHERE x."status" = 'ROLLED_BACK')::int AS "rolled_back",
              count(DISTINCT x."author") FILTER (WHERE x."status" <> 'ROLLED_BACK')::int AS "authors",
              min(coalesce(x."chain_created_at", x."created_at")) FILTER (WHERE x."status" <> 'ROLLED_BACK') AS "first_message_at",
              max(coalesce(x."chain_created_at", x."created_at")) FILTER (WHERE x."status" <> 'ROLLED_BACK') AS "last_message_at",
              count(*) FILTER (WHERE x."status" <> 'ROLLED_BACK'
                                 AND coalesce(x."chain_created_at", x."created_at") > now() - interval '7 days')::int
                AS "messages_last_7_days"
         FROM "messages" x WHERE x."thread_address" = t."address") m ON true
  LEFT JOIN LATERAL (
       SELECT count(*)::int AS "votes"
         FROM "votes" vo JOIN "messages" s ON s."address" = vo."message_address"
        WHERE s."thread_address" = t."address") v ON true
  LEFT JOIN LATERAL (
       SELECT ev."created_at" AS "last_event_at"
         FROM "events" ev WHERE ev."thread_address" = t."address"
        ORDER BY ev."sequence" DESC LIMIT 1) e ON true;

COMMENT ON VIEW "thread_activity" IS 'One row per thread: co-authors, messages, specs, votes, first/last activity and divest totals (rolled-back messages counted apart).';
COMMENT ON COLUMN "thread_activity"."thread_address" IS 'The thread (threads.address).';
COMMENT ON COLUMN "thread_activity"."co_authors" IS 'Current co-authors, the creator included.';
COMMENT ON COLUMN "thread_activity"."messages" IS 'Messages (kind MESSAGE) not rolled back, on chain or still on their way.';
COMMENT ON COLUMN "thread_activity"."specs" IS 'Specs not rolled back, whatever their outcome.';
COMMENT ON COLUMN "thread_activity"."pending_specs" IS 'Specs the chain holds as PENDING (awaiting votes or expiry).';
COMMENT ON COLUMN "thread_activity"."rolled_back" IS 'Messages and specs choir accepted and then rolled back.';
COMMENT ON COLUMN "thread_activity"."authors" IS 'Distinct authors of the counted messages and specs.';
COMMENT ON COLUMN "thread_activity"."votes" IS 'Votes cast on the thread''s specs.';
COMMENT ON COLUMN "thread_activity"."messages_last_7_days" IS 'Messages and specs posted in the last 7 days.';
COMMENT ON COLUMN "thread_activity"."last_event_at" IS 'When the newest event of the thread was logged.';
COMMENT ON COLUMN "thread_activity"."entitlement" IS 'Sum of the co-authors'' entitlements (lamports).';
COMMENT ON COLUMN "thread_activity"."withdrawn" IS 'Sum of what the co-authors divested (lamports).';
COMMENT ON COLUMN "thread_activity"."created_at" IS 'On-chain creation time when known, else when the row was written.';

-- ── author_stats: one row per key that authored, co-authors or voted ───────────────────────────────────────────
CREATE VIEW "author_stats" AS
SELECT k."pubkey",
       coalesce(c."threads_co_authored", 0) AS "threads_co_authored",
       (SELECT count(*)::int FROM "threads" t WHERE t."creator" = k."pubkey") AS "threads_created",
       coalesce(m."messages", 0) AS "messages",
       coalesce(m."specs", 0) AS "specs",
       coalesce(m."specs_approved", 0) AS "specs_approved",
       coalesce(m."specs_rejected", 0) AS "specs_rejected",
       coalesce(m."specs_expired", 0) AS "specs_expired",
       coalesce(m."stake_lamports", 0) AS "stake_lamports",
       coalesce(v."votes_cast", 0) AS "votes_cast",
       coalesce(v."approvals_given", 0) AS "approvals_given",
       coalesce(c."entitlement", 0) AS "entitlement",
       coalesce(c."withdrawn", 0) AS "withdrawn",
       coalesce(c."entitlement", 0) - coalesce(c."withdrawn", 0) AS "withdrawable",
       m."first_message_at",
       m."last_message_at"
  FROM (SELECT "author" AS "pubkey" FROM "messages"
        UNION SELECT "pubkey" FROM "thread_co_authors"
        UNION SELECT "voter" FROM "votes") k
  LEFT JOIN LATERAL (
       SELECT count(*)::int AS "threads_co_authored",
              sum(ca."entitlement")::bigint AS "entitlement",
              sum(ca."withdrawn")::bigint AS "withdrawn"
         FROM "thread_co_authors" ca WHERE ca."pubkey" = k."pubkey") c ON true
  LEFT JOIN LATERAL (
       SELECT count(*) FILTER (WHERE x."kind" = 'MESSAGE')::int AS "messages",
              count(*) FILTER (WHERE x."kind" = 'SPEC')::int AS "specs",
              count(*) FILTER (WHERE x."kind" = 'SPEC' AND x."chain_status" = 'APPROVED')::int AS "specs_approved",
              count(*) FILTER (WHERE x."kind" = 'SPEC' AND x."chain_status" = 'REJECTED')::int AS "specs_rejected",
              count(*) FILTER (WHERE x."kind" = 'SPEC' AND x."chain_status" = 'EXPIRED')::int AS "specs_expired",
              coalesce(sum(x."stake") FILTER (WHERE x."kind" = 'SPEC'), 0)::bigint AS "stake_lamports",
              min(coalesce(x."chain_created_at", x."created_at")) AS "first_message_at",
              max(coalesce(x."chain_created_at", x."created_at")) AS "last_message_at"
         FROM "messages" x WHERE x."author" = k."pubkey" AND x."status" <> 'ROLLED_BACK') m ON true
  LEFT JOIN LATERAL (
       SELECT count(*)::int AS "votes_cast", count(*) FILTER (WHERE vo."approve")::int AS "approvals_given"
         FROM "votes" vo WHERE vo."voter" = k."pubkey") v ON true;

COMMENT ON VIEW "author_stats" IS 'One row per public key that wrote a message, co-authors a thread or voted: activity, spec outcomes and divest totals.';
COMMENT ON COLUMN "author_stats"."pubkey" IS 'The key (base58).';
COMMENT ON COLUMN "author_stats"."threads_co_authored" IS 'Threads the key co-authors now (creator included).';
COMMENT ON COLUMN "author_stats"."threads_created" IS 'Threads the key created.';
COMMENT ON COLUMN "author_stats"."messages" IS 'Messages the key wrote (not rolled back).';
COMMENT ON COLUMN "author_stats"."specs" IS 'Specs the key submitted (not rolled back).';
COMMENT ON COLUMN "author_stats"."stake_lamports" IS 'Lamports the key staked on its specs, all outcomes.';
COMMENT ON COLUMN "author_stats"."votes_cast" IS 'Votes the key cast as a co-author.';
COMMENT ON COLUMN "author_stats"."approvals_given" IS 'Of those, approvals.';
COMMENT ON COLUMN "author_stats"."entitlement" IS 'Lamports the key is entitled to over all its threads.';
COMMENT ON COLUMN "author_stats"."withdrawn" IS 'Lamports the key divested over all its threads.';
COMMENT ON COLUMN "author_stats"."withdrawable" IS 'entitlement - withdrawn: what the key may still divest.';

-- ── spec_outcomes: one row per spec ────────────────────────────────────────────────────────────────────────────
CREATE VIEW "spec_outcomes" AS
SELECT s."address" AS "spec_address",
       s."thread_address",
       s."content_hash",
       s."author",
       s."stake",
       (CASE
          WHEN s."status" = 'ROLLED_BACK' THEN 'ROLLED_BACK'
          WHEN s."chain_status" IS NULL THEN 'SUBMITTING'
          ELSE s."chain_status"::text
        END) AS "outcome",
       s."approvals"::int AS "approvals",
       s."denials"::int AS "denials",
       c."co_authors",
       (CASE WHEN s."chain_status" = 'PENDING' THEN greatest(c."co_authors" - s."approvals", 0) END) AS "approvals_missing",
       coalesce(s."chain_created_at", s."created_at") AS "submitted_at",
       s."expires_at",
       (s."chain_status" = 'PENDING' AND s."expires_at" <= now()) AS "expirable",
       d."decided_at",
       extract(epoch FROM d."decided_at" - coalesce(s."chain_created_at", s."created_at"))::double precision
         AS "decision_seconds",
       s."commitment"
  FROM "messages" s
 CROSS JOIN LATERAL (
       SELECT count(*)::int AS "co_authors" FROM "thread_co_authors" ca WHERE ca."thread_address" = s."thread_address") c
  LEFT JOIN LATERAL (
       SELECT ev."created_at" AS "decided_at"
         FROM "events" ev
        WHERE ev."thread_address" = s."thread_address"
          AND ev."type" IN ('SpecApproved', 'SpecRejected', 'SpecExpired')
          AND ev."payload"->>'messageAddress' = s."address"
        ORDER BY ev."sequence" DESC LIMIT 1) d ON true
 WHERE s."kind" = 'SPEC';

COMMENT ON VIEW "spec_outcomes" IS 'One row per spec: stake, votes, outcome and how long the decision took.';
COMMENT ON COLUMN "spec_outcomes"."spec_address" IS 'The spec''s record address (messages.address).';
COMMENT ON COLUMN "spec_outcomes"."outcome" IS 'PENDING, APPROVED, REJECTED, EXPIRED (the program''s status); SUBMITTING (accepted by choir, not on chain yet) or ROLLED_BACK.';
COMMENT ON COLUMN "spec_outcomes"."co_authors" IS 'The thread''s co-authors now: an approval needs every one of them.';
COMMENT ON COLUMN "spec_outcomes"."approvals_missing" IS 'Approvals still needed (PENDING specs only).';
COMMENT ON COLUMN "spec_outcomes"."expirable" IS 'PENDING and past expires_at: anyone may call expire_spec.';
COMMENT ON COLUMN "spec_outcomes"."decided_at" IS 'When the SpecApproved/SpecRejected/SpecExpired event was logged.';
COMMENT ON COLUMN "spec_outcomes"."decision_seconds" IS 'decided_at - submitted_at, in seconds.';

-- ── sync_health: one row per indexer stream and per outbox kind ────────────────────────────────────────────────
CREATE VIEW "sync_health" AS
SELECT 'indexer'::text AS "part",
       ic."stream" AS "name",
       ic."slot",
       ic."confirmed_slot",
       ic."finalized_slot",
       greatest(ic."slot" - coalesce(ic."finalized_slot", ic."slot"), 0)::bigint AS "backlog",
       0::bigint AS "failing",
       0::bigint AS "dead",
       NULL::timestamptz AS "oldest_backlog_at",
       ic."updated_at" AS "last_progress_at",
       extract(epoch FROM now() - ic."updated_at")::double precision AS "seconds_since_progress",
       ic."gaps_healed"
  FROM "indexer_cursors" ic
UNION ALL
SELECT 'outbox', o."kind", NULL, NULL, NULL,
       count(*) FILTER (WHERE o."state" IN ('PENDING', 'RUNNING')),
       count(*) FILTER (WHERE o."state" IN ('PENDING', 'RUNNING') AND o."attempts" > 0 AND o."last_error" IS NOT NULL),
       count(*) FILTER (WHERE o."state" = 'DEAD'),
       -- An item re-armed after completion keeps its first created_at; one not yet tried since was re-armed at updated_at.
       min(CASE WHEN o."attempts" = 0 THEN o."updated_at" ELSE o."created_at" END)
         FILTER (WHERE o."state" IN ('PENDING', 'RUNNING')),
       max(o."updated_at"),
       extract(epoch FROM now() - max(o."updated_at"))::double precision,
       NULL
  FROM "outbox" o
 WHERE o."state" IN ('PENDING', 'RUNNING', 'DEAD')
 GROUP BY o."kind";

COMMENT ON VIEW "sync_health" IS 'Is choir keeping up? One row per indexer stream (part = indexer) and per outbox kind with work waiting or dead (part = outbox).';
COMMENT ON COLUMN "sync_health"."part" IS 'indexer or outbox.';
COMMENT ON COLUMN "sync_health"."name" IS 'The indexer stream (indexer_cursors.stream) or the outbox kind.';
COMMENT ON COLUMN "sync_health"."backlog" IS 'indexer: slots applied but not finalized; outbox: items waiting or running.';
COMMENT ON COLUMN "sync_health"."failing" IS 'outbox: waiting items whose last attempt failed (retrying with backoff).';
COMMENT ON COLUMN "sync_health"."dead" IS 'outbox: dead-lettered items an operator must look at.';
COMMENT ON COLUMN "sync_health"."oldest_backlog_at" IS 'outbox: when the oldest waiting item was enqueued (for a key re-enqueued after completion and retried since: its first enqueue, an upper bound of its age).';
COMMENT ON COLUMN "sync_health"."last_progress_at" IS 'indexer: last cursor write; outbox: last change to any listed item.';
COMMENT ON COLUMN "sync_health"."seconds_since_progress" IS 'now() - last_progress_at, in seconds.';

-- ── the read-only role ─────────────────────────────────────────────────────────────────────────────────────────
-- Roles belong to the whole Postgres cluster, not to this database: the role is created once (NOLOGIN; `choir
-- analyst-role --password` enables login) and each database choir migrates grants it read access. A migration user
-- without CREATEROLE (a managed database) skips the creation with a notice instead of failing the deploy; a DBA
-- then runs `CREATE ROLE choir_analyst NOLOGIN` and `choir migrate` grants nothing twice (GRANT is idempotent) —
-- see docs/analytics.md. Credentials (sessions, API keys, sign-in challenges) stay unreadable: analysts never need
-- them.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'choir_analyst') THEN
    IF NOT (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
      RAISE NOTICE 'choir_analyst not created: % may not create roles (see docs/analytics.md)', current_user;
      RETURN;
    END IF;
    CREATE ROLE "choir_analyst" NOLOGIN;
    -- Analysts share the primary with the service: their sessions cannot write and cannot run away.
    ALTER ROLE "choir_analyst" SET default_transaction_read_only = on;
    ALTER ROLE "choir_analyst" SET statement_timeout = '5min';
    COMMENT ON ROLE "choir_analyst" IS 'Read-only access to choir''s tables and views (docs/analytics.md).';
  END IF;
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO "choir_analyst"', current_database());
  GRANT USAGE ON SCHEMA "public" TO "choir_analyst";
  GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "choir_analyst";
  REVOKE ALL ON "sessions", "api_keys", "auth_challenges" FROM "choir_analyst";
  GRANT EXECUTE ON FUNCTION choir_message_address(text, text, text) TO "choir_analyst";
  -- Tables and views later migrations create (as this same user) are readable too.
  ALTER DEFAULT PRIVILEGES IN SCHEMA "public" GRANT SELECT ON TABLES TO "choir_analyst";
END $$;
