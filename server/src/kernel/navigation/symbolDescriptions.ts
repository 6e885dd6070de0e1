import type { SymbolScope, WorkspaceExport } from '../checks/symbolChecks';
import type { ExportedSymbol, KernelProfile } from '../symbols/kernelProfile';
import type { DeclarationText } from './headerDeclarations';

/** Everything hover says about one exported symbol. */
export interface SymbolDescription {
  readonly name: string;
  readonly kind: 'function' | 'variable' | 'symbol';
  /** `vmlinux`, a module of the kernel, or a module of the workspace. */
  readonly exporter: string;
  readonly inWorkspace: boolean;
  readonly exportMacro: string;
  readonly namespace?: string;
  readonly crc?: number;
  /** The address, `hidden` when the snapshot zeroes addresses, undefined when no snapshot has it. */
  readonly address?: string;
  readonly typeLetter?: string;
  /** Which profile said so: its release and files. */
  readonly profile: string;
  readonly declaration?: DeclarationText;
}

/** The kernel's export of `name`, else a workspace module's; undefined when nothing exports it. */
export function describeSymbol(
  name: string,
  scope: SymbolScope,
  declaration?: DeclarationText,
): SymbolDescription | undefined {
  const { profile } = scope;
  const kernel = profile.exported(name);
  const workspace = kernel ? undefined : scope.workspaceExports(name)[0];
  if (kernel === undefined && workspace === undefined) return undefined;
  const known = profile.symbol(name);
  const kind =
    known === undefined ? 'symbol' : /^[tTwW]$/.test(known.type) ? ('function' as const) : ('variable' as const);
  const exporter = kernel ? kernel.owner : workspace!.module;
  const provider: ExportedSymbol | WorkspaceExport = kernel ?? workspace!;
  return {
    name,
    kind: known === undefined && declaration ? guessKind(declaration.declaration) : kind,
    exporter,
    inWorkspace: kernel === undefined,
    exportMacro: exportMacroOf(provider),
    ...(provider.namespace !== undefined ? { namespace: provider.namespace } : {}),
    ...(kernel?.crc !== undefined ? { crc: kernel.crc } : {}),
    ...(known !== undefined ? { typeLetter: known.type, address: known.address ?? 'hidden' } : {}),
    profile: kernel ? profileName(profile) : 'the workspace sources',
    ...(declaration ? { declaration } : {}),
  };
}

function guessKind(declaration: string): 'function' | 'variable' {
  return /\)\s*[;{]?\s*$/.test(declaration) || declaration.startsWith('#define') ? 'function' : 'variable';
}

function exportMacroOf(provider: ExportedSymbol | WorkspaceExport): string {
  const gpl = provider.gplOnly ? '_GPL' : '';
  return provider.namespace !== undefined ? `EXPORT_SYMBOL_NS${gpl}` : `EXPORT_SYMBOL${gpl}`;
}

/** `Linux 6.1.0-56-amd64 (Module.symvers, System.map)`. */
export function profileName(profile: KernelProfile): string {
  const kinds = [...new Set(profile.sources.map((s) => s.kind))].join(', ');
  const release = profile.release !== undefined ? `Linux ${profile.release}` : 'kernel of unknown release';
  return kinds === '' ? release : `${release} (${kinds})`;
}

/** Hover text: what the kernel would print about it, then the header's prototype and kernel-doc. */
export function describeAsMarkdown(description: SymbolDescription): string {
  const facts = [
    `\`${description.exportMacro}\``,
    ...(description.namespace !== undefined ? [`namespace \`${description.namespace}\``] : []),
    ...(description.crc !== undefined ? [`CRC \`0x${description.crc.toString(16).padStart(8, '0')}\``] : []),
    ...(description.address !== undefined
      ? [description.address === 'hidden' ? 'address hidden' : `address \`${description.address}\``]
      : []),
    ...(description.typeLetter !== undefined ? [`type \`${description.typeLetter}\``] : []),
  ];
  const who = description.inWorkspace
    ? `module \`${description.exporter}\` of this workspace`
    : description.exporter === 'vmlinux'
      ? '`vmlinux`'
      : `module \`${description.exporter}\``;
  const lines = [`**${description.name}** — ${description.kind} exported by ${who}`, '', facts.join(' · ')];
  if (description.declaration) {
    lines.push('', '```c', description.declaration.declaration, '```');
    if (description.declaration.documentation) lines.push('', description.declaration.documentation);
  }
  lines.push('', `_From ${description.profile}._`);
  return lines.join('\n');
}
