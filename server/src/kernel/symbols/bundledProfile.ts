import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeBundledProfile, type BundledHeader } from './bundledProfileFormat';
import { SnapshotError } from './snapshotError';
import { TableProfile } from './tableProfile';

/** The file's name, kept when the profile is regenerated for a newer 6.1.0-N, so nothing else changes. */
export const BUNDLED_PROFILE_FILE = 'linux-6.1-amd64.profile.json.br';

/**
 * The bundles in dist/ carry the profile in dist/profiles/ (scripts/build.mjs copies it); running
 * from source (tests, tsx) uses the repository's server/profiles/.
 */
export function bundledProfilePath(bundleDir: string = __dirname): string {
  const besideBundle = path.join(bundleDir, 'profiles', BUNDLED_PROFILE_FILE);
  if (existsSync(besideBundle)) return besideBundle;
  return path.resolve(__dirname, '../../../profiles', BUNDLED_PROFILE_FILE);
}

export interface BundledProfile {
  readonly profile: TableProfile;
  readonly header: BundledHeader;
}

const loaded = new Map<string, BundledProfile>();

/**
 * The default profile when no kernel of the user's is known: Debian's Linux 6.1 (amd64), from its
 * Module.symvers and its System.map. Loaded once per file and shared (it is immutable). Throws
 * SnapshotError when the file is missing or damaged.
 */
export function loadBundledProfile(file: string = bundledProfilePath()): BundledProfile {
  const cached = loaded.get(file);
  if (cached !== undefined) return cached;
  const bundled = readBundledProfile(file);
  loaded.set(file, bundled);
  return bundled;
}

/** Reads a bundled profile file afresh, without the cache (loadBundledProfile is the one to use). */
export function readBundledProfile(file: string): BundledProfile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new SnapshotError(file, 0, `the bundled kernel profile cannot be read (${code})`, { cause: error });
  }
  const { header, exports, symbols } = decodeBundledProfile(bytes, file);
  const profile = new TableProfile({
    release: header.release,
    sources: [
      {
        kind: 'bundled',
        path: `${header.description} (bundled)`,
        entries: exports.size + symbols.size,
        warnings: [
          `${header.description}: addresses are System.map's link-time ones; a running kernel adds its KASLR offset`,
        ],
      },
    ],
    exports,
    exportsCoverage: 'all-modules',
    symbols,
    hasDataSymbols: header.hasDataSymbols,
  });
  return { profile, header };
}
