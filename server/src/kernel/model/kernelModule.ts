import * as path from 'node:path';
import type { LineIndex } from '../text/lineIndex';
import { stringLiteralValue } from '../text/cLexing';
import { moduleMacroKind } from './moduleMacros';
import type { MacroInvocation, SourceFacts } from './sourceFacts';

/** One C file of a module, with what was read from it. */
export interface ModuleSource {
  readonly path: string;
  readonly text: string;
  readonly lines: LineIndex;
  readonly facts: SourceFacts;
}

/** A macro invocation and the file it is in. */
export interface LocatedInvocation {
  readonly source: ModuleSource;
  readonly invocation: MacroInvocation;
}

export interface LicenseDeclaration extends LocatedInvocation {
  /** The licence string, when the argument is a literal or a macro defined in the module's sources. */
  readonly value?: string;
}

/** A loadable module as Kbuild would build it: a name and its sources. */
export interface KernelModule {
  /** The object name modpost reports, e.g. `hello` for hello.o. */
  readonly name: string;
  readonly sources: readonly ModuleSource[];
  /** Whether anything in the sources makes this a module: init/exit, a licence or other MODULE_* data. */
  readonly isModule: boolean;
  readonly licenses: readonly LicenseDeclaration[];
  readonly inits: readonly LocatedInvocation[];
  readonly exits: readonly LocatedInvocation[];
  /** Every module macro in source order, for checks that anchor on or insert near them. */
  readonly moduleMacros: readonly LocatedInvocation[];
}

/** A single .c file outside any Kbuild is a module of its own, named after the file. */
export function loneFileModule(source: ModuleSource): KernelModule {
  return buildModule(path.basename(source.path).replace(/\.[ch]$/, ''), [source]);
}

export function buildModule(name: string, sources: readonly ModuleSource[]): KernelModule {
  const licenses: LicenseDeclaration[] = [];
  const inits: LocatedInvocation[] = [];
  const exits: LocatedInvocation[] = [];
  const moduleMacros: LocatedInvocation[] = [];
  let describesModule = false;
  for (const source of sources) {
    for (const invocation of source.facts.macros) {
      const kind = moduleMacroKind(invocation.name);
      if (kind === undefined) continue;
      const located = { source, invocation };
      moduleMacros.push(located);
      switch (kind) {
        case 'license': {
          const value = licenseValue(invocation, sources);
          licenses.push(value === undefined ? located : { ...located, value });
          describesModule = true;
          break;
        }
        case 'init':
          inits.push(located);
          describesModule = true;
          break;
        case 'exit':
          exits.push(located);
          describesModule = true;
          break;
        case 'init-and-exit':
          inits.push(located);
          exits.push(located);
          describesModule = true;
          break;
        case 'metadata':
          describesModule = true;
          break;
        case 'export':
        case 'parameter':
          // Built-in code uses these too, so alone they do not make a module.
          break;
      }
    }
  }
  return { name, sources, isModule: describesModule, licenses, inits, exits, moduleMacros };
}

/** Reads `MODULE_LICENSE("GPL")`, `MODULE_LICENSE("GPL" " v2")` or `MODULE_LICENSE(DRV_LICENSE)`. */
function licenseValue(invocation: MacroInvocation, sources: readonly ModuleSource[]): string | undefined {
  const argument = invocation.args[0]?.text;
  if (argument === undefined) return undefined;
  const literal = stringLiteralValue(argument);
  if (literal !== undefined) return literal;
  for (const source of sources) {
    const define = source.facts.defines.find((d) => d.name === argument);
    if (define) return stringLiteralValue(define.value);
  }
  return undefined;
}
