/**
 * Runs statements and expressions of the C subset against one module instance's variables:
 * locals and file-scope variables, integer arithmetic (values.ts), control flow with goto to
 * labels of enclosing blocks, calls to the module's own functions and macros, the printk family,
 * the helper and default tables (kernelApi.ts) and other modules' exports (through the host).
 *
 * Bounds: a step budget shared by everything one entry point runs (a loop that does not end stops
 * with a note), a call depth, a macro expansion depth; anything outside the subset becomes a note
 * and a default, never an exception out of run().
 */
import {
  DEFAULT_MESSAGE_LOGLEVEL,
  errnoSymbol,
  errnoValue,
  INITIAL_JIFFIES,
  INTEGER_CONSTANTS,
  KERN_PREFIXES,
} from './constants';
import { formatPrintf, type FormatValue } from './format';
import { DEFAULTS, HELPERS, isDefault, isHelper, type ApiHost } from './kernelApi';
import type { DeviceNumbers } from '../simulator/devices';
import type { Program } from './program';
import type { Block, Expr, FunctionSyntax, Stmt, VarDecl } from './syntax';
import {
  arithmetic,
  CHAR_POINTER,
  compare,
  intValue,
  Memory,
  sizeOf,
  T,
  truthy,
  typeName,
  unary,
  wrap,
  zeroValue,
  type ArithmeticOp,
  type Cell,
  type ComparisonOp,
  type CType,
  type IntType,
  type TokenInfo,
  type Value,
  ZERO,
} from './values';
import type { LogLevel } from '../simulator/kernelLog';
import type { PrintkLine } from '../simulator/entryPoints';

/** Stops the whole entry point: a bound was reached, or the code did something fatal (BUG()). */
export class StopRun extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface Limits {
  /** Statements and loop iterations one entry point may run (nested calls included). */
  readonly steps: number;
  /** Nested calls of the module's own functions. */
  readonly depth: number;
}

export const DEFAULT_LIMITS: Limits = { steps: 1_000_000, depth: 200 };

/** printk keeps at most LOG_LINE_MAX - 1 bytes of a message (1024 - 32 - 1 in 6.1 without PRINTK_CALLER). */
const PRINTK_TEXT_MAX = 991;

/** One loaded module's memory: file-scope and static variables, pr_*_once flags. */
export interface Instance {
  readonly program: Program;
  readonly globals: Map<string, Cell>;
  readonly statics: Map<VarDecl, Cell>;
  readonly once: Set<string>;
}

/** What an evaluator needs from the runner. */
export interface Services {
  readonly moduleName: string;
  readonly devices: DeviceNumbers;
  /** A fresh simulated address for an object of `size` bytes. */
  allocate(size: number): bigint;
  /** Calls another module's (or the kernel's) export; undefined when nobody exports the name. */
  callExport(
    name: string,
    args: readonly Value[],
  ): { value?: Value; printk: readonly PrintkLine[]; notes?: readonly string[] } | undefined;
  /** A function's size in the module's symbol table, for %pS. */
  symbolSize(name: string): number | undefined;
}

interface Budget {
  steps: number;
}

type Completion =
  | undefined
  | { readonly k: 'break' }
  | { readonly k: 'continue' }
  | { readonly k: 'return'; readonly value: Value | undefined }
  | { readonly k: 'goto'; readonly label: string; readonly line: number };

const BREAK: Completion = { k: 'break' };
const CONTINUE: Completion = { k: 'continue' };

class Scope {
  readonly vars = new Map<string, Cell>();
  constructor(readonly parent: Scope | undefined) {}

  lookup(name: string): Cell | undefined {
    const own = this.vars.get(name);
    if (own !== undefined) return own;
    for (let s = this.parent; s !== undefined; s = s.parent) {
      const cell = s.vars.get(name);
      if (cell !== undefined) return cell;
    }
    return undefined;
  }
}

interface Lvalue {
  readonly type: CType | undefined;
  get(): Value;
  set(value: Value): void;
  /** Its address as a pointer value. */
  address(): Value;
}

const PRINTK_LEVELS: Readonly<Record<string, LogLevel | 'debug' | 'cont'>> = {
  pr_emerg: 0,
  pr_alert: 1,
  pr_crit: 2,
  pr_err: 3,
  pr_warn: 4,
  pr_warning: 4,
  pr_notice: 5,
  pr_info: 6,
  pr_debug: 'debug',
  pr_devel: 'debug',
  pr_cont: 'cont',
};

const DEV_LEVELS: Readonly<Record<string, LogLevel | 'debug'>> = {
  dev_emerg: 0,
  dev_alert: 1,
  dev_crit: 2,
  dev_err: 3,
  dev_warn: 4,
  dev_notice: 5,
  dev_info: 6,
  dev_dbg: 'debug',
};

/** Helpers whose first argument is a type name, not a value. */
const TYPE_FIRST = new Set(['min_t', 'max_t', 'clamp_t']);

const literalMemory = new WeakMap<Expr, Memory>();

export class Evaluator {
  readonly printk: PrintkLine[] = [];
  readonly notes = new Set<string>();
  /** Notes of other modules' code this run called (already naming their module). */
  readonly foreignNotes = new Set<string>();
  private depth = 0;
  private lastOpen = false;
  private readonly expanding = new Set<string>();
  private currentFunction = '';

  constructor(
    private readonly instance: Instance,
    private readonly services: Services,
    private readonly budget: Budget,
    private readonly limits: Limits = DEFAULT_LIMITS,
  ) {}

  private get program(): Program {
    return this.instance.program;
  }

  note(text: string): void {
    if (this.notes.size < 200) this.notes.add(text);
  }

  private where(line: number): string {
    return this.currentFunction !== '' ? `${this.currentFunction}() line ${line}` : `line ${line}`;
  }

  private step(): void {
    if (--this.budget.steps < 0) {
      throw new StopRun(
        `stopped after ${this.limits.steps.toLocaleString('en-US')} steps in ${this.currentFunction || this.services.moduleName}() (a loop that does not end?)`,
      );
    }
  }

  // ---- variables

  /** Creates a variable for a declaration (file scope when scope is undefined). */
  declare(decl: VarDecl, scope: Scope | undefined): Cell {
    const cell = this.newCell(decl, scope);
    if (scope !== undefined) scope.vars.set(decl.name, cell);
    return cell;
  }

