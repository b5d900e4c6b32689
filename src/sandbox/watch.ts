/**
 * Watch streams: newline-delimited `{type, object}` events over a chunked 200 response.
 * Headers are flushed at once (client-node resolves watch() only when they arrive), writes stop the moment
 * the stream ends, and every open watch is tracked so the hub can drop them all or close them on stop.
 *
 * Fan-out: each event is serialized once per encoding and the same line is queued to every watcher it
 * reaches; the queues are written once per turn of the event loop, in chunks of up to WRITE_CHUNK_CHARS
 * (one socket write for many events, not one per event and watcher). A watcher whose socket holds more
 * than SOCKET_BUDGET_BYTES unsent gets no more until it drains; what it has not taken waits in its queue (the shared lines, not copies), and
 * past the buffer limit the watch is ended, as the apiserver ends a watcher that cannot keep up.
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
  /** Converts every event's object, bookmarks included (a metadata-only watch: partial-metadata.ts). */
  transform?: (o: KubeObject) => unknown;
}

/** The server-side upper bound of a watch, like the apiserver's --min-request-timeout (randomised there). */
const MAX_WATCH_SECONDS = 1800;
/** What a watch may hold unread before it is closed (see WatchHub's `bufferLimitBytes`). */
export const DEFAULT_WATCH_BUFFER_LIMIT_BYTES = 64 * 1024 * 1024;
/** The most written to one watch's socket at once: many events per write, each write still a bounded copy. */
const WRITE_CHUNK_CHARS = 64 * 1024;
/**
 * What a watch's socket may hold unsent before its queue waits for 'drain' (at most half the buffer limit).
 * Not the stream's 16 KB high-water mark: a burst of events would then leave at one chunk per turn of the
 * event loop, while the kernel could take it at once.
 */
const SOCKET_BUDGET_BYTES = 16 * 1024 * 1024;

export class WatchHub {
  private readonly open = new Set<() => void>();
  /**
   * The last event as a plain-JSON line. Store listeners run synchronously, one event at a time, so every
   * watch the event reaches shares one serialisation instead of each stringifying it (20 watches were 20
   * JSON.stringify calls of the same object per write). Stored objects are never changed in place.
   */
  private lastLine: { event: StoreEvent; type: string; line: string } | undefined;
  /** Watches with queued lines, written together once the current turn of the event loop is done. */
  private readonly toFlush = new Set<() => void>();
  private flushQueued = false;

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

  private queueFlush(flush: () => void): void {
    this.toFlush.add(flush);
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      const all = [...this.toFlush];
      this.toFlush.clear();
      for (const f of all) f();
    });
  }

  serve(req: IncomingMessage, res: ServerResponse, w: WatchRequest): void {
    const t = w.resource;
    let ended = false;
    let first = true;
    let lastRv = this.store.currentRv();
    const timers: NodeJS.Timeout[] = [];
    let unsubscribe: () => void = () => {};

    /** Lines not yet handed to the socket (shared with the other watchers) from `head` on, and their length. */
    let queue: string[] = [];
    let head = 0;
    let queued = 0;

    /** Ends the stream; what is queued is written first (an ERROR, the events before a timeout or a cut-off). */
    const close = () => {
      if (ended) return;
      if (!res.writableEnded && !res.destroyed) flush(true);
      ended = true;
      queue = [];
      head = queued = 0;
      unsubscribe();
      for (const timer of timers) clearInterval(timer);
      this.open.delete(close);
      this.toFlush.delete(flush);
      if (!res.writableEnded) res.end();
    };
    this.open.add(close);
    req.on('close', close);
    res.on('close', close);

    const budget = Math.min(SOCKET_BUDGET_BYTES, this.bufferLimitBytes / 2);
    /** Hands queued lines to the socket in chunks while it takes them; the rest waits for 'drain'. */
    const flush = (force = false) => {
      while (head < queue.length && (force || res.writableLength < budget)) {
        let chunk = queue[head++]!;
        while (head < queue.length && chunk.length + queue[head]!.length <= WRITE_CHUNK_CHARS) chunk += queue[head++]!;
        queued -= chunk.length;
        res.write(chunk);
      }
      if (head === queue.length) {
        queue = [];
        head = 0;
      } else if (head > 1024 && head * 2 > queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
    };
    res.on('drain', () => {
      if (!ended) flush();
    });
    /**
     * Queues a line. Past the limit the stream ends cleanly: what is queued still reaches the client, which
     * re-watches from the last resourceVersion it got.
     */
    const enqueue = (line: string) => {
      if (ended || res.writableEnded || res.destroyed) return;
      queue.push(line);
      queued += line.length;
      if (queued + res.writableLength > this.bufferLimitBytes) return close();
      // A full chunk leaves at once (a long synchronous burst keeps flowing), the rest at the end of the turn.
      if (queued >= WRITE_CHUNK_CHARS) flush();
      else this.queueFlush(flush);
    };
    const write = (type: string, object: unknown) => enqueue(JSON.stringify({ type, object }) + '\n');
    const encode = (o: KubeObject) => {
      if (w.transform) return w.transform(o);
      if (!w.table) return o;
      const table = toTable(t, [o], w.table.include, { resourceVersion: o.metadata?.resourceVersion }, first);
      first = false;
      return table;
    };
    const send = (type: string, e: StoreEvent) => {
      if (w.table || w.transform) return write(type, encode(e.object));
      if (ended || res.writableEnded || res.destroyed) return;
      if (this.lastLine?.event !== e || this.lastLine.type !== type) this.lastLine = { event: e, type, line: JSON.stringify({ type, object: e.object }) + '\n' };
      enqueue(this.lastLine.line);
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
      const object = { kind: t.kind, apiVersion: apiVersionOf(t), metadata };
      write('BOOKMARK', w.transform ? w.transform(object) : object);
    };

    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();

    const rv = w.resourceVersion;
    if (w.sendInitialEvents || !rv || rv === '0') {
      const current = this.store.peekList(t, w.namespace).filter((o) => inScope(o));
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
