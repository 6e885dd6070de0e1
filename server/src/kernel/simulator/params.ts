/**
 * Module parameters as Linux 6.1's kernel/params.c handles them: parse_args/next_arg splitting
 * (double quotes), the standard param_ops (kstrto* with base 0, a single trailing newline allowed),
 * bool/invbool/bint, charp (at most 1024 characters), module_param_string (buffer size) and arrays
 * (comma-separated, at most `max` elements). Values are kept as the parameter's get() prints them.
 */
import { ERRNO } from './errno';
import { KERN, type LogLevel } from './kernelLog';
import type { LoadableParameter, ParameterType } from './loadableModule';

export interface ParameterValue {
  readonly parameter: LoadableParameter;
  /** Elements as get() prints them (one for a scalar). */
  elements: string[];
}

export interface ParamMessage {
  readonly level: LogLevel;
  readonly text: string;
}

export interface SetResult {
  readonly errno: number;
  readonly messages: readonly ParamMessage[];
}

export function initialValues(parameters: readonly LoadableParameter[]): Map<string, ParameterValue> {
  const values = new Map<string, ParameterValue>();
  for (const parameter of parameters) {
    const elements = parameter.initial.length > 0 ? [...parameter.initial] : defaultElements(parameter);
    values.set(parameter.name, { parameter, elements });
  }
  return values;
}

function defaultElements(parameter: LoadableParameter): string[] {
  // An array's elements are zeroed; the count variable, when there is one, is 0.
  if (parameter.array)
    return parameter.array.fixed === true
      ? new Array<string>(parameter.array.max).fill(zeroElement(parameter.type))
      : [];
  return [zeroElement(parameter.type)];
}

/** A zeroed value as the type's get() prints it (a NULL charp prints "(null)"). */
export function zeroElement(type: ParameterType): string {
  switch (type) {
    case 'charp':
      return '(null)';
    case 'string':
    case 'unknown':
      return '';
    case 'bool':
    case 'bint':
      return 'N';
    case 'invbool':
      return 'Y';
    case 'hexint':
      return '00000000';
    default:
      return '0';
  }
}

/** What the parameter's sysfs file reads: get() output, always ending in a newline. */
export function getParameter(value: ParameterValue): string {
  return `${value.elements.join(',')}\n`;
}

const isSpace = (c: string | undefined) => c !== undefined && /[ \t\n\v\f\r]/.test(c);

export interface NextArg {
  readonly param: string;
  readonly val: string | undefined;
  readonly rest: string;
}

/** next_arg: one `param[=val]`, honouring double quotes, as the kernel splits module arguments. */
export function nextArg(args: string): NextArg {
  let i: number;
  let equals = 0;
  let inQuote = false;
  let quoted = false;
  let start = 0;
  if (args[0] === '"') {
    start = 1;
    inQuote = true;
    quoted = true;
  }
  const text = args.slice(start);
  for (i = 0; i < text.length; i++) {
    const c = text[i];
    if (isSpace(c) && !inQuote) break;
    if (equals === 0 && c === '=') equals = i;
    if (c === '"') inQuote = !inQuote;
  }
  const word = text.slice(0, i);
  let rest = text.slice(i < text.length ? i + 1 : i);
  let param: string;
  let val: string | undefined;
  // The kernel writes NULs into the buffer; the same cuts are made on the word here.
  let end = word.length;
  if (quoted && i > 0 && word[i - 1] === '"') end = i - 1;
  if (equals === 0) {
    param = word.slice(0, end);
    val = undefined;
  } else {
    param = word.slice(0, equals);
    let valStart = equals + 1;
    let valEnd = end;
    if (word[valStart] === '"') {
      valStart++;
      if (word[i - 1] === '"') valEnd = Math.min(valEnd, i - 1);
    }
    val = word.slice(valStart, Math.max(valStart, valEnd));
  }
  rest = rest.replace(/^[ \t\n\v\f\r]+/, '');
  return { param, val, rest };
}

/** parameq: `-` and `_` are the same in parameter names. */
export function parameterNamesEqual(a: string, b: string): boolean {
  return a.replace(/-/g, '_') === b.replace(/-/g, '_');
}

type IntegerResult = { value: bigint } | { errno: number };

