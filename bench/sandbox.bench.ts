/**
 * "3,500 clusters must start in seconds and serve watches without falling behind": the sandbox hub at
 * 3,500 ManagedClusters against the same hub at 3 (its peer), in one run.
 *
 * 1. start   startSandbox() to a served first request (GET /version, then a full LIST of managedclusters),
 *            3 clusters vs 3,500; per-cluster cost; heap used after start (after GC) for both. Then the
 *            3,500-cluster ACM fleet (`fleet: acm`: add-on works, ManagedClusterAddOns, policies, ZTP CGUs)
 *            against the plain 3,500, alternating which starts first, BENCH_ACM_ROUNDS rounds (2; 0 skips):
 *            time, heap after start, objects per kind and the JSON bytes of its ManifestWorks.
 * 2. watches W watch streams on managedclusters (plain JSON; one Table-encoded, as kubectl asks; one
 *            watch-list: sendInitialEvents + bookmarks) while a writer labels every cluster, by merge PATCH
 *            over HTTPS (BENCH_CONCURRENCY requests in flight) and by writing the in-process Store. Measured:
 *            time until every watcher has every MODIFIED event, per-event lag (store commit to receipt by the
 *            client) p50/p95/max, events lost and duplicated (must be 0). Peer: the same write storm with no
 *            watch open. Then a slow consumer: one watch that stops reading during a storm, and what the
 *            server holds for it meanwhile.
 * 3. paging  LIST with limit=BENCH_PAGE (500) following continue tokens vs one unpaged LIST.
 * 4. IBGU    a fresh sandbox with BENCH_CLUSTERS clusters and the simulated controllers on, at
 *            BENCH_TIME_SCALE wall seconds per simulated minute: one IBGU [[Prep],[Upgrade],[FinalizeUpgrade]]
 *            over every cluster, maxConcurrency BENCH_IBGU_CONCURRENCY (500), created over HTTPS. Measured:
 *            wall time until its Progressing condition is False, spokes created, heap/RSS, hub writes and
 *            writes/s, whether every cluster completed all three actions, and what one watcher (worker
 *            thread) of IBGUs and ManagedClusters received, with its lag. Peer: the least simulated time
 *            the plan can take (batches x (prep + upgrade + finalize) minutes), in wall time at that scale;
 *            the ratio says whether the controllers keep up with simulated time (1.0 = exactly).
 *
 * The watch clients run in a worker thread (they would be other processes in real use), so their JSON
 * parsing does not share the hub's event loop; the HTTPS writer shares it, as kubectl on the same machine
 * would share the CPU. Lag is measured between threads with performance.timeOrigin + now(). Timings are
 * reported, never asserted.
 *
 *   npm run bench:sandbox
 *   BENCH_CLUSTERS=3500 BENCH_WATCHERS=20 BENCH_CONCURRENCY=16 BENCH_PAGE=500 BENCH_SLOW=1 node dist-bench/sandbox.bench.js
 *   BENCH_IBGU=1 BENCH_TIME_SCALE=0.002 BENCH_IBGU_CONCURRENCY=500 BENCH_IBGU_ONLY=0 (1: only part 4)
 *   BENCH_IBGU_ROUNDS=3 (rounds of part 4, each a fresh sandbox; the median and the spread are printed; the
 *   first round also takes a CPU profile, whose top entries by self time are printed; BENCH_PROFILE=0: none)
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Session } from 'node:inspector';
import { defaultScenario, hubContents, limitHeapGrowth, startSandbox, type HubContents, type Sandbox, type StoreEvent } from '../src/sandbox';
import type { ResourceType } from '../src/sandbox/registry';
import { DEFAULT_DURATIONS } from '../src/sandbox/scenario';

const CLUSTERS = Math.max(1, Number(process.env.BENCH_CLUSTERS ?? 3500));
const PEER_CLUSTERS = 3;
const WATCHERS = Math.max(2, Number(process.env.BENCH_WATCHERS ?? 20));
const CONCURRENCY = Math.max(1, Number(process.env.BENCH_CONCURRENCY ?? 16));
const PAGE = Math.max(1, Number(process.env.BENCH_PAGE ?? 500));
const SLOW = process.env.BENCH_SLOW !== '0';
const TARGET_START_MS = 5000;
const MCL_PATH = '/apis/cluster.open-cluster-management.io/v1/managedclusters';
const TABLE = 'application/json;as=Table;g=meta.k8s.io;v=v1';
const ROUND_LABEL = 'bench.ibgu.io/round';
const IBGU = process.env.BENCH_IBGU !== '0';
const IBGU_ONLY = process.env.BENCH_IBGU_ONLY === '1';
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 0.002);
const IBGU_CONCURRENCY = Math.max(1, Number(process.env.BENCH_IBGU_CONCURRENCY ?? 500));
/** Give up waiting for the IBGU after this long (it is reported as not finished). */
const IBGU_TIMEOUT_MS = Number(process.env.BENCH_IBGU_TIMEOUT_MS ?? 600_000);
const IBGU_ROUNDS = Math.max(1, Number(process.env.BENCH_IBGU_ROUNDS ?? 3));
const PROFILE = process.env.BENCH_PROFILE !== '0';
const IBGU_NS = 'ztp-upgrades';
const IBGU_PATH = '/apis/lcm.openshift.io/v1alpha1/imagebasedgroupupgrades';

