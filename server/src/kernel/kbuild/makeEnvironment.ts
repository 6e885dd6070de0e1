/**
 * The variables of one makefile and their expansion, as GNU make does it, for the part of make that
 * Kbuild files use: simple and recursive variables, `+=`/`?=`, computed names, substitution
 * references and the text functions. Nothing is ever run: `$(shell ...)`, `$(wildcard ...)` and
 * other outside facts stay unknown.
 *
 * An unknown reference (a variable defined nowhere in the file, or a `CONFIG_` symbol when no
 * configuration is given) is left unexpanded. Inside, it is kept as one whitespace-free token, so
 * that the words around it are not mistaken for object names; `expand` gives it back as written.
 */
import type { KernelConfig } from './kernelConfig';
import { referenceClosed, referenceEnd, splitTopLevel, words } from './makeText';

export interface Expansion {
  readonly text: string;
  /** Whether anything in the text could not be known: an unknown variable, a shell call, a cycle. */
  readonly unknown: boolean;
}

export type AssignmentOperator = '=' | ':=' | '::=' | ':::=' | '+=' | '?=' | '!=';

/** One assignment's contribution to a variable's value. */
export interface ValuePiece {
  /** The text: already expanded for simple variables, as written for recursive ones. */
  readonly text: string;
  readonly expanded: boolean;
  /** For an expanded piece: whether its expansion was unknown. */
  readonly unknown: boolean;
  /** 1-based line of the assignment. */
  readonly line: number;
  /** The symbol that conditions the assignment's variable name, e.g. `CONFIG_FOO` in `obj-$(CONFIG_FOO)`. */
  readonly config?: string;
  /** Made inside a conditional block that may or may not be taken. */
  readonly uncertain: boolean;
}

export interface MakeVariable {
  readonly flavor: 'simple' | 'recursive';
  readonly pieces: readonly ValuePiece[];
  /** Some assignment to it may or may not have happened (it was inside an undecided conditional). */
  readonly uncertain: boolean;
}

/** Where an assignment is, and in what context. */
export interface AssignmentContext {
  readonly line: number;
  readonly config?: string;
  /** The assignment is in a conditional block that may or may not be taken: over-approximate. */
  readonly uncertain: boolean;
}

export interface ExpansionLimits {
  /** References and function calls one makefile may expand in all, before everything goes unknown. */
  readonly maxSteps: number;
  /** The longest text one expansion may produce. */
  readonly maxLength: number;
  /** The deepest nesting of references. */
  readonly maxDepth: number;
}

export const DEFAULT_EXPANSION_LIMITS: ExpansionLimits = { maxSteps: 200_000, maxLength: 4_000_000, maxDepth: 32 };

/** Starts an unknown token; whitespace inside it is replaced by UNKNOWN_SPACE. */
export const UNKNOWN_MARK = '\uE000';
const UNKNOWN_SPACE = '\uE001';

class LimitExceeded extends Error {}

type Scope = ReadonlyMap<string, string>;

interface MutableVariable {
  flavor: 'simple' | 'recursive';
  readonly pieces: ValuePiece[];
  uncertain: boolean;
}

/** Functions and how many arguments they take; the last one keeps any further commas. */
const FUNCTION_ARITY: ReadonlyMap<string, number> = new Map([
  ['subst', 3],
  ['patsubst', 3],
  ['strip', 1],
  ['findstring', 2],
  ['filter', 2],
  ['filter-out', 2],
  ['sort', 1],
  ['word', 2],
  ['wordlist', 3],
  ['words', 1],
  ['firstword', 1],
  ['lastword', 1],
  ['dir', 1],
  ['notdir', 1],
  ['suffix', 1],
  ['basename', 1],
  ['addsuffix', 2],
  ['addprefix', 2],
  ['join', 2],
  ['if', 3],
  ['or', Infinity],
  ['and', Infinity],
  ['foreach', 3],
  ['call', Infinity],
  ['value', 1],
  ['info', 1],
  ['warning', 1],
  ['error', 1],
  // Never evaluated here: they read the file system, run programs or change the makefile.
  ['shell', 1],
  ['wildcard', 1],
  ['realpath', 1],
  ['abspath', 1],
  ['eval', 1],
  ['file', 2],
  ['origin', 1],
  ['flavor', 1],
  ['let', 3],
  ['intcmp', 5],
  ['guile', 1],
]);

