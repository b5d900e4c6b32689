import type { Scalar } from 'yaml';

/** A text edit by offsets, in the coordinates of the text it applies to. */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

/**
 * Maps offsets of an embedded YAML text (a ConfigMap `data` value) to offsets of the file that holds it,
 * and re-encodes edits so that they stay valid inside the enclosing scalar.
 */
export interface OffsetMap {
  /** `true` when every inner offset has an exact outer position. */
  readonly exact: boolean;
  toOuter(offset: number): number;
  /**
   * The inner offset at an outer one, or `undefined` when the outer offset is not inside the embedded text
   * (outside the scalar, in the indentation of a block scalar line, or in a scalar that only maps coarsely).
   */
  toInner(outerOffset: number): number | undefined;
  /** The outer edit for an inner edit, or `undefined` when the scalar's style cannot express it. */
  edit(edit: OffsetEdit): OffsetEdit | undefined;
}

export const identityMap: OffsetMap = {
  exact: true,
  toOuter: (offset) => offset,
  toInner: (offset) => offset,
  edit: (edit) => edit,
};

/** Everything maps to the scalar as a whole; used when the source cannot be mapped character by character. */
export function coarseMap(start: number, end: number): OffsetMap {
  return { exact: false, toOuter: (offset) => (offset <= 0 ? start : end), toInner: () => undefined, edit: () => undefined };
}

/**
 * The map for a scalar value of `source`, or a coarse map when the style is not mappable. Built when first
 * used: most embedded documents never need a position mapped (only findings, hovers and fixes do).
 */
export function mapScalar(source: string, scalar: Scalar, value: string): OffsetMap {
  return new LazyMap(() => buildMap(source, scalar, value));
}

class LazyMap implements OffsetMap {
  private built?: OffsetMap;
  constructor(private build: () => OffsetMap) {}
  private get map(): OffsetMap {
    return (this.built ??= this.build());
  }
  get exact(): boolean {
    return this.map.exact;
  }
  toOuter(offset: number): number {
    return this.map.toOuter(offset);
  }
  toInner(outerOffset: number): number | undefined {
    return this.map.toInner(outerOffset);
  }
  edit(edit: OffsetEdit): OffsetEdit | undefined {
    return this.map.edit(edit);
  }
}

function buildMap(source: string, scalar: Scalar, value: string): OffsetMap {
  const [start, valueEnd] = scalar.range ?? [0, 0];
  switch (scalar.type) {
    case 'BLOCK_LITERAL':
      return blockLiteralMap(source, start, valueEnd, value) ?? coarseMap(start, valueEnd);
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
    case 'PLAIN':
      return flowMap(source, start, valueEnd, scalar.type, value) ?? coarseMap(start, valueEnd);
    default:
      return coarseMap(start, valueEnd);
  }
}

interface BlockLine {
  inner: number;
  outerLineStart: number;
  outerContent: number;
  length: number;
}

function blockLiteralMap(source: string, start: number, valueEnd: number, value: string): OffsetMap | undefined {
  const headerEnd = source.indexOf('\n', start);
  if (headerEnd === -1 || headerEnd >= valueEnd) return value === '' ? coarseMap(start, valueEnd) : undefined;
  const eol = source[headerEnd - 1] === '\r' ? '\r\n' : '\n';
  const raw: { lineStart: number; text: string }[] = [];
  for (let lineStart = headerEnd + 1; lineStart < valueEnd; ) {
    let newline = source.indexOf('\n', lineStart);
    if (newline === -1 || newline > valueEnd) newline = valueEnd;
    const lineEnd = newline > lineStart && source[newline - 1] === '\r' ? newline - 1 : newline;
    raw.push({ lineStart, text: source.slice(lineStart, lineEnd) });
    lineStart = newline + 1;
  }
  let indent = Infinity;
  for (const line of raw) {
    const trimmed = line.text.replace(/^ +/, '');
    if (trimmed !== '') indent = Math.min(indent, line.text.length - trimmed.length);
  }
  if (indent === Infinity || indent === 0) return undefined;
  const lines: BlockLine[] = [];
  const parts: string[] = [];
  let inner = 0;
  for (const line of raw) {
    const taken = Math.min(indent, line.text.length);
    const content = line.text.slice(taken);
    lines.push({ inner, outerLineStart: line.lineStart, outerContent: line.lineStart + taken, length: content.length });
    parts.push(content);
    inner += content.length + 1;
  }
  // A virtual line after the last one: where text appended at the end of the value goes.
  const after = raw.length ? lineAfter(source, raw[raw.length - 1].lineStart) : valueEnd;
  lines.push({ inner, outerLineStart: after, outerContent: after, length: 0 });
  const candidate = parts.join('\n');
  if (candidate.replace(/\n+$/, '') !== value.replace(/\n+$/, '')) return undefined;
  const pad = ' '.repeat(indent);

  const find = (offset: number): BlockLine => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid].inner <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lines[lo];
  };
  const toOuter = (offset: number): number => {
    const line = find(offset);
    return line.outerContent + Math.min(offset - line.inner, line.length);
  };
  // The virtual last line is left out: its outer start is already the next line of the file.
  const toInner = (outer: number): number | undefined => {
    let lo = 0;
    let hi = lines.length - 2;
    if (hi < 0 || outer < lines[0].outerLineStart) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid].outerLineStart <= outer) lo = mid;
      else hi = mid - 1;
    }
    const line = lines[lo];
    if (outer < line.outerContent || outer > line.outerContent + line.length) return undefined;
    return line.inner + (outer - line.outerContent);
  };
  return {
    exact: true,
    toOuter,
    toInner,
    edit({ start: s, end: e, newText }) {
      const atLineStart = s === 0 || value[s - 1] === '\n';
      const outerStart = atLineStart ? find(s).outerLineStart : toOuter(s);
      const endAtLineStart = e === 0 || value[e - 1] === '\n';
      const outerEnd = endAtLineStart && e > s ? find(e).outerLineStart : e === s ? outerStart : toOuter(e);
      const pieces = newText.split('\n');
      let text = '';
      pieces.forEach((piece, i) => {
        const last = i === pieces.length - 1;
        if (i > 0) text += eol;
        if (piece === '') {
          // An inserted line break that ends the text re-opens the line that follows: indent it, unless
          // the edit started at a line start (then the original line keeps its own indentation).
          if (last && i > 0 && !atLineStart) text += pad;
          return;
        }
        text += (i > 0 || atLineStart ? pad : '') + piece;
      });
      return { start: outerStart, end: outerEnd, newText: text };
    },
  };
}

