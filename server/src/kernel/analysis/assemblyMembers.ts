import * as path from 'node:path';
import type { LocatedModule } from '../kbuild/moduleLocator';

/** The members of a Kbuild module that have no `.c` file among its sources (assembly, generated C). */
export function unreadMembers(kbuild: Pick<LocatedModule, 'kbuildPath' | 'members' | 'sources'>): string[] {
  const dir = path.dirname(kbuild.kbuildPath);
  const present = new Set(kbuild.sources);
  return kbuild.members
    .map((m) => m.object)
    .filter((object) => !present.has(path.join(dir, ...`${object.slice(0, -2)}.c`.split('/'))))
    .map((object) => path.join(dir, ...object.split('/')));
}

/**
 * Every word the assembly sources of these members hold (`foo.o` read from `foo.S`, with the `.S`
 * and `.h` files it includes from beside it): what they can define is among them. Undefined when a member has no
 * `.S` file (generated C such as lib/raid6's tables.c, an `.asn1.o`), or when the assembly makes
 * names by pasting (`##`, or `\name` inside a `.macro`): then anything may be defined there.
 */
export async function assemblyWords(
  memberObjects: readonly string[],
  readText: (file: string) => Promise<string | undefined>,
): Promise<ReadonlySet<string> | undefined> {
  const words = new Set<string>();
  const queue: string[] = [];
  for (const object of memberObjects) {
    // scripts/asn1_compiler makes `X.asn1.c` from `X.asn1`: the decoder `X_decoder`, and a table
    // of the actions the grammar names (functions of the module's own C).
    if (object.endsWith('.asn1.o')) {
      const grammar = await readText(object.slice(0, -2));
      if (grammar === undefined) return undefined;
      for (const match of grammar.matchAll(/[A-Za-z_]\w*/g)) words.add(match[0]);
      words.add(`${path.basename(object, '.asn1.o')}_decoder`);
    } else queue.push(object.replace(/\.o$/, '.S'));
  }
  const seen = new Set<string>();
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readText(file);
    // A header beside it that is not there comes from the -I directories: the kernel's, which
    // name no module's symbols.
    if (text === undefined) {
      if (file.endsWith('.h')) continue;
      return undefined;
    }
    if (makesSymbolNames(text)) return undefined;
    for (const match of text.matchAll(/[A-Za-z_]\w*/g)) words.add(match[0]);
    for (const match of text.matchAll(/^[ \t]*#[ \t]*include[ \t]*"([^"\n]+\.[Sh])"/gm)) {
      queue.push(path.join(path.dirname(file), match[1]!));
    }
  }
  return words;
}

/**
 * Whether a symbol the assembly makes global is made by pasting: a `.globl`/`.set`/`.weak` operand
 * or SYM_…()/ENTRY() argument holding `##` (cpp) or a gas macro argument (`aes_\\name`). Pasting
 * elsewhere (`val##d`, a register) defines nothing.
 */
function makesSymbolNames(text: string): boolean {
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ');
  const defining = /(?:\b(?:SYM_[A-Z_]+|ENTRY|ENDPROC|GLOBAL)\s*\(|\.(?:globl|global|set|weak)\s)\s*([^,)\n;]*)/gm;
  for (const match of code.matchAll(defining)) {
    const symbol = match[1] ?? '';
    // `\\@` numbers a macro's local labels (`_done_\\@:`): never a symbol the C could use.
    if (symbol.includes('##') || symbol.replace(/\\@/g, '').includes('\\')) return true;
  }
  return false;
}
