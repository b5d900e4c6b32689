/**
 * "A 3,500-cluster hub must show in the tree as fast as kubectl lists it, follow it live, and cost nothing
 * while idle": the hub layer (HubConnection → HubIndex → buildHubTree) against the sandbox hub of
 * examples/sandbox/fleet-3500.yaml, with one IBGU over every cluster paused mid-rollout (batch 2 of Prep
 * running: CGU, ManifestWorks and TALM's labels exist), in one run.
 *
 * 1. tree     readKubeconfig → new HubConnection().start() → state `connected`, every change applied to a
 *             HubIndex, index.rollouts(), buildHubTree() with every lazy child read. Median of BENCH_REPS (3),
 *             a fresh connection each. Peer: `kubectl get managedclusters,imagebasedgroupupgrades -A -o json`
 *             against the same hub, wall time with the process start, median of as many runs.
 * 2. events   BENCH_PATCHES (200) ManagedCluster label merge patches over HTTPS, one at a time, BENCH_GAP_MS
 *             (20) apart; per patch, from sending it to the moment the index holds its resourceVersion and
 *             the IBGU's rollout has been recomputed (rolloutOf after apply), and from the server's answer to
 *             the same moment (0 when the event came first). Peer: a bare client-node Watch of
 *             managedclusters in the same process, to the receipt of the same event. Each side gets
 *             BENCH_PATCHES patches, in 4 alternating rounds (peer with our connection stopped, then ours
 *             restarted from its resourceVersion).
 * 2b. works   the same for ManifestWork status events: BENCH_WORK_PATCHES (200) merge patches of the status of
 *             the paused step's ManifestWorks (one more status feedback value, as the work agent reports), to
 *             the moment the rollout has been updated (rolloutOf after apply). Peer: a bare client-node Watch of
 *             the ManifestWorks with TALM's label (what the connection watches), in the same alternation.
 *             Then the reducer alone: BENCH_WORK_PATCHES more patches, each event applied to two HubIndexes
 *             built from the connection's objects, the incremental one and one with `recompute: 'whole'`
 *             (every event recomputes the frame and every row, as before issue 18), alternating which goes
 *             first; apply + rolloutOf timed for each.
 * 3. memory   heapUsed after GC before creating the connection vs. after it is fully built (tree kept).
 * 4. idle     controllers paused, request log cleared, IBGU_BENCH_IDLE_S (30) seconds with the connection open:
 *             requests by kind, per minute. Then every watch is dropped by the server once: what the
 *             connection sends to recover (watches only, no list), and whether its watches are open again.
 *
 * The sandbox runs in a worker thread (a hub is another machine in real use): its CPU and heap are not the
 * connection's, and the heap figures are the main thread's alone. kubectl is another process, as in real use.
 * Timings are reported, never asserted; ✔/✘ says whether a target is met.
 *
 *   npm run bench:hub
 *   BENCH_REPS=3 BENCH_PATCHES=200 BENCH_GAP_MS=20 IBGU_BENCH_IDLE_S=30 IBGU_BENCH_TIME_SCALE=0.2 node --expose-gc dist-bench/hub.bench.js
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { HubConnection, kubeconfigFor, readKubeconfig } from '../src/hub';
import { HubIndex } from '../src/hub/hub-index';
import { CGU_LABEL } from '../src/core/talm/wire';
import { buildHubTree } from '../src/hub/tree-model';
import { WATCHED_KINDS, type ConnectionState, type KubeObject, type Rollout, type TreeNode } from '../src/hub/types';
import { parseScenario, startSandbox, type Sandbox } from '../src/sandbox';
import { repoRoot } from '../test/helpers/fixtures';
import { kubectlOrSkipReason, runKubectl, type Kubectl, type KubectlEnv } from '../test/helpers/kubectl';

const REPS = Math.max(1, Number(process.env.BENCH_REPS ?? 3));
const PATCHES = Math.max(1, Number(process.env.BENCH_PATCHES ?? 200));
const WORK_PATCHES = Math.max(1, Number(process.env.BENCH_WORK_PATCHES ?? 200));
/** The event latency rounds, peer and ours alternating, PATCHES / LATENCY_ROUNDS patches each. */
const LATENCY_ROUNDS = 4;
const GAP_MS = Math.max(0, Number(process.env.BENCH_GAP_MS ?? 20));
const IDLE_S = Math.max(1, Number(process.env.IBGU_BENCH_IDLE_S ?? 30));
/**
 * Wall seconds per simulated minute: batch 2 of Prep starts after about 9 s. Faster scales let the busy
 * controllers fall behind simulated time, and a whole batch then times out (the state differs between runs).
 */
const TIME_SCALE = Number(process.env.IBGU_BENCH_TIME_SCALE ?? 0.2);
const CONCURRENCY = 500;
/**
 * Minutes per step. fleet-3500.yaml fails Prep on sno-0042, whose batch then ends only at its batch timeout
 * (about timeout / 7 batches = 43 simulated minutes, 8.6 s wall at 0.2 s/min); Prep itself takes 30.
 */
