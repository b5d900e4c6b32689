import { Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { MAX_DEPTH, type ParsedYaml } from './depth';

/**
 * A fast path for the YAML that Kubernetes manifests are written in: block mappings and sequences, plain and
 * single-line quoted scalars, `|` literal blocks, one-line flow collections of scalars, comments and `---`.
 *
 * It builds the same nodes as the `yaml` library (YAMLMap, YAMLSeq, Pair, Scalar with the same value, type,
 * source, flow flag and start/end offsets), in a single pass over the lines and several times faster, because
 * it needs no token stream and no CST. Whatever it does not know for certain — anchors, aliases, tags,
 * folded and multi-line scalars, floats, duplicate keys, tabs, anything the library would report an error or
 * warning for — makes it give up, and the caller parses the text with the library instead. A differential
 * test (test/core/yaml/fast.test.ts) checks it against the library on generated and mutated manifests.
 *
 * What it does not reproduce: comments on nodes (`comment`, `commentBefore`, `spaceBefore`) and the third
 * offset of node ranges (`range[2]`, the end including a trailing comment). Our code reads neither.
 */

/** ParsedYaml lives in depth.ts (which fast.ts needs for MAX_DEPTH), so that the two do not import each other. */
export type { ParsedYaml };

/** Thrown (never escapes) when the text needs the full parser. */
const GIVE_UP = new Error('needs the full YAML parser');

let reason = '';

/** Why the last call of fastParse gave up (for tests and benchmarks). */
export function lastGiveUp(): string {
  return reason;
}

function giveUp(why: string): never {
  reason = why;
  throw GIVE_UP;
}

/** Characters that make the whole text go to the library: controls, tabs, CR, BOM, NEL, line/paragraph separators. */
const UNUSUAL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]/;

/** Parses `text` into documents, or returns undefined when the text needs the full parser. */
export function fastParse(text: string): ParsedYaml[] | undefined {
  if (UNUSUAL.test(text)) {
    reason = 'control characters, tabs, CR or BOM';
    return undefined;
  }
  try {
    return new FastParser(text).documents();
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
}

const SPACE = 32;

/** Characters a plain scalar may not start with (`-`, `?` and `:` are handled separately). */
const NOT_PLAIN_START = new Set([...',[]{}#&*!|>\'"%@`']);

const INT = /^[-+]?[0-9]+$/;
/** Plain scalars the core schema reads as something other than a string, null, boolean or decimal integer. */
const OTHER_NUMBER = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|0o[0-7]+|0x[0-9a-fA-F]+)$/;

/** The value the YAML 1.2 core schema gives a plain scalar; gives up on numbers other than decimal integers. */
function resolvePlain(source: string): unknown {
  switch (source) {
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
  }
  const c = source.charCodeAt(0);
  // Only strings that start like a number can be one.
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    if (INT.test(source)) return parseInt(source, 10);
    if (OTHER_NUMBER.test(source)) giveUp('a float, octal or hexadecimal number');
  }
  return source;
}

/**
 * Node classes with the library's prototypes (so isMap/isScalar/…, instanceof and the methods work) but
 * plain constructors: the library's define a non-enumerable symbol property on every node, which costs more
 * than the rest of building it. Here that property lives on the prototype, which the library's checks read
 * through (`node[Symbol.for('yaml.node.type')]`); the differential test fails if that ever changes.
 */
const NODE_TYPE = Symbol.for('yaml.node.type');

function library<T>(fast: { prototype: object }, base: { prototype: T }, type: string): void {
  Object.setPrototypeOf(fast.prototype, base.prototype as object);
  Object.defineProperty(fast.prototype, NODE_TYPE, { value: Symbol.for(type) });
}

/**
 * A scalar keeps its range as three numbers and makes the `[start, end, nodeEnd]` array the first time
 * `range` is read: scalars are most of a tree's nodes, the trees outlive the parse, and most ranges are never
 * read (only where something is reported or edited). Once made, the array is the range.
 */
class FastScalar {
  private r: [number, number, number] | undefined = undefined;
  constructor(
    public value: unknown,
    /** The range until `range` is read: start, end, and the end including what follows on the line. */
    public s: number,
    public e: number,
    public ne: number,
    public source: string,
    public type: Scalar.Type,
  ) {}
  get range(): [number, number, number] {
    return (this.r ??= [this.s, this.e, this.ne]);
  }
  set range(range: [number, number, number]) {
    this.r = range;
  }
}