/** _kstrtoull with base 0 (0x → 16, leading 0 → 8), one trailing newline allowed. */
function kstrtoullBase0(s: string): IntegerResult {
  let text = s;
  let base = 10;
  if (text[0] === '0') {
    if ((text[1] === 'x' || text[1] === 'X') && /[0-9a-fA-F]/.test(text[2] ?? '')) {
      base = 16;
      text = text.slice(2);
    } else base = 8;
  }
  let value = 0n;
  let digits = 0;
  let overflow = false;
  for (; digits < text.length; digits++) {
    const c = text[digits]!.toLowerCase();
    const d = /[0-9]/.test(c) ? c.charCodeAt(0) - 48 : /[a-f]/.test(c) ? c.charCodeAt(0) - 87 : 99;
    if (d >= base) break;
    value = value * BigInt(base) + BigInt(d);
    if (value >= 1n << 64n) overflow = true;
  }
  if (overflow) return { errno: ERRNO.ERANGE };
  if (digits === 0) return { errno: ERRNO.EINVAL };
  let rest = text.slice(digits);
  if (rest[0] === '\n') rest = rest.slice(1);
  if (rest !== '') return { errno: ERRNO.EINVAL };
  return { value };
}

function kstrtoull(s: string): IntegerResult {
  return kstrtoullBase0(s[0] === '+' ? s.slice(1) : s);
}

function kstrtoll(s: string): IntegerResult {
  if (s[0] === '-') {
    const r = kstrtoullBase0(s.slice(1));
    if ('errno' in r) return r;
    if (r.value > 1n << 63n) return { errno: ERRNO.ERANGE };
    return { value: -r.value };
  }
  const r = kstrtoull(s);
  if ('errno' in r) return r;
  if (r.value >= 1n << 63n) return { errno: ERRNO.ERANGE };
  return r;
}

const RANGES: Partial<Record<ParameterType, { signed: boolean; bits: number }>> = {
  byte: { signed: false, bits: 8 },
  short: { signed: true, bits: 16 },
  ushort: { signed: false, bits: 16 },
  int: { signed: true, bits: 32 },
  uint: { signed: false, bits: 32 },
  hexint: { signed: false, bits: 32 },
  long: { signed: true, bits: 64 },
  ulong: { signed: false, bits: 64 },
  ullong: { signed: false, bits: 64 },
};

/** kstrtobool as 6.1 has it: y/Y/1, n/N/0, on/off. */
function kstrtobool(s: string): boolean | undefined {
  switch (s[0]) {
    case 'y':
    case 'Y':
    case '1':
      return true;
    case 'n':
    case 'N':
    case '0':
      return false;
    case 'o':
    case 'O':
      if (s[1] === 'n' || s[1] === 'N') return true;
      if (s[1] === 'f' || s[1] === 'F') return false;
      return undefined;
    default:
      return undefined;
  }
}

/** Types whose ops accept a parameter without `=value` (KERNEL_PARAM_OPS_FL_NOARG). */
function takesNoArgument(type: ParameterType): boolean {
  return type === 'bool' || type === 'invbool' || type === 'bint';
}

interface ElementResult {
  readonly errno: number;
  readonly element?: string;
  readonly messages?: ParamMessage[];
}

/** One element's set(): 0 and the value as get() will print it, or an errno. */
function setElement(parameter: LoadableParameter, val: string | undefined): ElementResult {
  const type = parameter.type;
  const range = RANGES[type];
  if (range !== undefined) {
    if (val === undefined) return { errno: ERRNO.EINVAL };
    const r = range.signed ? kstrtoll(val) : kstrtoull(val);
    if ('errno' in r) return { errno: r.errno };
    const limit = 1n << BigInt(range.bits - (range.signed ? 1 : 0));
    if (range.signed ? r.value < -limit || r.value >= limit : r.value >= limit) return { errno: ERRNO.ERANGE };
    if (type === 'hexint') {
      // "%#08x": 0x and at least 6 digits; # adds nothing to a zero.
      return { errno: 0, element: r.value === 0n ? '00000000' : `0x${r.value.toString(16).padStart(6, '0')}` };
    }
    return { errno: 0, element: r.value.toString() };
  }
  switch (type) {
    case 'bool':
    case 'bint':
    case 'invbool': {
      // param_set_invbool stores the inverse and param_get_invbool prints the inverse of what is
      // stored, so an invbool reads back as it was written.
      const b = kstrtobool(val ?? '1');
      if (b === undefined) return { errno: ERRNO.EINVAL };
      return { errno: 0, element: b ? 'Y' : 'N' };
    }
    case 'charp':
      if (val === undefined) return { errno: ERRNO.EINVAL };
      if (val.length > 1024) return { errno: ERRNO.ENOSPC };
      return { errno: 0, element: val };
    case 'string': {
      if (val === undefined) return { errno: ERRNO.EINVAL };
      const maxLength = parameter.maxLength ?? 1024;
      if (new TextEncoder().encode(val).length + 1 > maxLength) {
        return {
          errno: ERRNO.ENOSPC,
          messages: [{ level: KERN.ERR, text: `${parameter.name}: string doesn't fit in ${maxLength - 1} chars.` }],
        };
      }
      return { errno: 0, element: val };
    }
    default:
      // A module_param_cb with ops of its own: whatever it accepts is not known; take the text.
      return { errno: 0, element: val ?? '' };
  }
}

