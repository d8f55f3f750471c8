/*
 * vote(content_hash, approve): a co-author approves or denies a pending spec, once, before it expires.
 * Any denial rejects it (stake to the thread). Unanimous approval of the current co-authors approves it: the
 * author joins the co-authors, the spec counts as a message of the thread (count + content root), and the stake
 * is split among the approvers.
 * accounts: 0 voter (signer, or relayed), 1 thread (writable), 2 message (writable), 3 Instructions sysvar,
 *           4.. every co-author in order (writable) when this vote completes the approval
 * data: u8 tag | content_hash[32] | u8 approve (0 or 1)
 */
#include "errors.h"
#include "layout.h"
#include "sol.h"

static const u8 VOTE_DOMAIN[13] = {'C', 'H', 'O', 'I', 'R', '_', 'V', 'O', 'T', 'E', '_', 'V', '1'};

static u64 approve_spec(Input *in, Thread *t, Message *m, const Clock *clock) {
  Account *thread = &in->accounts[1];
  Account *message = &in->accounts[2];
  TRY(pay_approvers(in, thread, message, t, m));
  /* The remainder and skipped shares just received belong to the co-authors before the author joins. */
  TRY(fold_income(thread, t));
  if (co_author_position(t, &m->author) < 0) {
    if (t->co_author_count >= MAX_CO_AUTHORS) return ERR_THREAD_FULL;
    join_co_author(t, &m->author);
  }
  TRY(append_to_root(t, m->content_hash));
  mark_settled(m, STATUS_APPROVED, clock);
  return 0;
}

static u64 vote(Input *in) {
  if (in->account_count < 4) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (in->data_len != 34 || in->data[33] > 1) return ERR_INVALID_INSTRUCTION_DATA;
  const u8 *content_hash = in->data + 1;
  const u8 *approve = in->data + 33;
  Account *voter = &in->accounts[0];
  Account *thread = &in->accounts[1];
  Account *message = &in->accounts[2];
  TRY(require_instructions_sysvar(&in->accounts[3]));
  Thread *t;
  Message *m;
  TRY(load_thread(thread, in->program_id, &t));
  TRY(load_message(message, in->program_id, thread, content_hash, &m));
  int position = co_author_position(t, voter->key);
  if (position < 0) return ERR_NOT_CO_AUTHOR;
  CanonicalMessage msg = {VOTE_DOMAIN, sizeof(VOTE_DOMAIN), message->key->x, approve, 1};
  TRY(authorize(voter, &in->accounts[3], &msg));

  if (m->message_kind != MESSAGE_KIND_SPEC) return ERR_NOT_A_SPEC;
  if (m->status != STATUS_PENDING) return ERR_SPEC_NOT_PENDING;
  Clock clock;
  read_clock(&clock);
  if (clock.unix_timestamp >= m->expires_at) return ERR_SPEC_EXPIRED;
  u16 bit = (u16)(1u << position);
  if (((m->approvals | m->denials) & bit) != 0) return ERR_ALREADY_VOTED;

  if (*approve) {
    m->approvals |= bit;
    m->updated_at = clock.unix_timestamp;
    m->updated_slot = clock.slot;
    u16 everyone = (u16)((1u << t->co_author_count) - 1);
    if ((m->approvals & everyone) == everyone) TRY(approve_spec(in, t, m, &clock));
  } else {
    m->denials |= bit;
    TRY(stake_to_thread(message, thread, m));
    mark_settled(m, STATUS_REJECTED, &clock);
  }
  touch_thread(t, &clock);
  return 0;
}
