/**
 * One resource type of the hub kept in memory by client-node's ListWatch: list, then watch from the list's
 * resourceVersion, re-watch when a stream ends, re-list on 410 Gone. ListWatch stops on any other error;
 * the owner decides when to start it again. What ListWatch cannot tell by itself — that a list was applied,
 * that a watch stream opened — is learnt by wrapping its list function and its Watch.
 */
import { ListWatch, Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { classify, type HubError } from './errors';
import { METADATA_ACCEPT, METADATA_LIST_ACCEPT, resourcePath, USER_AGENT, type HubHttp } from './http';
import type { KubeObject, ModelChange, ResourceType, WatchScope } from './types';

/** What an informer tells its connection. */
export interface InformerEvents {
  change(type: ModelChange['type'], object: KubeObject): void;
  /** The cache holds a complete list (a list was applied, or a watch resumed from a known point). */
  synced(listed: boolean): void;
  /** A watch stream was opened: the list+watch cycle works again. */
  healthy(): void;
  failed(error: HubError): void;
}

type WatchCallback = (phase: string, apiObj: any, watchObj?: any) => void;
type WatchDone = (err: any) => void;

/**
 * client-node's Watch, reporting to its informer and passing on only what belongs to the informer's current
 * stream. Watch takes its headers from the KubeConfig's applyToFetchOptions (client-node 1.4.0 dist/watch.js),
 * so a watch is given a KubeConfig whose options also carry the layer's User-Agent (as its other requests: a
 * hub's audit log names the tool, not node-fetch) and, for a metadata-only watch, the Accept.
 */
class InformerWatch extends Watch {
  constructor(kc: KubeConfig, private readonly owner: KindInformer, accept?: string) {
    super(withHeaders(kc, accept));
  }

  override watch(path: string, query: Record<string, string | number | boolean | undefined>, callback: WatchCallback, done: WatchDone): Promise<AbortController> {
    return this.owner.openWatch((cb, dn) => super.watch(path, query, cb, dn), callback, done);
  }
}

function withHeaders(kc: KubeConfig, accept: string | undefined): KubeConfig {
  const wrapped = Object.create(kc) as KubeConfig;
  wrapped.applyToFetchOptions = async (opts) => {
    const init = await kc.applyToFetchOptions(opts);
    const headers = init.headers as unknown as Headers;
    headers.set('User-Agent', USER_AGENT);
    if (accept) headers.set('Accept', accept);
    return init;
  };
  return wrapped;
}

function aborted(): AbortController {
  const controller = new AbortController();
  controller.abort();
  return controller;
}

/** The informer of one kind: its cache, started and stopped by the connection, which owns retries. */
export class KindInformer {
  private readonly listWatch: ListWatch<KubernetesObject>;
  private active = false;
  /** The watch stream ListWatch is using now; events and endings of any other (an aborted one) are dropped. */
  private currentStream: { controller?: AbortController } | undefined;
  private listApplied = false;

  /** What the cache keeps of each object (a Secret's data is dropped as it arrives). */
  private readonly keep: (object: KubeObject) => KubeObject;

  /**
   * `only` narrows the informer to one object: its namespace's collection with a `metadata.name` field
   * selector (what `kubectl get -w` of one object sends), so that the hub streams that object alone.
   */
  constructor(
    readonly type: Pick<ResourceType, 'group' | 'version' | 'plural' | 'namespaced'> & { kind: string },
    kc: KubeConfig,
    private readonly http: HubHttp,
    private readonly events: InformerEvents,
    only?: { namespace: string; name: string; keep?: (object: KubeObject) => KubeObject },
    scope: WatchScope = {},
  ) {
    this.keep = only?.keep ?? ((object) => object);
    // The collection of every namespace (a ResourceType is where its objects live), or of the one object's.
    const path = resourcePath(type, only?.namespace);
    const fieldSelector = only ? `metadata.name=${only.name}` : undefined;
    const { labelSelector, metadataOnly } = scope;
    const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
    const query: Record<string, string> = { ...(fieldSelector ? { fieldSelector } : {}), ...(labelSelector ? { labelSelector } : {}) };
    const list = async () => {
      let answer: { items?: KubeObject[]; metadata?: { resourceVersion?: string } };
      try {
        answer = (await http.request('GET', path, { query, ...(metadataOnly ? { accept: METADATA_LIST_ACCEPT } : {}) })) as typeof answer;
      } catch (error) {
        throw classify(error, this.describe('list'));
      }
      // List items may come without apiVersion and kind; the model's objects always carry them (metadata-only
      // items say PartialObjectMetadata, as the server sends them).
      for (const item of answer.items ?? []) {
        item.apiVersion ??= apiVersion;
        item.kind ??= type.kind;
      }
      if (only?.keep) answer.items = (answer.items ?? []).map(only.keep);
      this.listApplied = true;
      return answer as { items: KubernetesObject[]; metadata?: { resourceVersion?: string } };
    };
    this.listWatch = new ListWatch(path, new InformerWatch(kc, this, metadataOnly ? METADATA_ACCEPT : undefined), list, false, labelSelector, fieldSelector);
    for (const type of ['add', 'update', 'delete'] as const) {
      this.listWatch.on(type, (object) => {
        if (this.active) this.events.change(type, object as KubeObject);
      });
    }
    this.listWatch.on('error', (error: unknown) => {
      if (this.active) this.events.failed(classify(error, this.describe('watch')));
    });
  }

  /** The request description for error messages: the failing verb on this resource. */
  private describe(verb: string) {
    return { verb, resource: this.type.plural, group: this.type.group, server: this.http.server };
  }

  /** Lists (when it has no resourceVersion) and watches; call again after a failure to retry. */
  start(): void {
    this.active = true;
    this.listWatch.start().catch((error: unknown) => {
      if (this.active) this.events.failed(classify(error, this.describe('watch')));
    });
  }

  /** Closes the watch; the cache and its resourceVersion are kept, so a later start() resumes from there. */
  stop(): void {
    this.active = false;
    this.currentStream = undefined;
    void this.listWatch.stop();
  }

  list(): KubeObject[] {
    return this.listWatch.list() as KubeObject[];
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.listWatch.get(name, namespace) as KubeObject | undefined;
  }

  /**
   * Called by ListWatch (through InformerWatch) after a list or when a stream ended. Only one stream is open
   * at a time: a new one replaces (and closes) the previous, whose late ending is then not reported.
   */
  async openWatch(open: (cb: WatchCallback, done: WatchDone) => Promise<AbortController>, callback: WatchCallback, done: WatchDone): Promise<AbortController> {
    if (!this.active) return aborted();
    this.currentStream?.controller?.abort();
    const stream: { controller?: AbortController } = {};
    this.currentStream = stream;
    this.events.synced(this.listApplied);
    this.listApplied = false;
    let failed = false;
    const isCurrent = () => this.currentStream === stream && this.active;
    try {
      stream.controller = await open(
        (phase, object, raw) => {
          if (isCurrent()) callback(phase, object && typeof object === 'object' && phase !== 'ERROR' ? this.keep(object as KubeObject) : object, raw);
        },
        (error) => {
          if (error) failed = true;
          if (isCurrent()) done(error);
        },
      );
    } catch (error) {
      // Raised before any request (e.g. the credentials could not be prepared): report it as the stream's end.
      if (isCurrent()) done(error);
      return aborted();
    }
    // Stopped (or replaced) while the request was in flight: nobody holds this stream, so close it here, or it
    // would stay open on the server and keep the disposed model alive.
    if (!isCurrent()) {
      stream.controller.abort();
      return stream.controller;
    }
    if (!failed) this.events.healthy();
    return stream.controller;
  }
}
