import { isIdentifier, stringLiteralValue, type TextSpan } from '../text/cLexing';
import type { LocatedInvocation } from './kernelModule';
import type { MacroInvocation } from './sourceFacts';

/** The parameter types kernel/params.c defines param_ops for. */
export const STANDARD_PARAMETER_TYPES = [
  'byte',
  'hexint',
  'short',
  'ushort',
  'int',
  'uint',
  'long',
  'ulong',
  'ullong',
  'charp',
  'bool',
  'invbool',
  'bint',
] as const;

export interface ModuleParameter {
  /** The name users give: `insmod params.ko count=3`. */
  readonly name: string;
  /** The C variable behind it. */
  readonly variable: string;
  /** `int`, `charp`, …; undefined for `module_param_cb` (its ops decide) and `module_param_string`. */
  readonly type?: string;
  readonly kind: 'scalar' | 'array' | 'string' | 'callback';
  readonly permissions: TextSpan;
  readonly declaration: LocatedInvocation;
  readonly descriptions: MacroInvocation[];
}

interface ParameterShape {
  readonly name: number;
  readonly variable: number;
  readonly type?: number;
  readonly permissions: number;
  readonly kind: ModuleParameter['kind'];
}

/** Where each macro keeps the name, the variable, the type and the permissions (include/linux/moduleparam.h). */
const SHAPES: Readonly<Record<string, ParameterShape>> = {
  module_param: { name: 0, variable: 0, type: 1, permissions: 2, kind: 'scalar' },
  module_param_unsafe: { name: 0, variable: 0, type: 1, permissions: 2, kind: 'scalar' },
  module_param_named: { name: 0, variable: 1, type: 2, permissions: 3, kind: 'scalar' },
  module_param_named_unsafe: { name: 0, variable: 1, type: 2, permissions: 3, kind: 'scalar' },
  module_param_array: { name: 0, variable: 0, type: 1, permissions: 3, kind: 'array' },
  module_param_array_named: { name: 0, variable: 1, type: 2, permissions: 4, kind: 'array' },
  module_param_string: { name: 0, variable: 1, permissions: 3, kind: 'string' },
  module_param_cb: { name: 0, variable: 0, permissions: 3, kind: 'callback' },
  module_param_cb_unsafe: { name: 0, variable: 0, permissions: 3, kind: 'callback' },
  module_param_hw: { name: 0, variable: 0, type: 1, permissions: 3, kind: 'scalar' },
  module_param_hw_named: { name: 0, variable: 1, type: 2, permissions: 4, kind: 'scalar' },
  module_param_hw_array: { name: 0, variable: 0, type: 1, permissions: 4, kind: 'array' },
};

export function readParameter(declaration: LocatedInvocation): ModuleParameter | undefined {
  const shape = SHAPES[declaration.invocation.name];
  if (shape === undefined) return undefined;
  const args = declaration.invocation.args;
  const name = args[shape.name]?.text;
  const variable = args[shape.variable]?.text;
  const permissions = args[shape.permissions];
  const type = shape.type === undefined ? undefined : args[shape.type]?.text;
  if (name === undefined || variable === undefined || permissions === undefined || !isIdentifier(name))
    return undefined;
  return {
    name,
    variable,
    ...(type !== undefined ? { type } : {}),
    kind: shape.kind,
    permissions,
    declaration,
    descriptions: [],
  };
}

/** The text of a MODULE_PARM_DESC's description, if it is a literal. */
export function descriptionText(description: MacroInvocation): string | undefined {
  const text = description.args[1]?.text;
  return text === undefined ? undefined : stringLiteralValue(text);
}

const PERMISSION_MACROS: Readonly<Record<string, number>> = {
  S_IRWXU: 0o700,
  S_IRUSR: 0o400,
  S_IWUSR: 0o200,
  S_IXUSR: 0o100,
  S_IRWXG: 0o070,
  S_IRGRP: 0o040,
  S_IWGRP: 0o020,
  S_IXGRP: 0o010,
  S_IRWXO: 0o007,
  S_IROTH: 0o004,
  S_IWOTH: 0o002,
  S_IXOTH: 0o001,
  S_IRWXUGO: 0o777,
  S_IALLUGO: 0o7777,
  S_IRUGO: 0o444,
  S_IWUGO: 0o222,
  S_IXUGO: 0o111,
};

/** Evaluates `0644`, `S_IRUGO | S_IWUSR` and the like; undefined for anything else. */
export function permissionValue(expression: string): number | undefined {
  const terms = expression
    .replace(/[()]/g, '')
    .split('|')
    .map((t) => t.trim());
  let value = 0;
  for (const term of terms) {
    if (/^0[0-7]*$/.test(term)) value |= parseInt(term, 8);
    else if (/^[1-9]\d*$/.test(term)) value |= parseInt(term, 10);
    else if (PERMISSION_MACROS[term] !== undefined) value |= PERMISSION_MACROS[term];
    else return undefined;
  }
  return value;
}
