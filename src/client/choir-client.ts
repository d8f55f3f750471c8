/**
 * ChoirClient: the SDK's entry point for browsers and Node.
 * - typed queries (documents from ./generated/graphql.ts) over HTTP, with the session's token;
 * - relayed, signed mutations: it builds the canonical message with the program client's functions
 *   (programs/choir/client/browser.ts) and has the signer sign it; the service pays the fees;
 * - wallet-paid actions: prepareTransaction → the wallet signs → sendTransaction;
 * - sessions: challenge → sign → token, kept in a SessionStorage, refreshed, dropped when refused;
 * - watchThread: a live ThreadStore per thread, shared by every caller watching it, over one WebSocket.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { PublicKey } from '@solana/web3.js';
import {
  CHOIR_PROGRAM_ID,
  contentHash,
  findMessageAddress,
  messageCanonicalMessage,
  threadCanonicalMessage,
  voteCanonicalMessage,
} from '../../programs/choir/client/browser.js';
import type { ChoirError } from '../errors/index.js';
import { fromBase64, publicKeyArg, toBase64, toHex } from './encoding.js';
import { toClientError, uiError } from './errors.js';
import {
  CreateThreadDocument,
  HealthDocument,
  IndexerStatusDocument,
  PrepareTransactionDocument,
  type PrepareTransactionInput,
  ProvideContentDocument,
  SearchDocument,
  type SearchFilter,
  SendTransactionDocument,
  StoreSubmitMessageDocument,
  ThreadsDocument,
  type ThreadsQueryVariables,
  ViewerDocument,
  VoteDocument,
} from './generated/graphql.js';
import { createHttpTransport, type HttpTransport } from './http.js';
import { memorySessionStorage, type SessionStorage, Sessions, type StoredSession } from './session.js';
import { encodeSignature, type Signer } from './signer.js';
import { graphqlThreadSource } from './store/graphql-source.js';
import type { ThreadSource } from './store/source.js';
import { ThreadStore, type ThreadStoreOptions } from './store/thread-store.js';
import type { ServerMessage } from './store/types.js';
import { createWsTransport, type WsTransport } from './ws.js';

export interface ChoirClientOptions {
  /** http(s)://…/graphql */
  url: string;
  /** ws(s)://…/graphql; derived from `url` when omitted. */
  wsUrl?: string;
  fetch?: typeof fetch;
  /** Node 20 has no global WebSocket: choir/client/node passes `ws`'s. */
  webSocketImpl?: unknown;
  signer?: Signer | null;
  /** Where the session survives a reload (browsers: webSessionStorage(localStorage)). Default: memory. */
  sessionStorage?: SessionStorage;
  /** Backoff of reconnections, resubscriptions and re-reads. */
  reconnect?: { baseDelayMs: number; maxDelayMs: number; random?: () => number };
  store?: Omit<ThreadStoreOptions, 'reconnect'>;
  /** The program deployment signatures are bound to (CHOIR_THREAD_V2 carries it). Default: CHOIR_PROGRAM_ID. */
  programId?: string;
  onError?: (error: ChoirError) => void;
}

export interface CreateThreadParams {
  /** Co-authors besides the signer (who is the creator, first). */
  coAuthors?: readonly string[];
  title?: string;
  minStake?: bigint;
  specLifetime?: bigint;
  /** 32 bytes; random when omitted. */
  threadId?: Uint8Array;
}

export class ChoirClient {
  readonly http: HttpTransport;
  readonly ws: WsTransport;
  readonly sessions: Sessions;
  private signer: Signer | null;
  private readonly source: ThreadSource;
  private readonly stores = new Map<string, { store: ThreadStore; refs: number }>();
  private readonly programId: PublicKey;

  constructor(private readonly options: ChoirClientOptions) {
    this.signer = options.signer ?? null;
    this.programId = options.programId ? publicKeyArg('programId', options.programId) : CHOIR_PROGRAM_ID;
    const raw = createHttpTransport({ url: options.url, ...(options.fetch ? { fetch: options.fetch } : {}) });
    this.sessions = new Sessions(raw, {
      storage: options.sessionStorage ?? memorySessionStorage(),
      // A new token must reach the WebSocket too: reconnect it (subscriptions resume from their cursors).
      onChange: () => this.ws?.reconnect(),
    });
    this.http = {
      request: (document, variables, call = {}) => this.withSession(raw, document, variables, call),
    };
    this.ws = createWsTransport({
      url: options.wsUrl ?? options.url.replace(/^http/, 'ws'),
      ...(options.webSocketImpl ? { webSocketImpl: options.webSocketImpl } : {}),
      connectionParams: () => {
        const authorization = this.sessions.authorization();
        return authorization ? { authorization } : {};
      },
      ...(options.reconnect ? { reconnect: options.reconnect } : {}),
      onForbidden: () => this.sessions.invalidate(),
    });
    this.source = graphqlThreadSource(this.http, this.ws);
  }

