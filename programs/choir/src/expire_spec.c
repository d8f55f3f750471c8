/*
 * expire_spec(content_hash): anyone, once a pending spec's expiry time has passed; the stake goes to the thread.
 * accounts: 0 thread (writable), 1 message (writable)
 * data: u8 tag | content_hash[32]
 */
#include "errors.h"
#include "layout.h"
#include "sol.h"

static u64 expire_spec(Input *in) {
  if (in->account_count < 2) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (in->data_len != 33) return ERR_INVALID_INSTRUCTION_DATA;
  Account *thread = &in->accounts[0];
  Account *message = &in->accounts[1];
  Thread *t;
  Message *m;
  TRY(load_thread(thread, in->program_id, &t));
  TRY(load_message(message, in->program_id, thread, in->data + 1, &m));
  if (m->message_kind != MESSAGE_KIND_SPEC) return ERR_NOT_A_SPEC;
  if (m->status != STATUS_PENDING) return ERR_SPEC_NOT_PENDING;
  Clock clock;
  read_clock(&clock);
  if (clock.unix_timestamp < m->expires_at) return ERR_SPEC_NOT_EXPIRED;
  TRY(stake_to_thread(message, thread, m));
  mark_settled(m, STATUS_EXPIRED, &clock);
  touch_thread(t, &clock);
  return 0;
}
