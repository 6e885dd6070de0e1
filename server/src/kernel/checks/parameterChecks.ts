import type { KernelModule } from '../model/kernelModule';
import { STANDARD_PARAMETER_TYPES, permissionValue, type ModuleParameter } from '../model/moduleParameters';
import { kernelMessage, type Diagnostic } from './diagnostic';
import type { ModuleDiagnostic } from './moduleDiagnostic';

/**
 * include/linux/moduleparam.h refuses, at build time, parameter types without param_ops and
 * permissions that VERIFY_OCTAL_PERMISSIONS rejects. A missing MODULE_PARM_DESC is only a hint.
 */
export function checkParameters(module: KernelModule, knowsName: (name: string) => boolean): ModuleDiagnostic[] {
  const found: ModuleDiagnostic[] = [];
  for (const parameter of module.parameters) {
    const { source } = parameter.declaration;
    const push = (diagnostic: Diagnostic): void => void found.push({ path: source.path, diagnostic });
    const typeProblem = unknownType(module, parameter, knowsName);
    if (typeProblem) push(typeProblem);
    const permissionProblem = badPermissions(parameter);
    if (permissionProblem) push(permissionProblem);
    if (parameter.descriptions.length === 0) push(missingDescription(parameter));
  }
  return found;
}

function unknownType(
  module: KernelModule,
  parameter: ModuleParameter,
  knowsName: (name: string) => boolean,
): Diagnostic | undefined {
  const type = parameter.type;
  if (type === undefined || (STANDARD_PARAMETER_TYPES as readonly string[]).includes(type)) return undefined;
  // A module (or a header) may define its own type: param_ops_<type> and param_check_<type>.
  const ops = `param_ops_${type}`;
  const check = `param_check_${type}`;
  if ([ops, check].some((n) => module.definedNames.has(n) || module.macroDefinedNames.has(n) || knowsName(n))) {
    return undefined;
  }
  const { source, invocation } = parameter.declaration;
  const typeArgument = invocation.args.find((a) => a.text === type)!;
  return {
    range: source.lines.rangeOf(typeArgument.start, typeArgument.end),
    severity: 'error',
    code: 'invalid-param',
    source: 'lkm',
    message: kernelMessage(
      `'${ops}' undeclared`,
      `'${type}' is not a module parameter type: use one of ${STANDARD_PARAMETER_TYPES.join(', ')}, or define ${ops} and ${check} for a type of your own.`,
    ),
  };
}

/** The rules of VERIFY_OCTAL_PERMISSIONS (include/linux/kernel.h), checked at build time. */
function permissionRule(mode: number): string | undefined {
  if (mode < 0 || mode > 0o777) return 'it is not a valid mode (0 to 0777)';
  if ((mode & 0o002) !== 0) return 'it is world-writable';
  if (((mode >> 6) & 4) < ((mode >> 3) & 4)) return 'the group may read it but its owner may not';
  if (((mode >> 3) & 4) < (mode & 4)) return 'others may read it but its group may not';
  if (((mode >> 6) & 2) < ((mode >> 3) & 2)) return 'the group may write it but its owner may not';
  return undefined;
}

function badPermissions(parameter: ModuleParameter): Diagnostic | undefined {
  const mode = permissionValue(parameter.permissions.text);
  if (mode === undefined) return undefined;
  const rule = permissionRule(mode);
  if (rule === undefined) return undefined;
  const { source } = parameter.declaration;
  const octal = `0${mode.toString(8)}`;
  const safer = ((mode & ~0o022) | ((mode & 0o444) !== 0 ? 0o444 : 0)) & 0o755;
  const replacement = `0${safer.toString(8).padStart(3, '0')}`;
  const range = source.lines.rangeOf(parameter.permissions.start, parameter.permissions.end);
  return {
    range,
    severity: 'error',
    code: 'invalid-param',
    source: 'lkm',
    message: kernelMessage(
      "negative width in bit-field '<anonymous>'",
      `the build stops in VERIFY_OCTAL_PERMISSIONS: parameter '${parameter.name}' has mode ${octal}, and ${rule}; module parameters under /sys/module/ may not be. Use ${replacement}.`,
    ),
    fixes: [{ title: `Use ${replacement}`, preferred: true, edits: [{ range, newText: replacement }] }],
  };
}

function missingDescription(parameter: ModuleParameter): Diagnostic {
  const { source, invocation } = parameter.declaration;
  const at = source.lines.positionAt(invocation.end);
  const kind = parameter.type ?? parameter.kind;
  return {
    range: source.lines.rangeOf(invocation.args[0]!.start, invocation.args[0]!.end),
    severity: 'hint',
    code: 'invalid-param',
    source: 'lkm',
    message: `parameter '${parameter.name}' has no MODULE_PARM_DESC() — modinfo shows it without a description, so users cannot tell what it does.`,
    fixes: [
      {
        title: `Add MODULE_PARM_DESC(${parameter.name}, …)`,
        preferred: true,
        edits: [
          {
            range: { start: at, end: at },
            newText: `\nMODULE_PARM_DESC(${parameter.name}, "${parameter.name} (${kind})");`,
          },
        ],
      },
    ],
  };
}
