/** What the main thread and the evaluation workers send each other. Plain data only (structured clone). */
import type { Severity } from '../../server/src/kernel/checks/diagnostic';

/** Replaces [start, end) of a file's decoded text (UTF-16 offsets, as the facts give them). */
export interface SourceEdit {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
}

export interface AnalyzeTask {
  readonly kind: 'analyze';
  readonly id: number;
  /** The object name, as modpost reports it. */
  readonly module: string;
  readonly sources: readonly string[];
  /** The Kbuild file's -I directories (ccflags-y), searched after the kernel's. */
  readonly includeDirs?: readonly string[];
  /** Some Kbuild members are not C files (assembly, generated): they may define what the C uses. */
  readonly unreadMembers?: boolean;
  /** Those members' objects (`dir/foo.o`), as ModuleWorkspace.analyze finds them: their `.S` is read. */
  readonly unreadMemberFiles?: readonly string[];
  /** Edits applied in memory before parsing (seeded defects); none for the baseline. */
  readonly edits: readonly SourceEdit[];
  /** Whether to list where defects could be seeded (baseline runs only). */
  readonly wantCandidates: boolean;
  /**
   * Also analyse the module through ModuleWorkspace.analyze(its first source), the editor's own
   * path, and compare: proves this evaluation measures what users get.
   */
  readonly crossCheck: boolean;
  /** Names taken out of the kernel profile's exports for this task (seeded drop-export defects). */
  readonly hiddenExports?: readonly string[];
}

export interface ParseTask {
  readonly kind: 'parse';
  readonly id: number;
  readonly file: string;
}

export type Task = AnalyzeTask | ParseTask;

export interface FoundDiagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  readonly message: string;
}

/** Something that went wrong inside the task and was caught there. */
export interface TaskFailure {
  readonly kind: 'exception' | 'wasm-fault';
  readonly message: string;
  /** The file being read when it happened, or the step (`checks`). */
  readonly where: string;
}

export interface ModuleFacts {
  readonly isModule: boolean;
  /** Each MODULE_LICENSE's value, or null when its argument could not be read as a string. */
  readonly licenses: readonly (string | null)[];
  /** The macro names that gave the module its init and exit (`module_init`, `module_pci_driver`, …). */
  readonly inits: readonly string[];
  readonly exits: readonly string[];
  readonly exports: readonly { readonly name: string; readonly gplOnly: boolean; readonly namespace?: string }[];
  /** Files analysed: the Kbuild members found, then the `.c` files they #include. */
  readonly files: number;
  readonly includedFiles: number;
  /** Files that could not be read or were not analysed (missing, over the size limit, binary). */
  readonly skippedFiles: readonly string[];
  readonly bytes: number;
  /** Headers the module's includes reach (0 without headers), and its own includes none provides. */
  readonly headerFiles: number;
  readonly unresolvedIncludes: readonly string[];
}

/** Where a defect can be seeded in a module, found on its baseline analysis. */
export interface SeedCandidates {
  /** Deletes every MODULE_LICENSE statement; only when a licence was found and none is reported missing. */
  readonly license?: readonly SourceEdit[];
  /** Deletes every module_exit statement; only when every exit is a plain module_exit and init exists. */
  readonly exit?: readonly SourceEdit[];
  /** Drops one release call from exit, each an alternative. */
  readonly resource: readonly ResourceCandidate[];
  /** Calls in init to functions the module does not define: where a misspelling could be seeded. */
  readonly externalCalls: readonly ExternalCallCandidate[];
}

export interface ResourceCandidate {
  readonly acquire: string;
  readonly release: string;
  /** Deletes the release call expression (its `;` stays: an empty statement). */
  readonly edit: SourceEdit;
  readonly line: number;
}

export interface ExternalCallCandidate {
  readonly callee: string;
  /** Replaces the callee's name with the misspelt one. */
  readonly edit: SourceEdit;
  readonly line: number;
}

export interface AnalyzeReply {
  readonly kind: 'analyze';
  readonly id: number;
  readonly facts?: ModuleFacts;
  readonly diagnostics: readonly FoundDiagnostic[];
  readonly candidates?: SeedCandidates;
  readonly failures: readonly TaskFailure[];
  readonly ms: number;
  readonly crossCheck?: CrossCheck;
}

export interface CrossCheck {
  /** ModuleWorkspace chose the same module (name and files) and reported exactly the same diagnostics. */
  readonly agrees: boolean;
  /** What differed, when something did. */
  readonly detail?: string;
}

export interface ParseReply {
  readonly kind: 'parse';
  readonly id: number;
  readonly bytes: number;
  readonly ms: number;
  /** How the text came out: invalid UTF-8 read with replacements, or not analysable (NUL bytes). */
  readonly invalidUtf8: boolean;
  readonly failures: readonly TaskFailure[];
  readonly functions: number;
  readonly macros: number;
}

export type Reply = AnalyzeReply | ParseReply;

/** What every worker is started with (workerData). */
export interface WorkerSetup {
  /** The kernel build tree whose headers the analysis sees, or undefined for none. */
  readonly headers?: string;
  /** The kernel's symbol snapshots (Module.symvers, System.map): with them the symbol checks run. */
  readonly symbols?: { readonly moduleSymvers: string; readonly systemMap?: string; readonly release?: string };
}

/** From a worker: a reply, or the one message it sends once its parser is loaded. */
export type WorkerMessage = Reply | { readonly kind: 'ready' };
