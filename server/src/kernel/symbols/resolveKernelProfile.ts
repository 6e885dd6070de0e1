import * as os from 'node:os';
import * as path from 'node:path';
import { buildKernelProfile } from './buildKernelProfile';
import { bundledProfilePath, loadBundledProfile } from './bundledProfile';
import { ExportTable } from './exportTable';
import type { KernelProfile } from './kernelProfile';
import { readSnapshot, type Snapshot } from './readSnapshot';
import { SnapshotError } from './snapshotError';
import { TableProfile } from './tableProfile';

/** Snapshot files of one kernel, as settings or CLI flags name them. */
export interface SnapshotPaths {
  /** `lkm.symbols.kallsyms` / `--kallsyms`: a kallsyms or System.map (any snapshot is accepted). */
  readonly kallsyms?: string;
  /** `lkm.symbols.moduleSymvers` / `--symvers`: a Module.symvers (any snapshot is accepted). */
  readonly moduleSymvers?: string;
}

export interface ResolveProfileOptions extends SnapshotPaths {
  /** `lkm.kernelRelease` / `--release`: the target's release; also picks the host's /lib/modules/<release>. */
  readonly release?: string;
  /** Look at the host's own kernel when no paths are set (default: true on Linux). */
  readonly autoDetect?: boolean;
  /** The host to look at; tests point it at a fake tree. */
  readonly host?: {
    /** Filesystem root (default `/`). */
    readonly root?: string;
    /** `uname -r` (default: os.release()). */
    readonly uname?: () => string;
    /** Default: process.platform. */
    readonly platform?: string;
  };
  /** A remote target's profile, or its snapshot files already copied here. */
  readonly remote?: { readonly profile?: KernelProfile; readonly description?: string } & SnapshotPaths;
  /** Use the bundled Linux 6.1 profile as the last resort (default: true); its file, for tests. */
  readonly bundled?: boolean;
  readonly bundledFile?: string;
}

export type ProfileOrigin = 'settings' | 'host' | 'remote' | 'bundled' | 'none';

export interface ResolvedProfile {
  readonly profile: KernelProfile;
  readonly origin: ProfileOrigin;
  /** One line for the user: which kernel and from what, e.g. `Linux 6.1.0-56-amd64 from /proc/kallsyms and …`. */
  readonly description: string;
  /** Why earlier choices were not taken, and files that could not be read; each names the file. */
  readonly problems: readonly string[];
}

/**
 * Finds the profile to check against, in order: (1) snapshot paths the user set; (2) the host's
 * own kernel (/proc/kallsyms and /lib/modules/<release>/build/Module.symvers), only when no paths
 * are set, since a user who names files means that kernel and not this machine's; (3) a remote
 * target's; (4) the bundled Debian Linux 6.1 profile. Never throws: what failed is in `problems`,
 * and with nothing at all the profile is empty (no export known).
 */
