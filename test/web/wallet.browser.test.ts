/**
 * The web page with an injected Wallet Standard wallet (headless Chromium against the whole stack): the wallet
 * registers itself before the app loads, the page connects it, and everything the page then signs is signed by
 * that wallet's keys, which never leave this test process: a spec with its stake proposing the wallet as a
 * co-author (signTransaction), once approved a relayed message (signMessage), then expiring someone else's spec
 * and divesting the returned stake (signTransaction) — each through the page's buttons, with their states.
 * A screenshot is saved to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Keypair } from '@solana/web3.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChoirClient, createNodeChoirClient, keypairSigner } from '../../src/client/node.js';
import { launchChromium, STATUS_RECORDER } from '../support/browser.js';
import { airdrop, type ChoirStack, startChoirStack } from '../support/choir-stack.js';
import { skipEmbeddedPostgres } from '../support/embedded-reachable.js';
import { CHROMIUM, missingTool } from '../support/system-tools.js';
import { installTestWallet, type TestWallet } from '../support/test-wallet.js';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const missing = missingTool(CHROMIUM);
if (missing?.fail) throw new Error(`${missing.reason} (CI=true: .ci/run installs it)`);

/** Seconds a spec of the test's thread stays open: long enough to vote on one, short enough to expire another. */
const SPEC_LIFETIME = 20n;
const STAKE = 2_000_000n;

