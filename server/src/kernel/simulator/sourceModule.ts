/**
 * A module given as sources (no .ko): the loadable shape kbuild would produce, estimated from the
 * module model. The .modinfo entries are the module macros' in reverse source order (as gcc emits
 * them) followed by modpost's depends/retpoline/name/vermagic; symbol versions are the target's (it
 * is built against it). Section sizes are estimates, and imports can only be approximate: names the
 * sources declare `extern` are certain imports; other calls to names the module does not define may
 * be header inlines or macros, so they count only when some loaded code exports them. Imports come in
 * the order `ld -r` puts undefined symbols in a .ko's symbol table (its hash table's walk).
 */
import { SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHT_NOBITS, SHT_PROGBITS } from '../elf/elfConstants';
import { stringLiteralValue } from '../text/cLexing';
import type { KernelModule, LocatedInvocation } from '../model/kernelModule';
import { descriptionText, permissionValue } from '../model/moduleParameters';
import type { KernelConfig } from './kernelConfig';
import type {
  LoadableImport,
  LoadableModule,
  LoadableParameter,
  LoadableSection,
  LoadableSymbol,
  ParameterType,
} from './loadableModule';
import { typeFromModinfo } from './koModule';

export interface SourceModuleOptions {
  readonly config: KernelConfig;
  /** Exports of the other modules being built or installed, by symbol: they make `depends=`. */
  readonly otherExports?: ReadonlyMap<string, string>;
}

interface Ordered {
  readonly file: number;
  readonly offset: number;
  readonly key: string;
  readonly value: string;
}

