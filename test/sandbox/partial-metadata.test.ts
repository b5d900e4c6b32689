/**
 * Metadata-only answers of the sandbox (src/sandbox/partial-metadata.ts), as kube-apiserver gives them to
 * `Accept: application/json;as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1` for get, list and watch. Judged
 * by kubectl (each metadata equals what `kubectl get --raw` reads of the whole object) and by client-node (its
 * Watch, given the Accept as the hub layer gives it, streams metadata events). client-node 1.4.0 has no
 * PartialObjectMetadata model to decode with.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parseScenario, startSandbox, type Sandbox } from '../../src/sandbox';
import { repoRoot } from '../helpers/fixtures';
import { hubCall, kubeConfigOf, until } from '../helpers/client-node';
import { forEachKubectl, runKubectl, type KubectlEnv } from '../helpers/kubectl';

const MCS = '/apis/cluster.open-cluster-management.io/v1/managedclusters';
const LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const ONE = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

let hub: Sandbox;
let scratch: string;

function get(urlPath: string, accept: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${hub.url}${urlPath}`, { headers: { Authorization: `Bearer ${hub.token}`, Accept: accept }, ca: hub.caPem, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'ibgu-partial-'));
  const scenario = parseScenario(readFileSync(path.join(repoRoot(), 'examples', 'sandbox', 'failures.yaml'), 'utf8'));
  hub = await startSandbox({ scenario, timeScale: 0.02, kubeconfigPath: path.join(scratch, 'admin.kubeconfig') });
  hub.controllers?.pause();
});

after(async () => {
  await hub?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('PartialObjectMetadata', () => {
  test('list: a PartialObjectMetadataList whose items keep the whole metadata and nothing else; paging and selectors as usual', async () => {
    const full = await hubCall(hub, 'GET', MCS);
    const meta = await get(MCS, LIST);
    assert.equal(meta.status, 200);
    assert.equal(meta.body.apiVersion, 'meta.k8s.io/v1');
    assert.equal(meta.body.kind, 'PartialObjectMetadataList');
    assert.equal(meta.body.metadata.resourceVersion, full.body.metadata.resourceVersion);
    assert.deepEqual(meta.body.items, full.body.items.map((o: any) => ({ apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: o.metadata })));
    assert.ok(full.body.items.some((o: any) => o.spec), 'the full objects have a spec to leave out');
    const page = await get(`${MCS}?limit=5`, LIST);
    assert.equal(page.body.items.length, 5);
    assert.ok(page.body.metadata.continue && page.body.metadata.remainingItemCount === full.body.items.length - 5);
    const selected = await get(`${MCS}?labelSelector=${encodeURIComponent('upgrade-wave=1')}`, LIST);
    const expected = full.body.items.filter((o: any) => o.metadata.labels?.['upgrade-wave'] === '1').map((o: any) => o.metadata.name);
    assert.ok(expected.length > 0 && expected.length < full.body.items.length, 'the selector picks some clusters, not all');
    assert.deepEqual(selected.body.items.map((o: any) => o.metadata.name), expected);
  });

  test('get: one PartialObjectMetadata; each form refused where the other is due, with upstream\'s words', async () => {
    const one = await get(`${MCS}/sno-0004`, ONE);
    assert.equal(one.status, 200);
    assert.deepEqual(Object.keys(one.body).sort(), ['apiVersion', 'kind', 'metadata']);
    assert.equal(one.body.kind, 'PartialObjectMetadata');
    assert.equal(one.body.metadata.name, 'sno-0004');
    const listAsOne = await get(MCS, ONE);
    assert.equal(listAsOne.status, 406);
    assert.equal(listAsOne.body.reason, 'NotAcceptable');
    assert.equal(listAsOne.body.message, 'you requested PartialObjectMetadata, but the requested object is a list (*unstructured.UnstructuredList)');
    const oneAsList = await get(`${MCS}/sno-0004`, LIST);
    assert.equal(oneAsList.status, 406);
    assert.equal(oneAsList.body.message, 'you requested PartialObjectMetadataList, but the requested object is not a list (*unstructured.Unstructured)');
    // client-go's metadata client offers protobuf first: the sandbox has no message for it and answers the JSON clause.
    const clientGo = await get(MCS, `application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,${LIST}`);
    assert.equal(clientGo.status, 200);
    assert.equal(clientGo.body.kind, 'PartialObjectMetadataList');
    // A Table or a plain Accept is not converted.
    assert.equal((await get(MCS, 'application/json')).body.kind, 'ManagedClusterList');
    assert.equal((await get(MCS, 'application/json;as=Table;g=meta.k8s.io;v=v1')).body.kind, 'Table');
  });

  test('client-node: its Watch, given the Accept, streams metadata events from the resourceVersion of a metadata list', async () => {
    const meta = await get(MCS, LIST);
    const kc = kubeConfigOf(hub);
    const withAccept = Object.create(kc) as k8s.KubeConfig;
    withAccept.applyToFetchOptions = async (opts) => {
      const init = await kc.applyToFetchOptions(opts);
      (init.headers as unknown as Headers).set('Accept', ONE);
      return init;
    };
    const events: { type: string; object: any }[] = [];
    const controller = await new k8s.Watch(withAccept).watch(MCS, { resourceVersion: meta.body.metadata.resourceVersion, allowWatchBookmarks: true }, (type, object) => events.push({ type, object }), () => {});
    try {
      const patched = await new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ metadata: { labels: { 'partial-metadata-test': 'yes' } } });
        const req = https.request(`${hub.url}${MCS}/sno-0004`, { method: 'PATCH', headers: { Authorization: `Bearer ${hub.token}`, 'Content-Type': 'application/merge-patch+json' }, ca: hub.caPem, agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(body);
      });
      assert.equal(patched, 200);
      await until(() => events.some((e) => e.type === 'MODIFIED'), () => `a MODIFIED event; got ${JSON.stringify(events.map((e) => e.type))}`);
      const modified = events.find((e) => e.type === 'MODIFIED')!.object;
      assert.deepEqual(Object.keys(modified).sort(), ['apiVersion', 'kind', 'metadata']);
      assert.equal(modified.kind, 'PartialObjectMetadata');
      assert.equal(modified.metadata.labels['partial-metadata-test'], 'yes');
    } finally {
      controller.abort();
    }
  });
});

forEachKubectl('PartialObjectMetadata judged by kubectl', (kubectl) => {
  test(`kubectl ${kubectl.version}: every item's metadata is what kubectl reads of the whole object`, async () => {
    const env: KubectlEnv = { kubeconfig: hub.kubeconfigPath, home: scratch, cacheDir: path.join(scratch, `cache-${kubectl.version}`) };
    const r = await runKubectl(kubectl, env, ['get', '--raw', MCS]);
    assert.equal(r.code, 0, r.stderr);
    const fromKubectl = JSON.parse(r.stdout).items as any[];
    const meta = await get(MCS, LIST);
    assert.ok(fromKubectl.length >= 12);
    assert.deepEqual(meta.body.items.map((o: any) => o.metadata), fromKubectl.map((o) => o.metadata));
    const one = await runKubectl(kubectl, env, ['get', '--raw', `${MCS}/sno-0001`]);
    assert.deepEqual((await get(`${MCS}/sno-0001`, ONE)).body.metadata, JSON.parse(one.stdout).metadata);
  });
});
