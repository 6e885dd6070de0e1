/**
 * Reads a Kbuild file (a `Kbuild` or a kbuild `Makefile`) the way kbuild's scripts/Makefile.lib
 * reads its goals: `obj-y`, `obj-m`, `obj-$(CONFIG_X)`, composite objects (`foo-y`, `foo-objs`,
 * `foo-m`, `foo-$(CONFIG_X)`) and the directories to descend into. See the kernel's
 * Documentation/kbuild/makefiles.rst, sections 3.1 to 3.6.
 *
 * With no configuration every conditional is undecided: all branches are read and every
 * `obj-$(CONFIG_X)` object is a module candidate (an over-approximation). With one, `CONFIG_`
 * symbols take their values and conditionals that depend only on them and on the file's own
 * variables are decided.
 */
import type { KernelConfig } from './kernelConfig';
import {
  type AssignmentOperator,
  decodeUnknown,
  DEFAULT_EXPANSION_LIMITS,
  type ExpansionLimits,
  isKnownWord,
  MakeEnvironment,
  type ValuePiece,
} from './makeEnvironment';
import { logicalLines, referenceEnd, referencedNames, splitTopLevel, stripComment, words } from './makeText';

/** One object of a composite module, e.g. `sub/extra.o` of `foo-y += sub/extra.o`. */
export interface KbuildMember {
  /** The object's path relative to the Kbuild file's directory, as written (`sub/extra.o`). */
  readonly object: string;
  /** The symbol it depends on, for `foo-$(CONFIG_BAR) += c.o`: `CONFIG_BAR`. */
  readonly config?: string;
}

export interface KbuildModule {
  /** The object name without `.o`, as written: `usb-storage` (with its folder when given as `sub/foo.o`). */
  readonly objectName: string;
  /** KBUILD_MODNAME: the object's file name with `-` (and `,`) made `_`: `usb_storage`. */
  readonly moduleName: string;
  /**
   * The symbol that selects it, for `obj-$(CONFIG_FOO) += foo.o`: `CONFIG_FOO` (or the variable
   * the name depends on, when it is not a `CONFIG_` one). Absent for `obj-m`.
   */
  readonly config?: string;
  /** The objects linked into it; a single-object module has its own `foo.o`. */
  readonly members: readonly KbuildMember[];
  /** 1-based line of the first assignment naming it (of the include directive, for an included file's). */
  readonly line: number;
}

export interface KbuildSubdir {
  /** The folder relative to the Kbuild file's directory, without the trailing `/`. */
  readonly path: string;
  readonly config?: string;
}

export interface KbuildFile {
  /** Loadable modules (`obj-m`, and `obj-$(CONFIG_X)` when X is `m` or there is no configuration). */
  readonly modules: readonly KbuildModule[];
  /** Objects built into the kernel as named in `obj-y` (a composite one by its own name). */
  readonly builtinObjects: readonly string[];
  /** The objects compiled for the built-in ones: the members of composite ones, the others themselves. */
  readonly builtinMembers: readonly string[];
  /** Directories kbuild descends into: `obj-y += sub/`, `obj-$(CONFIG_X) += sub/`, `subdir-y += sub`. */
  readonly subdirs: readonly KbuildSubdir[];
  /** The files named by `include`, `-include` and `sinclude` in the branches read. */
  readonly includes: readonly KbuildInclude[];
  /**
   * `-I` directories of `ccflags-y`, `ccflags-$(CONFIG_X)`, `subdir-ccflags-y` and `EXTRA_CFLAGS`, as
   * written once expanded (relative ones are relative to the tree's root, where make runs).
   */
  readonly includeDirs?: readonly string[];
}

export interface KbuildInclude {
  /** The path as expanded; unknown references are left as written (`$(KDIR)/.config`). */
  readonly path: string;
  /** 1-based line of the include directive (in the file given to parseKbuild). */
  readonly line: number;
  /** Whether its text was read (through KbuildParseOptions.readInclude) and parsed in place. */
  readonly read: boolean;
}

export interface KbuildParseOptions {
  readonly limits?: ExpansionLimits;
  /**
   * Variables set before the file is read, as kbuild sets them: `srctree` (the kernel source
   * root), `src` and `obj` (the directory, relative to srctree for in-tree code).
   */
  readonly variables?: Readonly<Record<string, string>>;
  /**
   * The text of an included file (the path fully expanded, as written: maybe relative), or
   * undefined when it cannot be had; without it, included files are listed but not read.
   */
  readonly readInclude?: (path: string) => string | undefined;
}