/** Offset `i` of a node's range (0 start, 1 end, 2 node end), without making a scalar's range array. */
function rangeAt(node: Node, i: 0 | 1 | 2): number {
  if (node instanceof FastScalar) return i === 0 ? node.s : i === 1 ? node.e : node.ne;
  if ((node instanceof FastMap || node instanceof FastSeq) && !node.r) return i === 0 ? node.s : node.e;
  return node.range![i];
}

/**
 * Block mappings and sequences keep their range the same way as scalars (see FastScalar): a large file has
 * thousands of them, and most of their ranges are never read. `setBlockRange` sets it once the end is known; a flow
 * collection sets `range` itself.
 */
class FastMap {
  r: [number, number, number] | undefined = undefined;
  s = 0;
  e = 0;
  flow?: boolean;
  constructor(public items: Pair[]) {}
  get range(): [number, number, number] {
    return (this.r ??= [this.s, this.e, this.e]);
  }
  set range(range: [number, number, number]) {
    this.r = range;
  }
}
class FastSeq {
  r: [number, number, number] | undefined = undefined;
  s = 0;
  e = 0;
  flow?: boolean;
  constructor(public items: Node[]) {}
  get range(): [number, number, number] {
    return (this.r ??= [this.s, this.e, this.e]);
  }
  set range(range: [number, number, number]) {
    this.r = range;
  }
}

/** The range of a block collection: `[start, end, end]`, made only if it is read. */
function setBlockRange<T extends YAMLMap | YAMLSeq>(collection: T, start: number, end: number): T {
  const fast = collection as unknown as FastMap | FastSeq;
  fast.s = start;
  fast.e = end;
  return collection;
}
class FastPair {
  constructor(
    public key: Node,
    public value: Node,
  ) {}
}
library(FastScalar, Scalar, 'yaml.scalar');
library(FastMap, YAMLMap, 'yaml.map');
library(FastSeq, YAMLSeq, 'yaml.seq');
library(FastPair, Pair, 'yaml.pair');

function scalar(value: unknown, source: string, type: Scalar.Type, start: number, end: number, nodeEnd: number): Scalar {
  return new FastScalar(value, start, end, nodeEnd, source, type) as unknown as Scalar;
}
const newMap = (items: Pair[] = []) => new FastMap(items) as unknown as YAMLMap<Node, Node>;
const newSeq = (items: Node[] = []) => new FastSeq(items) as unknown as YAMLSeq<Node>;
const newPair = (key: Node, value: Node) => new FastPair(key, value) as unknown as Pair<Node, Node>;

/** Whether `items`, from index `from`, has a pair with key `key` (maps are small: a scan beats a Set). */
function hasKey(items: readonly unknown[], key: unknown, from = 0): boolean {
  for (let i = from; i < items.length; i++) if (((items[i] as Pair).key as Scalar).value === key) return true;
  return false;
}

class FastParser {
  private readonly t: string;
  private readonly n: number;
  /** The current line: its start, its end (the `\n` or the end of text), its first non-space character. */
  private ls = 0;
  private le = 0;
  private cs = 0;
  /** Column of `cs` (for a compact mapping in a sequence entry, the column of its first key). */
  private ind = 0;
  private eof = false;
  /** The current line is a `---` or `...` marker. */
  private marker = false;
  /** The last seek went past comment lines. */
  private skippedComment = false;
  /** Collections open around the current position; past MAX_DEPTH the library's parse reports the document. */
  private depth = 0;
  /**
   * The items of the open block collections, innermost last. A collection's items are gathered here and
   * copied into an array of their exact size when it ends: growing an array of its own by push left a
   * larger array behind as garbage for each of the tens of thousands of collections in a large file.
   */
  private readonly pending: unknown[] = [];

  constructor(text: string) {
    this.t = text;
    this.n = text.length;
  }

