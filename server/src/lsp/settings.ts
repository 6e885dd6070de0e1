import {
  DEFAULT_INPUT_LIMITS,
  DEFAULT_MAX_FILE_SIZE_MB,
  inputLimits,
  type InputLimits,
} from '../kernel/analysis/sourceInput';

/** The `lkm.*` settings the server reads, validated where they are read. */
export interface ServerSettings {
  readonly limits: InputLimits;
  /** `lkm.kernelHeaders`: a kernel build tree; empty means find one. */
  readonly kernelHeaders?: string;
}

export const DEFAULT_SETTINGS: ServerSettings = { limits: DEFAULT_INPUT_LIMITS };

/** Accepts whatever the client sent for the `lkm` section; bad values fall back to defaults. */
export function parseSettings(raw: unknown): ServerSettings {
  const section = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const maxFileSize = section['maxFileSize'];
  const megabytes =
    typeof maxFileSize === 'number' && Number.isFinite(maxFileSize) && maxFileSize > 0
      ? maxFileSize
      : DEFAULT_MAX_FILE_SIZE_MB;
  const headers = section['kernelHeaders'];
  return {
    limits: inputLimits(megabytes),
    ...(typeof headers === 'string' && headers.trim() !== '' ? { kernelHeaders: headers.trim() } : {}),
  };
}
