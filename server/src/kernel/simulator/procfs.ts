/**
 * The kernel's files under /proc that module tools read: /proc/modules (kernel/module/procfs.c's
 * m_show), /proc/kallsyms with module symbols (kernel/kallsyms.c's s_show and the module's
 * elf_type letters), /proc/sys/kernel/tainted and /proc/version (/proc/devices: devices.ts).
 */
import { SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHT_NOBITS } from '../elf/elfConstants';
import type { KernelState, LoadedModule } from './kernelState';
import { moduleAddress } from './kernelState';
import { layoutModule } from './layout';
import { moduleTaintLetters } from './taint';

function address(kernel: KernelState, offset: number | undefined): string {
  return kernel.config.hideAddresses || offset === undefined ? '0000000000000000' : moduleAddress(offset);
}

export function procModulesLine(kernel: KernelState, m: LoadedModule): string {
  let users = m.holders.map((h) => `${h},`).join('');
  if (m.module.hasInit && !m.module.hasExit) users += '[permanent],';
  if (users === '') users = '-';
  const state = m.state === 'going' ? 'Unloading' : m.state === 'coming' ? 'Loading' : 'Live';
  let line = `${m.module.name} ${m.coreSize + m.initSize} ${m.refcount} ${users} ${state} 0x${address(kernel, m.coreBase)}`;
  if (m.taints.size > 0) {
    const sign = m.state === 'going' ? '-' : m.state === 'coming' ? '+' : '';
    line += ` (${moduleTaintLetters(m.taints)}${sign})`;
  }
  return line;
}

/** /proc/modules: formed modules, most recently loaded first. */
export function procModules(kernel: KernelState): string {
  return kernel.modules
    .filter((m) => m.state !== 'unformed')
    .map((m) => `${procModulesLine(kernel, m)}\n`)
    .join('');
}

/** The nm-style letter elf_type gives a module symbol, before kallsyms upper-cases exported ones. */
function elfType(flags: number, type: number): string {
  if (flags & SHF_EXECINSTR) return 't';
  if (flags & SHF_ALLOC && type !== SHT_NOBITS) return flags & SHF_WRITE ? 'd' : 'r';
  if (type === SHT_NOBITS) return 'b';
  return '?';
}

/** The kallsyms lines of one module: the symbols kept in its core part, in symbol table order. */
export function moduleKallsyms(kernel: KernelState, m: LoadedModule): string[] {
  const layout = layoutModule(m.module);
  const sections = new Map(m.module.sections.map((s) => [s.name, s]));
  const plainExports = new Set(m.module.exports.filter((e) => !e.gplOnly).map((e) => e.name));
  const lines: string[] = [];
  for (const symbol of m.module.symbols) {
    const placement = layout.sections.get(symbol.section);
    const section = sections.get(symbol.section);
    if (placement === undefined || section === undefined) continue;
    if (placement.part === 'init' && m.initBase === undefined) continue;
    const base = placement.part === 'core' ? m.coreBase : (m.initBase ?? 0);
    let letter = elfType(section.flags, section.type);
    // s_show: "global" only when exported with EXPORT_SYMBOL (is_exported looks at mod->syms).
    letter = plainExports.has(symbol.name) ? letter.toUpperCase() : letter.toLowerCase();
    lines.push(
      `${address(kernel, base + placement.offset + symbol.value)} ${letter} ${symbol.name}\t[${m.module.name}]`,
    );
  }
  return lines;
}

/**
 * /proc/kallsyms: vmlinux's exported symbols as the profile knows them (type and address when a
 * kallsyms snapshot gave them), then every module's symbols, most recent module first.
 */
export function procKallsyms(kernel: KernelState): string {
  const lines: string[] = [];
  for (const name of kernel.profile.exportedNames()) {
    const exported = kernel.profile.exported(name);
    if (exported?.owner !== 'vmlinux') continue;
    const known = kernel.profile.symbol(name);
    const at = kernel.config.hideAddresses ? undefined : known?.address;
    lines.push(`${at ?? '0000000000000000'} ${known?.type ?? 'T'} ${name}`);
  }
  for (const m of kernel.modules) if (m.state !== 'unformed') lines.push(...moduleKallsyms(kernel, m));
  return lines.map((l) => `${l}\n`).join('');
}
