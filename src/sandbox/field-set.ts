/**
 * Sets of field paths, as server-side apply records them in managedFields (FieldsV1). A path is a list of
 * path elements, each in its FieldsV1 spelling: `f:name` (a field), `k:{"type":"Ready"}` (an item of a list
 * keyed by its map keys), `v:"x"` (an item of a set), `i:0` (an index). Modelled on
 * sigs.k8s.io/structured-merge-diff fieldpath/set.go (Set: Members + Children) and fieldpath/serialize.go
 * (FieldsV1, where "." marks a path that is itself a member and also has children).
 */

export type PathElement = string;
export type FieldPath = readonly PathElement[];

/** structured-merge-diff fieldpath/element.go PathElement.Compare: fields, then keys, then values, then indexes. */
const KIND_ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

export function comparePathElements(a: PathElement, b: PathElement): number {
  const ka = KIND_ORDER[a[0]!] ?? 4;
  const kb = KIND_ORDER[b[0]!] ?? 4;
  if (ka !== kb) return ka - kb;
  if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go's %q of a scalar as structured-merge-diff value.ToString prints it (strings quoted, the rest bare). */
function printValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(printValue).join(',')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}:${printValue(x)}`).join(',')}}`;
  return String(v);
}

/** A path as the API server prints it in conflicts (fieldpath/element.go PathElement.String): `.spec.plan[type="x"]`. */
export function printPath(path: FieldPath): string {
  return path.map((pe) => {
    const rest = pe.slice(2);
    switch (pe[0]) {
      case 'f': return `.${rest}`;
      case 'k': return `[${Object.entries(JSON.parse(rest) as Record<string, unknown>).map(([k, v]) => `${k}=${printValue(v)}`).join(',')}]`;
      case 'v': return `[=${printValue(JSON.parse(rest))}]`;
      case 'i': return `[${rest}]`;
      default: return '{{invalid path element}}';
    }
  }).join('');
}

const NO_CHILDREN: ReadonlyMap<PathElement, FieldSet> = new Map();

/**
 * A node of a set of paths. Sets are built by `insert` (and `fromFieldsV1`) and never changed afterwards, so
 * the operations share the nodes of their inputs where a subtree comes through unchanged (a union with a
 * side absent, a difference with nothing to take away) instead of copying them: an ownership update touches
 * only the paths that changed, not every field the managers own. No node below the root is ever empty.
 */
export class FieldSet {
  /** The path leading to this node is itself in the set. */
  member = false;
  /** Created on the first child: most nodes are leaves. */
  private kids: Map<PathElement, FieldSet> | undefined;

  get children(): ReadonlyMap<PathElement, FieldSet> {
    return this.kids ?? NO_CHILDREN;
  }

  /** Adds a child while the set is being built (never to a set already handed out). */
  setChild(pe: PathElement, child: FieldSet): void {
    (this.kids ??= new Map()).set(pe, child);
  }

  static of(...paths: FieldPath[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Inserting the empty path does nothing, as in fieldpath.Set.Insert. */
  insert(path: FieldPath): void {
    if (!path.length) return;
    let node: FieldSet = this;
    for (const pe of path) {
      let next = node.kids?.get(pe);
      if (!next) node.setChild(pe, (next = new FieldSet()));
      node = next;
    }
    node.member = true;
  }

  has(path: FieldPath): boolean {
    let node: FieldSet | undefined = this;
    for (const pe of path) node = node?.children.get(pe);
    return path.length > 0 && !!node?.member;
  }

  /** The paths under `pe`, relative to it (fieldpath.Set.WithPrefix). */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(pe) ?? new FieldSet();
  }

  get empty(): boolean {
    return !this.member && !this.kids?.size;
  }

  /** Every member of this set is one of `o` (without building the difference). */
  subsetOf(o: FieldSet): boolean {
    if (this === o) return true;
    if (this.member && !o.member) return false;
    for (const [k, c] of this.children) {
      const other = o.children.get(k);
      if (!other || !c.subsetOf(other)) return false;
    }
    return true;
  }

  /** Some path is a member of both (without building the intersection). */
  intersects(o: FieldSet): boolean {
    if (this.member && o.member) return true;
    const [small, large] = this.children.size <= o.children.size ? [this, o] : [o, this];
    for (const [k, c] of small.children) {
      const other = large.children.get(k);
      if (other && (other === c || c.intersects(other))) return true;
    }
    return false;
  }

  union(o: FieldSet): FieldSet {
    if (this === o || o.empty) return this;
    if (this.empty) return o;
    const out = new FieldSet();
    out.member = this.member || o.member;
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      out.setChild(k, oc ? c.union(oc) : c);
    }
    for (const [k, oc] of o.children) if (!this.children.has(k)) out.setChild(k, oc);
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    if (this === o) return this;
    const out = new FieldSet();
    out.member = this.member && o.member;
    const [small, large] = this.children.size <= o.children.size ? [this, o] : [o, this];
    for (const [k, c] of small.children) {
      const other = large.children.get(k);
      if (!other) continue;
      const i = c.intersection(other);
      if (!i.empty) out.setChild(k, i);
    }
    return out;
  }

