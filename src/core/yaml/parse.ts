import { isAlias, isMap, isPair, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { fastParse, type ParsedYaml } from './fast';
import { isStackOverflow, parseWithLibrary, type TooDeep } from './depth';
import { LineIndex } from './lines';
import { identityMap, mapScalar, type OffsetMap } from './offset-map';
import { get, getMap, getString, keyOf, type AnchorTable } from './ast';

/** A YAML syntax problem, by offsets in the text of the document that has it. */
export interface YamlProblem {
  start: number;
  end: number;
  message: string;
  code: string;
  severity: 'error' | 'warning';
}

/** Where an embedded document lives: a ConfigMap `data` value. */
export interface Embedding {
  readonly configMap: Resource;
  readonly key: string;
}

/** One YAML document: the file's own, or one embedded in a ConfigMap value. */
export interface YamlDocument {
  readonly doc: ParsedYaml;
  /** The text that node ranges refer to: the file's text, or the embedded value. */
  readonly text: string;
  /** Offsets of `text` to offsets of the file. */
  readonly map: OffsetMap;
  readonly index: number;
  readonly embedding?: Embedding;
  readonly anchors: AnchorTable;
  readonly problems: YamlProblem[];
  /** Set when aliases would expand past the limit; such a document is not validated further. */
  readonly aliasBomb?: { start: number; end: number; expandedNodes: number };
  /** Set when collections nest past MAX_DEPTH (depth.ts); such a document is not read or validated further. */
  readonly tooDeep?: TooDeep;
  /** Set when parsing failed unexpectedly (a bug): the error, for the report; the text is one unread document. */
  readonly failure?: string;
  /** Start/end offsets of the document in `text`. */
  readonly start: number;
  readonly end: number;
}

export type ResourceType = 'IBGU' | 'IBU' | 'Backup' | 'Restore' | 'ConfigMap' | 'ManagedCluster' | 'Other';

/** A Kubernetes object found in a document. */
export interface Resource {
  readonly yaml: YamlDocument;
  readonly root: YAMLMap<unknown, unknown>;
  readonly apiVersion: string;
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  readonly type: ResourceType;
  readonly name?: string;
  readonly namespace?: string;
  readonly path: string;
  /** For ConfigMaps: the documents embedded in `data` values, in key order. */
  readonly embedded: YamlDocument[];
}

export interface ParsedFile {
  readonly path: string;
  readonly text: string;
  readonly lines: LineIndex;
  readonly documents: YamlDocument[];
  /** Every resource, the embedded ones right after their ConfigMap. */
  readonly resources: Resource[];
}

/** Expanded size past which aliases count as an attack ("billion laughs"). */
export const MAX_EXPANDED_NODES = 100_000;

const KIND_TYPES: Record<string, ResourceType | undefined> = {
  'lcm.openshift.io/ImageBasedGroupUpgrade': 'IBGU',
  'lca.openshift.io/ImageBasedUpgrade': 'IBU',
  'velero.io/Backup': 'Backup',
  'velero.io/Restore': 'Restore',
  '/ConfigMap': 'ConfigMap',
  'cluster.open-cluster-management.io/ManagedCluster': 'ManagedCluster',
};

export function parseDocuments(text: string, map: OffsetMap = identityMap, embedding?: Embedding): YamlDocument[] {
  const out: YamlDocument[] = [];
  const push = (doc: ParsedYaml, tooDeep?: TooDeep) => out.push(toYamlDocument(doc, text, map, out.length, embedding, tooDeep));
  try {
    // Plain block manifests take the fast path; everything else, and every text with a problem, the library.
    const fast = fastParse(text);
    if (fast) {
      for (const doc of fast) push(doc);
      return out;
    }
    for (const { doc, tooDeep } of parseWithLibrary(text, LIBRARY_OPTIONS)) push(doc, tooDeep);
    return out;
  } catch (error) {
    // Parsing never throws: an editor would show nothing for the file, and the CLI would stop. A stack
    // overflow (defence in depth: the depth limit keeps every walk far from the stack's end) makes the text
    // one document too deep to read; any other error one unread document that says so.
    const whole: YamlDocument = { doc: { contents: null, range: [0, text.length, text.length], errors: [], warnings: [] }, text, map, index: 0, embedding, anchors: EMPTY_ANCHORS, problems: [], start: 0, end: text.length };
    if (isStackOverflow(error)) return [{ ...whole, tooDeep: { start: 0, end: Math.min(1, text.length) } }];
    return [{ ...whole, failure: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }];
  }
}

/** Whether a document was refused (alias bomb, too deep, parse failure): rules and facts do not read it. */
export function refused(yaml: YamlDocument): boolean {
  return !!(yaml.aliasBomb || yaml.tooDeep || yaml.failure);
}

const LIBRARY_OPTIONS = { uniqueKeys: true, prettyErrors: false, strict: true, keepSourceTokens: false };

function toYamlDocument(doc: ParsedYaml, text: string, map: OffsetMap, index: number, embedding?: Embedding, tooDeep?: TooDeep): YamlDocument {
  const problems: YamlProblem[] = [];
  for (const [list, severity] of [[doc.errors, 'error'], [doc.warnings, 'warning']] as const) {
    for (const e of list) {
      const [start, end] = e.pos;
      // The library turns a stack overflow while composing into an error; it is the depth limit's finding.
      if (e.code === 'RESOURCE_EXHAUSTION') {
        tooDeep ??= { start, end: Math.max(end, start + 1) };
        continue;
      }
      problems.push({ start, end: Math.max(end, start + 1), message: e.message.replace(/\s+at line \d+, column \d+:?[\s\S]*$/, ''), code: e.code, severity });
    }
  }
  const [start, , end] = doc.range;
  if (tooDeep) return { doc: { ...doc, contents: null }, text, map, index, embedding, anchors: EMPTY_ANCHORS, problems: [], tooDeep, start, end };
  let anchors: AnchorTable = EMPTY_ANCHORS;
  let aliasBomb: YamlDocument['aliasBomb'];
  // Anchors need a walk; most manifests have none, and a text without `*` has no alias.
  const star = text.indexOf('*', start);
  if (star !== -1 && star < end) {
    const walked = walkAnchors(doc.contents);
    anchors = walked.anchors;
    if (walked.bomb) aliasBomb = walked.bomb;
    for (const alias of walked.unresolved) {
      const [s, e] = alias.range ?? [start, start + 1];
      problems.push({ start: s, end: Math.max(e, s + 1), message: `Alias *${(alias as { source?: string }).source} has no anchor before it in this document (anchors do not reach across "---").`, code: 'BAD_ALIAS', severity: 'error' });
    }
  }
  return { doc, text, map, index, embedding, anchors, problems, aliasBomb, start, end };
}

const EMPTY_ANCHORS: AnchorTable = new Map();

/** Records anchors in document order and measures how far aliases would expand. */
function walkAnchors(root: unknown): { anchors: Map<string, Node>; unresolved: Node[]; bomb?: { start: number; end: number; expandedNodes: number } } {
  const anchors = new Map<string, Node>();
  const unresolved: Node[] = [];
  const sizes = new Map<string, number>();
  let firstAlias: Node | undefined;
  let total = 0;
  const size = (node: unknown): number => {
    if (total > MAX_EXPANDED_NODES) return 0;
    let n = 1;
    if (isAlias(node)) {
      firstAlias ??= node;
      if (!anchors.has(node.source)) unresolved.push(node);
      n = sizes.get(node.source) ?? 1;
      total += n;
      return n;
    }
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) n += size(item.key) + size(item.value);
        else n += size(item);
      }
    }
    total += 1;
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) {
      anchors.set(anchor, node as Node);
      sizes.set(anchor, n);
    }
    return n;
  };
  size(root);
  if (total > MAX_EXPANDED_NODES && firstAlias) {
    const [start, end] = firstAlias.range ?? [0, 0];
    return { anchors, unresolved, bomb: { start, end, expandedNodes: total } };
  }
  return { anchors, unresolved };
}

