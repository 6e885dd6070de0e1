// A stand-in for the `code` executable that @vscode/test-electron's runTests starts: the same
// arguments (--extensionDevelopmentPath=…, --extensionTestsPath=…, --user-data-dir=…,
// --extensions-dir=…, a folder to open), but the editor is code-server in headless Chromium. The
// extension host runs the tests as in desktop VS Code; what they print arrives through the smoke-test
// driver's window.codeAutomationLog, and their result through window.codeAutomationExit, which this
// program turns into its own stdout and exit code.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { openBrowser, type EditorPage } from '../support/browser';
import { RESULTS, RunFolder, e2eTools, folderUrl, startCodeServer, type CodeServer } from '../support/codeServer';

interface Arguments {
  readonly developmentPaths: string[];
  readonly testsPath: string | undefined;
  readonly userData: string | undefined;
  readonly extensions: string | undefined;
  readonly folders: string[];
}

function parse(argv: readonly string[]): Arguments {
  const developmentPaths: string[] = [];
  let testsPath: string | undefined;
  let userData: string | undefined;
  let extensions: string | undefined;
  const folders: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => inline ?? argv[++i] ?? '';
    switch (flag) {
      case '--extensionDevelopmentPath':
        developmentPaths.push(path.resolve(value()));
        break;
      case '--extensionTestsPath':
        testsPath = path.resolve(value());
        break;
      case '--user-data-dir':
        userData = path.resolve(value());
        break;
      case '--extensions-dir':
        extensions = path.resolve(value());
        break;
      default:
        // Desktop-only switches (--no-sandbox, --disable-gpu-sandbox, --skip-welcome, …) mean nothing here.
        if (!flag.startsWith('-')) folders.push(path.resolve(flag));
    }
  }
  return { developmentPaths, testsPath, userData, extensions, folders };
}

function remote(server: CodeServer, file: string): string {
  return `vscode-remote://127.0.0.1:${server.port}${file}`;
}

/**
 * One console call of the workbench or the extension host, formatted as console.log would. The
 * test reporter's lines go to stdout at once; the workbench's own errors and warnings (an
 * unreachable gallery, no GitHub sign-in, …) only when the run fails, on stderr.
 */
const held: string[] = [];
function print(type: unknown, args: unknown): void {
  const text = format(...(Array.isArray(args) ? (args as unknown[]) : [args]));
  if (type === 'error' || type === 'warn') held.push(text);
  else process.stdout.write(`${text}\n`);
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (args.testsPath === undefined) {
    process.stderr.write('codeServerExecutable: --extensionTestsPath is required\n');
    return 2;
  }
  const timeoutSeconds = Number(process.env.LKM_E2E_RUN_TIMEOUT ?? 900);
  mkdirSync(RESULTS, { recursive: true });
  const run = RunFolder.temporary('editor', {
    ...(args.userData !== undefined ? { userData: args.userData } : {}),
    ...(args.extensions !== undefined ? { extensions: args.extensions } : {}),
  });
  const tools = e2eTools();
  let server: CodeServer | undefined;
  let editor: EditorPage | undefined;
  const stopAll = async (): Promise<void> => {
    await editor?.close();
    await server?.stop();
    run.remove();
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(143)));
  try {
    server = await startCodeServer(tools, run, { smokeTestDriver: true });
    const page = (editor = await openBrowser(tools, run)).page;
    const exitCode = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: unknown) => resolve(typeof code === 'number' ? code : 1));
    });
    await page.exposeFunction('codeAutomationLog', print);
    page.on('pageerror', (error) => process.stderr.write(`codeServerExecutable: page error: ${error.message}\n`));
    const payload = [
      ...args.developmentPaths.map((dir) => ['extensionDevelopmentPath', remote(server!, dir)]),
      ['extensionTestsPath', remote(server, args.testsPath)],
    ];
    const folder = args.folders[0] ?? run.root;
    await page.goto(folderUrl(server, folder, { payload: JSON.stringify(payload) }));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        process.stderr.write(`codeServerExecutable: no result within ${timeoutSeconds} s\n`);
        resolve(1);
      }, timeoutSeconds * 1000);
    });
    const code = await Promise.race([exitCode, timedOut]);
    clearTimeout(timer);
    const shot = path.join(RESULTS, 'extension-host-last.png');
    await page.screenshot({ path: shot }).catch(() => undefined);
    process.stderr.write(
      `codeServerExecutable: exit code ${code}; last screen ${path.relative(process.cwd(), shot)}\n`,
    );
    if (code !== 0) {
      process.stderr.write(`--- the workbench's errors and warnings:\n${held.join('\n')}\n`);
      process.stderr.write(`--- code-server said:\n${server.output()}\n`);
    }
    return code;
  } finally {
    await stopAll();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `codeServerExecutable: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
