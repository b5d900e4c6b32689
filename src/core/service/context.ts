import type { PathKey } from './locate';

/**
 * Where the cursor is in a YAML document that may be half written, from indentation alone: the YAML
 * parser cannot say which map an empty line belongs to, the columns of the lines above can.
 */
export interface TextContext {
  /**
   * `key`: a new key or list item starts at the cursor (the line holds at most dashes and a partial word).
   * `value`: after `key:` on the cursor's line. `flow`: inside `key: [...]` on the cursor's line.
   */
  mode: 'key' | 'value' | 'flow';
  /** For `key`: the map or list the new node goes into (after `- `, the item). Otherwise the map holding `key`. */
  path: PathKey[];
  /** For `value` and `flow`: the key on the cursor's line. */
  key?: string;
  /** The partial word before the cursor and where it starts (offsets in the scanned text). */
  prefix: string;
  prefixStart: number;
  /** Column where the new key or item starts, or of `key`. */
  column: number;
  /** For `key`: whether the cursor's line has a `- ` before the word. */
  dashed: boolean;
  /** Column of the last `- ` on the cursor's line. */
  dashColumn?: number;
  /** Keys already in the map at `path`; for a list, its scalar items; for `flow`, the items on the line. */
  siblings: Set<string>;
  /** After `- `, or with `compactList`: the scalar items already in the list. */
  listItems: Set<string>;
  /**
   * For `key` without a dash: the list the cursor may also add an item to, when that list's dashes sit at
   * the cursor's column under a key at the same column (`plan:` / `- actions:` at one indentation).
   */
  compactList?: PathKey[];
  /** For `value`: offset right after the colon, and whether anything but spaces follows it. */
  afterColon?: number;
  /** Top-level `apiVersion` and `kind` of the document. */
  apiVersion?: string;
  kind?: string;
  /** How far block lists are indented under their key in this document (0 or 2). */
  sequenceIndent: number;
}

