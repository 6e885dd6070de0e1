import { START_OF_FILE, type Diagnostic } from '../checks/diagnostic';

/** What to report when analysing a file failed: the run goes on, and the user learns why. */
export function analysisFailed(error: unknown): Diagnostic {
  return {
    range: START_OF_FILE,
    severity: 'error',
    code: 'analysis-failed',
    source: 'lkm',
    message: `internal error while analysing this file, please report it: ${error instanceof Error ? error.message : String(error)}`,
  };
}