  private newCell(decl: VarDecl, scope: Scope | undefined): Cell {
    const type = decl.type;
    if (type.kind === 'array') {
      let length: number | undefined;
      if (decl.arrayLength !== undefined && decl.arrayLength !== 'unsized') {
        const n = this.toBig(this.eval(decl.arrayLength, scope));
        length = n < 0n ? 0 : n > 1n << 30n ? 1 << 30 : Number(n);
        if (n > 1n << 30n) this.note(`array ${decl.name}[${n}] is too large to simulate; taken as 2^30 elements`);
      }
      const init = decl.init;
      if (length === undefined) {
        if (init?.k === 'init') length = init.items.length;
        else if (init !== undefined) length = (this.stringBytes(init, scope)?.length ?? 0) + 1;
        else length = 0;
      }
      const element = type.of;
      const elementSize = sizeOf(element) ?? 8;
      const memory = new Memory(element, length, decl.name, this.services.allocate(length * elementSize));
      if (init?.k === 'init') {
        let index = 0;
        for (const item of init.items) {
          if (item.index !== undefined) index = Number(this.toBig(this.eval(item.index, scope)));
          if (index >= 0 && index < length) memory.set(index, this.convert(this.eval(item.value, scope), element));
          index++;
        }
      } else if (init !== undefined) {
        const bytes = this.stringBytes(init, scope);
        if (bytes !== undefined) {
          for (let i = 0; i < Math.min(bytes.length, length); i++) memory.set(i, intValue(BigInt(bytes[i]!), T.char));
        } else this.note(`${decl.name}: array initializer not simulated (${this.where(decl.line)}); taken as zeros`);
      }
      return { name: decl.name, type, value: { k: 'ptr', mem: memory, off: 0 } };
    }
    let value: Value = zeroValue(type);
    if (decl.init !== undefined) {
      if (decl.init.k === 'init') value = this.initList(decl.init.items, type, scope);
      else value = this.convert(this.eval(decl.init, scope), type);
    }
    return { name: decl.name, type, value };
  }

  private initList(items: readonly { field?: string; value: Expr }[], type: CType, scope: Scope | undefined): Value {
    if (type.kind === 'int') return items[0] ? this.convert(this.eval(items[0].value, scope), type) : zeroValue(type);
    const fields = new Map<string, Value>();
    for (const item of items) {
      if (item.field === undefined) continue;
      const value =
        item.value.k === 'init'
          ? this.initList(item.value.items, { kind: 'struct', name: item.field }, scope)
          : this.eval(item.value, scope);
      fields.set(item.field, value);
    }
    return { k: 'struct', fields, name: type.kind === 'struct' ? type.name : typeName(type) };
  }

  /** The bytes of a string-valued expression (a literal, concatenation, or string macro). */
  private stringBytes(e: Expr, scope: Scope | undefined): number[] | undefined {
    const v = this.eval(e, scope);
    if (v.k !== 'ptr') return undefined;
    const bytes: number[] = [];
    for (let i = v.off; i < v.mem.length; i++) {
      const c = v.mem.get(i);
      const b = c.k === 'int' ? Number(BigInt.asUintN(8, c.v)) : 0;
      if (b === 0) break;
      bytes.push(b);
    }
    return bytes;
  }

  // ---- conversions

  toBig(value: Value | undefined): bigint {
    if (value === undefined) return 0n;
    switch (value.k) {
      case 'int':
        return value.v;
      case 'token':
        return value.address;
      case 'ptr':
        return value.mem.address + BigInt(value.off * (sizeOf(value.mem.element) ?? 1));
      case 'ref':
        return (value.cell.address ??= this.services.allocate(sizeOf(value.cell.type) ?? 8));
      case 'fn':
        return this.functionAddress(value.name);
      default:
        return 0n;
    }
  }

  private readonly fnAddresses = new Map<string, bigint>();
  private functionAddress(name: string): bigint {
    let a = this.fnAddresses.get(name);
    if (a === undefined) {
      a = this.services.allocate(16);
      this.fnAddresses.set(name, a);
    }
    return a;
  }

  /** A value converted for storing in (or casting to) a type. */
  convert(value: Value, type: CType): Value {
    if (type.kind === 'int') {
      if (value.k === 'int' && value.t === type) return value;
      if (type.bool) return intValue(truthy(value) ? 1n : 0n, type);
      return { k: 'int', v: wrap(this.toBig(value), type), t: type };
    }
    if (type.kind === 'pointer') {
      if (value.k !== 'int') return value;
      if (value.v === 0n) return { k: 'int', v: 0n, t: T.ulong };
      const v = BigInt.asIntN(64, value.v);
      if (v < 0n && v >= -4095n) return { k: 'token', address: BigInt.asUintN(64, v), errno: Number(-v) };
      return { k: 'token', address: BigInt.asUintN(64, value.v), info: { from: 'an integer' } };
    }
    if (type.kind === 'struct' && value.k === 'struct') return { ...value, fields: new Map(value.fields) };
    if (type.kind === 'void') return { k: 'void' };
    return value;
  }

  private intType(value: Value): IntType {
    return value.k === 'int' ? value.t : T.ulong;
  }

  // ---- functions

  /** Runs one of the module's functions with argument values. */
  callFunction(fn: FunctionSyntax, args: readonly Value[]): Value {
    if (this.depth >= this.limits.depth)
      throw new StopRun(`calls nested deeper than ${this.limits.depth} (in ${fn.name}()): recursion stopped`);
    this.depth++;
    const caller = this.currentFunction;
    this.currentFunction = fn.name;
    try {
      const scope = new Scope(undefined);
      fn.params.forEach((p, i) => {
        if (p.name === undefined) return;
        const arg = args[i];
        if (arg === undefined) this.note(`${fn.name}() called with fewer arguments than it declares; the rest are 0`);
        scope.vars.set(p.name, { name: p.name, type: p.type, value: this.convert(arg ?? ZERO, p.type) });
      });
      const c = this.execBlock(fn.body, scope);
      if (c?.k === 'goto') {
        this.note(
          `goto ${c.label} in ${fn.name}(): a label inside a nested block is not simulated; ${fn.name}() taken to return 0`,
        );
        return fn.returns.kind === 'void' ? { k: 'void' } : this.convert(ZERO, fn.returns);
      }
      const value = c?.k === 'return' ? c.value : undefined;
      if (fn.returns.kind === 'void') return { k: 'void' };
      if (value === undefined) return this.convert(ZERO, fn.returns);
      return this.convert(value, fn.returns);
    } finally {
      this.depth--;
      this.currentFunction = caller;
    }
  }

