/* Rent and lamport moves. Every move is checked for overflow and keeps both sides rent-exempt. */
#include "errors.h"
#include "sol.h"

#define ACCOUNT_STORAGE_OVERHEAD 128

/*
 * Rent-exempt minimum for `data_len` bytes. The Rent sysvar holds the exemption threshold as an f64 (2.0, or
 * 1.0 once SIMD-0194 is active); without floating point we accept any small whole number and decode it.
 */
static u64 rent_exempt_minimum(u64 data_len, u64 *out) {
  Rent rent;
  if (sol_get_rent_sysvar(&rent) != 0) return ERR_SYSCALL_FAILED;
  u64 bits = rent.exemption_threshold_f64_bits;
  u64 exponent = (bits >> 52) & 0x7ff;
  u64 mantissa = (bits & ((1ULL << 52) - 1)) | (1ULL << 52);
  if ((bits >> 63) != 0 || exponent < 1023 || exponent > 1023 + 8) return ERR_UNSUPPORTED_RENT;
  u64 shift = 52 - (exponent - 1023);
  if ((mantissa & ((1ULL << shift) - 1)) != 0) return ERR_UNSUPPORTED_RENT;
  u64 threshold = mantissa >> shift; /* 1..511 */
  u64 bytes = data_len + ACCOUNT_STORAGE_OVERHEAD;
  /* Accounts are at most 10 MiB; real rates are a few thousand lamports: 2^25 * 2^20 * 2^9 cannot overflow. */
  if (data_len > (1ULL << 24) || rent.lamports_per_byte_year > (1ULL << 20)) return ERR_UNSUPPORTED_RENT;
  *out = bytes * rent.lamports_per_byte_year * threshold;
  return 0;
}

static u64 checked_add(u64 a, u64 b, u64 *out) {
  if (a > ~(u64)0 - b) return ERR_ARITHMETIC_OVERFLOW;
  *out = a + b;
  return 0;
}

/* Moves lamports between two accounts this instruction may debit/credit (the source is program-owned). */
static u64 move_lamports(Account *from, Account *to, u64 amount) {
  if (amount == 0) return 0;
  if (*from->lamports < amount) return ERR_INSUFFICIENT_FUNDS;
  u64 credited;
  TRY(checked_add(*to->lamports, amount, &credited));
  *from->lamports -= amount;
  *to->lamports += amount; /* re-read: `from` and `to` may be the same account */
  (void)credited;
  return 0;
}
