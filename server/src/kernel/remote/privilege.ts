/**
 * Privilege on the target: module operations, the kernel log and symbol addresses need root. Root
 * logs in as is; another user goes through `sudo -n` (never a password: lkm asks for none and keeps
 * none), and a target that wants one gets a clear error.
 */
import { RemoteError } from './remoteError';
import { shellQuote } from './shellQuote';
import type { CommandOptions, SshRunner } from './sshRunner';

export interface Privilege {
  /** The login user's name and uid on the target. */
  readonly user: string;
  readonly uid: number;
  /**
   * How privileged commands run: as the user (root), through `sudo -n`, or, for reads that work
   * without privilege (kallsyms, with addresses hidden), as the user who is not root.
   */
  readonly via: 'root' | 'sudo' | 'unprivileged';
}

/** Finds out how to run privileged commands; throws no-privilege or password-required. */
export async function detectPrivilege(runner: SshRunner, options: CommandOptions = {}): Promise<Privilege> {
  const who = await runner.runOk('id -u; id -un 2>/dev/null || echo "?"; command -v sudo || true', 'id -u', options);
  const [uidText, user = '?', sudoPath = ''] = who.stdout.split('\n');
  const uid = Number(uidText);
  if (!Number.isInteger(uid)) {
    throw new RemoteError('protocol', `${runner.host}: 'id -u' answered ${JSON.stringify(uidText)}, not a number`);
  }
  if (uid === 0) return { user, uid, via: 'root' };
  if (sudoPath.trim() === '') {
    throw new RemoteError(
      'no-privilege',
      `${runner.host}: the user '${user}' is not root and the target has no sudo: loading modules needs root. ` +
        `Log in as root (User root in ~/.ssh/config), or install sudo and let '${user}' run commands without a password (NOPASSWD)`,
    );
  }
  const probe = await runner.run('sudo -n true', options);
  if (probe.exit === 0) return { user, uid, via: 'sudo' };
  const said = probe.stderr.trim();
  if (/password is required|a terminal is required|askpass/i.test(said)) {
    throw new RemoteError(
      'password-required',
      `${runner.host}: sudo asks '${user}' for a password, and lkm never types or stores one: ` +
        `allow '${user}' to run commands without a password (NOPASSWD in sudoers), or log in as root`,
      said,
    );
  }
  throw new RemoteError(
    'no-privilege',
    `${runner.host}: '${user}' may not use sudo (sudo -n true: ${said || `exit ${probe.exit}`}): loading modules needs root`,
    said,
  );
}

/** The privilege to read with: detectPrivilege's, else the user as is (no-privilege, password-required). */
export async function readPrivilege(runner: SshRunner, options: CommandOptions = {}): Promise<Privilege> {
  try {
    return await detectPrivilege(runner, options);
  } catch (error) {
    if (!(error instanceof RemoteError) || (error.code !== 'no-privilege' && error.code !== 'password-required'))
      throw error;
    const who = await runner.runOk('id -u; id -un', 'id -u', options);
    const [uid = '', user = '?'] = who.stdout.split('\n');
    return { user, uid: Number(uid), via: 'unprivileged' };
  }
}

/** A command line to run with privilege: as is for root, else `sudo -n sh -c '…'`. */
export function privileged(privilege: Privilege, command: string): string {
  return privilege.via !== 'sudo' ? command : `sudo -n sh -c ${shellQuote(command)}`;
}