  // ---- statements

  private execBlock(block: Block, parent: Scope): Completion {
    const scope = new Scope(parent);
    const body = block.body;
    let i = 0;
    while (i < body.length) {
      const c = this.exec(body[i]!, scope);
      if (c === undefined) {
        i++;
        continue;
      }
      if (c.k === 'goto') {
        const target = block.labels.get(c.label);
        if (target !== undefined) {
          this.step();
          i = target;
          continue;
        }
      }
      return c;
    }
    return undefined;
  }

  private exec(s: Stmt, scope: Scope): Completion {
    this.step();
    switch (s.k) {
      case 'expr':
        this.eval(s.e, scope);
        return undefined;
      case 'decl':
        for (const v of s.vars) {
          if (v.isStatic) {
            let cell = this.instance.statics.get(v);
            if (cell === undefined) {
              cell = this.newCell(v, undefined);
              this.instance.statics.set(v, cell);
            }
            scope.vars.set(v.name, cell);
          } else if (v.isExtern) continue;
          else this.declare(v, scope);
        }
        return undefined;
      case 'block':
        return this.execBlock(s, scope);
      case 'if':
        if (truthy(this.eval(s.test, scope))) return this.exec(s.then, scope);
        return s.else !== undefined ? this.exec(s.else, scope) : undefined;
      case 'while':
        for (;;) {
          this.step();
          if (!truthy(this.eval(s.test, scope))) return undefined;
          const c = this.exec(s.body, scope);
          if (c === BREAK) return undefined;
          if (c !== undefined && c !== CONTINUE) return c;
        }
      case 'do':
        for (;;) {
          this.step();
          const c = this.exec(s.body, scope);
          if (c === BREAK) return undefined;
          if (c !== undefined && c !== CONTINUE) return c;
          if (!truthy(this.eval(s.test, scope))) return undefined;
        }
      case 'for': {
        const inner = new Scope(scope);
        if (s.init !== undefined) this.exec(s.init, inner);
        for (;;) {
          this.step();
          if (s.test !== undefined && !truthy(this.eval(s.test, inner))) return undefined;
          const c = this.exec(s.body, inner);
          if (c === BREAK) return undefined;
          if (c !== undefined && c !== CONTINUE) return c;
          if (s.update !== undefined) this.eval(s.update, inner);
        }
      }
      case 'switch':
        return this.execSwitch(s, scope);
      case 'break':
        return BREAK;
      case 'continue':
        return CONTINUE;
      case 'return':
        return { k: 'return', value: s.e === undefined ? undefined : this.eval(s.e, scope) };
      case 'goto':
        return { k: 'goto', label: s.label, line: s.line };
      case 'labeled':
        return this.exec(s.body, scope);
      case 'empty':
        return undefined;
      case 'unsupported':
        this.note(`not simulated: ${s.what} (${this.where(s.line)}); skipped`);
        return undefined;
    }
  }

  private execSwitch(s: Extract<Stmt, { k: 'switch' }>, parent: Scope): Completion {
    const value = this.eval(s.test, parent);
    const v = this.toBig(value);
    const type = this.intType(value);
    let start: number | undefined;
    let fallback: number | undefined;
    for (const c of s.cases) {
      if (c.value === undefined) {
        fallback = c.index;
        continue;
      }
      const cv = this.eval(c.value, parent);
      if (compare('==', v, type, this.toBig(cv), this.intType(cv))) {
        start = c.index;
        break;
      }
    }
    start ??= fallback;
    if (start === undefined) return undefined;
    const scope = new Scope(parent);
    let i = start;
    while (i < s.body.length) {
      const c = this.exec(s.body[i]!, scope);
      if (c === undefined) {
        i++;
        continue;
      }
      if (c === BREAK) return undefined;
      if (c.k === 'goto') {
        const target = s.labels.get(c.label);
        if (target !== undefined) {
          i = target;
          continue;
        }
      }
      return c;
    }
    return undefined;
  }

  // ---- expressions

  eval(e: Expr, scope: Scope | undefined): Value {
    switch (e.k) {
      case 'const':
        return { k: 'int', v: e.value, t: e.type };
      case 'string':
      case 'concat':
        return this.stringLiteral(e, scope);
      case 'null':
        return { k: 'int', v: 0n, t: T.ulong };
      case 'name':
        return this.name(e.name, e.line, scope);
      case 'binary':
        return this.binary(e.op, e.left, e.right, scope);
      case 'unary': {
        const v = this.eval(e.arg, scope);
        if (e.op === '!') return intValue(truthy(v) ? 0n : 1n);
        if (e.op === '-' || e.op === '~' || e.op === '+') {
          const r = unary(e.op, this.toBig(v), this.intType(v));
          return { k: 'int', v: r.value, t: r.type };
        }
        this.note(`not simulated: unary ${e.op}; taken as 0`);
        return ZERO;
      }
      case 'update': {
        const lv = this.lvalue(e.arg, scope);
        if (lv === undefined) return ZERO;
        const old = lv.get();
        const next = this.offset(old, e.op === '++' ? 1n : -1n);
        lv.set(next);
        return e.prefix ? lv.get() : old;
      }
      case 'assign': {
        const lv = this.lvalue(e.target, scope);
        if (lv === undefined) {
          this.eval(e.value, scope);
          return ZERO;
        }
        let value = this.eval(e.value, scope);
        if (e.op !== '=') value = this.combine(e.op.slice(0, -1), lv.get(), value);
        lv.set(value);
        return lv.get();
      }
      case 'conditional': {
        const test = this.eval(e.test, scope);
        if (truthy(test)) return e.then === undefined ? test : this.eval(e.then, scope);
        return this.eval(e.else, scope);
      }
      case 'comma':
        this.eval(e.left, scope);
        return this.eval(e.right, scope);
      case 'call':
        this.step();
        return this.call(e, scope);
      case 'cast':
        return this.convert(this.eval(e.arg, scope), e.type);
      case 'sizeof':
        return this.sizeofExpr(e, scope);
      case 'index': {
        const lv = this.lvalue(e, scope);
        return lv === undefined ? ZERO : lv.get();
      }
      case 'address':
        return this.addressOf(e.arg, scope);
      case 'deref': {
        const base = this.eval(e.arg, scope);
        if (base.k === 'fn') return base;
        const lv = this.lvalue(e, scope, base);
        return lv === undefined ? ZERO : lv.get();
      }
      case 'field': {
        const lv = this.lvalue(e, scope);
        return lv === undefined ? ZERO : lv.get();
      }
      case 'init':
        this.note('not simulated: an initializer list outside a declaration; taken as 0');
        return ZERO;
      case 'unsupported':
        this.note(`not simulated: ${e.what} (${this.where(e.line)}); taken as 0`);
        return ZERO;
    }
  }

