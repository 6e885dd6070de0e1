/**
 * A module image the Linux 6.1 loader refuses. `kernelMessage` is what the kernel logs (as dmesg
 * shows it) and `errno` what init_module/finit_module return; insmod says "Invalid module format".
 * The message puts the kernel's words first, then one plain sentence on what they mean.
 */
export class ModuleImageError extends Error {
  override readonly name = 'ModuleImageError';
  readonly errno = 'ENOEXEC' as const;

  constructor(
    readonly kernelMessage: string,
    explanation: string,
    options?: { cause: unknown },
  ) {
    super(`${kernelMessage} — ${explanation}`, options);
  }
}

/** The plain sentence every refusal ends with: what the user sees and that nothing was loaded. */
export const REFUSED = 'the kernel refuses to load it and insmod reports "Invalid module format" (ENOEXEC).';
