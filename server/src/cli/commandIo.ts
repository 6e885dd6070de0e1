/** What a command may touch, so tests can run commands in-process. */
export interface CommandIo {
  readonly cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Bad arguments: the CLI prints the message and the usage, and exits with 2. */
export class UsageError extends Error {}
