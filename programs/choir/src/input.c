/*
 * Parses the loader's serialized input (BPF Loader Upgradeable / loader v2 "aligned" format):
 *   u64 account count; per account either a duplicate marker (u8 index + 7 bytes padding) or
 *   u8 0xff, is_signer, is_writable, executable, 4 bytes padding, key, owner, u64 lamports, u64 data_len, data,
 *   10 KiB realloc space, padding to 8, u64 rent_epoch; then u64 instruction data length, data, program id.
 */
#include "sol.h"

#define MAX_ACCOUNTS 16
#define MAX_PERMITTED_DATA_INCREASE 10240

typedef struct {
  Account accounts[MAX_ACCOUNTS];
  u64 account_count; /* accounts parsed, at most MAX_ACCOUNTS (extra accounts are skipped, never read) */
  const u8 *data;
  u64 data_len;
  const Pubkey *program_id;
} Input;

static void parse_input(u8 *p, Input *in) {
  u64 total = *(u64 *)p;
  p += 8;
  in->account_count = 0;
  for (u64 i = 0; i < total; i++) {
    u8 dup = *p;
    if (dup != 0xff) {
      /* A duplicate points at an earlier position; the runtime guarantees dup < i. */
      if (i < MAX_ACCOUNTS && dup < MAX_ACCOUNTS) in->accounts[i] = in->accounts[dup];
      p += 8;
    } else {
      Account a;
      a.is_signer = p[1];
      a.is_writable = p[2];
      a.executable = p[3];
      p += 8;
      a.key = (Pubkey *)p;
      p += 32;
      a.owner = (Pubkey *)p;
      p += 32;
      a.lamports = (u64 *)p;
      p += 8;
      a.data_len = *(u64 *)p;
      p += 8;
      a.data = p;
      p += a.data_len + MAX_PERMITTED_DATA_INCREASE;
      p = (u8 *)(((u64)p + 7) & ~(u64)7);
      a.rent_epoch = *(u64 *)p;
      p += 8;
      if (i < MAX_ACCOUNTS) in->accounts[i] = a;
    }
    if (i < MAX_ACCOUNTS) in->account_count = i + 1;
  }
  in->data_len = *(u64 *)p;
  p += 8;
  in->data = p;
  p += in->data_len;
  in->program_id = (const Pubkey *)p;
}
