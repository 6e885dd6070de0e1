// The extension-host suite: the `run()` that VS Code (desktop, or code-server through
// test/e2e/codeServerExecutable) calls inside the extension host when started with
// --extensionTestsPath. Bundled by scripts/e2e/build-tests.mjs; mocha comes from the repository.
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, reporter: 'spec' });
  const grep = process.env.LKM_E2E_GREP;
  if (grep) mocha.grep(grep);
  // The test files are in this bundle: give them mocha's globals, then load them.
  mocha.suite.emit('pre-require', globalThis, 'extension-host', mocha);
  await import('./diagnostics.test.js');
  await import('./hover.test.js');
  await import('./kernel.test.js');
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run((count) => resolve(count));
    runner.once('end', () => {
      const { passes = 0, failures = 0, pending = 0 } = runner.stats ?? {};
      console.log(`tests: ${passes} passed, ${failures} failed, ${pending} skipped`);
    });
  });
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