/** Included files nest at most this deep (a file including itself stops here). */
const MAX_INCLUDE_DEPTH = 8;

type Truth = 'yes' | 'no' | 'maybe';

interface ConditionalFrame {
  readonly parentActive: boolean;
  readonly parentUncertain: boolean;
  branch: Truth;
  /** Whether an earlier branch of this chain was taken. */
  decided: Truth;
  /** The `CONFIG_` symbol the chain's conditions test, if any: what its branches depend on. */
  symbol: string | undefined;
}

/** How a kbuild list variable is selected: `-y`, `-m`, or by an undecided symbol. */
type ListKind = 'y' | 'm' | 'cond';

interface ListEntry {
  readonly word: string;
  readonly kind: ListKind;
  readonly config?: string;
  readonly line: number;
  readonly uncertain: boolean;
  /** From `subdir-y`/`subdir-m`: a directory even without its trailing `/`. */
  readonly directory: boolean;
}

const CONDITIONAL = /^(ifeq|ifneq|ifdef|ifndef)(?=[\s(]|$)\s*(.*)$/s;

/** Parses the text of a Kbuild file or kbuild Makefile; never throws, whatever the input. */
export function parseKbuild(text: string, config?: KernelConfig, options: KbuildParseOptions = {}): KbuildFile {
  const reader = new KbuildReader(config, options);
  reader.readText(text, undefined);
  try {
    return reader.result();
  } catch {
    // Not expected; but a Kbuild file must never break its caller.
    return { modules: [], builtinObjects: [], builtinMembers: [], subdirs: [], includes: [] };
  }
}

/** The `-I` directories in compiler flags: `-Idir` and `-I dir`. */
export function includeDirsOf(flags: string): string[] {
  const words = flags.split(/\s+/).filter((w) => w !== '');
  const dirs: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const dir = word === '-I' ? words[++i] : word.startsWith('-I') ? word.slice(2) : undefined;
    if (dir !== undefined && dir !== '' && !dir.includes('$')) dirs.push(dir);
  }
  return dirs;
}

class KbuildReader {
  private readonly env: MakeEnvironment;
  private readonly conditionals: ConditionalFrame[] = [];
  private inRule = false;
  private define: { name: string; body: string[]; depth: number; line: number; operator: string } | undefined;
  private readonly includes: KbuildInclude[] = [];
  private includeDepth = 0;

  constructor(
    config: KernelConfig | undefined,
    private readonly options: KbuildParseOptions,
  ) {
    this.env = new MakeEnvironment(config, options.limits ?? DEFAULT_EXPANSION_LIMITS);
    for (const [name, value] of Object.entries(options.variables ?? {})) {
      this.env.assign(name, ':=', value.replaceAll('$', '$$'), { line: 0, uncertain: false });
    }
  }

  /**
   * Reads a whole file. For an included one, `includedAt` is the line of the include directive,
   * which its assignments are attributed to; its conditionals and definitions end with it.
   */
  readText(text: string, includedAt: number | undefined): void {
    const conditionalDepth = this.conditionals.length;
    for (const line of logicalLines(text)) {
      try {
        this.readLine(line.text, includedAt ?? line.line, line.startsWithTab);
      } catch {
        // A line that could not be read is skipped; the rest of the file still counts.
      }
    }
    this.conditionals.length = Math.min(this.conditionals.length, conditionalDepth);
    this.define = undefined;
    this.inRule = false;
  }

  private get active(): boolean {
    const top = this.conditionals.at(-1);
    return top === undefined || (top.parentActive && top.branch !== 'no');
  }

  private get uncertain(): boolean {
    const top = this.conditionals.at(-1);
    return top !== undefined && (top.parentUncertain || top.branch === 'maybe');
  }

  readLine(raw: string, line: number, startsWithTab: boolean): void {
    if (this.define !== undefined) {
      this.readDefineLine(raw);
      return;
    }
    if (startsWithTab && this.inRule) return; // a recipe line
    const text = stripComment(raw).trim();
    if (text === '') return;
    const conditional = this.readConditional(text);
    if (conditional) return;
    if (!this.active) {
      if (/^(?:(?:override|export|private)\s+)*define(?:\s|$)/.test(text)) this.startDefine(text, line);
      return;
    }
    this.inRule = false;
    this.readStatement(text, line);
  }

  private readDefineLine(raw: string): void {
    const define = this.define!;
    const text = raw.trim();
    if (/^(?:(?:override|export|private)\s+)*define(?:\s|$)/.test(text)) define.depth++;
    else if (/^endef(?:\s|$)/.test(text) && --define.depth === 0) {
      this.define = undefined;
      if (this.active && define.name !== '') {
        const operator = define.operator === '' ? '=' : define.operator;
        this.assign(define.name, operator as AssignmentOperator, define.body.join('\n'), define.line);
      }
      return;
    }
    define.body.push(raw);
  }