const STEP_TIMEOUT_MIN = 300;
const TARGET_RATIO = 1.0;
const TARGET_P95_MS = 100;
const IBGU_NS = 'ztp-upgrades';
const IBGU_NAME = 'bench-fleet';
const MCL_PATH = '/apis/cluster.open-cluster-management.io/v1/managedclusters';
const SEQ_LABEL = 'bench.ibgu.io/seq';
const MW_PATH = '/apis/work.open-cluster-management.io/v1';

// ---------------------------------------------------------------------------------------------------------
// The hub (worker thread): the sandbox, driven to a paused mid-rollout state.

type ToHub = { cmd: 'start'; scenarioFile: string; fleet?: string } | { cmd: 'pauseInBatch'; batch: number; timeoutMs: number } | { cmd: 'stop' };
interface Started { msg: 'started'; url: string; caPem: string; token: string; kubeconfigPath: string; clusters: number; startMs: number }
interface Paused { msg: 'paused'; reached: boolean; step: string; batch: number; batchCount: number; cgus: number; manifestWorks: number; objects: number; waitedMs: number }
type FromHub = Started | Paused | { msg: 'stopped' };

function hubThread(): void {
  const port = parentPort!;
  const { timeScale } = workerData as { timeScale: number };
  let hub: Sandbox | undefined;
  const post = (m: FromHub) => port.postMessage(m);
  port.on('message', async (m: ToHub) => {
    switch (m.cmd) {
      case 'start': {
        const t0 = performance.now();
        const scenario = parseScenario(readFileSync(m.scenarioFile, 'utf8'));
        // `fleet` is the ACM content scenario field another change adds to scenario.ts: set even where the type lacks it.
        if (m.fleet) (scenario as { fleet?: string }).fleet = m.fleet;
        hub = await startSandbox({ scenario, timeScale });
        post({ msg: 'started', url: hub.url, caPem: hub.caPem, token: hub.token, kubeconfigPath: hub.kubeconfigPath, clusters: hub.scenario.clusters.length, startMs: performance.now() - t0 });
        break;
      }
      case 'pauseInBatch': {
        // Polled in-process every 20 ms: the first step's CGU in batch `m.batch` with its ManifestWorks out.
        const CGU = hub!.store.types.kind('ClusterGroupUpgrade');
        const MW = hub!.store.types.kind('ManifestWork');
        const t0 = performance.now();
        let seen: { name: string; batch: number; batchCount: number } | undefined;
        let reachedAt: number | undefined;
        while (performance.now() - t0 < m.timeoutMs) {
          const running = hub!.store.peekList(CGU).map((c) => ({ name: c.metadata.name, batch: c.status?.status?.currentBatch ?? 0, batchCount: c.status?.remediationPlan?.length ?? 0 })).sort((a, b) => b.batch - a.batch)[0];
          seen = running ?? seen;
          // A little into the batch, so that the work agent has reported on most ManifestWorks.
          if (running && running.batch >= m.batch) reachedAt ??= performance.now();
          if (reachedAt !== undefined && performance.now() - reachedAt >= 300 && hub!.store.peekList(MW).length > 0) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        hub!.controllers!.pause();
        post({
          msg: 'paused', reached: reachedAt !== undefined, step: seen?.name ?? '-', batch: seen?.batch ?? 0, batchCount: seen?.batchCount ?? 0,
          cgus: hub!.store.peekList(CGU).length, manifestWorks: hub!.store.peekList(MW).length, waitedMs: performance.now() - t0,
          objects: hub!.store.types.types.reduce((n, t) => n + hub!.store.peekList(t).length, 0),
        });
        break;
      }
      case 'stop':
        await hub?.stop();
        post({ msg: 'stopped' });
        break;
    }
  });
}

class HubWorker {
  private readonly worker = new Worker(__filename, { workerData: { timeScale: TIME_SCALE } });
  private readonly waiting: ((m: FromHub) => void)[] = [];

  constructor() {
    this.worker.on('message', (m: FromHub) => this.waiting.shift()?.(m));
    this.worker.on('error', (e) => {
      console.error('sandbox worker failed:', e);
      process.exit(1);
    });
  }

  ask<T extends FromHub>(m: ToHub): Promise<T> {
    return new Promise((resolve) => {
      this.waiting.push(resolve as (m: FromHub) => void);
      this.worker.postMessage(m);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

// ---------------------------------------------------------------------------------------------------------
// The client side (main thread).

const gc: () => void = (globalThis as { gc?: () => void }).gc ?? (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! : NaN);
const ms = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 2 : 0)} ms`);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const mark = (met: boolean) => (met ? '✔' : '✘');
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

interface HubAccess { url: string; caPem: string; token: string; kubeconfigPath: string }
interface Reply { status: number; body: string; at: number }

function request(hub: HubAccess, method: string, urlPath: string, opts: { body?: unknown; contentType?: string; agent?: https.Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = { Authorization: `Bearer ${hub.token}`, 'User-Agent': 'ibgu-bench/writer' };
    if (payload !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const req = https.request(`${hub.url}${urlPath}`, { method, headers, ca: hub.caPem, agent: opts.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), at: performance.now() }));
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

async function control(hub: HubAccess, method: string, what: string): Promise<any> {
  const r = await request(hub, method, `/__sandbox/${what}`);
  if (r.status !== 200) throw new Error(`${method} /__sandbox/${what}: ${r.status} ${r.body.slice(0, 200)}`);
  return JSON.parse(r.body);
}

/** Every node of the tree, reading each lazily built child list as the view does on expansion. */
function walk(node: TreeNode): number {
  let n = 1;
  for (const child of node.children ?? []) n += walk(child);
  return n;
}

interface Built { ms: number; connection: HubConnection; index: HubIndex; rollouts: Rollout[]; tree: TreeNode; nodes: number; clusters: number; works: number; cgus: number }

/** Kubeconfig to a fully built tree model; the connection stays open. */
async function buildTree(kubeconfigPath: string, timeoutMs = 60_000): Promise<Built> {
  const t0 = performance.now();
  const view = readKubeconfig({ pinnedFile: kubeconfigPath });
  const context = view.contexts.find((c) => c.name === view.current)!;
  const connection = new HubConnection(context, kubeconfigFor(view, context.name));
  const index = new HubIndex();
  connection.onChange((c) => index.apply(c));
  const connected = new Promise<ConnectionState>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not connected within ${timeoutMs} ms: ${JSON.stringify(connection.state)}`)), timeoutMs);
    connection.onState((s) => {
      if (s.phase !== 'connected') return;
      clearTimeout(timer);
      resolve(s);
    });
  });
  connection.start();
  const state = await connected;
  const rollouts = index.rollouts();
  const tree = buildHubTree({ context: context.name, server: context.server, state, rollouts, managedClusters: index.managedClusters(), now: Date.now() }, {});
  const nodes = walk(tree);
  const elapsed = performance.now() - t0;
  return { ms: elapsed, connection, index, rollouts, tree, nodes, clusters: index.managedClusters().length, works: connection.list('ManifestWork').length, cgus: connection.list('ClusterGroupUpgrade').length };
}

