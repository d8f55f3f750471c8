-- A message is (thread, content hash): its identity becomes its record address.
--
-- The program keys a Message account by ["message", thread, content_hash], so the same content may be posted in
-- several threads. Until now `messages` was keyed by content_hash alone and the second thread's message overwrote
-- the first one's row. From here on:
-- - messages.address (the Message PDA, base58) is the primary key; (thread_address, content_hash) is unique;
-- - votes reference the message address;
-- - the indexer's undo log, the outbox's vector-payload items and the event log's payloads name messages by address.
--
-- Existing rows keep their data: indexed rows already carry their record address (record_address); rows the chain
-- has not shown get theirs computed here, with the same derivation as `findMessageAddress` in the program client
-- (sha256 of the seeds, bump from 255 down to the first off-curve hash). The functions stay installed: analysts can
-- derive an address in SQL (`choir_message_address(thread, content_hash)`).

-- ── PDA derivation in SQL ───────────────────────────────────────────────────────────────────────────────────────

CREATE FUNCTION choir_base58_decode(value text) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  alphabet constant text := '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  n numeric := 0;
  digit int;
  bytes bytea := '\x'::bytea;
  zeros int := 0;
BEGIN
  FOR i IN 1 .. length(value) LOOP
    digit := strpos(alphabet, substr(value, i, 1)) - 1;
    IF digit < 0 THEN
      RAISE EXCEPTION 'not base58: %', value USING ERRCODE = '22023';
    END IF;
    n := n * 58 + digit;
  END LOOP;
  WHILE zeros < length(value) AND substr(value, zeros + 1, 1) = '1' LOOP
    zeros := zeros + 1;
  END LOOP;
  WHILE n > 0 LOOP
    bytes := set_byte('\x00'::bytea, 0, (n % 256)::int) || bytes;
    n := div(n, 256);
  END LOOP;
  RETURN decode(repeat('00', zeros), 'hex') || bytes;
END $$;

CREATE FUNCTION choir_base58_encode(bytes bytea) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  alphabet constant text := '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  n numeric := 0;
  out text := '';
  zeros int := 0;
BEGIN
  FOR i IN 0 .. length(bytes) - 1 LOOP
    n := n * 256 + get_byte(bytes, i);
  END LOOP;
  WHILE zeros < length(bytes) AND get_byte(bytes, zeros) = 0 LOOP
    zeros := zeros + 1;
  END LOOP;
  WHILE n > 0 LOOP
    out := substr(alphabet, (n % 58)::int + 1, 1) || out;
    n := div(n, 58);
  END LOOP;
  RETURN repeat('1', zeros) || out;
END $$;

-- Whether 32 bytes decompress to a point of edwards25519 (what `PublicKey.isOnCurve` asks): with y the little-endian
-- value without its sign bit, x² = (y² − 1) / (d·y² + 1) must be a square mod p (Euler's criterion on u·v, which
-- has the quadratic character of u/v). A PDA is a hash that is NOT on the curve.
CREATE FUNCTION choir_is_on_curve(bytes bytea) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  p constant numeric := 57896044618658097711785492504343953926634992332820282019728792003956564819949; -- 2^255 − 19
  d constant numeric := 37095705934669439343138083508754565189542113879843219016388785533085940283555;
  y numeric := 0;
  y2 numeric;
  base numeric;
  e numeric := (p - 1) / 2;
  r numeric := 1;
BEGIN
  FOR i IN REVERSE 31 .. 0 LOOP
    y := y * 256 + CASE WHEN i = 31 THEN get_byte(bytes, i) & 127 ELSE get_byte(bytes, i) END;
  END LOOP;
  y2 := mod(y * y, p);
  base := mod(mod(y2 - 1 + p, p) * mod(d * y2 + 1, p), p);
  IF base = 0 THEN
    RETURN true;
  END IF;
  WHILE e > 0 LOOP
    IF mod(e, 2) = 1 THEN
      r := mod(r * base, p);
    END IF;
    base := mod(base * base, p);
    e := div(e, 2);
  END LOOP;
  RETURN r = 1;
