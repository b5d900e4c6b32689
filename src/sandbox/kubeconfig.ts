/** The kubeconfig a client needs for the sandbox: our CA, the server URL and a token user. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';

export const CONTEXT_NAME = 'ibgu-sandbox';

/** `names`: the context, cluster and user names (a spoke's admin kubeconfig uses its own). */
export function kubeconfigText(server: string, caPem: string, token: string, names = { context: CONTEXT_NAME, cluster: CONTEXT_NAME, user: 'sandbox-admin' }): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: names.cluster, cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: names.user, user: { token } }],
    contexts: [{ name: names.context, context: { cluster: names.cluster, user: names.user, namespace: 'default' } }],
    'current-context': names.context,
    preferences: {},
  });
}

/** Writes the kubeconfig readable by the owner only (it holds a bearer token). Returns the path used. */
export function writeKubeconfig(path: string | undefined, text: string): string {
  const target = path ?? join(mkdtempSync(join(tmpdir(), 'ibgu-sandbox-')), 'kubeconfig');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text, { mode: 0o600 });
  return target;
}
