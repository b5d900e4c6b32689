/**
 * A live connection to one hub context: an informer per watched kind, a connection state a person can act
 * on, restarts with jittered exponential backoff, and the few writes the views make (server-side apply,
 * a plan step appended under a `test` precondition, merge patches, deletes), each conditional on the
 * object the user saw (see seen.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeConfig } from '@kubernetes/client-node';
import { Backoff } from './backoff';
import { classify, HttpFailure, HubError } from './errors';
import { HubHttp, METADATA_ACCEPT, resourcePath, type ResourceLocation } from './http';
import { KindInformer } from './informer';
import { ObjectWatches, type ObjectWatchesOptions } from './object-watches';
import { changeSince, type Seen } from './seen';
import { RESOURCE_TYPES, WATCH_SCOPES, WATCHED_KINDS, type ConnectionState, type HubContext, type KubeObject, type ModelChange, type WatchedKind } from './types';

/** How often a write is sent again when only fields outside the user's view changed meanwhile. */
const GUARDED_ATTEMPTS = 4;

/** The field manager of every write, so the hub's managedFields say which fields this tool owns. */
export const FIELD_MANAGER = 'ibgu-tools';

/** Tuning and logging of a connection; every field has a default. */
export interface HubConnectionOptions {
  /** Progress and failures in plain words; never given tokens or kubeconfig contents. */
  log?: (line: string) => void;
  /** Default WATCHED_KINDS. */
  kinds?: readonly WatchedKind[];
  /** Default 1000 / 30000 ms, full jitter. */
  backoff?: { initialMs: number; maxMs: number };
  /** For deterministic jitter in tests; default Math.random. */
  random?: () => number;
}

/** How bad a failure is for the state: the worst failing kind decides what the root node says. */
const SEVERITY: Record<HubError['reason'], number> = { unauthorised: 3, forbidden: 2, unreachable: 1, other: 1, conflict: 1, invalid: 1, 'not-found': 1 };

/**
 * The hub model of one context (the informers' caches) and the writes the views make. Nothing contacts the
 * hub before start(); failures never throw from the informers, they show in `state` and are retried.
 */
export class HubConnection {
  private readonly informers = new Map<WatchedKind, KindInformer>();
  private readonly backoffs = new Map<WatchedKind, Backoff>();
  private readonly failures = new Map<WatchedKind, HubError>();
  private readonly retries = new Map<WatchedKind, { timer: NodeJS.Timeout; at: number }>();
  private readonly synced = new Set<WatchedKind>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private readonly changeListeners = new Set<(c: ModelChange) => void>();
  private readonly http: HubHttp;
  private readonly log: (line: string) => void;
  private started = false;
  private disposed = false;
  private lastEventAt: number | undefined;
  private current: ConnectionState = { phase: 'idle' };

  constructor(readonly context: HubContext, private readonly kubeConfig: KubeConfig, options: HubConnectionOptions = {}) {
    this.log = options.log ?? (() => {});
    this.http = new HubHttp(kubeConfig, context.server || kubeConfig.getCurrentCluster()?.server || '');
    const backoff = options.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    for (const kind of options.kinds ?? WATCHED_KINDS) {
      this.backoffs.set(kind, new Backoff(backoff.initialMs, backoff.maxMs, options.random));
      this.informers.set(kind, new KindInformer(RESOURCE_TYPES[kind], kubeConfig, this.http, {
        change: (type, object) => this.changed(kind, type, object),
        synced: (listed) => {
          if (listed) {
            this.lastEventAt = Date.now();
            this.synced.add(kind);
          }
          this.update();
        },
        healthy: () => {
          this.synced.add(kind);
          this.backoffs.get(kind)!.reset();
          if (this.failures.delete(kind)) this.log(`${kind}: watching again`);
          this.update();
        },
        failed: (error) => this.failed(kind, error),
      }, undefined, WATCH_SCOPES[kind]));
    }
  }