  private startDefine(text: string, line: number): void {
    const rest = text.replace(/^(?:(?:override|export|private)\s+)*define\s*/, '');
    const match = /^(.*?)\s*(::?=|:::=|\+=|\?=|!=|=)?\s*$/.exec(rest);
    this.define = { name: match?.[1] ?? '', body: [], depth: 1, line, operator: match?.[2] ?? '' };
  }

  /** Handles ifeq/ifneq/ifdef/ifndef/else/endif; false when the line is none of them. */
  private readConditional(text: string): boolean {
    const opening = CONDITIONAL.exec(text);
    if (opening !== null) {
      const active = this.active;
      const truth = active ? this.evaluate(opening[1]!, opening[2]!) : 'no';
      this.conditionals.push({
        parentActive: active,
        parentUncertain: this.uncertain,
        branch: truth,
        decided: truth,
        symbol: conditionSymbol(opening[2]!),
      });
      return true;
    }
    if (/^else(?:\s|$)/.test(text)) {
      const frame = this.conditionals.at(-1);
      if (frame === undefined) return true;
      const rest = text.slice(4).trim();
      const chained = CONDITIONAL.exec(rest);
      if (frame.decided === 'yes') {
        frame.branch = 'no';
      } else if (chained !== null) {
        const truth = frame.parentActive ? this.evaluate(chained[1]!, chained[2]!) : 'no';
        frame.symbol = conditionSymbol(chained[2]!) ?? frame.symbol;
        frame.branch = frame.decided === 'no' ? truth : truth === 'no' ? 'no' : 'maybe';
        frame.decided = truth === 'yes' ? 'yes' : frame.decided === 'no' ? truth : 'maybe';
      } else {
        frame.branch = frame.decided === 'no' ? 'yes' : 'maybe';
        frame.decided = 'yes';
      }
      return true;
    }
    if (/^endif(?:\s|$)/.test(text)) {
      this.conditionals.pop();
      return true;
    }
    return false;
  }

  /** Decides a condition when the configuration and the file's own variables allow it. */
  private evaluate(directive: string, argument: string): Truth {
    if (!this.env.hasConfig) return 'maybe';
    if (directive === 'ifdef' || directive === 'ifndef') {
      const name = this.env.expandInternal(argument.trim());
      if (name.unknown) return 'maybe';
      const defined = this.env.isDefined(name.text.trim());
      if (defined === undefined) return 'maybe';
      return defined === (directive === 'ifdef') ? 'yes' : 'no';
    }
    const operands = conditionOperands(argument);
    if (operands === undefined) return 'maybe';
    const left = this.env.expandInternal(operands[0]);
    const right = this.env.expandInternal(operands[1]);
    if (left.unknown || right.unknown) return 'maybe';
    const equal = left.text.trim() === right.text.trim();
    return equal === (directive === 'ifeq') ? 'yes' : 'no';
  }

  private readStatement(text: string, line: number): void {
    let statement = text;
    for (;;) {
      const prefix = /^(export|override|private|unexport)(?:\s+|$)/.exec(statement);
      if (prefix === null) break;
      statement = statement.slice(prefix[0].length);
    }
    if (statement === '') return;
    if (/^define(?:\s|$)/.test(statement)) {
      this.startDefine(statement, line);
      return;
    }
    const include = /^(?:-?include|sinclude)(?:\s+|$)(.*)$/s.exec(statement);
    if (include !== null) {
      this.include(include[1]!, line);
      return;
    }
    if (/^vpath(?:\s|$)/.test(statement)) return;
    const undefine = /^undefine\s+(.*)$/.exec(statement);
    if (undefine !== null) {
      const name = this.env.expandInternal(undefine[1]!);
      if (!name.unknown) this.env.undefine(name.text.trim(), this.uncertain);
      return;
    }
    const assignment = findAssignment(statement);
    if (assignment === 'rule') {
      this.inRule = true;
      return;
    }
    if (assignment === undefined) return; // $(eval ...), $(info ...), garbage
    this.assign(assignment.name, assignment.operator, assignment.value, line);
  }

  private include(argument: string, line: number): void {
    for (const word of words(this.env.expandInternal(argument).text)) {
      const known = isKnownWord(word);
      const text =
        known && this.options.readInclude !== undefined && this.includeDepth < MAX_INCLUDE_DEPTH
          ? this.options.readInclude(word)
          : undefined;
      this.includes.push({ path: decodeUnknown(word), line, read: text !== undefined });
      if (text === undefined) continue;
      this.includeDepth++;
      try {
        this.readText(text, line);
      } finally {
        this.includeDepth--;
      }
    }
  }

