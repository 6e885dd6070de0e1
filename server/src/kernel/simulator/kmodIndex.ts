/**
 * kmod's binary index (the `.bin` files depmod writes beside modules.dep, modules.alias, …), as
 * kmod 30's tools/depmod.c builds it (index_create, index_insert, index_write) and
 * libkmod/libkmod-index.c reads it:
 *
 * - a trie of keys with path compression: a node holds the rest of a key it alone leads to
 *   (`prefix`), its values, and children indexed by the next character (first..last);
 * - inserting a key that leaves a node's prefix part way splits the node: the node keeps the common
 *   part, and a new child (at the first differing character) takes the rest with the old children
 *   and values;
 * - a node's values are kept sorted by priority (a new value goes before those of equal priority);
 * - the file: magic 0xB007F457, version 0x00020001, the root's offset, then the nodes written
 *   children first (post-order). A node is its prefix (NUL-terminated) when it has one, first and
 *   last child characters and one offset per character in between (0 for none) when it has
 *   children, then the number of values and each value's priority and NUL-terminated text. An
 *   offset carries the node's flags in its top bits (PREFIX, VALUES, CHILDS). Every number is 32
 *   bits, big-endian.
 */

export const INDEX_MAGIC = 0xb007f457;
export const INDEX_VERSION = 0x00020001;
const INDEX_NODE_PREFIX = 0x80000000;
const INDEX_NODE_VALUES = 0x40000000;
const INDEX_NODE_CHILDS = 0x20000000;
/** Characters of keys and values are 7-bit (index__checkstring refuses the others). */
const INDEX_CHILDMAX = 128;

interface IndexValue {
  readonly value: string;
  readonly priority: number;
}

interface IndexNode {
  prefix: string;
  values: IndexValue[];
  first: number;
  last: number;
  children: (IndexNode | undefined)[];
}

const newNode = (prefix: string): IndexNode => ({
  prefix,
  values: [],
  first: INDEX_CHILDMAX,
  last: 0,
  children: [],
});

export class KmodIndex {
  private readonly root = newNode('');

  /**
   * index_insert: adds a value under a key. True when the key already had this value (depmod warns
   * about duplicates only with -w).
   */
  insert(key: string, value: string, priority: number): boolean {
    checkString(key);
    checkString(value);
    let node = this.root;
    let i = 0;
    for (;;) {
      // node.prefix must be a prefix of key[i…]; if not, split node where they part.
      let j = 0;
      for (; j < node.prefix.length; j++) {
        const ch = node.prefix.charCodeAt(j);
        if (ch !== key.charCodeAt(i + j)) {
          const rest: IndexNode = { ...node, prefix: node.prefix.slice(j + 1) };
          node.prefix = node.prefix.slice(0, j);
          node.values = [];
          node.children = [];
          node.children[ch] = rest;
          node.first = ch;
          node.last = ch;
          break;
        }
      }
      i += j;
      if (i >= key.length) return addValue(node, value, priority);
      const ch = key.charCodeAt(i);
      const child = node.children[ch];
      if (child === undefined) {
        if (ch < node.first) node.first = ch;
        if (ch > node.last) node.last = ch;
        const created = newNode(key.slice(i + 1));
        addValue(created, value, priority);
        node.children[ch] = created;
        return false;
      }
      node = child;
      i++;
    }
  }

  /** index_write: the file's bytes. */
  write(): Uint8Array {
    const out = new ByteWriter();
    out.u32(INDEX_MAGIC);
    out.u32(INDEX_VERSION);
    out.u32(0); // the root's offset, filled in below
    const root = writeNode(this.root, out);
    out.set32(8, root);
    return out.bytes();
  }
}

/** index_add_value: sorted by priority, a new value before those of the same priority. */
function addValue(node: IndexNode, value: string, priority: number): boolean {
  const duplicate = node.values.some((v) => v.value === value);
  let at = 0;
  while (at < node.values.length && node.values[at]!.priority < priority) at++;
  node.values.splice(at, 0, { value, priority });
  return duplicate;
}

function checkString(text: string): void {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= INDEX_CHILDMAX)
      throw new Error(`index: bad characters in key or value: ${JSON.stringify(text)}`);
  }
}

/** index_write__node: children first, then the node; its offset with the node's flags. */
function writeNode(node: IndexNode, out: ByteWriter): number {
  const childOffsets: number[] = [];
  if (node.first < INDEX_CHILDMAX) {
    for (let ch = node.first; ch <= node.last; ch++) {
      const child = node.children[ch];
      childOffsets.push(child === undefined ? 0 : writeNode(child, out));
    }
  }
  let offset = out.length;
  if (node.prefix !== '') {
    out.text(node.prefix);
    offset |= INDEX_NODE_PREFIX;
  }
  if (childOffsets.length > 0) {
    out.byte(node.first);
    out.byte(node.last);
    for (const o of childOffsets) out.u32(o);
    offset |= INDEX_NODE_CHILDS;
  }
  if (node.values.length > 0) {
    out.u32(node.values.length);
    for (const v of node.values) {
      out.u32(v.priority);
      out.text(v.value);
    }
    offset |= INDEX_NODE_VALUES;
  }
  return offset >>> 0;
}

class ByteWriter {
  private buffer = new Uint8Array(1024);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const bigger = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    bigger.set(this.buffer.subarray(0, this.length));
    this.buffer = bigger;
  }

  byte(b: number): void {
    this.room(1);
    this.buffer[this.length++] = b & 0xff;
  }

  u32(v: number): void {
    this.room(4);
    this.set32(this.length, v);
    this.length += 4;
  }

  set32(at: number, v: number): void {
    new DataView(this.buffer.buffer, this.buffer.byteOffset).setUint32(at, v >>> 0, false);
  }

  /** 7-bit text and its NUL. */
  text(s: string): void {
    this.room(s.length + 1);
    for (let i = 0; i < s.length; i++) this.buffer[this.length++] = s.charCodeAt(i);
    this.buffer[this.length++] = 0;
  }

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** libkmod's alias_normalize: `-` becomes `_` outside `[…]`; undefined for an unmatched bracket. */
export function normalizeAlias(alias: string): string | undefined {
  let out = '';
  for (let i = 0; i < alias.length; i++) {
    const c = alias[i]!;
    if (c === ']') return undefined;
    if (c === '[') {
      const end = alias.indexOf(']', i);
      if (end === -1) return undefined;
      out += alias.slice(i, end + 1);
      i = end;
    } else out += c === '-' ? '_' : c;
  }
  return out;
}
