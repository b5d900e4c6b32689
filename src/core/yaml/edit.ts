import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { RawEdit } from './report';
import { nodeEnd, nodeStart } from './ast';
import type { YamlDocument } from './parse';

/**
 * Text edits that change one thing and keep everything else as written: comments, quoting, the
 * document's indentation unit and its sequence style (`- ` under the key, or indented).
 */

export function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** End of the line holding `offset` (before `\r\n`/`\n`). */
function lineEndOf(text: string, offset: number): number {
  let i = text.indexOf('\n', offset);
  if (i === -1) return text.length;
  if (i > 0 && text[i - 1] === '\r') i--;
  return i;
}

/** Offset just past the last non-blank character of a node (its range may include a trailing line break). */
function contentEnd(text: string, node: unknown): number {
  let end = nodeEnd(node);
  while (end > nodeStart(node) && /\s/.test(text[end - 1])) end--;
  return end;
}

/** How this document writes nested blocks: indentation unit and whether `- ` items are indented under their key. */
export interface BlockStyle {
  indent: number;
  indentedSequences: boolean;
}

export function blockStyle(yaml: YamlDocument): BlockStyle {
  const own = observedStyle(yaml);
  if (own.indent && own.indentedSequences !== undefined) return { indent: own.indent, indentedSequences: own.indentedSequences };
  // A short embedded document takes after the other documents of its ConfigMap.
  for (const sibling of yaml.embedding?.configMap.embedded ?? []) {
    if (sibling === yaml) continue;
    const other = observedStyle(sibling);
    own.indent ||= other.indent;
    own.indentedSequences ??= other.indentedSequences;
  }
  return { indent: own.indent || 2, indentedSequences: own.indentedSequences ?? true };
}

function observedStyle(yaml: YamlDocument): { indent: number; indentedSequences?: boolean } {
  let indent = 0;
  let indentedSequences: boolean | undefined;
  const visit = (node: unknown, keyColumn: number, depth: number): void => {
    if (depth > 8 || (indent && indentedSequences !== undefined)) return;
    if (isMap(node) && node.items.length && !node.flow) {
      const column = columnOf(yaml.text, nodeStart(node.items[0].key));
      if (!indent && keyColumn >= 0 && column > keyColumn) indent = column - keyColumn;
      for (const pair of node.items) visit(pair.value, columnOf(yaml.text, nodeStart(pair.key)), depth + 1);
    } else if (isSeq(node) && node.items.length && !node.flow) {
      const dash = yaml.text.lastIndexOf('-', nodeStart(node.items[0]));
      if (keyColumn >= 0 && indentedSequences === undefined) indentedSequences = columnOf(yaml.text, dash) > keyColumn;
      for (const item of node.items) visit(item, columnOf(yaml.text, dash), depth + 1);
    }
  };
  visit(yaml.doc.contents, -1, 0);
  return { indent, indentedSequences };
}

/** A YAML scalar as it should be written: plain when safe, else double-quoted. */
export function scalarText(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  const plainSafe = /^[A-Za-z0-9_./][A-Za-z0-9_./-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~|[-+]?[0-9.][0-9._eE+-]*)$/i.test(value);
  return plainSafe ? value : JSON.stringify(value);
}

export function replaceNode(node: Node, newText: string): RawEdit {
  return { start: nodeStart(node), end: nodeEnd(node), newText };
}

export function renameKey(pair: Pair<unknown, unknown>, newKey: string): RawEdit {
  return replaceNode(pair.key as Node, scalarText(newKey));
}

/** A value to write: scalars, a list of scalars, or one level of mapping. Rendering is the editor's job. */
export type Plain = string | boolean | number;
export type EntryValue = Plain | Plain[] | Record<string, Plain | Plain[]>;

/**
 * Whether this document is JSON text. LCA decodes a ConfigMap value that starts with `{` as JSON, so
 * anything added there needs quoted keys and strings.
 */
export function isJsonText(yaml: YamlDocument): boolean {
  return yaml.text.trimStart().startsWith('{');
}

function render(value: Plain, json: boolean): string {
  if (typeof value !== 'string') return String(value);
  return json ? JSON.stringify(value) : scalarText(value);
}

