/**
 * Where the page's signing key comes from: a wallet registered through the Wallet Standard (window events
 * `wallet-standard:app-ready` / `wallet-standard:register-wallet`), or a development keypair generated in and kept
 * by this browser (localStorage) — for local development only, never for real funds.
 */
import { generateKeypairSigner, keypairSigner, type Signer } from 'choir/client';

interface WalletAccount {
  address: string;
  publicKey: Uint8Array;
}

/** The part of a Wallet Standard wallet the page uses. */
export interface StandardWallet {
  name: string;
  icon?: string;
  accounts: readonly WalletAccount[];
  features: Record<string, unknown>;
}

type Register = (...wallets: StandardWallet[]) => () => void;

const found: StandardWallet[] = [];
const listeners = new Set<() => void>();

const register: Register = (...wallets) => {
  for (const w of wallets) if (!found.includes(w)) found.push(w);
  for (const l of listeners) l();
  return () => {
    for (const w of wallets) found.splice(found.indexOf(w), 1);
    for (const l of listeners) l();
  };
};

/** Starts Wallet Standard discovery (once): wallets loaded before or after the page register themselves. */
export function discoverWallets(onChange: () => void): () => readonly StandardWallet[] {
  listeners.add(onChange);
  if (!(window as { __choirWallets?: boolean }).__choirWallets) {
    (window as { __choirWallets?: boolean }).__choirWallets = true;
    window.addEventListener('wallet-standard:register-wallet', (event) => {
      (event as CustomEvent<(api: { register: Register }) => void>).detail({ register });
    });
    window.dispatchEvent(new CustomEvent('wallet-standard:app-ready', { detail: { register } }));
  }
  return () => found.filter((w) => 'solana:signMessage' in w.features);
}

/** A signer over a wallet's first account (after `standard:connect`). */
export async function walletSigner(wallet: StandardWallet): Promise<Signer> {
  const connect = wallet.features['standard:connect'] as
    | { connect(): Promise<{ accounts: readonly WalletAccount[] }> }
    | undefined;
  const accounts = connect ? (await connect.connect()).accounts : wallet.accounts;
  const account = accounts[0];
  if (!account) throw new Error(`${wallet.name} has no account to sign with`);
  const signMessage = wallet.features['solana:signMessage'] as {
    signMessage(...inputs: { account: WalletAccount; message: Uint8Array }[]): Promise<{ signature: Uint8Array }[]>;
  };
  const signTransaction = wallet.features['solana:signTransaction'] as
    | {
        signTransaction(
          ...inputs: { account: WalletAccount; transaction: Uint8Array }[]
        ): Promise<{ signedTransaction: Uint8Array }[]>;
      }
    | undefined;
  return {
    publicKey: account.address,
    async signMessage(message) {
      const [out] = await signMessage.signMessage({ account, message });
      if (!out) throw new Error(`${wallet.name} returned no signature`);
      return out.signature;
    },
    ...(signTransaction
      ? {
          async signTransaction(transaction: Uint8Array) {
            const [out] = await signTransaction.signTransaction({ account, transaction });
            if (!out) throw new Error(`${wallet.name} returned no transaction`);
            return out.signedTransaction;
          },
        }
      : {}),
  };
}

const DEV_KEY = 'choir.devKey';
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const fromHex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (x) => Number.parseInt(x, 16));

/** The development keypair of this browser (created on first use). Its secret sits in localStorage. */
export async function developmentSigner(): Promise<Signer> {
  const stored = localStorage.getItem(DEV_KEY);
  if (stored && /^[0-9a-f]{64}$/.test(stored)) return keypairSigner(fromHex(stored));
  const { secretKey, signer } = await generateKeypairSigner();
  localStorage.setItem(DEV_KEY, toHex(secretKey));
  return signer;
}
