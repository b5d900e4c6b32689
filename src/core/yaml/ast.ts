import { isAlias, isMap, isPair, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';

/** Resolves aliases against a document's anchors, one level; the caller never expands recursively. */
export type AnchorTable = ReadonlyMap<string, Node>;

export type AnyNode = Node | null | undefined;

export function deref(node: unknown, anchors?: AnchorTable): Node | undefined {
  if (isAlias(node)) return anchors?.get(node.source);
  return (node ?? undefined) as Node | undefined;
}

export function asMap(node: unknown, anchors?: AnchorTable): YAMLMap<unknown, unknown> | undefined {
  const n = deref(node, anchors);
  return isMap(n) ? n : undefined;
}

export function asSeq(node: unknown, anchors?: AnchorTable): YAMLSeq<unknown> | undefined {
  const n = deref(node, anchors);
  return isSeq(n) ? n : undefined;
}

export function asScalar(node: unknown, anchors?: AnchorTable): Scalar | undefined {
  const n = deref(node, anchors);
  return isScalar(n) ? n : undefined;
}

/** The key of a pair as a string, when it is a scalar key. */
export function keyOf(pair: Pair<unknown, unknown>): string | undefined {
  const key = pair.key;
  if (isScalar(key)) return key.value === null ? undefined : String(key.value);
  return undefined;
}

export function pairOf(map: YAMLMap<unknown, unknown> | undefined, key: string): Pair<unknown, unknown> | undefined {
  if (!map) return undefined;
  for (const item of map.items) if (isPair(item) && keyOf(item) === key) return item;
  return undefined;
}

/** The value node under `key` (aliases resolved), or undefined. */
export function get(map: YAMLMap<unknown, unknown> | undefined, key: string, anchors?: AnchorTable): Node | undefined {
  const pair = pairOf(map, key);
  return pair ? deref(pair.value, anchors) : undefined;
}

export function getMap(map: YAMLMap<unknown, unknown> | undefined, key: string, anchors?: AnchorTable): YAMLMap<unknown, unknown> | undefined {
  return asMap(get(map, key, anchors), anchors);
}

export function getSeq(map: YAMLMap<unknown, unknown> | undefined, key: string, anchors?: AnchorTable): YAMLSeq<unknown> | undefined {
  return asSeq(get(map, key, anchors), anchors);
}

/** The string value under `key`; numbers and booleans are given as written. */
export function getString(map: YAMLMap<unknown, unknown> | undefined, key: string, anchors?: AnchorTable): string | undefined {
  const scalar = asScalar(get(map, key, anchors), anchors);
  if (!scalar || scalar.value === null || scalar.value === undefined) return undefined;
  return typeof scalar.value === 'string' ? scalar.value : (scalar.source ?? String(scalar.value));
}

/** Items of a sequence, aliases resolved. */
export function items(seq: YAMLSeq<unknown> | undefined, anchors?: AnchorTable): Node[] {
  if (!seq) return [];
  const out: Node[] = [];
  for (const item of seq.items) {
    const n = deref(item, anchors);
    if (n) out.push(n);
  }
  return out;
}

/** String items of a sequence with their nodes. */
export function stringItems(seq: YAMLSeq<unknown> | undefined, anchors?: AnchorTable): { value: string; node: Scalar }[] {
  const out: { value: string; node: Scalar }[] = [];
  if (!seq) return out;
  // Straight from the sequence: rules ask this of every Backup's and Restore's filter lists.
  for (const raw of seq.items) {
    const item = deref(raw, anchors);
    if (isScalar(item) && item.value !== null && item.value !== undefined) out.push({ value: String(item.value), node: item });
  }
  return out;
}

export function nodeStart(node: unknown): number {
  const n = node as Node | undefined;
  return n?.range?.[0] ?? 0;
}

export function nodeEnd(node: unknown): number {
  const n = node as Node | undefined;
  return n?.range?.[1] ?? nodeStart(node);
}

/** Start and end of the key of a pair, for findings about a field. */
export function keySpan(pair: Pair<unknown, unknown>): [number, number] {
  return [nodeStart(pair.key), nodeEnd(pair.key)];
}

/** JS value of a node, bounded: aliases are resolved, but their expansion is limited and cycles are cut. */
export function toPlain(node: unknown, anchors?: AnchorTable, budget = { left: 100_000 }, inside = new Set<Node>()): unknown {
  if (--budget.left < 0) throw new Error('value too large to compare');
  const n = deref(node, anchors);
  if (!n) return null;
  if (isScalar(n)) return n.value;
  if (inside.has(n)) throw new Error('value refers to itself through an alias');
  inside.add(n);
  try {
    if (isSeq(n)) return n.items.map((item) => toPlain(item, anchors, budget, inside));
    if (isMap(n)) {
      const out: Record<string, unknown> = {};
      for (const pair of n.items) {
        const key = keyOf(pair);
        if (key !== undefined) out[key] = toPlain(pair.value, anchors, budget, inside);
      }
      return out;
    }
    return null;
  } finally {
    inside.delete(n);
  }
}
