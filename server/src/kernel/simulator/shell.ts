/**
 * The commands a scenario runs, as a busybox shell on the reference machine runs them: the module
 * tools (kmod 30 or busybox 1.35), and cat, ls, echo V > FILE, grep, dmesg and uname over the
 * simulated files, with busybox's messages and exit codes.
 */
import {
  busyboxDepmod,
  busyboxInsmod,
  busyboxLsmod,
  busyboxModinfo,
  busyboxModprobe,
  busyboxRmmod,
} from './busyboxTools';
import { strerror } from './errno';
import { formatRaw, formatTimestamp } from './kernelLog';
import { kmodDepmod, kmodInsmod, kmodLsmod, kmodModinfo, kmodModprobe, kmodRmmod } from './kmodTools';
import type { Machine } from './machine';
import { Output, type ToolOutput } from './toolSupport';
import { lookup, readFile, writeFile } from './vfs';

export type ToolSet = 'kmod' | 'busybox';

export const MODULE_TOOLS = ['insmod', 'rmmod', 'lsmod', 'modprobe', 'modinfo', 'depmod'] as const;

/**
 * Splits a command line into words as sh does (no expansions): quotes group and are removed, a
 * backslash outside single quotes escapes the next character. `'name="a b"'` reaches insmod as
 * `name="a b"`, and the kernel's parser removes those quotes.
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word += end === -1 ? line.slice(i + 1) : line.slice(i + 1, end);
      i = end === -1 ? line.length : end;
      inWord = true;
    } else if (c === '"') {
      i++;
      for (; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && /["\\$`]/.test(line[i + 1] ?? '')) i++;
        word += line[i];
      }
      inWord = true;
    } else if (c === '\\') {
      word += line[++i] ?? '';
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * Runs a module tool as a new process; `comm` is the name it was started as (kmod's tools by their
 * own names, `busybox insmod …` as busybox). Undefined when the tool is not one of them.
 */
export function runTool(
  machine: Machine,
  tools: ToolSet,
  tool: string,
  args: readonly string[],
  comm: string = tool,
): ToolOutput | undefined {
  if (!(MODULE_TOOLS as readonly string[]).includes(tool)) return undefined;
  machine.kernel.startTask(comm);
  if (tools === 'busybox') {
    switch (tool) {
      case 'insmod':
        return busyboxInsmod(machine, args);
      case 'rmmod':
        return busyboxRmmod(machine, args);
      case 'lsmod':
        return busyboxLsmod(machine);
      case 'modprobe':
        return busyboxModprobe(machine, args);
      case 'modinfo':
        return busyboxModinfo(machine, args);
      case 'depmod':
        return busyboxDepmod(machine);
    }
    return undefined;
  }
  switch (tool) {
    case 'insmod':
      return kmodInsmod(machine, args);
    case 'rmmod':
      return kmodRmmod(machine, args);
    case 'lsmod':
      return kmodLsmod(machine);
    case 'modprobe':
      return kmodModprobe(machine, args);
    case 'modinfo':
      return kmodModinfo(machine, args);
    case 'depmod':
      return kmodDepmod(machine, args);
  }
  return undefined;
}

/** Runs one command line; undefined when the command is not one the simulator knows. */
export function runCommand(machine: Machine, tools: ToolSet, line: string): ToolOutput | undefined {
  const redirect = /^echo\s+(.*?)\s*>\s*(\S+)\s*$/.exec(line);
  if (redirect) return echoInto(machine, splitWords(redirect[1]!).join(' '), redirect[2]!);
  const words = splitWords(line);
  const [command, ...args] = words;
  if (command === undefined) return new Output().done(0);
  if (command === 'busybox' && args[0] !== undefined) {
    return runTool(machine, 'busybox', args[0], args.slice(1), 'busybox') ?? runCommand(machine, tools, args.join(' '));
  }
  if (command === 'kmod' && args[0] !== undefined) return runTool(machine, 'kmod', args[0], args.slice(1));
  const tool = runTool(machine, tools, command, args);
  if (tool !== undefined) return tool;
  switch (command) {
    case 'cat':
      return cat(machine, args);
    case 'ls':
      return ls(machine, args);
    case 'grep':
      return grep(machine, args);
    case 'dmesg':
      return dmesg(machine, args);
    case 'uname':
      return uname(machine, args);
    case 'true':
      return new Output().done(0);
  }
  return undefined;
}

function cat(machine: Machine, args: readonly string[]): ToolOutput {
  const o = new Output();
  let exit = 0;
  for (const path of args) {
    const r = readFile(machine, path);
    if ('text' in r) o.out(r.text);
    else {
      o.err(`cat: can't open '${path}': ${strerror(r.errno)}\n`);
      exit = 1;
    }
  }
  return o.done(exit);
}

function ls(machine: Machine, args: readonly string[]): ToolOutput {
  const o = new Output();
  const directoryItself = args.includes('-d');
  const paths = args.filter((a) => !a.startsWith('-'));
  let exit = 0;
  for (const path of paths.length > 0 ? paths : ['.']) {
    const node = lookup(machine, path);
    if (node === undefined) {
      o.err(`ls: ${path}: No such file or directory\n`);
      exit = 1;
      continue;
    }
    if (node.kind === 'file' || directoryItself) {
      o.out(`${path}\n`);
      continue;
    }
    if (paths.length > 1) o.out(`${path}:\n`);
    for (const entry of node.entries()) o.out(`${entry}\n`);
  }
  return o.done(exit);
}

function grep(machine: Machine, args: readonly string[]): ToolOutput {
  const o = new Output();
  const words = args.filter((a) => a !== '-E');
  const [pattern, ...files] = words;
  if (pattern === undefined) return o.done(2);
  const regex = new RegExp(pattern);
  let matched = false;
  let exit = 0;
  for (const path of files) {
    const r = readFile(machine, path);
    if (!('text' in r)) {
      o.err(`grep: ${path}: ${strerror(r.errno)}\n`);
      exit = 2;
      continue;
    }
    for (const line of r.text.split('\n').slice(0, -1)) {
      if (!regex.test(line)) continue;
      matched = true;
      o.out(`${files.length > 1 ? `${path}:` : ''}${line}\n`);
    }
  }
  return o.done(exit !== 0 ? exit : matched ? 0 : 1);
}

function dmesg(machine: Machine, args: readonly string[]): ToolOutput {
  const o = new Output();
  const flags = args.join('');
  const raw = flags.includes('r');
  const clear = flags.includes('c') || flags.includes('C');
  if (!flags.includes('C')) {
    for (const record of machine.kernel.log.unread())
      o.out(`${raw ? formatRaw(record) : `${formatTimestamp(record.timeUs)} ${record.text}`}\n`);
  }
  if (clear) machine.kernel.log.clear();
  return o.done(0);
}

function uname(machine: Machine, args: readonly string[]): ToolOutput {
  const o = new Output();
  o.out(args.includes('-r') ? `${machine.release}\n` : 'Linux\n');
  return o.done(0);
}

/** `echo V > FILE` in busybox sh: open (O_CREAT|O_TRUNC) errors, then write errors. */
function echoInto(machine: Machine, value: string, path: string): ToolOutput {
  const o = new Output();
  const r = writeFile(machine, path, `${value}\n`);
  if (r.errno === 0) return o.done(0);
  if (r.atOpen) {
    const reason = r.errno === 2 ? 'nonexistent directory' : strerror(r.errno);
    o.err(`sh: can't create ${path}: ${reason}\n`);
  } else o.err(`sh: write error: ${strerror(r.errno)}\n`);
  return o.done(1);
}
