/*
 * submit_message(content_hash): a co-author publishes.
 * accounts: 0 payer (signer, writable), 1 author (signer, or relayed), 2 thread (writable), 3 message PDA
 *           (writable, empty), 4 System program, 5 Instructions sysvar
 * data: u8 tag | content_hash[32]
 */
#include "errors.h"
#include "layout.h"
#include "sol.h"

static const u8 MESSAGE_DOMAIN[12] = {'C', 'H', 'O', 'I', 'R', '_', 'M', 'S', 'G', '_', 'V', '1'};

static u64 submit_message(Input *in) {
  if (in->account_count < 6) return ERR_NOT_ENOUGH_ACCOUNTS;
  if (in->data_len != 33) return ERR_INVALID_INSTRUCTION_DATA;
  const u8 *content_hash = in->data + 1;
  Account *payer = &in->accounts[0];
  Account *author = &in->accounts[1];
  Account *thread = &in->accounts[2];
  Account *message = &in->accounts[3];
  TRY(require_signer(payer));
  TRY(require_writable(payer));
  TRY(require_system_program(&in->accounts[4]));
  TRY(require_instructions_sysvar(&in->accounts[5]));
  Thread *t;
  TRY(load_thread(thread, in->program_id, &t));
  if (co_author_position(t, author->key) < 0) return ERR_NOT_CO_AUTHOR;
  CanonicalMessage msg = {MESSAGE_DOMAIN, sizeof(MESSAGE_DOMAIN), thread->key->x, content_hash, 32};
  TRY(authorize(author, &in->accounts[5], &msg));

  NewAccount create = {0, sizeof(Message), in->program_id};
  TRY(rent_exempt_minimum(sizeof(Message), &create.lamports));
  TRY(create_message_account(in, payer, thread, message, &create));

  Clock clock;
  read_clock(&clock);
  Message *m = (Message *)message->data;
  key_copy(&m->author, author->key);
  m->message_kind = MESSAGE_KIND_MESSAGE;
  m->status = STATUS_PUBLISHED;
  m->index = t->message_count;
  m->created_at = clock.unix_timestamp;
  m->created_slot = clock.slot;
  m->updated_at = clock.unix_timestamp;
  m->updated_slot = clock.slot;
  TRY(append_to_root(t, content_hash));
  touch_thread(t, &clock);
  return 0;
}