END $$;

-- The Message PDA ["message", thread, content_hash] of `program_id` (default: the Choir program's dev id; the
-- indexer records the id it indexes in indexer_cursors.program_id).
CREATE FUNCTION choir_message_address(
  thread_address text,
  content_hash text,
  program_id text DEFAULT '3tDCtR2Tk9W8xvpwBCxLWcVHZeXx8n56F58H2F8emvbk'
) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  seeds bytea := convert_to('message', 'UTF8') || choir_base58_decode(thread_address) || decode(content_hash, 'hex');
  tail bytea := choir_base58_decode(program_id) || convert_to('ProgramDerivedAddress', 'UTF8');
  candidate bytea;
BEGIN
  FOR bump IN REVERSE 255 .. 0 LOOP
    candidate := sha256(seeds || set_byte('\x00'::bytea, 0, bump) || tail);
    IF NOT choir_is_on_curve(candidate) THEN
      RETURN choir_base58_encode(candidate);
    END IF;
  END LOOP;
  RAISE EXCEPTION 'no program address for thread % and hash %', thread_address, content_hash;
END $$;

-- ── messages: address as primary key ────────────────────────────────────────────────────────────────────────────

ALTER TABLE "messages" ADD COLUMN "address" TEXT;
UPDATE "messages" SET "address" = coalesce(
  "record_address",
  choir_message_address(
    "thread_address",
    "content_hash",
    coalesce(
      (SELECT "program_id" FROM "indexer_cursors" WHERE "program_id" IS NOT NULL ORDER BY "updated_at" DESC LIMIT 1),
      '3tDCtR2Tk9W8xvpwBCxLWcVHZeXx8n56F58H2F8emvbk'
    )
  )
);
ALTER TABLE "messages" ALTER COLUMN "address" SET NOT NULL;

-- ── votes: reference the message address ────────────────────────────────────────────────────────────────────────

ALTER TABLE "votes" ADD COLUMN "message_address" TEXT;
UPDATE "votes" v SET "message_address" = m."address" FROM "messages" m WHERE m."content_hash" = v."message_hash";
ALTER TABLE "votes" ALTER COLUMN "message_address" SET NOT NULL;

ALTER TABLE "votes" DROP CONSTRAINT "votes_message_hash_fkey";
ALTER TABLE "votes" DROP CONSTRAINT "votes_pkey";

ALTER TABLE "messages" DROP CONSTRAINT "messages_pkey";
DROP INDEX "messages_record_address_key";
ALTER TABLE "messages" ADD CONSTRAINT "messages_pkey" PRIMARY KEY ("address");
CREATE UNIQUE INDEX "messages_thread_address_content_hash_key" ON "messages"("thread_address", "content_hash");

ALTER TABLE "votes" ADD CONSTRAINT "votes_pkey" PRIMARY KEY ("message_address", "voter");
ALTER TABLE "votes" ADD CONSTRAINT "votes_message_address_fkey" FOREIGN KEY ("message_address")
  REFERENCES "messages"("address") ON DELETE CASCADE ON UPDATE CASCADE;

-- ── the undo log: row keys and images by address ───────────────────────────────────────────────────────────────
-- An image is the row's in-memory form (camelCase): messages get `address` (was `recordAddress`), votes
-- `messageAddress` (was `messageHash`). A "did not exist" entry (null image) of a message whose row is gone can be
-- dropped: restoring the absence of an absent row changes nothing.

UPDATE "indexer_undo" u
   SET "row_key" = m."address",
       "image" = CASE WHEN u."image" IS NULL THEN NULL
                      ELSE (u."image" - 'recordAddress') || jsonb_build_object('address', m."address") END
  FROM "messages" m
 WHERE u."table_name" = 'messages' AND m."content_hash" = u."row_key";
