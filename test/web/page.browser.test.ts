/**
 * The web page in headless Chromium (Debian's chromium + playwright-core) against the whole stack: it loads; a
 * message sent from the page shows as pending at once, then stored and confirmed, each step live; one sent elsewhere appears live; a
 * restart of the service mid-stream loses nothing on the page. A screenshot is saved to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Keypair } from '@solana/web3.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChoirClient,
  createNodeChoirClient,
  keypairSigner,
  StoreThreadSnapshotDocument,
  type ThreadView,
} from '../../src/client/node.js';
import { launchChromium, STATUS_RECORDER } from '../support/browser.js';
import { type ChoirStack, startChoirStack } from '../support/choir-stack.js';
import { skipEmbeddedPostgres } from '../support/embedded-reachable.js';
import { CHROMIUM, missingTool } from '../support/system-tools.js';
import { comparableState } from '../support/thread-state.js';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const missing = missingTool(CHROMIUM);
if (missing?.fail) throw new Error(`${missing.reason} (CI=true: .ci/run installs it)`);

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe.skipIf(skipEmbeddedPostgres('web page in Chromium') || missing !== null)(
  `web page in headless Chromium${missing ? ` (skipped: ${missing.reason})` : ''}`,
  () => {
    let stack: ChoirStack;
    let browser: Browser;
    let page: Page;
    let other: ChoirClient;
    let thread: string;
    const pageKey = Keypair.generate();
    const otherKey = Keypair.generate();

    /** Every data-status each message element showed, in order (a MutationObserver in the page). */
    const statuses = (address: string) =>
      page.evaluate(`window.__statuses[${JSON.stringify(address)}] ?? []`) as Promise<string[]>;

    beforeAll(async () => {
      stack = await startChoirStack('web');
      browser = await launchChromium();
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      // The page's development key is this one (so the other client can make it a co-author).
      await context.addInitScript({
        content: `localStorage.setItem('choir.devKey', '${hex(pageKey.secretKey.subarray(0, 32))}');`,
      });
      await context.addInitScript({ content: STATUS_RECORDER });
      page = await context.newPage();
      other = createNodeChoirClient({ url: stack.url, signer: await keypairSigner(otherKey.secretKey) });
      const created = await other.createThread({
        title: 'browser thread',
        coAuthors: [pageKey.publicKey.toBase58()],
      });
      thread = created.address;
    }, 240_000);

    afterAll(async () => {
      await other?.close();
      await browser?.close();
      await stack?.stop();
    });

    it('loads: health, the thread live with its co-authors, the development key labelled as such', async () => {
      await page.goto(`${stack.base}/#thread=${thread}`);
      await page.getByTestId('use-dev-key').click();
      await expect.poll(() => page.getByTestId('public-key').textContent()).toBe(pageKey.publicKey.toBase58());
      expect(await page.getByTestId('dev-key-label').textContent()).toMatch(/development only/);
      await page.getByTestId('phase').filter({ hasText: 'live' }).waitFor({ timeout: 60_000 });
      await page.getByTestId('co-authors').waitFor({ timeout: 60_000 });
      await page.getByTestId('health').filter({ hasText: 'healthy' }).waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('indexer-lag').textContent()).toMatch(/lag \d+ slots/);
    }, 120_000);

    it('a message sent from the page shows as pending at once, then stored and confirmed, live', async () => {
      const content = 'sent from the page';
      const address = other.messageAddress(thread, content);
      await page.getByTestId('compose').fill(content);
      await page.getByTestId('send').click();
      const item = page.locator(`[data-testid=message][data-address="${address}"]`);
      await item.waitFor({ timeout: 2_000 });
      await page
        .locator(
          `[data-address="${address}"][data-status=CONFIRMED], [data-address="${address}"][data-status=FINALIZED]`,
        )
        .waitFor({ timeout: 60_000 });
      const seen = await statuses(address);
      // PENDING, then STORED from MessageStored: no reload needed to see it.
      expect(seen.slice(0, 2)).toEqual(['PENDING', 'STORED']);
      expect(seen).not.toContain('ROLLED_BACK');
      expect((await pageView(page, thread)).reloads).toBe(0);
      expect(await item.textContent()).toContain(content);
    }, 90_000);

    it('a message sent elsewhere appears live', async () => {
      const content = 'sent from another client';
      await other.submitMessage(thread, content);
      await page.locator('[data-testid=message]', { hasText: content }).waitFor({ timeout: 30_000 });
    }, 60_000);

    it('a restart of the service mid-stream loses nothing on the page', async () => {
      // In flight when the service stops, and sent right after it is back (before the page has reconnected).
      const before = ['before the restart 1', 'before the restart 2'];
      for (const m of before) await other.submitMessage(thread, m);
      await stack.restart();
      const after = ['after the restart 1', 'after the restart 2', 'after the restart 3'];
      for (const m of after) await other.submitMessage(thread, m);
      for (const m of [...before, ...after]) {
        await page.locator('[data-testid=message]', { hasText: m }).waitFor({ timeout: 60_000 });
      }
      // Each once, all confirmed, and the page's store equal to what the API answers now.
      await expect
        .poll(
          async () => {
            const view = await pageView(page, thread);
            return view.messages.every((m) => m.status === 'CONFIRMED' || m.status === 'FINALIZED');
          },
          { timeout: 90_000, interval: 1_000 },
        )
        .toBe(true);
      const view = await pageView(page, thread);
      expect(view.messages).toHaveLength(7);
      expect(view.reconnects).toBeGreaterThan(0);
      await expect
        .poll(
          async () => {
            const { thread: t } = await other.request(StoreThreadSnapshotDocument, { address: thread, first: 100 });
            const { messages, ...header } = t as NonNullable<typeof t>;
            const server = comparableState({ thread: header, messages: messages.nodes });
            return JSON.stringify(comparableState(await pageView(page, thread))) === JSON.stringify(server);
          },
          { timeout: 60_000, interval: 1_000 },
        )
        .toBe(true);
      expect(await page.locator('[data-testid=message]').count()).toBe(7);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'web-page.png'), fullPage: true });
    }, 240_000);
  },
);

/** The page's own store of the thread (window.choir is the page's ChoirClient). */
function pageView(page: Page, thread: string): Promise<ThreadView> {
  return page.evaluate(`(() => {
    const store = window.choir.watchThread(${JSON.stringify(thread)});
    const view = store.getSnapshot();
    window.choir.releaseThread(store);
    return JSON.parse(JSON.stringify(view));
  })()`) as Promise<ThreadView>;
}