/** Parses a whole file, identifies its resources and the manifests embedded in its ConfigMaps. */
export function parseFile(path: string, text: string): ParsedFile {
  const documents = parseDocuments(text);
  return { path, text, lines: new LineIndex(text), documents, resources: documents.flatMap((yaml) => resourcesOf(yaml, path)) };
}

/** The resources of one document: itself, the items of a List, and the documents embedded in ConfigMaps. */
export function resourcesOf(yaml: YamlDocument, path: string): Resource[] {
  const resources: Resource[] = [];
  const add = (resource: Resource) => {
    resources.push(resource);
    if (resource.type !== 'ConfigMap') return;
    embed(resource);
    for (const inner of resource.embedded) {
      const embedded = identify(inner, path);
      if (embedded) resources.push(embedded);
    }
  };
  const resource = identify(yaml, path);
  if (!resource) return resources;
  if (resource.group === '' && resource.kind === 'List') {
    // `kubectl get … -o yaml` exports: the items are the objects.
    const list = get(resource.root, 'items', yaml.anchors);
    if (isSeq(list)) for (const item of list.items) {
      const inner = isMap(item) ? identify(yaml, path, item) : undefined;
      if (inner) add(inner);
    }
  } else {
    add(resource);
  }
  return resources;
}

export function identify(yaml: YamlDocument, path: string, node: unknown = yaml.doc.contents): Resource | undefined {
  if (refused(yaml)) return undefined;
  const root = node;
  if (!isMap(root)) return undefined;
  const apiVersion = getString(root, 'apiVersion', yaml.anchors);
  const kind = getString(root, 'kind', yaml.anchors);
  if (!apiVersion || !kind) return undefined;
  const slash = apiVersion.lastIndexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const metadata = getMap(root, 'metadata', yaml.anchors);
  return {
    yaml,
    root,
    apiVersion,
    kind,
    group,
    version,
    type: KIND_TYPES[`${group}/${kind}`] ?? 'Other',
    name: getString(metadata, 'name', yaml.anchors),
    namespace: getString(metadata, 'namespace', yaml.anchors),
    path,
    embedded: [],
  };
}

