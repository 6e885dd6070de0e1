/** What the module tools share: their output, and reaching the kernel's system calls through the machine. */
import { ERRNO } from './errno';
import { loadModule, type LoadInput } from './loader';
import type { Machine } from './machine';
import { deleteModule } from './unloader';

export interface ToolOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exit: number;
}

export class Output {
  stdout = '';
  stderr = '';
  out(text: string): void {
    this.stdout += text;
  }
  err(text: string): void {
    this.stderr += text;
  }
  done(exit: number): ToolOutput {
    return { stdout: this.stdout, stderr: this.stderr, exit };
  }
}

/** What a path holds for the loader: a file to read (finit_module), a source module, or nothing. */
export function loadInputOf(machine: Machine, path: string): LoadInput | undefined {
  const file = machine.file(path);
  if (file === undefined) return undefined;
  if (file.kind === 'source-module') return { kind: 'module', module: file.module };
  if (file.kind === 'text') return { kind: 'image', bytes: new TextEncoder().encode(file.text), path };
  return {
    kind: 'image',
    bytes: file.bytes,
    path,
    ...(file.sourceDir !== undefined ? { sourceDir: file.sourceDir } : {}),
  };
}

export function fileSize(machine: Machine, path: string): number {
  const file = machine.file(path);
  if (file === undefined) return 0;
  if (file.kind === 'bytes') return file.bytes.length;
  if (file.kind === 'text') return new TextEncoder().encode(file.text).length;
  return Number.MAX_SAFE_INTEGER;
}

/** Whether the file starts like an ELF object (what busybox's mmap path checks before init_module). */
export function looksElf(machine: Machine, path: string): boolean {
  const file = machine.file(path);
  if (file === undefined) return false;
  if (file.kind === 'source-module') return true;
  const bytes = file.kind === 'bytes' ? file.bytes : new TextEncoder().encode(file.text);
  return bytes.length >= 52 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** init_module/finit_module on the machine's kernel; the errno (0 on success). */
export function initModule(machine: Machine, input: LoadInput, args: string): number {
  return loadModule(machine.kernel, input, args).errno;
}

/** delete_module(name, O_NONBLOCK [| O_TRUNC]). */
export function removeModule(machine: Machine, name: string, force: boolean): number {
  return deleteModule(machine.kernel, name, { force });
}

export function isLoaded(machine: Machine, name: string): boolean {
  const m = machine.kernel.find(name);
  return m !== undefined && m.state !== 'unformed';
}

export { ERRNO };
