/**
 * What Load Module shows of a module's parameters and how it turns answers into `name=value`
 * words. Pure (no vscode), so it is unit-tested; the kernel's own check of the values is the
 * server's (CheckParametersRequest), never repeated here.
 */
import type { ModuleParameterInfo, ParameterProblem } from '../../server/src/protocol/lkmProtocol';

/** One line of facts: `int, default 3, sysfs 0644`. */
export function parameterFacts(parameter: ModuleParameterInfo): string {
  const facts = [parameter.type];
  if (parameter.default !== undefined) facts.push(`default ${parameter.default === '' ? '""' : parameter.default}`);
  if (parameter.permissions !== '0000') facts.push(`sysfs ${parameter.permissions}`);
  return facts.join(', ');
}

/** The quick-pick row of a parameter. */
export function parameterPickItem(parameter: ModuleParameterInfo): {
  label: string;
  description: string;
  detail?: string;
} {
  const item = { label: parameter.name, description: parameterFacts(parameter) };
  return parameter.description === undefined ? item : { ...item, detail: parameter.description };
}

/** The input box's prompt: the description, then type and default. */
export function parameterPrompt(parameter: ModuleParameterInfo): string {
  const facts = parameterFacts(parameter);
  return parameter.description === undefined
    ? `${parameter.name} (${facts})`
    : `${parameter.name}: ${parameter.description} (${facts})`;
}

/**
 * The word insmod passes: `name=value`. A value with blanks is quoted as the kernel's parse_args
 * expects (`name="a b"`), since the kernel splits its argument string at blanks outside quotes.
 */
export function parameterWord(name: string, value: string): string {
  return /\s/.test(value) && !/^".*"$/.test(value) ? `${name}="${value}"` : `${name}=${value}`;
}

/** What the editor refuses before asking the kernel: only what no kernel could take. */
export function localValueProblem(value: string): string | undefined {
  if (/[\r\n]/.test(value)) return 'a parameter value cannot span lines';
  if (value.includes('"') && !/^"[^"]*"$/.test(value)) return 'a double quote may only surround the whole value';
  return undefined;
}

/** The problems the server found, one line each, in the kernel's words. */
export function describeParameterProblems(problems: readonly ParameterProblem[]): string {
  return problems.map((problem) => `${problem.word}: ${problem.message}`).join('\n');
}
