/**
 * kmod 30's insmod, rmmod, lsmod, modprobe, modinfo and depmod: their messages, output formats and
 * exit codes (every kmod tool exits 1 on error), over the simulated machine.
 */
import { runDepmod } from './depmod';
import { ERRNO, strerror } from './errno';
import { normalizeModuleName, type LoadableModule } from './loadableModule';
import type { Machine } from './machine';
import { lookupModules, softdepModules, type FoundModule } from './moduleLookup';
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

/** A module of modules.dep by the name (or path) of a dependency. */
function depModule(machine: Machine, dep: string): FoundModule {
  const name = normalizeModuleName(dep);
  return lookupModules(machine, name).find((m) => m.name === name) ?? { name, path: dep, deps: [] };
}

/**
 * kmod_module_get_probe_list: for the module and each of its dependencies (providers first, as
 * libkmod reads modules.dep's list back to front): its `pre:` softdeps (each with its own
 * dependencies and softdeps, once), itself, its `post:` softdeps. `required`: the module and its
 * dependencies (a softdep's failure is ignored).
 */
function probeList(machine: Machine, top: FoundModule): { list: FoundModule[]; required: Set<string> } {
  const visited = new Set<string>();
  const required = new Set<string>();
  const list: FoundModule[] = [];
  const fillSoftdep = (m: FoundModule) => {
    const { pre, post } = softdepModules(machine, m.name);
    for (const p of pre) getProbeList(p, false);
    list.push(m);
    for (const p of post) getProbeList(p, false);
  };
  const getProbeList = (m: FoundModule, isRequired: boolean) => {
    if (visited.has(m.name)) return;
    visited.add(m.name);
    const deps = [...m.deps].reverse().map((d) => depModule(machine, d));
    if (isRequired) for (const r of [m, ...deps]) required.add(r.name);
    for (const d of deps) fillSoftdep(d);
    fillSoftdep(m);
  };
  getProbeList(top, true);
  return { list, required };
}

/**
 * kmod_module_probe_insert_module: nothing when the module is loaded already; else the probe list in
 * order, skipping what is loaded, the options going to the module itself. A dependency's error stops
 * it; a softdep's does not.
 */
function probeInsert(machine: Machine, top: FoundModule, options: string): number {
  if (isLoaded(machine, top.name)) return 0;
  const { list, required } = probeList(machine, top);
  let errno = 0;
  for (const m of list) {
    if (isLoaded(machine, m.name)) errno = ERRNO.EEXIST;
    else {
      const input = loadInputOf(machine, `${machine.modulesDir}/${m.path}`);
      errno = input === undefined ? ERRNO.ENOENT : initModule(machine, input, m.name === top.name ? options : '');
    }
    if (errno === ERRNO.EEXIST || !required.has(m.name)) errno = 0;
    else if (errno !== 0) break;
  }
  return errno;
}

/**
 * modprobe -r's rmmod_do_module: nothing when the module is not loaded; its `post:` softdeps (last
 * first, errors ignored); the module, unless in use; its dependencies that nobody uses any more (in
 * libkmod's order, providers first, so a provider still used by the next one stays); its `pre:`
 * softdeps (last first, errors ignored). 0 or the errno.
 */
function rmmodDo(machine: Machine, o: Output, m: FoundModule): number {
  const { pre, post } = softdepModules(machine, m.name);
  if (!isLoaded(machine, m.name)) return 0;
  for (const p of [...post].reverse()) rmmodDo(machine, o, p);
  if ((machine.kernel.find(m.name)?.refcount ?? 0) > 0) {
    o.err(`modprobe: FATAL: Module ${m.name} is in use.\n`);
    return ERRNO.EBUSY;
  }
  const errno = kmodRemove(machine, o, 'modprobe', m.name, false);
  if (errno !== 0) return errno;
  for (const dep of [...m.deps].reverse()) {
    const loaded = machine.kernel.find(normalizeModuleName(dep));
    if (loaded === undefined || loaded.refcount > 0 || loaded.state !== 'live') continue;
    kmodRemove(machine, o, 'modprobe', loaded.module.name, false);
  }
  for (const p of [...pre].reverse()) rmmodDo(machine, o, p);
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
    // rmmod_all: modprobe -r takes module names only (options are names too); every name is tried.
    let failed = false;
    for (const name of words) {
      const found = lookupModules(machine, name);
      if (found.length === 0) {
        o.err(`modprobe: FATAL: Module ${name} not found.\n`);
        failed = true;
        continue;
      }
      for (const m of found) {
        if (rmmodDo(machine, o, m) === 0) continue;
        failed = true;
        break;
      }
    }
    return o.done(failed ? 1 : 0);
  }
  const options = words.slice(1).join(' ');
  const found = lookupModules(machine, target);
  if (found.length === 0) {
    o.err(`modprobe: FATAL: Module ${target} not found in directory ${machine.modulesDir}\n`);
    return o.done(1);
  }
  if (showDepends) {
    // -D: dry run, loaded modules too (ignore_loaded); print_action's `insmod PATH OPTIONS`.
    for (const m of found) {
      for (const x of probeList(machine, m).list)
        o.out(`insmod ${machine.modulesDir}/${x.path} ${x.name === m.name ? options : ''}\n`);
    }
    return o.done(0);
  }
  // insmod(): every module the name finds is probed; the exit status is the last one's.
  let errno = 0;
  for (const m of found) {
    errno = probeInsert(machine, m, options);
    if (errno === 0) continue;
    if (errno === ERRNO.EEXIST) o.err(`modprobe: ERROR: could not insert '${m.name}': Module already in kernel\n`);
    else if (errno === ERRNO.ENOENT)
      o.err(
        `modprobe: ERROR: could not insert '${m.name}': Unknown symbol in module, or unknown parameter (see dmesg)\n`,
      );
    else o.err(`modprobe: ERROR: could not insert '${m.name}': ${strerror(errno)}\n`);
  }
  return o.done(errno === 0 ? 0 : 1);
}

export function kmodDepmod(machine: Machine, argv: readonly string[] = []): ToolOutput {
  const o = new Output();
  // Unknown symbols are reported with -e only (cfg->print_unknown).
  const printUnknown = argv.some((a) => a === '--errsyms' || /^-[a-zA-Z]*e/.test(a));
  const result = runDepmod(machine, { printUnknown });
  for (const warning of result.warnings) o.err(`${warning}\n`);
  return o.done(0);
}
