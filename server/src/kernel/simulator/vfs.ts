/**
 * One view of every file the simulated machine has: the kernel's /proc and /sys (generated from its
 * state on every read, with sysfs modes), and the disk (module files, /lib/modules). Errors are
 * errno values, as a shell's cat, ls and echo would meet them.
 */
import { ERRNO } from './errno';
import type { LoadedModule } from './kernelState';
import { moduleAddress } from './kernelState';
import { layoutModule } from './layout';
import { modinfoValue } from './loadableModule';
import type { Machine } from './machine';
import { getParameter, parameterFileMode, setParameter } from './params';
import { procKallsyms, procModules } from './procfs';
import { moduleTaintLetters } from './taint';

export type Node =
  | { readonly kind: 'dir'; readonly entries: () => string[] }
  | {
      readonly kind: 'file';
      readonly mode: number;
      readonly read?: () => string;
      /** 0, or the errno write(2) returns. */
      readonly write?: (text: string) => number;
    };

const file = (mode: number, read?: () => string, write?: (text: string) => number): Node => ({
  kind: 'file',
  mode,
  ...(read ? { read } : {}),
  ...(write ? { write } : {}),
});
const dir = (entries: () => string[]): Node => ({ kind: 'dir', entries });

export function lookup(machine: Machine, rawPath: string): Node | undefined {
  const path = machine.resolve(rawPath);
  const kernel = machine.kernel;
  if (path === '/proc') return dir(() => ['devices', 'kallsyms', 'modules', 'sys', 'version']);
  if (path === '/proc/modules') return file(0o444, () => procModules(kernel));
  if (path === '/proc/kallsyms') return file(0o444, () => procKallsyms(kernel));
  if (path === '/proc/devices') return file(0o444, () => kernel.devices.procDevices());
  if (path === '/proc/version') return file(0o444, () => `${kernel.config.version}\n`);
  if (path === '/proc/sys/kernel/osrelease') return file(0o444, () => `${kernel.config.release}\n`);
  if (path === '/proc/sys/kernel/tainted')
    return file(
      0o644,
      () => `${kernel.taintValue()}\n`,
      (text) => {
        // proc_taint: bits can be added, never cleared.
        const value = Number.parseInt(text.trim(), 10);
        if (!Number.isSafeInteger(value) || value < 0) return ERRNO.EINVAL;
        for (let bit = 0; bit < 19; bit++) if (Math.floor(value / 2 ** bit) % 2 === 1) kernel.addTaint(bit, true);
        return 0;
      },
    );
  if (path === '/proc/sys/kernel/kptr_restrict') return file(0o644, () => `${kernel.config.hideAddresses ? 1 : 0}\n`);
  if (path === '/proc/sys/kernel/modules_disabled')
    return file(0o644, () => `${kernel.config.modulesDisabled ? 1 : 0}\n`);
  if (path === '/sys/module')
    return dir(() =>
      kernel.modules
        .filter((m) => m.state !== 'unformed')
        .map((m) => m.module.name)
        .sort(),
    );
  const sys = /^\/sys\/module\/([^/]+)(?:\/(.*))?$/.exec(path);
  if (sys) {
    const loaded = kernel.find(sys[1]!);
    if (loaded === undefined || loaded.state === 'unformed') return undefined;
    return moduleNode(machine, loaded, sys[2] ?? '');
  }
  const disk = machine.file(path);
  if (disk !== undefined)
    return file(0o644, () =>
      disk.kind === 'text' ? disk.text : disk.kind === 'bytes' ? new TextDecoder('latin1').decode(disk.bytes) : '',
    );
  if (machine.isDirectory(path)) return dir(() => machine.list(path));
  return undefined;
}

