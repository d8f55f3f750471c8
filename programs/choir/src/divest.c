/*
 * divest(): a co-author takes an equal share of the thread's balance above its rent-exempt minimum
 * ((lamports - rent) / co-author count, rounded down; the remainder stays in the thread).
 * accounts: 0 co-author (signer, writable), 1 thread (writable)
 * data: u8 tag
 */
#include "errors.h"
#include "layout.h"
#include "sol.h"

static u64 divest(Input *in) {
  if (in->account_count < 2) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (in->data_len != 1) return ERR_INVALID_INSTRUCTION_DATA;
  Account *co_author = &in->accounts[0];
  Account *thread = &in->accounts[1];
  TRY(require_signer(co_author));
  TRY(require_writable(co_author));
  Thread *t;
  TRY(load_thread(thread, in->program_id, &t));
  if (co_author_position(t, co_author->key) < 0) return ERR_NOT_CO_AUTHOR;
  u64 rent;
  TRY(rent_exempt_minimum(sizeof(Thread), &rent));
  u64 balance = *thread->lamports > rent ? *thread->lamports - rent : 0;
  u64 share = balance / t->co_author_count;
  if (share == 0) return ERR_NOTHING_TO_DIVEST;
  bool_t ok;
  TRY(can_receive(co_author, share, &ok));
  if (!ok) return ERR_RECIPIENT_NOT_RENT_EXEMPT;
  TRY(move_lamports(thread, co_author, share));
  Clock clock;
  read_clock(&clock);
  touch_thread(t, &clock);
  return 0;
}