/** One timed build whose model is dropped: nothing of it stays reachable (for the heap measured next). */
async function buildAndDispose(kubeconfigPath: string): Promise<number> {
  const b = await buildTree(kubeconfigPath);
  b.connection.dispose();
  return b.ms;
}

interface KubectlRun { ms: number; items: number; ok: boolean }

async function kubectlList(kubectl: Kubectl, env: KubectlEnv): Promise<KubectlRun> {
  const t0 = performance.now();
  const r = await runKubectl(kubectl, env, ['get', 'managedclusters,imagebasedgroupupgrades', '-A', '-o', 'json'], { timeoutMs: 60_000 });
  const elapsed = performance.now() - t0;
  let items = 0;
  try {
    items = (JSON.parse(r.stdout).items ?? []).length;
  } catch {
    items = 0;
  }
  return { ms: elapsed, items, ok: r.code === 0 };
}

function findKubectl(): Kubectl | string {
  try {
    const found = kubectlOrSkipReason();
    if ('skip' in found) return found.skip;
    return [...found.binaries].sort((a, b) => b.version.localeCompare(a.version, 'en', { numeric: true }))[0]!;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Per patch: sent → seen (sorted), answer received → seen (0 when seen first), and what the seeing cost. */
interface Latency { fromSend: number[]; fromAnswer: number[]; work: number[]; missed: number; failed: number }

/** Marks a patch as seen, from an event listener; `work` is what the listener spent on it (ms). */
type Seen = (seq: string, work?: number) => void;

/** Sends patch number `i`, marked with `seq`, over `agent`. */
type Patch = (i: number, seq: string, agent: https.Agent) => Promise<Reply>;

/** A label patch of ManagedCluster number `i` (17 apart, so that neighbours differ). */
const labelPatch = (hub: HubAccess, names: string[]): Patch => (i, seq, agent) =>
  request(hub, 'PATCH', `${MCL_PATH}/${names[(i * 17) % names.length]!}`, { body: { metadata: { labels: { [SEQ_LABEL]: seq } } }, contentType: 'application/merge-patch+json', agent });

/** The status feedback value a ManifestWork status patch carries its mark in. */
function feedbackSeq(o: KubeObject): string | undefined {
  const manifests = o.status?.resourceStatus?.manifests;
  const values = Array.isArray(manifests) ? manifests[0]?.statusFeedback?.values : undefined;
  return Array.isArray(values) ? values.find((v: any) => v?.name === SEQ_LABEL)?.fieldValue?.string : undefined;
}

/**
 * A status patch of ManifestWork number `i` of `works`: its manifests' status as it was, with one more
 * status feedback value on the first (the mark), as the work agent adds a value it reads from the spoke.
 */
const workStatusPatch = (hub: HubAccess, works: readonly KubeObject[]): Patch => (i, seq, agent) => {
  const w = works[(i * 7) % works.length]!;
  const manifests: any[] = structuredClone(w.status?.resourceStatus?.manifests ?? []);
  if (!manifests.length) manifests.push({ resourceMeta: { ordinal: 0, group: 'lca.openshift.io', kind: 'ImageBasedUpgrade', name: 'upgrade' }, conditions: [] });
  const first = manifests[0];
  const values = (first.statusFeedback?.values ?? []).filter((v: any) => v?.name !== SEQ_LABEL);
  first.statusFeedback = { values: [...values, { name: SEQ_LABEL, fieldValue: { type: 'String', string: seq } }] };
  return request(hub, 'PATCH', `${MW_PATH}/namespaces/${w.metadata.namespace}/manifestworks/${w.metadata.name}/status`, { body: { status: { resourceStatus: { manifests } } }, contentType: 'application/merge-patch+json', agent });
};

/**
 * `count` patches, one at a time: each waits for its answer and for `seen` (at most 5 s), then GAP_MS.
 * `follow` hooks a listener up to the events and returns how to unhook it.
 */
async function patchLatency(send: Patch, follow: (seen: Seen) => Promise<() => void>, count = PATCHES, first = 0): Promise<Latency> {
  const out: Latency = { fromSend: [], fromAnswer: [], work: [], missed: 0, failed: 0 };
  let pending: { seq: string; seenAt?: number; wake?: () => void } | undefined;
  const unfollow = await follow((seq, work) => {
    if (!pending || pending.seq !== seq || pending.seenAt !== undefined) return;
    pending.seenAt = performance.now();
    if (work !== undefined) out.work.push(work);
    pending.wake?.();
  });
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = first; i < first + count; i++) {
      const p: NonNullable<typeof pending> = { seq: `${Date.now()}-${i}` };
      pending = p;
      const seen = new Promise<void>((resolve) => (p.wake = resolve));
      const sentAt = performance.now();
      const reply = await send(i, p.seq, agent);
      if (reply.status !== 200) out.failed++;
      else {
        await Promise.race([seen, sleep(5000)]);
        if (p.seenAt === undefined) out.missed++;
        else {
          out.fromSend.push(p.seenAt - sentAt);
          out.fromAnswer.push(Math.max(0, p.seenAt - reply.at));
        }
      }
      pending = undefined;
      await sleep(GAP_MS);
    }
  } finally {
    unfollow();
    agent.destroy();
  }
  for (const xs of [out.fromSend, out.fromAnswer, out.work]) xs.sort((a, b) => a - b);
  return out;
}

