/*
 * Relayed authorization: instead of signing the transaction, the creator/author/voter signs a canonical message
 * and the transaction carries an Ed25519 precompile instruction verifying it, placed immediately before ours.
 * The precompile only proves "this key signed these bytes somewhere in the transaction"; binding them to this
 * instruction is our job: one signature, all three instruction indexes 0xFFFF (data inside the precompile
 * instruction itself), the expected public key and exactly the canonical message.
 *
 * Instructions sysvar data: u16 count; u16 offsets[count]; per instruction at its offset: u16 account count,
 * 33 bytes per account (flags + key), program id (32), u16 data length, data; the last 2 bytes hold the index of
 * the instruction being executed.
 */
#include "errors.h"
#include "sol.h"

typedef struct {
  const u8 *prefix; /* domain tag, e.g. "CHOIR_MSG_V1" */
  u64 prefix_len;
  const u8 *first; /* 32 bytes */
  const u8 *rest;
  u64 rest_len;
} CanonicalMessage;

#define ED25519_HEADER 2
#define ED25519_OFFSETS 14
#define SELF_INSTRUCTION 0xffff

/* Locates the data of the instruction just before the current one, which must be the Ed25519 precompile. */
static u64 previous_ed25519_data(const Account *sysvar, const u8 **data, u64 *data_len) {
  const u8 *d = sysvar->data;
  u64 len = sysvar->data_len;
  if (len < 4) return ERR_INVALID_INSTRUCTIONS_SYSVAR;
  u64 current = load_u16(d + len - 2);
  u64 count = load_u16(d);
  if (current == 0) return ERR_MISSING_ED25519_INSTRUCTION;
  if (current > count || 2 + 2 * count > len - 2) return ERR_INVALID_INSTRUCTIONS_SYSVAR;
  u64 at = load_u16(d + 2 + 2 * (current - 1));
  if (at + 2 > len - 2) return ERR_INVALID_INSTRUCTIONS_SYSVAR;
  u64 program_at = at + 2 + 33 * (u64)load_u16(d + at);
  if (program_at + 34 > len - 2) return ERR_INVALID_INSTRUCTIONS_SYSVAR;
  if (!key_equal((const Pubkey *)(d + program_at), &ED25519_PROGRAM_ID)) return ERR_MISSING_ED25519_INSTRUCTION;
  u64 n = load_u16(d + program_at + 32);
  if (program_at + 34 + n > len - 2) return ERR_INVALID_INSTRUCTIONS_SYSVAR;
  *data = d + program_at + 34;
  *data_len = n;
  return 0;
}

static u64 verify_relayed(const Account *sysvar, const Pubkey *signer, const CanonicalMessage *msg) {
  const u8 *ed;
  u64 ed_len;
  TRY(previous_ed25519_data(sysvar, &ed, &ed_len));
  if (ed_len < ED25519_HEADER + ED25519_OFFSETS || ed[0] != 1) return ERR_INVALID_ED25519_INSTRUCTION;
  const u8 *o = ed + ED25519_HEADER;
  u64 signature_ix = load_u16(o + 2);
  u64 pubkey_at = load_u16(o + 4);
  u64 pubkey_ix = load_u16(o + 6);
  u64 message_at = load_u16(o + 8);
  u64 message_len = load_u16(o + 10);
  u64 message_ix = load_u16(o + 12);
  if (signature_ix != SELF_INSTRUCTION || pubkey_ix != SELF_INSTRUCTION || message_ix != SELF_INSTRUCTION)
    return ERR_INVALID_ED25519_INSTRUCTION;
  if (pubkey_at + 32 > ed_len || message_at + message_len > ed_len) return ERR_INVALID_ED25519_INSTRUCTION;
  if (!bytes_equal(ed + pubkey_at, signer->x, 32)) return ERR_ED25519_SIGNER_MISMATCH;
  const u8 *m = ed + message_at;
  if (message_len != msg->prefix_len + 32 + msg->rest_len || !bytes_equal(m, msg->prefix, msg->prefix_len) ||
      !bytes_equal(m + msg->prefix_len, msg->first, 32) ||
      !bytes_equal(m + msg->prefix_len + 32, msg->rest, msg->rest_len))
    return ERR_ED25519_MESSAGE_MISMATCH;
  return 0;
}

/* The authority either signed the transaction or is vouched for by a matching Ed25519 instruction. */
static u64 authorize(const Account *authority, const Account *sysvar, const CanonicalMessage *msg) {
  if (authority->is_signer) return 0;
  return verify_relayed(sysvar, authority->key, msg);
}