  /** Any typed operation, with the session's token; a refused token is dropped and, with a signer, renewed once. */
  request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables?: TVariables) {
    return this.http.request(document, variables);
  }

  private async withSession<TResult, TVariables>(
    raw: HttpTransport,
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables | undefined,
    call: { signal?: AbortSignal; headers?: Record<string, string> },
  ): Promise<TResult> {
    await this.sessions.refreshIfDue(this.signer).catch((err: unknown) => this.report(toClientError(err)));
    const authorization = this.sessions.authorization();
    const headers = { ...(authorization ? { authorization } : {}), ...call.headers };
    try {
      return await raw.request(document, variables, { ...call, headers });
    } catch (err) {
      const code = (err as ChoirError).code;
      if (!authorization || (code !== 'UNAUTHENTICATED' && code !== 'SESSION_EXPIRED')) throw err;
      this.sessions.invalidate();
      if (!this.signer) throw err;
      const session = await this.sessions.signIn(this.signer);
      return raw.request(document, variables, { ...call, headers: { authorization: `Bearer ${session.token}` } });
    }
  }

  private report(error: ChoirError) {
    this.options.onError?.(error);
  }

  // ── Keys and sessions ──────────────────────────────────────────────────────────────────────────────────────

  setSigner(signer: Signer | null): void {
    this.signer = signer;
  }

  get publicKey(): string | null {
    return this.signer?.publicKey ?? null;
  }

  private requireSigner(): Signer {
    if (!this.signer) throw uiError('connect a wallet or a development key first');
    return this.signer;
  }

  signIn(): Promise<StoredSession> {
    return this.sessions.signIn(this.requireSigner());
  }

  signOut(): Promise<void> {
    return this.sessions.signOut();
  }

  /** After a page reload: checks the stored session with the API; null when there is none left. */
  restoreSession(): Promise<StoredSession | null> {
    return this.sessions.restore();
  }

  // ── Queries ────────────────────────────────────────────────────────────────────────────────────────────────

  threads(variables: ThreadsQueryVariables = {}) {
    return this.request(ThreadsDocument, variables).then((d) => d.threads);
  }

  search(query: string, options: { threadAddress?: string; first?: number; filter?: SearchFilter } = {}) {
    if (query.trim() === '') return Promise.reject(uiError('type something to search for'));
    return this.request(SearchDocument, { query, ...options }).then((d) => d.search);
  }

  indexerStatus() {
    return this.request(IndexerStatusDocument).then((d) => d.indexerStatus);
  }

  health() {
    return this.request(HealthDocument).then((d) => d.health);
  }

  viewer() {
    return this.request(ViewerDocument).then((d) => d.viewer);
  }

  // ── Relayed, signed actions (the service pays) ─────────────────────────────────────────────────────────────

  async createThread(params: CreateThreadParams = {}) {
    const signer = this.requireSigner();
    const others = (params.coAuthors ?? []).map((k, i) => publicKeyArg(`coAuthors[${i}]`, k));
    const coAuthors = [publicKeyArg('signer', signer.publicKey), ...others];
    const threadId = params.threadId ?? globalThis.crypto.getRandomValues(new Uint8Array(32));
    const minStake = params.minStake ?? 0n;
    const specLifetime = params.specLifetime ?? 0n;
    const canonical = threadCanonicalMessage({
      threadId,
      coAuthors,
      minStake,
      specLifetime,
      programId: this.programId,
    });
    const signature = encodeSignature(await this.sign(signer, canonical, 'the thread'));
    const { createThread } = await this.request(CreateThreadDocument, {
      input: {
        threadId: toHex(threadId),
        coAuthors: coAuthors.map((k) => k.toBase58()),
        creator: signer.publicKey,
        minStake: minStake.toString(),
        specLifetime: specLifetime.toString(),
        signature,
        ...(params.title ? { title: params.title } : {}),
      },
    });
    return createThread;
  }

  /** The message's record address (its identity): the Message PDA of the thread and the content's sha256. */
  messageAddress(threadAddress: string, content: string): string {
    const thread = publicKeyArg('threadAddress', threadAddress);
    return findMessageAddress(thread, contentHash(content), this.programId)[0].toBase58();
  }

  /**
   * Submits a message. Every store watching the thread shows it at once (PENDING), then as the events move it
   * (RECORDED, CONFIRMED, …), or rolled back with the reason when the API refuses it or the pipeline gives up.
   */
  async submitMessage(threadAddress: string, content: string): Promise<ServerMessage> {
    const signer = this.requireSigner();
    if (content.trim() === '') throw uiError('a message cannot be empty', undefined, { field: 'content' });
    const thread = publicKeyArg('threadAddress', threadAddress);
    const hash = contentHash(content);
    const address = findMessageAddress(thread, hash, this.programId)[0].toBase58();
    const store = this.stores.get(thread.toBase58())?.store;
    store?.beginOptimistic({
      address,
      hash: toHex(hash),
      author: signer.publicKey,
      content,
      kind: 'MESSAGE',
      stake: '0',
    });
    try {
      const signature = encodeSignature(await this.sign(signer, messageCanonicalMessage(thread, hash), 'the message'));
      const { submitMessage } = await this.request(StoreSubmitMessageDocument, {
        input: { threadAddress: thread.toBase58(), content, author: signer.publicKey, signature },
      });
      store?.settleOptimistic(submitMessage);
      return submitMessage;
    } catch (err) {
      const error = toClientError(err);
      store?.rejectOptimistic(address, error);
      throw error;
    }
  }

  async vote(messageAddress: string, approve: boolean) {
    const signer = this.requireSigner();
    const message = publicKeyArg('messageAddress', messageAddress);
    const signature = encodeSignature(await this.sign(signer, voteCanonicalMessage(message, approve), 'the vote'));
    const { vote } = await this.request(VoteDocument, {
      input: { messageAddress: message.toBase58(), approve, voter: signer.publicKey, signature },
    });
    return vote;
  }

  // ── Wallet-paid actions: prepare → sign → send ─────────────────────────────────────────────────────────────

  /**
   * A spec (staked proposal) by someone who is not a co-author; the wallet pays the fee and the stake. The chain
   * records only the text's hash: once the record is indexed, the text goes to the service (`provideContent`, in the
   * background), so the thread shows it and search finds it.
   */
  async submitSpec(threadAddress: string, content: string, stake: bigint) {
    const signer = this.requireSigner();
    const signature = await this.walletPaid({
      action: 'SUBMIT_SPEC',
      threadAddress,
      author: signer.publicKey,
      content,
      stake: stake.toString(),
    });
    const address = findMessageAddress(new PublicKey(threadAddress), contentHash(content), this.programId)[0];
    const offering = this.provideContent([{ address: address.toBase58(), content }]).catch(() => 0);
    this.pendingTexts.add(offering);
    void offering.finally(() => this.pendingTexts.delete(offering));
    return signature;
  }

  /**
   * Gives the service the texts of records it does not hold (each must hash to its record); offers those whose
   * records are not indexed yet again, every half second, until `deadlineMs`. Returns how many it stored.
   */
  async provideContent(messages: { address: string; content: string }[], deadlineMs = 60_000): Promise<number> {
    const deadline = Date.now() + deadlineMs;
    let offered = messages;
    let stored = 0;
    while (offered.length > 0) {
      const { provideContent } = await this.request(ProvideContentDocument, { messages: offered });
      stored += provideContent.stored;
      const waiting = new Set(provideContent.notIndexed);
      offered = offered.filter((m) => waiting.has(m.address));
      if (offered.length === 0 || Date.now() > deadline || this.closed) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    return stored;
  }

  /** Texts being offered in the background (submitSpec): settled before `close()` returns. */
  private readonly pendingTexts = new Set<Promise<number>>();
  private closed = false;

  divest(threadAddress: string) {
    return this.walletPaid({ action: 'DIVEST', threadAddress, coAuthor: this.requireSigner().publicKey });
  }

  expireSpec(messageAddress: string) {
    return this.walletPaid({ action: 'EXPIRE_SPEC', messageAddress, payer: this.requireSigner().publicKey });
  }

  private async walletPaid(input: PrepareTransactionInput): Promise<string> {
    const signer = this.requireSigner();
    if (!signer.signTransaction) throw uiError('this wallet cannot sign transactions');
    const { prepareTransaction } = await this.request(PrepareTransactionDocument, { input });
    let signed: Uint8Array;
    try {
      signed = await signer.signTransaction(fromBase64(prepareTransaction.transaction));
    } catch (err) {
      throw uiError(`the wallet did not sign the transaction: ${(err as Error).message}`, err);
    }
    const { sendTransaction } = await this.request(SendTransactionDocument, { signed: toBase64(signed) });
    return sendTransaction.signature;
  }

  private async sign(signer: Signer, message: Uint8Array, what: string): Promise<Uint8Array> {
    try {
      return await signer.signMessage(message);
    } catch (err) {
      throw uiError(`the wallet did not sign ${what}: ${(err as Error).message}`, err);
    }
  }

  // ── Live threads ───────────────────────────────────────────────────────────────────────────────────────────

  /** The live store of a thread, started; shared by every caller until each has released it. */
  watchThread(address: string): ThreadStore {
    const key = publicKeyArg('threadAddress', address).toBase58();
    let entry = this.stores.get(key);
    if (!entry) {
      const store = new ThreadStore(key, this.source, {
        ...this.options.store,
        ...(this.options.reconnect ? { reconnect: this.options.reconnect } : {}),
        onError: (e) => {
          this.options.store?.onError?.(e);
          this.report(e);
        },
      });
      entry = { store, refs: 0 };
      this.stores.set(key, entry);
      store.start();
    }
    entry.refs += 1;
    return entry.store;
  }

  /** Stops following a thread once every watcher has released it. */
  releaseThread(store: ThreadStore): void {
    const entry = this.stores.get(store.address);
    if (!entry || entry.store !== store) return;
    entry.refs -= 1;
    if (entry.refs > 0) return;
    this.stores.delete(store.address);
    store.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.pendingTexts);
    for (const { store } of this.stores.values()) store.close();
    this.stores.clear();
    await this.ws.dispose();
  }
}