function lineAfter(source: string, lineStart: number): number {
  const newline = source.indexOf('\n', lineStart);
  return newline === -1 ? source.length : newline + 1;
}

const simpleEscapes: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
};
const hexEscapes: Record<string, number> = { x: 2, u: 4, U: 8 };

function flowMap(source: string, start: number, valueEnd: number, type: Scalar.Type, value: string): OffsetMap | undefined {
  const quoted = type !== 'PLAIN';
  const first = quoted ? start + 1 : start;
  const last = quoted ? valueEnd - 1 : valueEnd;
  const body = source.slice(first, last);
  const multiline = /[\r\n]/.test(body);
  const outerAt: number[] = [];
  let decoded = '';
  /** How many characters at the end of `decoded` are literal (unescaped) white space, which a line break strips. */
  let trailingWhite = 0;
  const push = (text: string, at: number, white: boolean) => {
    for (let k = 0; k < text.length; k++) outerAt.push(at);
    decoded += text;
    trailingWhite = white ? trailingWhite + text.length : 0;
  };
  const lineBreakAt = (i: number): number => (body[i] === '\n' ? 1 : body[i] === '\r' ? (body[i + 1] === '\n' ? 2 : 1) : 0);
  /** Skips the white space and line breaks from `i` (just after a line break); returns where the text goes on and how many empty lines came first. */
  const skipFold = (i: number): { next: number; empty: number[] } => {
    const empty: number[] = [];
    for (;;) {
      while (body[i] === ' ' || body[i] === '\t') i++;
      const width = lineBreakAt(i);
      if (!width) return { next: i, empty };
      empty.push(first + i);
      i += width;
    }
  };
  for (let i = 0; i < body.length; ) {
    const at = first + i;
    const breakWidth = lineBreakAt(i);
    if (breakWidth) {
      // Line folding (YAML 1.2 §7.3, flow scalars): white space around a line break is dropped; one break is
      // a space, n breaks (n-1 empty lines) are n-1 newlines.
      decoded = decoded.slice(0, decoded.length - trailingWhite);
      outerAt.length -= trailingWhite;
      trailingWhite = 0;
      const { next, empty } = skipFold(i + breakWidth);
      if (empty.length === 0) push(' ', at, false);
      else for (const where of empty) push('\n', where, false);
      i = next;
    } else if (type === 'QUOTE_DOUBLE' && body[i] === '\\' && lineBreakAt(i + 1)) {
      // An escaped line break: nothing, and the next line's leading white space is dropped; empty lines stay newlines.
      const { next, empty } = skipFold(i + 1 + lineBreakAt(i + 1));
      for (const where of empty) push('\n', where, false);
      trailingWhite = 0;
      i = next;
    } else if (type === 'QUOTE_DOUBLE' && body[i] === '\\') {
      const code = body[i + 1];
      let text: string | undefined = simpleEscapes[code];
      let width = 2;
      if (text === undefined && code in hexEscapes) {
        const hex = body.slice(i + 2, i + 2 + hexEscapes[code]);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexEscapes[code]) return undefined;
        text = String.fromCodePoint(parseInt(hex, 16));
        width = 2 + hex.length;
      }
      if (text === undefined) return undefined;
      push(text, at, false);
      i += width;
    } else if (type === 'QUOTE_SINGLE' && body[i] === "'" && body[i + 1] === "'") {
      push("'", at, false);
      i += 2;
    } else {
      push(body[i], at, body[i] === ' ' || body[i] === '\t');
      i += 1;
    }
  }
  // A plain scalar ends where its text does: white space after it is not part of it.
  if (type === 'PLAIN' && trailingWhite) {
    decoded = decoded.slice(0, decoded.length - trailingWhite);
    outerAt.length -= trailingWhite;
  }
  outerAt.push(last);
  if (decoded !== value) return undefined;
  const encode = (text: string): string | undefined => {
    // Over several lines, white space next to a line break would be folded away: escaped, it stays.
    if (type === 'QUOTE_DOUBLE') return JSON.stringify(text).slice(1, -1).replace(multiline ? /^ | $/g : /$^/, '\\x20');
    if (multiline || text.includes('\n')) return undefined;
    if (type === 'QUOTE_SINGLE') return text.replace(/'/g, "''");
    return /: |\s#|^[\s#]/.test(text) ? undefined : text;
  };
  const toOuter = (offset: number): number => outerAt[Math.min(Math.max(offset, 0), outerAt.length - 1)];
  // Inside an escape sequence, the decoded character it stands for.
  const toInner = (outer: number): number | undefined => {
    if (outer < first || outer > last) return undefined;
    let lo = 0;
    let hi = outerAt.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (outerAt[mid] <= outer) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    exact: true,
    toOuter,
    toInner,
    edit({ start: s, end: e, newText }) {
      const text = encode(newText);
      return text === undefined ? undefined : { start: toOuter(s), end: toOuter(e), newText: text };
    },
  };
}
