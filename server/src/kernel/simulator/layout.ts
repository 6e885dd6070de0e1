/**
 * Where the loader puts a module in memory: layout_sections and layout_symtab of Linux 6.1
 * (kernel/module/main.c, kernel/module/kallsyms.c) on x86_64 with CONFIG_STRICT_MODULE_RWX and
 * CONFIG_KALLSYMS_ALL, as Debian builds it. The core part is text, read-only data, ro-after-init
 * data and writable data, each group rounded up to a page, then the core symbol table (the symbols
 * kallsyms keeps, their names and type letters) rounded up to a page. The init part is .init*
 * sections laid out the same way, then the full symbol and string tables. /proc/modules shows
 * core + init; init is freed (size 0) once init has run.
 */
import { SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE } from '../elf/elfConstants';
import type { LoadableModule, LoadableSection } from './loadableModule';

export const PAGE_SIZE = 4096;
/** The loader's own flag for .data..ro_after_init and __jump_table. */
const SHF_RO_AFTER_INIT = 0x00200000;
const ELF64_SYM_SIZE = 24;
/** sizeof(struct mod_kallsyms) on x86_64. */
const MOD_KALLSYMS_SIZE = 32;

export interface SectionPlacement {
  readonly part: 'core' | 'init';
  readonly offset: number;
}

export interface ModuleLayout {
  readonly coreSize: number;
  readonly initSize: number;
  /** Offset of each allocated section in its part, by section name (first section of a name wins). */
  readonly sections: ReadonlyMap<string, SectionPlacement>;
}

const pageAlign = (n: number) => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
const align = (n: number, a: number) => Math.ceil(n / Math.max(1, a)) * Math.max(1, a);

function isInitSection(name: string): boolean {
  return name.startsWith('.init');
}

/** The loader drops SHF_ALLOC from .modinfo and __versions (rewrite_section_headers). */
function allocated(section: LoadableSection): boolean {
  return (section.flags & SHF_ALLOC) !== 0 && section.name !== '.modinfo' && section.name !== '__versions';
}

function effectiveFlags(section: LoadableSection): number {
  return section.name === '.data..ro_after_init' || section.name === '__jump_table'
    ? section.flags | SHF_RO_AFTER_INIT
    : section.flags;
}

const MASKS: readonly [number, number][] = [
  [SHF_EXECINSTR | SHF_ALLOC, 0],
  [SHF_ALLOC, SHF_WRITE],
  [SHF_RO_AFTER_INIT | SHF_ALLOC, 0],
  [SHF_WRITE | SHF_ALLOC, 0],
  [SHF_ALLOC, 0],
];

type LayoutInput = Pick<LoadableModule, 'sections' | 'symbols' | 'symbolTable'>;
/** Keyed by the sections list, which copies of one module (another path) share. */
const layouts = new WeakMap<object, ModuleLayout>();
const UTF8 = new TextEncoder();

export function layoutModule(module: LayoutInput): ModuleLayout {
  let layout = layouts.get(module.sections);
  if (layout === undefined) {
    layout = computeLayout(module);
    layouts.set(module.sections, layout);
  }
  return layout;
}

function computeLayout(module: LayoutInput): ModuleLayout {
  const placements = new Map<string, SectionPlacement>();
  const sizes = { core: 0, init: 0 };
  for (const part of ['core', 'init'] as const) {
    const done = new Set<number>();
    MASKS.forEach(([required, forbidden], m) => {
      module.sections.forEach((section, index) => {
        const flags = effectiveFlags(section);
        if (done.has(index) || !allocated(section)) return;
        if ((flags & required) !== required || (flags & forbidden) !== 0) return;
        if (isInitSection(section.name) !== (part === 'init')) return;
        const offset = align(sizes[part], section.align);
        sizes[part] = offset + section.size;
        done.add(index);
        if (!placements.has(section.name)) placements.set(section.name, { part, offset });
      });
      // Every group but writable data ends on a page boundary (strict_align).
      if (m !== 3) sizes[part] = pageAlign(sizes[part]);
    });
  }
  // layout_symtab: the core symbols kallsyms keeps (symbol 0 and every named symbol of a core
  // allocated section), their strings and one type byte each, at the end of core.
  const coreSections = new Set(
    module.sections.filter((s) => allocated(s) && !isInitSection(s.name)).map((s) => s.name),
  );
  let coreSymbols = 1;
  let coreStrings = 1;
  for (const symbol of module.symbols) {
    if (!coreSections.has(symbol.section)) continue;
    coreSymbols++;
    coreStrings += UTF8.encode(symbol.name).length + 1;
  }
  let core = align(sizes.core, 8) + coreSymbols * ELF64_SYM_SIZE + coreStrings + coreSymbols;
  core = pageAlign(core);
  let init = align(sizes.init, 8) + module.symbolTable.entries * ELF64_SYM_SIZE;
  init += module.symbolTable.stringBytes;
  init = align(init, 8) + MOD_KALLSYMS_SIZE + module.symbolTable.entries;
  init = pageAlign(init);
  return { coreSize: core, initSize: init, sections: placements };
}