  private stringLiteral(e: Extract<Expr, { k: 'string' | 'concat' }>, scope: Scope | undefined): Value {
    let memory = literalMemory.get(e);
    if (memory === undefined) {
      let bytes: number[];
      if (e.k === 'string') bytes = [...e.bytes];
      else {
        bytes = [];
        for (const part of e.parts) {
          if (part.k === 'string') bytes.push(...part.bytes);
          else bytes.push(...(this.stringBytes(part, scope) ?? []));
        }
      }
      memory = new Memory(T.char, bytes.length + 1, 'a string literal', this.services.allocate(bytes.length + 1), true);
      bytes.forEach((b, i) => memory!.set(i, { k: 'int', v: BigInt.asIntN(8, BigInt(b)), t: T.char }));
      if (e.k === 'string') literalMemory.set(e, memory);
    }
    return { k: 'ptr', mem: memory, off: 0 };
  }

  private readonly macroValues = new Map<string, Value>();

  private name(name: string, line: number, scope: Scope | undefined): Value {
    const cell = scope?.lookup(name) ?? this.instance.globals.get(name);
    if (cell !== undefined) return cell.value;
    if (this.program.functions.has(name)) return { k: 'fn', name };
    const enumerator = this.program.enumerators.get(name);
    if (enumerator !== undefined && !this.expanding.has(name)) {
      this.expanding.add(name);
      try {
        return this.eval(enumerator, undefined);
      } finally {
        this.expanding.delete(name);
      }
    }
    const macro = this.program.macros.get(name);
    if (macro !== undefined && macro.params === undefined && !this.expanding.has(name)) {
      const cached = this.macroValues.get(name);
      if (cached !== undefined) return cached;
      return this.expandMacro(name, macro.value, scope, true);
    }
    const known = this.builtinName(name, line);
    if (known !== undefined) return known;
    this.note(`not simulated: the name ${name} (${this.where(line)}), not defined in the module's sources; taken as 0`);
    return ZERO;
  }

  private builtinName(name: string, line: number): Value | undefined {
    const errno = errnoValue(name);
    if (errno !== undefined) return intValue(BigInt(errno));
    const constant = INTEGER_CONSTANTS[name];
    if (constant !== undefined) return { k: 'int', v: constant.value, t: constant.type };
    const prefix = KERN_PREFIXES[name];
    if (prefix !== undefined) return this.bytesValue(prefix);
    switch (name) {
      case 'KBUILD_MODNAME':
        return this.bytesValue(this.services.moduleName);
      case '__func__':
      case '__FUNCTION__':
        return this.bytesValue(this.currentFunction);
      case '__LINE__':
        return intValue(BigInt(line));
      case 'THIS_MODULE':
        return { k: 'token', address: this.functionAddress('__this_module'), info: { from: 'THIS_MODULE' } };
      case 'jiffies':
      case 'jiffies_64':
        this.note(`not simulated: jiffies (taken as INITIAL_JIFFIES, ${INITIAL_JIFFIES}: the clock does not move)`);
        return { k: 'int', v: INITIAL_JIFFIES, t: T.ulong };
      case 'current':
        this.note('not simulated: current (the insmod/rmmod task) is a pointer to nothing modelled');
        return { k: 'token', address: this.functionAddress('current'), info: { from: 'current' } };
      default:
        return undefined;
    }
  }

  private bytesValue(text: string): Value {
    const bytes = Buffer.from(text, 'latin1');
    const memory = new Memory(
      T.char,
      bytes.length + 1,
      JSON.stringify(text),
      this.services.allocate(bytes.length + 1),
      true,
    );
    bytes.forEach((b, i) => memory.set(i, { k: 'int', v: BigInt.asIntN(8, BigInt(b)), t: T.char }));
    return { k: 'ptr', mem: memory, off: 0 };
  }

  /** Runs a macro's expansion; an expression's value, or 0 for statements. */
  private expandMacro(name: string, text: string, scope: Scope | undefined, objectLike: boolean): Value {
    if (this.expanding.size >= 32) {
      this.note(`macro ${name}: expansions nested too deeply; taken as 0`);
      return ZERO;
    }
    this.expanding.add(name);
    try {
      const statements = this.program.snippet(text);
      const only = statements.length === 1 ? statements[0] : undefined;
      if (only?.k === 'expr') {
        const value = this.eval(only.e, scope);
        if (objectLike && only.e.k !== 'call' && value.k !== 'ptr') this.macroValues.set(name, value);
        else if (objectLike && value.k === 'ptr' && value.mem.readOnly) this.macroValues.set(name, value);
        return value;
      }
      const block: Block = { k: 'block', body: statements, labels: new Map() };
      const c = this.execBlock(block, scope ?? new Scope(undefined));
      if (c !== undefined) this.note(`macro ${name}: break/continue/return/goto inside a macro is not simulated`);
      return ZERO;
    } finally {
      this.expanding.delete(name);
    }
  }

  /** Adds n elements to a pointer, or n to an integer. */
  private offset(value: Value, n: bigint): Value {
    if (value.k === 'ptr') return { k: 'ptr', mem: value.mem, off: value.off + Number(n) };
    if (value.k === 'int') {
      const r = arithmetic('+', value.v, value.t, n, T.int);
      return 'error' in r ? value : { k: 'int', v: wrap(r.value, value.t), t: value.t };
    }
    return value;
  }

  private binary(op: string, left: Expr, right: Expr, scope: Scope | undefined): Value {
    if (op === '&&') return intValue(truthy(this.eval(left, scope)) && truthy(this.eval(right, scope)) ? 1n : 0n);
    if (op === '||') return intValue(truthy(this.eval(left, scope)) || truthy(this.eval(right, scope)) ? 1n : 0n);
    return this.combine(op, this.eval(left, scope), this.eval(right, scope));
  }

