/**
 * A module's C sources read for the interpreter: which files make the module (the Kbuild's
 * `<name>-y`/`<name>-objs`, else `<name>.c`, else every .c file of the folder), and what they
 * define: functions, file-scope variables with their initializers, prototypes, typedefs,
 * enumerators, macros, module_init/module_exit and the module parameters' variables (read with the
 * project's module model). Programs are cached per folder and module, and re-read when a file
 * changes (size or mtime).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { buildModule, type ModuleSource } from '../model/kernelModule';
import { extractFacts } from '../model/sourceFacts';
import type { CParser } from '../parsing/cParser';
import { ParsedSource } from '../parsing/parsedSource';
import { LineIndex } from '../text/lineIndex';
import { preprocessorBranch, SyntaxReader, type Expr, type FunctionSyntax, type Stmt, type VarDecl } from './syntax';
import type { CType } from './values';

export interface Macro {
  readonly name: string;
  /** Undefined for an object-like macro. */
  readonly params?: readonly string[];
  readonly value: string;
}

export interface ProgramParameter {
  /** The name insmod and sysfs use. */
  readonly name: string;
  /** The variable behind it. */
  readonly variable: string;
  readonly kind: 'scalar' | 'array' | 'string' | 'callback';
  readonly type?: string;
  /** module_param_array's count variable (`&nports` → nports), if any. */
  readonly countVariable?: string;
}

export interface Program {
  readonly name: string;
  readonly files: readonly string[];
  readonly functions: ReadonlyMap<string, FunctionSyntax>;
  /** File-scope variables in source order (extern declarations left out). */
  readonly globals: readonly VarDecl[];
  readonly prototypes: ReadonlyMap<string, CType>;
  readonly enumerators: ReadonlyMap<string, Expr>;
  readonly macros: ReadonlyMap<string, Macro>;
  readonly parameters: readonly ProgramParameter[];
  readonly init?: string;
  readonly exit?: string;
  /** An init/exit pair a macro writes (`module_platform_driver(x)`): its invocation. */
  readonly wrapper?: string;
  /** What reading the sources approximated. */
  readonly notes: readonly string[];
  /** Statements of a piece of C (a macro's expansion), parsed once per distinct text. */
  snippet(text: string): readonly Stmt[];
}

/** The C files of module `name` in `folder`. */
export function moduleFiles(folder: string, name: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return [];
  }
  const cFiles = entries.filter((e) => e.endsWith('.c')).sort();
  const spellings = [...new Set([name, name.replace(/_/g, '-')])];
  for (const makefile of ['Kbuild', 'Makefile']) {
    if (!entries.includes(makefile)) continue;
    let text: string;
    try {
      text = readFileSync(path.join(folder, makefile), 'utf8').replace(/\\\r?\n/g, ' ');
    } catch {
      continue;
    }
    const objects: string[] = [];
    for (const spelling of spellings) {
      const re = new RegExp(`^\\s*${escapeRe(spelling)}-(?:y|objs|\\$\\(CONFIG_\\w+\\))\\s*[:+]?=(.*)$`, 'gm');
      for (const m of text.matchAll(re)) objects.push(...m[1]!.split(/\s+/).filter((o) => o.endsWith('.o')));
    }
    const files = objects.map((o) => `${o.slice(0, -2)}.c`).filter((f) => cFiles.includes(f));
    if (files.length > 0) return files.map((f) => path.join(folder, f));
  }
  for (const spelling of spellings) if (cFiles.includes(`${spelling}.c`)) return [path.join(folder, `${spelling}.c`)];
  return cFiles.map((f) => path.join(folder, f));
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Size and mtime of each file: a program is read again when this changes. */
export function filesStamp(files: readonly string[]): string {
  return files
    .map((f) => {
      try {
        const s = statSync(f);
        return `${f}:${s.size}:${s.mtimeMs}`;
      } catch {
        return `${f}:missing`;
      }
    })
    .join('|');
}

const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

