/* Cross-program invocation of the System program: creating a PDA account owned by this program. */
#include "errors.h"
#include "sol.h"

#define SYSTEM_CREATE_ACCOUNT_LEN 52

typedef struct {
  u64 lamports;
  u64 space;
  const Pubkey *owner;
} NewAccount;

/* CreateAccount(payer -> target), signed with the target's PDA seeds (including its bump). */
static u64 create_pda_account(Account *payer, Account *target, const NewAccount *spec, const Bytes *seeds,
                              u64 seed_count) {
  u8 data[SYSTEM_CREATE_ACCOUNT_LEN];
  data[0] = data[1] = data[2] = data[3] = 0; /* u32 instruction index 0 = CreateAccount */
  for (int i = 0; i < 8; i++) data[4 + i] = (u8)(spec->lamports >> (8 * i));
  for (int i = 0; i < 8; i++) data[12 + i] = (u8)(spec->space >> (8 * i));
  copy_bytes(data + 20, spec->owner->x, 32);
  AccountMeta metas[2] = {{payer->key, 1, 1}, {target->key, 1, 1}};
  CpiInstruction ix = {(Pubkey *)&SYSTEM_PROGRAM_ID, metas, 2, data, SYSTEM_CREATE_ACCOUNT_LEN};
  Account infos[2] = {*payer, *target};
  SignerSeeds signer = {seeds, seed_count};
  if (sol_invoke_signed_c(&ix, infos, 2, &signer, 1) != 0) return ERR_SYSCALL_FAILED;
  return 0;
}