  /** The symbol of the innermost conditional that tests one: what the current line depends on. */
  private conditionSymbol(): string | undefined {
    for (let i = this.conditionals.length - 1; i >= 0; i--) {
      const symbol = this.conditionals[i]!.symbol;
      if (symbol !== undefined) return symbol;
    }
    return undefined;
  }

  private assign(rawName: string, operator: AssignmentOperator, value: string, line: number): void {
    const name = this.env.expandInternal(rawName);
    const key = name.unknown ? rawName : name.text.trim();
    if (key === '') return;
    let config = this.conditionSymbol();
    const parts = kbuildNameParts(rawName);
    if (parts !== undefined && parts.suffix.includes('$')) {
      const referenced = referencedNames(parts.suffix);
      config = referenced.find((n) => n.startsWith('CONFIG_')) ?? referenced[0] ?? config;
      if (name.unknown) {
        const base = this.env.expandInternal(parts.base);
        if (!base.unknown) this.env.addUndecided(base.text.trim(), key);
      }
    }
    this.env.assign(key, operator, value, {
      line,
      uncertain: this.uncertain,
      ...(config !== undefined ? { config } : {}),
    });
  }

  /** -I directories from the flag variables; `ccflags-$(CONFIG_X)` counts whatever X is. */
  private includeDirs(): string[] {
    const names = [
      'ccflags-y',
      'ccflags-m',
      'subdir-ccflags-y',
      'EXTRA_CFLAGS',
      ...this.env.undecidedVariables('ccflags'),
      ...this.env.undecidedVariables('subdir-ccflags'),
    ];
    const dirs: string[] = [];
    for (const name of names) {
      if (this.env.variable(name) === undefined) continue;
      dirs.push(...includeDirsOf(this.env.expand(`$(${name})`).text));
    }
    return unique(dirs);
  }

  result(): KbuildFile {
    const entries = [...this.listEntries('obj'), ...this.listEntries('subdir')].sort((a, b) => a.line - b.line);
    const certainBuiltins = new Set(
      entries.filter((e) => e.kind === 'y' && !e.uncertain && e.word.endsWith('.o')).map((e) => e.word),
    );
    const modules = new Map<string, { entry: ListEntry; config: string | undefined }>();
    const builtins = new Set<string>();
    const subdirs = new Map<string, string | undefined>();
    for (const entry of entries) {
      if (entry.word.endsWith('/') || entry.directory) {
        const dir = entry.word.replace(/\/+$/, '');
        if (dir === '') continue;
        mergeConditional(subdirs, dir, entry.config);
      } else if (!entry.word.endsWith('.o')) {
        continue;
      } else if (entry.kind === 'y') {
        builtins.add(entry.word);
      } else if (!certainBuiltins.has(entry.word)) {
        const known = modules.get(entry.word);
        if (known === undefined) modules.set(entry.word, { entry, config: entry.config });
        else if (entry.config === undefined) known.config = undefined;
      }
    }
    return {
      modules: [...modules.values()].map(({ entry, config }) => this.moduleOf(entry.word, config, entry.line)),
      builtinObjects: [...builtins],
      builtinMembers: unique([...builtins].flatMap((o) => this.membersOf(o, false).map((m) => m.object))),
      subdirs: [...subdirs].map(([path, config]) => (config !== undefined ? { path, config } : { path })),
      includes: this.includes,
      includeDirs: this.includeDirs(),
    };
  }

  private moduleOf(object: string, config: string | undefined, line: number): KbuildModule {
    const objectName = object.slice(0, -2);
    const fileName = objectName.slice(objectName.lastIndexOf('/') + 1);
    return {
      objectName,
      moduleName: fileName.replace(/[-,]/g, '_'),
      ...(config !== undefined ? { config } : {}),
      members: this.membersOf(object, true),
      line,
    };
  }

