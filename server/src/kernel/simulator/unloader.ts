/**
 * delete_module as Linux 6.1 does it, in its order:
 *   not loaded → ENOENT; used by other modules → EWOULDBLOCK (even forced); not live → EBUSY;
 *   init without exit → EBUSY unless forced (O_TRUNC, CONFIG_MODULE_FORCE_UNLOAD: taints R);
 *   references held → EWOULDBLOCK unless forced (taints R); then exit runs and the module is freed.
 * Without CONFIG_MODULE_UNLOAD the system call does not exist (ENOSYS).
 */
import { ERRNO, EWOULDBLOCK } from './errno';
import type { KernelState } from './kernelState';
import { entryContext, record } from './loader';
import { TAINT } from './taint';

export interface DeleteFlags {
  /** O_TRUNC: rmmod -f. */
  readonly force?: boolean;
}

export function deleteModule(kernel: KernelState, name: string, flags: DeleteFlags = {}): number {
  if (!kernel.config.moduleUnload) return ERRNO.ENOSYS;
  if (kernel.config.modulesDisabled) return ERRNO.EPERM;
  const loaded = kernel.find(name.slice(0, 55));
  if (loaded === undefined || loaded.state === 'unformed') return ERRNO.ENOENT;
  if (loaded.holders.length > 0) return EWOULDBLOCK;
  if (loaded.state !== 'live') return ERRNO.EBUSY;
  const tryForceUnload = (): boolean => {
    const forced = flags.force === true && kernel.config.forceUnload;
    if (forced) kernel.addTaint(TAINT.FORCED_RMMOD, true);
    return forced;
  };
  if (loaded.module.hasInit && !loaded.module.hasExit && !tryForceUnload()) return ERRNO.EBUSY;
  // try_stop_module
  if (loaded.refcount !== 0 && !tryForceUnload()) return EWOULDBLOCK;
  loaded.state = 'going';
  kernel.generation++;
  if (loaded.module.hasExit) record(kernel, kernel.runner.runExit(entryContext(kernel, loaded)));
  kernel.unlink(loaded);
  return 0;
}

/** try_module_get: a reference held by something outside the module graph (an open file, …). */
export function moduleGet(kernel: KernelState, name: string): boolean {
  const loaded = kernel.find(name);
  if (loaded === undefined || loaded.state !== 'live') return false;
  loaded.refcount++;
  loaded.externalRefs++;
  return true;
}

export function modulePut(kernel: KernelState, name: string): boolean {
  const loaded = kernel.find(name);
  if (loaded === undefined || loaded.externalRefs === 0) return false;
  loaded.refcount--;
  loaded.externalRefs--;
  return true;
}
