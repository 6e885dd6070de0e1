/**
 * kmod 30's insmod, rmmod, lsmod, modprobe, modinfo and depmod: their messages, output formats and
 * exit codes (every kmod tool exits 1 on error), over the simulated machine.
 */
import { runDepmod } from './depmod';
import { ERRNO, strerror } from './errno';
import { normalizeModuleName, type LoadableModule } from './loadableModule';
import type { Machine } from './machine';
import { lookupModules, softdepsOf, type FoundModule } from './moduleLookup';
import { readFile } from './vfs';
import { initModule, isLoaded, loadInputOf, Output, removeModule, type ToolOutput } from './toolSupport';

/** insmod's mod_strerror. */
function insmodReason(errno: number): string {
  switch (errno) {
    case ERRNO.ENOEXEC:
      return 'Invalid module format';
    case ERRNO.ENOENT:
      return 'Unknown symbol in module';
    case ERRNO.ESRCH:
      return 'Module has wrong symbol version';
    case ERRNO.EINVAL:
      return 'Invalid parameters';
    default:
      return strerror(errno);
  }
}

export function kmodInsmod(machine: Machine, argv: readonly string[]): ToolOutput {
  const o = new Output();
  const words = argv.filter((a) => !/^-[fsvp]$/.test(a));
  const filename = words[0];
  if (filename === undefined) {
    o.err('insmod: ERROR: missing filename.\n');
    return o.done(1);
  }
  const input = loadInputOf(machine, filename);
  if (input === undefined) {
    o.err(`insmod: ERROR: could not load module ${filename}: No such file or directory\n`);
    return o.done(1);
  }
  const errno = initModule(machine, input, words.slice(1).join(' '));
  if (errno !== 0) {
    o.err(`insmod: ERROR: could not insert module ${filename}: ${insmodReason(errno)}\n`);
    return o.done(1);
  }
  return o.done(0);
}

const LIBKMOD_REMOVE = '../libkmod/libkmod-module.c:856 kmod_module_remove_module()';

function refcnt(machine: Machine, name: string): number | undefined {
  const r = readFile(machine, `/sys/module/${name}/refcnt`);
  return 'text' in r ? Number.parseInt(r.text, 10) : undefined;
}

function holders(machine: Machine, name: string): string[] {
  return [...(machine.kernel.find(name)?.holders ?? [])].sort();
}

/** kmod_module_remove_module: delete_module, and libkmod's own error line. */
function kmodRemove(machine: Machine, o: Output, tool: string, name: string, force: boolean): number {
  const errno = removeModule(machine, name, force);
  if (errno !== 0) o.err(`${tool}: ERROR: ${LIBKMOD_REMOVE} could not remove '${name}': ${strerror(errno)}\n`);
  return errno;
}

export function kmodRmmod(machine: Machine, argv: readonly string[]): ToolOutput {
  const o = new Output();
  const force = argv.includes('-f') || argv.includes('--force');
  const names = argv.filter((a) => !a.startsWith('-'));
  if (names.length === 0) {
    o.err('rmmod: ERROR: missing module name.\n');
    return o.done(1);
  }
  let failures = 0;
  for (const arg of names) {
    // A path that exists names the module after its file; a name is normalized (modname_normalize:
    // `-` is `_`, and it ends at the first `.`).
    const name = normalizeModuleName(arg);
    if (!force) {
      if (!isLoaded(machine, name)) {
        o.err(`rmmod: ERROR: Module ${name} is not currently loaded\n`);
        failures++;
        continue;
      }
      const users = holders(machine, name);
      if (users.length > 0) {
        o.err(`rmmod: ERROR: Module ${name} is in use by: ${users.join(' ')}\n`);
        failures++;
        continue;
      }
      const count = refcnt(machine, name);
      if (count !== undefined && count > 0) {
        o.err(`rmmod: ERROR: Module ${name} is in use\n`);
        failures++;
        continue;
      }
      if (count === undefined) o.err('rmmod: ERROR: Module unloading is not supported\n');
    }
    const errno = kmodRemove(machine, o, 'rmmod', name, force);
    if (errno !== 0) {
      o.err(`rmmod: ERROR: could not remove module ${arg}: ${strerror(errno)}\n`);
      failures++;
    }
  }
  return o.done(failures === 0 ? 0 : 1);
}