export function moduleFromSource(module: KernelModule, folder: string, options: SourceModuleOptions): LoadableModule {
  const name = module.name.replace(/-/g, '_');
  const fileIndex = (located: LocatedInvocation) => module.sources.indexOf(located.source);
  const entries: Ordered[] = [];
  for (const l of module.licenses)
    if (l.value !== undefined)
      entries.push({ file: fileIndex(l), offset: l.invocation.start, key: 'license', value: l.value });
  for (const m of module.metadata) {
    if (m.value === undefined) continue;
    entries.push({ file: fileIndex(m), offset: m.invocation.start, key: m.key, value: m.value });
  }
  for (const p of module.parameters) {
    const type = parameterTypeText(p.kind, p.type);
    entries.push({
      file: fileIndex(p.declaration),
      offset: p.declaration.invocation.start,
      key: 'parmtype',
      value: `${p.name}:${type}`,
    });
    for (const d of p.descriptions) {
      const text = descriptionText(d);
      if (text !== undefined)
        entries.push({ file: fileIndex(p.declaration), offset: d.start, key: 'parm', value: `${p.name}:${text}` });
    }
  }
  entries.sort((a, b) => b.file - a.file || b.offset - a.offset);

  const defined = module.definedNames;
  const imports: LoadableImport[] = [];
  const seen = new Set<string>();
  const addImport = (symbol: string, certain: boolean) => {
    if (seen.has(symbol) || defined.has(symbol)) return;
    seen.add(symbol);
    imports.push({ name: symbol, weak: false, certain });
  };
  for (const source of module.sources) {
    for (const d of source.facts.declarations) {
      if (d.isExtern && !d.defines && !module.functions.has(d.name)) addImport(d.name, true);
    }
  }
  for (const p of module.parameters) {
    if (p.kind === 'array') addImport('param_array_ops', true);
    if (p.kind === 'string') addImport('param_ops_string', true);
    if (p.type !== undefined && p.kind !== 'callback') addImport(`param_ops_${p.type}`, true);
  }
  for (const { definition } of module.functions.values()) {
    for (const use of definition.uses) if (use.isCall) addImport(use.name, false);
  }
  // The .ko's symbol table order, which the loader's messages follow (simplify_symbols walks it).
  imports.splice(0, imports.length, ...inLinkerOrder(imports, (i) => i.name));
  const depends = [
    ...new Set(imports.map((i) => options.otherExports?.get(i.name)).filter((m) => m !== undefined && m !== name)),
  ];

  const modinfo = [
    ...entries.map((e) => ({ key: e.key, value: e.value })),
    { key: 'depends', value: depends.join(',') },
    { key: 'retpoline', value: 'Y' },
    { key: 'name', value: name },
    { key: 'vermagic', value: options.config.vermagic },
  ];
  const license = entries.find((e) => e.key === 'license')?.value;

  const initNames = new Set(module.inits.map((i) => i.invocation.args[0]?.text).filter((t) => t !== undefined));
  const exitNames = new Set(module.exits.map((i) => i.invocation.args[0]?.text).filter((t) => t !== undefined));
  const sizes = { text: 0, init: 0, exit: 0 };
  const symbols: LoadableSymbol[] = [];
  for (const [fn, { definition }] of module.functions) {
    // About one byte of x86 code per two characters of C body, 16-byte aligned.
    const size = Math.max(16, Math.ceil((definition.bodyEnd - definition.bodyStart) / 2));
    const section = initNames.has(fn) ? '.init.text' : exitNames.has(fn) ? '.exit.text' : '.text';
    const key = section === '.init.text' ? 'init' : section === '.exit.text' ? 'exit' : 'text';
    symbols.push({ name: fn, section, value: sizes[key], size, global: !definition.isStatic, kind: 'function' });
    sizes[key] += Math.ceil(size / 16) * 16;
  }
  let strings = 0;
  for (const source of module.sources)
    for (const m of source.text.matchAll(/"(?:[^"\\\n]|\\.)*"/g)) strings += m[0].length - 1;
  const exportNames = module.exports.filter((e) => !e.generated);
  const stringBytes = exportNames.reduce((n, e) => n + e.name.length + 2 + (e.namespace?.length ?? 0), 0);
  const section = (name: string, size: number, flags: number, align: number, type = SHT_PROGBITS): LoadableSection => ({
    name,
    size,
    flags,
    type,
    align,
  });
  const sections: LoadableSection[] = [
    section('.note.gnu.build-id', 36, SHF_ALLOC, 4, 7),
    section('.note.Linux', 60, SHF_ALLOC, 4, 7),
    section('.text', sizes.text, SHF_ALLOC | SHF_EXECINSTR, 16),
    ...(module.inits.length > 0 ? [section('.init.text', sizes.init, SHF_ALLOC | SHF_EXECINSTR, 16)] : []),
    ...(module.exits.length > 0 ? [section('.exit.text', sizes.exit, SHF_ALLOC | SHF_EXECINSTR, 16)] : []),
    ...(exportNames.length > 0
      ? [
          section('__ksymtab', 12 * exportNames.filter((e) => !e.gplOnly).length, SHF_ALLOC, 4),
          section('__ksymtab_gpl', 12 * exportNames.filter((e) => e.gplOnly).length, SHF_ALLOC, 4),
          section('__ksymtab_strings', stringBytes, SHF_ALLOC | 0x20, 1),
        ]
      : []),
    section('.rodata.str1.1', strings, SHF_ALLOC | 0x30, 1),
    section(
      '.modinfo',
      modinfo.reduce((n, e) => n + e.key.length + e.value.length + 2, 0),
      SHF_ALLOC,
      1,
    ),
    section('__versions', 64 * imports.length, SHF_ALLOC, 32),
    section('.data', 8 * module.parameters.length, SHF_ALLOC | SHF_WRITE, 16),
    section('.gnu.linkonce.this_module', 896, SHF_ALLOC | SHF_WRITE, 64),
    section('.bss', 0, SHF_ALLOC | SHF_WRITE, 1, SHT_NOBITS),
  ];
  symbols.push({
    name: '__this_module',
    section: '.gnu.linkonce.this_module',
    value: 0,
    size: 896,
    global: true,
    kind: 'object',
  });
  return {
    name,
    origin: 'source',
    path: folder,
    modinfo,
    vermagic: options.config.vermagic,
    ...(license !== undefined ? { license } : {}),
    exports: exportNames.map((e) => ({
      name: e.name,
      gplOnly: e.gplOnly,
      ...(e.namespace !== undefined ? { namespace: e.namespace } : {}),
    })),
    imports,
    builtAgainstTarget: true,
    hasInit: module.inits.length > 0,
    hasExit: module.exits.length > 0,
    sections,
    symbols,
    symbolTable: { entries: symbols.length + 40, stringBytes: symbols.reduce((n, s) => n + s.name.length + 1, 600) },
    parameters: module.parameters.map((p) => sourceParameter(module, p)),
    signed: false,
    approximations: [
      `${name}: built from sources: section sizes are estimated (/proc/modules sizes may differ from a real build)`,
      `${name}: imports read from sources: calls to names nobody exports are taken to be header inlines or macros`,
    ],
    sourceDir: folder,
  };
}

/** The size of GNU ld's symbol hash table (bfd_default_hash_table_size); it grows only past 3/4 full. */
const BFD_HASH_SIZE = 4051;

/** bfd_hash_hash (binutils bfd/hash.c), 64-bit unsigned long. */
export function bfdHash(name: string): bigint {
  const mask = (1n << 64n) - 1n;
  let hash = 0n;
  const bytes = new TextEncoder().encode(name);
  for (const byte of bytes) {
    const c = BigInt(byte);
    hash = (hash + c + (c << 17n)) & mask;
    hash ^= hash >> 2n;
  }
  const len = BigInt(bytes.length);
  hash = (hash + len + (len << 17n)) & mask;
  hash ^= hash >> 2n;
  return hash;
}