  documents(): ParsedYaml[] {
    const docs: ParsedYaml[] = [];
    this.seek(0);
    if (this.eof) return docs; // nothing but comments and empty lines: no document at all
    for (;;) {
      // Without a marker, the document starts at its first content line (indentation included).
      let start = this.ls;
      if (this.marker) {
        if (this.t.startsWith('...', this.ls)) giveUp('a document end marker');
        start = this.ls;
        const after = this.skipSpaces(this.ls + 3);
        if (after !== this.le) giveUp('text after a document marker');
        this.seek(this.le + 1);
        if (this.eof || this.marker) {
          // An empty document: a null scalar right after the marker; it reaches over comments, not empty lines.
          const at = start + 3;
          const end = this.skippedComment ? (this.eof ? this.n : this.ls) : at;
          docs.push({ contents: scalar(null, '', 'PLAIN', at, at, at), range: [start, at, end], errors: [], warnings: [] });
          if (this.eof) return docs;
          continue;
        }
      }
      const contents = this.block(-1);
      if (!this.eof && !this.marker) giveUp('content after the document');
      if (endsEmpty(contents)) giveUp('a document that ends with an empty value');
      const end = this.eof ? this.n : this.ls;
      docs.push({ contents, range: [start, rangeAt(contents, 1), end], errors: [], warnings: [] });
      if (this.eof) return docs;
    }
  }

  /** Moves to the first line at or after `p` with content that is not a comment. */
  private seek(p: number): void {
    const t = this.t;
    this.skippedComment = false;
    /** The library attaches comment lines to the collections they are indented into, changing their ranges. */
    let deepest = -1;
    while (p < this.n) {
      let e = t.indexOf('\n', p);
      if (e === -1) e = this.n;
      let c = p;
      while (c < e && t.charCodeAt(c) === SPACE) c++;
      if (c < e) {
        const ch = t.charCodeAt(c);
        if (ch === 35 /* # */) {
          this.skippedComment = true;
          if (c - p > deepest) deepest = c - p;
        } else {
          this.ls = p;
          this.le = e;
          this.cs = c;
          this.ind = c - p;
          this.marker = c === p && (t.startsWith('---', p) || t.startsWith('...', p)) && (p + 3 === e || t.charCodeAt(p + 3) === SPACE);
          if (c === p && ch === 37 /* % */) giveUp('a directive');
          if (deepest > (this.marker ? 0 : this.ind)) giveUp('a comment line indented deeper than the next line');
          return;
        }
      }
      p = e + 1;
    }
    if (deepest > 0) giveUp('a comment line indented deeper than the next line');
    this.eof = true;
    this.marker = false;
    this.ls = this.le = this.cs = this.n;
  }

  private skipSpaces(p: number): number {
    while (p < this.le && this.t.charCodeAt(p) === SPACE) p++;
    return p;
  }

  /** Whether `p` is a `-` sequence indicator (followed by a space or the end of the line). */
  private isEntry(p: number): boolean {
    return this.t.charCodeAt(p) === 45 /* - */ && (p + 1 === this.le || this.t.charCodeAt(p + 1) === SPACE);
  }

  /** The block node that starts at the current position, more indented than `parent`. */
  private block(parent: number): Node {
    if (this.ind <= parent) giveUp('a block node not indented under its parent');
    return this.isEntry(this.cs) ? this.seq(this.ind) : this.map(this.ind);
  }

  /** Enters a collection; the parse recurses per level, so the limit also bounds this parser's stack. */
  private enter(): void {
    if (++this.depth > MAX_DEPTH) giveUp('collections nested deeper than the limit');
  }

  private map(ind: number): YAMLMap {
    this.enter();
    const pending = this.pending;
    const base = pending.length;
    const start = this.cs;
    let end = start;
    for (;;) {
      if (this.isEntry(this.cs)) giveUp('a sequence entry where a mapping key belongs');
      const key = this.key();
      if (hasKey(pending, key.value, base)) giveUp('a duplicate key');
      const value = this.mapValue(ind);
      pending.push(newPair(key, value));
      end = rangeAt(value, 2);
      if (this.eof || this.marker || this.ind < ind) break;
      if (this.ind > ind) giveUp('a line indented deeper than its mapping (a multi-line scalar or bad indentation)');
    }
    // Most mappings have two or three items, and outlive the parse: their array is of that size.
    const map = newMap(pending.slice(base) as Pair[]);
    pending.length = base;
    setBlockRange(map, start, end);
    this.depth--;
    return map;
  }

