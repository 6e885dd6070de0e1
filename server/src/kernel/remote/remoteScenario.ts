/**
 * A scenario file on a remote target, printed in the simulator's transcript format (the same
 * formatter), so `lkm remote HOST SCENARIO` and `lkm sim SCENARIO` can be compared line by line.
 * As scripts/vm/run-scenario.sh does: the scenario's folder is copied to /scn (the working folder
 * of every command), files the commands name outside it are copied to the same relative place,
 * modules/ is installed in /lib/modules/<release>/extra/ with depmod, and the kernel log is
 * emptied before the first line. Each command runs in its own shell, stdin empty.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { formatResult, parseScenario } from '../simulator/scenario';
import { SCENARIO_CWD } from '../simulator/scenarioRunner';
import { splitWords, type ToolSet } from '../simulator/shell';
import { privileged } from './privilege';
import { RemoteError } from './remoteError';
import type { RemoteTarget } from './remoteTarget';
import { shellQuote } from './shellQuote';
import type { CommandOptions } from './sshRunner';

export interface RemoteScenarioOptions extends CommandOptions {
  readonly tools: ToolSet;
}

export interface RemoteScenarioRun {
  readonly transcript: string;
  /** What was not done as the simulator would (source folders not built, …). */
  readonly notes: readonly string[];
}

/** The list of files lkm installed in extra/, so that the next scenario removes only those. */
const INSTALLED_LIST = '.lkm-installed';
const KERNEL_PATHS = /^\/(proc|sys|lib\/modules)(\/|$)/;
const MAX_FOLDER_BYTES = 64 * 1024 * 1024;

/** The shell prelude of every command: `kmod TOOL` and, for busybox tools, busybox's applets. */
function prelude(tools: ToolSet): string {
  const names = ['insmod', 'rmmod', 'lsmod', 'modprobe', 'modinfo', 'depmod'];
  const lines = [
    `cd ${SCENARIO_CWD} || exit 125`,
    // `kmod TOOL ARGS…`: the target's own (kmod's) TOOL whatever the tool set.
    `kmod() { case "$1" in ${names.join('|')}) t=$1; shift; "$t" "$@" ;; *) command kmod "$@" ;; esac; }`,
  ];
  if (tools === 'busybox') {
    lines[1] = `kmod() { case "$1" in ${names.join('|')}) t=$1; shift; command "$t" "$@" ;; *) command kmod "$@" ;; esac; }`;
    for (const n of names) lines.push(`${n}() { busybox ${n} "$@"; }`);
  }
  return lines.join('\n');
}

function tarFolder(dir: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['-C', dir, '-chf', '-', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let size = 0;
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_FOLDER_BYTES) child.kill();
      out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', (e) => reject(new RemoteError('local-io', `cannot run tar: ${e.message}`)));
    child.on('close', (code) => {
      if (size > MAX_FOLDER_BYTES)
        reject(new RemoteError('local-io', `${dir} holds more than 64 MB: put the scenario in a folder of its own`));
      else if (code !== 0) reject(new RemoteError('local-io', `tar of ${dir} failed: ${err.trim()}`));
      else resolve(Buffer.concat(out));
    });
  });
}

function isSourceFolder(entries: readonly string[]): boolean {
  return entries.includes('Kbuild') || entries.includes('Makefile');
}

export async function runRemoteScenario(
  target: RemoteTarget,
  scenarioPath: string,
  options: RemoteScenarioOptions,
): Promise<RemoteScenarioRun> {
  const text = await fs.readFile(scenarioPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new RemoteError('local-io', `cannot read ${scenarioPath}: ${error.code ?? error.message}`);
  });
  const lines = parseScenario(text);
  const dir = path.dirname(path.resolve(scenarioPath));
  const notes: string[] = [];
  const cmd: CommandOptions = {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const privilege = await target.privilege(cmd);
  const root = (command: string, input?: Uint8Array) =>
    target.run(privileged(privilege, command), { ...cmd, ...(input ? { input } : {}) });
  const must = async (command: string, what: string, input?: Uint8Array) => {
    const r = await root(command, input);
    if (r.exit !== 0)
      throw new RemoteError('protocol', `${target.host}: ${what} failed: ${r.stderr.trim() || `exit ${r.exit}`}`);
    return r;
  };

  // The scenario's folder at /scn.
  await must(
    `rm -rf ${SCENARIO_CWD} && mkdir -p ${SCENARIO_CWD} && tar -xf - -C ${SCENARIO_CWD}`,
    `copying ${dir} to ${SCENARIO_CWD}`,
    await tarFolder(dir),
  );
  // Files named outside it, at the same relative place.
  const copied = new Set<string>();
  for (const line of lines) {
    if (line.kind !== 'command') continue;
    for (const word of splitWords(line.text.replace(/>\s*\S+\s*$/, '')).slice(1)) {
      if (word.startsWith('-') || word.includes('=') || KERNEL_PATHS.test(word) || path.isAbsolute(word)) continue;
      const host = path.resolve(dir, word);
      if (host.startsWith(`${dir}${path.sep}`) || copied.has(host)) continue;
      const stat = await fs.stat(host).catch(() => undefined);
      if (stat === undefined) continue;
      copied.add(host);
      const guest = path.posix.normalize(path.posix.join(SCENARIO_CWD, word));
      if (stat.isFile()) {
        await must(
          `mkdir -p ${shellQuote(path.posix.dirname(guest))} && cat > ${shellQuote(guest)}`,
          `copying ${word}`,
          new Uint8Array(await fs.readFile(host)),
        );
      } else if (stat.isDirectory() && isSourceFolder(await fs.readdir(host))) {
        notes.push(
          `${word} is a folder of module sources: lkm remote loads .ko files only (build it first); the command runs as written`,
        );
      }
    }
  }
  // modules/ into extra/, depmod, an empty kernel log.
  const modulesDir = path.join(dir, 'modules');
  const kos = (await fs.readdir(modulesDir).catch(() => [] as string[])).filter((f) => f.endsWith('.ko')).sort();
  for (const entry of await fs.readdir(modulesDir, { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory())
      notes.push(`modules/${entry.name}: source folders are not built by lkm remote; not installed`);
  }
  const install = [
    'set -e',
    'x=/lib/modules/$(uname -r)/extra',
    'mkdir -p "$x"',
    `if [ -f "$x/${INSTALLED_LIST}" ]; then while read -r f; do rm -f "$x/$f"; done < "$x/${INSTALLED_LIST}"; fi`,
    `: > "$x/${INSTALLED_LIST}"`,
    ...kos.map(
      (k) =>
        `cp ${shellQuote(`${SCENARIO_CWD}/modules/${k}`)} "$x/" && echo ${shellQuote(k)} >> "$x/${INSTALLED_LIST}"`,
    ),
    'depmod',
    'dmesg -c > /dev/null',
  ].join('\n');
  await must(install, 'installing modules/ and running depmod');

  const head = prelude(options.tools);
  let transcript = '';
  for (const line of lines) {
    if (line.kind !== 'command') {
      transcript += `${line.text}\n`;
      continue;
    }
    const r = await root(`${head}\n${line.text}`);
    transcript += formatResult(line.text, { stdout: r.stdout, stderr: r.stderr, exit: r.exit });
  }
  return { transcript, notes };
}
