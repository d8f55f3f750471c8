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

static const u8 PDA_MARKER[21] = {'P', 'r', 'o', 'g', 'r', 'a', 'm', 'D', 'e', 'r', 'i', 'v', 'e', 'd',
                                   'A', 'd', 'd', 'r', 'e', 's', 's'};

/*
 * PDAs are derived here from two cheap syscalls instead of sol_create_program_address /
 * sol_try_find_program_address (1,500 CU per bump tried): the address for seeds s and bump b is
 * sha256(s... || b || program_id || "ProgramDerivedAddress") when those 32 bytes are NOT an ed25519 point, which
 * is exactly the runtime's create_program_address (same hash, same curve25519-dalek decompression check behind
 * sol_curve_validate_point). One try costs sol_sha256 (~165 CU) + sol_curve_validate_point (159 CU).
 *
 * `seeds` holds `count` seeds followed by a slot whose addr is the bump byte (thread_seeds / message_seeds), so the
 * same array can sign the System CPI afterwards.
 */
#define MAX_PDA_SEEDS 3

typedef struct {
  Bytes parts[MAX_PDA_SEEDS + 3]; /* seeds..., bump, program id, marker */
  u64 count;
} PdaPreimage;

static void pda_preimage(PdaPreimage *p, const Bytes *seeds, u64 count, const Pubkey *program_id) {
  for (u64 i = 0; i <= count; i++) p->parts[i] = seeds[i]; /* the seeds and the bump slot */
  p->parts[count + 1].addr = program_id->x;
  p->parts[count + 1].len = 32;
  p->parts[count + 2].addr = PDA_MARKER;
  p->parts[count + 2].len = sizeof(PDA_MARKER);
  p->count = count + 3;
}

/* Hashes the preimage with the bump byte it currently points at; `off_curve` says whether that is a PDA. */
static u64 pda_try(const PdaPreimage *p, Pubkey *out, bool_t *off_curve) {
  if (sol_sha256(p->parts, p->count, out->x) != 0) return ERR_SYSCALL_FAILED;
  u8 unused;
  *off_curve = sol_curve_validate_point(CURVE25519_EDWARDS, out->x, &unused) != 0;
  return 0;
}

/*
 * Finds the canonical bump (the first of 255, 254, ..., 1 whose hash is off the curve, as
 * sol_try_find_program_address and web3's findProgramAddressSync do: bump 0 is never tried) and checks `expected`
 * is that address (new accounts: the canonical bump only). `bump` must be the byte seeds[count] points at: each try
 * writes it, and the hash (then the CPI signature) reads it through the seeds.
 */
static u64 find_pda(const Bytes *seeds, u64 count, const Pubkey *program_id, const Pubkey *expected, u8 *bump) {
  PdaPreimage p;
  pda_preimage(&p, seeds, count, program_id);
  Pubkey derived;
  bool_t off_curve;
  for (u64 b = 255; b >= 1; b--) {
    *bump = (u8)b;
    TRY(pda_try(&p, &derived, &off_curve));
    if (off_curve) return key_equal(&derived, expected) ? 0 : ERR_INVALID_PDA;
  }
  return ERR_INVALID_PDA;
}

/* Re-derives an existing PDA from its stored (canonical) bump, which seeds[count] points at: one try. */
static u64 check_pda(const Bytes *seeds, u64 count, const Pubkey *program_id, const Pubkey *expected) {
  PdaPreimage p;
  pda_preimage(&p, seeds, count, program_id);
  Pubkey derived;
  bool_t off_curve;
  TRY(pda_try(&p, &derived, &off_curve));
  return off_curve && key_equal(&derived, expected) ? 0 : ERR_INVALID_PDA;
}

/* A writable, program-owned Thread at its PDA. */
static u64 load_thread(const Account *a, const Pubkey *program_id, Thread **out) {
  TRY(require_writable(a));
  if (!key_equal(a->owner, program_id)) return ERR_INVALID_ACCOUNT_OWNER;
  if (a->data_len != sizeof(Thread)) return ERR_INVALID_ACCOUNT_DATA;
  Thread *t = (Thread *)a->data;
  if (t->version != THREAD_LAYOUT_VERSION || t->kind != KIND_THREAD || t->co_author_count == 0 ||
      t->co_author_count > MAX_CO_AUTHORS)
    return ERR_INVALID_ACCOUNT_DATA;
  Bytes seeds[3];
  thread_seeds(seeds, &t->thread_id, &t->bump);
  TRY(check_pda(seeds, 2, program_id, a->key));
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
  if (m->version != MESSAGE_LAYOUT_VERSION || m->kind != KIND_MESSAGE) return ERR_INVALID_ACCOUNT_DATA;
  if (!key_equal(&m->thread, thread->key)) return ERR_MESSAGE_THREAD_MISMATCH;
  if (!bytes_equal(m->content_hash, content_hash, 32)) return ERR_CONTENT_HASH_MISMATCH;
  Bytes seeds[4];
  message_seeds(seeds, &m->thread, m->content_hash, &m->bump);
  TRY(check_pda(seeds, 3, program_id, a->key));
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