  /** Members of this set that are not members of `o`, path by path (fieldpath.Set.Difference). */
  difference(o: FieldSet): FieldSet {
    if (this === o) return new FieldSet();
    if (!(this.member && o.member) && !this.intersects(o)) return this;
    const out = new FieldSet();
    out.member = this.member && !o.member;
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      const d = oc ? c.difference(oc) : c;
      if (!d.empty) out.setChild(k, d);
    }
    return out;
  }

  /** Drops every path that is in `o` or under a path in `o` (fieldpath.Set.RecursiveDifference, used by reset-field filters). */
  recursiveDifference(o: FieldSet): FieldSet {
    if (o.member) return new FieldSet();
    if (!o.kids?.size) return this;
    const out = new FieldSet();
    out.member = this.member;
    for (const [k, c] of this.children) {
      const oc = o.children.get(k);
      const r = oc ? c.recursiveDifference(oc) : c;
      if (!r.empty) out.setChild(k, r);
    }
    return out;
  }

  /** The same set (sets are never changed once built, so there is nothing to copy). */
  copy(): FieldSet {
    return this;
  }

  private sortedChildren(): [PathElement, FieldSet][] {
    return [...this.children].sort(([a], [b]) => comparePathElements(a, b));
  }

  /** Every member path, in fieldpath.Set.Iterate's order: this level's members first, then each child's paths. */
  paths(prefix: FieldPath = []): FieldPath[] {
    const out: FieldPath[] = [];
    const sorted = this.sortedChildren();
    for (const [pe, c] of sorted) if (c.member) out.push([...prefix, pe]);
    for (const [pe, c] of sorted) if (c.children.size) out.push(...c.paths([...prefix, pe]));
    return out;
  }

  /** FieldsV1 (fieldpath/serialize.go): `{}` for a member leaf, `".": {}` for a member with children. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.member && this.children.size) out['.'] = {};
    for (const [pe, c] of this.sortedChildren()) out[pe] = c.toFieldsV1();
    return out;
  }

  /** Reads FieldsV1; throws on what fieldpath.Set.FromJSON refuses (a key that is no path element, a value that is no object). */
  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    read(s, v, true);
    return s;
  }
}

function read(node: FieldSet, v: unknown, root: boolean): void {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('expected an object');
  const entries = Object.entries(v as Record<string, unknown>);
  if (!root && !entries.length) node.member = true;
  for (const [k, child] of entries) {
    if (k === '.') {
      if (root) throw new Error('"." at the top level');
      node.member = true;
      continue;
    }
    if (!/^[fkvi]:/.test(k)) throw new Error(`unknown path element "${k}"`);
    if (k[0] === 'k' || k[0] === 'v') JSON.parse(k.slice(2));
    if (k[0] === 'i' && !/^i:(0|[1-9][0-9]*)$/.test(k)) throw new Error(`bad index "${k}"`);
    const c = new FieldSet();
    read(c, child, false);
    node.setChild(k, c);
  }
}
