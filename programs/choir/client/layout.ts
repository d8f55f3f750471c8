// Byte layouts shared with the C program (programs/choir/src/layout.h); README.md documents every offset.

/** Each account kind has its own layout version (the version byte at offset 0). */
export const THREAD_LAYOUT_VERSION = 2;
export const MESSAGE_LAYOUT_VERSION = 1;
export const ACCOUNT_KIND_THREAD = 1;
export const ACCOUNT_KIND_MESSAGE = 2;
export const MAX_CO_AUTHORS = 10;
export const DEFAULT_SPEC_LIFETIME_SECONDS = 604_800n;
export const MAX_SPEC_LIFETIME_SECONDS = 3_155_760_000n;

export const THREAD_ACCOUNT_SIZE = 664;
export const MESSAGE_ACCOUNT_SIZE = 168;

export const ThreadOffsets = {
  version: 0,
  kind: 1,
  bump: 2,
  coAuthorCount: 3,
  reserved: 4,
  threadId: 8,
  creator: 40,
  coAuthors: 72,
  messageCount: 392,
  specCount: 400,
  contentRoot: 408,
  minStake: 440,
  specLifetime: 448,
  createdAt: 456,
  createdSlot: 464,
  updatedAt: 472,
  updatedSlot: 480,
  /** Divest accounting (layout v2): see README.md "Divest accounting". */
  incomePerCoAuthor: 488,
  accountedLamports: 496,
  /** 10 x u64, one per co-author slot. */
  incomeAtJoin: 504,
  /** 10 x u64, one per co-author slot. */
  withdrawn: 584,
} as const;

export const MessageOffsets = {
  version: 0,
  kind: 1,
  bump: 2,
  messageKind: 3,
  status: 4,
  reserved: 5,
  approvals: 6,
  denials: 8,
  reserved2: 10,
  thread: 16,
  author: 48,
  contentHash: 80,
  index: 112,
  stake: 120,
  expiresAt: 128,
  createdAt: 136,
  createdSlot: 144,
  updatedAt: 152,
  updatedSlot: 160,
} as const;

export const MessageKind = { Message: 0, Spec: 1 } as const;
export type MessageKindName = 'message' | 'spec';
export const MESSAGE_KIND_NAMES: readonly MessageKindName[] = ['message', 'spec'];

export const MessageStatus = { Published: 0, Pending: 1, Approved: 2, Rejected: 3, Expired: 4 } as const;
export type MessageStatusName = 'Published' | 'Pending' | 'Approved' | 'Rejected' | 'Expired';
export const MESSAGE_STATUS_NAMES: readonly MessageStatusName[] = [
  'Published',
  'Pending',
  'Approved',
  'Rejected',
  'Expired',
];

export const InstructionTag = {
  CreateThread: 0,
  SubmitMessage: 1,
  SubmitSpec: 2,
  Vote: 3,
  ExpireSpec: 4,
  Divest: 5,
} as const;

/** Fixed instruction data sizes (create_thread: 50 + 32 x co-authors). */
export const CREATE_THREAD_FIXED_LEN = 50;
export const SUBMIT_MESSAGE_LEN = 33;
export const SUBMIT_SPEC_LEN = 41;
export const VOTE_LEN = 34;
export const EXPIRE_SPEC_LEN = 33;
export const DIVEST_LEN = 1;
