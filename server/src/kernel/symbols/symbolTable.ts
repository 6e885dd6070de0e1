import type { KernelSymbol } from './kernelProfile';

/** Module index 0: the kernel image itself (a vmlinux line has no `[module]`). */
const VMLINUX = 0;
const MAX_MODULES = 0xffff;
const INITIAL_CAPACITY = 4096;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Upper-case nm type letters (and `u`, GNU unique) are global symbols. */
export function isGlobalType(type: number): boolean {
  return (type >= 0x41 && type <= 0x5a) || type === 0x75;
}

/** FNV-1a over the characters of text[start, end): readers compute it while they scan a name. */
export function nameHash(text: string, start = 0, end = text.length): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash;
}

export { FNV_OFFSET, FNV_PRIME };

/**
 * The symbols of a kallsyms or System.map snapshot, stored column-wise: a real kallsyms has 150–250k
 * lines, and an object (or even a string) per line costs time and memory. A name is kept as a range
 * of the chunk of text it was read from, and found through an open-addressing hash table of typed
 * arrays; KernelSymbol objects and name strings are made only when asked for. Duplicate names
 * (static functions of different files) are chained, first one first.
 */
export class SymbolTable {
  private readonly texts: string[] = [];
  private textOf = new Uint16Array(INITIAL_CAPACITY);
  private nameStart = new Int32Array(INITIAL_CAPACITY);
  private nameLength = new Uint16Array(INITIAL_CAPACITY);
  private hashes = new Int32Array(INITIAL_CAPACITY);
  /** The type letter's character code. */
  private types = new Uint8Array(INITIAL_CAPACITY);
  /** The address as two 32-bit halves: 64-bit addresses do not fit a double exactly. */
  private high = new Uint32Array(INITIAL_CAPACITY);
  private low = new Uint32Array(INITIAL_CAPACITY);
  private moduleOf = new Uint16Array(INITIAL_CAPACITY);
  /** The next entry of the same name, or -1. */
  private nextSameName = new Int32Array(INITIAL_CAPACITY);
  /** Hash slots holding entry index + 1 of the first entry of each name (0: empty); at most half full. */
  private slots = new Int32Array(INITIAL_CAPACITY * 2);
  /** The last entry of a chain, by its first entry; only names seen twice are here. */
  private readonly chainEnds = new Map<number, number>();
  private count = 0;
  private distinct = 0;
  /** Module names by index; index 0 is vmlinux. */
  readonly modules: string[] = [''];
  private readonly moduleIds = new Map<string, number>();
  /** Set by the reader when every address read was zero (kptr_restrict): addresses are then left out. */
  addressesHidden = false;

  get size(): number {
    return this.count;
  }

  /** How many distinct names. */
  get distinctNames(): number {
    return this.distinct;
  }

  /** The index for `[module]`, or undefined when there are too many modules to number. */
  moduleId(name: string): number | undefined {
    const known = this.moduleIds.get(name);
    if (known !== undefined) return known;
    if (this.modules.length > MAX_MODULES) return undefined;
    this.modules.push(name);
    this.moduleIds.set(name, this.modules.length - 1);
    return this.modules.length - 1;
  }

  /**
   * Registers a text that names will be ranges of (a reader's chunk); returns its number for add().
   * Undefined when there are too many (over 65,535 chunks of a few MB: far past any real snapshot).
   */
  addText(text: string): number | undefined {
    if (this.texts.length > 0xffff) return undefined;
    this.texts.push(text);
    return this.texts.length - 1;
  }

