/**
 * A kernel configuration as Kbuild sees it: the `.config` (or `include/config/auto.conf`) that
 * make includes before it reads a Kbuild file.
 */

/** What the Kbuild reader needs of a configuration: the make value of a `CONFIG_` symbol. */
export interface KernelConfig {
  /**
   * The value make sees for `$(CONFIG_X)`: `y`, `m`, a number, or a string with its quotes
   * (`"foo"`), as written in the file; undefined when the symbol is not set.
   */
  value(name: string): string | undefined;
}

export type Tristate = 'y' | 'm' | 'n';

/** A parsed `.config`. */
export class KernelConfigFile implements KernelConfig {
  constructor(
    /** Every symbol set, by full name (`CONFIG_FOO`), to its value as written. */
    readonly entries: ReadonlyMap<string, string>,
    /** Symbols the file lists as `# CONFIG_FOO is not set`. */
    readonly notSet: ReadonlySet<string>,
  ) {}

  /** The value of `name`; `FOO` is looked up as `CONFIG_FOO` when there is no symbol `FOO`. */
  value(name: string): string | undefined {
    return this.entries.get(name) ?? (name.startsWith('CONFIG_') ? undefined : this.entries.get(`CONFIG_${name}`));
  }

  /** `y` or `m` for a set tristate or bool; `n` for anything unset. Other values count as `y`. */
  tristate(name: string): Tristate {
    const value = this.value(name);
    if (value === undefined || value === '' || value === 'n') return 'n';
    return value === 'm' ? 'm' : 'y';
  }

  /** The text of a string symbol without its quotes and escapes; undefined when not a string. */
  string(name: string): string | undefined {
    const value = this.value(name);
    if (value === undefined || !/^".*"$/s.test(value)) return undefined;
    return value.slice(1, -1).replace(/\\(.)/gs, '$1');
  }
}

const ASSIGNMENT = /^\s*(CONFIG_[A-Za-z0-9_]+)\s*=(.*)$/;
const NOT_SET = /^\s*#\s*(CONFIG_[A-Za-z0-9_]+) is not set\s*$/;

/**
 * Reads a `.config`: `CONFIG_X=y|m|"string"|123|0x1f` and `# CONFIG_X is not set`. Other lines
 * (comments, garbage) are skipped; the last assignment of a symbol wins.
 */
export function parseKernelConfig(text: string): KernelConfigFile {
  const entries = new Map<string, string>();
  const notSet = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const assignment = ASSIGNMENT.exec(line);
    if (assignment !== null) {
      const name = assignment[1]!;
      entries.set(name, configValue(assignment[2]!));
      notSet.delete(name);
      continue;
    }
    const unset = NOT_SET.exec(line);
    if (unset !== null) {
      entries.delete(unset[1]!);
      notSet.add(unset[1]!);
    }
  }
  return new KernelConfigFile(entries, notSet);
}

/** The value as make reads it: trimmed, a quoted string kept whole with its quotes. */
function configValue(raw: string): string {
  const value = raw.trim();
  if (!value.startsWith('"')) return value;
  for (let i = 1; i < value.length; i++) {
    if (value[i] === '\\') i++;
    else if (value[i] === '"') return value.slice(0, i + 1);
  }
  return value;
}
