/*
 * divest(): a co-author withdraws what it is owed: its equal share of every lamport the thread received while it
 * was a co-author, minus what it already withdrew (income.c). A second divest right after pays nothing.
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
  int position = co_author_position(t, co_author->key);
  if (position < 0) return ERR_NOT_CO_AUTHOR;
  TRY(fold_income(thread, t));
  u64 owed;
  TRY(owed_to(t, (u64)position, &owed));
  if (owed == 0) return ERR_NOTHING_TO_DIVEST;
  bool_t ok;
  TRY(can_receive(co_author, owed, &ok));
  if (!ok) return ERR_RECIPIENT_NOT_RENT_EXEMPT;
  /* Defence in depth: the accounting guarantees it, the runtime would refuse it anyway. */
  u64 rent;
  TRY(rent_exempt_minimum(sizeof(Thread), &rent));
  if (owed > t->accounted_lamports || t->accounted_lamports - owed < rent) return ERR_INSUFFICIENT_FUNDS;
  TRY(move_lamports(thread, co_author, owed));
  t->accounted_lamports -= owed;
  t->withdrawn[position] += owed; /* <= income_per_co_author: owed_to checked it */
  Clock clock;
  read_clock(&clock);
  touch_thread(t, &clock);
  return 0;
}
