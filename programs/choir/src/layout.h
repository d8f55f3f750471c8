/*
 * Account layouts (little-endian, naturally aligned, version byte and kind tag first) and instruction tags.
 * programs/choir/README.md documents every offset; programs/choir/client/layout.ts mirrors them.
 */
#pragma once
#include "sol.h"

/*
 * Each kind has its own layout version. Thread v2 added the divest accounting (income per co-author, accounted
 * lamports, per-slot income at join and withdrawn amounts); v1 threads are refused as InvalidAccountData.
 */
#define THREAD_LAYOUT_VERSION 2
#define MESSAGE_LAYOUT_VERSION 1
#define KIND_THREAD 1
#define KIND_MESSAGE 2

#define MAX_CO_AUTHORS 10
#define DEFAULT_SPEC_LIFETIME 604800LL      /* 7 days */
#define MAX_SPEC_LIFETIME 3155760000LL      /* 100 years: keeps now + lifetime far from overflow */

#define MESSAGE_KIND_MESSAGE 0
#define MESSAGE_KIND_SPEC 1

#define STATUS_PUBLISHED 0
#define STATUS_PENDING 1
#define STATUS_APPROVED 2
#define STATUS_REJECTED 3
#define STATUS_EXPIRED 4

#define IX_CREATE_THREAD 0
#define IX_SUBMIT_MESSAGE 1
#define IX_SUBMIT_SPEC 2
#define IX_VOTE 3
#define IX_EXPIRE_SPEC 4
#define IX_DIVEST 5

typedef struct {
  u8 version;          /* 0 */
  u8 kind;             /* 1: KIND_THREAD */
  u8 bump;             /* 2 */
  u8 co_author_count;  /* 3 */
  u8 reserved[4];      /* 4 */
  Pubkey thread_id;    /* 8 */
  Pubkey creator;      /* 40 */
  Pubkey co_authors[MAX_CO_AUTHORS]; /* 72 */
  u64 message_count;   /* 392 */
  u64 spec_count;      /* 400 */
  u8 content_root[32]; /* 408 */
  u64 min_stake;       /* 440 */
  i64 spec_lifetime;   /* 448 */
  i64 created_at;      /* 456 */
  u64 created_slot;    /* 464 */
  i64 updated_at;      /* 472 */
  u64 updated_slot;    /* 480 */
  /*
   * Divest accounting (see divest.c): every lamport the thread receives is owed equally to the co-authors of the
   * moment it is folded in. `income_per_co_author` grows by income / co-author count at each fold; a co-author's
   * entitlement is income_per_co_author - income_at_join[i], of which withdrawn[i] was paid out.
   */
  u64 income_per_co_author;              /* 488 */
  u64 accounted_lamports;                /* 496: the balance the program has accounted for */
  u64 income_at_join[MAX_CO_AUTHORS];    /* 504 */
  u64 withdrawn[MAX_CO_AUTHORS];         /* 584 */
} Thread;                                /* 664 bytes */

typedef struct {
  u8 version;          /* 0 */
  u8 kind;             /* 1: KIND_MESSAGE */
  u8 bump;             /* 2 */
  u8 message_kind;     /* 3 */
  u8 status;           /* 4 */
  u8 reserved;         /* 5 */
  u16 approvals;       /* 6: bit i = co-author i approved */
  u16 denials;         /* 8: bit i = co-author i denied */
  u8 reserved2[6];     /* 10 */
  Pubkey thread;       /* 16 */
  Pubkey author;       /* 48 */
  u8 content_hash[32]; /* 80 */
  u64 index;           /* 112 */
  u64 stake;           /* 120 */
  i64 expires_at;      /* 128 */
  i64 created_at;      /* 136 */
  u64 created_slot;    /* 144 */
  i64 updated_at;      /* 152 */
  u64 updated_slot;    /* 160 */
} Message;             /* 168 bytes */

_Static_assert(sizeof(Thread) == 664, "Thread layout");
_Static_assert(sizeof(Message) == 168, "Message layout");
