/**
 * How the Kernel Log channel writes kernel records and operations. Pure (no vscode), so the mapping
 * of the kernel's eight levels onto the channel's four is unit-tested.
 */
import type { KernelLogLevel, OperationResult } from '../../server/src/protocol/lkmProtocol';

export type ChannelLevel = 'error' | 'warn' | 'info' | 'debug';

/** emerg..err are errors, warning a warning, notice and info information, debug debug. */
export function channelLevel(level: KernelLogLevel): ChannelLevel {
  switch (level) {
    case 'emerg':
    case 'alert':
    case 'crit':
    case 'err':
      return 'error';
    case 'warning':
      return 'warn';
    case 'notice':
    case 'info':
      return 'info';
    case 'debug':
      return 'debug';
  }
}

/** An operation as a shell shows it: `$ insmod …`, its output, `[exit=N]` when it failed, then notes. */
export function operationTranscript(result: OperationResult): { level: ChannelLevel; text: string }[] {
  const lines: { level: ChannelLevel; text: string }[] = [{ level: 'info', text: `$ ${result.command}` }];
  for (const line of splitOutput(result.stdout)) lines.push({ level: 'info', text: line });
  for (const line of splitOutput(result.stderr)) lines.push({ level: result.ok ? 'warn' : 'error', text: line });
  if (!result.ok) lines.push({ level: 'error', text: `[exit=${result.exitCode}]` });
  // What the simulator approximated: worth a look when debugging, noise otherwise.
  for (const note of result.notes) lines.push({ level: 'debug', text: `note: ${note}` });
  return lines;
}

function splitOutput(text: string): string[] {
  const trimmed = text.replace(/\n+$/, '');
  return trimmed === '' ? [] : trimmed.split('\n');
}

/** The message of a failed operation: the advice (the kernel's words and what next), else stderr. */
export function failureMessage(result: OperationResult): string {
  const advice = result.advice?.trim();
  if (advice !== undefined && advice !== '') return advice;
  const stderr = result.stderr.trim();
  return stderr !== '' ? stderr : `${result.command} failed (exit ${result.exitCode})`;
}
