// Debian's Chromium, headless, driven by playwright-core: a fresh profile inside the run folder.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { E2eTools, RunFolder } from './codeServer';

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

export interface EditorPage {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

/** Launches Chromium and opens one page of 1600×1000 (room for the editor, a panel and the side bar). */
export async function openBrowser(tools: E2eTools, run: RunFolder): Promise<EditorPage> {
  const browser = await chromium.launch({
    executablePath: tools.chromium,
    headless: true,
    // A fresh profile each launch (Playwright makes it in a temporary folder and removes it).
    args: CHROMIUM_FLAGS,
    env: run.env,
    timeout: 120_000,
  });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  return {
    browser,
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
    },
  };
}
