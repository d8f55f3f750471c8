/*
 * submit_spec(content_hash, stake): someone who is not a co-author proposes content and escrows a stake in the
 * new Message PDA (created with rent + stake lamports, paid by the author).
 * accounts: 0 author (signer, writable), 1 thread (writable), 2 message PDA (writable, empty), 3 System program
 * data: u8 tag | content_hash[32] | u64 stake
 */
#include "errors.h"
#include "layout.h"
#include "sol.h"

static u64 submit_spec(Input *in) {
  if (in->account_count < 4) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (in->data_len != 41) return ERR_INVALID_INSTRUCTION_DATA;
  u64 stake = load_u64(in->data + 33);
  Account *author = &in->accounts[0];
  Account *thread = &in->accounts[1];
  Account *message = &in->accounts[2];
  TRY(require_signer(author));
  TRY(require_writable(author));
  TRY(require_system_program(&in->accounts[3]));
  Thread *t;
  TRY(load_thread(thread, in->program_id, &t));
  if (co_author_position(t, author->key) >= 0) return ERR_CO_AUTHOR_CANNOT_SUBMIT_SPEC;
  if (t->co_author_count >= MAX_CO_AUTHORS) return ERR_THREAD_FULL;
  if (stake < t->min_stake) return ERR_STAKE_BELOW_MINIMUM;
  if (t->spec_count == ~(u64)0) return ERR_ARITHMETIC_OVERFLOW;

  Clock clock;
  read_clock(&clock);
  /* Checked before adding: signed overflow is undefined in C, so it cannot be detected afterwards. */
  i64 lifetime = t->spec_lifetime;
  if (lifetime < 0 || clock.unix_timestamp > 0x7fffffffffffffffLL - lifetime) return ERR_ARITHMETIC_OVERFLOW;
  i64 expires_at = clock.unix_timestamp + lifetime;

  NewAccount create = {0, sizeof(Message), in->program_id};
  u64 rent;
  TRY(rent_exempt_minimum(sizeof(Message), &rent));
  TRY(checked_add(rent, stake, &create.lamports));
  if (*author->lamports < create.lamports) return ERR_INSUFFICIENT_FUNDS;
  TRY(create_message_account(in, author, thread, message, &create));

  Message *m = (Message *)message->data;
  key_copy(&m->author, author->key);
  m->message_kind = MESSAGE_KIND_SPEC;
  m->status = STATUS_PENDING;
  m->index = t->spec_count;
  m->stake = stake;
  m->expires_at = expires_at;
  m->created_at = clock.unix_timestamp;
  m->created_slot = clock.slot;
  m->updated_at = clock.unix_timestamp;
  m->updated_slot = clock.slot;
  t->spec_count += 1;
  touch_thread(t, &clock);
  return 0;
}
