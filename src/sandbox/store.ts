/**
 * The hub's object store: every object of every type, one global resourceVersion counter, and a bounded
 * history of changes that watches replay from. HTTP handlers and the simulated TALM/LCA controllers both
 * write through it, and subscribe to it, so a controller sees exactly what a watch would see.
 *
 * Copy on write: a stored object is never changed once committed. A write builds the new version from the
 * body it is given (top level and metadata copied, every other subtree taken as it is), so a write shares
 * what did not change with the old version and with the writer's input; readers that only look (`peek`,
 * `peekList`, `page`, events) get the stored objects themselves. `get` and `list` still hand out copies for
 * callers that edit what they read. With `Store.freezeObjects` (tests; IBGU_SANDBOX_FREEZE=1) every
 * committed object is deep-frozen, so a change through any shared reference throws.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, notFound } from './status';
import { apiVersionOf, HUB, type ApiTypes, type ResourceType } from './registry';
import type { CelViolation } from '../core/talm/cel';
import { clone, deepEqual, type Json } from './patch';
import { deepFreeze } from './freeze';
import { updateManagedFields } from './managed-fields';
import { omitEmptyMetadata } from './object-meta';
import { checkStorable, sizeViolations, type FieldCause } from './object-limits';
import type { KubeObject } from './kube-object';
import { validationCauses } from './structural/admission';

export type { KubeObject } from './kube-object';
export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  resource: ResourceType;
  object: KubeObject;
  /** The object before the change (MODIFIED and DELETED), for selector transitions in watches. */
  previous?: KubeObject;
  rv: number;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** 'status' for writes through the /status subresource. */
  subresource?: 'status';
  /**
   * The managedFields an Apply computed (managed-fields.ts applyConfiguration), stored as they are; undefined:
   * the write is an Update operation and its ownership is computed here.
   */
  appliedManagedFields?: KubeObject[] | null;
  /**
   * A client's write (over HTTP, or a scenario's hubManifests): the object must fit etcd's request limit. The
   * simulated controllers' own writes are not measured: they stand for the cluster's components, and one
   * more serialization of each of their writes would slow the 3,500-cluster simulation.
   */
  fromClient?: boolean;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HISTORY_LIMIT = 2000;

/** Generation is server-maintained for custom resources and the built-ins with a spec (here: Deployment). */
function hasGeneration(t: ResourceType): boolean {
  return !t.builtin || t.kind === 'Deployment';
}

/** Everything but metadata and (when it is a subresource) status: the part of an object whose change bumps generation. */
function specPart(t: ResourceType, obj: KubeObject): KubeObject {
  const { metadata: _m, status: _s, ...rest } = obj;
  if (!t.statusSubresource && _s !== undefined) rest.status = _s;
  return rest;
}

/**
 * Strips what the server owns, so a write that changes nothing else is recognised as a no-op. A shallow
 * copy (object and metadata) is enough: the result is only compared, never changed or stored.
 */