interface Entry {
  kind: 'key' | 'item';
  name: PathKey;
  /** Column of the key, or of the dash. */
  col: number;
  /** Column where an item's content starts. */
  content: number;
  /** A key with nothing after the colon: its value is on the next lines. */
  opener: boolean;
  nextIndex: number;
  children: Set<string>;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"[\]{},][^#]*?)\s*:(?=\s|$)/;
const BLOCK_SCALAR = /^[|>][-+0-9]*\s*(#.*)?$/;
const WORD = /^[^\s:#'"[\]{},]*$/;

function unquote(key: string): string {
  if (key.startsWith('"')) {
    try {
      return JSON.parse(key) as string;
    } catch {
      return key.slice(1, -1);
    }
  }
  return key.startsWith("'") ? key.slice(1, -1).replace(/''/g, "'") : key;
}

function stripComment(value: string): string {
  return value.replace(/(^|\s)#.*$/, '').trim();
}

export function textContext(text: string, offset: number, start = 0, end = text.length): TextContext | undefined {
  const root: Entry = { kind: 'key', name: '', col: -1, content: 0, opener: true, nextIndex: 0, children: new Set() };
  const stack: Entry[] = [root];
  const top = () => stack[stack.length - 1];
  const popForKey = (col: number) => {
    while (stack.length > 1 && (top().kind === 'key' ? top().col >= col : top().content > col)) stack.pop();
  };
  const popForDash = (col: number) => {
    while (stack.length > 1) {
      const t = top();
      if (t.kind === 'item' ? t.col >= col : t.col > col || (t.col === col && !t.opener)) stack.pop();
      else break;
    }
  };
  const pushItem = (col: number, content: number) => {
    popForDash(col);
    const parent = top();
    stack.push({ kind: 'item', name: parent.nextIndex++, col, content, opener: true, nextIndex: 0, children: new Set() });
  };
  const pushKey = (name: string, col: number, opener: boolean) => {
    popForKey(col);
    top().children.add(name);
    stack.push({ kind: 'key', name, col, content: col, opener, nextIndex: 0, children: new Set() });
  };
  const path = () => stack.slice(1).map((e) => e.name);

  let context: TextContext | undefined;
  let contextEntry: Entry | undefined;
  let blockScalarCol = -1;
  let apiVersion: string | undefined;
  let kind: string | undefined;
  let sequenceIndent: number | undefined;
  let lastOpener: { col: number; line: number } | undefined;
  let lineNo = 0;

  for (let lineStart = start; lineStart <= end; lineNo++) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1 || lineEnd > end) lineEnd = end;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const cursorLine = offset >= lineStart && offset <= lineEnd;
    const indent = line.length - line.trimStart().length;
    const trimmed = line.trim();
    if (blockScalarCol >= 0 && (trimmed === '' || indent > blockScalarCol)) {
      if (cursorLine) return undefined;
      lineStart = lineEnd + 1;
      continue;
    }
    blockScalarCol = -1;
    if (cursorLine) {
      const before = line.slice(0, offset - lineStart);
      context = cursorContext(before, lineStart);
      contextEntry = context ? top() : undefined;
      if (context && context.mode !== 'flow') context.siblings = contextEntry!.children;
      if (context?.dashed) context.listItems = stack[stack.length - 2].children;
    } else if (trimmed !== '' && !trimmed.startsWith('#') && !/^(---|\.\.\.)(\s|$)/.test(trimmed)) {
      let col = indent;
      let rest = line.slice(col);
      while (/^-(\s|$)/.test(rest)) {
        const content = col + 1 + (rest.slice(1).length - rest.slice(1).trimStart().length);
        if (sequenceIndent === undefined && lastOpener && lastOpener.line === lineNo - 1) sequenceIndent = col - lastOpener.col;
        pushItem(col, content);
        col = content;
        rest = line.slice(col);
      }
      const m = KEY.exec(rest);
      if (m) {
        const name = unquote(m[1].trim());
        const value = stripComment(rest.slice(m[0].length));
        const opener = value === '' || /^[&!]\S*$/.test(value);
        pushKey(name, col, opener);
        if (opener) lastOpener = { col, line: lineNo };
        if (BLOCK_SCALAR.test(value)) blockScalarCol = col;
        if (stack.length === 2 && name === 'apiVersion') apiVersion = unquote(value);
        if (stack.length === 2 && name === 'kind') kind = unquote(value);
      } else if (rest !== '' && top().kind === 'item' && stack.length > 1) {
        // A scalar list item: remember it, so completion does not offer it again.
        stack[stack.length - 2].children.add(unquote(stripComment(rest)));
        if (BLOCK_SCALAR.test(rest)) blockScalarCol = col - 2;
      }
    }
    lineStart = lineEnd + 1;
  }
  if (context) Object.assign(context, { apiVersion, kind, sequenceIndent: sequenceIndent ?? 0 });
  return context;

  function cursorContext(before: string, lineStart: number): TextContext | undefined {
    let col = before.length - before.trimStart().length;
    let rest = before.slice(col);
    let dashColumn: number | undefined;
    while (/^-(\s|$)/.test(rest) && rest.length > 1) {
      const content = col + 1 + (rest.slice(1).length - rest.slice(1).trimStart().length);
      dashColumn = col;
      pushItem(col, content);
      col = content;
      rest = before.slice(col);
    }
    const base = { prefixStart: 0, siblings: new Set<string>(), listItems: new Set<string>(), sequenceIndent: 0, dashColumn };
    if (WORD.test(rest)) {
      let compactList: PathKey[] | undefined;
      let listItems = base.listItems;
      for (let k = stack.length - 1; dashColumn === undefined && k > 1; k--) {
        const e = stack[k];
        if (e.kind === 'key' && e.col < col) break;
        if (e.kind === 'item' && e.col === col && stack[k - 1].kind === 'key' && stack[k - 1].col === col) {
          compactList = stack.slice(1, k).map((x) => x.name);
          listItems = stack[k - 1].children;
          break;
        }
      }
      popForKey(col);
      return { ...base, mode: 'key', path: path(), prefix: rest, prefixStart: lineStart + col, column: col, dashed: dashColumn !== undefined, compactList, listItems };
    }
    const m = KEY.exec(rest);
    if (!m) return undefined;
    const key = unquote(m[1].trim());
    popForKey(col);
    const afterColon = lineStart + col + m[0].length;
    const value = before.slice(col + m[0].length);
    const flow = /^\s*\[([^\]]*)$/.exec(value);
    if (flow) {
      const pieces = flow[1].split(',');
      const partial = pieces.pop()!.trimStart();
      const siblings = new Set(pieces.map((p) => unquote(p.trim())).filter(Boolean));
      const word = partial.replace(/^["']/, '');
      if (!WORD.test(word)) return undefined;
      return { ...base, mode: 'flow', path: path(), key, prefix: word, prefixStart: lineStart + before.length - word.length, column: col, dashed: false, siblings };
    }
    const word = value.trimStart().replace(/^["']/, '');
    if (!WORD.test(word)) return undefined;
    return { ...base, mode: 'value', path: path(), key, prefix: word, prefixStart: lineStart + before.length - word.length, column: col, dashed: false, afterColon };
  }
}
