/**
 * Field ownership, as kube-apiserver's field manager keeps it in metadata.managedFields. The pipeline of
 * k8s.io/apimachinery/pkg/util/managedfields/internal (NewDefaultFieldManager), outermost first:
 * lastappliedupdater.go, lastappliedmanager.go, skipnonapplied.go, capmanagers.go, buildmanagerinfo.go,
 * managedfieldsupdater.go, stripmeta.go, structuredmerge.go, over sigs.k8s.io/structured-merge-diff
 * merge/update.go (Updater.Update, Updater.Apply, prune). One API version per type here, so no conversions.
 */
import { FieldSet, printPath, type FieldPath } from './field-set';
import { fieldSchemaOf, type FieldSchema } from './field-schema';
import { compare, createdFieldsV1, ensureNamedFieldsAreMembers, merge, removeItems, SchemaError, toFieldSet, type Comparison } from './structured-merge';
import { ApiError, badRequest } from './status';
import type { KubeObject } from './kube-object';

type JsonObject = Record<string, any>;

export interface FieldOwnerType {
  kind: string;
  /** group/version, the apiVersion of every entry. */
  apiVersion: string;
  statusSubresource: boolean;
}

interface Owner {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource?: string;
  apiVersion: string;
  set: FieldSet;
  time?: string;
  /** The entry this owner was read from, written back as it is while its set and time are unchanged. */
  source?: { entry: KubeObject; set: FieldSet };
}

/** Managers by identifier (internal/managedfields.go BuildManagerIdentifier). */
type Owners = Map<string, Owner>;

/** The identifier: the entry without fields and time, and without apiVersion for appliers (they keep one entry across versions). */
function identifier(o: Pick<Owner, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify({ manager: o.manager, operation: o.operation, ...(o.operation === 'Update' ? { apiVersion: o.apiVersion } : {}), ...(o.subresource ? { subresource: o.subresource } : {}) });
}

/**
 * The field sets of stored entries, read once: stored objects (and so their entries) are never changed in
 * place, and a controller's status writes share the previous version's entries.
 */
const decoded = new WeakMap<object, FieldSet>();

/** Stored managedFields read before, as identifiers and owners. */
const decodedEntries = new WeakMap<object, [string, Owner][]>();

/** internal/managedfields.go DecodeManagedFields: throws on an entry the API server cannot read. */
function decode(entries: unknown): Owners {
  if (!Array.isArray(entries)) return new Map();
  let read = decodedEntries.get(entries);
  if (!read) decodedEntries.set(entries, (read = [...decodeOnce(entries as JsonObject[])]));
  // The owners are shared with every later read: a change replaces an owner in the map, never edits it.
  return new Map(read);
}

function decodeOnce(entries: JsonObject[]): Owners {
  const owners: Owners = new Map();
  entries.forEach((e: JsonObject, i) => {
    if (!e || typeof e !== 'object') throw new Error('not an object');
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (typeof e.apiVersion !== 'string' || !e.apiVersion) throw new Error('apiVersion must not be empty');
    if (e.fieldsType !== 'FieldsV1') throw new Error(e.fieldsType ? `invalid fieldsType "${e.fieldsType}" in managed fields entry ${i}` : `missing fieldsType in managed fields entry ${i}`);
    let set = decoded.get(e);
    if (!set) decoded.set(e, (set = FieldSet.fromFieldsV1(e.fieldsV1 ?? {})));
    const o: Owner = { manager: String(e.manager ?? ''), operation: e.operation, apiVersion: e.apiVersion, set, source: { entry: e, set } };
    if (e.subresource) o.subresource = String(e.subresource);
    if (typeof e.time === 'string') o.time = e.time;
    owners.set(identifier(o), o);
  });
  return owners;
}

const seconds = (t?: string) => (t ? Math.floor(Date.parse(t) / 1000) : 0);

