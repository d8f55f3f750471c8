/**
 * Wallet sign-in sessions: authChallenge → the wallet signs the text → signIn → a bearer token. The session is kept
 * in a SessionStorage (localStorage in browsers, memory or a file in Node) so a reloaded page restores it, is
 * refreshed (signed in again) when little of its lifetime is left, and is dropped when the API says it is no longer
 * valid (UNAUTHENTICATED / SESSION_EXPIRED / a 4403 on the WebSocket).
 */

import { uiError } from './errors.js';
import { AuthChallengeDocument, SignInDocument, SignOutDocument, ViewerDocument } from './generated/graphql.js';
import type { HttpTransport } from './http.js';
import type { Signer } from './signer.js';
import { encodeSignature } from './signer.js';

export interface StoredSession {
  token: string;
  publicKey: string;
  /** ISO-8601. */
  expiresAt: string;
}

/** Where a session survives a reload. Synchronous on purpose: localStorage is. */
export interface SessionStorage {
  load(): StoredSession | null;
  save(session: StoredSession | null): void;
}

export function memorySessionStorage(initial: StoredSession | null = null): SessionStorage {
  let value = initial;
  return {
    load: () => value,
    save: (s) => {
      value = s;
    },
  };
}

/** The part of the Web Storage API (window.localStorage) the SDK uses. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A Storage (window.localStorage) under one key; unreadable or malformed entries count as no session. */
export function webSessionStorage(storage: KeyValueStorage, key = 'choir.session') {
  return {
    load(): StoredSession | null {
      try {
        const parsed = JSON.parse(storage.getItem(key) ?? 'null') as Partial<StoredSession> | null;
        if (!parsed || typeof parsed.token !== 'string' || typeof parsed.publicKey !== 'string') return null;
        if (typeof parsed.expiresAt !== 'string') return null;
        return { token: parsed.token, publicKey: parsed.publicKey, expiresAt: parsed.expiresAt };
      } catch {
        return null;
      }
    },
    save(session: StoredSession | null) {
      if (session) storage.setItem(key, JSON.stringify(session));
      else storage.removeItem(key);
    },
  } satisfies SessionStorage;
}

export interface SessionOptions {
  storage: SessionStorage;
  /** Refresh when less than this part of the lifetime is left (default 0.1), or less than `refreshBeforeMs`. */
  refreshFraction?: number;
  refreshBeforeMs?: number;
  now?: () => number;
  /** Called when the token changes (sign-in, refresh, sign-out, invalidation): the WebSocket re-authenticates. */
  onChange?: (session: StoredSession | null) => void;
}

export class Sessions {
  private session: StoredSession | null;
  private issuedAt: number | null = null;
  private refreshing: Promise<StoredSession> | null = null;

  constructor(
    private readonly http: HttpTransport,
    private readonly options: SessionOptions,
  ) {
    const stored = options.storage.load();
    this.session = stored && Date.parse(stored.expiresAt) > this.now() ? stored : null;
    if (!this.session && stored) options.storage.save(null);
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  current(): StoredSession | null {
    if (this.session && Date.parse(this.session.expiresAt) <= this.now()) this.set(null);
    return this.session;
  }

  /** The authorization header value, or undefined when anonymous. */
  authorization(): string | undefined {
    const s = this.current();
    return s ? `Bearer ${s.token}` : undefined;
  }

  private set(session: StoredSession | null) {
    const changed = session?.token !== this.session?.token;
    this.session = session;
    this.options.storage.save(session);
    if (changed) this.options.onChange?.(session);
  }

  /** Challenge → sign → token. Concurrent calls share one sign-in (one wallet prompt). */
  signIn(signer: Signer): Promise<StoredSession> {
    this.refreshing ??= (async () => {
      try {
        const { authChallenge } = await this.http.request(AuthChallengeDocument, { publicKey: signer.publicKey });
        let signature: Uint8Array;
        try {
          signature = await signer.signMessage(new TextEncoder().encode(authChallenge.message));
        } catch (err) {
          throw uiError(`the wallet did not sign the sign-in challenge: ${(err as Error).message}`, err);
        }
        const { signIn } = await this.http.request(SignInDocument, {
          publicKey: signer.publicKey,
          signature: encodeSignature(signature),
        });
        this.issuedAt = this.now();
        const session = { token: signIn.token, publicKey: signIn.publicKey, expiresAt: signIn.expiresAt };
        this.set(session);
        return session;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Whether the session is close enough to its end to sign in again now. */
  needsRefresh(): boolean {
    const s = this.current();
    if (!s) return false;
    const expires = Date.parse(s.expiresAt);
    const left = expires - this.now();
    const lifetime = this.issuedAt === null ? Number.POSITIVE_INFINITY : expires - this.issuedAt;
    const fraction = this.options.refreshFraction ?? 0.1;
    return left < (this.options.refreshBeforeMs ?? 0) || left < lifetime * fraction;
  }

  /** Signs in again when due, with the signer of the session's key; a no-op otherwise. */
  async refreshIfDue(signer: Signer | null): Promise<void> {
    if (!signer || !this.needsRefresh() || signer.publicKey !== this.session?.publicKey) return;
    await this.signIn(signer);
  }

  /** Asks the API whether the stored session still holds (a reloaded page); drops it if not. */
  async restore(): Promise<StoredSession | null> {
    const s = this.current();
    if (!s) return null;
    try {
      const { viewer } = await this.http.request(ViewerDocument, undefined, {
        headers: { authorization: `Bearer ${s.token}` },
      });
      if (!viewer || viewer.publicKey !== s.publicKey) this.set(null);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'UNAUTHENTICATED' || code === 'SESSION_EXPIRED') this.set(null);
      else throw err;
    }
    return this.session;
  }

  /** The API refused the token: forget it. */
  invalidate(): void {
    if (this.session) this.set(null);
  }

  async signOut(): Promise<void> {
    const s = this.current();
    if (!s) return;
    try {
      await this.http.request(SignOutDocument, undefined, { headers: { authorization: `Bearer ${s.token}` } });
    } finally {
      this.set(null);
    }
  }
}
