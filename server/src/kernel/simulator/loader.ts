/**
 * init_module / finit_module: Linux 6.1's load_module and do_init_module, check by check in the
 * kernel's order, with the kernel's log lines and errno values.
 *
 *  1. an empty file: EINVAL (kernel_read_file)
 *  2. module_sig_check: unsigned with CONFIG_MODULE_SIG_FORCE → "Loading of unsigned module is rejected", EKEYREJECTED
 *  3. elf_validity_check / setup_load_info: the ELF reader's refusals → ENOEXEC
 *  4. check_modstruct_version: module_layout's CRC → "disagrees about version of symbol module_layout", ENOEXEC
 *  5. check_modinfo: vermagic → ENOEXEC; then O, retpoline, staging (C), livepatch (K), licence (P), test (N)
 *  6. layout and allocation; add_unformed_module: same name live → EEXIST, still loading → EBUSY
 *  7. signature: unsigned → E, with the once-per-boot notice
 *  8. simplify_symbols: every undefined symbol (GPL-only, CRC, namespace, proprietary owner) → ENOENT/EINVAL
 *  9. complete_formation: duplicate exports → ENOEXEC
 * 10. parse_args → EINVAL (and friends); unknown parameters are ignored with a warning
 * 11. do_init_module: init's negative return is the errno; positive is warned about and taken as 0
 */
import { readModuleImageErrorLevel } from './imageErrors';
import { ModuleImageError } from '../elf/moduleImage';
import { dumpStack, INIT_MODULE_FRAMES } from './dumpStack';
import type { EntryContext, EntryResult } from './entryPoints';
import { ERRNO } from './errno';
import { KERN } from './kernelLog';
import type { KernelState, LoadedModule } from './kernelState';
import { moduleFromKoCached } from './koModule';
import { layoutModule } from './layout';
import { modinfoValue, modinfoValues, type LoadableModule } from './loadableModule';
import { initialValues, parseModuleArgs } from './params';
import { licenseIsGplCompatible, TAINT } from './taint';

export type LoadInput =
  | { readonly kind: 'image'; readonly bytes: Uint8Array; readonly path: string; readonly sourceDir?: string }
  | { readonly kind: 'module'; readonly module: LoadableModule };

export interface LoadResult {
  /** 0 on success, else the errno init_module returns. */
  readonly errno: number;
  readonly loaded?: LoadedModule;
}

/** check_version: false (after saying so) when the module recorded another CRC for the symbol. */
function checkVersion(kernel: KernelState, module: LoadableModule, symbol: string, crc: number | undefined): boolean {
  if (crc === undefined || module.builtAgainstTarget || !kernel.config.modversions) return true;
  // No __versions at all: try_to_force_load, which refuses quietly without CONFIG_MODULE_FORCE_LOAD.
  if (module.versions === undefined) return false;
  const version = module.versions.find((v) => v.name === symbol);
  if (version === undefined) {
    // 6.1.192 warns every time and refuses (older 6.1 releases warned once and let it go).
    kernel.printk(KERN.WARNING, `${module.name}: no symbol version for ${symbol}`);
    return false;
  }
  if (version.crc === crc) return true;
  kernel.printk(KERN.WARNING, `${module.name}: disagrees about version of symbol ${symbol}`);
  return false;
}

/** same_magic: with modversions the release word is not compared. */
function sameMagic(theirs: string, ours: string, hasCrcs: boolean): boolean {
  if (!hasCrcs) return theirs === ours;
  const skip = (s: string) => {
    const space = s.indexOf(' ');
    return space === -1 ? '' : s.slice(space);
  };
  return skip(theirs) === skip(ours);
}