/** internal/managedfields.go encodeManagedFields + sortEncodedManagedFields; no managers: no field at all. */
function encode(owners: Owners): KubeObject[] | undefined {
  if (!owners.size) return undefined;
  const list = [...owners.values()].sort((p, q) =>
    p.operation !== q.operation ? (p.operation < q.operation ? -1 : 1)
      : seconds(p.time) !== seconds(q.time) ? seconds(p.time) - seconds(q.time)
        : p.manager !== q.manager ? (p.manager < q.manager ? -1 : 1)
          : p.apiVersion !== q.apiVersion ? (p.apiVersion < q.apiVersion ? -1 : 1)
            : (p.subresource ?? '') < (q.subresource ?? '') ? -1 : (p.subresource ?? '') > (q.subresource ?? '') ? 1 : 0);
  return list.map((o) => {
    const { source } = o;
    const same = source && source.set === o.set && source.entry.manager === o.manager && source.entry.operation === o.operation;
    if (same && source.entry.time === o.time) return source.entry;
    // Only the time changed (a writer rewriting its own fields): the field set is written as it was.
    const fieldsV1 = same ? source.entry.fieldsV1 : o.set.toFieldsV1();
    const entry = {
      manager: o.manager, operation: o.operation, apiVersion: o.apiVersion, ...(o.time ? { time: o.time } : {}),
      fieldsType: 'FieldsV1', fieldsV1, ...(o.subresource ? { subresource: o.subresource } : {}),
    };
    decoded.set(entry, o.set);
    return entry;
  });
}

/** internal/fieldmanager.go isResetManagedFields: `[]`, or one empty entry, clears ownership. */
function isReset(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && entries[0] && typeof entries[0] === 'object' && Object.keys(entries[0]).length === 0;
}

/** stripmeta.go: fields nobody owns, whatever wrote them. */
const STRIPPED_METADATA = ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'];
const STRIPPED = FieldSet.of(['f:apiVersion'], ['f:kind'], ['f:metadata'], ...STRIPPED_METADATA.map((f) => ['f:metadata', `f:${f}`]));

/**
 * The reset fields (rest strategies' GetResetFields): the main resource of a type with a status subresource
 * does not own status (apiextensions-apiserver customresource/strategy.go), its /status does not own spec
 * (status_strategy.go).
 */
function resetFields(t: FieldOwnerType, subresource?: string): FieldSet {
  if (subresource === 'status') return FieldSet.of(['f:spec']);
  return t.statusSubresource ? FieldSet.of(['f:status']) : new FieldSet();
}

