import {
  DEFAULT_INPUT_LIMITS,
  DEFAULT_MAX_FILE_SIZE_MB,
  inputLimits,
  type InputLimits,
} from '../kernel/analysis/sourceInput';
import { DEFAULT_RESOURCE_PAIRS, ResourcePairs, parseResourcePairs } from '../kernel/checks/resourcePairs';

/** The `lkm.*` settings the server reads, validated where they are read. */
export interface ServerSettings {
  readonly limits: InputLimits;
  /** `lkm.kernelHeaders`: a kernel build tree; empty means find one. */
  readonly kernelHeaders?: string;
  /** `lkm.symbols.kallsyms`, `lkm.symbols.moduleSymvers`, `lkm.kernelRelease`: the target's symbols. */
  readonly symbols: { readonly kallsyms?: string; readonly moduleSymvers?: string; readonly release?: string };
  /** The built-in resource pairs plus `lkm.resourcePairs`. */
  readonly resourcePairs: ResourcePairs;
  /** What was wrong with the settings, to tell the user. */
  readonly problems: readonly string[];
}

export const DEFAULT_SETTINGS: ServerSettings = {
  limits: DEFAULT_INPUT_LIMITS,
  resourcePairs: DEFAULT_RESOURCE_PAIRS,
  symbols: {},
  problems: [],
};

/** Accepts whatever the client sent for the `lkm` section; bad values fall back to defaults. */
export function parseSettings(raw: unknown): ServerSettings {
  const section = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const maxFileSize = section['maxFileSize'];
  const megabytes =
    typeof maxFileSize === 'number' && Number.isFinite(maxFileSize) && maxFileSize > 0
      ? maxFileSize
      : DEFAULT_MAX_FILE_SIZE_MB;
  const headers = section['kernelHeaders'];
  const pairs = parseResourcePairs(section['resourcePairs']);
  const symbolsSection = section['symbols'];
  const symbols =
    typeof symbolsSection === 'object' && symbolsSection !== null ? (symbolsSection as Record<string, unknown>) : {};
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  const kallsyms = text(symbols['kallsyms']);
  const moduleSymvers = text(symbols['moduleSymvers']);
  const release = text(section['kernelRelease']);
  return {
    limits: inputLimits(megabytes),
    ...(typeof headers === 'string' && headers.trim() !== '' ? { kernelHeaders: headers.trim() } : {}),
    symbols: {
      ...(kallsyms !== undefined ? { kallsyms } : {}),
      ...(moduleSymvers !== undefined ? { moduleSymvers } : {}),
      ...(release !== undefined ? { release } : {}),
    },
    resourcePairs: pairs.pairs.length > 0 ? ResourcePairs.withExtras(pairs.pairs) : DEFAULT_RESOURCE_PAIRS,
    problems: pairs.problems.map((p) => `lkm.resourcePairs: ${p}`),
  };
}
