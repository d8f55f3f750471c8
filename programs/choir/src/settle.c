/* Settling a spec's escrowed stake: to the thread (rejected, expired) or split among the approvers. */
#include "errors.h"
#include "layout.h"
#include "sol.h"

/* vote accounts: 0 voter, 1 thread, 2 message, 3 Instructions sysvar, 4.. co-authors (payees) */
#define VOTE_FIRST_PAYEE 4

static void mark_settled(Message *m, u8 status, const Clock *clock) {
  m->status = status;
  m->updated_at = clock->unix_timestamp;
  m->updated_slot = clock->slot;
}

/* The whole stake leaves the Message PDA (which keeps exactly its rent) for the thread. */
static u64 stake_to_thread(Account *message, Account *thread, Message *m) {
  return move_lamports(message, thread, m->stake);
}

/*
 * A payee that would end up below its rent-exempt minimum (for example a co-author key with no account yet) or
 * that is executable cannot be credited; its share goes to the thread instead, so an approval never fails on it.
 */
static u64 can_receive(const Account *payee, u64 amount, bool_t *ok) {
  u64 minimum;
  u64 after;
  if (payee->executable) {
    *ok = 0;
    return 0;
  }
  TRY(rent_exempt_minimum(payee->data_len, &minimum));
  TRY(checked_add(*payee->lamports, amount, &after));
  *ok = after >= minimum;
  return 0;
}

/*
 * Unanimous approval: stake / approvers to each approver (accounts from `first_payee` on, in co-author order,
 * writable), the remainder to the thread.
 */
static u64 pay_approvers(Input *in, Account *thread, Account *message, Thread *t, Message *m) {
  u64 approvers = t->co_author_count;
  u64 first_payee = VOTE_FIRST_PAYEE;
  if (in->account_count < first_payee + approvers) return ERR_MISSING_CO_AUTHOR_ACCOUNTS;
  u64 share = m->stake / approvers;
  u64 paid = 0;
  for (u64 i = 0; i < approvers; i++) {
    Account *payee = &in->accounts[first_payee + i];
    if (!key_equal(payee->key, &t->co_authors[i]) || !payee->is_writable) return ERR_MISSING_CO_AUTHOR_ACCOUNTS;
    /* A co-author key may name the thread or this message itself (an odd but legal list): crediting it there
       would mix its share into the escrow or the thread's accounting, so it goes to the thread as income. */
    if (key_equal(payee->key, thread->key) || key_equal(payee->key, message->key)) continue;
    bool_t ok;
    TRY(can_receive(payee, share, &ok));
    if (!ok) continue;
    TRY(move_lamports(message, payee, share));
    paid += share;
  }
  return move_lamports(message, thread, m->stake - paid);
}
