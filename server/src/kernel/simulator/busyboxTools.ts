/**
 * busybox 1.35's insmod, rmmod, lsmod, modprobe and modinfo. insmod exits with the errno (254 when
 * the file cannot be read) and, when finit_module fails on a file that looks like ELF, tries again
 * with init_module: the kernel sees the load twice (its log lines doubled, a failing init run twice).
 */
import { runDepmod } from './depmod';
import { ERRNO, strerror } from './errno';
import { normalizeModuleName, type LoadableModule } from './loadableModule';
import type { Machine } from './machine';
import { lookupModules } from './moduleLookup';
import {
  fileSize,
  initModule,
  isLoaded,
  loadInputOf,
  looksElf,
  Output,
  removeModule,
  type ToolOutput,
} from './toolSupport';

/** modutils' moderror. */
function moderror(errno: number): string {
  switch (errno) {
    case ERRNO.EPERM:
      return 'no such module';
    case ERRNO.ENOEXEC:
      return 'invalid module format';
    case ERRNO.ENOENT:
      return 'unknown symbol in module, or unknown parameter';
    case ERRNO.ESRCH:
      return 'module has wrong symbol version';
    case ERRNO.ENOSYS:
      return 'kernel does not support requested operation';
    default:
      return strerror(errno);
  }
}

/** bb_init_module: finit_module, then (for an ELF-looking file) init_module on the bytes. */
function bbInitModule(machine: Machine, path: string, options: string): number | 'short-read' | 'missing' {
  const input = loadInputOf(machine, path);
  if (input === undefined) return 'missing';
  const first = initModule(machine, input, options);
  if (first === 0) return 0;
  if (fileSize(machine, path) === 0) return 'short-read';
  if (!looksElf(machine, path)) return first;
  return initModule(machine, input, options);
}

export function busyboxInsmod(machine: Machine, argv: readonly string[]): ToolOutput {
  const o = new Output();
  const words = argv.filter((a) => !/^-[a-z]$/.test(a));
  const filename = words[0];
  if (filename === undefined) {
    o.err(
      'BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\nUsage: insmod FILE [SYMBOL=VALUE]...\n\nLoad kernel module\n',
    );
    return o.done(1);
  }
  const result = bbInitModule(machine, filename, words.slice(1).join(' '));
  if (result === 'missing') {
    o.err(`insmod: can't insert '${filename}': No such file or directory\n`);
    return o.done(254);
  }
  if (result === 'short-read') {
    o.err('insmod: short read\n');
    return o.done(1);
  }
  if (result !== 0) {
    o.err(`insmod: can't insert '${filename}': ${moderror(result)}\n`);
    return o.done(result);
  }
  return o.done(0);
}

export function busyboxRmmod(machine: Machine, argv: readonly string[]): ToolOutput {
  const o = new Output();
  const force = argv.includes('-f');
  for (const arg of argv.filter((a) => !a.startsWith('-'))) {
    const name = normalizeModuleName(arg);
    const errno = removeModule(machine, name, force);
    if (errno !== 0) {
      o.err(`rmmod: can't unload module '${name}': ${strerror(errno)}\n`);
      return o.done(1);
    }
  }
  return o.done(0);
}

export function busyboxLsmod(machine: Machine): ToolOutput {
  const o = new Output();
  const tainted = machine.kernel.taintValue();
  o.out(`${'Module'.padEnd(24, ' ')}Size  Used by`);
  if (tainted !== 0) {
    const has = (bit: number) => Math.floor(tainted / 2 ** bit) % 2 === 1;
    o.out(`    Tainted: ${has(0) ? 'P' : 'G'}${has(1) ? 'F' : ' '}${has(2) ? 'S' : ' '}\n`);
  } else o.out('    Not tainted\n');
  for (const m of machine.kernel.modules) {
    if (m.state === 'unformed') continue;
    // The fourth /proc/modules field with its last character (a comma, or the lone '-') cut off.
    let users = m.holders.map((h) => `${h},`).join('');
    if (m.module.hasInit && !m.module.hasExit) users += '[permanent],';
    if (users === '') users = '-';
    users = users.slice(0, -1);
    o.out(
      `${m.module.name.padEnd(19, ' ')} ${String(m.coreSize + m.initSize).padStart(8, ' ')} ${String(m.refcount).padStart(2, ' ')} ${users}\n`,
    );
  }
  return o.done(0);
}