  private combine(op: string, a: Value, b: Value): Value {
    // Pointer arithmetic and comparison.
    if (a.k === 'ptr' || b.k === 'ptr') {
      if ((op === '+' || op === '-') && a.k === 'ptr' && b.k === 'int') return this.offset(a, op === '+' ? b.v : -b.v);
      if (op === '+' && a.k === 'int' && b.k === 'ptr') return this.offset(b, a.v);
      if (op === '-' && a.k === 'ptr' && b.k === 'ptr' && a.mem === b.mem)
        return intValue(BigInt(a.off - b.off), T.long);
      if (a.k === 'ptr' && b.k === 'ptr' && a.mem === b.mem && isComparison(op))
        return intValue(compare(op, BigInt(a.off), T.long, BigInt(b.off), T.long) ? 1n : 0n);
    }
    if (isComparison(op)) {
      if (a.k === 'int' && b.k === 'int') return intValue(compare(op, a.v, a.t, b.v, b.t) ? 1n : 0n);
      return intValue(
        compare(op, BigInt.asUintN(64, this.toBig(a)), T.ulong, BigInt.asUintN(64, this.toBig(b)), T.ulong) ? 1n : 0n,
      );
    }
    if (!isArithmetic(op)) {
      this.note(`not simulated: the operator ${op}; taken as 0`);
      return ZERO;
    }
    const r = arithmetic(op, this.toBig(a), this.intType(a), this.toBig(b), this.intType(b));
    if ('error' in r) {
      this.note(
        `${r.error} in ${this.currentFunction || this.services.moduleName}(): the real kernel oopses here (divide error); taken as 0`,
      );
      return ZERO;
    }
    return { k: 'int', v: r.value, t: r.type };
  }

  private sizeofExpr(e: Extract<Expr, { k: 'sizeof' }>, scope: Scope | undefined): Value {
    let type: CType | undefined;
    if (e.name !== undefined) {
      const cell = scope?.lookup(e.name) ?? this.instance.globals.get(e.name);
      if (cell !== undefined) type = this.cellType(cell);
    }
    if (type === undefined && e.type !== undefined) type = e.type;
    if (type === undefined && e.arg !== undefined) type = this.staticType(e.arg, scope);
    const size = type === undefined ? undefined : sizeOf(type);
    if (size === undefined) {
      this.note(`not simulated: sizeof(${type ? typeName(type) : '…'}) (structs are not modelled); taken as 0`);
      return intValue(0n, T.ulong);
    }
    return intValue(BigInt(size), T.ulong);
  }

  /** A cell's type with an array's actual length. */
  private cellType(cell: Cell): CType {
    if (cell.type.kind === 'array' && cell.value.k === 'ptr')
      return { kind: 'array', of: cell.type.of, length: cell.value.mem.length };
    return cell.type;
  }

  /** The type of an expression without evaluating it (what sizeof needs). */
  private staticType(e: Expr, scope: Scope | undefined): CType | undefined {
    switch (e.k) {
      case 'name': {
        const cell = scope?.lookup(e.name) ?? this.instance.globals.get(e.name);
        if (cell !== undefined) return this.cellType(cell);
        const v = this.name(e.name, e.line, scope);
        return v.k === 'int' ? v.t : undefined;
      }
      case 'const':
        return e.type;
      case 'string':
        return { kind: 'array', of: T.char, length: e.bytes.length + 1 };
      case 'cast':
        return e.type;
      case 'index':
      case 'deref': {
        const base = this.staticType(e.k === 'index' ? e.array : e.arg, scope);
        if (base?.kind === 'array') return base.of;
        if (base?.kind === 'pointer') return base.to;
        return undefined;
      }
      case 'address':
        return CHAR_POINTER;
      case 'binary': {
        if (isComparison(e.op) || e.op === '&&' || e.op === '||') return T.int;
        const l = this.staticType(e.left, scope);
        const r = this.staticType(e.right, scope);
        if (l?.kind === 'int' && r?.kind === 'int') {
          const x = arithmetic(e.op as ArithmeticOp, 0n, l, 1n, r);
          return 'type' in x ? x.type : l;
        }
        return l?.kind === 'pointer' ? l : r?.kind === 'pointer' ? r : undefined;
      }
      case 'unary':
        return T.int;
      default:
        return undefined;
    }
  }

  // ---- lvalues

  private lvalue(e: Expr, scope: Scope | undefined, evaluatedBase?: Value): Lvalue | undefined {
    switch (e.k) {
      case 'name': {
        const cell = scope?.lookup(e.name) ?? this.instance.globals.get(e.name);
        if (cell === undefined) {
          this.note(`not simulated: assignment to ${e.name} (${this.where(e.line)}), not a variable of the module`);
          return undefined;
        }
        return this.cellLvalue(cell);
      }
      case 'index': {
        const base = this.eval(e.array, scope);
        const index = this.toBig(this.eval(e.index, scope));
        return this.pointerLvalue(base, index, e);
      }
      case 'deref':
        return this.pointerLvalue(evaluatedBase ?? this.eval(e.arg, scope), 0n, e);
      case 'field': {
        const base = e.arrow ? this.eval(e.arg, scope) : undefined;
        let holder: Lvalue | undefined;
        if (e.arrow)
          holder =
            base?.k === 'ref'
              ? this.cellLvalue(base.cell)
              : base?.k === 'ptr'
                ? this.pointerLvalue(base, 0n, e)
                : undefined;
        else holder = this.lvalue(e.arg, scope);
        const current = holder?.get();
        if (holder === undefined || current?.k !== 'struct') {
          this.note(
            `not simulated: the field ${e.arrow ? '->' : '.'}${e.name} of a struct the simulator does not model; taken as 0`,
          );
          return undefined;
        }
        const fields = current.fields;
        const name = e.name;
        return {
          type: undefined,
          get: () => fields.get(name) ?? ZERO,
          set: (v) => {
            fields.set(name, v);
          },
          address: () => {
            const cell: Cell = { name, type: { kind: 'unknown', text: name }, value: fields.get(name) ?? ZERO };
            return {
              k: 'token',
              address: this.toBig({ k: 'ref', cell }),
              info: { from: `&…${e.arrow ? '->' : '.'}${name}` },
            };
          },
        };
      }
      default:
        this.note(`not simulated: assignment to an expression of kind ${e.k}`);
        return undefined;
    }
  }

  private cellLvalue(cell: Cell): Lvalue {
    return {
      type: cell.type,
      get: () => cell.value,
      set: (v) => {
        if (cell.type.kind === 'array') {
          this.note(`assignment to the array ${cell.name} is not C; ignored`);
          return;
        }
        cell.value = this.convert(v, cell.type);
      },
      address: () => (cell.type.kind === 'array' ? cell.value : { k: 'ref', cell }),
    };
  }

