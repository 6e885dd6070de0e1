// The packaged extension in a real editor, used as a person would: code-server with
// lkm-workbench.vsix installed by --install-extension, samples/ opened in Debian's Chromium,
// driven by keyboard and mouse. Each step leaves a screenshot in test-results/e2e/ui/.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { openBrowser, type EditorPage } from '../support/browser';
import {
  RESULTS,
  RunFolder,
  e2eTools,
  folderUrl,
  installVsix,
  samplesCopy,
  startCodeServer,
  type CodeServer,
} from '../support/codeServer';
import { SLOW, Workbench } from '../support/workbench';

describe('the editor (code-server + Chromium, the packaged .vsix)', function () {
  this.timeout(300_000);
  let server: CodeServer | undefined;
  let editor: EditorPage | undefined;
  let workbench: Workbench;

  before(async function () {
    const started = Date.now();
    const tools = e2eTools();
    mkdirSync(RESULTS, { recursive: true });
    rmSync(path.join(RESULTS, 'ui'), { recursive: true, force: true });
    const run = new RunFolder(mkdtempSync(path.join(RESULTS, 'ui-run-')));
    installVsix(tools, run);
    server = await startCodeServer(tools, run);
    editor = await openBrowser(tools, run);
    workbench = new Workbench(editor.page);
    await editor.page.goto(folderUrl(server, samplesCopy(run)));
    await workbench.ready();
    console.log(`      code-server ${server.url}, workbench ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await workbench.screenshot('workbench-on-samples');
  });

  after(async () => {
    await editor?.close();
    await server?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await workbench
        .screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 40)}`)
        .catch(() => undefined);
    }
  });

  it('the Problems panel shows modpost\'s "missing MODULE_LICENSE()" for broken/missing-license', async () => {
    await workbench.openFile('nolicense.c');
    await workbench.page.keyboard.press('Control+Shift+M');
    const panel = workbench.page.locator('.markers-panel');
    await panel.waitFor({ state: 'visible', timeout: SLOW });
    const row = panel.locator('.monaco-list-row', { hasText: 'missing MODULE_LICENSE() in nolicense.o' });
    await row.first().waitFor({ state: 'visible', timeout: SLOW });
    const text = await row.first().innerText();
    assert.match(text, /missing MODULE_LICENSE\(\) in nolicense\.o — modpost stops the build here/);
    assert.match(text, /missing-license/);
    // The editor underlines the place as an error.
    await workbench.page
      .locator('.editor-group-container.active .squiggly-error')
      .first()
      .waitFor({ state: 'attached', timeout: SLOW });
    await workbench.screenshot('problems-missing-license');
  });

  it('hovering a GPL-only kernel export in broken/gpl-only-symbol shows who exports it and how', async () => {
    await workbench.openFile('propgpl.c');
    const text = await workbench.hover(workbench.token('debugfs_create_dir'), /exported by/);
    assert.match(text, /debugfs_create_dir — function exported by vmlinux/);
    assert.match(text, /EXPORT_SYMBOL_GPL/);
    await workbench.screenshot('hover-debugfs_create_dir');
    // The Problems panel has the modpost error for the same call.
    await workbench.page
      .locator('.markers-panel .monaco-list-row', {
        hasText: "GPL-incompatible module propgpl.ko uses GPL-only symbol 'debugfs_create_dir'",
      })
      .first()
      .waitFor({ state: 'visible', timeout: SLOW });
  });
});