function comparable(obj: KubeObject): KubeObject {
  if (!obj.metadata || typeof obj.metadata !== 'object') return obj;
  const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** The first index in sorted `keys` whose key is >= `x` (`strict`: > `x`). */
function bound(keys: readonly string[], x: string, strict: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < x || (strict && keys[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One LIST page: the objects of the page (copies) and how many matching objects follow it. */
export interface Page {
  items: KubeObject[];
  remaining: number;
}

export class Store {
  private rv = 0;
  private readonly objects = new Map<ResourceType, Map<string, KubeObject>>();
  /** Each type's keys in list order, kept until an object of the type is added or removed. */
  private readonly sorted = new Map<ResourceType, string[]>();
  private history: StoreEvent[] = [];
  /** Watches and continue tokens at or below this resourceVersion can no longer be served. */
  private compactedRv = 0;
  /** False until `readByClient`, for a store that keeps its history only once a client has read from it. */
  private keepsHistory: boolean;
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  /**
   * Deep-freeze every committed object (and the copies it hands out stay unfrozen). Off by default: freezing
   * is a check that nothing changes a stored object, paid for by a walk of each write's new parts.
   */
  static freezeObjects = process.env.IBGU_SANDBOX_FREEZE === '1';

  /**
   * `types`: what this API server serves (the hub's types by default, or a spoke's). `history: 'once-read'`:
   * no history is kept until `readByClient` is first called (see there).
   */
  constructor(readonly types: ApiTypes = HUB, options: { history?: 'always' | 'once-read' } = {}) {
    for (const t of types.types) this.objects.set(t, new Map());
    this.keepsHistory = options.history !== 'once-read';
  }

  /**
   * A client is reading from this store (any request to its API server): from now on the history is kept.
   * Until then no client holds a resourceVersion of this store to watch or continue from, so the history
   * would serve nobody: each write compacts it instead, and a watch from an earlier resourceVersion would get
   * 410 Expired, as from one past a real API server's watch cache. The simulated spokes are such stores: the
   * controllers subscribe in-process, and 3,500 histories no client reads were most of a fleet run's heap.
   */
  readByClient(): void {
    this.keepsHistory = true;
  }

  currentRv(): number {
    return this.rv;
  }

  oldestServableRv(): number {
    return this.compactedRv;
  }

  /** Listeners run synchronously after each committed change, in commit order. */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `rv`, or undefined when the history no longer reaches back that far (410 Expired). */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    return this.history.filter((e) => e.rv > rv);
  }

  /** Forget all history: every resourceVersion before now becomes too old to watch from. */
  compact(): void {
    this.history = [];
    this.compactedRv = this.rv;
  }

  get(t: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.objects.get(t)!.get(key(t, namespace, name));
    return o && clone(o);
  }

  /**
   * The stored object itself, not a copy, for in-process readers that only look (controllers deciding
   * whether to write): it must not be changed. Stored objects are replaced on each write, never changed
   * in place, so it stays the version that was current when read.
   */
  peek(t: ResourceType, namespace: string | undefined, name: string): Readonly<KubeObject> | undefined {
    return this.objects.get(t)!.get(key(t, namespace, name));
  }

  /** Objects of a type, optionally in one namespace, ordered by namespace then name (the order continue tokens rely on). */
  list(t: ResourceType, namespace?: string): KubeObject[] {
    return clone(this.peekList(t, namespace) as KubeObject[]);
  }

  /** `list` without the copies: the stored objects, for readers that only look (see `peek`). */
  peekList(t: ResourceType, namespace?: string): readonly Readonly<KubeObject>[] {
    const objects = this.objects.get(t)!;
    const [start, end] = this.range(t, namespace);
    const keys = this.sortedKeys(t);
    const out: KubeObject[] = [];
    for (let i = start; i < end; i++) out.push(objects.get(keys[i]!)!);
    return out;
  }

  /**
   * One page of a LIST: the objects after the key `after` (a continue token's `namespace/name`) in list
   * order that `match` accepts, at most `limit` (0: all); `remaining` is the number of matching objects
   * after the page. The items are the stored objects (a LIST only serializes them): neither `match` nor the
   * caller may change them.
   */
  page(t: ResourceType, namespace: string | undefined, opts: { after?: string; limit?: number; match?: (o: KubeObject) => boolean } = {}): Page {
    const objects = this.objects.get(t)!;
    const keys = this.sortedKeys(t);
    let [start, end] = this.range(t, namespace);
    if (opts.after !== undefined) start = Math.max(start, bound(keys, opts.after, true));
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const { match } = opts;
    if (!match) {
      const stop = Math.min(end, start + limit);
      const items: KubeObject[] = [];
      for (let i = start; i < stop; i++) items.push(objects.get(keys[i]!)!);
      return { items, remaining: Math.max(0, end - stop) };
    }
    const items: KubeObject[] = [];
    let remaining = 0;
    for (let i = start; i < end; i++) {
      const o = objects.get(keys[i]!)!;
      if (!match(o)) continue;
      if (items.length < limit) items.push(o);
      else remaining++;
    }
    return { items, remaining };
  }

  private sortedKeys(t: ResourceType): string[] {
    let keys = this.sorted.get(t);
    if (!keys) this.sorted.set(t, (keys = [...this.objects.get(t)!.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))));
    return keys;
  }

  /** The index range of a namespace's objects in the sorted keys (all of them for no namespace or a cluster-scoped type). */
  private range(t: ResourceType, namespace: string | undefined): [number, number] {
    const keys = this.sortedKeys(t);
    if (!namespace || !t.namespaced) return [0, keys.length];
    // Keys are `namespace/name`; '0' is the character after '/', and names have no '/'.
    return [bound(keys, `${namespace}/`, false), bound(keys, `${namespace}0`, false)];
  }

  static keyOf(obj: KubeObject): string {
    return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
  }

  private requireNamespace(t: ResourceType, namespace: string | undefined): void {
    if (!t.namespaced) return;
    const nsType = this.types.kind('Namespace');
    if (!namespace || !this.objects.get(nsType)!.has(key(nsType, undefined, namespace))) throw notFound('namespaces', '', namespace ?? '');
    const ns = this.objects.get(nsType)!.get(key(nsType, undefined, namespace))!;
    if (ns.metadata.deletionTimestamp) throw new ApiError(403, 'Forbidden', `${t.plural} is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`);
  }

  /**
   * Puts an object the sandbox starts with, as it is: no copy, no validation, no managedFields, no event
   * (nothing watches yet). Seeded objects may share their deep parts (an ACM fleet's addon manifests are the
   * same in every cluster namespace), which is safe because stored objects are replaced, never changed.
   * Watches from before the seed get 410 Expired, as after a compaction.
   */
  seed(t: ResourceType, obj: KubeObject, rv = this.rv + 1): void {
    const meta = obj.metadata;
    meta.uid ??= randomUUID();
    meta.creationTimestamp ??= now();
    if (hasGeneration(t)) meta.generation ??= 1;
    // `rv`: the resourceVersion the object had where it was built (a spoke's template), so a copy numbers alike.
    this.rv = Math.max(rv, this.rv + 1);
    meta.resourceVersion = String(this.rv);
    this.commit(obj);
    this.objects.get(t)!.set(key(t, meta.namespace, meta.name), obj);
    this.sorted.delete(t);
    this.history = [];
    this.compactedRv = this.rv;
  }

  /**
   * Stores a new object built from `body`, whose subtrees other than metadata it keeps as they are: the caller
   * must not change them afterwards. The result is the stored object (read only).
   */
  create(t: ResourceType, namespace: string | undefined, body: KubeObject, opts: WriteOptions = {}): Readonly<KubeObject> {
    const obj = withOwnMetadata(body);
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = generatedName(String(meta.generateName));
    validateName(t, meta.name);
    if (t.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      meta.namespace = namespace ?? meta.namespace;
    } else delete meta.namespace;
    this.requireNamespace(t, meta.namespace);
    const k = key(t, meta.namespace, meta.name);
    if (this.objects.get(t)!.has(k)) {
      throw new ApiError(409, 'AlreadyExists', `${resourceName(t)} "${meta.name}" already exists`, { name: meta.name, group: t.group, kind: t.plural });
    }
    // A status subresource means creates cannot set status; the controller writes it later.
    if (t.statusSubresource && !t.builtin) delete obj.status;
    // Defaults build new parts where they add something (cel.ts withIbguDefaults), never change obj's.
    if (t.admission) Object.assign(obj, t.admission.defaults(obj));
    rejectInvalid(t, meta.name, [...sizeViolations(t, obj), ...validationCauses(t, obj, undefined, opts.fromClient, () => celCauses(t.admission?.violations(obj) ?? []))]);
    meta.uid = randomUUID();
    meta.creationTimestamp = now();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    if (hasGeneration(t)) meta.generation = 1;
    else delete meta.generation;
    if (t.kind === 'Namespace') obj.status = { phase: 'Active', ...(obj.status ?? {}) };
    setManagedFields(t, obj, undefined, opts);
    omitEmptyMetadata(meta);
    if (opts.dryRun) return obj;
    storable(obj, opts);
    meta.resourceVersion = String(++this.rv);
    this.commit(obj);
    this.objects.get(t)!.set(k, obj);
    this.sorted.delete(t);
    this.emit({ type: 'ADDED', resource: t, object: obj, rv: this.rv });
    return obj;
  }

  /**
   * Replaces an object (PUT, and the result of every patch). `requireRv` is the PUT rule for custom
   * resources (422 without metadata.resourceVersion); a stale resourceVersion is always 409 Conflict.
   * Like `create`, it keeps `body`'s subtrees other than metadata: the caller must not change them afterwards.
   */
  update(t: ResourceType, namespace: string | undefined, name: string, body: KubeObject, opts: WriteOptions & { requireRv?: boolean } = {}): { object: KubeObject } {
    const k = key(t, namespace, name);
    const current = this.objects.get(t)!.get(k);
    const next = withOwnMetadata(body);
    next.apiVersion = apiVersionOf(t);
    next.kind = t.kind;
    if (next.metadata.name !== undefined && next.metadata.name !== name) throw new ApiError(400, 'BadRequest', `the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
    if (t.namespaced && next.metadata.namespace !== undefined && next.metadata.namespace !== namespace) throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    next.metadata.name = name;
    // No create-on-update: none of the served types allows it on a real server.
    if (!current) throw notFound(t.plural, t.group, name);
    const sentRv = next.metadata.resourceVersion;
    if (opts.requireRv && !sentRv) {
      throw new ApiError(422, 'Invalid', `${resourceName(t)} "${name}" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`, {
        name, group: t.group, kind: t.kind, causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' }],
      });
    }
    if (sentRv && sentRv !== current.metadata.resourceVersion) throw conflict(t, name);

    let result: KubeObject;
    if (opts.subresource === 'status') {
      // /status writes change status only; the rest of the object stays as stored. Stored objects are never
      // changed in place, so the new version shares those parts with the old one instead of copying them.
      result = { ...current, metadata: { ...current.metadata } };
      if (next.status === undefined) delete result.status;
      else result.status = next.status;
    } else {
      result = next;
      // Server-owned metadata cannot be changed by clients.
      for (const f of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
        if (current.metadata[f] === undefined) delete result.metadata[f];
        else result.metadata[f] = current.metadata[f];
      }
      if (t.statusSubresource) {
        if (current.status === undefined) delete result.status;
        else result.status = current.status;
      }
      if (current.metadata.deletionTimestamp) {
        const added = (result.metadata.finalizers ?? []).filter((f: string) => !(current.metadata.finalizers ?? []).includes(f));
        if (added.length) throw new ApiError(422, 'Invalid', `${resourceName(t)} "${name}" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted`);
      }
    }
    if (opts.subresource !== 'status') {
      if (t.admission) result = t.admission.defaults(result);
      const next = result;
      rejectInvalid(t, name, [...sizeViolations(t, result), ...validationCauses(t, result, current, opts.fromClient, () => celCauses(t.admission?.violations(next, current) ?? []))]);
    } else rejectInvalid(t, name, validationCauses(t, result, current, opts.fromClient, () => []));
    result.metadata.resourceVersion = current.metadata.resourceVersion;
    setManagedFields(t, result, current, opts);
    omitEmptyMetadata(result.metadata);
    // A write that changes nothing but ownership (an apply of values another manager set) is still a write.
    if (deepEqual(comparable(result) as Json, comparable(current) as Json) && deepEqual(result.metadata.managedFields, current.metadata.managedFields)) return copyOnRead(current);

    if (hasGeneration(t) && !deepEqual(specPart(t, result) as Json, specPart(t, current) as Json)) result.metadata.generation = (current.metadata.generation ?? 0) + 1;
    // (A dry-run /status result shares parts with the stored object, so it is copied too.)
    if (opts.dryRun) return copyOnRead(result);
    // The last finalizer removed from an object being deleted completes the deletion.
    if (result.metadata.deletionTimestamp && !(result.metadata.finalizers ?? []).length) {
      this.remove(t, k, current, result);
      return copyOnRead(result);
    }
    storable(result, opts);
    result.metadata.resourceVersion = String(++this.rv);
    this.commit(result);
    this.objects.get(t)!.set(k, result);
    this.emit({ type: 'MODIFIED', resource: t, object: result, previous: current, rv: this.rv });
    return copyOnRead(result);
  }

  /**
   * Deletes an object. With finalizers it is only marked (deletionTimestamp) and returned as `pending`;
   * `preconditions` are the DeleteOptions ones (uid / resourceVersion must match). The object returned is
   * the last stored version (read only).
   */
  delete(t: ResourceType, namespace: string | undefined, name: string, opts: { dryRun?: boolean; preconditions?: { uid?: string; resourceVersion?: string } } = {}): { object: Readonly<KubeObject>; pending: boolean } {
    const k = key(t, namespace, name);
    const current = this.objects.get(t)!.get(k);
    if (!current) throw notFound(t.plural, t.group, name);
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== current.metadata.uid) throw new ApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
    if (pre.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) throw conflict(t, name);
    if ((current.metadata.finalizers ?? []).length) {
      if (current.metadata.deletionTimestamp || opts.dryRun) return { object: current, pending: true };
      const marked = withOwnMetadata(current);
      marked.metadata.deletionTimestamp = now();
      marked.metadata.deletionGracePeriodSeconds = 0;
      marked.metadata.resourceVersion = String(++this.rv);
      this.commit(marked);
      this.objects.get(t)!.set(k, marked);
      this.emit({ type: 'MODIFIED', resource: t, object: marked, previous: current, rv: this.rv });
      return { object: marked, pending: true };
    }
    if (opts.dryRun) return { object: current, pending: false };
    const gone = this.remove(t, k, current, current);
    return { object: gone, pending: false };
  }

  private remove(t: ResourceType, k: string, previous: KubeObject, last: KubeObject): KubeObject {
    const gone = withOwnMetadata(last);
    gone.metadata.resourceVersion = String(++this.rv);
    this.commit(gone);
    this.objects.get(t)!.delete(k);
    this.sorted.delete(t);
    this.emit({ type: 'DELETED', resource: t, object: gone, previous, rv: this.rv });
    // A namespace takes its contents with it (the real namespace controller does this asynchronously).
    if (t.kind === 'Namespace') {
      for (const other of this.types.types.filter((r) => r.namespaced)) {
        for (const o of this.peekList(other, gone.metadata.name)) {
          const ok = key(other, o.metadata.namespace, o.metadata.name);
          const stored = this.objects.get(other)!.get(ok)!;
          this.remove(other, ok, stored, stored);
        }
      }
    }
    return gone;
  }

  private commit(obj: KubeObject): void {
    if (Store.freezeObjects) deepFreeze(obj);
  }

  private emit(event: StoreEvent): void {
    if (!this.keepsHistory) this.compactedRv = event.rv;
    else this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) this.compactedRv = this.history.splice(0, this.history.length - HISTORY_LIMIT).pop()!.rv;
    for (const l of [...this.listeners]) l(event);
  }
}

/** A new top level and metadata over `body`'s other parts: what a write changes in place before it commits. */
function withOwnMetadata(body: Readonly<KubeObject>): KubeObject {
  const meta = body.metadata;
  return { ...body, metadata: meta && typeof meta === 'object' && !Array.isArray(meta) ? { ...meta } : {} };
}

/**
 * An update's result, copied only when read: the controllers' status writes (most writes) never read it,
 * and copying a large object (a ManifestWork, a CGU with thousands of clusters) for nothing was a good
 * part of their cost. What it copies is never changed afterwards (stored objects are replaced, not changed).
 */
function copyOnRead(stored: KubeObject): { object: KubeObject } {
  let copy: KubeObject | undefined;
  return {
    get object() {
      return (copy ??= clone(stored));
    },
  };
}

/**
 * etcd's request limit for a client's write. Past it kube-apiserver tries once more without managedFields
 * ("it is safe to remove managedFields (which can be large)"): k8s.io/apiserver pkg/endpoints/handlers
 * create.go, update.go and patch.go, after isTooLargeError in rest.go; not for server-side apply (patch.go).
 */
function storable(obj: KubeObject, opts: WriteOptions): void {
  if (!opts.fromClient) return;
  try {
    checkStorable(obj);
  } catch (error) {
    if (opts.appliedManagedFields !== undefined || obj.metadata.managedFields === undefined) throw error;
    delete obj.metadata.managedFields;
    checkStorable(obj);
  }
}

function key(t: ResourceType, namespace: string | undefined, name: string): string {
  return `${t.namespaced ? namespace ?? '' : ''}/${name}`;
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

export function resourceName(t: ResourceType): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

export function conflict(t: ResourceType, name: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${resourceName(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group: t.group, kind: t.plural });
}

/** CEL rule violations as causes: `Invalid value: "type": message`, no field path for a rule on the object itself. */
function celCauses(violations: readonly CelViolation[]): FieldCause[] {
  return violations.map((v) => ({ reason: 'FieldValueInvalid', message: `Invalid value: "${v.type}": ${v.message}`, ...(v.field ? { field: v.field } : {}) }));
}

/**
 * 422 Invalid with the API server's wording: `Kind.group "name" is invalid: field: message`, several failures
 * in brackets; a failure without a field path is printed `<nil>`.
 */
function rejectInvalid(t: ResourceType, name: string, causes: readonly FieldCause[]): void {
  if (!causes.length) return;
  const each = causes.map((c) => `${c.field || '<nil>'}: ${c.message}`);
  const all = each.length === 1 ? each[0] : `[${each.join(', ')}]`;
  // Invalid names the kind (Kind.group), where NotFound and AlreadyExists name the resource.
  throw new ApiError(422, 'Invalid', `${t.group ? `${t.kind}.${t.group}` : t.kind} "${name}" is invalid: ${all}`, { name, group: t.group, kind: t.kind, causes: [...causes] });
}

/**
 * A name for `generateName`, as the API server makes it (k8s.io/apiserver/pkg/storage/names/generate.go,
 * SimpleNameGenerator.GenerateName): the base cut to 58 characters, then five random characters of
 * k8s.io/apimachinery/pkg/util/rand's alphabet, which has no vowels and no 0, 1 or 3.
 */
export function generatedName(base: string): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += alphabet[Math.floor(Math.random() * alphabet.length)];
  return `${base.slice(0, 58)}${suffix}`;
}

function validateName(t: ResourceType, name: unknown): void {
  if (typeof name !== 'string' || !name) throw new ApiError(422, 'Invalid', `${t.kind} "" is invalid: metadata.name: Required value: name or generateName is required`, { kind: t.kind, group: t.group, causes: [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }] });
  if (t.pathSegmentNames) {
    if (name === '.' || name === '..' || /[/%]/.test(name)) throw new ApiError(422, 'Invalid', `${t.kind} "${name}" is invalid: metadata.name: Invalid value: "${name}": may not contain '/' or '%' and may not be '.' or '..'`, { name, kind: t.kind, group: t.group });
    return;
  }
  if (name.length > 253 || !NAME.test(name)) {
    throw new ApiError(422, 'Invalid', `${t.kind} "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`, { name, kind: t.kind, group: t.group });
  }
}

/** The object's managedFields after this write: an Apply's, or an Update's computed from the change (managed-fields.ts). */
function setManagedFields(t: ResourceType, obj: KubeObject, previous: KubeObject | undefined, opts: WriteOptions): void {
  const managed = opts.appliedManagedFields !== undefined
    ? opts.appliedManagedFields ?? undefined
    : updateManagedFields({ type: { kind: t.kind, apiVersion: apiVersionOf(t), statusSubresource: t.statusSubresource }, live: previous, next: obj, manager: opts.fieldManager ?? '', subresource: opts.subresource });
  if (managed) obj.metadata.managedFields = managed;
  else delete obj.metadata.managedFields;
}