function emptyLatency(): Latency {
  return { fromSend: [], fromAnswer: [], work: [], missed: 0, failed: 0 };
}

function mergeLatency(into: Latency, round: Latency): void {
  for (const k of ['fromSend', 'fromAnswer', 'work'] as const) into[k] = [...into[k], ...round[k]].sort((a, b) => a - b);
  into.missed += round.missed;
  into.failed += round.failed;
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

/** Ours: in the connection's change listener (after the index's), the index holds the event's object and the rollout is recomputed. */
function followModel(built: Built): (seen: Seen) => Promise<() => void> {
  const uid = built.rollouts[0]!.uid;
  return async (seen) => built.connection.onChange((c) => {
    const seq = c.object.metadata.labels?.[SEQ_LABEL];
    if (c.kind !== 'ManagedCluster' || seq === undefined) return;
    const t0 = performance.now();
    const rollout = built.index.rolloutOf(uid);
    const held = built.index.managedClusters().find((o) => o.metadata.name === c.object.metadata.name)?.metadata.resourceVersion === c.object.metadata.resourceVersion;
    if (rollout && held) seen(seq, performance.now() - t0);
  });
}

/** Ours for ManifestWork status events: the index holds the event's object and the rollout is updated. */
function followWorkModel(built: Built): (seen: Seen) => Promise<() => void> {
  const uid = built.rollouts[0]!.uid;
  return async (seen) => built.connection.onChange((c) => {
    const seq = c.kind === 'ManifestWork' ? feedbackSeq(c.object) : undefined;
    if (seq === undefined) return;
    const t0 = performance.now();
    if (built.index.rolloutOf(uid)) seen(seq, performance.now() - t0);
  });
}

/** Peer: a bare client-node Watch of managedclusters from the current resourceVersion, to the receipt of the event. */
function followWatch(hub: HubAccess): (seen: Seen) => Promise<() => void> {
  return followBare(hub, MCL_PATH, {}, (obj) => obj?.metadata?.labels?.[SEQ_LABEL]);
}

/** Peer for ManifestWork events: a bare client-node Watch of the ManifestWorks with TALM's label, as the connection watches them. */
function followWorkWatch(hub: HubAccess): (seen: Seen) => Promise<() => void> {
  return followBare(hub, `${MW_PATH}/manifestworks`, { labelSelector: CGU_LABEL }, (obj) => feedbackSeq(obj));
}

function followBare(hub: HubAccess, collection: string, query: Record<string, string>, seqOf: (obj: any) => string | undefined): (seen: Seen) => Promise<() => void> {
  return async (seen) => {
    const kc = new KubeConfig();
    kc.loadFromFile(hub.kubeconfigPath);
    const rv = JSON.parse((await request(hub, 'GET', `${collection}?limit=1`)).body).metadata.resourceVersion as string;
    const controller = await new Watch(kc).watch(collection, { ...query, resourceVersion: rv, allowWatchBookmarks: true }, (type, obj) => {
      const seq = seqOf(obj);
      if (type === 'MODIFIED' && seq !== undefined) seen(seq);
    }, () => {});
    return () => controller.abort();
  };
}

/** What applying one event and reading the rollout costs each of two HubIndexes fed the same events. */
interface ReducerTimes { incremental: number[]; whole: number[]; same: boolean }

/**
 * The reducer alone, on ManifestWork status events: two HubIndexes built from the connection's objects (the
 * incremental one and `recompute: 'whole'`) take each event, alternating which goes first; apply + rolloutOf
 * timed for each. `same`: both hand out deep-equal rollouts at the end.
 */
async function reducerTimes(built: Built, send: Patch, count: number, first: number): Promise<ReducerTimes> {
  const uid = built.rollouts[0]!.uid;
  const incremental = new HubIndex();
  const whole = new HubIndex({ recompute: 'whole' });
  for (const index of [incremental, whole]) {
    for (const kind of WATCHED_KINDS) for (const object of built.connection.list(kind)) index.apply({ kind, type: 'add', object });
    index.rolloutOf(uid);
  }
  const out: ReducerTimes = { incremental: [], whole: [], same: false };
  let n = 0;
  const follow = async (seen: Seen) => built.connection.onChange((c) => {
    const seq = c.kind === 'ManifestWork' ? feedbackSeq(c.object) : undefined;
    const order: [HubIndex, number[]][] = n++ % 2 ? [[whole, out.whole], [incremental, out.incremental]] : [[incremental, out.incremental], [whole, out.whole]];
    for (const [index, times] of order) {
      const t0 = performance.now();
      index.apply(c);
      index.rolloutOf(uid);
      if (seq !== undefined) times.push(performance.now() - t0);
    }
    if (seq !== undefined) seen(seq);
  });
  await patchLatency(send, follow, count, first);
  out.same = JSON.stringify(incremental.rolloutOf(uid)) === JSON.stringify(whole.rolloutOf(uid));
  for (const xs of [out.incremental, out.whole]) xs.sort((a, b) => a - b);
  return out;
}

/** A resource collection: /api/v1/<plural>, /apis/<group>/<version>/<plural>, or either under /namespaces/<ns>/. */
function isCollection(urlPath: string): boolean {
  const parts = urlPath.split('/').filter(Boolean);
  const rest = parts[0] === 'api' ? parts.slice(2) : parts[0] === 'apis' ? parts.slice(3) : undefined;
  return rest !== undefined && (rest.length === 1 || (rest.length === 3 && rest[0] === 'namespaces'));
}

interface RequestCounts { list: number; watch: number; other: number; byAgent: Record<string, number> }

function countRequests(log: { method: string; path: string; query: string[]; userAgent?: string }[]): RequestCounts {
  const c: RequestCounts = { list: 0, watch: 0, other: 0, byAgent: {} };
  for (const e of log) {
    const agent = (e.userAgent ?? '-').split(' ')[0]!;
    c.byAgent[agent] = (c.byAgent[agent] ?? 0) + 1;
    if (e.query.includes('watch')) c.watch++;
    else if (e.method === 'GET' && isCollection(e.path)) c.list++;
    else c.other++;
  }
  return c;
}

async function main(): Promise<void> {
  const load = loadavg()[0]!;
  const runStart = performance.now();
  const root = repoRoot();
  const scenarioFile = path.join(root, 'examples', 'sandbox', 'fleet-3500.yaml');
  const work = mkdtempSync(path.join(tmpdir(), 'ibgu-bench-hub-'));
  const hubWorker = new HubWorker();
  const rows: string[][] = [];
  const row = (...cells: string[]) => rows.push(cells);
  let live: HubConnection | undefined;
  try {
    // --- the hub, mid-rollout ------------------------------------------------------------------------------
    const fleetAt = process.argv.indexOf('--fleet');
    const fleet = fleetAt >= 0 ? process.argv[fleetAt + 1] : undefined;
    const started = await hubWorker.ask<Started>({ cmd: 'start', scenarioFile, ...(fleet ? { fleet } : {}) });
    const hub: HubAccess = started;
    const names = Array.from({ length: started.clusters }, (_, i) => `sno-${String(i + 1).padStart(4, '0')}`);
    const ibgu = {
      apiVersion: 'lcm.openshift.io/v1alpha1',
      kind: 'ImageBasedGroupUpgrade',
      metadata: { name: IBGU_NAME, namespace: IBGU_NS },
      spec: {
        clusterLabelSelectors: [{ matchLabels: { common: 'true' } }],
        ibuSpec: { seedImageRef: { image: 'registry.hub.example.com:8443/ibu/seed:4.18.9', version: '4.18.9', pullSecretRef: { name: 'seed-pull-secret' } } },
        plan: ['Prep', 'Upgrade', 'FinalizeUpgrade'].map((a) => ({ actions: [a], rolloutStrategy: { maxConcurrency: CONCURRENCY, timeout: STEP_TIMEOUT_MIN } })),
      },
    };
    const created = await request(hub, 'POST', `/apis/lcm.openshift.io/v1alpha1/namespaces/${IBGU_NS}/imagebasedgroupupgrades`, { body: ibgu });
    if (created.status !== 201) throw new Error(`IBGU create: ${created.status} ${created.body.slice(0, 300)}`);
    const paused = await hubWorker.ask<Paused>({ cmd: 'pauseInBatch', batch: 2, timeoutMs: 60_000 });


    // --- 1. tree vs kubectl, 3. memory ---------------------------------------------------------------------
    const kubectl = findKubectl();
    const env: KubectlEnv = { kubeconfig: hub.kubeconfigPath, home: path.join(work, 'home'), cacheDir: path.join(work, 'kube-cache') };
    const ours: number[] = [];
    const theirs: KubectlRun[] = [];
    let built: Built | undefined;
    let heapBefore = 0;
    let heapAfter = 0;
    let leftOpen = 0;
    for (let rep = 0; rep < REPS; rep++) {
      if (typeof kubectl !== 'string') theirs.push(await kubectlList(kubectl, env));
      if (rep < REPS - 1) {
        ours.push(await buildAndDispose(hub.kubeconfigPath));
        continue;
      }
      // What the disposed connections left open on the server (expected: nothing), ended here.
      await sleep(1000);
      leftOpen = (await control(hub, 'POST', 'drop-watches')).dropped as number;
      await sleep(500);
      heapBefore = heap();
      built = await buildTree(hub.kubeconfigPath);
      live = built.connection;
      ours.push(built.ms);
      heapAfter = heap();
    }
    const b = built!;
    const rollout = b.rollouts[0]!;
    const oursMs = median(ours);
    const theirsMs = typeof kubectl === 'string' ? NaN : median(theirs.map((t) => t.ms));
    const ratio = oursMs / theirsMs;

    // --- 2. event-to-model latency, in LATENCY_ROUNDS alternating rounds: the peer with our connection stopped
    // (sharing the thread with it would time its work too), then ours, restarted from its resourceVersion.
    const lat = emptyLatency();
    const peerLat = emptyLatency();
    const perRound = Math.max(1, Math.floor(PATCHES / LATENCY_ROUNDS));
    for (let round = 0; round < LATENCY_ROUNDS; round++) {
      b.connection.stop();
      await sleep(300);
      mergeLatency(peerLat, await patchLatency(labelPatch(hub, names), followWatch(hub), perRound, 2 * round * perRound));
      b.connection.start();
      await until(() => b.connection.state.phase === 'connected');
      await sleep(500);
      mergeLatency(lat, await patchLatency(labelPatch(hub, names), followModel(b), perRound, (2 * round + 1) * perRound));
    }

    // --- 2b. the same for ManifestWork status events, then the reducer alone, incremental vs. whole ------------
    const works = b.connection.list('ManifestWork').filter((w) => w.metadata.labels?.[CGU_LABEL] !== undefined);
    const workLat = emptyLatency();
    const workPeerLat = emptyLatency();
    const workPerRound = Math.max(1, Math.floor(WORK_PATCHES / LATENCY_ROUNDS));
    let reducer: ReducerTimes | undefined;
    if (works.length) {
      const send = workStatusPatch(hub, works);
      for (let round = 0; round < LATENCY_ROUNDS; round++) {
        b.connection.stop();
        await sleep(300);
        mergeLatency(workPeerLat, await patchLatency(send, followWorkWatch(hub), workPerRound, 2 * round * workPerRound));
        b.connection.start();
        await until(() => b.connection.state.phase === 'connected');
        await sleep(500);
        mergeLatency(workLat, await patchLatency(send, followWorkModel(b), workPerRound, (2 * round + 1) * workPerRound));
      }
      reducer = await reducerTimes(b, send, WORK_PATCHES, 2 * LATENCY_ROUNDS * workPerRound);
    }

    // --- 4. idle ------------------------------------------------------------------------------------------
    await sleep(500);
    await control(hub, 'POST', 'requests/clear');
    const idleStart = performance.now();
    await sleep(IDLE_S * 1000);
    const idleMs = performance.now() - idleStart;
    const idle = countRequests(await control(hub, 'GET', 'requests'));
    const stateAfterIdle = b.connection.state.phase;
    await control(hub, 'POST', 'requests/clear');
    const dropped = (await control(hub, 'POST', 'drop-watches')).dropped as number;
    await sleep(3000);
    const reopened = (await control(hub, 'POST', 'drop-watches')).dropped as number;
    await sleep(3000);
    const recovery = countRequests(await control(hub, 'GET', 'requests'));
    const stateAfterDrop = b.connection.state.phase;

    // --- report -------------------------------------------------------------------------------------------
    const perMin = (n: number) => (n / (idleMs / 60_000)).toFixed(1);
    const steps = rollout.steps.map((s) => `${s.actions.join('+')} ${s.state}${s.batchCount ? ` ${s.batch}/${s.batchCount}` : ''}`).join(', ');
    row('hub', 'sandbox', `${started.clusters} clusters (fleet-3500.yaml) started in ${ms(started.startMs)} in a worker thread; IBGU ${IBGU_NS}/${IBGU_NAME} [[Prep],[Upgrade],[FinalizeUpgrade]] maxConcurrency ${CONCURRENCY}, ${TIME_SCALE} s/min`);
    row('', 'paused at', `${paused.reached ? '' : 'NOT REACHED: '}${paused.step} batch ${paused.batch}/${paused.batchCount} after ${ms(paused.waitedMs)}; ${paused.cgus} CGUs, ${paused.manifestWorks} ManifestWorks on the hub; controllers paused from here on`);
    row('', 'model', `${b.clusters} ManagedClusters, ${b.cgus} CGUs, ${b.works} ManifestWorks; rollout ${rollout.state}, ${rollout.done}/${rollout.total} done, ${rollout.failed} failed; steps: ${steps}; ${b.nodes} tree nodes walked`);
    row('tree', 'ibgu', `${ms(oursMs)} median of ${REPS} (${ours.map(ms).join(', ')}): kubeconfig → connected (4 kinds listed, watches opening) → HubIndex → rollouts → buildHubTree, whole tree read`);
    if (typeof kubectl === 'string') row('', 'kubectl', `kubectl: not available (${kubectl})`);
    else {
      row('', `kubectl ${kubectl.version}`, `${ms(theirsMs)} median of ${REPS} (${theirs.map((t) => ms(t.ms)).join(', ')}): get managedclusters,imagebasedgroupupgrades -A -o json, process start included; ${theirs[0]!.items} items${theirs.every((t) => t.ok) ? '' : ', FAILED'}`);
      row('', 'ratio', `${ratio.toFixed(2)}x ibgu / kubectl; target ≤ ${TARGET_RATIO.toFixed(1)}: ${mark(ratio <= TARGET_RATIO)}`);
    }
    const p = (xs: number[]) => `p50 ${ms(pct(xs, 50))}, p95 ${ms(pct(xs, 95))}, max ${ms(pct(xs, 100))}`;
    const lost = (l: Latency) => (l.missed || l.failed ? `; ${l.missed} not seen in 5 s, ${l.failed} patches failed  <-- must be 0` : '');
    row('events', 'from send', `${p(lat.fromSend)}  (${lat.fromSend.length} of ${LATENCY_ROUNDS * perRound} patches, ${GAP_MS} ms apart; patch sent → index has its resourceVersion and the rollout is recomputed)${lost(lat)}`);
    row('', 'from answer', `${p(lat.fromAnswer)}  (server's answer received → the same; 0 when the event came first)`);
    row('', 'recompute', `${p(lat.work)}  (rolloutOf after apply: the changed cluster's row of a ${rollout.total}-cluster rollout, re-assembled)`);
    row('', 'peer', `${p(peerLat.fromSend)}  (bare client-node Watch, our connection stopped meanwhile; ${LATENCY_ROUNDS} rounds alternating with ours: patch sent → event received)${lost(peerLat)}`);
    row('', 'ratio', `${(pct(lat.fromSend, 50) / pct(peerLat.fromSend, 50)).toFixed(2)}x p50, ${(pct(lat.fromSend, 95) / pct(peerLat.fromSend, 95)).toFixed(2)}x p95 ibgu / peer`);
    row('', 'target', `p95 ≤ ${TARGET_P95_MS} ms from send: ${mark(pct(lat.fromSend, 95) <= TARGET_P95_MS)}`);
    if (!reducer) row('works', 'skipped', 'no ManifestWork with TALM\'s label on the hub');
    else {
      row('works', 'from send', `${p(workLat.fromSend)}  (${workLat.fromSend.length} of ${LATENCY_ROUNDS * workPerRound} status patches of ${works.length} ManifestWorks, ${GAP_MS} ms apart; patch sent → the rollout updated)${lost(workLat)}`);
      row('', 'recompute', `${p(workLat.work)}  (rolloutOf after apply)`);
      row('', 'peer', `${p(workPeerLat.fromSend)}  (bare client-node Watch of the ManifestWorks with TALM's label, ${LATENCY_ROUNDS} rounds alternating with ours)${lost(workPeerLat)}`);
      row('', 'ratio', `${(pct(workLat.fromSend, 50) / pct(workPeerLat.fromSend, 50)).toFixed(2)}x p50, ${(pct(workLat.fromSend, 95) / pct(workPeerLat.fromSend, 95)).toFixed(2)}x p95 ibgu / peer`);
      row('reducer', 'incremental', `${p(reducer.incremental)}  (apply + rolloutOf per ManifestWork status event, ${reducer.incremental.length} events)`);
      row('', 'whole', `${p(reducer.whole)}  (the same events, HubIndex recompute 'whole': frame and every row, as before issue 18; alternating which goes first)`);
      row('', 'ratio', `${(pct(reducer.whole, 50) / pct(reducer.incremental, 50)).toFixed(1)}x p50, ${(pct(reducer.whole, 95) / pct(reducer.incremental, 95)).toFixed(1)}x p95 faster; same rollout at the end: ${mark(reducer.same)}`);
    }
    row('memory', 'heap', `${mb(heapBefore)} before the connection, ${mb(heapAfter)} after it is built (GC'd, main thread only): +${mb(heapAfter - heapBefore)}, ${((heapAfter - heapBefore) / 1024 / b.clusters).toFixed(1)} KB per cluster (connection caches, index, rollout, tree)`);
    const kinds = (c: RequestCounts) => `${c.list} lists, ${c.watch} watches, ${c.other} other${Object.keys(c.byAgent).length ? ` (${Object.entries(c.byAgent).map(([a, n]) => `${a} ${n}`).join(', ')})` : ''}`;
    row('idle', `${(idleMs / 1000).toFixed(0)} s`, `${kinds(idle)}; per minute: ${perMin(idle.list)} lists, ${perMin(idle.watch)} watches, ${perMin(idle.other)} other; state ${stateAfterIdle} (the log has a request once it ended: watches still open are not in it)`);
    row('', 'target', `no polling (0 lists, 0 other while idle): ${mark(idle.list === 0 && idle.other === 0)}`);
    row('', 'watch dropped', `server dropped ${dropped} watches; 3 s later ${reopened} were open again (dropped again); requests meanwhile: ${kinds(recovery)}; state ${stateAfterDrop}; all ${WATCHED_KINDS.length} re-opened without a list: ${mark(reopened === WATCHED_KINDS.length && recovery.list === 0)}`);
    row('', 'after dispose', `${leftOpen} watches were still open on the server 1 s after ${REPS - 1} connections were disposed (expected 0): ${mark(leftOpen === 0)}`);

    const width = [Math.max(...rows.map((r) => r[0]!.length)), Math.max(...rows.map((r) => r[1]!.length))];
    console.log(`hub layer: ${started.clusters} clusters; node ${process.version}; ${cpus().length} CPUs; load average ${load.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`);
    for (const r of rows) console.log(`${r[0]!.padEnd(width[0]!)}  ${r[1]!.padEnd(width[1]!)}  ${r[2]}`);
    console.log(`total   ${ms(performance.now() - runStart)}; max RSS ${mb(process.resourceUsage().maxRSS * 1024)} (process: hub worker included)`);
    // The summary line, last: the connect ratio is medians of alternating rounds (kubectl, then ours, per round).
    const idleRequests = idle.list + idle.other;
    const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);
    const workSummary = reducer ? `; ManifestWork event→model p95 ${(pct(workLat.fromSend, 95) / pct(workPeerLat.fromSend, 95)).toFixed(2)}× bare watch, reducer p50 ${ms(pct(reducer.incremental, 50))} (whole: ${ms(pct(reducer.whole, 50))})` : '';
    console.log(`${fleet ?? 'fleet-3500'} fleet: ${started.clusters} clusters, ${paused.objects} objects; connect ${oursMs.toFixed(0)} ms (${ratio.toFixed(2)}× kubectl); hub layer +${((heapAfter - heapBefore) / 1024 / 1024).toFixed(1)} MB; event→model p95 ${(pct(sorted(lat.fromSend), 95) / pct(sorted(peerLat.fromSend), 95)).toFixed(2)}× bare watch; idle requests ${idleRequests}${workSummary}`);
  } finally {
    live?.dispose();
    await hubWorker.ask({ cmd: 'stop' });
    await hubWorker.terminate();
    rmSync(work, { recursive: true, force: true });
  }
}

if (!isMainThread) hubThread();
else void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