export function readProgram(parser: CParser, name: string, files: readonly string[]): Program {
  const notes: string[] = [];
  const functions = new Map<string, FunctionSyntax>();
  const globals: VarDecl[] = [];
  const prototypes = new Map<string, CType>();
  const macros = new Map<string, Macro>();
  const enumerators = new Map<string, Expr>();
  const typedefs = new Map<string, CType>();
  const sources: ModuleSource[] = [];

  const holds = (condition: string): boolean => {
    const c = condition.trim();
    const defined = /^defined\s*\(?\s*(\w+)\s*\)?$/.exec(c);
    if (defined) return defined[1] === 'MODULE' || macros.has(defined[1]!);
    const negatedDefined = /^!\s*defined\s*\(?\s*(\w+)\s*\)?$/.exec(c);
    if (negatedDefined) return !(negatedDefined[1] === 'MODULE' || macros.has(negatedDefined[1]!));
    if (/^\d+$/.test(c)) return Number(c) !== 0;
    const macro = macros.get(c);
    if (macro !== undefined && macro.params === undefined && /^\d+$/.test(macro.value.trim()))
      return Number(macro.value.trim()) !== 0;
    notes.push(`${name}: #if ${c} not decided (kernel configuration): its first branch is taken`);
    return true;
  };

  for (const file of files) {
    let text: string;
    try {
      const bytes = readFileSync(file);
      if (bytes.length > MAX_SOURCE_BYTES) {
        notes.push(`${name}: ${path.basename(file)} is larger than 4 MB: not read`);
        continue;
      }
      text = bytes.toString('utf8');
    } catch (error) {
      notes.push(
        `${name}: ${path.basename(file)} could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
      continue;
    }
    const parsed = ParsedSource.parse(parser, text);
    try {
      sources.push({ path: file, text, lines: new LineIndex(text), facts: extractFacts(parser, parsed) });
      const reader = new SyntaxReader(path.basename(file), (node) => preprocessorBranch(node, holds));
      for (const [k, v] of typedefs) reader.typedefs.set(k, v);
      const walk = (nodes: readonly Node[], depth: number) => {
        for (const node of nodes) {
          switch (node.type) {
            case 'function_definition': {
              const fn = reader.functionDefinition(node);
              if (fn !== undefined && !functions.has(fn.name)) functions.set(fn.name, fn);
              break;
            }
            case 'declaration': {
              const d = reader.declaration(node);
              for (const p of d.prototypes) if (!prototypes.has(p.name)) prototypes.set(p.name, p.returns);
              for (const v of d.vars) if (!v.isExtern) globals.push(v);
              break;
            }
            case 'type_definition':
              reader.typeDefinition(node);
              break;
            case 'enum_specifier':
              reader.baseType(node);
              break;
            case 'preproc_def': {
              const macroName = node.childForFieldName('name')?.text;
              if (macroName !== undefined)
                macros.set(macroName, { name: macroName, value: node.childForFieldName('value')?.text ?? '' });
              break;
            }
            case 'preproc_function_def': {
              const macroName = node.childForFieldName('name')?.text;
              const paramsNode = node.childForFieldName('parameters');
              const params: string[] = [];
              for (const p of paramsNode?.children ?? []) {
                if (p === null) continue;
                if (p.type === 'identifier') params.push(p.text);
                else if (p.type === '...') params.push('__VA_ARGS__');
              }
              if (macroName !== undefined)
                macros.set(macroName, {
                  name: macroName,
                  params,
                  value: node.childForFieldName('value')?.text ?? '',
                });
              break;
            }
            case 'preproc_if':
            case 'preproc_ifdef':
              if (depth < 64) walk(preprocessorBranch(node, holds), depth + 1);
              break;
            default:
              break;
          }
        }
      };
      walk(
        parsed.tree.rootNode.namedChildren.filter((n): n is Node => n !== null),
        0,
      );
      for (const [k, v] of reader.typedefs) typedefs.set(k, v);
      for (const [k, v] of reader.enumerators) if (!enumerators.has(k)) enumerators.set(k, v);
    } finally {
      parsed.dispose();
    }
  }

  const model = buildModule(name, sources);
  const parameters: ProgramParameter[] = model.parameters.map((p) => {
    const args = p.declaration.invocation.args.map((a) => a.text);
    const countArg =
      p.kind === 'array' ? args[p.declaration.invocation.name === 'module_param_array' ? 2 : 3] : undefined;
    const countVariable = countArg?.replace(/^&\s*/, '').trim();
    return {
      name: p.name,
      variable: p.variable,
      kind: p.kind,
      ...(p.type !== undefined ? { type: p.type } : {}),
      ...(countVariable !== undefined && countVariable !== 'NULL' && /^\w+$/.test(countVariable)
        ? { countVariable }
        : {}),
    };
  });
  const entry = (list: typeof model.inits) => {
    const invocation = list[0]?.invocation;
    if (invocation === undefined) return { name: undefined, wrapper: undefined };
    if (invocation.name === 'module_init' || invocation.name === 'module_exit' || invocation.name === 'late_initcall')
      return { name: invocation.args[0]?.text, wrapper: undefined };
    return { name: undefined, wrapper: `${invocation.name}(${invocation.args.map((a) => a.text).join(', ')})` };
  };
  const init = entry(model.inits);
  const exit = entry(model.exits);
  const wrapper = init.wrapper ?? exit.wrapper;

  const snippets = new Map<string, readonly Stmt[]>();
  return {
    name,
    files,
    functions,
    globals,
    prototypes,
    enumerators,
    macros,
    parameters,
    ...(init.name !== undefined ? { init: init.name } : {}),
    ...(exit.name !== undefined ? { exit: exit.name } : {}),
    ...(wrapper !== undefined ? { wrapper } : {}),
    notes: [...new Set(notes)],
    snippet(text: string): readonly Stmt[] {
      const cached = snippets.get(text);
      if (cached !== undefined) return cached;
      const statements = parseSnippet(parser, text, typedefs);
      if (snippets.size < 1000) snippets.set(text, statements);
      return statements;
    },
  };
}

/** Statements of a piece of C, read as the body of a function. */
function parseSnippet(parser: CParser, text: string, typedefs: ReadonlyMap<string, CType>): readonly Stmt[] {
  if (text.length > 64 * 1024) return [{ k: 'unsupported', what: 'a macro expansion larger than 64 KB', line: 0 }];
  const parsed = ParsedSource.parse(parser, `void __lkm_snippet(void)\n{\n${text};\n}\n`);
  try {
    const reader = new SyntaxReader('(macro expansion)');
    for (const [k, v] of typedefs) reader.typedefs.set(k, v);
    const node = parsed.tree.rootNode.namedChildren.find((n) => n?.type === 'function_definition');
    const fn = node ? reader.functionDefinition(node) : undefined;
    return fn?.body.body ?? [{ k: 'unsupported', what: `a macro expansion: ${text.slice(0, 40)}`, line: 0 }];
  } finally {
    parsed.dispose();
  }
}
