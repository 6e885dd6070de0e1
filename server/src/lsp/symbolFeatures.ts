import { pathToFileURL } from 'node:url';
import {
  CompletionItemKind,
  MarkupKind,
  SymbolKind,
  type CompletionList,
  type Hover,
  type Location,
  type Position,
  type SymbolInformation,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ModuleAnalysis } from '../kernel/analysis/moduleWorkspace';
import { isGplCompatible } from '../kernel/checks/licenses';
import type { SymbolScope } from '../kernel/checks/symbolChecks';
import { HeaderDeclarations } from '../kernel/navigation/headerDeclarations';
import { completeSymbols, identifierAt, searchSymbols } from '../kernel/navigation/symbolCompletions';
import { describeAsMarkdown, describeSymbol } from '../kernel/navigation/symbolDescriptions';

/** Where a name is declared, found without a module (workspace symbols). */
export type DeclarationFinder = (name: string) => { readonly file: string; readonly offset: number } | undefined;

/** Hover, completion, go-to-definition and workspace symbols over the kernel profile: LSP shapes only. */
export class SymbolFeatures {
  private readonly declarations = new HeaderDeclarations();

  hover(document: TextDocument, position: Position, analysis: ModuleAnalysis | undefined): Hover | null {
    const scope = analysis?.symbols;
    const word = identifierAt(document.getText(), document.offsetAt(position));
    if (scope === undefined || word === undefined) return null;
    const declared = analysis?.headerVisibility?.declarationOf(word.name);
    const declaration = declared ? this.declarations.read(declared.file, declared.offset) : undefined;
    const description = describeSymbol(word.name, scope, declaration);
    if (description === undefined) return null;
    return {
      contents: { kind: MarkupKind.Markdown, value: describeAsMarkdown(description) },
      range: { start: document.positionAt(word.start), end: document.positionAt(word.end) },
    };
  }

  completion(document: TextDocument, position: Position, analysis: ModuleAnalysis | undefined): CompletionList {
    const scope = analysis?.symbols;
    const offset = document.offsetAt(position);
    const word = identifierAt(document.getText().slice(0, offset), offset);
    if (scope === undefined || word === undefined) return { isIncomplete: false, items: [] };
    const license = analysis?.module.licenses.find((l) => l.value !== undefined)?.value;
    const result = completeSymbols(word.name, scope, {
      gplCompatible: license === undefined || isGplCompatible(license),
    });
    return {
      isIncomplete: result.incomplete,
      items: result.items.map((item) => ({
        label: item.name,
        kind: CompletionItemKind.Function,
        labelDetails: { description: `${item.owner}${item.gplOnly ? ' · GPL-only' : ''}` },
        detail: `${item.gplOnly ? 'EXPORT_SYMBOL_GPL' : 'EXPORT_SYMBOL'}${item.namespace ? ` (namespace ${item.namespace})` : ''} — ${item.inWorkspace ? `module ${item.owner} of this workspace` : item.owner}`,
      })),
    };
  }

  definition(document: TextDocument, position: Position, analysis: ModuleAnalysis | undefined): Location[] {
    const word = identifierAt(document.getText(), document.offsetAt(position));
    if (word === undefined || analysis === undefined) return [];
    const own = analysis.module.functions.get(word.name);
    if (own !== undefined && own.definition.nameStart !== word.start) {
      const { source, definition } = own;
      return [
        {
          uri: pathToFileURL(source.path).toString(),
          range: source.lines.rangeOf(definition.nameStart, definition.nameEnd),
        },
      ];
    }
    const declared = analysis.headerVisibility?.declarationOf(word.name);
    if (declared !== undefined) return this.locationsOf(declared.file, declared.offset, word.name.length);
    const exported = analysis.symbols?.workspaceExports(word.name).find((e) => e.file !== undefined);
    if (exported?.file !== undefined) return this.locationsOf(exported.file, exported.offset ?? 0, word.name.length);
    return [];
  }

  workspaceSymbols(query: string, scope: SymbolScope | undefined, find: DeclarationFinder): SymbolInformation[] {
    if (scope === undefined) return [];
    const found: SymbolInformation[] = [];
    for (const name of searchSymbols(query, scope)) {
      const exported = scope.profile.exported(name);
      const workspace = exported ? undefined : scope.workspaceExports(name)[0];
      const where =
        find(name) ?? (workspace?.file ? { file: workspace.file, offset: workspace.offset ?? 0 } : undefined);
      const location = where ? this.locationsOf(where.file, where.offset, name.length)[0] : undefined;
      if (location === undefined) continue;
      const kind = scope.profile.symbol(name)?.type;
      found.push({
        name,
        kind: kind !== undefined && !/^[tTwW]$/.test(kind) ? SymbolKind.Variable : SymbolKind.Function,
        location,
        containerName: exported ? exported.owner : `${workspace!.module} (workspace)`,
      });
    }
    return found;
  }

  private locationsOf(file: string, offset: number, length: number): Location[] {
    const declaration = this.declarations.read(file, offset);
    if (declaration === undefined) return [];
    const start = { line: declaration.line, character: declaration.character };
    return [
      {
        uri: pathToFileURL(file).toString(),
        range: { start, end: { line: start.line, character: start.character + length } },
      },
    ];
  }
}
