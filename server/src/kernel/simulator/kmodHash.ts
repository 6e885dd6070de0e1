/**
 * kmod 30's hash table (shared/hash.c), for the orders that come out of it: depmod builds its module
 * array by walking `modules_by_name` (512 buckets) and writes modules.symbols by walking `symbols`
 * (2048 buckets). A walk goes bucket by bucket; a bucket keeps its keys sorted by strcmp. The table
 * never grows, so the order depends only on the keys and the bucket count.
 */

/** hash_superfast (Paul Hsieh's SuperFastHash) over the key's bytes, as kmod computes it on x86-64. */
export function hashSuperfast(key: string): number {
  const bytes = new TextEncoder().encode(key);
  let len = bytes.length;
  let hash = len >>> 0;
  const rem = len & 3;
  let i = 0;
  const u16 = (at: number) => bytes[at]! | (bytes[at + 1]! << 8);
  // key[2] is a (signed) char.
  const signedByte = (at: number) => (bytes[at]! << 24) >> 24;
  len >>>= 2;
  for (; len > 0; len--) {
    hash = (hash + u16(i)) >>> 0;
    const tmp = ((u16(i + 2) << 11) ^ hash) >>> 0;
    hash = ((hash << 16) ^ tmp) >>> 0;
    i += 4;
    hash = (hash + (hash >>> 11)) >>> 0;
  }
  switch (rem) {
    case 3:
      hash = (hash + u16(i)) >>> 0;
      hash = (hash ^ (hash << 16)) >>> 0;
      hash = (hash ^ (signedByte(i + 2) << 18)) >>> 0;
      hash = (hash + (hash >>> 11)) >>> 0;
      break;
    case 2:
      hash = (hash + u16(i)) >>> 0;
      hash = (hash ^ (hash << 11)) >>> 0;
      hash = (hash + (hash >>> 17)) >>> 0;
      break;
    case 1:
      hash = (hash + signedByte(i)) >>> 0;
      hash = (hash ^ (hash << 10)) >>> 0;
      hash = (hash + (hash >>> 1)) >>> 0;
      break;
  }
  hash = (hash ^ (hash << 3)) >>> 0;
  hash = (hash + (hash >>> 5)) >>> 0;
  hash = (hash ^ (hash << 4)) >>> 0;
  hash = (hash + (hash >>> 17)) >>> 0;
  hash = (hash ^ (hash << 25)) >>> 0;
  hash = (hash + (hash >>> 6)) >>> 0;
  return hash;
}

/** strcmp on the keys' bytes. */
function strcmp(a: string, b: string): number {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/**
 * A kmod hash table: hash_add (a key added again replaces its value in place), hash_find, and the
 * iteration order of hash_iter_next.
 */
export class KmodHash<V> {
  private readonly buckets: { key: string; value: V }[][];

  constructor(buckets: number) {
    // ALIGN_POWER2
    let n = 1;
    while (n < buckets) n <<= 1;
    this.buckets = Array.from({ length: n }, () => []);
  }

  private bucket(key: string): { key: string; value: V }[] {
    return this.buckets[hashSuperfast(key) & (this.buckets.length - 1)]!;
  }

  /** hash_add: a new key goes to its sorted place in the bucket; an existing one gets the new value. */
  add(key: string, value: V): void {
    const bucket = this.bucket(key);
    let i = 0;
    for (; i < bucket.length; i++) {
      const c = strcmp(key, bucket[i]!.key);
      if (c === 0) {
        bucket[i] = { key, value };
        return;
      }
      if (c < 0) break;
    }
    bucket.splice(i, 0, { key, value });
  }

  /** hash_add_unique: false (EEXIST) when the key is there already. */
  addUnique(key: string, value: V): boolean {
    if (this.find(key) !== undefined) return false;
    this.add(key, value);
    return true;
  }

  find(key: string): V | undefined {
    return this.bucket(key).find((e) => e.key === key)?.value;
  }

  /** hash_iter_next's order. */
  *entries(): IterableIterator<[string, V]> {
    for (const bucket of this.buckets) for (const e of bucket) yield [e.key, e.value];
  }
}
