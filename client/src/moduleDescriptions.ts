/**
 * How a loaded module and a target read in the view and the status bar. Pure (no vscode), so the
 * exact texts are unit-tested and the test API can return what the view shows.
 */
import type { LoadedModuleInfo, TargetInfo } from '../../server/src/protocol/lkmProtocol';

export interface ModuleRow {
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  /** `module`, `module.permanent` or `module.busy`: the view's menus match `viewItem =~ /^module/`. */
  readonly contextValue: string;
}

/** /proc/modules' columns in words: `16384 B · used 1 by consumer · Live · OE`. */
export function moduleRow(module: LoadedModuleInfo): ModuleRow {
  const use =
    module.usedBy.length > 0 ? `used ${module.useCount} by ${module.usedBy.join(', ')}` : `used ${module.useCount}`;
  const description = [`${module.size} B`, use, module.state, module.taint].filter((part) => part !== '').join(' · ');
  const tooltip = [
    module.name,
    `size: ${module.size} bytes`,
    `use count: ${module.useCount}`,
    `used by: ${module.usedBy.length > 0 ? module.usedBy.join(', ') : '-'}`,
    `state: ${module.state}${module.permanent ? ' [permanent]: it has no exit, so it cannot be unloaded' : ''}`,
    `taint: ${module.taint === '' ? '-' : module.taint}`,
    `loaded from: ${module.loadedFrom ?? 'not by this editor'}`,
    ...(module.loadedWith !== undefined && module.loadedWith.length > 0
      ? [`parameters: ${module.loadedWith.join(' ')}`]
      : []),
  ].join('\n');
  const contextValue = module.permanent ? 'module.permanent' : module.useCount > 0 ? 'module.busy' : 'module';
  return { label: module.name, description, tooltip, contextValue };
}

/** The status bar: `simulated 6.1.0-56-amd64`, then `tainted: POE` when tainted. */
export function targetStatusText(target: TargetInfo): { readonly text: string; readonly tooltip: string } {
  const release = target.release !== undefined && !target.label.includes(target.release) ? ` ${target.release}` : '';
  const taint = target.tainted !== 0 ? ` · tainted: ${target.taintLetters}` : '';
  const tooltip = [
    `Target: ${target.label}${target.real ? ' (a real kernel: loads ask for confirmation)' : ''}`,
    `Kernel: ${target.release ?? 'release not yet known'}`,
    target.tainted !== 0 ? `Tainted (${target.tainted}):` : 'Not tainted',
    ...target.taintReasons.map((reason) => `  ${reason}`),
    'Click to select another target',
  ].join('\n');
  return { text: `${target.label}${release}${taint}`, tooltip };
}
