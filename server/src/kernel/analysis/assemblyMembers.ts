import * as path from 'node:path';
import { withoutComments } from '../text/cLexing';
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
 * Every word the sources of these members hold, which is where whatever they define is named:
 * `foo.o` read from `foo.S` (with the `.S` and `.h` files it includes from beside it), or, where
 * the build generates the file, from what it is generated from: `foo.S_shipped` or
 * `foo.c_shipped` (copied), `foo.pl` (perlasm), or the directory's Makefile rule for
 * `$(obj)/foo.c` — its recipe and the files it names (cfg80211's shipped-certs.c). Undefined when
 * a member's source is found in none of these forms, or when assembly makes names by pasting
 * (`##`, or `\name` inside a `.macro`): then anything may be defined there.
 */
export async function assemblyWords(
  memberObjects: readonly string[],
  readText: (file: string) => Promise<string | undefined>,
): Promise<ReadonlySet<string> | undefined> {
  const words = new Set<string>();
  const addWords = (text: string) => {
    for (const match of text.matchAll(/[A-Za-z_]\w*/g)) words.add(match[0]);
  };
  const queue: string[] = [];
  for (const object of memberObjects) {
    // scripts/asn1_compiler makes `X.asn1.c` from `X.asn1`: the decoder `X_decoder`, and a table
    // of the actions the grammar names (functions of the module's own C).
    if (object.endsWith('.asn1.o')) {
      const grammar = await readText(object.slice(0, -2));
      if (grammar === undefined) return undefined;
      addWords(grammar);
      words.add(`${path.basename(object, '.asn1.o')}_decoder`);
      continue;
    }
    const stem = object.slice(0, -2);
    if ((await readText(`${stem}.S`)) !== undefined) {
      queue.push(`${stem}.S`);
      continue;
    }
    const generator = await generatorText(stem, readText);
    if (generator === undefined || makesSymbolNames(generator.text, generator.perl)) return undefined;
    addWords(generator.text);
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
    addWords(text);
    for (const match of text.matchAll(/^[ \t]*#[ \t]*include[ \t]*"([^"\n]+\.[Sh])"/gm)) {
      queue.push(path.join(path.dirname(file), match[1]!));
    }
  }
  return words;
}

/** What the build generates `stem.S` or `stem.c` from, as one text; undefined when not found. */
async function generatorText(
  stem: string,
  readText: (file: string) => Promise<string | undefined>,
): Promise<{ readonly text: string; readonly perl: boolean } | undefined> {
  for (const source of [`${stem}.S_shipped`, `${stem}.c_shipped`, `${stem}.pl`]) {
    const text = await readText(source);
    if (text !== undefined) return { text, perl: source.endsWith('.pl') };
  }
  const dir = path.dirname(stem);
  const makefile = (await readText(path.join(dir, 'Makefile'))) ?? (await readText(path.join(dir, 'Kbuild')));
  if (makefile === undefined) return undefined;
  const rule = generationRule(makefile, path.basename(stem));
  if (rule === undefined) return undefined;
  const parts = [rule.recipe];
  for (const prerequisite of rule.prerequisites) {
    if (prerequisite === 'FORCE') continue;
    const local = /^(?:\$\(srctree\)\/)?\$\((?:src|obj)\)\/([\w./-]+)$/.exec(prerequisite);
    if (local === null) return undefined;
    const text = await readText(path.join(dir, local[1]!));
    if (text === undefined) return undefined;
    parts.push(text);
  }
  return { text: parts.join('\n'), perl: false };
}

/**
 * The Makefile rule that writes `$(obj)/name.c` or `.S`: its prerequisites and its recipe lines.
 * A `$(wildcard …)` is dropped: such files are data the recipe wraps (cfg80211's certificates in
 * hex, inside an array), named by no symbol.
 */
function generationRule(
  makefile: string,
  name: string,
): { readonly prerequisites: readonly string[]; readonly recipe: string } | undefined {
  const lines = makefile.replace(/\\\n/g, ' ').split('\n');
  const target = new RegExp(`^\\$\\(obj\\)/${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.[cS]\\s*:(?!=)(.*)$`);
  for (let i = 0; i < lines.length; i++) {
    const match = target.exec(lines[i]!);
    if (match === null) continue;
    const recipe: string[] = [];
    for (let j = i + 1; j < lines.length && lines[j]!.startsWith('\t'); j++) recipe.push(lines[j]!);
    const prerequisites = withoutWildcards(match[1]!)
      .split(/\s+/)
      .filter((word) => word !== '');
    return { prerequisites, recipe: recipe.join('\n') };
  }
  return undefined;
}

/**
 * Whether a symbol the assembly makes global is made by pasting: a `.globl`/`.set`/`.weak` operand
 * or SYM_…()/ENTRY() argument holding `##` (cpp), a gas macro argument (`aes_\\name`) or a perl
 * variable glued to a name. Pasting elsewhere (`val##d`, a register) defines nothing.
 */
function makesSymbolNames(text: string, perl = false): boolean {
  const code = withoutComments(text);
  const defining = /(?:\b(?:SYM_[A-Z_]+|ENTRY|ENDPROC|GLOBAL)\s*\(|\.(?:globl|global|set|weak)\s)\s*([^,)\n;]*)/gm;
  for (const match of code.matchAll(defining)) {
    // In a perl string the operand ends at its `\n` escape or closing quote.
    const symbol = perl ? (match[1] ?? '').replace(/(\\n|").*$/, '') : (match[1] ?? '');
    // `\\@` numbers a macro's local labels (`_done_\\@:`): never a symbol the C could use.
    if (symbol.includes('##') || symbol.replace(/\\@/g, '').includes('\\')) return true;
    // A perlasm generator's interpolation glued to a name (`poly1305_$x`, `${x}_avx`).
    if (/\w\$\w|\$\{\w+\}\w/.test(symbol)) return true;
  }
  return false;
}

/** The text with every `$(wildcard …)` taken out, nested `$(…)` inside it included. */
function withoutWildcards(text: string): string {
  let result = '';
  let at = 0;
  for (let start = text.indexOf('$(wildcard', at); start !== -1; start = text.indexOf('$(wildcard', at)) {
    result += text.slice(at, start) + ' ';
    let depth = 0;
    let end = start + 1;
    for (; end < text.length; end++) {
      if (text[end] === '(') depth++;
      else if (text[end] === ')' && --depth === 0) break;
    }
    at = end + 1;
  }
  return result + text.slice(at);
}
