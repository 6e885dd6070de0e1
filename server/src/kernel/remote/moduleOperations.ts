/**
 * insmod, rmmod and modprobe on the target, with every word quoted for its shell and every
 * parameter encoded for the kernel's argument parser: a value reaches the kernel as written, and
 * nothing else runs. The tools are the target's own (kmod's, usually).
 */
import { privileged, type Privilege } from './privilege';
import { checkModuleName, moduleParameterWords, shellCommand, type ModuleParameters } from './shellQuote';
import type { CommandOptions, SshRunner } from './sshRunner';

/** What a tool printed and its exit status: the simulator's ToolOutput. */
export interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exit: number;
}

export interface ModuleTools {
  readonly insmod: string;
  readonly rmmod: string;
  readonly modprobe: string;
  readonly lsmod: string;
}

export const DEFAULT_TOOLS: ModuleTools = { insmod: 'insmod', rmmod: 'rmmod', modprobe: 'modprobe', lsmod: 'lsmod' };

export function insmodCommand(tools: ModuleTools, remotePath: string, parameters?: ModuleParameters): string {
  return shellCommand([tools.insmod, remotePath, ...moduleParameterWords(parameters)]);
}

export function rmmodCommand(tools: ModuleTools, name: string, options: { readonly force?: boolean } = {}): string {
  return shellCommand([tools.rmmod, ...(options.force ? ['-f'] : []), checkModuleName(name)]);
}

export function modprobeCommand(
  tools: ModuleTools,
  name: string,
  options: { readonly remove?: boolean; readonly parameters?: ModuleParameters } = {},
): string {
  return shellCommand([
    tools.modprobe,
    ...(options.remove ? ['-r'] : []),
    checkModuleName(name),
    ...(options.remove ? [] : moduleParameterWords(options.parameters)),
  ]);
}

async function tool(
  runner: SshRunner,
  privilege: Privilege,
  command: string,
  options: CommandOptions,
): Promise<ToolResult> {
  const r = await runner.run(privileged(privilege, command), options);
  return { stdout: r.stdout, stderr: r.stderr, exit: r.exit };
}

export function insmod(
  runner: SshRunner,
  privilege: Privilege,
  tools: ModuleTools,
  remotePath: string,
  parameters?: ModuleParameters,
  options: CommandOptions = {},
): Promise<ToolResult> {
  return tool(runner, privilege, insmodCommand(tools, remotePath, parameters), options);
}

export function rmmod(
  runner: SshRunner,
  privilege: Privilege,
  tools: ModuleTools,
  name: string,
  force = false,
  options: CommandOptions = {},
): Promise<ToolResult> {
  return tool(runner, privilege, rmmodCommand(tools, name, { force }), options);
}

export function modprobe(
  runner: SshRunner,
  privilege: Privilege,
  tools: ModuleTools,
  name: string,
  modprobeOptions: { readonly remove?: boolean; readonly parameters?: ModuleParameters } = {},
  options: CommandOptions = {},
): Promise<ToolResult> {
  return tool(runner, privilege, modprobeCommand(tools, name, modprobeOptions), options);
}