/** Absolute milliseconds, comparable between the main thread and the worker. */
const clock = () => performance.timeOrigin + performance.now();

/** `tally`: count every event (and when it arrived) instead of following a storm's rounds. */
interface WatchSpec { name: string; path: string; accept?: string; paused?: boolean; tally?: boolean }
type ToWorker =
  | { cmd: 'open'; specs: WatchSpec[] }
  | { cmd: 'expect'; round: string; count: number }
  | { cmd: 'collect' }
  | { cmd: 'resume'; name: string }
  | { cmd: 'close' };
interface WatcherResult { name: string; unique: number; duplicates: number; other: number; lastAt: number; ended: boolean; rvs: Float64Array; at: Float64Array }
type FromWorker =
  | { msg: 'opened'; initial: Record<string, number> }
  | { msg: 'complete' }
  | { msg: 'collected'; round: string; watchers: WatcherResult[] }
  | { msg: 'closed' };

if (!isMainThread) watchClients();
else void main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// ---------------------------------------------------------------------------------------------------------
// The watch clients (worker thread): raw HTTPS watches, newline-delimited JSON, as client-node reads them.

function watchClients(): void {
  const { url, caPem, token } = workerData as { url: string; caPem: string; token: string };
  const port = parentPort!;
  interface Watcher {
    spec: WatchSpec;
    req: ClientRequest;
    res?: IncomingMessage;
    initial: number;
    initialDone: boolean;
    seen: Set<string>;
    duplicates: number;
    other: number;
    rvs: number[];
    at: number[];
    lastAt: number;
    ended: boolean;
  }
  const watchers: Watcher[] = [];
  let round = '';
  let expected = Infinity;
  let completeSent = false;
  const post = (m: FromWorker) => port.postMessage(m);

  const metadataOf = (object: any): any => (object?.kind === 'Table' ? object.rows?.[0]?.object?.metadata : object?.metadata);

  function onEvent(w: Watcher, line: string, at: number): void {
    const event = JSON.parse(line);
    if (w.spec.tally) {
      if (event.type === 'BOOKMARK') return;
      w.other++;
      w.rvs.push(Number(metadataOf(event.object)?.resourceVersion));
      w.at.push(at);
      w.lastAt = at;
      return;
    }
    if (event.type === 'BOOKMARK') {
      if (event.object?.metadata?.annotations?.['k8s.io/initial-events-end'] === 'true') w.initialDone = true;
      return;
    }
    if (event.type === 'ADDED' && !w.initialDone) {
      w.initial++;
      return;
    }
    const meta = metadataOf(event.object);
    if (event.type !== 'MODIFIED' || meta?.labels?.[ROUND_LABEL] !== round) {
      w.other++;
      return;
    }
    if (w.seen.has(meta.name)) w.duplicates++;
    else w.seen.add(meta.name);
    w.rvs.push(Number(meta.resourceVersion));
    w.at.push(at);
    w.lastAt = at;
    if (!completeSent && watchers.every((x) => x.seen.size >= expected)) {
      completeSent = true;
      post({ msg: 'complete' });
    }
  }

  function open(spec: WatchSpec): Promise<Watcher> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
      if (spec.accept) headers.Accept = spec.accept;
      const req = https.request(`${url}${spec.path}`, { headers, ca: caPem, agent: false });
      const w: Watcher = { spec, req, initial: 0, initialDone: !spec.path.includes('sendInitialEvents=true'), seen: new Set(), duplicates: 0, other: 0, rvs: [], at: [], lastAt: 0, ended: false };
      req.on('response', (res) => {
        if (res.statusCode !== 200) return reject(new Error(`watch ${spec.name}: status ${res.statusCode}`));
        w.res = res;
        res.setEncoding('utf8');
        let rest = '';
        res.on('data', (chunk: string) => {
          const at = clock();
          let text = rest + chunk;
          let start = 0;
          let i: number;
          while ((i = text.indexOf('\n', start)) >= 0) {
            onEvent(w, text.slice(start, i), at);
            start = i + 1;
          }
          rest = text.slice(start);
          text = '';
        });
        res.on('end', () => (w.ended = true));
        res.on('close', () => (w.ended = true));
        if (spec.paused) res.pause();
        resolve(w);
      });
      req.on('error', (e) => (w.res ? (w.ended = true) : reject(e)));
      req.end();
    });
  }

  port.on('message', async (m: ToWorker) => {
    switch (m.cmd) {
      case 'open': {
        const opened = await Promise.all(m.specs.map(open));
        watchers.push(...opened);
        // The watch-list stream is ready once its initial events have ended.
        while (opened.some((w) => !w.initialDone && !w.spec.paused)) await new Promise((r) => setTimeout(r, 5));
        post({ msg: 'opened', initial: Object.fromEntries(opened.map((w) => [w.spec.name, w.initial])) });
        break;
      }
      case 'expect':
        round = m.round;
        expected = m.count;
        completeSent = false;
        for (const w of watchers) {
          w.seen = new Set();
          w.duplicates = w.other = 0;
          w.rvs = [];
          w.at = [];
          w.lastAt = 0;
        }
        break;
      case 'collect':
        post({
          msg: 'collected', round,
          watchers: watchers.map((w) => ({ name: w.spec.name, unique: w.seen.size, duplicates: w.duplicates, other: w.other, lastAt: w.lastAt, ended: w.ended, rvs: Float64Array.from(w.rvs), at: Float64Array.from(w.at) })),
        });
        break;
      case 'resume': {
        const w = watchers.find((x) => x.spec.name === m.name);
        w?.res?.resume();
        break;
      }
      case 'close':
        for (const w of watchers.splice(0)) w.req.destroy();
        post({ msg: 'closed' });
        break;
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// The hub side and the writer (main thread).

setFlagsFromString('--expose-gc');
// The sandbox's heap as its own process has it (`ibgu sandbox`, dist/sandbox.js): see limitHeapGrowth.
if (isMainThread) limitHeapGrowth();
const gc = runInNewContext('gc') as () => void;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const ms = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 2 : 0)} ms`);
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! : NaN);
const heap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

interface Reply { status: number; body: string }

function request(hub: Sandbox, method: string, path: string, opts: { body?: string; contentType?: string; agent?: https.Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${hub.token}`, 'User-Agent': 'ibgu-bench/1' };
    if (opts.body !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(opts.body));
    }
    const req = https.request(`${hub.url}${path}`, { method, headers, ca: hub.caPem, agent: opts.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

async function getJson(hub: Sandbox, path: string, agent?: https.Agent): Promise<any> {
  const r = await request(hub, 'GET', path, { agent });
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.body.slice(0, 200)}`);
  return JSON.parse(r.body);
}

interface StartRun { clusters: number; startMs: number; versionMs: number; listMs: number; totalMs: number; items: number; heapAfter: number; hub: Sandbox }

async function timedStart(clusters: number, fleet?: 'acm'): Promise<StartRun> {
  const before = heap();
  const t0 = performance.now();
  const hub = await startSandbox(fleet ? { scenario: { ...defaultScenario(clusters), fleet } } : { clusters });
  const t1 = performance.now();
  await getJson(hub, '/version');
  const t2 = performance.now();
  const list = await getJson(hub, MCL_PATH);
  const t3 = performance.now();
  return { clusters, startMs: t1 - t0, versionMs: t2 - t1, listMs: t3 - t2, totalMs: t3 - t0, items: list.items.length, heapAfter: heap() - before, hub };
}

interface Storm { writes: number; failures: number; ms: number }

/** Labels every cluster by merge PATCH over HTTPS, `CONCURRENCY` requests in flight on keep-alive connections. */
async function httpsStorm(hub: Sandbox, names: string[], round: string): Promise<Storm> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const body = JSON.stringify({ metadata: { labels: { [ROUND_LABEL]: round } } });
  let next = 0;
  let failures = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < names.length) {
      const name = names[next++]!;
      const r = await request(hub, 'PATCH', `${MCL_PATH}/${name}`, { body, contentType: 'application/merge-patch+json', agent });
      if (r.status !== 200) failures++;
    }
  }));
  const elapsed = performance.now() - t0;
  agent.destroy();
  return { writes: names.length, failures, ms: elapsed };
}

function managedClusterType(hub: Sandbox): ResourceType {
  return hub.store.types.kind('ManagedCluster');
}
let MCL: ResourceType;

/** The same storm written straight into the Store, as an in-process controller would (synchronous). */
function storeStorm(hub: Sandbox, names: string[], round: string): Storm {
  const t0 = performance.now();
  for (const name of names) {
    const o = hub.store.get(MCL, undefined, name)!;
    o.metadata.labels = { ...o.metadata.labels, [ROUND_LABEL]: round };
    hub.store.update(MCL, undefined, name, o, { fieldManager: 'ibgu-bench' });
  }
  return { writes: names.length, failures: 0, ms: performance.now() - t0 };
}

class Clients {
  private readonly worker: Worker;
  private waiting: ((m: FromWorker) => void)[] = [];
  private completeWaiter: (() => void) | undefined;
  private completed = false;

  constructor(hub: Sandbox) {
    this.worker = new Worker(__filename, { workerData: { url: hub.url, caPem: hub.caPem, token: hub.token } });
    this.worker.on('message', (m: FromWorker) => {
      if (m.msg === 'complete') {
        this.completed = true;
        this.completeWaiter?.();
        return;
      }
      this.waiting.shift()?.(m);
    });
    this.worker.on('error', (e) => {
      console.error('watch worker failed:', e);
      process.exit(1);
    });
  }

  private ask<T extends FromWorker>(m: ToWorker): Promise<T> {
    return new Promise((resolve) => {
      this.waiting.push(resolve as (m: FromWorker) => void);
      this.worker.postMessage(m);
    });
  }

  open(specs: WatchSpec[]): Promise<Extract<FromWorker, { msg: 'opened' }>> {
    return this.ask({ cmd: 'open', specs });
  }

  expect(round: string, count: number): void {
    this.completed = false;
    this.worker.postMessage({ cmd: 'expect', round, count } satisfies ToWorker);
  }

  /** Resolves when every watcher has every event of the round, or after `timeoutMs`. */
  complete(timeoutMs: number): Promise<boolean> {
    if (this.completed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.completeWaiter = () => {
        clearTimeout(timer);
        this.completeWaiter = undefined;
        resolve(true);
      };
    });
  }

  collect(): Promise<Extract<FromWorker, { msg: 'collected' }>> {
    return this.ask({ cmd: 'collect' });
  }

  resume(name: string): void {
    this.worker.postMessage({ cmd: 'resume', name } satisfies ToWorker);
  }

  close(): Promise<unknown> {
    return this.ask({ cmd: 'close' });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

interface Delivery { allDelivered: boolean; deliveredMs: number; lags: number[]; lost: number; duplicates: number; perWatcher: WatcherResult[] }

/** Lost and duplicated events, and commit-to-receipt lags, from what the watchers received in a round. */
function delivery(result: WatcherResult[], commits: Map<number, number>, count: number, startedAt: number, only?: (name: string) => boolean): Delivery {
  const lags: number[] = [];
  let lost = 0;
  let duplicates = 0;
  let lastAt = 0;
  const chosen = result.filter((w) => !only || only(w.name));
  for (const w of chosen) {
    lost += Math.max(0, count - w.unique);
    duplicates += w.duplicates;
    lastAt = Math.max(lastAt, w.lastAt);
    for (let i = 0; i < w.rvs.length; i++) {
      const committed = commits.get(w.rvs[i]!);
      if (committed !== undefined) lags.push(w.at[i]! - committed);
    }
  }
  lags.sort((a, b) => a - b);
  return { allDelivered: lost === 0, deliveredMs: lastAt - startedAt, lags, lost, duplicates, perWatcher: chosen };
}

async function main(): Promise<void> {
  const load = loadavg()[0]!;
  const runStart = performance.now();
  const rows: string[][] = [];
  const row = (...cells: string[]) => rows.push(cells);
  // main() is called above the module's later constants (gc, heap, …): let the module finish first.
  await new Promise((r) => setImmediate(r));
  if (!IBGU_ONLY) await hubParts(row);
  if (IBGU) {
    const runs: IbguRound[] = [];
    for (let round = 1; round <= IBGU_ROUNDS; round++) runs.push(await ibguRun(row, round, PROFILE && round === 1));
    const spread = (f: (r: IbguRound) => number, fmt: (n: number) => string) => {
      const xs = runs.map(f).sort((a, b) => a - b);
      return `median ${fmt(xs[xs.length >> 1]!)} (${xs.map(fmt).join(', ')})`;
    };
    row('ibgu', `${runs.length} rounds`, `ratio ${spread((r) => r.ratio, (n) => `${n.toFixed(2)}x`)}; peak RSS ${spread((r) => r.peakRss, mb)}; target <= 3x and <= 600 MB: ${runs.every((r) => r.ratio <= 3 && r.peakRss <= 600 * 1024 * 1024) ? 'met' : 'NOT met'}`);
  }

  const width = [Math.max(...rows.map((r) => r[0]!.length)), Math.max(...rows.map((r) => r[1]!.length))];
  console.log(`sandbox hub: ${CLUSTERS} clusters vs ${PEER_CLUSTERS}; ${WATCHERS} watchers; node ${process.version}; load average ${load.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`);
  for (const r of rows) console.log(`${r[0]!.padEnd(width[0]!)}  ${r[1]!.padEnd(width[1]!)}  ${r[2]}`);
  console.log(`total      ${ms(performance.now() - runStart)}; max RSS ${mb(process.resourceUsage().maxRSS * 1024)}`);
}

const ACM_ROUNDS = Math.max(0, Number(process.env.BENCH_ACM_ROUNDS ?? 2));

/** The ACM fleet's start against the plain fleet's, alternating which goes first; what the ACM hub holds, once. */
type StartTimes = Omit<StartRun, 'hub'>;
async function acmFleetRounds(): Promise<{ plain: StartTimes[]; acm: StartTimes[]; contents?: HubContents; contentsMs: number }> {
  const plain: StartTimes[] = [];
  const acm: StartTimes[] = [];
  let contents: HubContents | undefined;
  let contentsMs = 0;
  for (let round = 0; round < ACM_ROUNDS; round++) {
    for (const fleet of round % 2 ? (['acm', undefined] as const) : ([undefined, 'acm'] as const)) {
      const run = await timedStart(CLUSTERS, fleet);
      if (fleet && !contents) {
        const t0 = performance.now();
        contents = hubContents(run.hub.store);
        contentsMs = performance.now() - t0;
      }
      // Only the numbers are kept: a stopped hub still referenced would weigh on every later measurement.
      const { hub, ...times } = run;
      (fleet ? acm : plain).push(times);
      await hub.stop();
    }
  }
  return { plain, acm, contents, contentsMs };
}

/** Parts 1-3: start, watches under a write storm, paging (no controllers). */
async function hubParts(row: (...cells: string[]) => void): Promise<void> {

  // --- 1. start -------------------------------------------------------------------------------------------
  // One uncounted start first: it loads and compiles the hub's code, which neither measured start should pay.
  await (await startSandbox({ clusters: PEER_CLUSTERS })).stop();
  const peer = await timedStart(PEER_CLUSTERS);
  await peer.hub.stop();
  const big = await timedStart(CLUSTERS);
  const hub = big.hub;
  const perCluster = (big.totalMs - peer.totalMs) / (CLUSTERS - PEER_CLUSTERS);
  const perClusterHeap = (big.heapAfter - peer.heapAfter) / (CLUSTERS - PEER_CLUSTERS);

  // --- 2. watches -----------------------------------------------------------------------------------------
  MCL = managedClusterType(hub);
  const names = Array.from({ length: CLUSTERS }, (_, i) => `sno-${String(i + 1).padStart(4, '0')}`);
  const commits = new Map<number, number>();
  hub.store.subscribe((e: StoreEvent) => {
    if (e.resource === MCL) commits.set(e.rv, clock());
  });
  const clients = new Clients(hub);
  const stormTimeout = 30_000;

  // Peer: the storms with no watch open, after an uncounted one that warms up the write path (JIT).
  await httpsStorm(hub, names, 'warm-up');
  commits.clear();
  const aloneHttps = await httpsStorm(hub, names, 'alone-https');
  const aloneStore = storeStorm(hub, names, 'alone-store');

  const rv = JSON.parse((await request(hub, 'GET', `${MCL_PATH}?limit=1`)).body).metadata.resourceVersion as string;
  const specs: WatchSpec[] = [];
  for (let i = 0; i < WATCHERS - 2; i++) specs.push({ name: `json-${i + 1}`, path: `${MCL_PATH}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true` });
  specs.push({ name: 'table', path: `${MCL_PATH}?watch=true&resourceVersion=${rv}`, accept: TABLE });
  specs.push({ name: 'watch-list', path: `${MCL_PATH}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true` });
  const openStart = performance.now();
  const opened = await clients.open(specs);
  const openMs = performance.now() - openStart;
  const heapWatching = heap();

  async function watchedStorm(kind: 'https' | 'store'): Promise<{ storm: Storm; d: Delivery }> {
    const round = `watched-${kind}`;
    clients.expect(round, CLUSTERS);
    await new Promise((r) => setTimeout(r, 50)); // let the worker take the round before the first event
    commits.clear();
    const startedAt = clock();
    const storm = kind === 'https' ? await httpsStorm(hub, names, round) : storeStorm(hub, names, round);
    await clients.complete(stormTimeout);
    const { watchers } = await clients.collect();
    return { storm, d: delivery(watchers, commits, CLUSTERS, startedAt) };
  }
  const withHttps = await watchedStorm('https');
  const withStore = await watchedStorm('store');
  await clients.close();
  // The peer once more, after the watched storms: drift (JIT, GC, heat) shows as a difference between the two.
  const aloneHttps2 = await httpsStorm(hub, names, 'alone-https-2');

  // Slow consumer: one watch that reads nothing during a store storm, then reads again.
  let slow: { heldBytes: number; heapDelta: number; externalDelta: number; drained: boolean; d: Delivery; resumeMs: number } | undefined;
  if (SLOW) {
    const heldByServer = trackServerSockets();
    const slowRv = JSON.parse((await request(hub, 'GET', `${MCL_PATH}?limit=1`)).body).metadata.resourceVersion as string;
    await clients.open([{ name: 'slow', path: `${MCL_PATH}?watch=true&resourceVersion=${slowRv}`, paused: true }]);
    clients.expect('slow', CLUSTERS);
    await new Promise((r) => setTimeout(r, 50));
    gc();
    const m0 = process.memoryUsage();
    commits.clear();
    const startedAt = clock();
    storeStorm(hub, names, 'slow');
    await new Promise((r) => setTimeout(r, 1000));
    gc();
    const m1 = process.memoryUsage();
    const heldBytes = heldByServer();
    const resumeAt = performance.now();
    clients.resume('slow');
    const drained = await clients.complete(stormTimeout);
    const resumeMs = performance.now() - resumeAt;
    const { watchers } = await clients.collect();
    slow = { heldBytes, heapDelta: m1.heapUsed - m0.heapUsed, externalDelta: m1.external + m1.arrayBuffers - m0.external - m0.arrayBuffers, drained, d: delivery(watchers, commits, CLUSTERS, startedAt), resumeMs };
    await clients.close();
  }
  await clients.terminate();

  // --- 3. paging ------------------------------------------------------------------------------------------
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  await getJson(hub, MCL_PATH, agent);
  const unpagedTimes: number[] = [];
  const pagedTimes: number[] = [];
  let pages = 0;
  let pagedItems = 0;
  for (let rep = 0; rep < 3; rep++) {
    let t0 = performance.now();
    const all = await getJson(hub, MCL_PATH, agent);
    unpagedTimes.push(performance.now() - t0);
    if (all.items.length !== CLUSTERS) throw new Error(`unpaged LIST returned ${all.items.length}`);
    t0 = performance.now();
    let token = '';
    pages = pagedItems = 0;
    do {
      const page = await getJson(hub, `${MCL_PATH}?limit=${PAGE}${token ? `&continue=${encodeURIComponent(token)}` : ''}`, agent);
      pages++;
      pagedItems += page.items.length;
      token = page.metadata.continue ?? '';
    } while (token);
    pagedTimes.push(performance.now() - t0);
  }
  agent.destroy();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  await hub.stop();
  // After everything else, so that neither the ACM hubs nor their garbage weigh on the rows above.
  const fleets = await acmFleetRounds();

  // --- report ---------------------------------------------------------------------------------------------
  const lagCells = (d: Delivery) => `p50 ${ms(pct(d.lags, 50))}, p95 ${ms(pct(d.lags, 95))}, max ${ms(pct(d.lags, 100))}`;
  const rate = (s: Storm) => `${Math.round(s.writes / (s.ms / 1000))}/s`;

  row('start', `${PEER_CLUSTERS} clusters`, `${ms(peer.totalMs)} (start ${ms(peer.startMs)} + /version ${ms(peer.versionMs)} + LIST ${ms(peer.listMs)}, ${peer.items} items)`);
  row('', `${CLUSTERS} clusters`, `${ms(big.totalMs)} (start ${ms(big.startMs)} + /version ${ms(big.versionMs)} + LIST ${ms(big.listMs)}, ${big.items} items)`);
  row('', 'ratio', `${(big.totalMs / peer.totalMs).toFixed(1)}x; ${(perCluster * 1000).toFixed(0)} µs per extra cluster`);
  row('', 'target', `${CLUSTERS} clusters served <= ${TARGET_START_MS / 1000} s: ${big.totalMs <= TARGET_START_MS ? 'met' : 'NOT met'} (${ms(big.totalMs)})`);
  row('heap', 'after start', `${mb(peer.heapAfter)} at ${PEER_CLUSTERS}, ${mb(big.heapAfter)} at ${CLUSTERS} (${(perClusterHeap / 1024).toFixed(1)} KB per cluster: ManagedCluster + Namespace + Secret)`);
  if (fleets.acm.length) {
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;
    const each = (runs: StartTimes[]) => runs.map((r) => ms(r.totalMs)).join(', ');
    const acmMs = med(fleets.acm.map((r) => r.totalMs));
    const plainMs = med(fleets.plain.map((r) => r.totalMs));
    row('acm', `${CLUSTERS}, fleet: acm`, `${ms(acmMs)} (rounds: ${each(fleets.acm)}) vs plain ${CLUSTERS}: ${ms(plainMs)} (${each(fleets.plain)}), ${(acmMs / plainMs).toFixed(1)}x, alternating which starts first`);
    row('', 'heap', `${mb(med(fleets.acm.map((r) => r.heapAfter)))} after start vs ${mb(med(fleets.plain.map((r) => r.heapAfter)))} plain`);
    const c = fleets.contents!;
    row('', 'holds', `${c.total} objects (${Object.entries(c.objects).map(([k, n]) => `${k} ${n}`).join(', ')}); ${c.manifestWorks} ManifestWorks = ${mb(c.manifestWorkBytes)} of JSON (${(c.manifestWorkBytes / CLUSTERS / 1024).toFixed(0)} KB per cluster namespace; measured in ${ms(fleets.contentsMs)})`);
  }
  row('', 'watching', `${mb(heapWatching)} heap used with the ${WATCHERS} watches open`);
  row('watch', 'open', `${WATCHERS} streams (${WATCHERS - 2} JSON, 1 Table, 1 watch-list with ${opened.initial['watch-list']} initial events) in ${ms(openMs)}`);
  const storms: [string, Storm, Storm | undefined, Delivery | undefined][] = [
    ['HTTPS PATCH', aloneHttps, withHttps.storm, withHttps.d],
    ['Store.update', aloneStore, withStore.storm, withStore.d],
  ];
  for (const [label, alone, watched, d] of storms) {
    row(`storm`, `${label} alone`, `${ms(alone.ms)} for ${alone.writes} writes (${rate(alone)})${alone.failures ? `, ${alone.failures} FAILED` : ''}${label.startsWith('HTTPS') ? `, c=${CONCURRENCY}; again after the watched storm: ${ms(aloneHttps2.ms)}` : ''}`);
    if (!watched || !d) continue;
    row('', `with ${WATCHERS} watchers`, `writes ${ms(watched.ms)} (${rate(watched)})${watched.failures ? `, ${watched.failures} FAILED` : ''}; all ${WATCHERS}x${CLUSTERS} events delivered ${d.allDelivered ? `after ${ms(d.deliveredMs)}` : 'NOT within 30 s'}`);
    row('', 'ratio', `${(d.deliveredMs / alone.ms).toFixed(2)}x storm-with-watchers (to last delivery) / storm-alone; writes only ${(watched.ms / alone.ms).toFixed(2)}x`);
    row('', 'lag', `${lagCells(d)}  (commit to receipt, ${d.lags.length} events)`);
    const slowest = [...d.perWatcher].sort((a, b) => b.lastAt - a.lastAt)[0];
    const special = d.perWatcher.filter((w) => w.name === 'table' || w.name === 'watch-list').map((w) => `${w.name} ${w.unique}`).join(', ');
    row('', 'lost / dup', `${d.lost} lost, ${d.duplicates} duplicated${d.lost || d.duplicates ? '  <-- must be 0' : ''}; per stream ${special}; last to finish: ${slowest?.name}`);
  }
  if (slow) {
    row('slow', 'paused reader', `server held ${mb(slow.heldBytes)} in the socket's write buffer after ${CLUSTERS} events (heap +${mb(slow.heapDelta)}, external +${mb(slow.externalDelta)})`);
    row('', 'after resume', `${slow.drained ? `drained in ${ms(slow.resumeMs)}` : 'NOT drained in 30 s'}, ${slow.d.lost} lost, ${slow.d.duplicates} duplicated, stream ${slow.d.perWatcher[0]?.ended ? 'closed by server' : 'still open'}`);
  }
  row('paging', `limit=${PAGE}`, `${ms(median(pagedTimes))} for ${pages} pages, ${pagedItems} items (median of 3)`);
  row('', 'unpaged', `${ms(median(unpagedTimes))} (median of 3)`);
  row('', 'ratio', `${(median(pagedTimes) / median(unpagedTimes)).toFixed(2)}x paged / unpaged`);
}

/** Part 4: one IBGU over every cluster with the simulated controllers on. */
interface IbguRound { ratio: number; peakRss: number }

/** The top entries of a V8 CPU profile by self time. */
function topEntries(profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] }, n: number): string[] {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const k = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(k, (self.get(k) ?? 0) + dt);
    total += dt;
  });
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => `${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`);
}