DELETE FROM "indexer_undo" WHERE "table_name" = 'messages' AND "row_key" ~ '^[0-9a-f]{64}$' AND "image" IS NULL;
UPDATE "indexer_undo"
   SET "row_key" = coalesce("image"->>'recordAddress',
                            choir_message_address("image"->>'threadAddress', "row_key")),
       "image" = ("image" - 'recordAddress') || jsonb_build_object('address', coalesce("image"->>'recordAddress',
                            choir_message_address("image"->>'threadAddress', "row_key")))
 WHERE "table_name" = 'messages' AND "row_key" ~ '^[0-9a-f]{64}$';

UPDATE "indexer_undo" u
   SET "row_key" = m."address" || ':' || split_part(u."row_key", ':', 2),
       "image" = CASE WHEN u."image" IS NULL THEN NULL
                      ELSE (u."image" - 'messageHash') || jsonb_build_object('messageAddress', m."address") END
  FROM "messages" m
 WHERE u."table_name" = 'votes' AND m."content_hash" = split_part(u."row_key", ':', 1);
-- Votes of a message that no longer exists cannot be restored (their foreign key would refuse them).
DELETE FROM "indexer_undo" WHERE "table_name" = 'votes' AND split_part("row_key", ':', 1) ~ '^[0-9a-f]{64}$';

-- ── outbox: vector-payload items name messages by address ───────────────────────────────────────────────────────

UPDATE "outbox" o
   SET "key" = 'message:' || m."address",
       "payload" = jsonb_build_object('messageAddresses', jsonb_build_array(m."address"), 'patch', o."payload"->'patch')
  FROM "messages" m
 WHERE o."kind" = 'vector.payload' AND o."key" = 'message:' || m."content_hash";

-- ── event payloads: messageAddress beside contentHash ───────────────────────────────────────────────────────────

UPDATE "events" e
   SET "payload" = e."payload" || jsonb_build_object('messageAddress', m."address")
  FROM "messages" m
 WHERE e."payload" ? 'contentHash' AND NOT e."payload" ? 'messageAddress'
   AND m."thread_address" = e."thread_address" AND m."content_hash" = e."payload"->>'contentHash';

UPDATE "events" e
   SET "payload" = e."payload" || jsonb_build_object('messageAddresses', (
         SELECT coalesce(jsonb_agg(m."address" ORDER BY m."address"), '[]'::jsonb)
           FROM jsonb_array_elements_text(e."payload"->'contentHashes') h
           JOIN "messages" m ON m."thread_address" = e."thread_address" AND m."content_hash" = h))
 WHERE e."type" = 'CommitmentChanged' AND e."payload" ? 'contentHashes' AND NOT e."payload" ? 'messageAddresses';

-- ── old columns ─────────────────────────────────────────────────────────────────────────────────────────────────

ALTER TABLE "messages" DROP COLUMN "record_address";
ALTER TABLE "votes" DROP COLUMN "message_hash";

-- ── comments (psql \d+ shows them to analysts) ─────────────────────────────────────────────────────────────────

COMMENT ON TABLE "messages" IS 'Messages and specs. Identity: address, the Message PDA ["message", thread, content_hash] (base58). The same content may appear in many threads; (thread_address, content_hash) is unique. status = backend pipeline, chain_status = program.';
COMMENT ON COLUMN "messages"."address" IS 'The message''s identity: its record address, the Message PDA of thread and content hash (choir_message_address(thread_address, content_hash) derives it).';
COMMENT ON COLUMN "messages"."content_hash" IS 'sha256 of the UTF-8 content, lowercase hex; unique within its thread only.';
COMMENT ON TABLE "votes" IS 'One co-author vote on a spec, keyed by the spec''s address and the voter.';
COMMENT ON COLUMN "votes"."message_address" IS 'The spec voted on (messages.address).';
COMMENT ON FUNCTION choir_message_address(text, text, text) IS 'The Message PDA ["message", thread, content_hash] of a program (default: the Choir dev program id), base58.';
