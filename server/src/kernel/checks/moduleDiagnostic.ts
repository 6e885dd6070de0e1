import type { Diagnostic } from './diagnostic';

/** A module-level check can report into any of the module's files. */
export interface ModuleDiagnostic {
  readonly path: string;
  readonly diagnostic: Diagnostic;
}
