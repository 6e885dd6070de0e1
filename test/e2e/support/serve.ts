// `npm start`'s editor (scripts/e2e/code-server.sh): code-server on 127.0.0.1 with the packaged
// lkm-workbench.vsix installed, opening a folder (default samples/); prints the address and runs
// until Ctrl-C. Its user data, extensions, XDG dirs and TMPDIR live in one run folder (default
// $LKM_CACHE/e2e/editor, kept between runs so the editor remembers its layout).
//   serve.ts [--folder DIR] [--port N] [--run-dir DIR]
import { mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SAMPLES, RunFolder, e2eTools, folderUrl, installVsix, startCodeServer } from './codeServer';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
  const cache =
    process.env.LKM_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'lkm-workbench');
  const runDir = path.resolve(option('--run-dir') ?? path.join(cache, 'e2e', 'editor'));
  const folder = path.resolve(option('--folder') ?? SAMPLES);
  const port = option('--port') ?? process.env.LKM_PORT;
  mkdirSync(runDir, { recursive: true });
  const tools = e2eTools();
  const run = new RunFolder(runDir);
  const installed = installVsix(tools, run);
  const server = await startCodeServer(tools, run, port !== undefined ? { port: Number(port) } : {});
  const url = folderUrl(server, folder);
  console.log(`code-server ${path.basename(installed)} installed; editor data in ${runDir}`);
  console.log(`\nOpen ${url}\n(the editor on ${folder}; Ctrl-C stops it)`);
  let stopping = false;
  const stop = (): void => {
    stopping = true;
    console.log('\nstopping code-server…');
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  server.process.once('exit', (code) => {
    if (stopping) return;
    console.error(`code-server exited (${code}):\n${server.output()}`);
    process.exit(1);
  });
}

main().catch((error: unknown) => {
  console.error(`serve: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
