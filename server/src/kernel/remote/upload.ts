/**
 * A file onto the target: sftp, else scp, else `cat > FILE` over ssh (any shell has cat). The size
 * is checked after, and a failed upload leaves no partial file behind. Remote paths are kept to
 * characters no tool interprets, so none of the three needs quoting rules of its own.
 */
import { RemoteError } from './remoteError';
import { shellQuote } from './shellQuote';
import type { CommandOptions, SshRunner } from './sshRunner';

export type UploadMethod = 'sftp' | 'scp' | 'cat';

export interface UploadResult {
  readonly remotePath: string;
  readonly method: UploadMethod;
  readonly bytes: number;
  /** Methods tried before the one that worked, with why they failed. */
  readonly fallbacks: readonly string[];
}

const SAFE_REMOTE_PATH = /^\/[A-Za-z0-9._+/-]+$/;
const NO_SPACE = /No space left on device|disk full|ENOSPC|Failure$/im;

/** A file name with only safe characters (others become `_`). */
export function safeFileName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._+-]/g, '_').replace(/^[.-]+/, '_');
  return cleaned === '' ? 'upload' : cleaned;
}

function destination(host: string, remotePath: string): string {
  // An IPv6 address needs brackets before the colon.
  const bare = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${bare}:${remotePath}`;
}

/** sftp's batch-file word: double quotes, with `\` and `"` escaped. */
function sftpWord(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

async function tryMethod(
  runner: SshRunner,
  method: UploadMethod,
  localPath: string,
  bytes: Uint8Array,
  remotePath: string,
  options: CommandOptions,
): Promise<string | undefined> {
  let result;
  if (method === 'sftp') {
    result = await runner.transfer('sftp', ['-q', '-b', '-', '--', runner.host], {
      ...options,
      input: `put ${sftpWord(localPath)} ${sftpWord(remotePath)}\n`,
    });
  } else if (method === 'scp') {
    result = await runner.transfer('scp', ['-q', '--', localPath, destination(runner.host, remotePath)], options);
  } else {
    result = await runner.run(`cat > ${shellQuote(remotePath)}`, { ...options, input: bytes });
  }
  if (result.exit === 0) return undefined;
  return result.stderr.trim() || `exit ${result.exit}`;
}

/**
 * Uploads `bytes` (the content of `localPath`, which sftp and scp read) to `remotePath`, creating
 * its folder. `method` forces one method; by default each is tried in turn, and only a method that
 * is missing on the target makes the next one be tried (a full disk or a lost connection stops).
 */
export async function uploadFile(
  runner: SshRunner,
  localPath: string,
  bytes: Uint8Array,
  remotePath: string,
  options: CommandOptions & { readonly method?: UploadMethod | 'auto' } = {},
): Promise<UploadResult> {
  if (!SAFE_REMOTE_PATH.test(remotePath) || remotePath.includes('/../') || remotePath.endsWith('/..')) {
    throw new RemoteError(
      'upload-failed',
      `${remotePath}: remote upload paths are absolute and use only letters, digits and . _ + - /`,
    );
  }
  const dir = remotePath.slice(0, remotePath.lastIndexOf('/')) || '/';
  const cmdOptions: CommandOptions = {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  await runner.runOk(`mkdir -p ${shellQuote(dir)} && rm -f ${shellQuote(remotePath)}`, `preparing ${dir}`, cmdOptions);
  const methods: UploadMethod[] =
    options.method === undefined || options.method === 'auto' ? ['sftp', 'scp', 'cat'] : [options.method];
  const fallbacks: string[] = [];
  for (const method of methods) {
    // A lost connection, a timeout or a cancellation throws from here and stops everything.
    let failure = await tryMethod(runner, method, localPath, bytes, remotePath, cmdOptions);
    if (failure === undefined) {
      const size = await runner.run(`wc -c < ${shellQuote(remotePath)}`, cmdOptions);
      if (size.exit === 0 && Number(size.stdout.trim()) === bytes.length) {
        return { remotePath, method, bytes: bytes.length, fallbacks };
      }
      failure = `the file on the target has ${size.stdout.trim() || '?'} bytes, not ${bytes.length}`;
    }
    // Was it the disk? (asked before the partial file goes, which frees the space again)
    let full = /No space/i.test(failure);
    if (!full && NO_SPACE.test(failure)) {
      const free = await runner.run(`df -k ${shellQuote(dir)} 2>/dev/null | tail -n 1`, cmdOptions);
      full = /\s0\s+\d+%/.test(free.stdout);
    }
    await runner.run(`rm -f ${shellQuote(remotePath)}`, cmdOptions);
    if (full) {
      throw new RemoteError(
        'disk-full',
        `${runner.host}: no space left in ${dir} for ${bytes.length} bytes (${method}): free some space there, or upload elsewhere; nothing was left behind`,
        failure,
      );
    }
    fallbacks.push(`${method}: ${failure}`);
    if (methods.length === 1) break;
    // Is the connection itself still fine? If not, stop here.
    await runner.runOk('true', 'checking the connection', cmdOptions);
  }
  throw new RemoteError(
    'upload-failed',
    `${runner.host}: could not upload ${localPath} to ${remotePath}: ${fallbacks.join('; ')}`,
    fallbacks.join('\n'),
  );
}
