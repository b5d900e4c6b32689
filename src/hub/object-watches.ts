/**
 * Watches of single objects on a hub, by namespace and name: whether each exists, known from a list with a
 * `metadata.name` field selector and kept current by the watch that follows it (no polling). For the editor's
 * hub checks: the OADP ConfigMaps and seed pull secrets the open IBGUs reference, a handful of objects rather
 * than every ConfigMap and Secret of the hub, each as its metadata only. A watch that fails (a 403 on Secrets, the hub gone) says
 * "unknown" and is retried with backoff; an unknown answer reports nothing, so it never raises a false alarm.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { Backoff } from './backoff';
import type { HubError } from './errors';
import type { HubHttp } from './http';
import { KindInformer } from './informer';
import type { KubeObject } from './types';

/** The API type of a watched object. */
export interface ObjectType {
  kind: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

export interface WatchedObject {
  type: ObjectType;
  namespace: string;
  name: string;
}

interface Entry {
  informer: KindInformer;
  backoff: Backoff;
  /** Set once a list was applied or a watch opened, cleared by a failure. */
  known: boolean;
  error?: HubError;
  retry?: NodeJS.Timeout;
}

const keyOf = (o: { type: { kind: string; group: string }; namespace: string; name: string }) => `${o.type.group}/${o.type.kind}/${o.namespace}/${o.name}`;

/**
 * Only what telling existence needs. The list and watch ask for metadata alone (PartialObjectMetadata), so a
 * Secret's data never reaches this process; of that metadata only the identity is kept (annotations such as
 * kubectl's last-applied-configuration can repeat an object's contents).
 */
const metadataOnly = (object: KubeObject): KubeObject => ({ apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.metadata?.name, namespace: object.metadata?.namespace, uid: object.metadata?.uid, resourceVersion: object.metadata?.resourceVersion } });

export interface ObjectWatchesOptions {
  log?: (line: string) => void;
  /** Default 1000 / 300000 ms, full jitter: a denied watch is not asked again every few seconds. */
  backoff?: { initialMs: number; maxMs: number };
  random?: () => number;
}

export class ObjectWatches {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();
  private readonly log: (line: string) => void;
  private disposed = false;

  constructor(
    private readonly kc: KubeConfig,
    private readonly http: HubHttp,
    private readonly options: ObjectWatchesOptions = {},
  ) {
    this.log = options.log ?? (() => {});
  }

  /** Watches exactly these objects: new ones are started, ones no longer wanted are stopped. */
  set(objects: readonly WatchedObject[]): void {
    if (this.disposed) return;
    const wanted = new Map(objects.map((o) => [keyOf(o), o]));
    let changed = false;
    for (const [key, entry] of this.entries) {
      if (wanted.has(key)) continue;
      this.stopEntry(entry);
      this.entries.delete(key);
      changed = true;
    }
    for (const [key, object] of wanted) {
      if (this.entries.has(key)) continue;
      this.start(key, object);
    }
    if (changed) this.notify();
  }

  /** Whether the object exists: undefined while not known (not listed yet, or its watch failed). */
  exists(object: WatchedObject): boolean | undefined {
    const entry = this.entries.get(keyOf(object));
    if (!entry?.known) return undefined;
    return entry.informer.get(object.namespace, object.name) !== undefined;
  }

  /** Why an object's answer is unknown, when its watch failed. */
  failure(object: WatchedObject): HubError | undefined {
    return this.entries.get(keyOf(object))?.error;
  }

  /** Called (synchronously) whenever an answer may have changed. Returns unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.entries.size;
  }

  dispose(): void {
    this.disposed = true;
    for (const entry of this.entries.values()) this.stopEntry(entry);
    this.entries.clear();
    this.listeners.clear();
  }

  private start(key: string, object: WatchedObject): void {
    const backoff = new Backoff(this.options.backoff?.initialMs ?? 1000, this.options.backoff?.maxMs ?? 300_000, this.options.random);
    const entry: Entry = { backoff, known: false, informer: undefined as unknown as KindInformer };
    const current = () => this.entries.get(key) === entry;
    entry.informer = new KindInformer(object.type, this.kc, this.http, {
      change: () => {
        if (current()) this.notify();
      },
      synced: (listed) => {
        if (!current() || !listed) return;
        entry.known = true;
        this.notify();
      },
      healthy: () => {
        if (!current()) return;
        entry.backoff.reset();
        const was = entry.known;
        entry.known = true;
        if (entry.error) this.log(`${object.type.kind} ${object.namespace}/${object.name}: watching again`);
        entry.error = undefined;
        if (!was) this.notify();
      },
      failed: (error) => {
        if (!current()) return;
        entry.known = false;
        entry.error = error;
        const delay = entry.backoff.next();
        clearTimeout(entry.retry);
        entry.retry = setTimeout(() => {
          if (current()) entry.informer.start();
        }, delay);
        this.log(`${object.type.kind} ${object.namespace}/${object.name}: ${error.message} Retrying in ${(delay / 1000).toFixed(1)} s.`);
        this.notify();
      },
    }, { namespace: object.namespace, name: object.name, keep: metadataOnly }, { metadataOnly: true });
    this.entries.set(key, entry);
    entry.informer.start();
  }

  private stopEntry(entry: Entry): void {
    clearTimeout(entry.retry);
    entry.informer.stop();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        this.log(`an object watch listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
