/**
 * The extension-host hub tests' access to the sandbox hub that the extension started: requests with the
 * hub's own CA and token (read from the kubeconfig the sandbox wrote), its /__sandbox/ control API, and
 * waiting for the extension's model to reach a state.
 */
import assert from 'node:assert/strict';
import * as https from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { parse, stringify } from 'yaml';
import type { IbguApi } from '../../../src/extension/extension';
import type { HubSession } from '../../../src/extension/hubs';
import type { KubeObject, TreeNode, WatchedKind } from '../../../src/hub/types';
import { RESOURCE_TYPES } from '../../../src/hub/types';
import { EXTENSION_ID } from './helpers';

export interface HubAccess {
  url: string;
  ca: string;
  token: string;
  kubeconfigPath: string;
}

export async function extensionApi(): Promise<IbguApi> {
  const extension = vscode.extensions.getExtension<IbguApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  const api = await extension.activate();
  assert.ok(api.hub, 'the extension exposes no hub parts');
  return api;
}

export function accessFrom(kubeconfigPath: string): HubAccess {
  const config = parse(readFileSync(kubeconfigPath, 'utf8'));
  const cluster = config.clusters[0].cluster;
  return { url: cluster.server, ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString(), token: config.users[0].user.token, kubeconfigPath };
}

/** A copy of the hub's kubeconfig with another context name and token (a second "hub" on the same server). */
export function writeKubeconfig(access: HubAccess, file: string, context: string, token: string): void {
  const config = parse(readFileSync(access.kubeconfigPath, 'utf8'));
  config.contexts[0].name = context;
  config['current-context'] = context;
  config.users[0].user.token = token;
  writeFileSync(file, stringify(config));
}

export function request(access: HubAccess, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    // The path goes after the server's own path: a spoke of the sandbox is served under /clusters/<name>.
    const url = new URL(access.url.replace(/\/+$/, '') + path);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      url,
      { method, ca: access.ca, headers: { authorization: `Bearer ${access.token}`, accept: 'application/json', ...(payload ? { 'content-type': contentType } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export async function control(access: HubAccess, path: string, body: unknown = {}): Promise<any> {
  const res = await request(access, 'POST', `/__sandbox/${path}`, body);
  assert.equal(res.status, 200, `POST /__sandbox/${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export function listPath(kind: WatchedKind): string {
  const t = RESOURCE_TYPES[kind];
  return `/apis/${t.group}/${t.version}/${t.plural}`;
}

const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}@${o.metadata.resourceVersion}`;

/** What the hub lists now against what the session holds, per kind: equal sets of namespace/name@resourceVersion. */
export async function modelDiff(access: HubAccess, session: HubSession): Promise<string | undefined> {
  const problems: string[] = [];
  for (const kind of ['ImageBasedGroupUpgrade', 'ManagedCluster', 'ClusterGroupUpgrade', 'ManifestWork'] as WatchedKind[]) {
    const res = await request(access, 'GET', listPath(kind));
    assert.equal(res.status, 200, `list ${kind}: ${res.status}`);
    const hub = new Set<string>((res.body.items as KubeObject[]).map(key));
    const model = session.list(kind).map(key);
    const modelSet = new Set(model);
    const missing = [...hub].filter((k) => !modelSet.has(k));
    const stale = model.filter((k) => !hub.has(k));
    if (model.length !== modelSet.size) problems.push(`${kind}: duplicated entries`);
    if (missing.length) problems.push(`${kind} missing ${missing.slice(0, 5).join(', ')}`);
    if (stale.length) problems.push(`${kind} stale ${stale.slice(0, 5).join(', ')}`);
  }
  return problems.length ? problems.join('; ') : undefined;
}

/**
 * Waits until the model equals the hub's lists. Informers are eventually consistent; between two looks the
 * controllers may change things, so it compares until one comparison agrees.
 */
export async function modelMatchesHub(access: HubAccess, session: HubSession, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined = 'not compared';
  while (Date.now() < deadline) {
    last = await modelDiff(access, session);
    if (!last) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`after ${what}, the view's model never matched the hub within ${timeoutMs} ms: ${last}`);
}

export async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 30_000, describe?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? `; now: ${describe()}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function findNode(roots: readonly TreeNode[], test: (n: TreeNode) => boolean): TreeNode | undefined {
  for (const n of roots) {
    if (test(n)) return n;
    const hit = n.children ? findNode(n.children, test) : undefined;
    if (hit) return hit;
  }
  return undefined;
}
