/*
 * Cross-program invocations of the System program: creating a PDA account owned by this program.
 *
 * Anyone can send lamports to a PDA's address before the account exists, and System CreateAccount refuses an
 * address that holds lamports. A pre-funded address is therefore taken over the way Anchor's `init` does it:
 * Transfer the missing lamports, Allocate the space and Assign it to this program, the last two signed with the
 * PDA's seeds. `require_uninitialized` has already checked the address is still a data-less System account.
 */
#include "errors.h"
#include "sol.h"

#define SYSTEM_CREATE_ACCOUNT_LEN 52
#define SYSTEM_ASSIGN 1
#define SYSTEM_TRANSFER 2
#define SYSTEM_ALLOCATE 8

typedef struct {
  u64 lamports;
  u64 space;
  const Pubkey *owner;
} NewAccount;

static void put_u32(u8 *out, u32 v) {
  for (int i = 0; i < 4; i++) out[i] = (u8)(v >> (8 * i));
}

static void put_u64(u8 *out, u64 v) {
  for (int i = 0; i < 8; i++) out[i] = (u8)(v >> (8 * i));
}

/*
 * One System instruction on `infos` = {payer, target}: both, or the target alone unless `with_payer`; the target
 * signs through its seeds. The runtime writes the callee's changes (the new data length) back into the account
 * infos we pass, and reads them on the next CPI: so the same array serves every call, and the caller copies the
 * length back into its own view at the end.
 */
static u64 invoke_system(Account infos[2], u8 *data, u64 data_len, bool_t with_payer, const SignerSeeds *signer) {
  AccountMeta metas[2] = {{infos[0].key, 1, 1}, {infos[1].key, 1, 1}};
  u64 first = with_payer ? 0 : 1;
  CpiInstruction ix = {(Pubkey *)&SYSTEM_PROGRAM_ID, metas + first, 2 - first, data, data_len};
  if (sol_invoke_signed_c(&ix, infos + first, 2 - first, signer, 1) != 0) return ERR_SYSCALL_FAILED;
  return 0;
}

/* The rare path: the address already holds lamports. Tops it up to `spec->lamports`, allocates and assigns. */
static u64 adopt_prefunded(Account infos[2], const NewAccount *spec, const SignerSeeds *signer) {
  u8 data[36];
  u64 held = *infos[1].lamports;
  if (held < spec->lamports) {
    put_u32(data, SYSTEM_TRANSFER);
    put_u64(data + 4, spec->lamports - held);
    TRY(invoke_system(infos, data, 12, 1, signer));
  }
  put_u32(data, SYSTEM_ALLOCATE);
  put_u64(data + 4, spec->space);
  TRY(invoke_system(infos, data, 12, 0, signer));
  put_u32(data, SYSTEM_ASSIGN);
  copy_bytes(data + 4, spec->owner->x, 32);
  return invoke_system(infos, data, 36, 0, signer);
}

/*
 * Creates `target` (a PDA with these seeds, including its bump) owned by `spec->owner` with at least
 * `spec->lamports` and `spec->space` zeroed bytes. A pre-funded target may end with more lamports than asked.
 */
static u64 create_pda_account(Account *payer, Account *target, const NewAccount *spec, const Bytes *seeds,
                              u64 seed_count) {
  SignerSeeds signer = {seeds, seed_count};
  Account infos[2] = {*payer, *target};
  if (*target->lamports > 0) {
    TRY(adopt_prefunded(infos, spec, &signer));
  } else {
    u8 data[SYSTEM_CREATE_ACCOUNT_LEN];
    put_u32(data, 0); /* CreateAccount */
    put_u64(data + 4, spec->lamports);
    put_u64(data + 12, spec->space);
    copy_bytes(data + 20, spec->owner->x, 32);
    TRY(invoke_system(infos, data, SYSTEM_CREATE_ACCOUNT_LEN, 1, &signer));
  }
  target->data_len = infos[1].data_len;
  return 0;
}