  /** A block mapping key at `cs`, leaving the position after its `:`. */
  private key(): Scalar {
    const t = this.t;
    const p = this.cs;
    const ch = t.charCodeAt(p);
    if (ch === 34 /* " */ || ch === 39 /* ' */) {
      const [value, close] = this.quoted(p);
      if (t.charCodeAt(close) !== 58 /* : */ || !(close + 1 === this.le || t.charCodeAt(close + 1) === SPACE)) giveUp('a quoted key without a `: ` after it');
      if (typeof value !== 'string') giveUp('a quoted key that is not a string');
      this.cs = close + 1;
      return scalar(value, value, ch === 34 ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE', p, close, close);
    }
    if (NOT_PLAIN_START.has(t[p]) || ((ch === 63 /* ? */ || ch === 58) /* : */ && (p + 1 === this.le || t.charCodeAt(p + 1) === SPACE))) giveUp('a key that starts with an indicator');
    const c = this.indicator(p + 1);
    if (c === -1 || c - p > 1000) giveUp('a line that is not a key: value pair');
    if (t.charCodeAt(c - 1) === SPACE) giveUp('a space before the colon of a key');
    const source = t.slice(p, c);
    if (source.includes(' #')) giveUp('a comment inside a key');
    const value = resolvePlain(source);
    if (typeof value !== 'string') giveUp('a key that is not a string');
    this.cs = c + 1;
    return scalar(value, source, 'PLAIN', p, c, c);
  }

  /** The value after a mapping key's `:` (position in `cs`), of a mapping at column `ind`. */
  private mapValue(ind: number): Node {
    const q = this.skipSpaces(this.cs);
    if (q === this.le || this.t.charCodeAt(q) === 35 /* # */) {
      const comment = q !== this.le;
      this.seek(this.le + 1);
      if (!this.eof && !this.marker) {
        if (this.ind > ind) return this.block(ind);
        if (this.ind === ind && this.isEntry(this.cs)) return this.seq(ind);
      }
      return this.empty(q, comment);
    }
    if (q === this.cs) giveUp('`a:b` is not a key');
    return this.inline(q, ind);
  }

  private empty(q: number, comment: boolean): Scalar {
    if (comment || this.skippedComment) giveUp('an empty value with a comment');
    return scalar(null, '', 'PLAIN', q, q, q);
  }

  private seq(ind: number): YAMLSeq {
    this.enter();
    const pending = this.pending;
    const base = pending.length;
    const start = this.cs;
    let end = start;
    for (;;) {
      const q = this.skipSpaces(this.cs + 1);
      let item: Node;
      if (q === this.le || this.t.charCodeAt(q) === 35 /* # */) {
        const comment = q !== this.le;
        this.seek(this.le + 1);
        item = !this.eof && !this.marker && this.ind > ind ? this.block(ind) : this.empty(q, comment);
      } else if (this.isEntry(q)) {
        giveUp('`- - x`');
      } else if (this.isKey(q)) {
        this.cs = q;
        this.ind = q - this.ls;
        item = this.map(this.ind);
      } else {
        item = this.inline(q, ind);
      }
      pending.push(item);
      end = rangeAt(item, 2);
      if (this.eof || this.marker || this.ind < ind) break;
      if (this.ind > ind) giveUp('a line indented deeper than its sequence');
      if (!this.isEntry(this.cs)) break; // the parent mapping's next key, at the same column
    }
    const seq = newSeq(pending.slice(base) as Node[]);
    pending.length = base;
    setBlockRange(seq, start, end);
    this.depth--;
    return seq;
  }

  /** The first `:` at or after `p` on this line that is followed by a space or the line's end, or -1. */
  private indicator(p: number): number {
    const t = this.t;
    for (let c = p; c < this.le; c++) {
      if (t.charCodeAt(c) === 58 /* : */ && (c + 1 === this.le || t.charCodeAt(c + 1) === SPACE)) return c;
    }
    return -1;
  }

  /** Whether a block mapping key starts at `p`. */
  private isKey(p: number): boolean {
    const t = this.t;
    const ch = t.charCodeAt(p);
    if (ch === 34 || ch === 39) {
      const close = this.quoteEnd(p);
      return close !== -1 && t.charCodeAt(close) === 58 && (close + 1 === this.le || t.charCodeAt(close + 1) === SPACE);
    }
    if (ch === 91 /* [ */ || ch === 123 /* { */ || ch === 124 /* | */ || ch === 62 /* > */) return false;
    return this.indicator(p) !== -1;
  }

  /** A value that starts on the current line at `q`, with the parent collection at column `ind`. */
  private inline(q: number, ind: number): Node {
    const t = this.t;
    const ch = t.charCodeAt(q);
    let node: Node;
    switch (ch) {
      case 124 /* | */:
        return this.literal(q, ind);
      case 34 /* " */:
      case 39 /* ' */: {
        const [value, close] = this.quoted(q);
        node = scalar(value, value, ch === 34 ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE', q, close, close);
        this.lineEnd(close);
        break;
      }
      case 91 /* [ */:
      case 123 /* { */: {
        node = this.flow(q);
        this.lineEnd(node.range![1]);
        break;
      }
      default: {
        if (NOT_PLAIN_START.has(t[q])) giveUp('a value that starts with an indicator (anchor, alias, tag, flow end, ...)');
        if ((ch === 45 || ch === 63 || ch === 58) && (q + 1 === this.le || t.charCodeAt(q + 1) === SPACE)) giveUp('a value that starts with `- `, `? ` or `: `');
        let end = q;
        while (end < this.le && !(t.charCodeAt(end) === 35 /* # */ && t.charCodeAt(end - 1) === SPACE)) end++;
        while (t.charCodeAt(end - 1) === SPACE) end--;
        const source = t.slice(q, end);
        if (source.includes(': ') || source.charCodeAt(source.length - 1) === 58) giveUp('a value with `: ` in it');
        node = scalar(resolvePlain(source), source, 'PLAIN', q, end, end);
        break;
      }
    }
    // Scalars and flow collections end, for the library, after their line (and its comment).
    const nodeEnd = Math.min(this.le + 1, this.n);
    if (node instanceof FastScalar) node.ne = nodeEnd;
    else node.range![2] = nodeEnd;
    this.seek(this.le + 1);
    return node;
  }

  /** After a quoted scalar or a flow collection ending at `p`: only spaces and a comment may follow. */
  private lineEnd(p: number): void {
    const q = this.skipSpaces(p);
    if (q === this.le) return;
    if (this.t.charCodeAt(q) !== 35 || q === p) giveUp('text after a quoted scalar or flow collection');
  }

  /** The position after the closing quote of the quoted scalar at `p`, or -1 if it does not close on this line. */
  private quoteEnd(p: number): number {
    const t = this.t;
    const quote = t[p];
    for (let i = p + 1; i < this.le; i++) {
      const c = t[i];
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) {
        if (quote === "'" && t[i + 1] === "'") i++;
        else return i + 1;
      }
    }
    return -1;
  }

  /** A quoted scalar that closes on this line: its value and the position after the closing quote. */
  private quoted(p: number): [string, number] {
    const close = this.quoteEnd(p);
    if (close === -1) giveUp('a quoted scalar that does not close on its line');
    const body = this.t.slice(p + 1, close - 1);
    if (this.t[p] === "'") return [body.includes("''") ? body.replace(/''/g, "'") : body, close];
    return [body.includes('\\') ? unescape(body) : body, close];
  }

  /** A `|` block scalar whose header is at `q`; its parent collection is at column `ind`. */
  private literal(q: number, ind: number): Scalar {
    const t = this.t;
    let h = q + 1;
    let chomp = '';
    const c = t[h];
    if (c === '-' || c === '+') {
      chomp = c;
      h++;
    }
    const after = this.skipSpaces(h);
    if (after !== this.le && (t.charCodeAt(after) !== 35 || after === h)) giveUp('an indentation indicator or other text');
    if (this.le === this.n) giveUp('a block scalar at the end of the text');
    let p = this.le + 1;
    let indent = -1;
    const lines: string[] = [];
    /** End of the last line with content; empty lines after it, and where they end. */
    let contentEnd = p;
    let trailing = 0;
    let trailingEnd = p;
    while (p < this.n) {
      let e = t.indexOf('\n', p);
      if (e === -1) e = this.n;
      let s = p;
      while (s < e && t.charCodeAt(s) === SPACE) s++;
      const spaces = s - p;
      if (s === e) {
        // Leading empty lines and more-indented empty lines follow intricate rules in the library.
        if (indent === -1 || spaces > indent) giveUp('empty block scalar lines that are indented or come first');
        trailing++;
        trailingEnd = Math.min(e + 1, this.n);
        p = e + 1;
        continue;
      }
      if (indent === -1) {
        if (spaces <= ind) giveUp('an empty block scalar');
        indent = spaces;
      }
      if (spaces < indent) break;
      for (; trailing > 0; trailing--) lines.push('');
      lines.push(t.slice(p + indent, e));
      contentEnd = trailingEnd = Math.min(e + 1, this.n);
      p = e + 1;
    }
    if (indent === -1) giveUp('a block scalar without content');
    let value = lines.join('\n');
    let end = contentEnd;
    if (chomp === '+') {
      if (p >= this.n) giveUp('keep at the end of the text');
      value += '\n'.repeat(trailing + 1);
      end = trailingEnd;
    } else if (chomp === '') {
      value += '\n';
    }
    this.seek(p);
    return scalar(value, value, 'BLOCK_LITERAL', q, end, end);
  }

  /** A flow collection of scalars on one line, at `p`. */
  private flow(p: number): YAMLMap | YAMLSeq {
    const t = this.t;
    if (this.depth + 1 > MAX_DEPTH) giveUp('collections nested deeper than the limit');
    const isMap = t[p] === '{';
    const closer = isMap ? '}' : ']';
    const node = isMap ? newMap() : newSeq();
    node.flow = true;
    let i = this.skipSpaces(p + 1);
    if (t[i] === closer) {
      node.range = [p, i + 1, i + 1];
      return node;
    }
    for (;;) {
      const item = this.flowScalar(i, isMap);
      i = this.skipSpaces(rangeAt(item, 1));
      if (isMap) {
        if (t[i] !== ':' || typeof item.value !== 'string' || hasKey((node as YAMLMap).items as Pair[], item.value)) giveUp('a flow mapping entry that is not a unique `key: value` of scalars');
        const value = this.flowScalar(this.skipSpaces(i + 1), false);
        if (rangeAt(value, 0) === i + 1) giveUp('`a:b`');
        (node as YAMLMap<Node, Node>).items.push(newPair(item, value));
        i = this.skipSpaces(rangeAt(value, 1));
      } else {
        (node as YAMLSeq<Node>).items.push(item);
      }
      if (t[i] === ',') {
        i = this.skipSpaces(i + 1);
        if (t[i] === closer || t[i] === ',') giveUp('an empty entry in a flow collection');
        continue;
      }
      if (t[i] !== closer) giveUp('a flow collection that does not close on its line');
      node.range = [p, i + 1, i + 1];
      return node;
    }
  }

  /** A scalar inside a flow collection. */
  private flowScalar(p: number, key: boolean): Scalar {
    const t = this.t;
    const ch = t.charCodeAt(p);
    if (p >= this.le) giveUp('a flow collection that does not close on its line');
    if (ch === 34 || ch === 39) {
      const [value, close] = this.quoted(p);
      return scalar(value, value, ch === 34 ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE', p, close, close);
    }
    if (NOT_PLAIN_START.has(t[p]) || ch === 63 || ch === 58) giveUp('a flow scalar that starts with an indicator');
    if (ch === 45 && ' ,]}'.includes(t[p + 1])) giveUp('a flow scalar that starts with `-` alone');
    let e = p;
    for (; e < this.le; e++) {
      const c = t[e];
      if (c === ',' || c === '[' || c === ']' || c === '{' || c === '}' || c === '#') break;
      if (c === ':') {
        if (!key) giveUp('a `:` in a flow sequence');
        break;
      }
    }
    if (t[e] === '#' || t[e] === '[' || t[e] === '{') giveUp('a comment or nested collection in a flow collection');
    while (t.charCodeAt(e - 1) === SPACE) e--;
    if (e === p) giveUp('an empty flow scalar');
    const source = t.slice(p, e);
    return scalar(resolvePlain(source), source, 'PLAIN', p, e, e);
  }
}

/** Whether the last value of a document is an empty scalar (the library's document ranges are irregular there). */
function endsEmpty(node: Node): boolean {
  for (;;) {
    if (node instanceof FastScalar) return node.source === '' && node.type === 'PLAIN';
    const items = (node as YAMLMap | YAMLSeq).items;
    if (items.length === 0) return false;
    const last = items[items.length - 1];
    node = (last instanceof FastPair ? last.value : last) as Node;
  }
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', ' ': ' ' };

function unescape(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple = ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    const hex = body.slice(i + 1, i + 1 + width);
    if (!width || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) giveUp('an escape sequence the fast path does not decode');
    out += String.fromCodePoint(parseInt(hex, 16));
    i += width;
  }
  return out;
}
