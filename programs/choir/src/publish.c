/* Shared pieces of submit_message and submit_spec: the new Message PDA and the content root. */
#include "errors.h"
#include "layout.h"
#include "sol.h"

/*
 * Checks the Message PDA for (thread, content_hash) is fresh and creates it. Both submit instructions carry the
 * content hash right after their tag byte.
 */
static u64 create_message_account(Input *in, Account *payer, Account *thread, Account *message,
                                  NewAccount *create) {
  const u8 *content_hash = in->data + 1;
  TRY(require_writable(message));
  u8 bump;
  Bytes seeds[4];
  message_seeds(seeds, thread->key, content_hash, &bump);
  TRY(find_pda(seeds, 3, in->program_id, message->key, &bump));
  /* The canonical address already holds a program account: this content was published in this thread. */
  if (key_equal(message->owner, in->program_id)) return ERR_DUPLICATE_CONTENT_HASH;
  TRY(require_uninitialized(message, ERR_ACCOUNT_ALREADY_INITIALIZED));
  TRY(create_pda_account(payer, message, create, seeds, 4));
  /* Lamports someone sent to the address beforehand: the message keeps exactly rent (+ stake); the rest is the
     thread's income like any other transfer to it. */
  if (*message->lamports > create->lamports) TRY(move_lamports(message, thread, *message->lamports - create->lamports));
  Message *m = (Message *)message->data;
  /* New account data is zeroed by the System program: every field not set below starts at 0. */
  m->version = MESSAGE_LAYOUT_VERSION;
  m->kind = KIND_MESSAGE;
  m->bump = bump;
  key_copy(&m->thread, thread->key);
  copy_bytes(m->content_hash, content_hash, 32);
  return 0;
}

/* root' = sha256(root || content_hash), and one more message in the thread. */
static u64 append_to_root(Thread *t, const u8 *content_hash) {
  if (t->message_count == ~(u64)0) return ERR_ARITHMETIC_OVERFLOW;
  Bytes parts[2] = {{t->content_root, 32}, {content_hash, 32}};
  if (sol_sha256(parts, 2, t->content_root) != 0) return ERR_SYSCALL_FAILED;
  t->message_count += 1;
  return 0;
}
