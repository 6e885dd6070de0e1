/**
 * Commands on a target through the system's OpenSSH client, so ~/.ssh/config, agents, known_hosts
 * and jump hosts work as they do for the user. One control master per target (ControlMaster,
 * ControlPersist) makes each command cost one round trip; BatchMode means no prompt can ever hang
 * a command; every command has a timeout and can be cancelled with an AbortSignal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RemoteError, type RemoteErrorCode } from './remoteError';

export interface SshTargetOptions {
  /** What ssh is given as the destination: `host`, `user@host`, or a `Host` alias of ~/.ssh/config. */
  readonly host: string;
  readonly port?: number;
  readonly user?: string;
  /** `ssh -F FILE` instead of ~/.ssh/config. */
  readonly configFile?: string;
  readonly identityFile?: string;
  /** Seconds for the TCP connection and the ssh handshake (default 10). */
  readonly connectTimeoutS?: number;
  /** Default timeout of one command, in milliseconds (default 60 s). */
  readonly commandTimeoutMs?: number;
  /** How long the control master stays after the last command, in seconds (default 60). */
  readonly controlPersistS?: number;
  /** Where the control socket lives (default: a private folder in the system's temporary folder). */
  readonly controlDir?: string;
  /** More `-o Key=Value` options for ssh, scp and sftp. */
  readonly sshOptions?: readonly string[];
  readonly sshBinary?: string;
  readonly scpBinary?: string;
  readonly sftpBinary?: string;
}

export interface CommandOptions {
  /** Bytes for the command's stdin (default: none, stdin is empty). */
  readonly input?: Uint8Array | string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  /** The remote command's exit status (ssh passes it through). */
  readonly exit: number;
  readonly stdoutBytes: Buffer;
}

