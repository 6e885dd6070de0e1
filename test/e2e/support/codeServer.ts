// The real editor of the end-to-end layer: code-server (VS Code in the browser) from the cache that
// scripts/e2e/setup.sh fills, started on 127.0.0.1 with everything it writes inside one run folder.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..', '..');
export const SAMPLES = path.join(REPOSITORY_ROOT, 'samples');
export const VSIX = path.join(REPOSITORY_ROOT, 'lkm-workbench.vsix');
/** Screenshots, logs and run folders of the layer (gitignored). */
export const RESULTS = path.join(REPOSITORY_ROOT, 'test-results', 'e2e');
export const EXTENSION_ID = 'lkm-workbench.lkm-workbench';

export interface E2eTools {
  /** Node.js 24, which code-server needs. */
  readonly node24: string;
  readonly codeServer: string;
  readonly chromium: string;
}

/** The tools, installed (or only checked) by scripts/e2e/setup.sh, which prints where they are. */
export function e2eTools(): E2eTools {
  const printed = execFileSync('bash', [path.join(REPOSITORY_ROOT, 'scripts/e2e/setup.sh'), '--print-env'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const value = (name: string): string => {
    const line = printed.split('\n').find((l) => l.startsWith(`${name}=`));
    if (line === undefined) throw new Error(`scripts/e2e/setup.sh --print-env printed no ${name}`);
    // printf %q leaves these plain paths as they are unless they hold shell metacharacters.
    return line.slice(name.length + 1).replace(/\\(.)/g, '$1');
  };
  return { node24: value('node24'), codeServer: value('code_server'), chromium: value('chromium') };
}

/**
 * The folders one run writes to: user data, extensions, XDG dirs and TMPDIR. Test runs make theirs
 * in the system's temporary folder (`RunFolder.temporary`), outside the clone, so that the
 * installed extension's bundles are never linted or formatted as the project's files.
 */
export class RunFolder {
  static temporary(kind: string, dirs: { userData?: string; extensions?: string } = {}): RunFolder {
    return new RunFolder(mkdtempSync(path.join(tmpdir(), `lkm-e2e-${kind}-`)), dirs);
  }

  readonly userData: string;
  readonly extensions: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly root: string,
    dirs: { userData?: string; extensions?: string } = {},
  ) {
    this.userData = dirs.userData ?? path.join(root, 'user-data');
    this.extensions = dirs.extensions ?? path.join(root, 'extensions');
    const xdg = {
      XDG_CONFIG_HOME: path.join(root, 'xdg', 'config'),
      XDG_DATA_HOME: path.join(root, 'xdg', 'data'),
      XDG_CACHE_HOME: path.join(root, 'xdg', 'cache'),
      XDG_STATE_HOME: path.join(root, 'xdg', 'state'),
      XDG_RUNTIME_DIR: path.join(root, 'xdg', 'runtime'),
      TMPDIR: path.join(root, 'tmp'),
    };
    for (const dir of [this.userData, this.extensions, ...Object.values(xdg)]) mkdirSync(dir, { recursive: true });
    this.env = { ...process.env, ...xdg, HOME: process.env.HOME ?? root };
  }

  /** Removes the folder, unless LKM_E2E_KEEP=1 asks to keep it for a look. */
  remove(): void {
    if (process.env.LKM_E2E_KEEP === '1') {
      console.log(`e2e: kept ${this.root}`);
      return;
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * A copy of samples/ inside the run folder, for the editor to open: what the extension writes into
 * its workspace (the target in .vscode/settings.json, …) stays out of the clone. Build outputs and
 * editor settings are not copied.
 */
export function samplesCopy(run: RunFolder): string {
  const copy = path.join(run.root, 'samples');
  cpSync(SAMPLES, copy, {
    recursive: true,
    filter: (source) => !/(^|\/)\.vscode$|\.(o|ko|mod|mod\.c|cmd)$|\/(Module\.symvers|modules\.order)$/.test(source),
  });
  return copy;
}

/** A free TCP port on 127.0.0.1 (the kernel's choice; released before code-server binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function codeServerEnv(tools: E2eTools, run: RunFolder, deadPort: number): NodeJS.ProcessEnv {
  return {
    ...run.env,
    PATH: `${path.dirname(tools.node24)}:${process.env.PATH ?? ''}`,
    // The marketplace is a loopback port nothing listens on: the run reaches no gallery.
    EXTENSIONS_GALLERY: JSON.stringify({
      serviceUrl: `http://127.0.0.1:${deadPort}/gallery`,
      itemUrl: `http://127.0.0.1:${deadPort}/item`,
    }),
  };
}

function profileArgs(run: RunFolder): string[] {
  return ['--user-data-dir', run.userData, '--extensions-dir', run.extensions];
}

/** `code-server --install-extension VSIX` into the run's extensions folder; returns the installed folder. */
export function installVsix(tools: E2eTools, run: RunFolder, vsix = VSIX, extensionsDir = run.extensions): string {
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run package first`);
  const output = execFileSync(
    tools.node24,
    [
      tools.codeServer,
      '--user-data-dir',
      run.userData,
      '--extensions-dir',
      extensionsDir,
      '--install-extension',
      vsix,
      '--force',
    ],
    { encoding: 'utf8', env: codeServerEnv(tools, run, 9), stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 },
  );
  const installed = readdirSync(extensionsDir)
    .filter((name) => name.startsWith(`${EXTENSION_ID}-`))
    .map((name) => path.join(extensionsDir, name))
    .find((dir) => existsSync(path.join(dir, 'package.json')));
  if (installed === undefined) {
    throw new Error(`code-server --install-extension left no ${EXTENSION_ID} in ${extensionsDir}:\n${output}`);
  }
  return installed;
}

/** User settings that keep the first-run noise (welcome page, tips, walkthroughs, AI chat) away. */
function writeUserSettings(run: RunFolder): void {
  const dir = path.join(run.userData, 'User');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'workbench.enableExperiments': false,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'update.mode': 'none',
        'chat.disableAIFeatures': true,
        'chat.commandCenter.enabled': false,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'git.openRepositoryInParentFolders': 'never',
        'editor.hover.delay': 300,
        'files.simpleDialog.enable': true,
      },
      null,
      2,
    ),
  );
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Everything code-server printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Starts with `--vscode-option enable-smoke-test-driver` (extension-host test runs). */
  readonly smokeTestDriver?: boolean;
  /** Forward code-server's output to this process's stderr as well. */
  readonly echo?: boolean;
  /** The port to listen on (default: a free one). */
  readonly port?: number;
}

/** Starts code-server on 127.0.0.1 and waits until /healthz answers. */
export async function startCodeServer(
  tools: E2eTools,
  run: RunFolder,
  options: StartOptions = {},
): Promise<CodeServer> {
  writeUserSettings(run);
  const port = options.port ?? (await freePort());
  const deadPort = await freePort();
  const args = [
    tools.codeServer,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...profileArgs(run),
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  const child = spawn(tools.node24, args, {
    env: codeServerEnv(tools, run, deadPort),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
    if (options.echo) process.stderr.write(chunk);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${url}/healthz within 120 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, port, process: child, output: () => output, stop };
}

/** The address that opens FOLDER in the workbench. */
export function folderUrl(server: CodeServer, folder: string, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ folder, ...extra });
  // Slashes stay readable: the workbench reads the folder either way.
  return `${server.url}/?${query.toString().replace(/%2F/g, '/')}`;
}
