/**
 * A copy of the library (server/src), the grammars and this evaluation, taken when the run starts,
 * for the workers to load. Workers start many times during a run (they are recycled, and replaced
 * after a timeout), and each loads its code from disk: without the copy, an edit to server/ in the
 * middle of a run would mix two versions of the library in one set of figures.
 */
import { promises as fs, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface LibrarySnapshot {
  readonly root: string;
  /** The worker script inside the snapshot. */
  readonly workerScript: string;
  dispose(): Promise<void>;
}

export const REPOSITORY_ROOT = path.join(__dirname, '../..');

const COPIED = ['server/src', 'test/eval', 'grammars', 'tsconfig.json', 'package.json'];

export async function takeLibrarySnapshot(): Promise<LibrarySnapshot> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'lkm-eval-'));
  for (const item of COPIED) {
    await copy(path.join(REPOSITORY_ROOT, item), path.join(root, item), (name) => name !== 'results');
  }
  // Packages are not copied: they do not change under a run, and the copy finds them through this link.
  await fs.symlink(path.join(REPOSITORY_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  // Interrupted (Ctrl-C, kill): the copy goes too, then the usual exit status for the signal.
  const onSignal = (signal: NodeJS.Signals) => {
    rmSync(root, { recursive: true, force: true });
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    root,
    workerScript: path.join(root, 'test/eval/evalWorker.ts'),
    dispose: async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}

async function copy(from: string, to: string, keep: (name: string) => boolean): Promise<void> {
  const stat = await fs.stat(from);
  if (!stat.isDirectory()) {
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.copyFile(from, to);
    return;
  }
  await fs.mkdir(to, { recursive: true });
  for (const entry of await fs.readdir(from)) {
    if (keep(entry)) await copy(path.join(from, entry), path.join(to, entry), keep);
  }
}
