// Runs the extension-host suite with @vscode/test-electron's runTests, exactly as for desktop VS
// Code, but with test/e2e/codeServerExecutable/code as the editor: code-server in headless
// Chromium. The extension under test is the packaged lkm-workbench.vsix, installed by code-server's
// --install-extension into a folder of its own and given as extensionDevelopmentPath; the editor
// opens a copy of samples/ in the run folder. LKM_E2E_VSCODE=/path/to/code runs the same suite on a desktop VS Code instead.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPOSITORY_ROOT, RunFolder, e2eTools, installVsix, samplesCopy } from '../support/codeServer';

async function main(): Promise<void> {
  const started = Date.now();
  const testsPath = execFileSync('node', [path.join(REPOSITORY_ROOT, 'scripts/e2e/build-tests.mjs')], {
    encoding: 'utf8',
  }).trim();
  const run = RunFolder.temporary('extension-host');
  const packaged = installVsix(e2eTools(), run, undefined, path.join(run.root, 'packaged'));
  const executable = process.env.LKM_E2E_VSCODE ?? path.join(REPOSITORY_ROOT, 'test/e2e/codeServerExecutable/code');
  console.log(`extension-host tests: ${path.relative(REPOSITORY_ROOT, packaged)} in ${executable}`);
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: packaged,
      extensionTestsPath: testsPath,
      launchArgs: [samplesCopy(run), `--user-data-dir=${run.userData}`, `--extensions-dir=${run.extensions}`],
    });
  } finally {
    run.remove();
    console.log(`extension-host tests: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().catch((error: unknown) => {
  console.error(`extension-host tests failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
