import table from './resource-pairs.json';

/** One kind of resource: the calls that acquire it, the calls that release it, and how to undo it. */
export interface ResourcePair {
  readonly acquire: readonly string[];
  readonly release: readonly string[];
  /** What is acquired, in words: "a character device major number". */
  readonly what: string;
  /** The call a quick fix writes: `unregister_chrdev({result}, {1})`. */
  readonly undo: string;
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

  acquiredBy(call: string): ResourcePair | undefined {
    return this.byAcquire.get(call);
  }
}

export const DEFAULT_RESOURCE_PAIRS = ResourcePairs.withExtras();

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
