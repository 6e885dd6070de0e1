/**
 * Scenarios: one command per line, run on a freshly booted simulated machine, printed in the format
 * of the reference transcripts (`$ command`, `--- stdout:`, `--- stderr:`, `[exit=N]`), so the same
 * scenario file can run on a real kernel and the two transcripts be compared line by line.
 *
 * Commands: insmod PATH [name=value…], rmmod [-f] NAME|PATH…, modprobe [-r] [--show-depends] NAME
 * [params], depmod, lsmod, modinfo X, cat FILE…, ls [-d] DIR, grep [-E] RE FILE, echo V > FILE,
 * dmesg [-r] [-c], uname -r, `busybox TOOL …` / `kmod TOOL …` for one command with the other tool
 * set; `# comment` and blank lines are copied. PATHs are relative to the scenario file; a PATH may
 * be a .ko or a folder of module sources. At boot every module in `modules/` beside the scenario is
 * installed in /lib/modules/<release>/extra/ and depmod has run.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { runDepmod } from './depmod';
import type { Machine } from './machine';
import { runCommand, splitWords, type ToolSet } from './shell';
import { sourcesBeside, type SourceModuleLoader } from './sourceLoader';
import type { ToolOutput } from './toolSupport';

export interface ScenarioLine {
  readonly line: number;
  readonly text: string;
  readonly kind: 'command' | 'comment' | 'blank';
}

export function parseScenario(text: string): ScenarioLine[] {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((raw, i) => {
      const t = raw.replace(/\r$/, '');
      const trimmed = t.trim();
      return {
        line: i + 1,
        text: trimmed.startsWith('#') ? trimmed : trimmed,
        kind:
          trimmed === '' ? ('blank' as const) : trimmed.startsWith('#') ? ('comment' as const) : ('command' as const),
      };
    });
}

/** One command's block of the transcript. */
export function formatResult(command: string, result: ToolOutput): string {
  let text = `$ ${command}\n`;
  for (const [name, body] of [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ] as const) {
    if (body === '') continue;
    text += `--- ${name}:\n${body}`;
    if (!body.endsWith('\n')) text += `\n[no newline at end of ${name}]\n`;
  }
  return `${text}[exit=${result.exit}]\n`;
}

export interface RunOptions {
  readonly tools: ToolSet;
  /** Time between commands, in microseconds (a process start); default 100 ms. */
  readonly commandGapUs?: number;
}

/** Runs prepared lines; returns the transcript. Kernel state carries over from line to line. */
export function runScenarioLines(machine: Machine, lines: readonly ScenarioLine[], options: RunOptions): string {
  let transcript = '';
  for (const line of lines) {
    if (line.kind !== 'command') {
      transcript += `${line.text}\n`;
      continue;
    }
    machine.kernel.advance(options.commandGapUs ?? 100_000);
    const result =
      runCommand(machine, options.tools, line.text) ??
      ({ stdout: '', stderr: `sh: ${splitWords(line.text)[0] ?? ''}: not found\n`, exit: 127 } satisfies ToolOutput);
    machine.kernel.settle();
    transcript += formatResult(line.text, result);
  }
  return transcript;
}

const KERNEL_PATHS = /^\/(proc|sys|lib\/modules)(\/|$)/;

/**
 * Boot: installs every module of `modules/` (beside the scenario) in /lib/modules/<release>/extra/
 * and runs depmod; then puts every file or source folder the scenario's commands name on the
 * simulated disk, under the path as written.
 */
export async function prepareScenario(
  machine: Machine,
  scenarioPath: string,
  lines: readonly ScenarioLine[],
  sources: SourceModuleLoader | undefined,
  options: { readonly boot?: boolean } = {},
): Promise<string[]> {
  const dir = path.dirname(path.resolve(scenarioPath));
  const notes: string[] = [];
  if (options.boot !== false) notes.push(...(await installModules(machine, dir, sources)));
  for (const line of lines) {
    if (line.kind !== 'command') continue;
    const words = splitWords(line.text.replace(/>\s*\S+\s*$/, ''));
    for (const word of words.slice(1)) {
      if (word.startsWith('-') || word.includes('=') || KERNEL_PATHS.test(word)) continue;
      const key = machine.resolve(word);
      if (machine.file(key) !== undefined) continue;
      const host = path.resolve(dir, word);
      const stat = await fs.stat(host).catch(() => undefined);
      if (stat === undefined) continue;
      if (stat.isFile()) {
        const sourceDir = host.endsWith('.ko') ? await sourcesBeside(host, path.basename(host, '.ko')) : undefined;
        machine.writeFile(key, { kind: 'bytes', bytes: await fs.readFile(host), ...(sourceDir ? { sourceDir } : {}) });
      } else if (stat.isDirectory() && sources !== undefined) {
        const modules = await sources.modulesIn(host);
        if (modules.length > 0) {
          machine.writeFile(key, { kind: 'source-module', module: modules[0]! });
          notes.push(...modules[0]!.approximations);
        }
      }
    }
  }
  return [...new Set(notes)];
}

/** Boot: `modules/` into /lib/modules/<release>/extra/, then depmod, and an empty kernel log. */
async function installModules(
  machine: Machine,
  dir: string,
  sources: SourceModuleLoader | undefined,
): Promise<string[]> {
  const notes: string[] = [];
  const modulesDir = path.join(dir, 'modules');
  const entries = await fs.readdir(modulesDir, { withFileTypes: true }).catch(() => []);
  const extra = `${machine.modulesDir}/extra`;
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(modulesDir, entry.name);
    if (entry.isFile() && entry.name.endsWith('.ko')) {
      const sourceDir = await sourcesBeside(full, entry.name.slice(0, -3));
      machine.writeFile(`${extra}/${entry.name}`, {
        kind: 'bytes',
        bytes: await fs.readFile(full),
        ...(sourceDir ? { sourceDir } : {}),
      });
    } else if (entry.isDirectory()) {
      if (sources === undefined) {
        notes.push(`modules/${entry.name}: source folders need the C parser; not installed`);
        continue;
      }
      for (const module of await sources.modulesIn(full)) {
        machine.writeFile(`${extra}/${module.name}.ko`, { kind: 'source-module', module });
        notes.push(...module.approximations);
      }
    }
  }
  runDepmod(machine);
  machine.kernel.log.clear();
  return notes;
}