export function kmodLsmod(machine: Machine): ToolOutput {
  const o = new Output();
  o.out('Module                  Size  Used by\n');
  for (const m of machine.kernel.modules) {
    if (m.state === 'unformed') continue;
    const size = String(m.coreSize + m.initSize).padStart(8, ' ');
    const users = holders(machine, m.module.name);
    o.out(`${m.module.name.padEnd(19, ' ')} ${size}  ${m.refcount}${users.length > 0 ? ` ${users.join(',')}` : ''}\n`);
  }
  return o.done(0);
}

/** kmod modinfo's lines for one module file. */
export function kmodModinfoLines(module: LoadableModule, filename: string): string {
  let text = `${'filename:'.padEnd(16, ' ')}${filename}\n`;
  const params: { name: string; desc?: string; type?: string }[] = [];
  const param = (name: string) => {
    let p = params.find((x) => x.name === name);
    if (p === undefined) {
      p = { name };
      params.unshift(p);
    }
    return p;
  };
  for (const { key, value } of module.modinfo) {
    if (key === 'parm' || key === 'parmtype') {
      const colon = value.indexOf(':');
      if (colon <= 0) continue;
      const p = param(value.slice(0, colon));
      if (key === 'parm') p.desc ??= value.slice(colon + 1);
      else p.type ??= value.slice(colon + 1);
      continue;
    }
    text += `${key}:${' '.repeat(Math.max(0, 15 - key.length))}${value}\n`;
  }
  for (const p of params) {
    if (p.desc === undefined) text += `${'parm:'.padEnd(16, ' ')}${p.name}:${p.type ?? ''}\n`;
    else if (p.type !== undefined) text += `${'parm:'.padEnd(16, ' ')}${p.name}:${p.desc} (${p.type})\n`;
    else text += `${'parm:'.padEnd(16, ' ')}${p.name}:${p.desc}\n`;
  }
  return text;
}

export function kmodModinfo(machine: Machine, argv: readonly string[]): ToolOutput {
  const o = new Output();
  const names = argv.filter((a) => !a.startsWith('-'));
  if (names.length === 0) {
    o.err('modinfo: ERROR: missing module or filename.\n');
    return o.done(1);
  }
  let failed = false;
  for (const arg of names) {
    // kmod_module_new_from_path makes the path absolute.
    let filename = machine.resolve(arg);
    let module = machine.file(arg) !== undefined ? machine.moduleOf(arg) : undefined;
    if (machine.file(arg) === undefined) {
      const found = lookupModules(machine, arg);
      if (found.length === 0) {
        o.err(`modinfo: ERROR: Module ${arg} not found.\n`);
        failed = true;
        continue;
      }
      filename = `${machine.modulesDir}/${found[0]!.path}`;
      module = machine.moduleOf(filename);
    }
    if (module === undefined || !('modinfo' in module)) {
      o.err(`modinfo: ERROR: could not get modinfo from '${normalizeModuleName(arg)}': Invalid argument\n`);
      failed = true;
      continue;
    }
    o.out(kmodModinfoLines(module, filename));
  }
  return o.done(failed ? 1 : 0);
}

