/**
 * A Wallet Standard wallet for browser tests whose keys stay in the test process: the page gets a wallet object
 * (registered through the protocol's window events, before the app loads) whose `solana:signMessage` and
 * `solana:signTransaction` call back into Node, where the test's keypair signs. Every request is counted, so a
 * test can prove that what the page sent was signed by this wallet and nothing else.
 */
import type { Keypair } from '@solana/web3.js';
import type { BrowserContext } from 'playwright-core';
import { keypairSigner } from '../../src/client/node.js';

export interface TestWallet {
  readonly name: string;
  readonly address: string;
  /** Requests the page made, in order. */
  readonly requests: ('connect' | 'signMessage' | 'signTransaction')[];
  /**
   * Holds transaction requests as a wallet waiting for its user's approval would, until the returned function is
   * called (a test can look at the page's pending state meanwhile).
   */
  hold(): () => void;
}

export async function installTestWallet(context: BrowserContext, keypair: Keypair, name = 'Test Wallet') {
  const signer = await keypairSigner(keypair.secretKey);
  let held: Promise<void> = Promise.resolve();
  const wallet: TestWallet = {
    name,
    address: signer.publicKey,
    requests: [],
    hold() {
      let release!: () => void;
      held = new Promise((resolve) => {
        release = resolve;
      });
      return () => release();
    },
  };
  await context.exposeFunction('__testWalletConnect', () => {
    wallet.requests.push('connect');
  });
  await context.exposeFunction('__testWalletSignMessage', async (bytes: number[]) => {
    wallet.requests.push('signMessage');
    return Array.from(await signer.signMessage(Uint8Array.from(bytes)));
  });
  await context.exposeFunction('__testWalletSignTransaction', async (bytes: number[]) => {
    wallet.requests.push('signTransaction');
    await held;
    return Array.from(await (signer.signTransaction as (t: Uint8Array) => Promise<Uint8Array>)(Uint8Array.from(bytes)));
  });
  await context.addInitScript({
    content: `(() => {
      const address = ${JSON.stringify(wallet.address)};
      const account = {
        address,
        publicKey: Uint8Array.from(${JSON.stringify(Array.from(keypair.publicKey.toBytes()))}),
        chains: ['solana:localnet'],
        features: ['solana:signMessage', 'solana:signTransaction'],
      };
      const wallet = {
        version: '1.0.0',
        name: ${JSON.stringify(name)},
        icon: 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=',
        chains: ['solana:localnet'],
        accounts: [],
        features: {
          'standard:connect': {
            version: '1.0.0',
            async connect() {
              await window.__testWalletConnect();
              wallet.accounts = [account];
              return { accounts: wallet.accounts };
            },
          },
          'standard:events': { version: '1.0.0', on: () => () => {} },
          'solana:signMessage': {
            version: '1.0.0',
            signMessage: (...inputs) =>
              Promise.all(inputs.map(async ({ message }) => ({
                signedMessage: message,
                signature: Uint8Array.from(await window.__testWalletSignMessage(Array.from(message))),
              }))),
          },
          'solana:signTransaction': {
            version: '1.0.0',
            supportedTransactionVersions: ['legacy', 0],
            signTransaction: (...inputs) =>
              Promise.all(inputs.map(async ({ transaction }) => ({
                signedTransaction: Uint8Array.from(await window.__testWalletSignTransaction(Array.from(transaction))),
              }))),
          },
        },
      };
      // The Wallet Standard's registerWallet: answer an app that announces itself later (app-ready), and announce
      // this wallet to an app already listening (register-wallet).
      const callback = ({ register }) => register(wallet);
      window.addEventListener('wallet-standard:app-ready', (event) => callback(event.detail));
      window.dispatchEvent(new CustomEvent('wallet-standard:register-wallet', { bubbles: false, cancelable: false, detail: callback }));
    })();`,
  });
  return wallet;
}