/** What ssh prints when it, not the remote command, failed (it then exits with 255). */
const SSH_FAILURES: readonly (readonly [RegExp, RemoteErrorCode])[] = [
  [
    /Permission denied \(|Too many authentication failures|Host key verification failed|no matching host key type/i,
    'auth-refused',
  ],
  [
    /Connection refused|No route to host|Network is unreachable|Could not resolve hostname|Name or service not known|nodename nor servname/i,
    'host-down',
  ],
  [/Connection timed out|Operation timed out|timed out during banner exchange/i, 'connect-timeout'],
  [
    /Connection closed|Connection reset|closed by remote host|Broken pipe|not responding|client_loop|kex_exchange_identification|Connection to .* closed|lost connection|mux_client|Control socket connect/i,
    'connection-lost',
  ],
];

/** The code of an ssh failure, from what ssh printed; undefined when the remote command itself failed. */
export function classifySshFailure(exit: number, stderr: string): RemoteErrorCode | undefined {
  if (exit !== 255) return undefined;
  for (const [pattern, code] of SSH_FAILURES) if (pattern.test(stderr)) return code;
  return undefined;
}

let privateDir: string | undefined;
function defaultControlDir(): string {
  // Short: a unix socket path is limited to ~104 bytes, and %C adds 40.
  if (privateDir === undefined) {
    privateDir = mkdtempSync(path.join(os.tmpdir(), 'lkm-ssh-'));
    process.once('exit', () => rmSync(privateDir!, { recursive: true, force: true }));
  }
  return privateDir;
}

export class SshRunner {
  readonly host: string;
  private readonly controlPath: string;
  private masterUp = false;

  constructor(readonly options: SshTargetOptions) {
    if (options.host === '' || options.host.startsWith('-')) {
      throw new RemoteError('host-down', `'${options.host}' is not a host name`);
    }
    this.host = options.host;
    const dir = options.controlDir ?? defaultControlDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.controlPath = path.join(dir, '%C');
  }

  /** Options shared by ssh, scp and sftp: all as -o, so the three read them alike. */
  commonArgs(master: 'auto' | 'yes' | 'no' = 'no', controlPath: string = this.controlPath): string[] {
    const o = this.options;
    const args: string[] = [];
    if (o.configFile !== undefined) args.push('-F', o.configFile);
    const set = (key: string, value: string | number) => args.push('-o', `${key}=${value}`);
    set('BatchMode', 'yes');
    set('ConnectTimeout', o.connectTimeoutS ?? 10);
    set('ServerAliveInterval', 5);
    set('ServerAliveCountMax', 3);
    set('ControlMaster', master);
    set('ControlPath', controlPath);
    set('ControlPersist', `${o.controlPersistS ?? 60}s`);
    if (o.port !== undefined) set('Port', o.port);
    if (o.user !== undefined) set('User', o.user);
    if (o.identityFile !== undefined) {
      set('IdentityFile', o.identityFile);
      set('IdentitiesOnly', 'yes');
    }
    for (const extra of o.sshOptions ?? []) args.push('-o', extra);
    return args;
  }

  /**
   * Opens the connection and the control master: checks that the host answers and takes the key.
   * The master runs in the background with no descriptor of ours, so it never holds a pipe open.
   */
  async connect(signal?: AbortSignal): Promise<void> {
    // A plain first connection, for a clean error (refused key, closed port, timeout).
    await this.exec(this.options.sshBinary ?? 'ssh', [...this.commonArgs('no', 'none'), '--', this.host, 'true'], {
      timeoutMs: ((this.options.connectTimeoutS ?? 10) + 20) * 1000,
      ...(signal ? { signal } : {}),
    }).then((r) => this.check(r, 'true'));
    await this.startMaster();
  }

  private startMaster(): Promise<void> {
    return new Promise((resolve) => {
      const child = spawn(this.options.sshBinary ?? 'ssh', [...this.commonArgs('yes'), '-f', '-N', '--', this.host], {
        stdio: 'ignore',
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), ((this.options.connectTimeoutS ?? 10) + 20) * 1000);
      child.on('error', () => resolve());
      child.on('exit', (code) => {
        clearTimeout(timer);
        // Without a master every command connects on its own: slower, still correct.
        this.masterUp = code === 0;
        resolve();
      });
    });
  }

  /** Whether the control master was started (commands then take ≈ one round trip). */
  get multiplexed(): boolean {
    return this.masterUp;
  }

  /** Stops the control master (the next command connects anew). */
  async close(): Promise<void> {
    if (!this.masterUp) return;
    this.masterUp = false;
    await this.exec(this.options.sshBinary ?? 'ssh', [...this.commonArgs('no'), '-O', 'exit', '--', this.host], {
      timeoutMs: 10_000,
    }).catch(() => undefined);
  }

  /** Forgets the master after the connection broke, so the next command connects directly. */
  async reset(): Promise<void> {
    await this.close();
  }

  /** Runs a command in the login shell of the target's user; never throws for its exit status. */
  async run(command: string, options: CommandOptions = {}): Promise<CommandResult> {
    const result = await this.exec(
      this.options.sshBinary ?? 'ssh',
      [...this.commonArgs('no'), '--', this.host, command],
      options,
    );
    return this.check(result, command);
  }

  /** Like run, but a non-zero exit is an error with the command's stderr. */
  async runOk(command: string, what: string, options: CommandOptions = {}): Promise<CommandResult> {
    const result = await this.run(command, options);
    if (result.exit !== 0) {
      throw new RemoteError(
        'protocol',
        `${this.host}: ${what} failed (exit ${result.exit}): ${result.stderr.trim() || 'no message'}`,
        result.stderr,
      );
    }
    return result;
  }

  /** scp or sftp with the same options; the raw result (callers judge it). */
  transfer(tool: 'scp' | 'sftp', args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    const binary = tool === 'scp' ? (this.options.scpBinary ?? 'scp') : (this.options.sftpBinary ?? 'sftp');
    return this.exec(binary, [...this.commonArgs('no'), ...args], options);
  }

  /** Throws the RemoteError an ssh failure stands for; passes a command's own result through. */
  check(result: CommandResult, command: string): CommandResult {
    const code = classifySshFailure(result.exit, result.stderr);
    if (code === undefined) return result;
    if (code === 'connection-lost') this.masterUp = false;
    throw new RemoteError(code, describeFailure(code, this.host, command), result.stderr.trim());
  }

  /** Spawns a process with a timeout and cancellation; rejects only for those and for a missing binary. */
  exec(binary: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    const timeoutMs = options.timeoutMs ?? this.options.commandTimeoutMs ?? 60_000;
    const signal = options.signal;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new RemoteError('cancelled', `${this.host}: cancelled before it started`));
        return;
      }
      let child: ChildProcess;
      try {
        child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      } catch (error) {
        reject(new RemoteError('local-io', `cannot run ${binary}: ${String(error)}`));
        return;
      }
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let settled = false;
      let stopped: RemoteError | undefined;
      const stop = (error: RemoteError) => {
        if (stopped !== undefined) return;
        stopped = error;
        // Through a control master, the master holds our pipes (ssh passes them on) until the remote
        // command ends: so this waits for the client process only, and lets go of the pipes.
        child.once('exit', () =>
          finish(() => {
            child.stdout?.destroy();
            child.stderr?.destroy();
            reject(error);
          }),
        );
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      };
      const timer = setTimeout(
        () =>
          stop(
            new RemoteError(
              'command-timeout',
              `${this.host}: '${shorten(args[args.length - 1] ?? binary)}' did not finish within ${timeoutMs / 1000} s and was stopped (the target may still be running it)`,
            ),
          ),
        timeoutMs,
      );
      const onAbort = () => stop(new RemoteError('cancelled', `${this.host}: cancelled`));
      signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      child.stdout!.on('data', (b: Buffer) => out.push(b));
      child.stderr!.on('data', (b: Buffer) => err.push(b));
      child.on('error', (error) =>
        finish(() => reject(new RemoteError('local-io', `cannot run ${binary}: ${error.message}`))),
      );
      child.on('close', (code, sig) =>
        finish(() => {
          if (stopped !== undefined) {
            reject(stopped);
            return;
          }
          const stdoutBytes = Buffer.concat(out);
          resolve({
            stdout: stdoutBytes.toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8'),
            exit: code ?? (sig ? 128 + 9 : 255),
            stdoutBytes,
          });
        }),
      );
      child.stdin!.on('error', () => undefined); // the far end may stop reading (EPIPE)
      if (options.input !== undefined) child.stdin!.end(options.input);
      else child.stdin!.end();
    });
  }
}

function shorten(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
}

function describeFailure(code: RemoteErrorCode, host: string, command: string): string {
  switch (code) {
    case 'auth-refused':
      return `${host}: ssh authentication was refused (no key the server accepts; lkm never asks for a password): check the key, ssh-agent and ~/.ssh/config, e.g. with 'ssh ${host} true'`;
    case 'host-down':
      return `${host}: cannot connect (nothing listens on the ssh port, no route, or the name does not resolve): is the target up?`;
    case 'connect-timeout':
      return `${host}: the connection timed out: the target does not answer`;
    case 'connection-lost':
      return `${host}: the connection was lost during '${shorten(command)}' (the target rebooted, crashed, or the network went away): nothing more is known about how far it got`;
    default:
      return `${host}: ${code}`;
  }
}
