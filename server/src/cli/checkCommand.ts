import { parseArgs } from 'node:util';
import { checkPaths, type FileReport } from '../kernel/analysis/checkFiles';
import { DEFAULT_MAX_FILE_SIZE_MB, inputLimits } from '../kernel/analysis/sourceInput';
import { readFileSync } from 'node:fs';
import { NO_HEADERS_CONTEXT } from '../kernel/checks/moduleChecks';
import { DEFAULT_RESOURCE_PAIRS, ResourcePairs, parseResourcePairs } from '../kernel/checks/resourcePairs';
import { HeaderIndex } from '../kernel/headers/headerIndex';
import { locateKernelHeaders } from '../kernel/headers/kernelHeaders';
import { CParser } from '../kernel/parsing/cParser';
import { targetProfile } from '../kernel/analysis/targetProfile';
import type { KernelProfile } from '../kernel/symbols/kernelProfile';
import { formatJson } from './formats/jsonFormat';
import { formatSarif } from './formats/sarifFormat';
import { formatText } from './formats/textFormat';
import { UsageError, type CommandIo } from './commandIo';

export const CHECK_USAGE = `usage: lkm check [--format text|json|sarif] [--kernel-headers DIR | --no-kernel-headers]
                 [--kallsyms FILE] [--symvers FILE] [--release R | --no-symbols]
                 [--resource-pairs FILE.json] [--max-file-size MB] PATH...

Analyses kernel module sources (files, or folders searched for .c files), each as part of its
Kbuild module, and prints diagnostics. Kernel headers come from --kernel-headers, else
/lib/modules/$(uname -r)/build, else the newest /usr/src/linux-headers-*.
The symbols modules link against come from --kallsyms (a /proc/kallsyms or System.map snapshot)
and --symvers (a Module.symvers), else the headers' Module.symvers, else the running kernel's,
else the bundled Linux 6.1 profile; --no-symbols skips the symbol checks.
Exit status: 1 when any error is reported, 0 otherwise, 2 on bad usage.`;

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

export async function runCheck(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCheckArguments(argv);
  if (values.help === true) {
    io.stdout(`${CHECK_USAGE}\n`);
    return 0;
  }
  const format = (values.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format '${format}' (expected text, json or sarif)`);
  const maxFileSizeMb = Number(values['max-file-size'] ?? DEFAULT_MAX_FILE_SIZE_MB);
  if (!Number.isFinite(maxFileSizeMb) || maxFileSizeMb <= 0) {
    throw new UsageError(`--max-file-size takes a positive number of megabytes, not '${values['max-file-size']}'`);
  }
  if (positionals.length === 0) throw new UsageError('no PATH given');

  const parser = await CParser.load();
  let headers: HeaderIndex | undefined;
  if (values['no-kernel-headers'] !== true) {
    const configured = values['kernel-headers'];
    const found = locateKernelHeaders(configured !== undefined ? { configured } : {});
    if (configured !== undefined && found === undefined) {
      throw new UsageError(`--kernel-headers ${configured}: not a kernel build tree (no include/linux/module.h found)`);
    }
    if (found !== undefined) headers = new HeaderIndex(parser, found);
  }
  const resourcePairs = readResourcePairs(values['resource-pairs']);
  const profile = values['no-symbols'] === true ? undefined : symbolProfile(values, headers, io);
  const reports = await checkPaths(parser, positionals, {
    limits: inputLimits(maxFileSizeMb),
    context: { ...NO_HEADERS_CONTEXT, resourcePairs },
    ...(headers ? { headers } : {}),
    ...(profile ? { profile } : {}),
    onLimitation: (message) => io.stderr(`lkm check: note: ${message}\n`),
  });
  io.stdout(render(format, reports, io.cwd));
  if (format === 'text') io.stderr(summary(reports));
  return reports.some((r) => r.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
}

function parseCheckArguments(argv: readonly string[]): ReturnType<typeof parseCheckArgumentsUnchecked> {
  try {
    return parseCheckArgumentsUnchecked(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function parseCheckArgumentsUnchecked(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string', short: 'f' },
      'max-file-size': { type: 'string' },
      'kernel-headers': { type: 'string' },
      'no-kernel-headers': { type: 'boolean' },
      'resource-pairs': { type: 'string' },
      kallsyms: { type: 'string' },
      symvers: { type: 'string' },
      release: { type: 'string' },
      'no-symbols': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/**
 * The kernel profile from --kallsyms/--symvers/--release, else found as the server finds it. A file
 * the user named that cannot be read is a usage error: checking against another kernel would mislead.
 */
function symbolProfile(
  values: ReturnType<typeof parseCheckArgumentsUnchecked>['values'],
  headers: HeaderIndex | undefined,
  io: CommandIo,
): KernelProfile | undefined {
  const resolved = targetProfile({
    ...(values.kallsyms !== undefined ? { kallsyms: values.kallsyms } : {}),
    ...(values.symvers !== undefined ? { moduleSymvers: values.symvers } : {}),
    ...(values.release !== undefined ? { release: values.release } : {}),
    ...(headers ? { headers: headers.headers } : {}),
  });
  const named = values.kallsyms !== undefined || values.symvers !== undefined;
  if (named && resolved.origin !== 'settings') throw new UsageError(resolved.problems.join('; '));
  for (const problem of resolved.problems) io.stderr(`lkm check: note: ${problem}\n`);
  if (resolved.origin === 'none') return undefined;
  io.stderr(`lkm check: symbols: ${resolved.description}\n`);
  return resolved.profile;
}

/** `--resource-pairs FILE`: a JSON list like the setting lkm.resourcePairs. */
function readResourcePairs(file: string | undefined): ResourcePairs {
  if (file === undefined) return DEFAULT_RESOURCE_PAIRS;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--resource-pairs ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { pairs, problems } = parseResourcePairs(raw);
  if (problems.length > 0) throw new UsageError(`--resource-pairs ${file}: ${problems.join('; ')}`);
  return ResourcePairs.withExtras(pairs);
}

function render(format: Format, reports: readonly FileReport[], cwd: string): string {
  switch (format) {
    case 'json':
      return formatJson(reports);
    case 'sarif':
      return formatSarif(reports, cwd);
    case 'text':
      return formatText(reports);
  }
}

function summary(reports: readonly FileReport[]): string {
  const count = (severity: string): number =>
    reports.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === severity).length, 0);
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')} in ${plural(reports.length, 'file')}\n`;
}
