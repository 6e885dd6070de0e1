// Driving the code-server workbench in Chromium as a person would: keyboard, mouse, and what the
// screen shows. Every step can be saved as a screenshot under test-results/e2e/ui/.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { RESULTS } from './codeServer';

/** The first analysis can take a minute on a busy 2-core machine. */
export const SLOW = 120_000;

export class Workbench {
  private shots = 0;
  readonly screenshots: string[] = [];

  constructor(
    readonly page: Page,
    private readonly shotDir = path.join(RESULTS, 'ui'),
  ) {
    mkdirSync(shotDir, { recursive: true });
  }

  /** Waits for the workbench to be drawn and ready for keys. */
  async ready(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: SLOW });
    await this.page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: SLOW });
    // The explorer of the opened folder shows once the workspace is loaded.
    await this.page.locator('.explorer-folders-view').waitFor({ state: 'visible', timeout: SLOW });
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(this.shotDir, `${String(++this.shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    this.screenshots.push(file);
    console.log(`      screenshot: ${path.relative(process.cwd(), file)}`);
    return file;
  }

  /** Opens a file by name through Quick Open (Ctrl+P), and waits for its editor tab. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    await this.page
      .locator('.quick-input-list .monaco-list-row', { hasText: name })
      .first()
      .waitFor({ state: 'visible', timeout: SLOW });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: SLOW });
  }

  /**
   * Runs a command by its title through the command palette (F1). A palette that opened while an
   * earlier quick pick was still closing can lose the keys: then it is closed and opened again.
   */
  async runCommand(title: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    const input = widget.locator('input');
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    const deadline = Date.now() + SLOW;
    for (;;) {
      await widget.waitFor({ state: 'hidden', timeout: SLOW }).catch(() => this.page.keyboard.press('Escape'));
      await this.page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill(`>${title}`);
        await row.waitFor({ state: 'visible', timeout: 15_000 });
        await row.click();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await this.page.keyboard.press('Escape');
      }
    }
  }

  /** Types FILTER into the open quick pick and picks the row that holds LABEL once it shows. */
  async pick(label: string, filter = label): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(filter);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout: SLOW });
    await row.click();
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: SLOW });
  }

  /** The rows of a view of the side bar, by the view's title. */
  viewRows(viewTitle: string): Locator {
    return this.page
      .locator('.pane', { has: this.page.locator('.pane-header', { hasText: viewTitle }) })
      .locator('.monaco-list-row');
  }

  /** The text lines of the panel's output view (the channel shown). */
  outputLines(): Locator {
    return this.page.locator('.part.panel .output-view .view-lines');
  }

  /** The first token of the active editor whose text is exactly TEXT (an identifier, not a comment). */
  token(text: string): Locator {
    return this.page
      .locator('.editor-group-container.active .view-lines span span')
      .filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
      .first();
  }

  /**
   * Moves the mouse onto TOKEN until a hover holding EXPECTED shows (the server may still be
   * analysing the first time); returns the hover's text.
   */
  async hover(token: Locator, expected: RegExp, timeout = SLOW): Promise<string> {
    const deadline = Date.now() + timeout;
    const hover = this.page.locator('.monaco-hover:not(.hidden) .monaco-hover-content');
    for (;;) {
      await this.page.mouse.move(5, 5);
      await token.hover();
      try {
        await hover.filter({ hasText: expected }).first().waitFor({ state: 'visible', timeout: 5_000 });
        return (await hover.first().innerText()).trim();
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
  }
}