const UNEVALUATED = new Set(['shell', 'wildcard', 'realpath', 'abspath', 'eval', 'file', 'origin', 'flavor', 'let']);
const UNEVALUATED_MORE = new Set(['intcmp', 'guile', 'error']);

/** The variables of one makefile as it is read, with a configuration for `CONFIG_` symbols. */
export class MakeEnvironment {
  private readonly variables = new Map<string, MutableVariable>();
  /** Variables whose names depend on an undecided symbol (`foo-$(CONFIG_X)`), by the name's base (`foo`). */
  private readonly undecided = new Map<string, Set<string>>();
  private readonly expanding = new Set<string>();
  private readonly scopes: Scope[] = [];
  private steps = 0;
  private depth = 0;

  constructor(
    private readonly config: KernelConfig | undefined,
    private readonly limits: ExpansionLimits = DEFAULT_EXPANSION_LIMITS,
  ) {}

  /** Whether the configuration's symbols are known (a configuration was given). */
  get hasConfig(): boolean {
    return this.config !== undefined;
  }

  variable(name: string): MakeVariable | undefined {
    return this.variables.get(name);
  }

  /** Records that variable `name` is `base-$(SYMBOL)` with SYMBOL undecided. */
  addUndecided(base: string, name: string): void {
    const names = this.undecided.get(base);
    if (names === undefined) this.undecided.set(base, new Set([name]));
    else names.add(name);
  }

  /** The variables named `base-$(SYMBOL)` for an undecided SYMBOL, in the order first assigned. */
  undecidedVariables(base: string): readonly string[] {
    const names = this.undecided.get(base);
    return names === undefined ? [] : [...names];
  }

  /** Expands `text`; unknown references come back as written. */
  expand(text: string): Expansion {
    const result = this.expandInternal(text);
    return { text: decodeUnknown(result.text), unknown: result.unknown };
  }

  /**
   * Expands `text`, keeping each unknown reference as one token that starts with UNKNOWN_MARK and
   * holds no whitespace.
   */
  expandInternal(text: string): Expansion {
    if (!text.includes('$')) return { text, unknown: false };
    try {
      return this.run(text);
    } catch {
      // Over a limit (or a string too long for the engine): the whole text is unknown.
      return { text: unknownToken(text), unknown: true };
    } finally {
      this.expanding.clear();
      this.scopes.length = 0;
      this.depth = 0;
    }
  }

  /** The words of one piece of a variable, expanded as of now (recursive pieces expand late). */
  expandPiece(piece: ValuePiece): Expansion {
    return piece.expanded ? { text: piece.text, unknown: piece.unknown } : this.expandInternal(piece.text);
  }

  /**
   * Whether `name` has a non-empty value (what `ifdef` asks); undefined when that cannot be known.
   */
  isDefined(name: string): boolean | undefined {
    const variable = this.variables.get(name);
    if (variable !== undefined) {
      if (variable.uncertain) return undefined;
      return variable.pieces.some((p) => p.text.trim() !== '');
    }
    if (this.config !== undefined && name.startsWith('CONFIG_')) {
      const value = this.config.value(name);
      return value !== undefined && value !== '';
    }
    return undefined;
  }

