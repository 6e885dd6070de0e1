import type { KernelConfig } from '../kbuild/kernelConfig';
import type { KernelModule } from '../model/kernelModule';
import { symbolReferences, type HeaderNames } from '../model/symbolReferences';
import { BUILTIN_MACRO_CATALOG, type MacroCatalog } from '../model/moduleMacros';
import { checkMissingDescription } from './descriptionCheck';
import { checkDuplicateEntryPoints, checkExitWithoutInit, checkInitWithoutExit } from './entryPointChecks';
import { checkExportedInitSymbol, checkExportPlacement, checkExportWithoutDefinition } from './exportChecks';
import { checkLicenseValue, checkMissingLicense } from './licenseChecks';
import type { ModuleDiagnostic } from './moduleDiagnostic';
import { checkParameters } from './parameterChecks';
import { checkUnpairedResources } from './resourceChecks';
import { DEFAULT_RESOURCE_PAIRS, type ResourcePairs } from './resourcePairs';
import { checkSectionMismatch } from './sectionMismatchChecks';
import { checkSymbols, type SymbolScope } from './symbolChecks';
import { checkUserspaceApi } from './userspaceApiChecks';

/** What the checks may know beyond the module's own sources. */
export interface CheckContext {
  /** The target kernel's release, e.g. `6.1.0-56-amd64`; some checks depend on the version. */
  readonly release?: string;
  /** Whether the kernel headers visible to the module define this name (macro, inline, enumerator, declaration). */
  readonly knowsName: (name: string) => boolean;
  readonly resourcePairs: ResourcePairs;
  /** Which macros are module macros: the built-in names, plus the wrappers the headers define. */
  readonly macroCatalog: MacroCatalog;
  /** The target's .config, to decide #if CONFIG_* branches; unknown branches count as compiled. */
  readonly config?: KernelConfig;
  /** What the headers say about each name (macro, inline, prototype), to tell references from the rest. */
  readonly headerNames?: HeaderNames;
  /** The target kernel's symbols and the workspace's exports; without them no symbol checks run. */
  readonly symbols?: SymbolScope;
}

export const NO_HEADERS_CONTEXT: CheckContext = {
  release: '6.1',
  knowsName: () => false,
  resourcePairs: DEFAULT_RESOURCE_PAIRS,
  macroCatalog: BUILTIN_MACRO_CATALOG,
};

export function checkModule(module: KernelModule, context: CheckContext = NO_HEADERS_CONTEXT): ModuleDiagnostic[] {
  if (!module.isModule) return [];
  return [
    ...checkMissingLicense(module),
    ...checkLicenseValue(module),
    ...checkInitWithoutExit(module, context.resourcePairs),
    ...checkExitWithoutInit(module),
    ...checkDuplicateEntryPoints(module),
    ...checkExportWithoutDefinition(module),
    ...checkExportedInitSymbol(module),
    ...checkExportPlacement(module),
    ...checkSectionMismatch(module),
    ...checkUnpairedResources(module, context.resourcePairs),
    ...checkUserspaceApi(module, context.knowsName),
    ...checkParameters(module, context.knowsName),
    ...checkMissingDescription(module, context.release),
    ...(context.symbols
      ? checkSymbols(module, symbolReferences(module, context.headerNames, context.config), context.symbols)
      : []),
  ];
}
