import type { KernelModule, LocatedInvocation } from '../model/kernelModule';
import type { SymbolReference, SymbolUse } from '../model/symbolReferences';
import type { ExportedSymbol, KernelProfile } from '../symbols/kernelProfile';
import { stringLiteralValue } from '../text/cLexing';
import { kernelMessage, type Diagnostic, type Fix } from './diagnostic';
import { isGplCompatible } from './licenses';
import type { ModuleDiagnostic } from './moduleDiagnostic';
import { suggestNames } from './nameSuggestions';
import { isUserspaceCall } from './userspaceApiChecks';

/** An export of another module in the workspace, read from its sources. */
export interface WorkspaceExport {
  readonly name: string;
  readonly module: string;
  readonly gplOnly: boolean;
  readonly namespace?: string;
  /** Where the export is written, when it was read from a file. */
  readonly file?: string;
  readonly offset?: number;
}

/** What a module links against: the target kernel's profile and the workspace's other modules. */
export interface SymbolScope {
  readonly profile: KernelProfile;
  /** Exports of the workspace's modules by name (the module's own may be among them: they are skipped). */
  workspaceExports(name: string): readonly WorkspaceExport[];
  /** Every name the workspace's modules export, for suggestions. */
  workspaceExportNames(): Iterable<string>;
}

/** Errors reported per symbol stop after this many uses, like modpost's cap on undefined symbols. */
const USES_REPORTED = 10;

/**
 * modpost's and the loader's checks of what a module links against: undefined and unexported
 * symbols, GPL-only symbols in a non-GPL module, namespaces not imported, and exports that the
 * kernel or another module already has. Only certain references become errors.
 */
export function checkSymbols(
  module: KernelModule,
  references: readonly SymbolReference[],
  scope: SymbolScope,
): ModuleDiagnostic[] {
  const found: ModuleDiagnostic[] = [];
  const release = scope.profile.release;
  const license = licenseOf(module);
  const imported = importedNamespaces(module);
  const missingImports = new Map<string, { symbol: string; use: SymbolUse }[]>();
  for (const reference of references) {
    const fromKernel = foreignExport(scope.profile.exported(reference.name), module.name);
    const fromWorkspace = scope.workspaceExports(reference.name).filter((e) => e.module !== module.name);
    const provider: ExportedSymbol | WorkspaceExport | undefined = fromKernel ?? fromWorkspace[0];
    if (provider === undefined) {
      found.push(...unresolved(module, reference, scope));
      continue;
    }
    const firstUse = reference.uses.find((u) => u.certain) ?? reference.uses[0]!;
    if (fromKernel === undefined) found.push(workspaceDependency(module, reference.name, fromWorkspace[0]!, firstUse));
    if (provider.gplOnly && license !== undefined && !isGplCompatible(license)) {
      for (const use of reference.uses.slice(0, USES_REPORTED)) {
        found.push(
          report(use, 'gpl-only-symbol', 'error', [
            `GPL-incompatible module ${module.name}.ko uses GPL-only symbol '${reference.name}'`,
            `${reference.name} is exported with EXPORT_SYMBOL_GPL by ${ownerOf(provider)}; a module licensed "${license}" cannot link to it, and the loader reports "Unknown symbol ${reference.name}".`,
          ]),
        );
      }
    }
    if (provider.namespace !== undefined && !imported.has(provider.namespace)) {
      const pending = missingImports.get(provider.namespace) ?? [];
      pending.push({ symbol: reference.name, use: firstUse });
      missingImports.set(provider.namespace, pending);
    }
  }
  for (const [namespace, uses] of missingImports) {
    const fix = importFix(module, namespace, release);
    for (const { symbol, use } of uses) {
      found.push(
        report(
          use,
          'missing-namespace-import',
          'error',
          [
            `module ${module.name} uses symbol ${symbol} from namespace ${namespace}, but does not import it.`,
            `add MODULE_IMPORT_NS(${quoteNamespace(namespace, release)}); the loader refuses the module otherwise (Invalid argument).`,
          ],
          fix ? [fix] : [],
        ),
      );
    }
  }
  found.push(...duplicateExports(module, scope));
  return found;
}