  private pointerLvalue(base: Value, index: bigint, e: Expr): Lvalue | undefined {
    if (base.k === 'ptr') {
      const mem = base.mem;
      const i = base.off + Number(index);
      const inBounds = i >= 0 && i < mem.length;
      return {
        type: mem.element,
        get: () => {
          if (inBounds) return mem.get(i);
          this.note(
            `out-of-bounds read of ${mem.label}[${i}] in ${this.currentFunction}(): the real kernel reads whatever is there; taken as 0`,
          );
          return zeroValue(mem.element);
        },
        set: (v) => {
          if (!inBounds) {
            this.note(
              `out-of-bounds write to ${mem.label}[${i}] in ${this.currentFunction}(): memory corruption on a real kernel; ignored`,
            );
            return;
          }
          if (mem.readOnly) {
            this.note(
              `write to ${mem.label} (read-only memory) in ${this.currentFunction}(): the real kernel oopses; ignored`,
            );
            return;
          }
          mem.set(i, this.convert(v, mem.element));
        },
        address: () => ({ k: 'ptr', mem, off: i }),
      };
    }
    if (base.k === 'ref' && index === 0n) return this.cellLvalue(base.cell);
    if (base.k === 'int' && base.v === 0n) {
      this.note(`NULL pointer dereference in ${this.currentFunction}(): the real kernel oopses here; taken as 0`);
      return undefined;
    }
    this.note(
      `not simulated: memory behind a pointer the simulator does not model (${e.k === 'index' ? 'p[i]' : '*p'} in ${this.currentFunction}()); reads are 0, writes ignored`,
    );
    return undefined;
  }

  private addressOf(e: Expr, scope: Scope | undefined): Value {
    if (e.k === 'name') {
      const cell = scope?.lookup(e.name) ?? this.instance.globals.get(e.name);
      if (cell !== undefined) return cell.type.kind === 'array' ? cell.value : { k: 'ref', cell };
      if (this.program.functions.has(e.name)) return { k: 'fn', name: e.name };
      return this.name(e.name, e.line, scope);
    }
    if (e.k === 'deref') return this.eval(e.arg, scope);
    const lv = this.lvalue(e, scope);
    if (lv !== undefined) return lv.address();
    return {
      k: 'token',
      address: this.services.allocate(8),
      info: { from: 'an address the simulator does not model' },
    };
  }

  // ---- calls

  private call(e: Extract<Expr, { k: 'call' }>, scope: Scope | undefined): Value {
    const callee = e.callee;
    if (callee.k !== 'name') {
      const target = this.eval(callee, scope);
      if (target.k === 'fn') return this.callByName(target.name, e, scope, true);
      this.note(
        `not simulated: a call through a pointer the simulator does not know (${this.where(e.line)}); taken to return 0`,
      );
      return ZERO;
    }
    const name = callee.name;
    const variable = scope?.lookup(name) ?? this.instance.globals.get(name);
    if (variable !== undefined) {
      if (variable.value.k === 'fn') return this.callByName(variable.value.name, e, scope, true);
      this.note(`not simulated: a call through ${name}, which holds no function of the module; taken to return 0`);
      return ZERO;
    }
    return this.callByName(name, e, scope, false);
  }

  private callByName(
    name: string,
    e: Extract<Expr, { k: 'call' }>,
    scope: Scope | undefined,
    viaPointer: boolean,
  ): Value {
    const own = this.program.functions.get(name);
    if (own !== undefined)
      return this.callFunction(
        own,
        e.args.map((a) => this.eval(a, scope)),
      );
    if (viaPointer) {
      this.note(`not simulated: a call through a pointer to ${name}(); taken to return 0`);
      return ZERO;
    }
    const macro = this.program.macros.get(name);
    if (macro?.params !== undefined && !this.expanding.has(name)) {
      const text = substitute(macro.value, macro.params, e.argTexts);
      if (text !== undefined) return this.expandMacro(name, text, scope, false);
      this.note(`not simulated: macro ${name}() (# or ## in its body); taken as 0`);
      return ZERO;
    }
    const printLevel = PRINTK_LEVELS[name.replace(/_(once|ratelimited)$/, '')];
    if (printLevel !== undefined || name === 'printk' || name === 'printk_once' || name === 'printk_ratelimited')
      return this.printkCall(name, printLevel, e, scope);
    const devLevel = DEV_LEVELS[name.replace(/_(once|ratelimited)$/, '')];
    if (devLevel !== undefined) return this.devPrintk(name, devLevel, e, scope);
    if (name === 'ARRAY_SIZE') return this.arraySize(e, scope);
    if (name === 'WARN_ON' || name === 'WARN_ON_ONCE' || name === 'WARN' || name === 'WARN_ONCE') {
      const v = e.args[0] ? this.eval(e.args[0], scope) : ZERO;
      if (truthy(v))
        this.note(
          `${name} fired in ${this.currentFunction}(): the real kernel prints a WARNING with a call trace here (not simulated)`,
        );
      return intValue(truthy(v) ? 1n : 0n);
    }
    if (name === 'BUG_ON' || name === 'BUG') {
      const v = name === 'BUG' || (e.args[0] !== undefined && truthy(this.eval(e.args[0], scope)));
      if (v)
        throw new StopRun(
          `${name} in ${this.currentFunction}(): the real kernel oopses here (kernel BUG); the simulation stops`,
        );
      return { k: 'void' };
    }
    const args = e.args.map((a, i) => (i === 0 && TYPE_FIRST.has(name) ? ZERO : this.eval(a, scope)));
    if (isHelper(name)) {
      const result = HELPERS[name]!(args, this.api());
      return 'says' in result ? result.value : result;
    }
    const exported = this.services.callExport(name, args);
    if (exported !== undefined) {
      for (const line of exported.printk) this.pushLine(line);
      for (const n of exported.notes ?? []) if (this.foreignNotes.size < 200) this.foreignNotes.add(n);
      if (exported.value !== undefined) return this.convert(exported.value, this.program.prototypes.get(name) ?? T.int);
    }
    if (isDefault(name)) {
      const result = DEFAULTS[name]!(args, this.api());
      const value = 'says' in result ? result.value : result;
      const says = 'says' in result ? result.says : 'return 0';
      this.note(`not simulated: ${name}() taken to ${says}`);
      return value;
    }
    const returns = this.program.prototypes.get(name);
    const returnsPointer = returns?.kind === 'pointer';
    this.note(
      `not simulated: ${name}() (${exported !== undefined ? 'a kernel export' : 'unknown to the simulator'}) taken to return ${returnsPointer ? 'a non-NULL pointer' : '0'}`,
    );
    return returnsPointer ? { k: 'token', address: this.services.allocate(64), info: { from: name } } : ZERO;
  }

