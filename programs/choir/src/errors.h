/*
 * Custom error codes returned by the program (they surface as `Custom(n)`). The TypeScript table in
 * programs/choir/client/errors.ts and the README list the same numbers: keep the three in step.
 */
#pragma once

#define ERR_INVALID_INSTRUCTION_DATA 1
#define ERR_NOT_ENOUGH_ACCOUNTS 2
#define ERR_MISSING_REQUIRED_SIGNATURE 3
#define ERR_ACCOUNT_NOT_WRITABLE 4
#define ERR_INVALID_ACCOUNT_OWNER 5
#define ERR_INVALID_PDA 6
#define ERR_INVALID_ACCOUNT_DATA 7
#define ERR_INVALID_SYSTEM_PROGRAM 8
#define ERR_INVALID_INSTRUCTIONS_SYSVAR 9
#define ERR_ACCOUNT_ALREADY_INITIALIZED 10
#define ERR_INVALID_CO_AUTHOR_COUNT 11
#define ERR_CREATOR_NOT_FIRST_CO_AUTHOR 12
#define ERR_DUPLICATE_CO_AUTHOR 13
#define ERR_INVALID_SPEC_LIFETIME 14
#define ERR_NOT_CO_AUTHOR 15
#define ERR_CO_AUTHOR_CANNOT_SUBMIT_SPEC 16
#define ERR_STAKE_BELOW_MINIMUM 17
#define ERR_DUPLICATE_CONTENT_HASH 18
#define ERR_THREAD_FULL 19
#define ERR_NOT_A_SPEC 20
#define ERR_SPEC_NOT_PENDING 21
#define ERR_ALREADY_VOTED 22
#define ERR_SPEC_EXPIRED 23
#define ERR_SPEC_NOT_EXPIRED 24
#define ERR_CONTENT_HASH_MISMATCH 25
#define ERR_MESSAGE_THREAD_MISMATCH 26
#define ERR_MISSING_CO_AUTHOR_ACCOUNTS 27
#define ERR_NOTHING_TO_DIVEST 28
#define ERR_ARITHMETIC_OVERFLOW 29
#define ERR_MISSING_ED25519_INSTRUCTION 30
#define ERR_INVALID_ED25519_INSTRUCTION 31
#define ERR_ED25519_SIGNER_MISMATCH 32
#define ERR_ED25519_MESSAGE_MISMATCH 33
#define ERR_INSUFFICIENT_FUNDS 34
#define ERR_UNSUPPORTED_RENT 35
#define ERR_RECIPIENT_NOT_RENT_EXEMPT 36
#define ERR_SYSCALL_FAILED 37

#define TRY(expr)                                                                                                    \
  do {                                                                                                               \
    u64 try_err_ = (expr);                                                                                           \
    if (try_err_ != 0) return try_err_;                                                                              \
  } while (0)
