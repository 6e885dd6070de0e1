/**
 * Which workbench the figures belong to: the commit, uncommitted changes, and a hash of the library
 * sources the run used (its snapshot), so figures can be told apart even between uncommitted states.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface WorkbenchState {
  readonly commit?: string;
  /** Tracked files with uncommitted changes. */
  readonly modifiedFiles?: number;
  /** sha256 over server/src (paths and contents), first 16 hex digits. */
  readonly librarySha: string;
}

const ROOT = path.join(__dirname, '../..');

/** Git's view of the repository, and the hash of the library under `libraryRoot` (default: the repository's). */
export async function workbenchState(libraryRoot: string = ROOT): Promise<WorkbenchState> {
  let git: { commit?: string; modifiedFiles?: number } = {};
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    git = { commit, modifiedFiles: status.split('\n').filter((l) => l.trim() !== '').length };
  } catch {
    // not a git checkout: the hash still identifies the library
  }
  return { ...git, librarySha: await librarySha(libraryRoot) };
}

export function librarySha(root: string = ROOT): Promise<string> {
  return hashTree(path.join(root, 'server/src'));
}

async function hashTree(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (current: string): Promise<void> => {
    const entries = await fs.readdir(current, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile())
        hash
          .update(path.relative(dir, full))
          .update('\0')
          .update(await fs.readFile(full));
    }
  };
  await walk(dir);
  return hash.digest('hex').slice(0, 16);
}