  private arraySize(e: Extract<Expr, { k: 'call' }>, scope: Scope | undefined): Value {
    const arg = e.args[0];
    const type = arg === undefined ? undefined : this.staticType(arg, scope);
    if (type?.kind === 'array' && type.length !== undefined) return intValue(BigInt(type.length), T.ulong);
    this.note(`not simulated: ARRAY_SIZE(${e.argTexts[0] ?? ''}) of something not a known array; taken as 0`);
    return intValue(0n, T.ulong);
  }

  // ---- printk

  private printkCall(
    name: string,
    level: LogLevel | 'debug' | 'cont' | undefined,
    e: Extract<Expr, { k: 'call' }>,
    scope: Scope | undefined,
  ): Value {
    if (level === 'debug' && !this.program.macros.has('DEBUG')) return { k: 'void' };
    if (!this.onceAllows(name, e.line)) return { k: 'void' };
    let formatExprs: readonly Expr[] = e.args;
    // pr_*() pass their format through pr_fmt(), which a module may define before its #includes.
    const prFmt = this.program.macros.get('pr_fmt');
    if (
      name !== 'printk' &&
      !name.startsWith('printk_') &&
      level !== 'cont' &&
      prFmt?.params?.length === 1 &&
      e.argTexts[0] !== undefined
    ) {
      const text = substitute(prFmt.value, prFmt.params, [e.argTexts[0]]);
      const statements = text === undefined ? [] : this.program.snippet(text);
      const only = statements.length === 1 ? statements[0] : undefined;
      if (only?.k === 'expr') formatExprs = [...flattenComma(only.e), ...e.args.slice(1)];
      else this.note('pr_fmt(): its expansion is not an expression; the format is printed without it');
    }
    const values = formatExprs.map((a) => this.eval(a, scope));
    const raw = this.formatBytes(values[0], values.slice(1));
    let text = raw;
    let printLevel: LogLevel | 'cont' | undefined = level === 'debug' ? 7 : level;
    // printk_get_level: KERN_SOH and a level character (or 'c' for KERN_CONT), possibly repeated.
    while (text.length >= 2 && text[0] === '\x01') {
      const c = text[1]!;
      if (c >= '0' && c <= '7') printLevel ??= Number(c) as LogLevel;
      else if (c === 'c') printLevel = printLevel === undefined || printLevel === 'cont' ? 'cont' : printLevel;
      text = text.slice(2);
    }
    this.emit(printLevel ?? DEFAULT_MESSAGE_LOGLEVEL, text);
    return intValue(BigInt(raw.length));
  }

  private devPrintk(
    name: string,
    level: LogLevel | 'debug',
    e: Extract<Expr, { k: 'call' }>,
    scope: Scope | undefined,
  ): Value {
    if (level === 'debug' && !this.program.macros.has('DEBUG')) return { k: 'void' };
    if (!this.onceAllows(name, e.line)) return { k: 'void' };
    const values = e.args.map((a) => this.eval(a, scope));
    const device = values[0];
    let prefix: string;
    if (device === undefined || (device.k === 'int' && device.v === 0n)) prefix = '(NULL device *): ';
    else if (device.k === 'token' && device.info?.from === 'device_create')
      prefix = `${device.info.className ?? ''} ${device.info.name ?? ''}: `;
    else {
      this.note(
        `${name}(): the device's driver and name are not known to the simulator; printed without the "driver device: " prefix`,
      );
      prefix = '';
    }
    this.emit(level === 'debug' ? 7 : level, prefix + this.formatBytes(values[1], values.slice(2)));
    return { k: 'void' };
  }

  private onceAllows(name: string, line: number): boolean {
    if (!name.endsWith('_once')) return true;
    const key = `${this.currentFunction}:${line}:${name}`;
    if (this.instance.once.has(key)) return false;
    this.instance.once.add(key);
    return true;
  }

  private emit(level: LogLevel | 'cont', bytes: string): void {
    let text = bytes.length > PRINTK_TEXT_MAX ? bytes.slice(0, PRINTK_TEXT_MAX) : bytes;
    const open = !text.endsWith('\n');
    text = text.replace(/\n$/, '');
    const decoded = Buffer.from(text, 'latin1').toString('utf8');
    if (level === 'cont') {
      const last = this.printk[this.printk.length - 1];
      if (last !== undefined && this.lastOpen) {
        this.printk[this.printk.length - 1] = { level: last.level, text: last.text + decoded };
        this.lastOpen = open;
        return;
      }
      level = DEFAULT_MESSAGE_LOGLEVEL;
    }
    if (this.printk.length >= 10_000) {
      this.note('more than 10,000 printk lines in one entry point: the rest are dropped');
      return;
    }
    this.printk.push({ level, text: decoded });
    this.lastOpen = open;
  }

  private pushLine(line: PrintkLine): void {
    this.printk.push(line);
    this.lastOpen = false;
  }

  /** The formatted bytes (Latin-1 string of bytes). */
  private formatBytes(format: Value | undefined, args: readonly Value[]): string {
    const fmt = this.textOf(format);
    if (fmt === null || fmt === undefined) {
      this.note('printk with a format the simulator cannot read; nothing printed');
      return '';
    }
    const result = formatPrintf(
      fmt,
      args.map((a) => this.formatValue(a)),
      errnoSymbol,
    );
    for (const n of result.notes) this.note(`${this.currentFunction}(): ${n}`);
    return result.text;
  }

  private formatValue(value: Value): FormatValue {
    const int = this.toBig(value);
    switch (value.k) {
      case 'ptr':
        return { int, text: value.mem.cString(value.off) };
      case 'token':
        return { int, ...(value.errno !== undefined ? { errno: value.errno } : {}) };
      case 'fn': {
        const size = this.services.symbolSize(value.name);
        return {
          int,
          symbol: { name: value.name, ...(size !== undefined ? { size } : {}), module: this.services.moduleName },
        };
      }
      case 'int': {
        const v = BigInt.asIntN(64, value.v);
        return { int: value.v, ...(v < 0n && v >= -4095n ? { errno: Number(-v) } : {}) };
      }
      default:
        return { int };
    }
  }

