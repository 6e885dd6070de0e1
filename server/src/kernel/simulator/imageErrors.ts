import type { ModuleImageError } from '../elf/moduleImage';
import { KERN, type LogLevel } from './kernelLog';

/**
 * The printk level of an ELF refusal: setup_load_info's "No module found in object" and "module has
 * no symbols (stripped?)" are pr_warn; elf_validity_check's are pr_err.
 */
export function readModuleImageErrorLevel(error: ModuleImageError): LogLevel {
  return /No module found in object$|module has no symbols \(stripped\?\)$/.test(error.kernelMessage)
    ? KERN.WARNING
    : KERN.ERR;
}