  assign(name: string, operator: AssignmentOperator, value: string, at: AssignmentContext): void {
    const existing = this.variables.get(name);
    const tags = { line: at.line, uncertain: at.uncertain, ...(at.config !== undefined ? { config: at.config } : {}) };
    let flavor: MakeVariable['flavor'];
    let piece: ValuePiece;
    switch (operator) {
      case '?=':
        if (existing !== undefined || this.definedByConfig(name)) return;
        flavor = 'recursive';
        piece = { text: value, expanded: false, unknown: false, ...tags };
        // With no configuration, a CONFIG_ default may be overridden by the .config.
        if (this.config === undefined && name.startsWith('CONFIG_')) {
          this.variables.set(name, { flavor, pieces: [piece], uncertain: true });
          return;
        }
        break;
      case '!=':
        flavor = 'simple';
        piece = { text: unknownToken(`$(shell ${value})`), expanded: true, unknown: true, ...tags };
        break;
      case ':=':
      case '::=':
      case ':::=': {
        const expansion = this.expandInternal(value);
        flavor = 'simple';
        piece = { text: expansion.text, expanded: true, unknown: expansion.unknown, ...tags };
        break;
      }
      case '=':
        flavor = 'recursive';
        piece = { text: value, expanded: false, unknown: false, ...tags };
        break;
      case '+=': {
        if (existing === undefined || existing.flavor === 'recursive') {
          flavor = 'recursive';
          piece = { text: value, expanded: false, unknown: false, ...tags };
        } else {
          const expansion = this.expandInternal(value);
          flavor = 'simple';
          piece = { text: expansion.text, expanded: true, unknown: expansion.unknown, ...tags };
        }
        if (existing === undefined) {
          this.variables.set(name, { flavor, pieces: [piece], uncertain: at.uncertain });
        } else {
          existing.pieces.push(piece);
          existing.uncertain ||= at.uncertain;
        }
        return;
      }
    }
    if (existing !== undefined && at.uncertain) {
      // Either value may hold: keep both (the union of their words), and know that it is uncertain.
      existing.pieces.push(piece);
      existing.uncertain = true;
    } else {
      this.variables.set(name, { flavor, pieces: [piece], uncertain: at.uncertain });
    }
  }

  undefine(name: string, uncertain: boolean): void {
    const existing = this.variables.get(name);
    if (existing === undefined) return;
    if (uncertain) existing.uncertain = true;
    else this.variables.delete(name);
  }

  private definedByConfig(name: string): boolean {
    return this.config !== undefined && name.startsWith('CONFIG_') && this.config.value(name) !== undefined;
  }

  private step(): void {
    if (++this.steps > this.limits.maxSteps) throw new LimitExceeded();
  }

  private run(text: string): Expansion {
    if (!text.includes('$')) return { text, unknown: false };
    if (++this.depth > this.limits.maxDepth) throw new LimitExceeded();
    let out = '';
    let unknown = false;
    let i = 0;
    while (i < text.length) {
      const dollar = text.indexOf('$', i);
      if (dollar === -1) {
        out += text.slice(i);
        break;
      }
      out += text.slice(i, dollar);
      const next = text[dollar + 1];
      if (next === undefined) {
        out += '$';
        break;
      }
      if (next === '$') {
        out += '$';
        i = dollar + 2;
        continue;
      }
      const end = referenceEnd(text, dollar);
      const result = this.reference(text.slice(dollar, end));
      out += result.text;
      unknown ||= result.unknown;
      if (out.length > this.limits.maxLength) throw new LimitExceeded();
      i = end;
    }
    this.depth--;
    return { text: out, unknown };
  }

  private reference(ref: string): Expansion {
    this.step();
    if (ref[1] !== '(' && ref[1] !== '{') return this.valueOf(ref.slice(1, 2), ref);
    if (!referenceClosed(ref, 0)) return { text: unknownToken(ref), unknown: true };
    const inner = ref.slice(2, -1);
    const call = /^([a-z-]+)[ \t]/.exec(inner);
    if (call !== null && FUNCTION_ARITY.has(call[1]!)) {
      return this.callFunction(call[1]!, inner.slice(call[0].length).trimStart(), ref);
    }
    const [namePart, substitution] = splitTopLevel(inner, ':', 2) as [string, string | undefined];
    const name = this.run(namePart);
    if (name.unknown) return { text: unknownToken(ref), unknown: true };
    const value = this.valueOf(name.text.trim(), ref);
    if (substitution === undefined || !substitution.includes('=')) return value;
    const [from, to] = splitTopLevel(substitution, '=', 2) as [string, string];
    const fromText = this.run(from).text;
    const toText = this.run(to).text;
    const pattern = fromText.includes('%') ? fromText : `%${fromText}`;
    const replacement = fromText.includes('%') ? toText : `%${toText}`;
    return {
      text: words(value.text)
        .map((w) => patsubstWord(pattern, replacement, w))
        .join(' '),
      unknown: value.unknown,
    };
  }

