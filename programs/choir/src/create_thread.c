/*
 * create_thread(thread_id, min_stake, spec_lifetime, co_authors)
 * accounts: 0 payer (signer, writable), 1 creator (signer, or relayed), 2 thread PDA (writable, empty),
 *           3 System program, 4 Instructions sysvar
 * data: u8 tag | thread_id[32] | u64 min_stake | i64 spec_lifetime (0 = 7 days) | u8 n | n x pubkey (creator first)
 * The thread PDA may already hold lamports (anyone can send them): cpi.c adopts it instead of creating it.
 */
#include "errors.h"
#include "layout.h"
#include "sol.h"

#define CREATE_THREAD_FIXED_LEN 50

static const u8 THREAD_DOMAIN[15] = {'C', 'H', 'O', 'I', 'R', '_', 'T', 'H', 'R', 'E', 'A', 'D', '_', 'V', '2'};

/* After the domain tag and the program id: thread_id (32) | sha256(co-authors) (32) | min_stake | spec_lifetime. */
#define THREAD_TERMS_LEN 80

/*
 * The relayed creator signs "CHOIR_THREAD_V2" || program_id || thread_id || sha256(co-authors) || min_stake ||
 * spec_lifetime (as sent, 0 = default): 127 bytes. The program id keeps a signature from creating the thread on
 * another deployment; the terms keep a relayer from choosing them.
 */
static u64 verify_thread_signature(Input *in, const Account *creator, const Pubkey *keys, u64 n) {
  u8 terms[THREAD_TERMS_LEN];
  copy_bytes(terms, in->data + 1, 32); /* thread_id */
  Bytes all = {(const u8 *)keys, 32 * n};
  if (sol_sha256(&all, 1, terms + 32) != 0) return ERR_SYSCALL_FAILED;
  copy_bytes(terms + 64, in->data + 33, 16); /* min_stake and spec_lifetime, little-endian as in the data */
  CanonicalMessage msg = {THREAD_DOMAIN, sizeof(THREAD_DOMAIN), in->program_id->x, terms, THREAD_TERMS_LEN};
  return verify_relayed(&in->accounts[4], creator->key, &msg);
}

static u64 validate_co_authors(const Pubkey *keys, u64 n, const Pubkey *creator) {
  if (!key_equal(&keys[0], creator)) return ERR_CREATOR_NOT_FIRST_CO_AUTHOR;
  for (u64 i = 1; i < n; i++)
    for (u64 j = 0; j < i; j++)
      if (key_equal(&keys[i], &keys[j])) return ERR_DUPLICATE_CO_AUTHOR;
  return 0;
}

static u64 create_thread(Input *in) {
  if (in->account_count < 5) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (in->data_len < CREATE_THREAD_FIXED_LEN) return ERR_INVALID_INSTRUCTION_DATA;
  const u8 *d = in->data;
  u64 n = d[49];
  if (n == 0 || n > MAX_CO_AUTHORS) return ERR_INVALID_CO_AUTHOR_COUNT;
  if (in->data_len != CREATE_THREAD_FIXED_LEN + 32 * n) return ERR_INVALID_INSTRUCTION_DATA;
  const Pubkey *thread_id = (const Pubkey *)(d + 1);
  u64 min_stake = load_u64(d + 33);
  i64 lifetime = (i64)load_u64(d + 41);
  const Pubkey *keys = (const Pubkey *)(d + CREATE_THREAD_FIXED_LEN);

  Account *payer = &in->accounts[0];
  Account *creator = &in->accounts[1];
  Account *thread = &in->accounts[2];
  TRY(require_signer(payer));
  TRY(require_writable(payer));
  TRY(require_writable(thread));
  TRY(require_system_program(&in->accounts[3]));
  TRY(require_instructions_sysvar(&in->accounts[4]));
  TRY(require_uninitialized(thread, ERR_ACCOUNT_ALREADY_INITIALIZED));
  if (lifetime == 0) lifetime = DEFAULT_SPEC_LIFETIME;
  if (lifetime < 0 || lifetime > MAX_SPEC_LIFETIME) return ERR_INVALID_SPEC_LIFETIME;
  TRY(validate_co_authors(keys, n, creator->key));

  u8 bump;
  Bytes seeds[3];
  thread_seeds(seeds, thread_id, &bump);
  TRY(find_pda(seeds, 2, in->program_id, thread->key, &bump));

  if (!creator->is_signer) TRY(verify_thread_signature(in, creator, keys, n));

  NewAccount create = {0, sizeof(Thread), in->program_id};
  TRY(rent_exempt_minimum(sizeof(Thread), &create.lamports));
  TRY(create_pda_account(payer, thread, &create, seeds, 3));

  Clock clock;
  read_clock(&clock);
  Thread *t = (Thread *)thread->data;
  /* The System program hands over new account data zeroed: reserved bytes and counters start at 0. */
  t->version = THREAD_LAYOUT_VERSION;
  t->kind = KIND_THREAD;
  t->bump = bump;
  t->co_author_count = (u8)n;
  key_copy(&t->thread_id, thread_id);
  key_copy(&t->creator, creator->key);
  copy_bytes((u8 *)t->co_authors, (const u8 *)keys, 32 * n);
  t->min_stake = min_stake;
  t->spec_lifetime = lifetime;
  t->created_at = clock.unix_timestamp;
  t->created_slot = clock.slot;
  /* Lamports above rent (a pre-funded address) are income for the first co-authors, folded like any other. */
  t->accounted_lamports = create.lamports;
  touch_thread(t, &clock);
  return 0;
}