  textOf(value: Value | undefined): string | null | undefined {
    if (value === undefined) return undefined;
    if (value.k === 'ptr') return value.mem.cString(value.off);
    if (value.k === 'int' && value.v === 0n) return null;
    return undefined;
  }

  // ---- the API host

  private apiHost: ApiHost | undefined;

  private api(): ApiHost {
    if (this.apiHost !== undefined) return this.apiHost;
    const byteWise = (pointer: Value | undefined) => (pointer?.k === 'ptr' ? pointer : undefined);
    this.apiHost = {
      moduleName: this.services.moduleName,
      devices: this.services.devices,
      printk: (level, text) => this.emit(level, text),
      int: (v) => this.toBig(v),
      text: (v) => this.textOf(v),
      token: (info: TokenInfo) => ({ k: 'token', address: this.services.allocate(64), info }),
      store: (pointer, value) => {
        if (pointer?.k === 'ref') {
          this.cellLvalue(pointer.cell).set(value);
          return true;
        }
        if (pointer?.k === 'ptr' && pointer.off >= 0 && pointer.off < pointer.mem.length && !pointer.mem.readOnly) {
          pointer.mem.set(pointer.off, this.convert(value, pointer.mem.element));
          return true;
        }
        this.note('not simulated: a kernel function writes through a pointer the simulator does not model');
        return false;
      },
      load: (pointer) => {
        if (pointer?.k === 'ref') return pointer.cell.value;
        if (pointer?.k === 'ptr' && pointer.off >= 0 && pointer.off < pointer.mem.length)
          return pointer.mem.get(pointer.off);
        return undefined;
      },
      writeString: (pointer, bytes, size) => {
        const p = byteWise(pointer);
        if (p === undefined || p.mem.readOnly) {
          this.note('not simulated: a string written to memory the simulator does not model');
          return false;
        }
        const room = Math.min(size, p.mem.length - p.off);
        if (room <= 0) return false;
        const n = Math.min(bytes.length, room - 1);
        for (let i = 0; i < n; i++)
          p.mem.set(p.off + i, this.convert(intValue(BigInt(bytes.charCodeAt(i)), T.char), p.mem.element));
        p.mem.set(p.off + n, zeroValue(p.mem.element));
        if (bytes.length + 1 > p.mem.length - p.off && size > p.mem.length - p.off)
          this.note(`a string overflows ${p.mem.label} (memory corruption on a real kernel); cut at its end`);
        return true;
      },
      fill: (pointer, byte, count) => {
        if (pointer?.k === 'ref') {
          const cell = pointer.cell;
          if (cell.value.k === 'struct' && byte === 0) cell.value.fields.clear();
          else if (cell.type.kind === 'int')
            cell.value = this.convert(intValue(repeatByte(byte, cell.type.bits / 8)), cell.type);
          return true;
        }
        const p = byteWise(pointer);
        if (p === undefined || p.mem.readOnly) {
          this.note('not simulated: memset of memory the simulator does not model');
          return false;
        }
        const size = sizeOf(p.mem.element) ?? 1;
        const elements = Math.min(Math.ceil(count / size), p.mem.length - p.off);
        if (elements > 1 << 20) this.note('memset of more than 2^20 elements: only the first 2^20 are set');
        const value = this.convert(intValue(repeatByte(byte, size)), p.mem.element);
        for (let i = 0; i < Math.min(elements, 1 << 20); i++) p.mem.set(p.off + i, value);
        return true;
      },
      copy: (destination, source, count) => {
        const d = byteWise(destination);
        const s = byteWise(source);
        if (d === undefined || s === undefined || d.mem.readOnly) {
          if (destination?.k === 'ref' && source?.k === 'ref') {
            destination.cell.value = this.convert(source.cell.value, destination.cell.type);
            return true;
          }
          this.note('not simulated: memcpy between memory the simulator does not model');
          return false;
        }
        const size = sizeOf(d.mem.element) ?? 1;
        const elements = Math.min(Math.ceil(count / size), d.mem.length - d.off, s.mem.length - s.off, 1 << 20);
        const copied: Value[] = [];
        for (let i = 0; i < elements; i++) copied.push(s.mem.get(s.off + i));
        copied.forEach((v, i) => d.mem.set(d.off + i, this.convert(v, d.mem.element)));
        return true;
      },
      format: (format, args) => this.formatBytes(format, args),
      note: (text) => this.note(text),
    };
    return this.apiHost;
  }
}

function repeatByte(byte: number, size: number): bigint {
  let v = 0n;
  for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(byte & 0xff);
  return v;
}

function isComparison(op: string): op is ComparisonOp {
  return op === '<' || op === '>' || op === '<=' || op === '>=' || op === '==' || op === '!=';
}

function isArithmetic(op: string): op is ArithmeticOp {
  return ['+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^'].includes(op);
}

function flattenComma(e: Expr): Expr[] {
  const out: Expr[] = [];
  let current = e;
  const rights: Expr[] = [];
  while (current.k === 'comma') {
    rights.unshift(current.right);
    current = current.left;
  }
  out.push(current, ...rights);
  return out;
}

/**
 * A function-like macro's body with its parameters replaced by the arguments' text (identifiers
 * only, outside string and character literals); `__VA_ARGS__` takes the rest, and `, ## __VA_ARGS__`
 * drops its comma when there is none. Undefined for `#` stringizing and other `##` pasting.
 */
export function substitute(body: string, params: readonly string[], args: readonly string[]): string | undefined {
  const variadic = params[params.length - 1] === '__VA_ARGS__';
  const fixed = variadic ? params.length - 1 : params.length;
  const values = new Map<string, string>();
  params.slice(0, fixed).forEach((p, i) => values.set(p, args[i] ?? ''));
  const rest = args.slice(fixed);
  if (variadic) values.set('__VA_ARGS__', rest.join(', '));
  let text = body.replace(/,\s*##\s*__VA_ARGS__/g, rest.length === 0 ? '' : ', __VA_ARGS__');
  if (/##|(^|[^'"])#\s*[A-Za-z_]/.test(text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""'))) return undefined;
  // Textual, as cpp does: no parentheses are added around arguments.
  text = text.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[A-Za-z_]\w*/g, (token) =>
    values.has(token) ? values.get(token)! : token,
  );
  return text;
}

export { Scope };