function moduleNode(machine: Machine, m: LoadedModule, rest: string): Node | undefined {
  const kernel = machine.kernel;
  const fileParams = m.module.parameters.filter((p) => parameterFileMode(p) !== undefined);
  const attributes: Record<string, Node> = {
    coresize: file(0o444, () => `${m.coreSize}\n`),
    initsize: file(0o444, () => `${m.initSize}\n`),
    initstate: file(0o444, () => `${m.state === 'live' ? 'live' : m.state === 'coming' ? 'coming' : 'going'}\n`),

    taint: file(0o444, () => `${moduleTaintLetters(m.taints)}\n`),
    uevent: file(0o200, undefined, () => 0),
  };
  // The refcnt attribute exists with CONFIG_MODULE_UNLOAD only.
  if (kernel.config.moduleUnload) attributes.refcnt = file(0o444, () => `${m.refcount}\n`);
  const version = modinfoValue(m.module, 'version');
  if (version !== undefined) attributes.version = file(0o444, () => `${version}\n`);
  const srcversion = modinfoValue(m.module, 'srcversion');
  if (srcversion !== undefined) attributes.srcversion = file(0o444, () => `${srcversion}\n`);
  const dirs = ['holders', 'notes', 'sections', ...(fileParams.length > 0 ? ['parameters'] : [])];
  if (rest === '') return dir(() => [...Object.keys(attributes), ...dirs].sort());
  const attribute = attributes[rest];
  if (attribute !== undefined) return attribute;
  if (rest === 'holders') return dir(() => [...m.holders].sort());
  if (rest.startsWith('holders/')) {
    // Each entry is a symlink to the holder's own directory.
    const [holder, ...inner] = rest.slice(8).split('/');
    const target = holder !== undefined && m.holders.includes(holder) ? kernel.find(holder) : undefined;
    return target === undefined ? undefined : moduleNode(machine, target, inner.join('/'));
  }
  const layout = layoutModule(m.module);
  const noteNames = m.module.sections.filter((s) => s.name.startsWith('.note')).map((s) => s.name);
  if (rest === 'notes') return dir(() => [...noteNames].sort());
  if (rest.startsWith('notes/') && noteNames.includes(rest.slice(6))) return file(0o444, () => '');
  const placed = [...layout.sections].filter(([, p]) => p.part === 'core' || m.initBase !== undefined);
  if (rest === 'sections') return dir(() => placed.map(([name]) => name).sort());
  if (rest.startsWith('sections/')) {
    const entry = placed.find(([name]) => name === rest.slice(9));
    if (entry === undefined) return undefined;
    const [, placement] = entry;
    const base = placement.part === 'core' ? m.coreBase : (m.initBase ?? 0);
    return file(0o400, () =>
      kernel.config.hideAddresses ? '0x0000000000000000\n' : `0x${moduleAddress(base + placement.offset)}\n`,
    );
  }
  if (rest === 'parameters' && fileParams.length > 0) return dir(() => fileParams.map((p) => p.name).sort());
  if (rest.startsWith('parameters/')) {
    const parameter = fileParams.find((p) => p.name === rest.slice(11));
    const value = parameter && m.params.get(parameter.name);
    if (parameter === undefined || value === undefined) return undefined;
    return file(
      parameterFileMode(parameter)!,
      () => getParameter(value),
      (text) => {
        const result = setParameter(value, text);
        for (const message of result.messages) kernel.printk(message.level, message.text);
        return result.errno;
      },
    );
  }
  return undefined;
}

export type ReadResult = { readonly text: string } | { readonly errno: number };

/** open(O_RDONLY) + read as root: sysfs refuses files without any read bit (EACCES). */
export function readFile(machine: Machine, path: string): ReadResult {
  const node = lookup(machine, path);
  if (node === undefined) return { errno: ERRNO.ENOENT };
  if (node.kind === 'dir') return { errno: 21 };
  if ((node.mode & 0o444) === 0 || node.read === undefined) return { errno: ERRNO.EACCES };
  return { text: node.read() };
}

/** open(O_WRONLY) + write as root: no write bit → EACCES at open; the store's errno at write. */
export function writeFile(machine: Machine, path: string, text: string): { errno: number; atOpen: boolean } {
  const node = lookup(machine, path);
  if (node === undefined) return { errno: ERRNO.ENOENT, atOpen: true };
  if (node.kind === 'dir') return { errno: 21, atOpen: true };
  if ((node.mode & 0o222) === 0 || node.write === undefined) return { errno: ERRNO.EACCES, atOpen: true };
  return { errno: node.write(text), atOpen: false };
}