  /** The state now; lastEventAt is read live (state listeners are told of phase, message and retry changes only). */
  get state(): ConnectionState {
    return { ...this.current, ...(this.lastEventAt !== undefined ? { lastEventAt: this.lastEventAt } : {}) };
  }

  /** Starts one informer per kind (idempotent). Nothing contacts the hub before this. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.log(`connecting to ${this.http.server} (context ${this.context.name})`);
    for (const informer of this.informers.values()) informer.start();
    this.update();
  }

  /** Stops every informer and pending retry; the model is kept (stale-marked by state 'idle'). */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    for (const informer of this.informers.values()) informer.stop();
    for (const retry of this.retries.values()) clearTimeout(retry.timer);
    this.retries.clear();
    this.failures.clear();
    this.synced.clear();
    this.update();
  }

  /** Called with the new state whenever its phase, message, permission or retry time changes. Returns unsubscribe. */
  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Called synchronously for every add, update and delete the informers apply. Returns unsubscribe. */
  onChange(listener: (c: ModelChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** The informer cache of a kind (no copy; read-only). Empty for a kind this connection does not watch. */
  list(kind: WatchedKind): readonly KubeObject[] {
    return this.informers.get(kind)?.list() ?? [];
  }

  get(kind: WatchedKind, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.informers.get(kind)?.get(RESOURCE_TYPES[kind].namespaced ? namespace : undefined, name);
  }

  /** Server-side apply (fieldManager "ibgu-tools", conflicts forced), dryRun=All: what the object would become. */
  dryRunApply(object: KubeObject): Promise<KubeObject> {
    return this.serverSideApply(object, true);
  }

  /**
   * Server-side apply (fieldManager "ibgu-tools", conflicts forced, as after the user saw the dry run's
   * result), conditional on what the user saw: `seen` is the live object the diff was made against (the
   * apply carries its resourceVersion; a change meanwhile is handled as `delete` says), or undefined when
   * the diff showed a creation — then it is a create, which fails if the object has appeared since.
   */
  async apply(object: KubeObject, seen: Seen | undefined): Promise<KubeObject> {
    if (!object.apiVersion || !object.kind || !object.metadata?.name) throw new HubError('invalid', 'The object to apply needs apiVersion, kind and metadata.name.');
    const where = await this.locate(object.apiVersion, object.kind);
    const namespace = where.namespaced ? object.metadata.namespace ?? this.context.namespace ?? 'default' : undefined;
    if (!seen) {
      const { managedFields: _managed, resourceVersion: _rv, ...metadata } = object.metadata;
      const body = { ...object, metadata: { ...metadata, ...(namespace ? { namespace } : {}) } };
      try {
        return (await this.http.request('POST', resourcePath(where, namespace), { body, query: { fieldManager: FIELD_MANAGER } })) as KubeObject;
      } catch (error) {
        const failure = classify(error, this.describe('create', where));
        if (error instanceof HttpFailure && error.status === 409) {
          throw new HubError('conflict', `${object.kind} ${namespace ? `${namespace}/` : ''}${object.metadata.name} was created on the hub by someone else since you looked; nothing was written. Apply again to see the diff against it.`, 409);
        }
        throw failure;
      }
    }
    return this.guarded(object.apiVersion, object.kind, namespace, object.metadata.name, seen, (current) =>
      this.serverSideApply({ ...object, metadata: { ...object.metadata, uid: current.metadata.uid, resourceVersion: current.metadata.resourceVersion } }, false),
    );
  }

  /**
   * Reads one object from the server (not the cache); undefined on 404. Any apiVersion/kind. `metadataOnly`
   * asks for its metadata alone (server-side PartialObjectMetadata): what telling a Secret exists needs, so
   * that its data never reaches this process.
   */
  async read(apiVersion: string, kind: string, namespace: string | undefined, name: string, options: { metadataOnly?: boolean } = {}): Promise<KubeObject | undefined> {
    const where = await this.locate(apiVersion, kind);
    try {
      return (await this.http.request('GET', resourcePath(where, namespace, name), options.metadataOnly ? { accept: METADATA_ACCEPT } : {})) as KubeObject;
    } catch (error) {
      if (error instanceof HttpFailure && error.status === 404) return undefined;
      throw classify(error, this.describe('get', where));
    }
  }

  /** Lists objects from the server (not the cache), of one namespace or of all; any apiVersion/kind. */
  async listObjects(apiVersion: string, kind: string, namespace?: string): Promise<KubeObject[]> {
    const where = await this.locate(apiVersion, kind);
    try {
      const answer = (await this.http.request('GET', resourcePath(where, where.namespaced ? namespace : undefined))) as { items?: KubeObject[] };
      return (answer.items ?? []).map((item) => ({ ...item, apiVersion: item.apiVersion ?? apiVersion, kind: item.kind ?? kind }));
    } catch (error) {
      throw classify(error, this.describe('list', where));
    }
  }

  /**
   * Appends a step to an IBGU's plan with a JSON patch whose `test` makes it fail, writing nothing, when the
   * plan on the hub is no longer `expectedPlan`: HubError 'conflict' then.
   */
  async appendStep(namespace: string, name: string, expectedPlan: unknown[], step: unknown): Promise<KubeObject> {
    const where = locationOf('ImageBasedGroupUpgrade');
    const patch = [
      { op: 'test', path: '/spec/plan', value: expectedPlan },
      { op: 'add', path: '/spec/plan/-', value: step },
    ];
    try {
      return await this.send('PATCH', where, namespace, name, 'patch', { body: patch, contentType: 'application/json-patch+json', query: { fieldManager: FIELD_MANAGER } });
    } catch (error) {
      if (!(error instanceof HubError) || (error.reason !== 'invalid' && error.reason !== 'conflict')) throw error;
      // A failed `test` is a 422 like any invalid patch: the plan on the hub tells which it was.
      const now = error.reason === 'conflict' ? undefined : await this.read(`${where.group}/${where.version}`, 'ImageBasedGroupUpgrade', namespace, name);
      if (error.reason === 'conflict' || (now && !isDeepStrictEqual(now.spec?.plan ?? [], expectedPlan))) {
        throw new HubError('conflict', `The plan of ImageBasedGroupUpgrade ${namespace}/${name} changed on the hub since it was read; nothing was written. Reload it and add the step again.`, error.status);
      }
      throw error;
    }
  }

  /**
   * Deletes the object the user saw, on DeleteOptions preconditions (its uid and resourceVersion): if it
   * changed on the hub meanwhile in the part `seen.view` covers, nothing is deleted and the conflict says
   * what changed (see seen.ts). An object already gone counts as deleted.
   */
  async delete(apiVersion: string, kind: string, namespace: string | undefined, name: string, seen: Seen): Promise<void> {
    const where = await this.locate(apiVersion, kind);
    await this.guarded(apiVersion, kind, namespace, name, seen, async (current) => {
      const body = { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: preconditionsOf(current) };
      try {
        await this.http.request('DELETE', resourcePath(where, namespace, name), { body });
      } catch (error) {
        if (error instanceof HttpFailure && error.status === 404) return;
        throw classify(error, this.describe('delete', where));
      }
    });
  }

  /**
   * An application/merge-patch+json patch (label repair, manual-cleanup-done) of the object the user saw:
   * the patch carries its uid and resourceVersion, so the hub applies it only to that version (the API
   * server's optimistic concurrency); a change meanwhile is handled as `delete` says.
   */
  async mergePatch(apiVersion: string, kind: string, namespace: string | undefined, name: string, patch: Record<string, unknown>, seen: Seen): Promise<KubeObject> {
    const where = await this.locate(apiVersion, kind);
    return this.guarded(apiVersion, kind, namespace, name, seen, (current) => {
      const metadata = { ...((patch.metadata as Record<string, unknown> | undefined) ?? {}), ...preconditionsOf(current) };
      return this.send('PATCH', where, namespace, name, 'patch', { body: { ...patch, metadata }, contentType: 'application/merge-patch+json', query: { fieldManager: FIELD_MANAGER } });
    });
  }

  /**
   * Runs a write on the version the user saw; on a conflict (or a refusal that a changed object explains),
   * reads the object again: if the part the decision rests on changed, fails saying what changed, with
   * nothing written; if not, writes again on the new version (a few times at most).
   */
  private async guarded<T>(apiVersion: string, kind: string, namespace: string | undefined, name: string, seen: Seen, write: (current: KubeObject) => Promise<T>): Promise<T> {
    const id = `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
    let current = seen.object;
    for (let attempt = 1; ; attempt++) {
      try {
        return await write(current);
      } catch (error) {
        if (!(error instanceof HubError) || (error.reason !== 'conflict' && error.reason !== 'invalid')) throw error;
        const now = await this.read(apiVersion, kind, namespace, name);
        const unchanged = now?.metadata.uid === current.metadata.uid && now?.metadata.resourceVersion === current.metadata.resourceVersion;
        // An invalid write to an unchanged object is just invalid: its own message says why.
        if (error.reason === 'invalid' && unchanged) throw error;
        const change = changeSince(seen, now);
        if (change !== undefined) throw new HubError('conflict', `${id} changed since you saw it: ${change}. Nothing was written; look again and retry.`, error.status);
        if (attempt >= GUARDED_ATTEMPTS || !now) throw new HubError('conflict', `${id} keeps changing (${GUARDED_ATTEMPTS} attempts); nothing was written. Retry in a moment.`, error.status);
        this.log(`${id} changed on the hub only where the decision does not look (resourceVersion ${current.metadata.resourceVersion} → ${now.metadata.resourceVersion}); writing again on the new version.`);
        current = now;
      }
    }
  }

  /** Watches of single objects (not kinds) with this connection's credentials; the caller disposes them. */
  watchObjects(options: ObjectWatchesOptions = {}): ObjectWatches {
    return new ObjectWatches(this.kubeConfig, this.http, { log: this.log, ...options });
  }

  /** Stops everything and forgets the listeners; the connection cannot be started again. */
  dispose(): void {
    this.stop();
    this.disposed = true;
    this.stateListeners.clear();
    this.changeListeners.clear();
  }

  private async serverSideApply(object: KubeObject, dryRun: boolean): Promise<KubeObject> {
    if (!object.apiVersion || !object.kind || !object.metadata?.name) throw new HubError('invalid', 'The object to apply needs apiVersion, kind and metadata.name.');
    const where = await this.locate(object.apiVersion, object.kind);
    const namespace = where.namespaced ? object.metadata.namespace ?? this.context.namespace ?? 'default' : undefined;
    // The server refuses managedFields in an apply body; the namespace must match the URL's.
    const { managedFields: _managed, ...metadata } = object.metadata;
    const body = { ...object, metadata: { ...metadata, ...(namespace ? { namespace } : {}) } };
    const query: Record<string, string> = { fieldManager: FIELD_MANAGER, force: 'true', ...(dryRun ? { dryRun: 'All' } : {}) };
    return this.send('PATCH', where, namespace, object.metadata.name, 'patch', { body, contentType: 'application/apply-patch+yaml', query });
  }

  private async send(method: string, where: ResourceLocation, namespace: string | undefined, name: string, verb: string, options: { body: unknown; contentType: string; query: Record<string, string> }): Promise<KubeObject> {
    try {
      return (await this.http.request(method, resourcePath(where, namespace, name), options)) as KubeObject;
    } catch (error) {
      throw classify(error, this.describe(verb, where));
    }
  }

  private async locate(apiVersion: string, kind: string): Promise<ResourceLocation> {
    const watched = WATCHED_KINDS.find((k) => k === kind && `${RESOURCE_TYPES[k].group}/${RESOURCE_TYPES[k].version}` === apiVersion);
    if (watched) return locationOf(watched);
    try {
      return await this.http.locate(apiVersion, kind);
    } catch (error) {
      if (error instanceof HttpFailure && error.status === 404) throw new HubError('not-found', `The hub ${this.http.server} does not serve ${kind} in ${apiVersion}.`, 404);
      throw classify(error, { verb: 'get', resource: apiVersion, group: '', server: this.http.server });
    }
  }

  private describe(verb: string, where: ResourceLocation) {
    return { verb, resource: where.plural, group: where.group, server: this.http.server };
  }

  private changed(kind: WatchedKind, type: ModelChange['type'], object: KubeObject): void {
    this.lastEventAt = Date.now();
    for (const listener of [...this.changeListeners]) {
      try {
        listener({ kind, type, object });
      } catch (error) {
        this.log(`a model listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private failed(kind: WatchedKind, error: HubError): void {
    if (!this.started) return;
    this.failures.set(kind, error);
    const delay = this.backoffs.get(kind)!.next();
    clearTimeout(this.retries.get(kind)?.timer);
    const timer = setTimeout(() => {
      this.retries.delete(kind);
      if (!this.started) return;
      this.informers.get(kind)!.start();
      this.update();
    }, delay);
    this.retries.set(kind, { timer, at: Date.now() + delay });
    this.log(`${kind}: ${error.message} Retrying in ${(delay / 1000).toFixed(1)} s.`);
    this.update();
  }

  /** Recomputes the state from the informers' failures and sync, and tells the listeners when it changed. */
  private update(): void {
    const next = this.compute();
    const same = next.phase === this.current.phase && next.message === this.current.message && next.permission === this.current.permission && next.retryAt === this.current.retryAt;
    this.current = next;
    if (same) return;
    const state = this.state;
    for (const listener of [...this.stateListeners]) {
      try {
        listener(state);
      } catch (error) {
        this.log(`a state listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private compute(): ConnectionState {
    if (!this.started) return { phase: 'idle' };
    const retryAt = this.retries.size ? Math.min(...[...this.retries.values()].map((r) => r.at)) : undefined;
    const withRetry = (s: ConnectionState): ConnectionState => (retryAt !== undefined ? { ...s, retryAt } : s);
    const failing = [...this.failures.entries()].sort((a, b) => SEVERITY[b[1].reason] - SEVERITY[a[1].reason]);
    const worst = failing[0]?.[1];
    if (worst?.reason === 'unauthorised') return withRetry({ phase: 'unauthorised', message: worst.message });
    if (worst?.reason === 'forbidden') {
      const denied = failing.filter(([, e]) => e.reason === 'forbidden');
      const others = this.informers.size - denied.length;
      const message = denied.map(([, e]) => e.message).join(' ') + (others > 0 ? ` The other ${others} resource type${others === 1 ? ' is' : 's are'} still watched.` : '');
      return withRetry({ phase: 'forbidden', message, permission: worst.permission ?? '' });
    }
    if (worst) return withRetry({ phase: 'unreachable', message: `${worst.message} Retrying automatically.` });
    if (this.synced.size === this.informers.size) return { phase: 'connected' };
    return { phase: 'connecting' };
  }
}

/** The uid and resourceVersion of an object as the precondition of a write. */
function preconditionsOf(object: KubeObject): { uid?: string; resourceVersion?: string } {
  return { ...(object.metadata.uid ? { uid: object.metadata.uid } : {}), ...(object.metadata.resourceVersion ? { resourceVersion: object.metadata.resourceVersion } : {}) };
}

function locationOf(kind: WatchedKind): ResourceLocation {
  const t = RESOURCE_TYPES[kind];
  return { group: t.group, version: t.version, plural: t.plural, namespaced: t.namespaced };
}
