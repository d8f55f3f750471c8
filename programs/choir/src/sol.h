/*
 * Minimal Solana runtime interface for a freestanding C program compiled to SBPFv0 with clang -target bpfel.
 * No libc, no writable globals, no floating point: everything here is plain integer code and syscalls.
 */
#pragma once

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long i64;
typedef int bool_t;

#define NULL ((void *)0)

typedef struct {
  u8 x[32];
} Pubkey;

/* Same layout as the C SDK's SolAccountInfo, so an Account can be handed to sol_invoke_signed_c directly. */
typedef struct {
  Pubkey *key;
  u64 *lamports;
  u64 data_len;
  u8 *data;
  Pubkey *owner;
  u64 rent_epoch;
  u8 is_signer;
  u8 is_writable;
  u8 executable;
} Account;

typedef struct {
  const u8 *addr;
  u64 len;
} Bytes; /* SolBytes and SolSignerSeed share this layout */

typedef struct {
  const Bytes *addr;
  u64 len;
} SignerSeeds;

typedef struct {
  Pubkey *pubkey;
  u8 is_writable;
  u8 is_signer;
} AccountMeta;

typedef struct {
  Pubkey *program_id;
  AccountMeta *accounts;
  u64 account_len;
  u8 *data;
  u64 data_len;
} CpiInstruction;

typedef struct {
  u64 slot;
  i64 epoch_start_timestamp;
  u64 epoch;
  u64 leader_schedule_epoch;
  i64 unix_timestamp;
} Clock;

typedef struct {
  u64 lamports_per_byte_year;
  u64 exemption_threshold_f64_bits; /* an f64; read as bits because the target has no floating point */
  u8 burn_percent;
} Rent;

/* Syscalls: resolved by name at load time through the packer's dynamic relocations. */
extern void sol_log_(const char *message, u64 len);
extern void sol_log_64_(u64 a, u64 b, u64 c, u64 d, u64 e);
extern u64 sol_sha256(const Bytes *inputs, u64 count, u8 *out);
extern u64 sol_create_program_address(const Bytes *seeds, u64 count, const Pubkey *program_id, Pubkey *out);
extern u64 sol_try_find_program_address(const Bytes *seeds, u64 count, const Pubkey *program_id, Pubkey *out,
                                        u8 *bump);
/* curve25519 point validation: returns 0 when the 32 bytes decompress to a point ON the curve, 1 when they do not
 * (the third argument is unused by the runtime). 159 CU for curve id 0. */
extern u64 sol_curve_validate_point(u64 curve_id, const u8 *point, u8 *result);
extern u64 sol_invoke_signed_c(const CpiInstruction *ix, const Account *infos, u64 infos_len,
                               const SignerSeeds *signers, u64 signers_len);
extern u64 sol_get_clock_sysvar(Clock *out);
extern u64 sol_get_rent_sysvar(Rent *out);

#define SUCCESS 0
#define CURVE25519_EDWARDS 0

static inline u64 load_u64(const u8 *p) {
  u64 v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

static inline u16 load_u16(const u8 *p) { return (u16)(p[0] | ((u16)p[1] << 8)); }

/*
 * Byte helpers work 8 bytes at a time: sBPF allows unaligned loads and stores, and a byte loop costs about four
 * instructions (compute units) per byte.
 */
static inline u64 word_at(const u8 *p) { return *(const u64 *)p; }

static inline void copy_bytes(u8 *dst, const u8 *src, u64 n) {
  u64 i = 0;
  for (; i + 8 <= n; i += 8) *(u64 *)(dst + i) = word_at(src + i);
  for (; i < n; i++) dst[i] = src[i];
}

static inline bool_t bytes_equal(const u8 *a, const u8 *b, u64 n) {
  u64 i = 0;
  for (; i + 8 <= n; i += 8)
    if (word_at(a + i) != word_at(b + i)) return 0;
  for (; i < n; i++)
    if (a[i] != b[i]) return 0;
  return 1;
}

/* Pubkeys compared and copied as four words (aligned or not). */
static inline bool_t key_equal(const Pubkey *a, const Pubkey *b) {
  const u64 *x = (const u64 *)a;
  const u64 *y = (const u64 *)b;
  return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3];
}

static inline void key_copy(Pubkey *dst, const Pubkey *src) {
  u64 *d = (u64 *)dst;
  const u64 *s = (const u64 *)src;
  d[0] = s[0];
  d[1] = s[1];
  d[2] = s[2];
  d[3] = s[3];
}

static inline bool_t key_is_zero(const Pubkey *a) {
  const u64 *x = (const u64 *)a;
  return (x[0] | x[1] | x[2] | x[3]) == 0;
}