/** modprobe's insmod(): the module's dependencies from the end of its modules.dep list, then itself. */
function probeInsert(machine: Machine, o: Output, found: FoundModule, options: string): number {
  const softdeps = softdepsOf(machine, found.name);
  for (const pre of softdeps.pre) {
    const m = lookupModules(machine, pre)[0];
    if (m !== undefined) probeInsert(machine, o, m, '');
  }
  for (const dep of [...found.deps].reverse()) {
    const name = normalizeModuleName(dep);
    if (isLoaded(machine, name)) continue;
    const input = loadInputOf(machine, `${machine.modulesDir}/${dep}`);
    if (input === undefined) return ERRNO.ENOENT;
    const errno = initModule(machine, input, '');
    if (errno !== 0 && errno !== ERRNO.EEXIST) return errno;
  }
  if (!isLoaded(machine, found.name)) {
    const input = loadInputOf(machine, `${machine.modulesDir}/${found.path}`);
    if (input === undefined) return ERRNO.ENOENT;
    const errno = initModule(machine, input, options);
    if (errno !== 0 && errno !== ERRNO.EEXIST) return errno;
  }
  for (const post of softdeps.post) {
    const m = lookupModules(machine, post)[0];
    if (m !== undefined) probeInsert(machine, o, m, '');
  }
  return 0;
}

export function kmodModprobe(machine: Machine, argv: readonly string[]): ToolOutput {
  const o = new Output();
  const remove = argv.includes('-r') || argv.includes('--remove');
  const showDepends = argv.includes('--show-depends') || argv.includes('-D');
  const words = argv.filter((a) => !a.startsWith('-'));
  const target = words[0];
  if (target === undefined) {
    o.err('modprobe: ERROR: missing parameters. See -h.\n');
    return o.done(1);
  }
  if (remove) {
    // modprobe -r takes module names only (options are names too).
    for (const name of words) {
      const found = lookupModules(machine, name);
      if (found.length === 0) {
        o.err(`modprobe: FATAL: Module ${name} not found.\n`);
        return o.done(1);
      }
      for (const m of found) {
        if (!isLoaded(machine, m.name)) continue;
        const count = machine.kernel.find(m.name)?.refcount ?? 0;
        if (count > 0) {
          o.err(`modprobe: FATAL: Module ${m.name} is in use.\n`);
          return o.done(1);
        }
        if (kmodRemove(machine, o, 'modprobe', m.name, false) !== 0) return o.done(1);
        // Then the dependencies nobody uses any more, in modules.dep order.
        for (const dep of m.deps) {
          const depName = normalizeModuleName(dep);
          const loaded = machine.kernel.find(depName);
          if (loaded === undefined || loaded.refcount > 0 || loaded.state !== 'live') continue;
          kmodRemove(machine, o, 'modprobe', depName, false);
        }
      }
    }
    return o.done(0);
  }
  const options = words.slice(1).join(' ');
  const found = lookupModules(machine, target);
  if (found.length === 0) {
    o.err(`modprobe: FATAL: Module ${target} not found in directory ${machine.modulesDir}\n`);
    return o.done(1);
  }
  if (showDepends) {
    for (const m of found) {
      for (const dep of [...m.deps].reverse()) o.out(`insmod ${machine.modulesDir}/${dep} \n`);
      o.out(`insmod ${machine.modulesDir}/${m.path} ${options}\n`);
    }
    return o.done(0);
  }
  for (const m of found) {
    const errno = probeInsert(machine, o, m, options);
    if (errno === 0) continue;
    if (errno === ERRNO.EEXIST) o.err(`modprobe: ERROR: could not insert '${m.name}': Module already in kernel\n`);
    else if (errno === ERRNO.ENOENT)
      o.err(
        `modprobe: ERROR: could not insert '${m.name}': Unknown symbol in module, or unknown parameter (see dmesg)\n`,
      );
    else o.err(`modprobe: ERROR: could not insert '${m.name}': ${strerror(errno)}\n`);
    return o.done(1);
  }
  return o.done(0);
}

export function kmodDepmod(machine: Machine, argv: readonly string[] = []): ToolOutput {
  const o = new Output();
  // Unknown symbols are reported with -e only (cfg->print_unknown).
  const printUnknown = argv.some((a) => a === '--errsyms' || /^-[a-zA-Z]*e/.test(a));
  const result = runDepmod(machine, { printUnknown });
  for (const warning of result.warnings) o.err(`${warning}\n`);
  return o.done(0);
}
