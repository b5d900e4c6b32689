/**
 * @kubernetes/client-node against the sandbox hub: a KubeConfig from the hub's kubeconfig file (so TLS with
 * the sandbox CA and the bearer token are the real ones), an informer whose every event, list call and watch
 * call is recorded, and a poll-with-deadline for conditions that arrive asynchronously.
 */
import * as https from 'node:https';
import * as k8s from '@kubernetes/client-node';
import type { Sandbox } from '../../src/sandbox';

export function kubeConfigOf(hub: Sandbox): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(hub.kubeconfigPath);
  return kc;
}

/** Polls `condition` every 10 ms until it holds; past the deadline it fails with `describe()`. */
export async function until(condition: () => boolean, describe: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${describe()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** One call of Watch.watch(): the query the informer sent, what came back on that stream, and when. */
export interface WatchCall {
  query: Record<string, unknown>;
  startedAt: number;
  /** Set when watch() resolved: the 200 headers arrived (or the request failed, see `error`). */
  connectedAt?: number;
  /** Every line of the stream: type, the object's resourceVersion, and `code` for ERROR events. */
  lines: { type: string; rv?: string; code?: number }[];
  endedAt?: number;
  error?: unknown;
}

/** client-node's Watch, recording each call (ListWatch takes any Watch; makeInformer would make a plain one). */
export class RecordingWatch extends k8s.Watch {
  readonly calls: WatchCall[] = [];

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: any, watchObj?: any) => void,
    done: (err: any) => void,
  ): Promise<AbortController> {
    const call: WatchCall = { query: { ...queryParams }, startedAt: Date.now(), lines: [] };
    this.calls.push(call);
    const controller = await super.watch(
      path,
      queryParams,
      (phase, obj, raw) => {
        call.lines.push({ type: phase, rv: obj?.metadata?.resourceVersion, ...(phase === 'ERROR' ? { code: obj?.code } : {}) });
        callback(phase, obj, raw);
      },
      (err) => {
        call.endedAt = Date.now();
        if (err) call.error = err;
        done(err);
      },
    );
    call.connectedAt = Date.now();
    return controller;
  }
}

export interface InformerEvent {
  type: 'add' | 'update' | 'delete';
  name: string;
  rv: string;
  object: any;
}

export type AnyInformer = k8s.Informer<k8s.KubernetesObject> & k8s.ObjectCache<k8s.KubernetesObject>;

export interface RecordedInformer<I extends AnyInformer = AnyInformer> {
  informer: I;
  /** Present when the informer was built on a RecordingWatch. */
  watch?: RecordingWatch;
  events: InformerEvent[];
  /** `error` callbacks before stop() (stop() itself reports an AbortError, which is not counted). */
  errors: unknown[];
  /** How many times the informer called its list function. */
  lists(): number;
  stop(): Promise<void>;
}

/**
 * Wraps an informer: every add/update/delete is recorded with the object it carried (a deep copy, so
 * later changes to the cache cannot rewrite history). `listFn` is counted.
 */
export function recordInformer<I extends AnyInformer>(
  make: (listFn: () => Promise<k8s.KubernetesListObject<k8s.KubernetesObject>>) => I,
  listFn: () => Promise<k8s.KubernetesListObject<k8s.KubernetesObject>>,
  watch?: RecordingWatch,
): RecordedInformer<I> {
  let lists = 0;
  let stopping = false;
  const informer = make(() => {
    lists++;
    return listFn();
  });
  const events: InformerEvent[] = [];
  const errors: unknown[] = [];
  const record = (type: InformerEvent['type']) => (obj: k8s.KubernetesObject) =>
    events.push({ type, name: obj.metadata?.name ?? '', rv: obj.metadata?.resourceVersion ?? '', object: JSON.parse(JSON.stringify(obj)) });
  informer.on('add', record('add'));
  informer.on('update', record('update'));
  informer.on('delete', record('delete'));
  informer.on('error', (err) => {
    if (!stopping) errors.push(err);
  });
  return {
    informer, events, errors, lists: () => lists, ...(watch ? { watch } : {}),
    stop: async () => {
      stopping = true;
      await informer.stop();
    },
  };
}

export interface RawReply { status: number; body: any }

/** The User-Agent of hubCall, so request-log assertions can leave the test's own reads out. */
export const TEST_READER_AGENT = 'ibgu-test-reader';

/**
 * A plain HTTPS call with the hub's CA and token: for the /__sandbox/ control API and for reading server
 * state. It sends User-Agent TEST_READER_AGENT.
 */
export function hubCall(hub: Sandbox, method: string, path: string, body?: unknown): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { Authorization: `Bearer ${hub.token}`, Accept: 'application/json', 'User-Agent': TEST_READER_AGENT };
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const req = https.request(`${hub.url}${path}`, { method, headers, ca: hub.caPem, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
        } catch {
          resolve({ status: res.statusCode ?? 0, body: text });
        }
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
