import type { ChoirClient, Signer } from 'choir/client';
import { useEffect, useState } from 'react';
import { developmentSigner, discoverWallets, type StandardWallet, walletSigner } from '../keys.js';

/** Picks the signing key: an injected wallet (Wallet Standard) or this browser's development keypair. */
export function KeyPanel({
  client,
  signer,
  onSigner,
  onError,
}: {
  client: ChoirClient;
  signer: Signer | null;
  onSigner(signer: Signer | null, source: string): void;
  onError(error: unknown): void;
}) {
  const [wallets, setWallets] = useState<readonly StandardWallet[]>([]);
  const [source, setSource] = useState<string>('');
  const [connecting, setConnecting] = useState<string | null>(null);
  const [session, setSession] = useState(client.sessions.current());
  useEffect(() => {
    const list = discoverWallets(() => setWallets(list()));
    setWallets(list());
  }, []);
  const use = async (label: string, make: () => Promise<Signer>) => {
    setConnecting(label);
    try {
      const s = await make();
      setSource(label);
      onSigner(s, label);
    } catch (err) {
      onError(err);
    } finally {
      setConnecting(null);
    }
  };
  const signIn = async () => {
    try {
      await client.signIn();
      setSession(client.sessions.current());
    } catch (err) {
      onError(err);
    }
  };
  const signOut = async () => {
    await client.signOut().catch(onError);
    setSession(client.sessions.current());
  };
  return (
    <section className="panel" data-testid="keys">
      <h2>Key</h2>
      {signer ? (
        <p>
          <code data-testid="public-key">{signer.publicKey}</code>
          <br />
          {source === 'development' ? (
            <span className="pill warn" data-testid="dev-key-label">
              development key — kept in this browser's localStorage; for local development only
            </span>
          ) : (
            <span className="pill good" data-testid="wallet-label">
              {source} (Wallet Standard)
            </span>
          )}
        </p>
      ) : (
        <p className="muted">No key: pick a wallet or use a development key.</p>
      )}
      <div className="row">
        {wallets.map((w) => (
          <button
            key={w.name}
            type="button"
            disabled={connecting !== null}
            onClick={() => use(w.name, () => walletSigner(w))}
            data-testid="use-wallet"
            data-wallet={w.name}
          >
            {connecting === w.name ? `Connecting ${w.name}…` : `Connect ${w.name}`}
          </button>
        ))}
        <button type="button" data-testid="use-dev-key" onClick={() => use('development', developmentSigner)}>
          Development key
        </button>
      </div>
      {signer && (
        <div className="row">
          {session ? (
            <>
              <span className="muted" data-testid="session">
                signed in until {new Date(session.expiresAt).toLocaleString()}
              </span>
              <button type="button" onClick={signOut}>
                Sign out
              </button>
            </>
          ) : (
            <button type="button" data-testid="sign-in" onClick={signIn}>
              Sign in
            </button>
          )}
        </div>
      )}
    </section>
  );
}
