import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { START_OF_FILE, type Diagnostic, type Severity } from '../checks/diagnostic';
import { isWasmFault, type CParser } from '../parsing/cParser';
import type { CheckContext } from '../checks/moduleChecks';
import type { HeaderIndex } from '../headers/headerIndex';
import { analysisFailed } from './analysisFailed';
import { ModuleWorkspace, readFromDisk } from './moduleWorkspace';
import { WorkspaceExportIndex } from './workspaceExports';
import type { KernelProfile } from '../symbols/kernelProfile';
import {
  DEFAULT_INPUT_LIMITS,
  decodeSourceBytes,
  fileTooLarge,
  inspectSourceText,
  type InputLimits,
} from './sourceInput';

export interface FileReport {
  /** As the user named it, or joined onto the folder they named. */
  readonly path: string;
  readonly diagnostics: readonly Diagnostic[];
}

export interface CheckOptions {
  readonly limits?: InputLimits;
  readonly context?: CheckContext;
  readonly headers?: HeaderIndex;
  /** The target kernel's symbols: with them the symbol checks run. */
  readonly profile?: KernelProfile;
  /** Told once per distinct limitation of the analysis (no headers, missing includes). */
  readonly onLimitation?: (message: string) => void;
}

const C_SOURCE = /\.[ch]$/;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.tmp_versions']);

/**
 * Checks files and folders (recursively, their .c files), each as part of its Kbuild module.
 * Never stops at a bad input: each one gets a diagnostic saying what is wrong with it, and the
 * rest are still checked.
 */
export async function checkPaths(
  parser: CParser,
  paths: readonly string[],
  options: CheckOptions = {},
): Promise<FileReport[]> {
  const { context, headers, profile } = options;
  const workspace = new ModuleWorkspace(parser, {
    limits: options.limits ?? DEFAULT_INPUT_LIMITS,
    ...(context ? { context } : {}),
    ...(headers ? { headers } : {}),
    ...(profile ? { profile } : {}),
  });
  // The modules named together may export to each other (provider and consumer).
  const roots = [...new Set(paths.map((p) => path.resolve(p)).map((p) => (C_SOURCE.test(p) ? path.dirname(p) : p)))];
  workspace.exportIndex = new WorkspaceExportIndex(roots, {
    moduleOf: (file) => workspace.moduleNameOf(file),
    readText: readFromDisk,
  });
  const told = new Set<string>();
  const tell = (message: string): void => {
    if (told.has(message)) return;
    told.add(message);
    options.onLimitation?.(message);
  };
  const reports: FileReport[] = [];
  for (const inputPath of paths) {
    const stat = await fs.stat(inputPath).catch((error: unknown) => error as NodeJS.ErrnoException);
    if (stat instanceof Error) {
      reports.push(fileProblem(inputPath, 'error', 'unreadable-file', `cannot read: ${describeSystemError(stat)}.`));
    } else if (stat.isDirectory()) {
      const { files, problems } = await findCSources(inputPath);
      reports.push(...problems);
      if (files.length === 0 && problems.length === 0) {
        reports.push(fileProblem(inputPath, 'warning', 'no-c-sources', 'no C sources (.c files) in this folder.'));
      }
      for (const file of files) reports.push(await checkFile(workspace, file, tell));
    } else if (!C_SOURCE.test(inputPath)) {
      reports.push(fileProblem(inputPath, 'error', 'not-c-source', 'not a C source (expected a .c or .h file).'));
    } else {
      reports.push(await checkFile(workspace, inputPath, tell));
    }
  }
  return reports;
}

/** One file: its own input problems first, then the diagnostics its module's analysis puts in it. */
async function checkFile(
  workspace: ModuleWorkspace,
  filePath: string,
  tell: (limitation: string) => void,
): Promise<FileReport> {
  let bytes: Buffer;
  try {
    const stat = await fs.stat(filePath);
    if (!stat.isFile()) {
      // A FIFO or device would block or never end: only regular files are read.
      return fileProblem(filePath, 'error', 'unreadable-file', 'cannot read: not a regular file.');
    }
    // Decide from the size alone: never read a huge file into memory just to refuse it.
    const tooLarge = fileTooLarge(stat.size, workspace.limits);
    if (tooLarge !== undefined) return { path: filePath, diagnostics: [tooLarge] };
    bytes = await fs.readFile(filePath);
  } catch (error) {
    return fileProblem(filePath, 'error', 'unreadable-file', `cannot read: ${describeSystemError(error)}.`);
  }
  const diagnostics: Diagnostic[] = [];
  try {
    const { text, encodingProblem } = decodeSourceBytes(bytes);
    const inputProblem = inspectSourceText(text, workspace.limits);
    if (inputProblem !== undefined) return { path: filePath, diagnostics: [inputProblem] };
    if (encodingProblem) diagnostics.push(encodingProblem);
    const analysis = await workspace.analyze(path.resolve(filePath));
    for (const limitation of analysis.limitations) tell(limitation);
    const absolute = path.resolve(filePath);
    diagnostics.push(...analysis.diagnostics.filter((d) => d.path === absolute).map((d) => d.diagnostic));
  } catch (error) {
    if (isWasmFault(error)) await workspace.recover();
    diagnostics.push(analysisFailed(error));
  }
  return { path: filePath, diagnostics };
}

/** The .c files under a folder, sorted. Symlinked folders are not followed, so no loop is possible. */
async function findCSources(folder: string): Promise<{ files: string[]; problems: FileReport[] }> {
  const files: string[] = [];
  const problems: FileReport[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      problems.push(fileProblem(dir, 'error', 'unreadable-file', `cannot read: ${describeSystemError(error)}.`));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_FOLDERS.has(entry.name)) await walk(full);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith('.c')) {
        files.push(full);
      }
    }
  };
  await walk(folder);
  return { files, problems };
}

function fileProblem(filePath: string, severity: Severity, code: string, message: string): FileReport {
  return { path: filePath, diagnostics: [{ range: START_OF_FILE, severity, code, source: 'lkm', message }] };
}

/** `No such file or directory (ENOENT)`: the words people know, and the errno name to search for. */
export function describeSystemError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const words = code ? message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '') : String(error);
  return code ? `${words} (${code})` : words;
}
