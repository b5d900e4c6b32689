/**
 * Watch streams: newline-delimited `{type, object}` events over a chunked 200 response.
 * Headers are flushed at once (client-node resolves watch() only when they arrive), writes stop the moment
 * the stream ends, and every open watch is tracked so the hub can drop them all or close them on stop.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceType } from './registry';
import { apiVersionOf } from './registry';
import { matchesFields, matchesLabels, type FieldRequirement, type Requirement } from './selectors';
import type { KubeObject, Store, StoreEvent } from './store';
import { status } from './status';
import { toTable, type IncludeObject } from './table';

export interface WatchRequest {
  resource: ResourceType;
  namespace?: string;
  labels: Requirement[];
  fields: FieldRequirement[];
  /** undefined, "" and "0" all mean "start now with the current state as ADDED". */
  resourceVersion?: string;
  sendInitialEvents: boolean;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  table?: { include: IncludeObject };
}

/** The server-side upper bound of a watch, like the apiserver's --min-request-timeout (randomised there). */
const MAX_WATCH_SECONDS = 1800;
/** What a watch may hold unread before it is closed (see WatchHub's `bufferLimitBytes`). */
export const DEFAULT_WATCH_BUFFER_LIMIT_BYTES = 64 * 1024 * 1024;

export class WatchHub {
  private readonly open = new Set<() => void>();
  /**
   * The last event as a plain-JSON line. Store listeners run synchronously, one event at a time, so every
   * watch the event reaches shares one serialisation instead of each stringifying it (20 watches were 20
   * JSON.stringify calls of the same object per write). Stored objects are never changed in place.
   */
  private lastLine: { event: StoreEvent; type: string; line: string } | undefined;

  /**
   * `bufferLimitBytes`: a watch whose client stops reading is closed once this much waits unsent in its
   * response, as the apiserver drops a watcher that cannot keep up; the client then re-watches from the last
   * resourceVersion it received. Without it one stalled reader would buffer every later event in memory.
   */
  constructor(private readonly store: Store, private readonly bookmarkIntervalMs = 10_000, private readonly bufferLimitBytes = DEFAULT_WATCH_BUFFER_LIMIT_BYTES) {}

  get count(): number {
    return this.open.size;
  }

  /** Ends every open watch cleanly (clients see the stream close and re-watch from their last RV). */
  dropAll(): void {
    for (const close of [...this.open]) close();
  }

  serve(req: IncomingMessage, res: ServerResponse, w: WatchRequest): void {
    const t = w.resource;
    let ended = false;
    let first = true;
    let lastRv = this.store.currentRv();
    const timers: NodeJS.Timeout[] = [];
    let unsubscribe: () => void = () => {};

    const close = () => {
      if (ended) return;
      ended = true;
      unsubscribe();
      for (const timer of timers) clearInterval(timer);
      this.open.delete(close);
      if (!res.writableEnded) res.end();
    };
    this.open.add(close);
    req.on('close', close);
    res.on('close', close);

    /** Ends the stream cleanly (what was written still reaches the client) once the client lags too far. */
    const checkBuffer = () => {
      if (res.writableLength > this.bufferLimitBytes) close();
    };
    const write = (type: string, object: unknown) => {
      if (ended || res.writableEnded || res.destroyed) return;
      res.write(JSON.stringify({ type, object }) + '\n');
      checkBuffer();
    };
    const encode = (o: KubeObject) => {
      if (!w.table) return o;
      const table = toTable(t, [o], w.table.include, { resourceVersion: o.metadata?.resourceVersion }, first);
      first = false;
      return table;
    };
    const send = (type: string, e: StoreEvent) => {
      if (w.table) return write(type, encode(e.object));
      if (ended || res.writableEnded || res.destroyed) return;
      if (this.lastLine?.event !== e || this.lastLine.type !== type) this.lastLine = { event: e, type, line: JSON.stringify({ type, object: e.object }) + '\n' };
      res.write(this.lastLine.line);
      checkBuffer();
    };
    const inScope = (o: KubeObject | undefined) =>
      !!o && (!t.namespaced || !w.namespace || o.metadata?.namespace === w.namespace) && matchesLabels(w.labels, o.metadata?.labels) && matchesFields(w.fields, o);

    /** A change becomes ADDED/MODIFIED/DELETED as seen through the selector: leaving it is a deletion. */
    const deliver = (e: StoreEvent) => {
      if (e.resource !== t) return;
      lastRv = e.rv;
      if (e.type === 'DELETED') {
        if (inScope(e.previous ?? e.object)) send('DELETED', e);
        return;
      }
      const now = inScope(e.object);
      const before = e.type === 'MODIFIED' && inScope(e.previous);
      if (now && before) send('MODIFIED', e);
      else if (now) send('ADDED', e);
      else if (before) send('DELETED', e);
    };
    const bookmark = (annotations?: Record<string, string>) => {
      const metadata: Record<string, unknown> = { resourceVersion: String(lastRv) };
      if (annotations) metadata.annotations = annotations;
      write('BOOKMARK', { kind: t.kind, apiVersion: apiVersionOf(t), metadata });
    };

    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();

    const rv = w.resourceVersion;
    if (w.sendInitialEvents || !rv || rv === '0') {
      const current = this.store.list(t, w.namespace).filter((o) => inScope(o));
      for (const o of current) write('ADDED', encode(o));
      lastRv = this.store.currentRv();
      if (w.sendInitialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' });
    } else {
      const events = this.store.eventsSince(Number(rv));
      if (!events) {
        write('ERROR', status(410, 'Expired', `too old resource version: ${rv} (${this.store.oldestServableRv()})`));
        close();
        return;
      }
      lastRv = Math.max(Number(rv), lastRv);
      for (const e of events) deliver(e);
      lastRv = this.store.currentRv();
    }
    // The initial events alone can exceed the buffer limit, which has closed the watch already.
    if (ended) return;
    unsubscribe = this.store.subscribe(deliver);
    if (w.allowBookmarks) timers.push(setInterval(() => bookmark(), this.bookmarkIntervalMs));
    const seconds = Math.min(w.timeoutSeconds && w.timeoutSeconds > 0 ? w.timeoutSeconds : MAX_WATCH_SECONDS, MAX_WATCH_SECONDS);
    timers.push(setTimeout(close, seconds * 1000));
  }
}
