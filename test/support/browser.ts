/**
 * Headless Chromium for the browser tests (Debian's chromium through playwright-core), and the in-page recorder of
 * every status each message element showed (`window.__statuses[address]`, a MutationObserver).
 */
import { type Browser, chromium } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

/** Plain JavaScript for addInitScript: it runs in the page, whose globals Node's types do not describe. */
export const STATUS_RECORDER = `
  const seen = {};
  window.__statuses = seen;
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('[data-testid=message]')) {
      const a = el.getAttribute('data-address') ?? '';
      const s = el.getAttribute('data-status') ?? '';
      const list = (seen[a] ??= []);
      if (list.at(-1) !== s) list.push(s);
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
`;
