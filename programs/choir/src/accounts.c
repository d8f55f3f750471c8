/* Account checks shared by the instructions: signers, writability, owners, sizes, PDA derivations. */
#include "errors.h"
#include "layout.h"
#include "sol.h"

static const u8 THREAD_SEED[6] = {'t', 'h', 'r', 'e', 'a', 'd'};
static const u8 MESSAGE_SEED[7] = {'m', 'e', 's', 's', 'a', 'g', 'e'};

static u64 require_signer(const Account *a) { return a->is_signer ? 0 : ERR_MISSING_REQUIRED_SIGNATURE; }

static u64 require_writable(const Account *a) { return a->is_writable ? 0 : ERR_ACCOUNT_NOT_WRITABLE; }

static u64 require_system_program(const Account *a) {
  return key_equal(a->key, &SYSTEM_PROGRAM_ID) ? 0 : ERR_INVALID_SYSTEM_PROGRAM;
}

static u64 require_instructions_sysvar(const Account *a) {
  return key_equal(a->key, &INSTRUCTIONS_SYSVAR_ID) ? 0 : ERR_INVALID_INSTRUCTIONS_SYSVAR;
}

/* A fresh PDA must still be an empty System account; anything else means it was already created. */
static u64 require_uninitialized(const Account *a, u64 already_error) {
  if (!key_equal(a->owner, &SYSTEM_PROGRAM_ID) || a->data_len != 0) return already_error;
  return 0;
}

/* seeds: "thread", thread_id [, bump] */
static void thread_seeds(Bytes seeds[3], const Pubkey *thread_id, const u8 *bump) {
  seeds[0].addr = THREAD_SEED;
  seeds[0].len = sizeof(THREAD_SEED);
  seeds[1].addr = thread_id->x;
  seeds[1].len = 32;
  seeds[2].addr = bump;
  seeds[2].len = 1;
}

/* seeds: "message", thread, content_hash [, bump] */
static void message_seeds(Bytes seeds[4], const Pubkey *thread, const u8 *content_hash, const u8 *bump) {
  seeds[0].addr = MESSAGE_SEED;
  seeds[0].len = sizeof(MESSAGE_SEED);
  seeds[1].addr = thread->x;
  seeds[1].len = 32;
  seeds[2].addr = content_hash;
  seeds[2].len = 32;
  seeds[3].addr = bump;
  seeds[3].len = 1;
}

/* Finds the canonical bump and checks `expected` is that address (new accounts: the canonical bump only). */
static u64 find_pda(const Bytes *seeds, u64 count, const Pubkey *program_id, const Pubkey *expected, u8 *bump) {
  Pubkey derived;
  if (sol_try_find_program_address(seeds, count, program_id, &derived, bump) != 0) return ERR_INVALID_PDA;
  return key_equal(&derived, expected) ? 0 : ERR_INVALID_PDA;
}

/* Re-derives an existing PDA from its stored (canonical) bump: one hash instead of a search. */
static u64 check_pda(const Bytes *seeds, u64 count, const Pubkey *program_id, const Pubkey *expected) {
  Pubkey derived;
  if (sol_create_program_address(seeds, count, program_id, &derived) != 0) return ERR_INVALID_PDA;
  return key_equal(&derived, expected) ? 0 : ERR_INVALID_PDA;
}

/* A writable, program-owned Thread at its PDA. */
static u64 load_thread(const Account *a, const Pubkey *program_id, Thread **out) {
  TRY(require_writable(a));
  if (!key_equal(a->owner, program_id)) return ERR_INVALID_ACCOUNT_OWNER;
  if (a->data_len != sizeof(Thread)) return ERR_INVALID_ACCOUNT_DATA;
  Thread *t = (Thread *)a->data;
  if (t->version != LAYOUT_VERSION || t->kind != KIND_THREAD || t->co_author_count == 0 ||
      t->co_author_count > MAX_CO_AUTHORS)
    return ERR_INVALID_ACCOUNT_DATA;
  Bytes seeds[3];
  thread_seeds(seeds, &t->thread_id, &t->bump);
  TRY(check_pda(seeds, 3, program_id, a->key));
  *out = t;
  return 0;
}

/* A writable, program-owned Message of `thread` at its PDA, whose hash is `content_hash`. */
static u64 load_message(const Account *a, const Pubkey *program_id, const Account *thread, const u8 *content_hash,
                        Message **out) {
  TRY(require_writable(a));
  if (!key_equal(a->owner, program_id)) return ERR_INVALID_ACCOUNT_OWNER;
  if (a->data_len != sizeof(Message)) return ERR_INVALID_ACCOUNT_DATA;
  Message *m = (Message *)a->data;
  if (m->version != LAYOUT_VERSION || m->kind != KIND_MESSAGE) return ERR_INVALID_ACCOUNT_DATA;
  if (!key_equal(&m->thread, thread->key)) return ERR_MESSAGE_THREAD_MISMATCH;
  if (!bytes_equal(m->content_hash, content_hash, 32)) return ERR_CONTENT_HASH_MISMATCH;
  Bytes seeds[4];
  message_seeds(seeds, &m->thread, m->content_hash, &m->bump);
  TRY(check_pda(seeds, 4, program_id, a->key));
  *out = m;
  return 0;
}

/* Position of `key` among the thread's co-authors, or -1. */
static int co_author_position(const Thread *t, const Pubkey *key) {
  for (int i = 0; i < t->co_author_count; i++)
    if (key_equal(&t->co_authors[i], key)) return i;
  return -1;
}

static void read_clock(Clock *clock) { sol_get_clock_sysvar(clock); }

static void touch_thread(Thread *t, const Clock *clock) {
  t->updated_at = clock->unix_timestamp;
  t->updated_slot = clock->slot;
}