  /** The objects of `object`: the parts of a composite one (`foo-objs`, `foo-y`, `foo-m`), else itself. */
  private membersOf(object: string, modular: boolean): KbuildMember[] {
    const stem = object.slice(0, -2);
    const suffixes = modular ? ['objs', 'y', 'm'] : ['objs', 'y'];
    const names = [...suffixes.map((s) => `${stem}-${s}`), ...this.env.undecidedVariables(stem)];
    const composite =
      names.some((n) => this.env.variable(n) !== undefined) || this.env.variable(`${stem}-`) !== undefined;
    if (!composite) return [{ object }];
    const members = new Map<string, string | undefined>();
    for (const name of names) {
      for (const piece of this.env.variable(name)?.pieces ?? []) {
        for (const word of this.pieceWords(piece)) {
          if (word.endsWith('.o')) mergeConditional(members, word, piece.config);
        }
      }
    }
    return [...members].map(([member, config]) =>
      config !== undefined ? { object: member, config } : { object: member },
    );
  }

  /** The words of `obj-y`, `obj-m` and `obj-$(CONFIG_X)` (or `subdir-…`), in their pieces' order. */
  private listEntries(base: string): ListEntry[] {
    const lists: [string, ListKind][] = [
      [`${base}-y`, 'y'],
      [`${base}-m`, 'm'],
      ...this.env.undecidedVariables(base).map((key): [string, ListKind] => [key, 'cond']),
    ];
    const entries: ListEntry[] = [];
    for (const [name, kind] of lists) {
      for (const piece of this.env.variable(name)?.pieces ?? []) {
        for (const word of this.pieceWords(piece)) {
          entries.push({
            word,
            kind,
            line: piece.line,
            uncertain: piece.uncertain,
            directory: base === 'subdir',
            ...(piece.config !== undefined ? { config: piece.config } : {}),
          });
        }
      }
    }
    return entries;
  }

  private pieceWords(piece: ValuePiece): string[] {
    return words(this.env.expandPiece(piece).text).filter(isKnownWord);
  }
}

/** Records `key` with its condition; an unconditional mention makes it unconditional. */
function mergeConditional(map: Map<string, string | undefined>, key: string, config: string | undefined): void {
  if (!map.has(key)) map.set(key, config);
  else if (config === undefined) map.set(key, undefined);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * Splits a kbuild variable name at its last `-` outside references: `usb-storage-y` into
 * `usb-storage` and `y`, `obj-$(CONFIG_FOO)` into `obj` and `$(CONFIG_FOO)`.
 */
function kbuildNameParts(name: string): { base: string; suffix: string } | undefined {
  let dash = -1;
  for (let i = 0; i < name.length; i++) {
    if (name[i] === '$') i = referenceEnd(name, i) - 1;
    else if (name[i] === '-') dash = i;
  }
  if (dash <= 0) return undefined;
  return { base: name.slice(0, dash), suffix: name.slice(dash + 1) };
}

/** The first `CONFIG_` symbol a condition tests: `CONFIG_X` in `ifdef CONFIG_X` or `ifeq ($(CONFIG_X),y)`. */
function conditionSymbol(argument: string): string | undefined {
  return /\bCONFIG_[A-Za-z0-9_]+/.exec(argument)?.[0];
}

/** The operands of `ifeq (a,b)`, `ifeq "a" "b"` or `ifeq 'a' 'b'`. */
function conditionOperands(argument: string): [string, string] | undefined {
  const text = argument.trim();
  if (text.startsWith('(')) {
    const end = matchingParen(text);
    if (end === -1) return undefined;
    const parts = splitTopLevel(text.slice(1, end), ',', 2);
    if (parts.length !== 2) return undefined;
    return [parts[0]!, parts[1]!];
  }
  const quoted = /^(["'])(.*?)\1\s*(["'])(.*?)\3\s*$/s.exec(text);
  return quoted === null ? undefined : [quoted[2]!, quoted[4]!];
}

function matchingParen(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

interface Assignment {
  readonly name: string;
  readonly operator: AssignmentOperator;
  readonly value: string;
}

/**
 * Finds the assignment operator outside references: `name op value`. A `:` that is not part of
 * `:=` makes the line a rule (target-specific assignments included); neither gives undefined.
 */
function findAssignment(line: string): Assignment | 'rule' | undefined {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '$') {
      i = referenceEnd(line, i) - 1;
      continue;
    }
    let operator: AssignmentOperator | undefined;
    if (c === ':') {
      if (line.startsWith(':::=', i)) operator = ':::=';
      else if (line.startsWith('::=', i)) operator = '::=';
      else if (line.startsWith(':=', i)) operator = ':=';
      else return 'rule';
    } else if (c === '=') {
      operator = '=';
    } else if ((c === '+' || c === '?' || c === '!') && line[i + 1] === '=') {
      operator = `${c}=` as AssignmentOperator;
    } else {
      continue;
    }
    const name = line.slice(0, i).trim();
    if (name === '') return undefined;
    return { name, operator, value: line.slice(i + operator.length).trimStart() };
  }
  return undefined;
}
