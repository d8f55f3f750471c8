-- The GraphQL API (issue 13): wallet sign-in sessions and API keys, and the indexes its list queries page on.
--
-- Sessions and API keys store only the sha256 of their bearer tokens: a leaked table grants nothing. Challenges are
-- rows (not process memory) so a sign-in works on any API instance and after a restart, and so `used_at` makes a
-- signed challenge good for one session only.
--
-- Keyset pages order by (created_at, address) — per thread, per author, over all messages, over threads — and
-- event pages of one thread by sequence; each gets an index whose order is the page's, so a page is an index range
-- read, never a sort of the table (test/api/explain.test.ts pins the plans). None of these columns is promoted by
-- commitment changes, so the HOT updates of 20261128060000_hot_promotions stay heap-only.

-- CreateTable
CREATE TABLE "auth_challenges" (
    "nonce" CHAR(32) NOT NULL,
    "public_key" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "auth_challenges_pkey" PRIMARY KEY ("nonce")
);

-- CreateTable
CREATE TABLE "sessions" (
    "token_hash" CHAR(64) NOT NULL,
    "public_key" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("token_hash")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "key_hash" CHAR(64) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "auth_challenges_public_key_created_at_idx" ON "auth_challenges"("public_key", "created_at");

-- CreateIndex
CREATE INDEX "sessions_public_key_idx" ON "sessions"("public_key");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- Keyset pages (created_at, address): threads, one thread's messages, one author's, all messages.
CREATE INDEX "threads_created_at_address_idx" ON "threads"("created_at", "address");

DROP INDEX "messages_thread_address_created_at_idx";
CREATE INDEX "messages_thread_address_created_at_address_idx" ON "messages"("thread_address", "created_at", "address");

DROP INDEX "messages_author_idx";
CREATE INDEX "messages_author_created_at_address_idx" ON "messages"("author", "created_at", "address");

CREATE INDEX "messages_created_at_address_idx" ON "messages"("created_at", "address");

-- One thread's events after a global sequence (subscription replay, Thread.events).
CREATE INDEX "events_thread_address_sequence_idx" ON "events"("thread_address", "sequence");
