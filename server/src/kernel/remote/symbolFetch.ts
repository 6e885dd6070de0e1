/**
 * The target's symbols into a local folder and a kernel profile: /proc/kallsyms (with privilege,
 * so addresses are visible where the kernel allows), and the build tree's Module.symvers when the
 * target has one. Files are written beside and renamed into place, so an interrupted fetch leaves
 * the folder as it was.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { buildKernelProfile } from '../symbols/buildKernelProfile';
import type { KernelProfile } from '../symbols/kernelProfile';
import { readSnapshot, type Snapshot } from '../symbols/readSnapshot';
import { SnapshotError } from '../symbols/snapshotError';
import { privileged, type Privilege } from './privilege';
import { RemoteError } from './remoteError';
import type { CommandOptions, SshRunner } from './sshRunner';

export interface FetchedSymbols {
  readonly release: string;
  readonly dir: string;
  readonly kallsyms: string;
  /** Absent when the target has no build tree with a Module.symvers. */
  readonly moduleSymvers?: string;
  readonly profile: KernelProfile;
  /** Lines in the fetched kallsyms. */
  readonly kallsymsLines: number;
  readonly addressesHidden: boolean;
  /** For the user: hidden addresses, a missing Module.symvers, snapshot warnings. */
  readonly warnings: readonly string[];
}

async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const partial = `${file}.partial`;
  try {
    await fs.writeFile(partial, bytes);
    await fs.rename(partial, file);
  } catch (error) {
    await fs.rm(partial, { force: true });
    throw new RemoteError('local-io', `cannot write ${file}: ${(error as Error).message}`);
  }
}

export async function fetchSymbols(
  runner: SshRunner,
  privilege: Privilege,
  release: string,
  outDir: string,
  options: CommandOptions = {},
): Promise<FetchedSymbols> {
  const timeouts: CommandOptions = { timeoutMs: 300_000, ...options };
  const kallsyms = await runner.run(
    privileged(privilege, 'cat /proc/kallsyms; echo "kptr_restrict=$(cat /proc/sys/kernel/kptr_restrict)" >&2'),
    timeouts,
  );
  if (kallsyms.exit !== 0 || kallsyms.stdoutBytes.length === 0) {
    throw new RemoteError(
      'protocol',
      `${runner.host}: cannot read /proc/kallsyms: ${kallsyms.stderr.trim() || `exit ${kallsyms.exit}`}`,
    );
  }
  const kptr = /kptr_restrict=(\d+)/.exec(kallsyms.stderr)?.[1];
  const symversPath = `/lib/modules/${release}/build/Module.symvers`;
  const symvers = await runner.run(
    `if [ -r ${symversPath} ]; then cat ${symversPath}; else echo absent >&2; exit 3; fi`,
    timeouts,
  );

  try {
    await fs.mkdir(outDir, { recursive: true });
  } catch (error) {
    throw new RemoteError('local-io', `cannot create ${outDir}: ${(error as Error).message}`);
  }
  const kallsymsFile = path.join(outDir, 'kallsyms');
  await writeAtomically(kallsymsFile, kallsyms.stdoutBytes);
  const symversFile = path.join(outDir, 'Module.symvers');
  const warnings: string[] = [];
  if (symvers.exit === 0) await writeAtomically(symversFile, symvers.stdoutBytes);
  else {
    await fs.rm(symversFile, { force: true });
    warnings.push(
      `${runner.host} has no ${symversPath} (install linux-headers-${release} there, or give the profile a Module.symvers): which symbols are exported is known only from kallsyms' __ksymtab_ entries`,
    );
  }

  const snapshots: Snapshot[] = [];
  try {
    snapshots.push(readSnapshot({ file: kallsymsFile }));
    if (symvers.exit === 0) snapshots.push(readSnapshot({ file: symversFile }));
  } catch (error) {
    if (error instanceof SnapshotError) throw new RemoteError('protocol', `${runner.host}: ${error.message}`);
    throw error;
  }
  const profile = buildKernelProfile(snapshots, { release });
  const hidden = profile.addressesHidden;
  if (hidden) {
    warnings.push(
      `${runner.host} hides kernel addresses (kptr_restrict=${kptr ?? '?'}${privilege.via === 'root' ? '' : privilege.via === 'sudo' ? `, user ${privilege.user} through sudo` : `, read as ${privilege.user}, who is not root`}): ` +
        `every address in kallsyms is 0, so names and types are known but addresses are not (as root with kptr_restrict 0 or 1 they are visible)`,
    );
  }
  for (const source of profile.sources) warnings.push(...source.warnings);
  const lines = kallsyms.stdout.split('\n').filter((l) => l !== '').length;
  await writeAtomically(
    path.join(outDir, 'target.json'),
    Buffer.from(
      `${JSON.stringify(
        {
          host: runner.host,
          release,
          fetched: new Date().toISOString(),
          kallsyms: 'kallsyms',
          moduleSymvers: symvers.exit === 0 ? 'Module.symvers' : null,
          kallsymsLines: lines,
          addressesHidden: hidden,
          kptrRestrict: kptr === undefined ? null : Number(kptr),
          counts: profile.counts,
          warnings,
        },
        null,
        2,
      )}\n`,
    ),
  );
  return {
    release,
    dir: outDir,
    kallsyms: kallsymsFile,
    ...(symvers.exit === 0 ? { moduleSymvers: symversFile } : {}),
    profile,
    kallsymsLines: lines,
    addressesHidden: hidden,
    warnings,
  };
}
