/**
 * The sandbox hub: a Kubernetes-API-compatible HTTPS server that kubectl and @kubernetes/client-node accept,
 * with simulated single-node spokes behind it (each a real API endpoint under /clusters/<name>) and
 * simulated TALM, OCM work agent and LCA controllers driving image-based group upgrades in scaled time.
 * Tests start it in-process; `ibgu sandbox` runs it standalone.
 */
import { SimClock, startControllers, type Controllers } from './controllers/index';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { kubeconfigText, writeKubeconfig } from './kubeconfig';
import { defaultScenario, type Scenario } from './scenario';
import { applyHubObjects } from './hub-manifests';
import { seedHub, SpokeSeeder } from './seed';
import { setFlagsFromString } from 'node:v8';
import { startServer } from './server';
import { Store, type KubeObject } from './store';
import { hubSurface, Spokes, SPOKE_PATH_PREFIX, type ApiSurface } from './surface';
import { generatePki } from './tls';
import { Tokens } from './auth';
import { HUB } from './registry';
import type { RequestLogEntry } from './control';

export type { RequestLogEntry } from './control';
export { Store } from './store';
export type { StoreEvent, KubeObject } from './store';
export { HUB_TYPES, SPOKE_TYPES } from './registry';
export { parseScenario, parseFleet, defaultScenario, ScenarioError, type Fleet, type Scenario } from './scenario';
export { hubContents, type HubContents } from './acm-fleet';
export { readHubManifests, readScenarioFile } from './hub-manifests';
export type { ApiSurface } from './surface';

/** Wall seconds per simulated minute when none is given: a 40-minute upgrade takes 40 s to watch. */
export const DEFAULT_TIME_SCALE = 1;

/**
 * For a process that runs a sandbox and nothing else (`ibgu sandbox`, dist/sandbox.js): a full garbage
 * collection once the heap has grown by half of what the last one kept, instead of V8's up to fourfold when
 * collecting is cheap. The sandbox never changes a stored object, so every write leaves the version before it
 * as garbage, most of it old enough to have left the young generation: in a 3,500-cluster IBGU run about
 * 180 MB stay live while V8's default let the heap reach 820 MB (RSS 975 MB) before collecting; with this,
 * 330–380 MB (RSS 512–583 MB), for about a third more CPU in the run (17.0 s without, 22.5–24.0 s with, in
 * runs at different loads of `npm run bench:sandbox`; the README has the figures). Not for a process that
 * embeds the sandbox among other work (tests, an editor).
 */
export function limitHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=50');
}

export interface SandboxOptions {
  /** 0 = random (the default). */
  port?: number;
  /** Default: a file in a fresh temp directory. */
  kubeconfigPath?: string;
  /** Simulated ManagedClusters, default 3 (or the scenario's count). Overrides the scenario's count. */
  clusters?: number;
  /** Clusters, labels, durations and faults; default: healthy clusters. */
  scenario?: Scenario;
  /** Objects put on the hub at start, after its own (a scenario's hubManifests: see hub-manifests.ts). */
  hubObjects?: readonly KubeObject[];
  /** Wall seconds per minute of TALM/LCA time (default 1). */
  timeScale?: number;
  /** false: serve the API only, with no TALM/LCA behaviour (protocol tests). Default true. */
  controllers?: boolean;
  log?: (line: string) => void;
  /** Unread bytes a hub watch may hold before the server closes it (default 64 MB; tests use less). */
  watchBufferLimitBytes?: number;
  /** Requests the log keeps, the most recent ones (default REQUEST_LOG_ENTRIES, 10,000; tests use less). */
  requestLogEntries?: number;
}