describe.skipIf(skipEmbeddedPostgres('web page with a Wallet Standard wallet') || missing !== null)(
  `web page with a Wallet Standard wallet${missing ? ` (skipped: ${missing.reason})` : ''}`,
  () => {
    let stack: ChoirStack;
    let browser: Browser;
    let page: Page;
    let other: ChoirClient;
    let wallet: TestWallet;
    let thread: string;
    const walletKey = Keypair.generate();

    const statuses = (address: string) =>
      page.evaluate(`window.__statuses[${JSON.stringify(address)}] ?? []`) as Promise<string[]>;
    const item = (address: string) => page.locator(`[data-testid=message][data-address="${address}"]`);

    beforeAll(async () => {
      stack = await startChoirStack('wallet');
      browser = await launchChromium();
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      wallet = await installTestWallet(context, walletKey);
      await context.addInitScript({ content: STATUS_RECORDER });
      page = await context.newPage();
      // The wallet pays fees and stakes.
      await airdrop(stack.rpcUrl, wallet.address, 1_000_000_000);
      other = createNodeChoirClient({ url: stack.url, signer: await keypairSigner(Keypair.generate().secretKey) });
      // The wallet is not a co-author: it proposes a spec to join.
      const created = await other.createThread({ title: 'wallet thread', specLifetime: SPEC_LIFETIME });
      thread = created.address;
    }, 240_000);

    afterAll(async () => {
      await other?.close();
      await browser?.close();
      await stack?.stop();
    });

    it('finds the injected wallet, connects it and signs with it (no development key)', async () => {
      await page.goto(`${stack.base}/#thread=${thread}`);
      const button = page.locator(`[data-testid=use-wallet][data-wallet="${wallet.name}"]`);
      await button.click({ timeout: 30_000 });
      await expect.poll(() => page.getByTestId('public-key').textContent()).toBe(wallet.address);
      expect(await page.getByTestId('wallet-label').textContent()).toContain(wallet.name);
      expect(await page.getByTestId('dev-key-label').count()).toBe(0);
      expect(await page.evaluate('localStorage.getItem("choir.devKey")')).toBeNull();
      expect(wallet.requests).toEqual(['connect']);
      await page.getByTestId('phase').filter({ hasText: 'live' }).waitFor({ timeout: 60_000 });
      await page.getByTestId('co-authors').waitFor({ timeout: 60_000 });
    }, 120_000);

    it('a spec paid by the wallet (stake from its balance) appears with the wallet as its author', async () => {
      const content = 'a spec the wallet pays for';
      const address = other.messageAddress(thread, content);
      const balance = await lamports(stack.rpcUrl, wallet.address);
      await page.getByTestId('spec-content').fill(content);
      await page.getByTestId('spec-stake').fill(STAKE.toString());
      // The wallet waits for its user: the page says so until it has signed.
      const release = wallet.hold();
      await page.getByTestId('submit-spec').click();
      await page.locator('[data-testid=spec-status][data-phase=busy]').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('submit-spec').isDisabled()).toBe(true);
      release();
      expect(await settled(page, 'spec-status')).toMatch(/^done/);
      await page.locator(`[data-address="${address}"][data-kind=SPEC]`).waitFor({ timeout: 60_000 });
      expect(await item(address).getAttribute('data-author')).toBe(wallet.address);
      expect(await item(address).textContent()).toContain(`stake ${STAKE}`);
      expect(wallet.requests.filter((r) => r === 'signTransaction')).toHaveLength(1);
      // The wallet paid: the stake and the fee left its account (once the transaction is confirmed).
      await expect
        .poll(() => lamports(stack.rpcUrl, wallet.address), { timeout: 30_000 })
        .toBeLessThan(balance - Number(STAKE));

      // The creator approves it: the wallet joins the co-authors, and the page offers it what co-authors do.
      await other.vote(address, true);
      await item(address).filter({ hasText: 'spec · approved' }).waitFor({ timeout: 60_000 });
      await page.getByTestId('divest').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('spec-form').count()).toBe(0);
    }, 150_000);

    it('a message signed by the wallet: pending at once, stored, then confirmed, its author the wallet', async () => {
      const content = 'signed by the injected wallet';
      const address = other.messageAddress(thread, content);
      const signed = wallet.requests.filter((r) => r === 'signMessage').length;
      await page.getByTestId('compose').fill(content);
      await page.getByTestId('send').click();
      await item(address).waitFor({ timeout: 2_000 });
      await page
        .locator(
          `[data-address="${address}"][data-status=CONFIRMED], [data-address="${address}"][data-status=FINALIZED]`,
        )
        .waitFor({ timeout: 60_000 });
      const seen = await statuses(address);
      // Every step live (MessageStored, then the chain's), none from a reload.
      expect(seen.slice(0, 2)).toEqual(['PENDING', 'STORED']);
      expect(seen).not.toContain('ROLLED_BACK');
      expect(await item(address).getAttribute('data-author')).toBe(wallet.address);
      expect(wallet.requests.filter((r) => r === 'signMessage').length).toBe(signed + 1);
    }, 90_000);

    it("expires someone else's spec once its lifetime is over, then divests the returned stake, paid by the wallet", async () => {
      // Someone else proposes a spec nobody votes on.
      const proposer = Keypair.generate();
      await airdrop(stack.rpcUrl, proposer.publicKey.toBase58(), 100_000_000);
      const theirs = createNodeChoirClient({ url: stack.url, signer: await keypairSigner(proposer.secretKey) });
      const content = 'a spec left to expire';
      try {
        await theirs.submitSpec(thread, content, STAKE);
      } finally {
        await theirs.close();
      }
      const address = other.messageAddress(thread, content);
      const expire = item(address).getByTestId('expire-spec');
      await expire.waitFor({ timeout: Number(SPEC_LIFETIME) * 1000 + 30_000 });
      await expire.click();
      expect(await settled(page, 'expire-status')).toMatch(/^done/);
      await item(address).filter({ hasText: 'spec · expired' }).waitFor({ timeout: 60_000 });

      // The expired stake is the thread's income, owed to its two co-authors: the wallet takes its half.
      const before = await lamports(stack.rpcUrl, wallet.address);
      await page.getByTestId('divest').click();
      expect(await settled(page, 'divest-status')).toMatch(/^done/);
      await expect
        .poll(() => lamports(stack.rpcUrl, wallet.address), { timeout: 30_000 })
        .toBeGreaterThan(before + Number(STAKE) / 2 - 100_000);
      expect(wallet.requests.filter((r) => r === 'signTransaction')).toHaveLength(3);

      // A second divest has nothing to pay: the error shows next to the button.
      await page.getByTestId('divest').click();
      expect(await settled(page, 'divest-status')).toMatch(/^failed/);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'web-page-wallet.png'), fullPage: true });
    }, 180_000);
  },
);

interface PageElement {
  getAttribute(name: string): string | null;
  readonly textContent: string | null;
}

/** A wallet-paid action's outcome as its status element shows it: `done …` or `failed <code>: <message>`. */
async function settled(page: Page, testId: string): Promise<string> {
  // Read in the page in one step, the moment it settles: the thread panel may re-render right after (a Recovered
  // event makes the store reload), and a locator found by waitFor can be gone by the time it is read.
  const handle = await page.waitForFunction(
    (id) => {
      // Runs in the page (this file is compiled without the DOM library).
      const doc = (globalThis as unknown as { document: { querySelector(s: string): PageElement | null } }).document;
      const el = doc.querySelector(`[data-testid=${id}][data-phase=done], [data-testid=${id}][data-phase=failed]`);
      return el ? `${el.getAttribute('data-phase')} ${el.textContent}` : null;
    },
    testId,
    { timeout: 60_000 },
  );
  return (await handle.jsonValue()) as string;
}

async function lamports(rpcUrl: string, address: string): Promise<number> {
  const res = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'getBalance',
      params: [address, { commitment: 'confirmed' }],
    }),
  });
  return ((await res.json()) as { result: { value: number } }).result.value;
}
