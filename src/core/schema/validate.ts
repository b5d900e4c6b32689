import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import { deref, keyOf, nodeEnd, nodeStart } from '../yaml/ast';
import type { YamlDocument } from '../yaml/parse';
import { renameKey, sameQuoting } from '../yaml/edit';
import type { Report } from '../yaml/report';
import type { ObjectSchema, Schema } from './types';
import { closest } from '../text/similar';

export interface UnknownField {
  path: string;
  key: string;
  pair: Pair<unknown, unknown>;
  parent: YAMLMap<unknown, unknown>;
  parentPath: string;
  suggestions: string[];
  /** The misspelling of a required field: reported once, by the required-field error that carries the fix. */
  misspellsRequired?: boolean;
}

export interface SchemaResult {
  /** Violations of the schema: the API server rejects the object. */
  errors: Report[];
  /** Fields the schema does not have: the API server drops them silently. */
  unknown: UnknownField[];
}

const TYPE_NAMES: Record<string, string> = { object: 'object', map: 'object', array: 'array', string: 'string', integer: 'integer', number: 'number', boolean: 'boolean', 'int-or-string': 'integer or string' };

/** Whether a node of type `actual` fits a schema of type `type`: an integer is a number, and int-or-string takes both. */
function fits(actual: string, type: Schema['type']): boolean {
  switch (type) {
    case 'number':
      return actual === 'integer' || actual === 'number';
    case 'int-or-string':
      return actual === 'integer' || actual === 'string';
    case 'object':
    case 'map':
      return actual === 'object';
    default:
      return actual === TYPE_NAMES[type];
  }
}

/**
 * kubectl, oc and Argo CD turn YAML into JSON with a YAML 1.1 parser, where these plain words are
 * booleans; the YAML 1.2 parser used here reads them as strings.
 */
const YAML11_BOOLEANS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

export function isYaml11Boolean(node: unknown): boolean {
  // Every such word has at most three letters: most strings are ruled out without the pattern.
  return isScalar(node) && node.type === 'PLAIN' && typeof node.value === 'string' && node.value.length <= 3 && YAML11_BOOLEANS.test(node.value);
}

function typeOfNode(node: Node | undefined): string {
  if (isMap(node)) return 'object';
  if (isSeq(node)) return 'array';
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
    if (typeof v === 'boolean' || isYaml11Boolean(node)) return 'boolean';
    if (v === null) return 'null';
    return 'string';
  }
  return 'unknown';
}

/** Validates a node against a schema, as the Kubernetes API server validates a structural CRD schema. */
export function validateSchema(yaml: YamlDocument, root: Node, schema: ObjectSchema): SchemaResult {
  const result: SchemaResult = { errors: [], unknown: [] };
  walk(yaml, root, schema, [], result, undefined);
  return result;
}

/**
 * The field path of the node being walked, as one stack of keys shared by the whole walk (a key is pushed
 * before a child is walked and popped after): walking allocates nothing for paths, and the text of a path is
 * made only for a message. `last` is a key below the top, for a field that is not walked (unknown, missing).
 */
type Keys = (string | number)[];

