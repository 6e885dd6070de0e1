import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KernelHeaders } from '../headers/kernelHeaders';
import {
  resolveKernelProfile,
  type ResolvedProfile,
  type ResolveProfileOptions,
} from '../symbols/resolveKernelProfile';

export interface TargetProfileOptions {
  /** `lkm.symbols.kallsyms` / `--kallsyms`. */
  readonly kallsyms?: string;
  /** `lkm.symbols.moduleSymvers` / `--symvers`. */
  readonly moduleSymvers?: string;
  /** `lkm.kernelRelease` / `--release`. */
  readonly release?: string;
  /** The kernel headers the analysis uses: their tree names the target when nothing else does. */
  readonly headers?: KernelHeaders;
  /** A remote target's fetched profile. */
  readonly remote?: ResolveProfileOptions['remote'];
  /** For tests: what `uname -r` says. */
  readonly runningRelease?: string;
}

/**
 * The profile modules are checked against. Files the user names come first. Otherwise the kernel
 * headers decide: they are what the module is compiled for, so their Module.symvers (and that
 * release's System.map) is the target, unless they are the running kernel's, whose /proc/kallsyms
 * then adds addresses and module symbols. Without either, resolveKernelProfile's order applies:
 * the host's kernel, a remote target, the bundled Linux 6.1 profile.
 */
export function targetProfile(options: TargetProfileOptions = {}): ResolvedProfile {
  const named = options.kallsyms !== undefined || options.moduleSymvers !== undefined;
  const release = options.release ?? options.headers?.release;
  const common: ResolveProfileOptions = {
    ...(release !== undefined ? { release } : {}),
    ...(options.remote !== undefined ? { remote: options.remote } : {}),
  };
  if (named) {
    return resolveKernelProfile({
      ...common,
      ...(options.kallsyms !== undefined ? { kallsyms: options.kallsyms } : {}),
      ...(options.moduleSymvers !== undefined ? { moduleSymvers: options.moduleSymvers } : {}),
    });
  }
  const headers = options.headers;
  const symvers = headers ? path.join(headers.root, 'Module.symvers') : undefined;
  const running = options.runningRelease ?? os.release();
  if (headers !== undefined && symvers !== undefined && existsSync(symvers) && headers.release !== running) {
    const systemMap = headers.release !== undefined ? `/boot/System.map-${headers.release}` : undefined;
    return resolveKernelProfile({
      ...common,
      moduleSymvers: symvers,
      ...(systemMap !== undefined && existsSync(systemMap) ? { kallsyms: systemMap } : {}),
      autoDetect: false,
    });
  }
  return resolveKernelProfile(common);
}