function filtered(c: Comparison, reset: FieldSet): Comparison {
  return { added: c.added.recursiveDifference(reset), modified: c.modified.recursiveDifference(reset), removed: c.removed.recursiveDifference(reset) };
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const MAX_UPDATE_MANAGERS = 10;

interface Conflict { id: string; path: FieldPath }

class Conflicts extends Error {
  constructor(readonly list: Conflict[]) {
    super('conflicts');
  }
}

/**
 * merge/update.go Updater.update: other managers lose what changed under them (conflicts, unless forced)
 * and what was removed; managers left with nothing are dropped.
 */
function takeOver(c: Comparison, owners: Owners, self: string, force: boolean, changed = c.modified.union(c.added)): void {
  const conflicts: Conflict[] = [];
  const lost = new Map<string, FieldSet>();
  for (const id of [...owners.keys()].sort()) {
    if (id === self || !owners.get(id)!.set.intersects(changed)) continue;
    const theirs = owners.get(id)!.set.intersection(changed);
    if (!theirs.empty) {
      lost.set(id, theirs);
      // A forced write (every Update) takes the fields whatever the conflicts: they are not listed.
      if (!force) for (const path of theirs.paths()) conflicts.push({ id, path });
    }
  }
  if (!force && conflicts.length) throw new Conflicts(conflicts);
  for (const [id, o] of owners) {
    if (id === self) continue;
    let set = o.set;
    const l = lost.get(id);
    if (l) set = set.difference(l);
    if (set.intersects(c.removed)) set = set.difference(c.removed);
    if (set === o.set) continue;
    if (set.empty) owners.delete(id);
    else owners.set(id, { ...o, set });
  }
}

/** stripmeta.go stripFields */
function strip(owners: Owners, id: string): void {
  const o = owners.get(id);
  if (!o || !o.set.intersects(STRIPPED)) return;
  const set = o.set.difference(STRIPPED);
  if (set.empty) owners.delete(id);
  else owners.set(id, { ...o, set });
}

/** capmanagers.go: past ten Update managers, the oldest are merged into "ancient-changes", one per API version. */
function capUpdateManagers(owners: Owners): void {
  const updaters = [...owners.entries()].filter(([, o]) => o.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  updaters.sort(([a, p], [b, q]) => seconds(p.time) - seconds(q.time) || (a < b ? -1 : a > b ? 1 : 0));
  let length = updaters.length;
  const firstOfVersion = new Map<string, string>();
  for (const [id, o] of updaters) {
    if (length <= MAX_UPDATE_MANAGERS) break;
    const bucket = identifier({ manager: 'ancient-changes', operation: 'Update', apiVersion: o.apiVersion });
    const first = firstOfVersion.get(o.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(o.apiVersion, id);
      continue;
    }
    if (!owners.has(bucket)) {
      const f = owners.get(first)!;
      owners.delete(first);
      owners.set(bucket, { ...f, manager: 'ancient-changes', operation: 'Update', subresource: undefined });
    }
    const b = owners.get(bucket)!;
    owners.set(bucket, { ...b, set: o.set.union(b.set), time: o.time });
    owners.delete(id);
    length--;
  }
}

export interface UpdateRequest {
  type: FieldOwnerType;
  /** The stored object; undefined on create. */
  live: KubeObject | undefined;
  /** The object about to be stored, with the managedFields the client sent (or the live ones a patch kept). */
  next: KubeObject;
  manager: string;
  subresource?: string;
}

/** The base ownership of a write (internal/fieldmanager.go decodeLiveOrNew): the client's entries unless absent, invalid or a subresource write. */
function baseOwners(live: KubeObject | undefined, next: KubeObject, subresource?: string): Owners {
  const fromLive = () => {
    try {
      return decode(live?.metadata?.managedFields);
    } catch {
      return new Map() as Owners;
    }
  };
  if (subresource) return fromLive();
  const sent = next.metadata?.managedFields;
  if (isReset(sent)) return new Map();
  try {
    const owners = decode(sent);
    return owners.size ? owners : fromLive();
  } catch {
    return fromLive();
  }
}

/**
 * The managedFields after an Update operation (create, PUT, merge/JSON/strategic patch): the writer owns what
 * it added or changed, others lose what it changed or removed, silently. Undefined: no managedFields.
 */
export function updateManagedFields(req: UpdateRequest): KubeObject[] | undefined {
  const { type: t, live, next } = req;
  const owners = baseOwners(live, next, req.subresource);
  // skipnonapplied.go: an existing object whose ownership was reset is not tracked again until someone applies.
  if (live && !owners.size) return undefined;
  const schema = fieldSchemaOf(t.kind);
  if (!live && !owners.size) return createdEntry(req, schema);
  let c: Comparison;
  try {
    c = filtered(compare(withoutManagedFields(live ?? { apiVersion: next.apiVersion, kind: next.kind }), withoutManagedFields(next), schema), resetFields(t, req.subresource));
  } catch (error) {
    // UpdateNoErrors: ownership that cannot be computed keeps the live entries.
    if (error instanceof SchemaError) return live?.metadata?.managedFields;
    throw error;
  }
  applyUpdate(owners, c, { manager: req.manager || 'unknown', operation: 'Update', apiVersion: t.apiVersion, subresource: req.subresource });
  capUpdateManagers(owners);
  return encode(owners);
}

/**
 * A create with no managedFields sent: the one Update entry, its fields serialized in one walk (what the
 * general path computes from compare({}, object), stripped and filtered, for the writes most frequent here).
 */
function createdEntry(req: UpdateRequest, schema: FieldSchema): KubeObject[] | undefined {
  const { type: t, next } = req;
  let fields: Record<string, any>;
  try {
    fields = createdFieldsV1(withoutManagedFields(next), schema);
  } catch (error) {
    if (error instanceof SchemaError) return undefined;
    throw error;
  }
  // stripmeta.go and the reset fields.
  delete fields['f:apiVersion'];
  delete fields['f:kind'];
  const meta = fields['f:metadata'];
  if (meta) {
    for (const k of ['.', ...STRIPPED_METADATA]) delete meta[k === '.' ? k : `f:${k}`];
    if (!Object.keys(meta).length) delete fields['f:metadata'];
  }
  if (req.subresource === 'status') delete fields['f:spec'];
  else if (t.statusSubresource) delete fields['f:status'];
  if (!Object.keys(fields).length) return undefined;
  const entry = { manager: req.manager || 'unknown', operation: 'Update', apiVersion: t.apiVersion, time: now(), fieldsType: 'FieldsV1', fieldsV1: fields, ...(req.subresource ? { subresource: req.subresource } : {}) };
  return [entry];
}

/** managedfieldsupdater.go Update over merge/update.go Updater.Update, as "current-operation" then merged into the manager. */
function applyUpdate(owners: Owners, c: Comparison, who: Omit<Owner, 'set' | 'time'>): void {
  const self = 'current-operation';
  let set = c.modified.empty ? c.added : c.modified.union(c.added);
  takeOver(c, owners, self, true, set);
  if (set.intersects(STRIPPED)) set = set.difference(STRIPPED);
  if (set.empty) return;
  const id = identifier(who);
  const previous = owners.get(id);
  // A writer that rewrites fields it owns keeps its set (and its encoded fields); only its time moves.
  const merged = !previous ? set : set.subsetOf(previous.set) ? previous.set : set.union(previous.set);
  owners.set(id, { ...who, set: merged, time: now(), source: previous?.source });
}

function withoutManagedFields(obj: KubeObject): JsonObject {
  if (!obj.metadata || obj.metadata.managedFields === undefined) return obj;
  const { managedFields: _m, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

export interface ApplyRequest {
  type: FieldOwnerType;
  /** The stored object, or for a create the empty object of the type. */
  live: KubeObject;
  config: KubeObject;
  manager: string;
  force: boolean;
  subresource?: string;
}

export interface Applied { object: KubeObject; managedFields: KubeObject[] | undefined }

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * A server-side apply: the configuration merged into the live object, the fields the manager applied before
 * and applies no more removed unless someone else owns them, and a 409 Conflict for fields another manager
 * owns with a different value unless forced.
 */
export function applyConfiguration(req: ApplyRequest): Applied {
  const { type: t, config } = req;
  // structuredmerge.go Apply: "metadata.managedFields must be nil".
  if (config.metadata?.managedFields !== undefined && config.metadata.managedFields !== null) throw badRequest('metadata.managedFields must be nil');
  const schema = fieldSchemaOf(t.kind);
  const live = withoutManagedFields(req.live);
  let owners: Owners;
  try {
    owners = decode(req.live.metadata?.managedFields);
  } catch (error) {
    throw new ApiError(500, 'InternalError', `failed to decode managed fields: ${(error as Error).message}`);
  }
  const reset = resetFields(t, req.subresource);
  try {
    // skipnonapplied.go: the first apply to an object nobody owns gives what is there to "before-first-apply".
    if (!owners.size) {
      const c = filtered(compare({ apiVersion: live.apiVersion, kind: live.kind }, live, schema), reset);
      applyUpdate(owners, c, { manager: 'before-first-apply', operation: 'Update', apiVersion: t.apiVersion, subresource: req.subresource });
    }
    let result: Applied;
    try {
      result = applyOnce(req, live, owners, req.force, schema, reset);
    } catch (error) {
      // lastappliedmanager.go: kubectl moving from client-side apply may take over the fields of its last-applied configuration.
      if (!(error instanceof Conflicts) || req.manager !== 'kubectl') throw error;
      const allowed = allowedFromLastApplied(live, schema);
      const remaining = error.list.filter((c) => !allowed?.has(c.path));
      if (!allowed || remaining.length) throw new Conflicts(remaining.length ? remaining : error.list);
      result = applyOnce(req, live, owners, true, schema, reset);
    }
    // lastappliedupdater.go: kubectl's last-applied annotation, once there, follows what kubectl applies.
    const annotations = result.object.metadata?.annotations;
    if (req.manager === 'kubectl' && annotations?.[LAST_APPLIED]) {
      const copy = JSON.parse(JSON.stringify(config)) as KubeObject;
      if (copy.metadata?.annotations) {
        delete copy.metadata.annotations[LAST_APPLIED];
        if (!Object.keys(copy.metadata.annotations).length) delete copy.metadata.annotations;
      }
      annotations[LAST_APPLIED] = `${stableJson(copy)}\n`;
    }
    return result;
  } catch (error) {
    if (error instanceof Conflicts) throw conflictError(error.list, owners);
    if (error instanceof SchemaError) throw new ApiError(500, 'InternalError', `failed to create typed patch object: ${error.message}`);
    throw error;
  }
}

/** Go's json.Marshal of a map: keys sorted. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as JsonObject)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** merge/update.go Updater.Apply and prune, with managedfieldsupdater.go's time and stripmeta.go after it. */
function applyOnce(req: ApplyRequest, live: JsonObject, base: Owners, force: boolean, schema: FieldSchema, reset: FieldSet): Applied {
  const owners: Owners = new Map([...base].map(([id, o]) => [id, { ...o }]));
  const config = withoutManagedFields(req.config);
  const merged = merge(live, config, schema);
  const who = { manager: req.manager, operation: 'Apply' as const, apiVersion: req.type.apiVersion, subresource: req.subresource };
  const id = identifier(who);
  const last = owners.get(id)?.set;
  const applied = toFieldSet(config, schema).recursiveDifference(reset);
  owners.set(id, { ...who, set: applied, time: owners.get(id)?.time });
  const object = prune(merged, owners, last, schema);
  takeOver(filtered(compare(live, object, schema), reset), owners, id, force);
  if (!deepSame(live, object)) owners.get(id)!.time = now();
  strip(owners, id);
  for (const [k, o] of owners) base.set(k, o);
  for (const k of [...base.keys()]) if (!owners.has(k)) base.delete(k);
  return { object, managedFields: encode(owners) };
}

const deepSame = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** merge/update.go prune, addBackOwnedItems and addBackDanglingItems. */
function prune(merged: JsonObject, owners: Owners, last: FieldSet | undefined, schema: FieldSchema): JsonObject {
  if (!last || last.empty) return merged;
  const named = (s: FieldSet) => ensureNamedFieldsAreMembers(s, schema);
  let pruned = removeItems(merged, named(last), schema);
  let managed = new FieldSet();
  for (const o of owners.values()) managed = managed.union(o.set);
  const mergedSet = named(toFieldSet(merged, schema));
  pruned = removeItems(merged, mergedSet.difference(named(toFieldSet(pruned, schema)).union(named(managed))), schema);
  return removeItems(merged, mergedSet.difference(named(toFieldSet(pruned, schema))).intersection(named(last)), schema);
}

/** lastappliedmanager.go allowedConflictsFromLastApplied: fields of the last-applied configuration that still hold their value. */
function allowedFromLastApplied(live: JsonObject, schema: FieldSchema): FieldSet | undefined {
  const text = live.metadata?.annotations?.[LAST_APPLIED];
  if (!text) return undefined;
  let last: JsonObject;
  try {
    last = JSON.parse(text) as JsonObject;
  } catch {
    return undefined;
  }
  if (last.apiVersion !== live.apiVersion) return undefined;
  const c = compare(last, live, schema);
  return toFieldSet(last, schema).difference(c.modified).difference(c.added).difference(c.removed);
}

/** internal/conflict.go printManager: `"name"`, with its subresource, and `using <apiVersion>` for an updater. */
function printManager(o: Owner | undefined, id: string): string {
  if (!o) return JSON.stringify(id);
  let s = JSON.stringify(o.manager);
  if (o.subresource) s = `${s} with subresource ${JSON.stringify(o.subresource)}`;
  return o.operation === 'Update' ? `${s} using ${o.apiVersion}` : s;
}

/** internal/conflict.go NewConflictError and getConflictMessage; apimachinery errors.NewApplyConflict (409, reason Conflict, causes only). */
function conflictError(list: Conflict[], owners: Owners): ApiError {
  const who = (id: string) => printManager(owners.get(id), id);
  const causes = list.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${who(c.id)}`, field: printPath(c.path) }));
  let message: string;
  if (list.length === 1) message = `Apply failed with 1 conflict: conflict with ${who(list[0]!.id)}: ${printPath(list[0]!.path)}`;
  else {
    const lines: string[] = [];
    for (const id of [...new Set(list.map((c) => c.id))].sort()) {
      lines.push(`conflicts with ${who(id)}:`);
      for (const c of list.filter((x) => x.id === id)) lines.push(`- ${printPath(c.path)}`);
    }
    message = `Apply failed with ${list.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}