export function loadModule(kernel: KernelState, input: LoadInput, args: string): LoadResult {
  if (kernel.config.modulesDisabled) return { errno: ERRNO.EPERM };
  let module: LoadableModule;
  if (input.kind === 'image') {
    if (input.bytes.length === 0) return { errno: ERRNO.EINVAL };
    if (kernel.config.sigForce && !hasSignatureMarker(input.bytes)) {
      kernel.printk(KERN.NOTICE, 'Loading of unsigned module is rejected');
      return { errno: ERRNO.EKEYREJECTED };
    }
    const image = moduleFromKoCached(input.bytes, input.path);
    if (image instanceof ModuleImageError) {
      kernel.printk(readModuleImageErrorLevel(image), image.kernelMessage);
      return { errno: ERRNO.ENOEXEC };
    }
    module = input.sourceDir === undefined ? image : { ...image, sourceDir: input.sourceDir };
  } else {
    module = input.module;
    if (kernel.config.sigForce && !module.signed) {
      kernel.printk(KERN.NOTICE, 'Loading of unsigned module is rejected');
      return { errno: ERRNO.EKEYREJECTED };
    }
  }

  // check_modstruct_version
  const layoutCrc = kernel.profile.exported('module_layout')?.crc;
  if (kernel.config.modversions && !checkVersion(kernel, module, 'module_layout', layoutCrc)) {
    return { errno: ERRNO.ENOEXEC };
  }

  // layout_and_allocate → check_modinfo
  const taints = new Set<number>();
  const moduleTaint = (bit: number) => {
    taints.add(bit);
  };
  const vermagic = module.vermagic;
  if (vermagic === undefined) {
    // try_to_force_load(mod, "bad vermagic") without CONFIG_MODULE_FORCE_LOAD
    return { errno: ERRNO.ENOEXEC };
  }
  if (!sameMagic(vermagic, kernel.config.vermagic, module.versions !== undefined || module.builtAgainstTarget)) {
    kernel.printk(KERN.ERR, `${module.name}: version magic '${vermagic}' should be '${kernel.config.vermagic}'`);
    return { errno: ERRNO.ENOEXEC };
  }
  if (modinfoValue(module, 'intree') === undefined) {
    if (!kernel.taint.has(TAINT.OOT_MODULE))
      kernel.printk(KERN.WARNING, `${module.name}: loading out-of-tree module taints kernel.`);
    kernel.addTaint(TAINT.OOT_MODULE, false);
    moduleTaint(TAINT.OOT_MODULE);
  }
  if (kernel.config.retpoline && modinfoValue(module, 'retpoline') !== 'Y') {
    kernel.printk(KERN.WARNING, `${module.name}: loading module not compiled with retpoline compiler.`);
  }
  if (modinfoValue(module, 'staging') !== undefined) {
    kernel.addTaint(TAINT.CRAP, false);
    moduleTaint(TAINT.CRAP);
    kernel.printk(
      KERN.WARNING,
      `${module.name}: module is from the staging directory, the quality is unknown, you have been warned.`,
    );
  }
  if (modinfoValue(module, 'livepatch') !== undefined) {
    kernel.addTaint(TAINT.LIVEPATCH, false);
    moduleTaint(TAINT.LIVEPATCH);
    kernel.printkOnce('livepatch', KERN.NOTICE, `${module.name}: tainting kernel with TAINT_LIVEPATCH`);
  }
  const license = module.license ?? 'unspecified';
  if (!licenseIsGplCompatible(license)) {
    if (!kernel.taint.has(TAINT.PROPRIETARY_MODULE))
      kernel.printk(KERN.WARNING, `${module.name}: module license '${license}' taints kernel.`);
    kernel.addTaint(TAINT.PROPRIETARY_MODULE, true);
    moduleTaint(TAINT.PROPRIETARY_MODULE);
  }
  if (modinfoValue(module, 'test') !== undefined) {
    if (!kernel.taint.has(TAINT.TEST))
      kernel.printk(KERN.WARNING, `${module.name}: loading test module taints kernel.`);
    kernel.addTaint(TAINT.TEST, false);
    moduleTaint(TAINT.TEST);
  }

  const layout = layoutModule(module);
  const coreBase = kernel.allocate(layout.coreSize);
  const initBase = layout.initSize > 0 ? kernel.allocate(layout.initSize) : undefined;

  // add_unformed_module
  const old = kernel.find(module.name);
  if (old !== undefined) {
    kernel.free(coreBase);
    kernel.free(initBase);
    return { errno: old.state === 'live' ? ERRNO.EEXIST : ERRNO.EBUSY };
  }
  const loaded: LoadedModule = {
    module,
    state: 'unformed',
    taints,
    refcount: 0,
    externalRefs: 0,
    holders: [],
    uses: [],
    coreBase,
    coreSize: layout.coreSize,
    initBase,
    initSize: layout.initSize,
    params: initialValues(module.parameters),
    args,
    sigOk: module.signed,
    usingGplOnlySymbols: false,
  };
  kernel.modules.unshift(loaded);
  kernel.generation++;
  if (!loaded.sigOk) {
    kernel.printkOnce(
      'module-verification',
      KERN.NOTICE,
      `${module.name}: module verification failed: signature and/or required key missing - tainting kernel`,
    );
    kernel.addModuleTaint(loaded, TAINT.UNSIGNED_MODULE, false);
  }

  const fail = (errno: number): LoadResult => {
    kernel.unlink(loaded);
    return { errno };
  };

  // simplify_symbols
  let symbolError = 0;
  for (const wanted of module.imports) {
    const err = resolveSymbol(kernel, loaded, wanted.name);
    if (err === 0) continue;
    if (err === ERRNO.ENOENT && wanted.weak) continue;
    // A name read from sources that nobody exports at all was a header inline or macro, not an import.
    if (err === ERRNO.ENOENT && !wanted.certain && !exportedAnywhere(kernel, wanted.name)) continue;
    kernel.printk(KERN.WARNING, `${module.name}: Unknown symbol ${wanted.name} (err -${err})`);
    symbolError = err;
  }
  if (symbolError !== 0) return fail(symbolError);

  // complete_formation → verify_exported_symbols
  for (const exported of module.exports) {
    const other = kernel.findSymbol(exported.name, true);
    if (other !== undefined && other.owner !== loaded) {
      kernel.printk(
        KERN.ERR,
        `${module.name}: exports duplicate symbol ${exported.name} (owned by ${other.owner?.module.name ?? 'kernel'})`,
      );
      return fail(ERRNO.ENOEXEC);
    }
  }
  loaded.state = 'coming';

  const parsed = parseModuleArgs(module.name, args, loaded.params);
  for (const message of parsed.messages) kernel.printk(message.level, message.text);
  if (parsed.errno !== 0) {
    loaded.state = 'going';
    return fail(parsed.errno);
  }

  // do_init_module
  if (module.hasInit) {
    const result = kernel.runner.runInit(entryContext(kernel, loaded));
    record(kernel, result);
    if (result.returnValue < 0) {
      loaded.state = 'going';
      return fail(-result.returnValue);
    }
    if (result.returnValue > 0) {
      kernel.printk(
        KERN.WARNING,
        `do_init_module: '${module.name}'->init suspiciously returned ${result.returnValue}, it should follow 0/-E convention`,
      );
      kernel.printk(KERN.WARNING, 'do_init_module: loading module anyway...');
      dumpStack(kernel, INIT_MODULE_FRAMES);
    }
  }
  loaded.state = 'live';
  if (loaded.initBase !== undefined) kernel.pendingInitFrees.push(loaded.initBase);
  loaded.initBase = undefined;
  loaded.initSize = 0;
  kernel.generation++;
  return { errno: 0, loaded };
}