  /** Adds the symbol named text[start, end) of a text from addText(); `hash` is nameHash of that range. */
  add(
    textIndex: number,
    start: number,
    end: number,
    hash: number,
    type: number,
    high: number,
    low: number,
    module: number = VMLINUX,
  ): number {
    const index = this.count;
    if (index === this.types.length) this.grow();
    this.textOf[index] = textIndex;
    this.nameStart[index] = start;
    this.nameLength[index] = end - start;
    this.hashes[index] = hash;
    this.types[index] = type;
    this.high[index] = high;
    this.low[index] = low;
    this.moduleOf[index] = module;
    this.nextSameName[index] = -1;
    this.count++;
    const text = this.texts[textIndex]!;
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]! - 1;
      if (held === -1) {
        this.slots[slot] = index + 1;
        this.distinct++;
        if (this.distinct * 2 > this.slots.length) this.rehash();
        return index;
      }
      if (this.hashes[held] === hash && this.sameName(held, text, start, end)) {
        // Duplicates are rare (about 1% of names): a side map of chain ends keeps appends O(1).
        const last = this.chainEnds.get(held) ?? held;
        this.nextSameName[last] = index;
        this.chainEnds.set(held, index);
        return index;
      }
    }
  }

  /** The entry `symbol(name)` answers with: the first global one of that name, else the first. */
  find(name: string): number {
    const first = this.first(name);
    for (let i = first; i !== -1; i = this.nextSameName[i]!) {
      if (isGlobalType(this.types[i]!)) return i;
    }
    return first;
  }

  /** Every entry of that name, in the order added. */
  findAll(name: string): number[] {
    const found: number[] = [];
    for (let i = this.first(name); i !== -1; i = this.nextSameName[i]!) found.push(i);
    return found;
  }

  name(index: number): string {
    const start = this.nameStart[index]!;
    return this.texts[this.textOf[index]!]!.slice(start, start + this.nameLength[index]!);
  }

  /** Whether the entry's name starts with `prefix`, without making the name. */
  nameStartsWith(index: number, prefix: string): boolean {
    return (
      this.nameLength[index]! >= prefix.length &&
      this.texts[this.textOf[index]!]!.startsWith(prefix, this.nameStart[index])
    );
  }

  typeCode(index: number): number {
    return this.types[index]!;
  }

  moduleIndex(index: number): number {
    return this.moduleOf[index]!;
  }

  addressHigh(index: number): number {
    return this.high[index]!;
  }

  addressLow(index: number): number {
    return this.low[index]!;
  }

  /** 16 hex digits, as kallsyms prints a 64-bit address. */
  address(index: number): string {
    return this.high[index]!.toString(16).padStart(8, '0') + this.low[index]!.toString(16).padStart(8, '0');
  }

  symbolAt(index: number): KernelSymbol {
    // Built field by field: object spreads cost more than the lookup itself.
    const symbol: { -readonly [K in keyof KernelSymbol]: KernelSymbol[K] } = {
      name: this.name(index),
      type: String.fromCharCode(this.types[index]!),
    };
    if (!this.addressesHidden) symbol.address = this.address(index);
    const module = this.moduleOf[index]!;
    if (module !== VMLINUX) symbol.module = this.modules[module]!;
    return symbol;
  }

  private first(name: string): number {
    const hash = nameHash(name);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]! - 1;
      if (held === -1) return -1;
      if (
        this.hashes[held] === hash &&
        this.nameLength[held] === name.length &&
        this.texts[this.textOf[held]!]!.startsWith(name, this.nameStart[held])
      ) {
        return held;
      }
    }
  }

  private sameName(index: number, text: string, start: number, end: number): boolean {
    const length = end - start;
    if (this.nameLength[index] !== length) return false;
    const other = this.texts[this.textOf[index]!]!;
    const otherStart = this.nameStart[index]!;
    for (let i = 0; i < length; i++) {
      if (other.charCodeAt(otherStart + i) !== text.charCodeAt(start + i)) return false;
    }
    return true;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (const held of this.slots) {
      if (held === 0) continue;
      let slot = this.hashes[held - 1]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = held;
    }
    this.slots = slots;
  }

  private grow(): void {
    const capacity = this.types.length * 2;
    const grown = <T extends Uint8Array | Uint16Array | Uint32Array | Int32Array>(old: T, bigger: T): T => {
      bigger.set(old);
      return bigger;
    };
    this.textOf = grown(this.textOf, new Uint16Array(capacity));
    this.nameStart = grown(this.nameStart, new Int32Array(capacity));
    this.nameLength = grown(this.nameLength, new Uint16Array(capacity));
    this.hashes = grown(this.hashes, new Int32Array(capacity));
    this.types = grown(this.types, new Uint8Array(capacity));
    this.high = grown(this.high, new Uint32Array(capacity));
    this.low = grown(this.low, new Uint32Array(capacity));
    this.moduleOf = grown(this.moduleOf, new Uint16Array(capacity));
    this.nextSameName = grown(this.nextSameName, new Int32Array(capacity));
  }
}