function post<T>(session: Session, method: string): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result as T))));
}

async function ibguRun(row: (...cells: string[]) => void, round: number, profile: boolean): Promise<IbguRound> {
  const plan = ['Prep', 'Upgrade', 'FinalizeUpgrade'];
  const batchCount = Math.ceil(CLUSTERS / Math.min(IBGU_CONCURRENCY, CLUSTERS));
  const minSimMinutes = batchCount * (DEFAULT_DURATIONS.prep + DEFAULT_DURATIONS.upgrade + DEFAULT_DURATIONS.finalize);
  const minWallMs = minSimMinutes * TIME_SCALE * 1000;
  // Long enough for any batch: a timeout must not be what ends a step here.
  const timeout = 10_000;

  const heapBefore = heap();
  const t0 = performance.now();
  const hub = await startSandbox({ clusters: CLUSTERS, timeScale: TIME_SCALE });
  const startMs = performance.now() - t0;
  const MCL_T = hub.store.types.kind('ManagedCluster');
  const IBGU_T = hub.store.types.kind('ImageBasedGroupUpgrade');
  const MW_T = hub.store.types.kind('ManifestWork');

  // Commit times of what the watcher sees, and the spokes the work agent answered for (each one a spoke API server).
  const commits = new Map<number, number>();
  const answered = new Set<string>();
  let mwMax = 0;
  let mwLive = 0;
  hub.store.subscribe((e: StoreEvent) => {
    if (e.resource === MCL_T || e.resource === IBGU_T) commits.set(e.rv, clock());
    else if (e.resource === MW_T) {
      if (e.type === 'ADDED') mwMax = Math.max(mwMax, ++mwLive);
      else if (e.type === 'DELETED') mwLive--;
      else if (e.object.status?.conditions) answered.add(e.object.metadata.namespace);
    }
  });

  const clients = new Clients(hub);
  const rv = hub.store.currentRv();
  await clients.open([
    { name: 'ibgus', path: `${IBGU_PATH}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true`, tally: true },
    { name: 'managedclusters', path: `${MCL_PATH}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true`, tally: true },
  ]);

  const body = {
    apiVersion: 'lcm.openshift.io/v1alpha1',
    kind: 'ImageBasedGroupUpgrade',
    metadata: { name: 'bench-upgrade', namespace: IBGU_NS },
    spec: {
      clusterLabelSelectors: [{ matchLabels: { common: 'true' } }],
      ibuSpec: { seedImageRef: { image: 'registry.hub.example.com:8443/ibu/seed:4.18.9', version: '4.18.9', pullSecretRef: { name: 'seed-pull-secret' } } },
      plan: plan.map((a) => ({ actions: [a], rolloutStrategy: { maxConcurrency: IBGU_CONCURRENCY, timeout } })),
    },
  };
  const session = profile ? new Session() : undefined;
  if (session) {
    session.connect();
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.start');
  }
  const rvBefore = hub.store.currentRv();
  const simStart = hub.controllers!.clock.now();
  const heldBefore = hub.controllers!.clock.heldWallMs;
  const cpu0 = process.cpuUsage();
  const runStart = performance.now();
  const created = await request(hub, 'POST', `/apis/lcm.openshift.io/v1alpha1/namespaces/${IBGU_NS}/imagebasedgroupupgrades`, { body: JSON.stringify(body) });
  if (created.status !== 201) throw new Error(`IBGU create: ${created.status} ${created.body.slice(0, 300)}`);

  // Done when Progressing is False; polled in-process, every 50 ms (cheap: one get).
  const progressing = () => hub.store.peek(IBGU_T, IBGU_NS, 'bench-upgrade')?.status?.conditions?.find((c: any) => c.type === 'Progressing');
  let done = false;
  let peakHeap = 0;
  let peakRss = 0;
  let samples = 0;
  while (performance.now() - runStart < IBGU_TIMEOUT_MS) {
    const p = progressing();
    if (p?.status === 'False') {
      done = true;
      break;
    }
    if (++samples % 4 === 0) {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakRss = Math.max(peakRss, m.rss);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const runMs = performance.now() - runStart;
  const simEnd = hub.controllers!.clock.now();
  const heldEnd = hub.controllers!.clock.heldWallMs;
  const cpu = process.cpuUsage(cpu0);
  const writes = hub.store.currentRv() - rvBefore;
  const rss = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  const top = session ? topEntries((await post<{ profile: Parameters<typeof topEntries>[0] }>(session, 'Profiler.stop')).profile, 12) : [];
  session?.disconnect();
  const heapAfter = heap() - heapBefore;

  const final = hub.store.get(IBGU_T, IBGU_NS, 'bench-upgrade')!;
  const statusClusters: any[] = final.status?.clusters ?? [];
  const complete = statusClusters.filter((c) => JSON.stringify((c.completedActions ?? []).map((a: any) => a.action)) === JSON.stringify(plan) && !(c.failedActions ?? []).length).length;
  const cond = progressing();

  // Let the watcher take the last events, then collect.
  await new Promise((r) => setTimeout(r, 500));
  const { watchers } = await clients.collect();
  await clients.close();
  await clients.terminate();
  await hub.stop();

  // The simulated clock stands still while the controllers have work (clock.ts hold): simulated minutes are read from it.
  const simMinutes = (simEnd - simStart) / 60_000;
  const heldMs = heldEnd - heldBefore;
  row(round === 1 ? 'ibgu' : '', `round ${round}`, profile ? 'CPU profile on (its overhead is in this round)' : '');
  row('', 'setup', `${CLUSTERS} clusters, controllers on, ${TIME_SCALE} s per simulated minute; sandbox started in ${ms(startMs)}; plan ${JSON.stringify(plan.map((a) => [a]))}, maxConcurrency ${IBGU_CONCURRENCY} (${batchCount} batches per step), timeout ${timeout} min`);
  row('', 'run', `${done ? `Progressing=False (${cond?.reason}) after ${ms(runMs)}` : `NOT finished within ${ms(IBGU_TIMEOUT_MS)}`}; CPU ${ms((cpu.user + cpu.system) / 1000)} (${(((cpu.user + cpu.system) / 1000 / runMs) * 100).toFixed(0)}% of one core)`);
  row('', 'peer', `least simulated time ${batchCount} x (${DEFAULT_DURATIONS.prep} + ${DEFAULT_DURATIONS.upgrade} + ${DEFAULT_DURATIONS.finalize}) = ${minSimMinutes} min = ${ms(minWallMs)} wall at this scale; the run took ${simMinutes.toFixed(0)} simulated min (the clock stood still ${ms(heldMs)} of its wall time for the controllers' work)`);
  row('', 'ratio', `${(runMs / minWallMs).toFixed(2)}x run / least (1.0 = the controllers keep up with simulated time)`);
  row('', 'clusters', `${complete} of ${CLUSTERS} completed [${plan.join(', ')}]${complete === CLUSTERS ? '' : '  <-- must be all'}; ${statusClusters.length} in status.clusters; ${answered.size} spokes created (answered by the work agent); at most ${mwMax} ManifestWorks at once`);
  row('', 'hub writes', `${writes} (${Math.round(writes / (runMs / 1000))}/s, ${(writes / CLUSTERS).toFixed(1)} per cluster)`);
  row('', 'memory', `heap ${mb(heapAfter)} retained after the run (after GC), peak heap used ${mb(peakHeap)}, peak RSS ${mb(peakRss)} (sampled every 200 ms), RSS at the end ${mb(rss)}`);
  for (const w of watchers) {
    const lags: number[] = [];
    for (let i = 0; i < w.rvs.length; i++) {
      const c = commits.get(w.rvs[i]!);
      if (c !== undefined) lags.push(w.at[i]! - c);
    }
    lags.sort((a, b) => a - b);
    row('', `watch ${w.name}`, `${w.other} events received${w.ended ? ' (stream ended by the server)' : ''}; lag p50 ${ms(pct(lags, 50))}, p95 ${ms(pct(lags, 95))}, max ${ms(pct(lags, 100))}`);
  }
  for (const [i, entry] of top.entries()) row('', i ? '' : 'CPU self time', entry);
  return { ratio: runMs / minWallMs, peakRss };
}

/**
 * What the hub's connections hold that their peers have not read: the writable buffers of its TLS sockets.
 * The bench has no hold of the hub's https.Server, so it finds it among the process's active handles and
 * tracks the connections accepted from then on.
 */
function trackServerSockets(): () => number {
  const sockets = new Set<TLSSocket>();
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  for (const h of handles) {
    if (h instanceof https.Server) h.on('secureConnection', (s: TLSSocket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
  }
  return () => [...sockets].reduce((n, s) => n + s.writableLength, 0);
}
