/**
 * The kbuild command line of Build Module. Pure (no vscode), so it is unit-tested.
 */

/** Left to the shell, so the running kernel's tree is found as kbuild's own docs write it. */
export const DEFAULT_KERNEL_BUILD_DIR = '/lib/modules/$(uname -r)/build';

export interface KbuildInvocation {
  readonly buildDir: string;
  /** `make` and its arguments: `-C <build dir> M=<module folder> modules`. */
  readonly args: readonly string[];
}

export function kbuildInvocation(moduleFolder: string, kernelHeadersSetting: string | undefined): KbuildInvocation {
  const setting = kernelHeadersSetting?.trim() ?? '';
  const buildDir = setting === '' ? DEFAULT_KERNEL_BUILD_DIR : setting;
  return { buildDir, args: ['-C', buildDir, `M=${moduleFolder}`, 'modules'] };
}
