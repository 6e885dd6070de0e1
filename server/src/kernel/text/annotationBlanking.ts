/**
 * Kernel annotation macros (`__init`, `__iomem`, `__aligned(8)`, ...) confuse a plain C grammar:
 * `static int __init foo_init(void)` parses with `foo_init` as a type. We overwrite them with spaces
 * before parsing, so every offset, line and column stays the same as in the original text.
 */

/** Annotations written as a bare word. */
const BARE_ANNOTATIONS = [
  '__init',
  '__exit',
  '__initdata',
  '__exitdata',
  '__initconst',
  '__meminit',
  '__meminitdata',
  '__meminitconst',
  '__memexit',
  '__ref',
  '__refdata',
  '__refconst',
  '__devinit',
  '__devexit',
  '__devinitdata',
  '__devexit_p',
  '__iomem',
  '__user',
  '__kernel',
  '__force',
  '__rcu',
  '__percpu',
  '__bitwise',
  '__nocast',
  '__safe',
  '__private',
  '__must_check',
  '__maybe_unused',
  '__always_unused',
  '__used',
  '__unused',
  '__cold',
  '__hot',
  '__always_inline',
  '__inline',
  'noinline',
  'inline_for_performance',
  '__noreturn',
  '__packed',
  '__weak',
  '__pure',
  '__const',
  '__read_mostly',
  '__ro_after_init',
  '__visible',
  '__sched',
  '__latent_entropy',
  '__randomize_layout',
  '__no_randomize_layout',
  '__nocfi',
  '__noclone',
  '__naked',
  '__flatten',
  '__cacheline_aligned',
  '____cacheline_aligned',
  '__cacheline_aligned_in_smp',
  '____cacheline_aligned_in_smp',
  '____cacheline_internodealigned_in_smp',
  'asmlinkage',
  'notrace',
  '__deprecated',
  '__mustcheck',
  '__kprobes',
  'nokprobe_inline',
  '__irq_entry',
  '__softirq_entry',
  '__nostackprotector',
  '__noinstr',
  'noinstr',
  '__fastpath',
  '__acpi',
  '__lockfunc',
  '__attribute_const__',
  '__malloc',
  '__nonstring',
  '__designated_init',
  '__no_kasan_or_inline',
  '__no_sanitize_address',
  '__no_kcsan',
  '__no_sanitize_thread',
  '__no_sanitize_undefined',
  '__no_stack_protector',
];

/** Annotations that take a parenthesised argument list: the name and the whole list are blanked. */
const CALL_ANNOTATIONS = [
  '__attribute__',
  '__attribute',
  '__aligned',
  '__section',
  '__printf',
  '__scanf',
  '__acquires',
  '__releases',
  '__must_hold',
  '__cond_lock',
  '__alloc_size',
  '__counted_by',
  '__diag_ignore',
  '__assume_aligned',
  '__realloc_size',
  '__cleanup',
  '__free',
  '__guarded_by',
  '__pt_guarded_by',
  '__malloc_like',
  '__no_sanitize_or_inline',
];

const WORDS_WITHOUT_UNDERSCORES = new RegExp(
  `\\b(?:${BARE_ANNOTATIONS.filter((word) => !word.startsWith('__')).join('|')})\\b`,
);

const ANNOTATION_PATTERN = new RegExp(
  `\\b(?:(${CALL_ANNOTATIONS.join('|')})\\s*\\(|(?:${BARE_ANNOTATIONS.join('|')})\\b)`,
  'g',
);

/** Names the blanking removes, so the analysis can still ask whether a function was `__init`. */
export interface BlankedAnnotation {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

export interface BlankingResult {
  readonly text: string;
  readonly annotations: readonly BlankedAnnotation[];
}

/** Spaces for every character but line breaks, so lines and columns stay where they were. */
function blanked(text: string): string {
  return text.replace(/[^\r\n]/g, ' ');
}

/**
 * Index just past the parenthesis that closes the one at `open`, or -1 when it does not close
 * before a `;`, a brace or 4096 characters: an attribute's arguments hold none of those, so an
 * unclosed list costs little to give up on, and never blanks half a file.
 */
function matchingParenthesis(text: string, open: number): number {
  let depth = 0;
  const limit = Math.min(text.length, open + 4096);
  for (let i = open; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x28) depth++;
    else if (c === 0x29 && --depth === 0) return i + 1;
    else if (c === 0x3b || c === 0x7b || c === 0x7d) return -1;
  }
  return -1;
}

export function blankAnnotations(text: string): BlankingResult {
  // Fast path: most annotations start with "__", the rest are a handful of words.
  if (!text.includes('__') && !WORDS_WITHOUT_UNDERSCORES.test(text)) {
    return { text, annotations: [] };
  }
  const pieces: string[] = [];
  const annotations: BlankedAnnotation[] = [];
  let copied = 0;
  ANNOTATION_PATTERN.lastIndex = 0;
  for (let match = ANNOTATION_PATTERN.exec(text); match; match = ANNOTATION_PATTERN.exec(text)) {
    const start = match.index;
    let end = start + match[0].length;
    const callName = match[1];
    if (callName !== undefined) {
      const close = matchingParenthesis(text, end - 1);
      if (close === -1) continue;
      end = close;
      ANNOTATION_PATTERN.lastIndex = end;
    }
    pieces.push(text.slice(copied, start), blanked(text.slice(start, end)));
    copied = end;
    annotations.push({ name: callName ?? match[0], start, end });
  }
  if (annotations.length === 0) return { text, annotations };
  pieces.push(text.slice(copied));
  return { text: pieces.join(''), annotations };
}
