import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Position, Range } from '../yaml/lines';
import type { OffsetMap } from '../yaml/offset-map';
import type { ParsedFile, Resource, ResourceType, YamlDocument } from '../yaml/parse';
import { deref, keyOf } from '../yaml/ast';
import { backupSchema, restoreSchema } from '../schema/velero';
import { ibguSchema } from '../schema/talm';
import { ibuSchema } from '../schema/lca';
import type { ObjectSchema, Schema } from '../schema/types';

/** Where a position of the file lands: a document (the file's own, or one embedded in a ConfigMap value). */
export interface Located {
  readonly yaml: YamlDocument;
  /** The offset in `yaml.text`. */
  readonly offset: number;
  /** The part of `yaml.text` that belongs to this document: it runs up to the next document. */
  readonly regionStart: number;
  readonly regionEnd: number;
  /** The resource the offset is in, when the document has one. */
  readonly resource?: Resource;
}

export type PathKey = string | number;

/** Every document of the file: its own, then the embedded ones. */
export function allDocuments(file: ParsedFile): YamlDocument[] {
  const out = [...file.documents];
  for (const r of file.resources) if (r.type === 'ConfigMap') out.push(...r.embedded);
  return out;
}

export function locate(file: ParsedFile, position: Position): Located | undefined {
  const outer = file.lines.offsetAt(position);
  // Documents parsed from one text share its map; an embedded hit wins over the ConfigMap around it.
  const groups = new Map<OffsetMap, YamlDocument[]>();
  for (const yaml of allDocuments(file)) {
    const list = groups.get(yaml.map);
    if (list) list.push(yaml);
    else groups.set(yaml.map, [yaml]);
  }
  let best: Located | undefined;
  for (const [map, docs] of groups) {
    const inner = map.toInner(outer);
    if (inner === undefined) continue;
    const i = regionIndex(docs, inner);
    if (i === -1) continue;
    const yaml = docs[i];
    const found: Located = {
      yaml,
      offset: inner,
      regionStart: i === 0 ? 0 : yaml.start,
      regionEnd: i + 1 < docs.length ? docs[i + 1].start : yaml.text.length,
      resource: resourceAt(file, yaml, inner),
    };
    if (!best || (found.yaml.embedding && !best.yaml.embedding)) best = found;
  }
  return best;
}

function regionIndex(docs: YamlDocument[], inner: number): number {
  if (inner < 0 || inner > docs[0].text.length) return -1;
  let i = 0;
  while (i + 1 < docs.length && docs[i + 1].start <= inner) i++;
  return i;
}

function resourceAt(file: ParsedFile, yaml: YamlDocument, offset: number): Resource | undefined {
  const mine = file.resources.filter((r) => r.yaml === yaml);
  if (mine.length <= 1) return mine[0];
  return mine.find((r) => r.root.range && r.root.range[0] <= offset && offset <= r.root.range[1]);
}

/** The file range of a span of a document's text. */
export function outerRange(file: ParsedFile, yaml: YamlDocument, start: number, end: number): Range {
  return file.lines.range(yaml.map.toOuter(start), yaml.map.toOuter(end));
}

/** The scalar under an offset: a key, or a value (of a pair or of a sequence), with its path from `root`. */
export interface Hit {
  path: PathKey[];
  node: Node;
  onKey: boolean;
  /** The map holding the pair, when the hit is a key or a pair's value. */
  parent?: YAMLMap<unknown, unknown>;
  pair?: Pair<unknown, unknown>;
}

const within = (node: unknown, offset: number) => {
  const range = (node as Node | undefined)?.range;
  return !!range && range[0] <= offset && offset <= range[1];
};

export function hitAt(root: unknown, offset: number, path: PathKey[] = []): Hit | undefined {
  if (isMap(root)) {
    for (const pair of root.items) {
      if (!isPair(pair)) continue;
      const key = keyOf(pair);
      if (key === undefined) continue;
      if (isScalar(pair.key) && within(pair.key, offset)) return { path: [...path, key], node: pair.key, onKey: true, parent: root, pair };
      if (within(pair.value, offset)) {
        if (isScalar(pair.value)) return { path: [...path, key], node: pair.value, onKey: false, parent: root, pair };
        return hitAt(pair.value, offset, [...path, key]);
      }
    }
    return undefined;
  }
  if (isSeq(root)) {
    for (const [i, item] of root.items.entries()) {
      if (!within(item, offset)) continue;
      if (isScalar(item)) return { path: [...path, i], node: item, onKey: false };
      return hitAt(item, offset, [...path, i]);
    }
  }
  return undefined;
}

/** The node at a path, aliases resolved. */
export function nodeAtPath(root: unknown, path: readonly PathKey[], yaml: YamlDocument): Node | undefined {
  let node = deref(root, yaml.anchors);
  for (const key of path) {
    if (typeof key === 'number') node = isSeq(node) ? deref(node.items[key], yaml.anchors) : undefined;
    else if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyOf(p) === key);
      node = pair ? deref(pair.value, yaml.anchors) : undefined;
    } else node = undefined;
    if (!node) return undefined;
  }
  return node;
}

export const SCHEMAS: Partial<Record<ResourceType, ObjectSchema>> = { IBGU: ibguSchema, IBU: ibuSchema, Backup: backupSchema, Restore: restoreSchema };

export function schemaAt(schema: Schema | undefined, path: readonly PathKey[]): Schema | undefined {
  let s = schema;
  for (const key of path) {
    if (!s) return undefined;
    if (s.type === 'array') s = typeof key === 'number' ? s.items : undefined;
    else if (s.type === 'object') s = typeof key === 'string' ? s.properties[key] : undefined;
    else if (s.type === 'map') s = typeof key === 'string' ? s.values : undefined;
    else return undefined;
  }
  return s;
}

export function typeName(schema: Schema): string {
  if (schema.type === 'array') return `list of ${schema.items.type === 'object' ? 'objects' : `${schema.items.type}s`}`;
  return schema.type === 'map' ? 'map of strings' : schema.type;
}

/** `spec.plan[0].actions`, for headings. */
export function pathText(path: readonly PathKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

const TYPES: Record<string, ResourceType> = {
  'lcm.openshift.io/ImageBasedGroupUpgrade': 'IBGU',
  'lca.openshift.io/ImageBasedUpgrade': 'IBU',
  'velero.io/Backup': 'Backup',
  'velero.io/Restore': 'Restore',
  '/ConfigMap': 'ConfigMap',
};

export function typeOf(apiVersion: string | undefined, kind: string | undefined): ResourceType | undefined {
  if (!apiVersion || !kind) return undefined;
  const slash = apiVersion.lastIndexOf('/');
  return TYPES[`${slash === -1 ? '' : apiVersion.slice(0, slash)}/${kind}`] ?? 'Other';
}