/** Exported by vmlinux or a loaded module, whoever may use it. */
function exportedAnywhere(kernel: KernelState, name: string): boolean {
  return kernel.profile.exported(name) !== undefined || kernel.findSymbol(name, true) !== undefined;
}

/** resolve_symbol: 0, or the errno that simplify_symbols reports for it. */
function resolveSymbol(kernel: KernelState, loaded: LoadedModule, name: string): number {
  const gplOk = !loaded.taints.has(TAINT.PROPRIETARY_MODULE);
  const found = kernel.findSymbol(name, gplOk);
  if (found === undefined) return ERRNO.ENOENT;
  const module = loaded.module;
  if (found.symbol.gplOnly) loaded.usingGplOnlySymbols = true;
  // inherit_taint
  const owner = found.owner;
  if (owner !== undefined && owner.taints.has(TAINT.PROPRIETARY_MODULE)) {
    if (loaded.usingGplOnlySymbols) {
      kernel.printk(
        KERN.ERR,
        `${module.name}: module using GPL-only symbols uses symbols ${name} from proprietary module ${owner.module.name}.`,
      );
      return ERRNO.ENOENT;
    }
    if (!loaded.taints.has(TAINT.PROPRIETARY_MODULE)) {
      kernel.printk(
        KERN.WARNING,
        `${module.name}: module uses symbols ${name} from proprietary module ${owner.module.name}, inheriting taint.`,
      );
      loaded.taints.add(TAINT.PROPRIETARY_MODULE);
    }
  }
  if (!checkVersion(kernel, module, name, found.symbol.crc)) return ERRNO.EINVAL;
  const namespace = found.symbol.namespace;
  if (namespace !== undefined && namespace !== '' && !modinfoValues(module, 'import_ns').includes(namespace)) {
    kernel.printk(
      KERN.ERR,
      `${module.name}: module uses symbol (${name}) from namespace ${namespace}, but does not import it.`,
    );
    return ERRNO.EINVAL;
  }
  // ref_module
  if (owner !== undefined && !loaded.uses.includes(owner.module.name)) {
    if (owner.state === 'coming') return ERRNO.EBUSY;
    if (owner.state !== 'live') return ERRNO.ENOENT;
    owner.refcount++;
    owner.holders.unshift(module.name);
    loaded.uses.push(owner.module.name);
  }
  return 0;
}

export function entryContext(kernel: KernelState, loaded: LoadedModule): EntryContext {
  return {
    module: loaded.module,
    parameter: (name) => loaded.params.get(name)?.elements,
    devices: kernel.devices,
    callExport: (name, args) => {
      const found = kernel.findSymbol(name, true);
      if (found === undefined) return undefined;
      if (found.owner === undefined) return { printk: [] };
      return (
        kernel.runner.callFunction?.(entryContext(kernel, found.owner), name, args) ?? {
          printk: [],
        }
      );
    },
  };
}

export function record(kernel: KernelState, result: EntryResult): void {
  for (const line of result.printk) kernel.printk(line.level, line.text);
  if (!result.simulated && result.note !== undefined) kernel.note(result.note);
  for (const note of result.notes ?? []) kernel.note(note);
}

function hasSignatureMarker(bytes: Uint8Array): boolean {
  const marker = '~Module signature appended~\n';
  if (bytes.length < marker.length) return false;
  const tail = new TextDecoder('latin1').decode(bytes.subarray(bytes.length - marker.length));
  return tail === marker;
}