  private valueOf(name: string, ref: string): Expansion {
    for (let s = this.scopes.length - 1; s >= 0; s--) {
      const bound = this.scopes[s]!.get(name);
      if (bound !== undefined) return { text: bound, unknown: false };
    }
    const variable = this.variables.get(name);
    // `$(foo-y)` may also hold what `foo-$(CONFIG_X) += …` added when X is undecided.
    const selected = /^(.+)-[ym]$/.exec(name);
    const undecided = selected === null ? [] : this.undecidedVariables(selected[1]!);
    if (variable === undefined && undecided.length === 0) {
      if (this.config !== undefined && name.startsWith('CONFIG_')) {
        return { text: this.config.value(name) ?? '', unknown: false };
      }
      return { text: unknownToken(ref), unknown: true };
    }
    const parts: string[] = [];
    let unknown = undecided.length > 0;
    for (const [key, value] of [
      [name, variable] as const,
      ...undecided.map((u) => [u, this.variables.get(u)] as const),
    ]) {
      if (value === undefined) continue;
      if (this.expanding.has(key)) return { text: unknownToken(ref), unknown: true };
      this.expanding.add(key);
      try {
        unknown ||= value.uncertain;
        for (const piece of value.pieces) {
          const part = piece.expanded ? piece : this.run(piece.text);
          unknown ||= part.unknown;
          if (part.text !== '') parts.push(part.text);
        }
      } finally {
        this.expanding.delete(key);
      }
    }
    return { text: parts.join(' '), unknown };
  }

  private callFunction(name: string, argText: string, ref: string): Expansion {
    const args = splitTopLevel(argText, ',', FUNCTION_ARITY.get(name));
    const unknownResult = { text: unknownToken(ref), unknown: true };
    if (UNEVALUATED.has(name) || UNEVALUATED_MORE.has(name)) return unknownResult;
    switch (name) {
      case 'if':
        return this.ifFunction(args);
      case 'or':
      case 'and':
        return this.logicFunction(name, args);
      case 'foreach':
        return this.foreachFunction(args);
      case 'call':
        return this.callUserFunction(args, ref);
      case 'value': {
        const variable = this.variables.get(this.run(args[0] ?? '').text.trim());
        if (variable === undefined) return unknownResult;
        return { text: variable.pieces.map((p) => p.text).join(' '), unknown: variable.uncertain };
      }
    }
    const expanded = args.map((a) => this.run(a));
    const unknown = expanded.some((e) => e.unknown);
    const text = textFunction(
      name,
      expanded.map((e) => e.text),
    );
    return { text, unknown };
  }

  private ifFunction(args: string[]): Expansion {
    const condition = this.run(args[0] ?? '');
    if (condition.unknown) {
      // Either branch may be taken: both, for an over-approximation.
      const then = this.run(args[1] ?? '');
      const otherwise = this.run(args[2] ?? '');
      return { text: [then.text, otherwise.text].filter((t) => t !== '').join(' '), unknown: true };
    }
    return this.run((condition.text.trim() !== '' ? args[1] : args[2]) ?? '');
  }

  private logicFunction(name: 'or' | 'and', args: string[]): Expansion {
    let unknown = false;
    let last = '';
    for (const arg of args) {
      const value = this.run(arg);
      unknown ||= value.unknown;
      const empty = value.text.trim() === '';
      if (name === 'or' && !empty) return { text: value.text, unknown };
      if (name === 'and' && empty) return { text: '', unknown };
      last = value.text;
    }
    return { text: name === 'and' ? last : '', unknown };
  }

  private foreachFunction(args: string[]): Expansion {
    const variable = this.run(args[0] ?? '');
    const list = this.run(args[1] ?? '');
    let unknown = variable.unknown || list.unknown;
    const out: string[] = [];
    let length = 0;
    for (const word of words(list.text)) {
      this.step();
      this.scopes.push(new Map([[variable.text.trim(), word]]));
      try {
        const item = this.run(args[2] ?? '');
        unknown ||= item.unknown;
        out.push(item.text);
        length += item.text.length + 1;
        if (length > this.limits.maxLength) throw new LimitExceeded();
      } finally {
        this.scopes.pop();
      }
    }
    return { text: out.join(' '), unknown };
  }

  private callUserFunction(args: string[], ref: string): Expansion {
    const name = this.run(args[0] ?? '');
    const variable = name.unknown ? undefined : this.variables.get(name.text.trim());
    if (variable === undefined) return { text: unknownToken(ref), unknown: true };
    const bound = new Map<string, string>([['0', name.text.trim()]]);
    let unknown = false;
    args.slice(1).forEach((arg, i) => {
      const value = this.run(arg);
      unknown ||= value.unknown;
      bound.set(String(i + 1), value.text);
    });
    this.scopes.push(bound);
    try {
      const value = this.valueOf(name.text.trim(), ref);
      return { text: value.text, unknown: unknown || value.unknown };
    } finally {
      this.scopes.pop();
    }
  }
}