function flowText(value: EntryValue, json: boolean): string {
  if (Array.isArray(value)) return `[${value.map((v) => render(v, json)).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${render(k, json)}: ${flowText(v, json)}`).join(', ')}}`;
  return render(value, json);
}

/** Inserts before the closing bracket of a flow collection (its range ends just after that bracket). */
function intoFlow(yaml: YamlDocument, node: YAMLMap<unknown, unknown> | YAMLSeq<unknown>, closer: '}' | ']', entry: string): RawEdit {
  const close = yaml.text.lastIndexOf(closer, nodeEnd(node) - 1);
  const before = yaml.text.slice(nodeStart(node) + 1, close).trimEnd();
  const separator = before === '' ? '' : before.endsWith(',') ? ' ' : ', ';
  return { start: close, end: close, newText: separator + entry };
}

/** Appends items to a sequence, block or flow, YAML or JSON. */
export function appendToSeq(yaml: YamlDocument, seq: YAMLSeq<unknown>, ...added: Plain[]): RawEdit {
  const text = yaml.text;
  if (seq.flow || seq.items.length === 0) return intoFlow(yaml, seq, ']', added.map((i) => render(i, isJsonText(yaml))).join(', '));
  const last = seq.items[seq.items.length - 1];
  const dash = text.lastIndexOf('-', nodeStart(seq.items[0]));
  const at = lineEndOf(text, contentEnd(text, last));
  const pad = ' '.repeat(columnOf(text, dash));
  return { start: at, end: at, newText: added.map((item) => `\n${pad}- ${render(item, false)}`).join('') };
}

/** `key: value` lines for a block mapping at `column`. */
function blockEntry(key: string, value: EntryValue, column: number, style: BlockStyle): string[] {
  const pad = ' '.repeat(column);
  if (Array.isArray(value)) {
    const itemPad = ' '.repeat(column + (style.indentedSequences ? style.indent : 0));
    return [`${pad}${render(key, false)}:`, ...value.map((v) => `${itemPad}- ${render(v, false)}`)];
  }
  if (typeof value === 'object') return [`${pad}${render(key, false)}:`, ...Object.entries(value).flatMap(([k, v]) => blockEntry(k, v, column + style.indent, style))];
  return [`${pad}${render(key, false)}: ${render(value, false)}`];
}

/** Adds `key: value` at the end of a mapping, block or flow, YAML or JSON. */
export function addToMap(yaml: YamlDocument, map: YAMLMap<unknown, unknown>, key: string, value: EntryValue): RawEdit {
  if (map.flow || map.items.length === 0) {
    const json = isJsonText(yaml);
    return intoFlow(yaml, map, '}', `${render(key, json)}: ${flowText(value, json)}`);
  }
  const column = columnOf(yaml.text, nodeStart(map.items[0].key));
  const at = endOfBlockMap(yaml, map);
  return { start: at, end: at, newText: '\n' + blockEntry(key, value, column, blockStyle(yaml)).join('\n') };
}

/** Offset at the end of the last line of a non-empty block mapping: where a new entry goes. */
export function endOfBlockMap(yaml: YamlDocument, map: YAMLMap<unknown, unknown>): number {
  const last = map.items[map.items.length - 1];
  return lineEndOf(yaml.text, contentEnd(yaml.text, last.value ?? last.key));
}

/** Sets `key` in a mapping: replaces a scalar value keeping its quotes, fills an empty value, or adds the entry. */
export function setInMap(yaml: YamlDocument, map: YAMLMap<unknown, unknown>, key: string, value: EntryValue): RawEdit {
  const json = isJsonText(yaml);
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  if (!pair) return addToMap(yaml, map, key, value);
  const node = pair.value as Node | null;
  if (isScalar(node) && node.value !== null && typeof value === 'string') {
    const quoted = node.type === 'QUOTE_DOUBLE' ? JSON.stringify(value) : node.type === 'QUOTE_SINGLE' ? `'${value.replace(/'/g, "''")}'` : render(value, json);
    return { start: nodeStart(node), end: nodeEnd(node), newText: quoted };
  }
  if (!node || (isScalar(node) && !node.source)) {
    // No value written: put it right after the colon, before any comment on that line.
    const colon = yaml.text.indexOf(':', nodeEnd(pair.key));
    return { start: colon + 1, end: colon + 1, newText: ` ${flowText(value, json)}` };
  }
  return { start: nodeStart(node), end: nodeEnd(node), newText: flowText(value, json) };
}

/** Removes a whole `key: value` entry of a block mapping, its lines included. */
export function removePair(yaml: YamlDocument, map: YAMLMap<unknown, unknown>, pair: Pair<unknown, unknown>): RawEdit {
  const text = yaml.text;
  if (map.flow) {
    const index = map.items.indexOf(pair);
    const start = nodeStart(pair.key);
    const end = contentEnd(text, pair.value ?? pair.key);
    if (index < map.items.length - 1) return { start, end: nodeStart(map.items[index + 1].key), newText: '' };
    const comma = index > 0 ? text.lastIndexOf(',', start) : start;
    return { start: comma, end, newText: '' };
  }
  const start = lineStartOf(text, nodeStart(pair.key));
  const endLine = lineEndOf(text, contentEnd(text, pair.value ?? pair.key));
  const end = text[endLine] === '\r' ? endLine + 2 : text[endLine] === '\n' ? endLine + 1 : endLine;
  return { start, end, newText: '' };
}

/** The source lines of a block entry re-indented to a new column (for moving an entry to another mapping). */
export function reindentPair(yaml: YamlDocument, pair: Pair<unknown, unknown>, column: number): string | undefined {
  const text = yaml.text;
  const start = nodeStart(pair.key);
  const endLine = lineEndOf(text, contentEnd(text, pair.value ?? pair.key));
  const from = columnOf(text, start);
  const lines = text.slice(lineStartOf(text, start), endLine).split(/\r?\n/);
  const shifted: string[] = [];
  for (const line of lines) {
    const lead = line.length - line.trimStart().length;
    if (line.trim() !== '' && lead < from) return undefined;
    shifted.push(line.trim() === '' ? '' : ' '.repeat(column) + line.slice(from));
  }
  return shifted.join('\n');
}

/**
 * The source of a block node from another document, moved to start at `column` (its first line is
 * placed by the caller; the following lines keep their relative indentation).
 */
export function transplant(from: YamlDocument, node: Node, column: number): string {
  const text = from.text;
  const start = nodeStart(node);
  const end = contentEnd(text, node);
  const shift = column - columnOf(text, start);
  return text
    .slice(start, end)
    .split(/\r?\n/)
    .map((line, i) => (i === 0 || line.trim() === '' ? line.trimEnd() : shift >= 0 ? ' '.repeat(shift) + line : line.slice(Math.min(-shift, line.length - line.trimStart().length))))
    .join('\n');
}

/** Replaces a node with text, up to the end of its content (its trailing line break stays). */
export function replaceBlock(yaml: YamlDocument, node: Node, newText: string): RawEdit {
  return { start: nodeStart(node), end: contentEnd(yaml.text, node), newText };
}

/** Quotes a replacement the way the original scalar was quoted. */
export function sameQuoting(original: { type?: string }, value: string): string {
  if (original.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (original.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  return value;
}
