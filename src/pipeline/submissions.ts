// The write path's contract between the GraphQL API (src/api) and the submission pipeline (src/pipeline). The API
// validates transport-level shapes and calls these; everything else (signature checks, persistence, relaying) is
// behind this interface so the API never touches the chain, the vector store or the outbox directly.

export interface RequestMeta {
  /** Correlates logs and events of one API request. */
  readonly requestId: string;
}

export interface CreateThreadRequest {
  /** 64 hex characters (32 bytes). */
  threadId: string;
  /** Base58 public keys, creator first. */
  coAuthors: string[];
  minStake: bigint;
  /** Seconds; 0 = the program's default. */
  specLifetime: bigint;
  title: string | null;
  /** Base58 public key; must equal coAuthors[0]. */
  creator: string;
  /** Base58 ed25519 signature over the V2 thread canonical message (threadCanonicalMessage). */
  signature: string;
}

export interface SubmitMessageRequest {
  threadAddress: string;
  content: string;
  author: string;
  /** Base58 ed25519 signature over "CHOIR_MSG_V1" || thread || sha256(content). */
  signature: string;
}

export interface VoteRequest {
  messageAddress: string;
  voter: string;
  approve: boolean;
  /** Base58 ed25519 signature over "CHOIR_VOTE_V1" || message address || approve. */
  signature: string;
}

export interface Accepted {
  readonly address: string;
  /** false: the same signed action was accepted before (idempotent, not an error) */
  readonly created: boolean;
}

/** Actions the user pays for themselves: the service builds the transaction, the wallet signs and sends it. */
export type PrepareRequest =
  | { kind: 'submitSpec'; threadAddress: string; author: string; content: string; stake: bigint }
  | { kind: 'divest'; threadAddress: string; coAuthor: string }
  | { kind: 'expireSpec'; messageAddress: string; payer: string };

export interface PreparedTransaction {
  /** Base64 of the serialized, unsigned transaction (fee payer = the user). */
  readonly transaction: string;
  readonly blockhash: string;
  readonly lastValidBlockHeight: number;
}

/**
 * Errors are ChoirErrors: SIGNATURE_INVALID (checked before any work), BAD_USER_INPUT, NOT_FOUND, NOT_CO_AUTHOR
 * (answered before the relayer pays a fee), SOLANA_* for chain failures.
 */
export interface Submissions {
  /** address = the thread's address. */
  createThread(req: CreateThreadRequest, meta: RequestMeta): Promise<Accepted>;
  /** PENDING row + MessageSubmitted event + outbox item committed when it resolves. address = the message's. */
  submitMessage(req: SubmitMessageRequest, meta: RequestMeta): Promise<Accepted>;
  /** address = the message's address. */
  vote(req: VoteRequest, meta: RequestMeta): Promise<Accepted>;
  prepareTransaction(req: PrepareRequest): Promise<PreparedTransaction>;
  sendTransaction(signedBase64: string): Promise<{ signature: string }>;
}
