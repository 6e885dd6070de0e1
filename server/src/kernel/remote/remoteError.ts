/**
 * What can go wrong with a remote target, one code each, so that callers (the CLI, the editor) can
 * react without reading messages. Every message names the host and says what to do next.
 */
export type RemoteErrorCode =
  /** Nothing listens (connection refused), no route, or the name does not resolve. */
  | 'host-down'
  /** The TCP connection or the ssh handshake did not finish within the connect timeout. */
  | 'connect-timeout'
  /** The server refused every key (BatchMode: no password is ever asked), or the host key is wrong. */
  | 'auth-refused'
  /** The connection broke during an operation: the target rebooted, crashed or the network went. */
  | 'connection-lost'
  /** A command ran longer than its timeout and was stopped. */
  | 'command-timeout'
  /** The caller's AbortSignal fired. */
  | 'cancelled'
  /** Not root, and no usable `sudo -n`. */
  | 'no-privilege'
  /** `sudo` wants a password; lkm never asks for one or stores one. */
  | 'password-required'
  /** The .ko was built for another kernel release than the target runs. */
  | 'version-mismatch'
  /** The .ko cannot be read, or is not a kernel module. */
  | 'bad-module'
  /** A file could not be written on the target because its file system is full. */
  | 'disk-full'
  /** No upload method worked (sftp, scp, cat). */
  | 'upload-failed'
  /** A parameter value the kernel's argument parser cannot receive exactly as written. */
  | 'bad-parameter'
  /** The target answered something this library cannot read. */
  | 'protocol'
  /** A local file or folder could not be read or written. */
  | 'local-io';

export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  constructor(
    readonly code: RemoteErrorCode,
    message: string,
    /** What ssh or the target said, when it said something. */
    readonly detail?: string,
  ) {
    super(message);
  }
}

export function isRemoteError(error: unknown, code?: RemoteErrorCode): error is RemoteError {
  return error instanceof RemoteError && (code === undefined || error.code === code);
}
