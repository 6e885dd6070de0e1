import table from './resource-pairs.json';

/** One kind of resource: the calls that acquire it, the calls that release it, and how to undo it. */
export interface ResourcePair {
  readonly acquire: readonly string[];
  readonly release: readonly string[];
  /** What is acquired, in words: "a character device major number". */
  readonly what: string;
  /** The call a quick fix writes: `unregister_chrdev({result}, {1})`. */
  readonly undo: string;
  /** False for set-up calls that hold nothing until later (timer_setup): an error path leaks nothing. */
  readonly errorPaths?: boolean;
}

export class ResourcePairs {
  private readonly byAcquire = new Map<string, ResourcePair>();

  constructor(readonly pairs: readonly ResourcePair[]) {
    for (const pair of pairs) for (const name of pair.acquire) this.byAcquire.set(name, pair);
  }

  /** The built-in table, plus pairs from the user (the setting lkm.resourcePairs), which win. */
  static withExtras(extra: readonly ResourcePair[] = []): ResourcePairs {
    return new ResourcePairs([...(table.pairs as ResourcePair[]), ...extra]);
  }

  get size(): number {
    return this.pairs.length;
  }

  acquiredBy(call: string): ResourcePair | undefined {
    return this.byAcquire.get(call);
  }
}

export const DEFAULT_RESOURCE_PAIRS = ResourcePairs.withExtras();

/**
 * Pairs a user wrote (the setting lkm.resourcePairs, or lkm check --resource-pairs): each needs
 * `acquire` and `release` (a name or a list); `what` and `undo` are optional. Entries that are
 * not of that shape are returned as problems, never thrown.
 */
export function parseResourcePairs(raw: unknown): { pairs: ResourcePair[]; problems: string[] } {
  const pairs: ResourcePair[] = [];
  const problems: string[] = [];
  if (!Array.isArray(raw)) return { pairs, problems: raw === undefined ? [] : ['expected a list of pairs'] };
  const names = (value: unknown): string[] | undefined => {
    const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
    return list !== undefined && list.length > 0 && list.every((n) => typeof n === 'string' && /^[A-Za-z_]\w*$/.test(n))
      ? (list as string[])
      : undefined;
  };
  raw.forEach((entry: unknown, index) => {
    const record = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
    const acquire = names(record['acquire']);
    const release = names(record['release']);
    if (acquire === undefined || release === undefined) {
      problems.push(`pair ${index + 1}: needs "acquire" and "release", each a function name or a list of them`);
      return;
    }
    const what = typeof record['what'] === 'string' ? record['what'] : `what ${acquire[0]}() acquires`;
    const undo = typeof record['undo'] === 'string' ? record['undo'] : `${release[0]}({result})`;
    pairs.push({ acquire, release, what, undo });
  });
  return { pairs, problems };
}

/** Fills an undo template from the acquiring call; undefined when a needed piece is missing. */
export function renderUndo(
  pair: ResourcePair,
  args: readonly string[],
  result: string | undefined,
): string | undefined {
  let missing = false;
  const text = pair.undo.replace(/\{(result|-?\d+)(\*?)\}/g, (_, key: string, deref: string) => {
    let value: string | undefined;
    if (key === 'result') value = result;
    else {
      const index = Number(key);
      value = index < 0 ? args[args.length + index] : args[index];
    }
    if (value === undefined) {
      missing = true;
      return '';
    }
    return deref ? value.replace(/^&\s*/, '') : value;
  });
  return missing ? undefined : text;
}