/** A ConfigMap value is parsed when it looks like Kubernetes manifests (YAML or JSON). */
const MANIFEST_HINT = /(^|[\s{,"'])apiVersion["']?\s*:/;

function embed(configMap: Resource): void {
  const data = get(configMap.root, 'data', configMap.yaml.anchors);
  if (!isMap(data)) return;
  const embedded = configMap.embedded as YamlDocument[];
  for (const pair of data.items) {
    const key = keyOf(pair);
    const value = pair.value;
    if (key === undefined || !isScalar(value) || typeof value.value !== 'string') continue;
    if (!MANIFEST_HINT.test(value.value) || !/kind["']?\s*:/.test(value.value)) continue;
    const map = composeMaps(configMap.yaml.map, mapScalar(configMap.yaml.text, value, value.value));
    embedded.push(...parseDocuments(value.value, map, { configMap, key }));
  }
}

/** Inner map first, then the outer one (a ConfigMap that is itself embedded is not expected, but composes). */
function composeMaps(outer: OffsetMap, inner: OffsetMap): OffsetMap {
  if (outer === identityMap) return inner;
  return {
    get exact() {
      return outer.exact && inner.exact;
    },
    toOuter: (offset) => outer.toOuter(inner.toOuter(offset)),
    toInner: (offset) => {
      const mid = outer.toInner(offset);
      return mid === undefined ? undefined : inner.toInner(mid);
    },
    edit: (edit) => {
      const mid = inner.edit(edit);
      return mid && outer.edit(mid);
    },
  };
}