export interface Sandbox {
  /** https://127.0.0.1:PORT */
  url: string;
  caPem: string;
  token: string;
  kubeconfigPath: string;
  /** The hub's state, for in-process controllers (subscribe to changes, write status). */
  store: Store;
  /** A spoke's API server by cluster name (created on first use); undefined for an unknown cluster. */
  spoke(name: string): ApiSurface | undefined;
  /** The URL and token of a spoke's API endpoint, as its admin kubeconfig on the hub has them. */
  spokeAccess(name: string): { url: string; token: string };
  scenario: Scenario;
  /** The simulated controllers (undefined with `controllers: false`). */
  controllers?: Controllers;
  /**
   * The request log, oldest first: the last `requestLogEntries` requests (10,000 by default). With `since`
   * (a `requestCount()` read earlier), only the requests logged after that mark.
   */
  requests(since?: number): RequestLogEntry[];
  /** Requests logged so far, kept or not: the mark to read the log on from with `requests(since)`. */
  requestCount(): number;
  /** Watch requests open now, on the hub and the spokes (a test's observable: a client's watch has started or ended). */
  openWatches(): number;
  /**
   * Restarts the API server like a kube-apiserver restart: every connection is cut, and after `downMs` it
   * listens on the same port with the same CA, tokens and state. Resolves when it listens again.
   */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? (() => {});
  const base = options.scenario ?? defaultScenario(options.clusters ?? 3);
  const scenario = options.clusters !== undefined && options.scenario ? rescale(base, options.clusters) : base;
  const plans = new Map(scenario.clusters.map((c) => [c.name, c]));
  const store = new Store(HUB);
  const hub = hubSurface(store, options.watchBufferLimitBytes);
  const seeder = new SpokeSeeder();
  const spokes = new Spokes((name, spokeStore) => seeder.seed(name, spokeStore, plans.get(name)));
  for (const c of scenario.clusters) spokes.declare(c.name);
  const tokens = new Tokens();
  const clock = new SimClock(options.timeScale ?? DEFAULT_TIME_SCALE);
  let controllers: Controllers | undefined;
  const pausable = {
    get paused() {
      return controllers?.paused ?? false;
    },
    pause: () => controllers?.pause(),
    resume: () => controllers?.resume(),
  };
  const pki = generatePki();
  const server = await startServer(hub, spokes, pki, options.port ?? 0, log, tokens, options.controllers === false ? undefined : pausable, options.requestLogEntries);
  const url = `https://127.0.0.1:${server.port}`;
  const spokeAccess = (name: string) => ({ url: `${url}${SPOKE_PATH_PREFIX}${encodeURIComponent(name)}`, token: tokens.spokeToken(name) });
  seedHub(store, scenario, (name) => {
    const access = spokeAccess(name);
    return kubeconfigText(access.url, pki.caPem, access.token, { context: 'admin', cluster: name, user: 'admin' });
  });
  const token = server.tokens.adminToken;
  let kubeconfigPath: string;
  try {
    applyHubObjects(store, options.hubObjects ?? []);
    kubeconfigPath = writeKubeconfig(options.kubeconfigPath, kubeconfigText(url, pki.caPem, token, undefined, clock.secondsPerMinute));
  } catch (error) {
    // Nothing keeps running when the sandbox cannot start (a refused kubeconfig path included).
    await server.close();
    throw error;
  }
  if (options.controllers !== false) controllers = startControllers({ hub: store, spokes, clock, scenario, log });
  let stopped: Promise<void> | undefined;
  return {
    url,
    caPem: pki.caPem,
    token,
    kubeconfigPath,
    store,
    spoke: (name) => spokes.get(name),
    spokeAccess,
    scenario,
    ...(controllers ? { controllers } : {}),
    requests: (since) => server.state.log.entries(since).map((e) => ({ ...e, query: [...e.query] })),
    requestCount: () => server.state.log.count,
    openWatches: () => [hub, ...spokes.created()].reduce((n, s) => n + s.watches.count, 0),
    restart: (downMs) => server.restart(downMs),
    stop: () =>
      (stopped ??= (controllers?.stop(), clock.stop(), server.close().then(() => {
        // A kubeconfig in a temporary directory of our own goes with the sandbox (its token is dead anyway).
        if (!options.kubeconfigPath) rmSync(dirname(kubeconfigPath), { recursive: true, force: true });
      }))),
  };
}

/** The scenario with `count` clusters: its per-cluster plans kept where they exist, healthy ones added. */
function rescale(scenario: Scenario, count: number): Scenario {
  const extra = defaultScenario(count).clusters;
  return { ...scenario, clusters: extra.map((c, i) => scenario.clusters[i] ?? { ...c, durations: { ...(scenario.clusters[0]?.durations ?? c.durations) } }) };
}