/** The kernel's export of the name, unless it is the module's own (a kernel tree's Module.symvers lists it). */
function foreignExport(exported: ExportedSymbol | undefined, moduleName: string): ExportedSymbol | undefined {
  return exported === undefined || exported.owner === moduleName ? undefined : exported;
}

function ownerOf(provider: ExportedSymbol | WorkspaceExport): string {
  return 'owner' in provider ? provider.owner : `${provider.module} (in this workspace)`;
}

/** undefined-symbol or symbol-not-exported, on the certain uses of a name nothing exports. */
function unresolved(module: KernelModule, reference: SymbolReference, scope: SymbolScope): ModuleDiagnostic[] {
  // userspace-api says it better: printf is undefined because kernel code has no C library.
  if (!reference.certain || isUserspaceCall(reference.name)) return [];
  const { profile } = scope;
  const known = profile.symbol(reference.name);
  const global = known !== undefined && known.type === known.type.toUpperCase();
  // A plain kallsyms cannot tell exported globals from others: they stay candidates.
  if (!profile.exportsKnown && global) return [];
  const uses = reference.uses.filter((u) => u.certain);
  // Without data symbols in the snapshot a variable's absence says nothing.
  if (known === undefined && !profile.exportsKnown && !profile.hasDataSymbols && !uses.some((u) => u.isCall)) return [];
  const words = `"${reference.name}" [${module.name}.ko] undefined!`;
  const where = profile.release !== undefined ? `Linux ${profile.release}` : 'the target kernel';
  if (known !== undefined) {
    const holder = known.module ?? 'vmlinux';
    const kind = /^[tTwW]$/.test(known.type) ? 'function' : 'variable';
    return uses
      .slice(0, USES_REPORTED)
      .map((use) =>
        report(use, 'symbol-not-exported', 'error', [
          words,
          `${holder} has the ${kind} ${reference.name}, but ${where} does not export it (no EXPORT_SYMBOL): modules cannot link to it.`,
        ]),
      );
  }
  const suggestions = suggestNames(reference.name, [...profile.exportedNames(), ...scope.workspaceExportNames()]);
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.join(', ')}?` : '';
  return uses.slice(0, USES_REPORTED).map((use) =>
    report(
      use,
      'undefined-symbol',
      'error',
      [
        words,
        use.droppedUndeclared === true
          ? `nothing declares ${reference.name} and neither ${where} nor a module of the workspace exports it; the .config leaves this call out, but gcc stops at it first: implicit declaration of function '${reference.name}' (an error in kernel builds).${hint}`
          : `neither ${where} nor a module of the workspace exports ${reference.name}, so insmod would fail with "Unknown symbol in module".${hint}`,
      ],
      suggestions.map((s, i) => ({
        title: `Change to ${s}`,
        ...(i === 0 ? { preferred: true } : {}),
        edits: [{ range: use.source.lines.rangeOf(use.start, use.end), newText: s }],
      })),
    ),
  );
}

function workspaceDependency(
  module: KernelModule,
  name: string,
  provider: WorkspaceExport,
  use: SymbolUse,
): ModuleDiagnostic {
  return report(use, 'workspace-dependency', 'information', [
    `${name} is exported by ${provider.module}, a module of this workspace`,
    `load ${provider.module} before ${module.name} (modprobe does it from modules.dep; insmod alone fails with "Unknown symbol in module").`,
  ]);
}

/** modpost: `<mod>: '<sym>' exported twice. Previous export was in <other>`; the loader: `exports duplicate symbol`. */
function duplicateExports(module: KernelModule, scope: SymbolScope): ModuleDiagnostic[] {
  const found: ModuleDiagnostic[] = [];
  for (const exported of module.exports) {
    if (exported.generated === true || exported.certain === false) continue;
    const kernel = foreignExport(scope.profile.exported(exported.name), module.name);
    const other = kernel ? undefined : scope.workspaceExports(exported.name).find((e) => e.module !== module.name);
    const previous = kernel
      ? kernel.owner === 'vmlinux'
        ? 'vmlinux'
        : `${kernel.owner}.ko`
      : other && `${other.module}.ko`;
    if (previous === undefined) continue;
    const owner = kernel ? (kernel.owner === 'vmlinux' ? 'kernel' : kernel.owner) : other!.module;
    const argument = exported.invocation.args[0]!;
    // Against the kernel it always fails; against another workspace module only when both are loaded.
    const explanation = kernel
      ? `the loader refuses the module ("exports duplicate symbol ${exported.name} (owned by ${owner})"): rename the symbol, or stop exporting it.`
      : `${owner}, another module of this workspace, exports it too: whichever loads second is refused ("exports duplicate symbol ${exported.name} (owned by ${owner})").`;
    found.push({
      path: exported.source.path,
      diagnostic: {
        range: exported.source.lines.rangeOf(argument.start, argument.end),
        severity: kernel ? 'error' : 'warning',
        code: 'duplicate-export',
        source: 'lkm',
        message: kernelMessage(
          `${module.name}: '${exported.name}' exported twice. Previous export was in ${previous}`,
          explanation,
        ),
      },
    });
  }
  return found;
}

function licenseOf(module: KernelModule): string | undefined {
  return module.licenses.find((l) => l.certain !== false && l.value !== undefined)?.value;
}

/** MODULE_IMPORT_NS(NS) in 6.1, MODULE_IMPORT_NS("NS") in newer kernels: both read the same. */
function importedNamespaces(module: KernelModule): Set<string> {
  const names = new Set<string>();
  for (const entry of module.metadata) {
    if (entry.key !== 'import_ns') continue;
    const argument = entry.invocation.args[0]?.text.trim();
    if (argument === undefined) continue;
    names.add(entry.value ?? stringLiteralValue(argument) ?? argument);
  }
  return names;
}

/** Linux 6.13 made namespaces strings: `MODULE_IMPORT_NS("NS")`; before, a bare identifier. */
function quoteNamespace(namespace: string, release: string | undefined): string {
  const match = release === undefined ? null : /^(\d+)\.(\d+)/.exec(release);
  const quoted = match !== null && (Number(match[1]) > 6 || (Number(match[1]) === 6 && Number(match[2]) >= 13));
  return quoted ? `"${namespace}"` : namespace;
}

/** Adds the import on its own line after the module's last MODULE_* line (its licence, usually). */
function importFix(module: KernelModule, namespace: string, release: string | undefined): Fix | undefined {
  const anchor: LocatedInvocation | undefined =
    module.moduleMacros.filter((m) => m.invocation.name.startsWith('MODULE_')).pop() ?? module.moduleMacros.at(-1);
  if (anchor === undefined) return undefined;
  const { source, invocation } = anchor;
  const lineEnd = source.text.indexOf('\n', invocation.end);
  const at = source.lines.positionAt(lineEnd === -1 ? source.text.length : lineEnd);
  return {
    title: `Add MODULE_IMPORT_NS(${quoteNamespace(namespace, release)})`,
    preferred: true,
    edits: [
      {
        range: { start: at, end: at },
        newText: `\nMODULE_IMPORT_NS(${quoteNamespace(namespace, release)});`,
      },
    ],
  };
}

function report(
  use: SymbolUse,
  code: string,
  severity: Diagnostic['severity'],
  [kernelWords, explanation]: [string, string],
  fixes: readonly Fix[] = [],
): ModuleDiagnostic {
  return {
    path: use.source.path,
    diagnostic: {
      range: use.source.lines.rangeOf(use.start, use.end),
      severity,
      code,
      source: 'lkm',
      message: kernelMessage(kernelWords, explanation),
      ...(fixes.length > 0 ? { fixes } : {}),
    },
  };
}
