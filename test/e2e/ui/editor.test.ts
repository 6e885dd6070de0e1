// The packaged extension in a real editor, used as a person would: code-server with
// lkm-workbench.vsix installed by --install-extension, samples/ opened in Debian's Chromium,
// driven by keyboard and mouse. Each step leaves a screenshot in test-results/e2e/ui/.
import { strict as assert } from 'node:assert';
import { mkdirSync, rmSync } from 'node:fs';
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
  let run: RunFolder | undefined;

  before(async function () {
    const started = Date.now();
    const tools = e2eTools();
    mkdirSync(RESULTS, { recursive: true });
    rmSync(path.join(RESULTS, 'ui'), { recursive: true, force: true });
    run = RunFolder.temporary('ui');
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
    run?.remove();
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

  it('the command palette loads hello into the simulated kernel: the Kernel Modules view and the Kernel Log show it', async () => {
    const { page } = workbench;
    await workbench.runCommand('Kernel Module: Reset Simulated Kernel');
    await workbench.runCommand('Kernel Module: Load Module…');
    // The quick pick lists the workspace's modules (source folders here) once the server has read them.
    await workbench.pick('hello', 'hello');
    await workbench.runCommand('Focus on Loaded Modules View');
    const hello = workbench.viewRows('Loaded Modules').filter({ hasText: 'hello' });
    await hello.first().waitFor({ state: 'visible', timeout: SLOW });
    assert.match(await hello.first().innerText(), /hello[\s\S]*\d+ B · used 0 · Live/);
    await workbench.screenshot('kernel-modules-view-hello');
    await workbench.runCommand('Kernel Module: Show Kernel Log');
    await workbench
      .outputLines()
      .filter({ hasText: 'hello: Hello, world!' })
      .waitFor({ state: 'visible', timeout: SLOW });
    assert.match(await workbench.outputLines().innerText(), /\$\s+insmod\s+\S*hello\.ko/);
    await workbench.screenshot('kernel-log-hello-loaded');
    await page.keyboard.press('Escape');
  });

  it('the command palette unloads hello: it leaves the view, and the Kernel Log has its goodbye', async () => {
    await workbench.runCommand('Kernel Module: Show Kernel Log');
    await workbench.runCommand('Kernel Module: Unload Module…');
    await workbench.pick('hello', 'hello');
    await workbench
      .outputLines()
      .filter({ hasText: 'hello: Goodbye, world!' })
      .waitFor({ state: 'visible', timeout: SLOW });
    await workbench.runCommand('Focus on Loaded Modules View');
    await workbench
      .viewRows('Loaded Modules')
      .filter({ hasText: 'hello' })
      .waitFor({ state: 'detached', timeout: SLOW });
    await workbench.screenshot('kernel-modules-view-after-unload');
  });
});
