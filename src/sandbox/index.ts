/**
 * The sandbox hub: a Kubernetes-API-compatible HTTPS server that kubectl and @kubernetes/client-node accept,
 * seeded with simulated ManagedClusters. Tests start it in-process; `ibgu sandbox` runs it standalone.
 */
import { kubeconfigText, writeKubeconfig } from './kubeconfig';
import { seedHub } from './seed';
import { startServer } from './server';
import { Store } from './store';
import { generatePki } from './tls';
import type { RequestLogEntry } from './control';

export type { RequestLogEntry } from './control';
export { Store } from './store';
export type { StoreEvent, KubeObject } from './store';
export { RESOURCE_TYPES } from './registry';

export interface SandboxOptions {
  /** 0 = random (the default). */
  port?: number;
  /** Default: a file in a fresh temp directory. */
  kubeconfigPath?: string;
  /** Simulated ManagedClusters, default 3. */
  clusters?: number;
  log?: (line: string) => void;
}

export interface Sandbox {
  /** https://127.0.0.1:PORT */
  url: string;
  caPem: string;
  token: string;
  kubeconfigPath: string;
  /** The hub's state, for in-process controllers (subscribe to changes, write status). */
  store: Store;
  requests(): RequestLogEntry[];
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? (() => {});
  const store = new Store();
  seedHub(store, options.clusters ?? 3);
  const pki = generatePki();
  const server = await startServer(store, pki, options.port ?? 0, log);
  const url = `https://127.0.0.1:${server.port}`;
  const token = server.tokens.adminToken;
  const kubeconfigPath = writeKubeconfig(options.kubeconfigPath, kubeconfigText(url, pki.caPem, token));
  let stopped: Promise<void> | undefined;
  return {
    url,
    caPem: pki.caPem,
    token,
    kubeconfigPath,
    store,
    requests: () => server.state.log.map((e) => ({ ...e, query: [...e.query] })),
    stop: () => (stopped ??= server.close()),
  };
}