/**
 * Global symbols in the order `ld -r` writes them into a .ko (kbuild links every module with it):
 * the walk of its hash table, bucket by bucket (bfd_hash_traverse). Every .ko in test/fixtures is in
 * this order. Within a bucket the symbol ld saw last comes first; which one that is depends on the
 * compiler's output, so there the reverse of the order given is taken (rare: 4051 buckets).
 */
export function inLinkerOrder<T>(items: readonly T[], name: (item: T) => string): T[] {
  const keyed = items.map((item, i) => ({ item, i, bucket: Number(bfdHash(name(item)) % BigInt(BFD_HASH_SIZE)) }));
  return keyed.sort((a, b) => a.bucket - b.bucket || b.i - a.i).map((k) => k.item);
}

function parameterTypeText(kind: string, type: string | undefined): string {
  if (kind === 'string') return 'string';
  if (kind === 'array') return `array of ${type ?? 'int'}`;
  return type ?? 'unknown';
}

function sourceParameter(module: KernelModule, p: KernelModule['parameters'][number]): LoadableParameter {
  const type: ParameterType =
    p.kind === 'string' ? 'string' : p.kind === 'callback' ? 'unknown' : typeFromModinfo(p.type);
  const perm = permissionValue(p.permissions.text) ?? 0;
  const description = p.descriptions.map(descriptionText).find((d) => d !== undefined);
  const text = module.sources.map((s) => s.text).join('\n');
  const variable = escape(p.variable);
  const declaration = new RegExp(`\\b${variable}\\s*(?:\\[\\s*([^\\]]*)\\s*\\])?\\s*(?:=\\s*([^;]+))?;`).exec(text);
  const dimension = declaration?.[1]?.trim();
  const initializer = declaration?.[2]?.trim();
  const base = { name: p.name, perm, ...(description !== undefined ? { description } : {}), from: 'source' as const };
  if (p.kind === 'string') {
    return {
      ...base,
      type,
      maxLength: Number.parseInt(dimension ?? '', 10) || 1024,
      initial: [literal(initializer, 'string') ?? ''],
    };
  }
  if (p.kind === 'array') {
    const max = Number.parseInt(dimension ?? '', 10) || 0;
    const items =
      initializer
        ?.replace(/^\{|\}$/g, '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '') ?? [];
    const countName =
      p.declaration.invocation.args[p.declaration.invocation.name === 'module_param_array' ? 2 : 3]?.text;
    const countVariable = countName?.replace(/^&\s*/, '');
    let count = max;
    const fixed = countVariable === undefined || countVariable === 'NULL';
    if (!fixed) {
      const c = new RegExp(`\\b${escape(countVariable)}\\s*=\\s*(\\d+)`).exec(text);
      count = c ? Number.parseInt(c[1]!, 10) : 0;
    }
    // Elements the initializer does not reach are zero (a NULL char *).
    const initial = Array.from(
      { length: Math.min(count, max) },
      (_, i) => (items[i] === undefined ? undefined : literal(items[i], type)) ?? zero(type) ?? '0',
    );
    return { ...base, type, array: { max, count: Math.min(count, max), fixed }, initial };
  }
  // A static variable without an initializer is zero.
  const value = declaration !== null && initializer === undefined ? zero(type) : literal(initializer, type);
  return { ...base, type, initial: value === undefined ? [] : [value] };
}

function zero(type: ParameterType): string | undefined {
  if (type === 'bool' || type === 'bint') return 'N';
  if (type === 'invbool') return 'Y';
  if (type === 'charp') return '(null)';
  if (type === 'hexint') return '00000000';
  return type === 'unknown' ? undefined : '0';
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A C initializer as the parameter's get() would print it; undefined when it is not a plain literal. */
function literal(text: string | undefined, type: ParameterType): string | undefined {
  if (text === undefined) return undefined;
  if (type === 'charp' || type === 'string') return stringLiteralValue(text);
  if (type === 'bool' || type === 'bint' || type === 'invbool') {
    const truth = /^(true|1)$/.test(text) ? true : /^(false|0)$/.test(text) ? false : undefined;
    if (truth === undefined) return undefined;
    return (type === 'invbool' ? !truth : truth) ? 'Y' : 'N';
  }
  const n = /^(-?)\s*(0x[0-9a-fA-F]+|\d+)[uUlL]*$/.exec(text);
  if (!n) return undefined;
  const value = BigInt(n[2]!) * (n[1] === '-' ? -1n : 1n);
  if (type === 'hexint') return value === 0n ? '00000000' : `0x${value.toString(16).padStart(6, '0')}`;
  return value.toString();
}