export function resolveKernelProfile(options: ResolveProfileOptions = {}): ResolvedProfile {
  const problems: string[] = [];
  const release = nonEmpty(options.release);

  const explicit = readPaths(options, problems);
  if (explicit !== undefined) return fromSnapshots(explicit, 'settings', release, problems);
  const pathsSet = nonEmpty(options.kallsyms) !== undefined || nonEmpty(options.moduleSymvers) !== undefined;

  if (!pathsSet && options.autoDetect !== false) {
    const host = detectHost(options, release, problems);
    if (host !== undefined) return host;
  }

  const remote = options.remote;
  if (remote?.profile !== undefined) {
    return {
      profile: remote.profile,
      origin: 'remote',
      description: remote.description ?? describe(remote.profile),
      problems,
    };
  }
  if (remote !== undefined) {
    const snapshots = readPaths(remote, problems);
    if (snapshots !== undefined) return fromSnapshots(snapshots, 'remote', release, problems);
  }

  if (options.bundled !== false) {
    const file = options.bundledFile ?? bundledProfilePath();
    try {
      const { profile } = loadBundledProfile(file);
      if (release !== undefined && release !== profile.release) {
        problems.push(
          `the bundled symbols are Linux ${profile.release ?? '?'}'s, not ${release}'s: exports that differ between the two are judged as in ${profile.release ?? '?'}`,
        );
      }
      return {
        profile: release !== undefined ? profile.withRelease(release) : profile,
        origin: 'bundled',
        description: describe(profile),
        problems,
      };
    } catch (error) {
      problems.push(message(error));
    }
  }
  const empty = new TableProfile({
    ...(release !== undefined ? { release } : {}),
    sources: [],
    exports: new ExportTable(),
    exportsCoverage: 'none',
    hasDataSymbols: false,
  });
  return { profile: empty, origin: 'none', description: 'no kernel symbols: exports are not known', problems };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The snapshots of the paths that could be read; undefined when none is set or none could be read. */
function readPaths(paths: SnapshotPaths, problems: string[]): Snapshot[] | undefined {
  const snapshots: Snapshot[] = [];
  for (const file of [nonEmpty(paths.kallsyms), nonEmpty(paths.moduleSymvers)]) {
    if (file === undefined) continue;
    try {
      snapshots.push(readSnapshot({ file }));
    } catch (error) {
      if (!(error instanceof SnapshotError)) throw error;
      problems.push(error.message);
    }
  }
  return snapshots.length > 0 ? snapshots : undefined;
}

function fromSnapshots(
  snapshots: readonly Snapshot[],
  origin: ProfileOrigin,
  release: string | undefined,
  problems: string[],
): ResolvedProfile {
  const profile = buildKernelProfile(snapshots, release !== undefined ? { release } : {});
  if (!profile.exportsKnown) {
    problems.push(
      `${snapshots.map((s) => s.file).join(' and ')}: no Module.symvers and no __ksymtab_ entries, so which symbols are exported is not known`,
    );
  }
  return { profile, origin, description: describe(profile), problems };
}

/**
 * The running kernel's snapshots: /proc/kallsyms (only when `release` is the running one) and its
 * build tree's Module.symvers. Taken when they tell the exports (a Module.symvers, or a kallsyms
 * with __ksymtab_ entries); a kallsyms whose addresses are hidden still gives names and types. A
 * plain kallsyms alone is not taken: the bundled profile, which knows exports, serves better.
 */
function detectHost(
  options: ResolveProfileOptions,
  release: string | undefined,
  problems: string[],
): ResolvedProfile | undefined {
  const platform = options.host?.platform ?? process.platform;
  if (platform !== 'linux') return undefined;
  const root = options.host?.root ?? '/';
  let running: string;
  try {
    running = (options.host?.uname ?? os.release)().trim();
  } catch {
    return undefined;
  }
  const target = release ?? running;
  const files = [
    ...(target === running ? [path.join(root, 'proc/kallsyms')] : []),
    path.join(root, 'lib/modules', target, 'build/Module.symvers'),
  ];
  const snapshots: Snapshot[] = [];
  const missing: string[] = [];
  for (const file of files) {
    try {
      snapshots.push(readSnapshot({ file }));
    } catch (error) {
      if (!(error instanceof SnapshotError)) throw error;
      if ((error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') missing.push(file);
      else problems.push(error.message);
    }
  }
  if (snapshots.length === 0) return undefined;
  const profile = buildKernelProfile(snapshots, { release: target });
  if (!profile.exportsKnown) {
    problems.push(
      `this machine's kernel (${running}) was not used: ${snapshots.map((s) => s.file).join(' and ')} ` +
        `cannot tell which symbols are exported${missing.length > 0 ? ` and ${missing.join(', ')} is missing (install linux-headers-${target})` : ''}`,
    );
    return undefined;
  }
  return { profile, origin: 'host', description: describe(profile), problems };
}

/** `Linux 6.1.0-56-amd64 from /proc/kallsyms and …/Module.symvers (24,683 exports, 152,000 symbols)`. */
export function describe(profile: KernelProfile): string {
  const kernel = profile.release !== undefined ? `Linux ${profile.release}` : 'an unnamed kernel';
  const from = profile.sources.map((s) => s.path).join(' and ');
  const counts = [
    profile.exportsKnown ? `${profile.counts.exports.toLocaleString('en-US')} exports` : 'exports not known',
    ...(profile.counts.symbols > 0 ? [`${profile.counts.symbols.toLocaleString('en-US')} symbols`] : []),
    ...(profile.addressesHidden ? ['addresses hidden'] : []),
  ];
  return `${kernel}${from !== '' ? ` from ${from}` : ''} (${counts.join(', ')})`;
}