const MODINFO_FIELDS = [
  'author',
  'description',
  'license',
  'parm',
  'version',
  'alias',
  'srcversion',
  'depends',
  'uts_release',
  'vermagic',
];

export function busyboxModinfoLines(module: LoadableModule, filename: string): string {
  let text = `${'filename:'.padEnd(16, ' ')}${filename}\n`;
  for (const field of MODINFO_FIELDS) {
    for (const { key, value } of module.modinfo) if (key === field) text += `${`${field}:`.padEnd(16, ' ')}${value}\n`;
  }
  return text;
}

export function busyboxModinfo(machine: Machine, argv: readonly string[]): ToolOutput {
  const o = new Output();
  let failed = false;
  for (const arg of argv.filter((a) => !a.startsWith('-'))) {
    let filename = arg;
    if (machine.file(arg) === undefined) {
      const found = lookupModules(machine, arg)[0];
      if (found === undefined) {
        o.err(`modinfo: module '${arg}' not found\n`);
        failed = true;
        continue;
      }
      filename = `${machine.modulesDir}/${found.path}`;
    }
    const module = machine.moduleOf(filename);
    if (module === undefined || !('modinfo' in module)) {
      o.out(`${'filename:'.padEnd(16, ' ')}${filename}\n`);
      continue;
    }
    o.out(busyboxModinfoLines(module, filename));
  }
  return o.done(failed ? 1 : 0);
}

export function busyboxModprobe(machine: Machine, argv: readonly string[]): ToolOutput {
  const o = new Output();
  const remove = argv.includes('-r');
  const words = argv.filter((a) => !a.startsWith('-'));
  const target = words[0];
  if (target === undefined) return o.done(1);
  const found = lookupModules(machine, target)[0];
  if (found === undefined) {
    o.err(`modprobe: module ${target} not found in modules.dep\n`);
    return o.done(1);
  }
  if (remove) {
    if (!isLoaded(machine, found.name)) return o.done(0);
    const errno = removeModule(machine, found.name, false);
    if (errno !== 0) {
      o.err(`modprobe: can't unload module ${found.name}: ${strerror(errno)}\n`);
      return o.done(1);
    }
    for (const dep of found.deps) {
      const name = normalizeModuleName(dep);
      const loaded = machine.kernel.find(name);
      if (loaded !== undefined && loaded.refcount === 0) removeModule(machine, name, false);
    }
    return o.done(0);
  }
  for (const dep of [...found.deps].reverse()) {
    const name = normalizeModuleName(dep);
    if (isLoaded(machine, name)) continue;
    const result = bbInitModule(machine, `${machine.modulesDir}/${dep}`, '');
    if (result !== 0) {
      o.err(
        `modprobe: can't load module ${name} (${dep}): ${typeof result === 'number' ? moderror(result) : 'No such file or directory'}\n`,
      );
      return o.done(1);
    }
  }
  if (isLoaded(machine, found.name)) return o.done(0);
  const result = bbInitModule(machine, `${machine.modulesDir}/${found.path}`, words.slice(1).join(' '));
  if (result !== 0) {
    o.err(
      `modprobe: can't load module ${found.name} (${found.path}): ${typeof result === 'number' ? moderror(result) : 'No such file or directory'}\n`,
    );
    return o.done(1);
  }
  return o.done(0);
}

export function busyboxDepmod(machine: Machine): ToolOutput {
  // busybox 1.35's depmod writes no .bin indexes (those kmod's depmod wrote before stay, stale).
  runDepmod(machine, { indexes: false });
  return new Output().done(0);
}