function pathText(keys: Keys, last?: string): string {
  let out = '';
  for (const key of keys) out = typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${key}` : key;
  if (last !== undefined) out = out ? `${out}.${last}` : last;
  return out;
}

const at = (n: Node | undefined) => ({ start: nodeStart(n), end: nodeEnd(n) });
const NONE: readonly string[] = [];

/** Compiled schema patterns. */
const patterns = new Map<string, RegExp>();
function pattern(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) patterns.set(source, (re = new RegExp(source)));
  return re;
}

/** Walks a node against its schema; `keys` is its path (see `pathText`). */
function walk(yaml: YamlDocument, node: Node | undefined, schema: Schema, keys: Keys, out: SchemaResult, keyNode: Node | undefined): void {
  if (schema.type === 'any') return;
  const actual = typeOfNode(node);
  if (!fits(actual, schema.type)) {
    const expected = TYPE_NAMES[schema.type]!;
    const fixes = [];
    if (isScalar(node) && schema.type === 'string' && node.source !== undefined && (actual === 'integer' || actual === 'number' || actual === 'boolean')) {
      fixes.push({ title: `Quote ${node.source} as a string`, edits: [{ start: nodeStart(node), end: nodeEnd(node), newText: JSON.stringify(node.source) }], preferred: true, autofix: true });
    }
    if (isScalar(node) && typeof node.value === 'string' && ((schema.type === 'integer' && /^-?\d+$/.test(node.value)) || (schema.type === 'boolean' && /^(true|false)$/.test(node.value)))) {
      fixes.push({ title: `Write ${node.value} as ${schema.type === 'integer' ? 'a number' : 'a boolean'}`, edits: [{ start: nodeStart(node), end: nodeEnd(node), newText: node.value }], preferred: true, autofix: true });
    }
    if (isScalar(node) && schema.type === 'array' && schema.items.type === 'string' && typeof node.value === 'string' && node.range) {
      const text = yaml.text.slice(node.range[0], node.range[1]);
      fixes.push({ title: `Make it a list: [${text}]`, edits: [{ start: node.range[0], end: node.range[1], newText: `[${text}]` }], preferred: true, autofix: true });
    }
    const shown = isScalar(node) && node.source !== undefined ? ` (${JSON.stringify(node.value)})` : '';
    const yaml11 = isYaml11Boolean(node) ? ` Kubernetes tools read YAML 1.1, where a plain ${String((node as import('yaml').Scalar).value)} is a boolean: quote it.` : '';
    out.errors.push({ ...at(node ?? keyNode), message: `${pathText(keys) || 'document'} must be ${article(expected)} ${expected}, not ${article(actual)} ${actual}${shown}: the API server rejects it.${yaml11}`, fixes });
    return;
  }
  switch (schema.type) {
    case 'object': {
      const map = node as YAMLMap<unknown, unknown>;
      for (const pair of map.items) {
        const field = keyOf(pair);
        if (field === undefined) continue;
        const child = schema.properties[field];
        if (!child) {
          if (schema.closed) out.unknown.push({ path: pathText(keys, field), key: field, pair, parent: map, parentPath: pathText(keys), suggestions: closest(field, Object.keys(schema.properties)) });
          continue;
        }
        const value = deref(pair.value, yaml.anchors);
        if (value === undefined || (isScalar(value) && value.value === null)) continue;
        keys.push(field);
        walk(yaml, value, child, keys, out, pair.key as Node);
        keys.pop();
      }
      for (const required of schema.required ?? NONE) {
        let present: Pair<unknown, unknown> | undefined;
        for (const p of map.items) {
          if (keyOf(p) === required) {
            present = p;
            break;
          }
        }
        const value = present && deref(present.value, yaml.anchors);
        if (present && value && !(isScalar(value) && value.value === null)) continue;
        const full = pathText(keys, required);
        const first = map.items[0]?.key as Node | undefined;
        // A list item has no key of its own: its first key stands for it.
        const where = present ? at(present.key as Node) : keyNode ? at(keyNode) : first && !map.flow ? at(first) : { start: nodeStart(map), end: nodeStart(map) + 1 };
        // `maxConcurrncy: 10` beside a missing maxConcurrency: one problem, reported where the typo is.
        const typo = out.unknown.find((u) => u.parent === map && u.suggestions.length === 1 && u.suggestions[0] === required);
        if (typo) {
          typo.misspellsRequired = true;
          out.errors.push({ ...at(typo.pair.key as Node), message: `${full} is required, and ${typo.key} is not a field: did you mean ${required}? The API server rejects the object as written.`, fixes: renameFixes(typo) });
          continue;
        }
        out.errors.push({ ...where, message: `${full} is required: the API server rejects the object without it.` });
      }
      return;
    }
    case 'map': {
      for (const pair of (node as YAMLMap<unknown, unknown>).items) {
        const field = keyOf(pair);
        const value = deref(pair.value, yaml.anchors);
        if (field === undefined || value === undefined) continue;
        keys.push(field);
        walk(yaml, value, schema.values, keys, out, pair.key as Node);
        keys.pop();
      }
      return;
    }
    case 'array': {
      const seq = node as import('yaml').YAMLSeq<unknown>;
      if (schema.maxItems !== undefined && seq.items.length > schema.maxItems) {
        const extra = seq.items[schema.maxItems] as Node;
        let end = nodeEnd(seq.items[seq.items.length - 1]);
        while (end > nodeStart(extra) && /\s/.test(yaml.text[end - 1])) end--;
        out.errors.push({ start: nodeStart(extra), end, message: `${pathText(keys)} has ${seq.items.length} items; at most ${schema.maxItems} are allowed: the API server rejects it.` });
      }
      for (let i = 0; i < seq.items.length; i++) {
        const item = seq.items[i];
        const value = deref(item, yaml.anchors);
        if (value && !(isScalar(value) && value.value === null)) {
          keys.push(i);
          walk(yaml, value, schema.items, keys, out, undefined);
          keys.pop();
        }
        else {
          let start = isScalar(item) && item.range ? item.range[0] : nodeStart(seq);
          // An item with nothing after its dash has an empty range: point at the dash.
          if (!seq.flow && nodeEnd(item) <= start) start = Math.max(yaml.text.lastIndexOf('-', start), 0);
          out.errors.push({ start, end: Math.max(nodeEnd(item), start + 1), message: `${pathText(keys)}[${i}] is empty (null): the API server rejects it.` });
        }
      }
      return;
    }
    case 'string': {
      const value = String((node as import('yaml').Scalar).value);
      if (schema.enum && !schema.enum.includes(value)) {
        const suggestion = closest(value, schema.enum);
        const fixes = suggestion.map((s, i) => ({ title: `Change to ${s}`, edits: [{ start: nodeStart(node), end: nodeEnd(node), newText: sameQuoting(node as { type?: string }, s) }], preferred: i === 0, autofix: suggestion.length === 1 }));
        out.errors.push({ ...at(node), message: `${pathText(keys)} must be one of ${schema.enum.join(', ')}; "${value}" is not allowed: the API server rejects it.`, fixes });
      }
      if (schema.minLength !== undefined && value.length < schema.minLength) out.errors.push({ ...at(node), message: `${pathText(keys)} must not be empty: the API server rejects it.` });
      if (schema.maxLength !== undefined && value.length > schema.maxLength) out.errors.push({ ...at(node), message: `${pathText(keys)} is longer than ${schema.maxLength} characters: the API server rejects it.` });
      // An empty value already failed minLength; the pattern would only say it again.
      if (schema.pattern && value !== '' && !pattern(schema.pattern).test(value)) out.errors.push({ ...at(node), message: `${pathText(keys)} "${value}" does not match the pattern ${schema.pattern}: the API server rejects it.` });
      return;
    }
    case 'integer':
    case 'number': {
      const value = (node as import('yaml').Scalar<number>).value;
      if (schema.minimum !== undefined && value < schema.minimum) out.errors.push({ ...at(node), message: `${pathText(keys)} must be at least ${schema.minimum}; the API server rejects ${value}.` });
      if (schema.maximum !== undefined && value > schema.maximum) out.errors.push({ ...at(node), message: `${pathText(keys)} must be at most ${schema.maximum}; the API server rejects ${value}.` });
      return;
    }
    default:
      return;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? 'an' : 'a';
}

/** Did-you-mean fixes for an unknown field: rename the key. */
export function renameFixes(field: UnknownField) {
  return field.suggestions.map((s, i) => ({
    title: `Rename ${field.key} to ${s}`,
    edits: [renameKey(field.pair, s)],
    preferred: i === 0,
    autofix: field.suggestions.length === 1,
  }));
}