/** The text functions, on expanded arguments. */
function textFunction(name: string, args: readonly string[]): string {
  const [a = '', b = '', c = ''] = args;
  switch (name) {
    case 'subst':
      return a === '' ? c : c.split(a).join(b);
    case 'patsubst':
      return words(c)
        .map((w) => patsubstWord(a.trim(), b.trim(), w))
        .join(' ');
    case 'strip':
      return words(a).join(' ');
    case 'findstring':
      return b.includes(a) ? a : '';
    case 'filter':
    case 'filter-out': {
      const patterns = words(a);
      const keep = name === 'filter';
      return words(b)
        .filter((w) => patterns.some((p) => matchesPattern(p, w)) === keep)
        .join(' ');
    }
    case 'sort':
      return [...new Set(words(a))].sort().join(' ');
    case 'word':
      return words(b)[Number.parseInt(a, 10) - 1] ?? '';
    case 'wordlist':
      return words(c)
        .slice(Math.max(0, Number.parseInt(a, 10) - 1), Math.max(0, Number.parseInt(b, 10)))
        .join(' ');
    case 'words':
      return String(words(a).length);
    case 'firstword':
      return words(a)[0] ?? '';
    case 'lastword':
      return words(a).at(-1) ?? '';
    case 'dir':
      return words(a)
        .map((w) => (w.includes('/') ? w.slice(0, w.lastIndexOf('/') + 1) : './'))
        .join(' ');
    case 'notdir':
      return words(a)
        .map((w) => w.slice(w.lastIndexOf('/') + 1))
        .join(' ');
    case 'suffix':
      return words(a)
        .map(suffixOf)
        .filter((s) => s !== '')
        .join(' ');
    case 'basename':
      return words(a)
        .map((w) => w.slice(0, w.length - suffixOf(w).length))
        .join(' ');
    case 'addsuffix':
      return words(b)
        .map((w) => w + a)
        .join(' ');
    case 'addprefix':
      return words(b)
        .map((w) => a + w)
        .join(' ');
    case 'join': {
      const left = words(a);
      const right = words(b);
      return Array.from(
        { length: Math.max(left.length, right.length) },
        (_, i) => (left[i] ?? '') + (right[i] ?? ''),
      ).join(' ');
    }
    default:
      // info and warning print and expand to nothing.
      return '';
  }
}

function suffixOf(word: string): string {
  const dot = word.lastIndexOf('.');
  return dot > word.lastIndexOf('/') ? word.slice(dot) : '';
}

/** Whether `word` matches a make pattern with at most one `%`. */
export function matchesPattern(pattern: string, word: string): boolean {
  const percent = pattern.indexOf('%');
  if (percent === -1) return pattern === word;
  const prefix = pattern.slice(0, percent);
  const suffix = pattern.slice(percent + 1);
  return word.length >= prefix.length + suffix.length && word.startsWith(prefix) && word.endsWith(suffix);
}

function patsubstWord(pattern: string, replacement: string, word: string): string {
  const percent = pattern.indexOf('%');
  if (percent === -1) return word === pattern ? replacement : word;
  if (!matchesPattern(pattern, word)) return word;
  const stem = word.slice(percent, word.length - (pattern.length - percent - 1));
  return replacement.includes('%') ? replacement.replace('%', () => stem) : replacement;
}

function unknownToken(ref: string): string {
  return UNKNOWN_MARK + ref.replace(/[ \t\n\r\f\v]/g, UNKNOWN_SPACE).replaceAll(UNKNOWN_MARK, '');
}

/** Gives unknown tokens back as the references were written. */
export function decodeUnknown(text: string): string {
  if (!text.includes(UNKNOWN_MARK)) return text;
  return text.replaceAll(UNKNOWN_MARK, '').replaceAll(UNKNOWN_SPACE, ' ');
}

/** Whether a word is fully known: no unknown reference and no stray `$` in it. */
export function isKnownWord(word: string): boolean {
  return !word.includes(UNKNOWN_MARK) && !word.includes('$');
}
