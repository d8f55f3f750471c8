/*
 * Divest accounting. The thread's income (forfeited stakes, approval remainders, lamports sent to it directly) is
 * owed equally to the co-authors of the moment it arrives. The program cannot see a direct transfer, so it keeps
 * `accounted_lamports` (the balance it has accounted for) and treats anything above it as income that arrived
 * since the last fold. Folding adds income / co_author_count to `income_per_co_author` and the whole income to
 * `accounted_lamports`: the rounding remainder stays in the thread, owed to nobody, and is never folded again.
 *
 * A fold must happen before the co-author set changes (final approval, before the author joins) and at divest;
 * income that waits for the next fold is still owed to the set that was there when it arrived, because the set
 * cannot change without a fold. Owed amounts never exceed accounted_lamports - rent (see README "Divest"), so
 * paying them keeps the thread rent-exempt.
 */
#include "errors.h"
#include "layout.h"
#include "sol.h"

static u64 fold_income(const Account *thread, Thread *t) {
  u64 lamports = *thread->lamports;
  /* Only the program debits the thread, and every debit lowers accounted_lamports first: lamports >= accounted. */
  if (lamports <= t->accounted_lamports) return 0;
  u64 income = lamports - t->accounted_lamports;
  u64 share = income / t->co_author_count;
  TRY(checked_add(t->income_per_co_author, share, &t->income_per_co_author));
  t->accounted_lamports = lamports;
  return 0;
}

/* What co-author `i` may still withdraw: entitlement since joining minus what was already paid. */
static u64 owed_to(const Thread *t, u64 i, u64 *out) {
  u64 entitlement = t->income_per_co_author - t->income_at_join[i];
  if (t->income_at_join[i] > t->income_per_co_author || t->withdrawn[i] > entitlement) return ERR_INVALID_ACCOUNT_DATA;
  *out = entitlement - t->withdrawn[i];
  return 0;
}

/* A new co-author joins with no claim on anything folded before: its entitlement starts at the current level. */
static void join_co_author(Thread *t, const Pubkey *key) {
  u64 i = t->co_author_count;
  key_copy(&t->co_authors[i], key);
  t->income_at_join[i] = t->income_per_co_author;
  t->withdrawn[i] = 0;
  t->co_author_count += 1;
}