/** ops->set for the whole parameter (param_array for arrays), updating `value` as the kernel does. */
export function setParameter(value: ParameterValue, val: string | undefined): SetResult {
  const parameter = value.parameter;
  if (val === undefined && !takesNoArgument(parameter.type)) return { errno: ERRNO.EINVAL, messages: [] };
  if (parameter.array === undefined) {
    const r = setElement(parameter, val);
    if (r.errno === 0 && r.element !== undefined) value.elements = [r.element];
    return { errno: r.errno, messages: r.messages ?? [] };
  }
  // param_array: elements are set in place as they parse; the count is what was reached. Without a
  // count variable (num NULL) the count goes to a temporary and get() prints all `max` elements.
  const max = parameter.array.max;
  const keep = (count: number) => (parameter.array?.fixed === true ? elements : elements.slice(0, count));
  const messages: ParamMessage[] = [];
  const elements = [...value.elements];
  let count = 0;
  let rest = val ?? '';
  for (;;) {
    if (count === max) {
      messages.push({ level: KERN.ERR, text: `${parameter.name}: can only take ${max} arguments` });
      value.elements = keep(count);
      return { errno: ERRNO.EINVAL, messages };
    }
    const comma = rest.indexOf(',');
    const item = comma === -1 ? rest : rest.slice(0, comma);
    const r = setElement(parameter, item);
    if (r.messages) messages.push(...r.messages);
    if (r.errno !== 0) {
      value.elements = keep(count);
      return { errno: r.errno, messages };
    }
    elements[count] = r.element ?? '';
    count++;
    if (comma === -1) break;
    rest = rest.slice(comma + 1);
  }
  value.elements = keep(count);
  return { errno: 0, messages };
}

export interface ParseArgsResult {
  /** The last error's errno (parse_args goes on after an error), 0 when all went well. */
  readonly errno: number;
  readonly messages: readonly ParamMessage[];
}

/**
 * parse_args for a module being loaded (load_module's call, with unknown_module_param_cb): every
 * argument is tried; errors are logged and the last one is returned; unknown ones are ignored with
 * a warning (`dyndbg` and `async_probe` silently).
 */
export function parseModuleArgs(
  moduleName: string,
  args: string,
  values: ReadonlyMap<string, ParameterValue>,
): ParseArgsResult {
  const messages: ParamMessage[] = [];
  let errno = 0;
  let rest = args.replace(/^[ \t\n\v\f\r]+/, '');
  while (rest !== '') {
    const next = nextArg(rest);
    rest = next.rest;
    const { param } = next;
    let val = next.val;
    if (val === undefined && param === '--') {
      if (rest !== '')
        messages.push({ level: KERN.WARNING, text: `${moduleName}: parameters '${rest}' after \`--' ignored` });
      break;
    }
    const target = [...values.values()].find((v) => parameterNamesEqual(v.parameter.name, param));
    let ret: number;
    if (target === undefined) {
      if (param !== 'async_probe' && param !== 'dyndbg' && !param.startsWith('dyndbg'))
        messages.push({ level: KERN.WARNING, text: `${moduleName}: unknown parameter '${param}' ignored` });
      ret = 0;
    } else {
      const r = setParameter(target, val);
      messages.push(...r.messages);
      ret = r.errno;
      // param_array cuts the value at its first comma in place, so that is what the error shows.
      if (ret !== 0 && target.parameter.array !== undefined && val !== undefined) val = val.split(',')[0];
    }
    if (ret === 0) continue;
    if (ret === ERRNO.ENOENT) messages.push({ level: KERN.ERR, text: `${moduleName}: Unknown parameter \`${param}'` });
    else if (ret === ERRNO.ENOSPC)
      messages.push({ level: KERN.ERR, text: `${moduleName}: \`${val ?? ''}' too large for parameter \`${param}'` });
    else messages.push({ level: KERN.ERR, text: `${moduleName}: \`${val ?? ''}' invalid for parameter \`${param}'` });
    errno = ret;
  }
  return { errno, messages };
}

/** The sysfs file mode of a parameter (perm), or undefined when it has no file (perm 0). */
export function parameterFileMode(parameter: LoadableParameter): number | undefined {
  return parameter.perm === 0 ? undefined : parameter.perm & 0o777;
}
