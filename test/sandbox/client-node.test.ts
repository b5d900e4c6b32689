/**
 * The sandbox hub checked from both directions with @kubernetes/client-node (1.4.x, the last line that runs
 * on Node 20): client-node writes and kubectl reads; kubectl writes and a client-node informer sees exactly
 * those events; and the informer's two recovery paths, a 410 Gone (re-list) and a dropped watch (re-watch
 * from its last resourceVersion), are forced through the /__sandbox/ control API and proved from both the
 * client's side (its watch calls) and the server's request log.
 *
 * client-node always talks to the hub through a KubeConfig loaded from the hub's kubeconfig file, so TLS with
 * the sandbox CA and the bearer token are the real ones. The kubectl parts are skipped without kubectl
 * (see test/sandbox/kubectl.test.ts); the informer parts always run, with client-node as the writer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startSandbox, type RequestLogEntry, type Sandbox } from '../../src/sandbox';
import { hubCall, kubeConfigOf, recordInformer, RecordingWatch, TEST_READER_AGENT, until, type InformerEvent, type RecordedInformer } from '../helpers/client-node';
import { kubectlOrSkipReason, runKubectl, type Kubectl, type KubectlEnv } from '../helpers/kubectl';

const LCM = { group: 'lcm.openshift.io', version: 'v1alpha1', plural: 'imagebasedgroupupgrades' };
const MCL = { group: 'cluster.open-cluster-management.io', version: 'v1', plural: 'managedclusters' };
const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);

function ibgu(name: string, labels?: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'lcm.openshift.io/v1alpha1',
    kind: 'ImageBasedGroupUpgrade',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: {
      ibuSpec: { seedImageRef: { image: 'quay.io/example/seed:4.16.15', version: '4.16.15' } },
      plan: [{ actions: ['Prep'], rolloutStrategy: { maxConcurrency: 2, timeout: 30 } }],
      clusterLabelSelectors: [{ matchLabels: { common: 'true' } }],
    },
  };
}

/** kubectl hides managedFields unless --show-managed-fields: compare with the server's object without them. */
function withoutManagedFields(o: any): any {
  const c = structuredClone(o);
  delete c.metadata.managedFields;
  return c;
}

function withoutRv(o: any): any {
  const c = structuredClone(o);
  delete c.metadata.resourceVersion;
  return c;
}

const byName = (a: any, b: any) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);
const summary = (events: InformerEvent[]) => events.map((e) => `${e.type}:${e.name}@${e.rv}`);

/** The ApiException a client-node call rejects with; fails when the call succeeds. */
async function apiError(call: Promise<unknown>): Promise<{ code: number; body: any }> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof k8s.ApiException, `expected an ApiException, got ${String(error)}`);
    const body = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    return { code: error.code, body };
  }
  assert.fail('the call succeeded');
}

let hub: Sandbox;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let custom: k8s.CustomObjectsApi;
const homes: string[] = [];
const informers: Pick<RecordedInformer, 'stop'>[] = [];

before(async () => {
  // A protocol test: no simulated TALM/LCA controllers writing to IBGUs behind the test's back.
  hub = await startSandbox({ clusters: 3, controllers: false });
  kc = kubeConfigOf(hub);
  core = kc.makeApiClient(k8s.CoreV1Api);
  custom = kc.makeApiClient(k8s.CustomObjectsApi);
});

after(async () => {
  for (const r of informers) await r.stop();
  await hub?.stop();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

async function control(what: 'compact' | 'drop-watches' | 'inject', body: unknown = {}): Promise<any> {
  const r = await hubCall(hub, 'POST', `/__sandbox/${what}`, body);
  assert.equal(r.status, 200, `POST /__sandbox/${what}: ${JSON.stringify(r.body)}`);
  return r.body;
}

async function serverObject(p: string): Promise<any> {
  const r = await hubCall(hub, 'GET', p);
  assert.equal(r.status, 200, `GET ${p}: ${JSON.stringify(r.body)}`);
  return r.body;
}

async function createNamespace(name: string): Promise<void> {
  await core.createNamespace({ body: { metadata: { name } } });
}

function kubectlEnv(): KubectlEnv {
  const home = mkdtempSync(path.join(tmpdir(), 'ibgu-client-node-'));
  homes.push(home);
  return { kubeconfig: hub.kubeconfigPath, home, cacheDir: path.join(home, 'cache') };
}

function kubectlRunner(kubectl: Kubectl, env: KubectlEnv) {
  return async (args: string[], stdin?: string) => {
    const r = await runKubectl(kubectl, env, args, stdin === undefined ? {} : { stdin });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} → exit ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout;
  };
}

/** The client's GETs of one collection path since the log mark `mark` (the test's own reads left out). */
function collectionGets(mark: number, collection: string): RequestLogEntry[] {
  return hub.requests(mark).filter((e) => e.method === 'GET' && e.path === collection && e.userAgent !== TEST_READER_AGENT);
}
const kindOf = (e: RequestLogEntry) => (e.query.includes('watch') ? 'watch' : 'list');

/** An informer over the IBGUs of one namespace on a RecordingWatch, its list through CustomObjectsApi (raw objects). */
function ibguInformer(namespace: string): RecordedInformer<k8s.ListWatch<k8s.KubernetesObject>> & { watch: RecordingWatch } {
  const watch = new RecordingWatch(kc);
  const recorded = recordInformer(
    (listFn) => new k8s.ListWatch(`/apis/${LCM.group}/${LCM.version}/namespaces/${namespace}/${LCM.plural}`, watch, listFn, false),
    () => custom.listNamespacedCustomObject({ ...LCM, namespace }),
    watch,
  );
  informers.push(recorded);
  return { ...recorded, watch };
}

// ---- a. client-node writes, kubectl reads ----------------------------------------------------------

function writesReadByKubectl(kubectl: Kubectl): void {
  describe(`client-node writes, kubectl ${kubectl.version} reads`, { timeout: 120_000 }, () => {
    const ns = `cn-write-${kubectl.version.replace(/\./g, '-')}`;
    const labelKey = `client-node-${kubectl.version.replace(/\./g, '-')}`;
    let kubectlOk: (args: string[], stdin?: string) => Promise<string>;
    const getJson = async (args: string[]) => JSON.parse(await kubectlOk(['get', ...args, '-o', 'json']));

    before(async () => {
      kubectlOk = kubectlRunner(kubectl, kubectlEnv());
      await createNamespace(ns);
    });

    test('a ConfigMap created by CoreV1Api reads back through kubectl field for field', async () => {
      const data = { 'plain': 'value', 'with.dots': 'a=b', 'multi-line': 'one\ntwo\n', 'json.txt': '{"k":[1,2]}' };
      const created = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'written', labels: { origin: 'client-node' }, annotations: { 'example.com/why': 'test' } }, data } });
      // The typed client deserialises: creationTimestamp is a Date.
      assert.ok(created.metadata?.creationTimestamp instanceof Date);
      const read = await getJson(['configmap', 'written', '-n', ns]);
      assert.deepEqual(read.data, data);
      assert.deepEqual(read.metadata.labels, { origin: 'client-node' });
      assert.deepEqual(read.metadata.annotations, { 'example.com/why': 'test' });
      assert.equal(read.metadata.uid, created.metadata?.uid);
      assert.equal(read.metadata.resourceVersion, created.metadata?.resourceVersion);
      assert.equal(Date.parse(read.metadata.creationTimestamp), created.metadata?.creationTimestamp?.getTime());
      assert.equal(read.apiVersion, 'v1');
      assert.equal(read.kind, 'ConfigMap');
      // kubectl shows exactly the stored object (less managedFields, which it hides).
      assert.deepEqual(read, withoutManagedFields(await serverObject(`/api/v1/namespaces/${ns}/configmaps/written`)));
    });

    test('an IBGU created by CustomObjectsApi reads back through kubectl exactly', async () => {
      const body = ibgu('from-client-node', { wave: '1' });
      const created = await custom.createNamespacedCustomObject({ ...LCM, namespace: ns, body });
      const read = await getJson(['imagebasedgroupupgrades.lcm.openshift.io', 'from-client-node', '-n', ns]);
      // CustomObjectsApi returns the server's JSON untouched: the same object kubectl prints, managedFields aside.
      assert.deepEqual(read, withoutManagedFields(created));
      const spec = (body as any).spec;
      assert.deepEqual(read.spec.ibuSpec.seedImageRef, spec.ibuSpec.seedImageRef);
      assert.deepEqual(read.spec.plan, spec.plan);
      assert.deepEqual(read.spec.clusterLabelSelectors, spec.clusterLabelSelectors);
      assert.deepEqual(read.metadata.labels, { wave: '1' });
      assert.equal(read.metadata.namespace, ns);
      assert.equal(read.metadata.generation, 1);
      assert.equal(read.status, undefined);
    });

    test('a merge patch through setHeaderOptions labels a ManagedCluster; a null removes the label again', async () => {
      const original = await getJson(['managedclusters.cluster.open-cluster-management.io', 'sno-0001']);
      const mark = hub.requestCount();
      const patched = await custom.patchClusterCustomObject({ ...MCL, name: 'sno-0001', body: { metadata: { labels: { [labelKey]: 'yes' } } } }, merge);
      assert.equal(patched.metadata.labels[labelKey], 'yes');
      const sent = hub.requests(mark).filter((e) => e.method === 'PATCH');
      assert.deepEqual(sent.map((e) => [e.path, e.contentType, e.status]), [['/apis/cluster.open-cluster-management.io/v1/managedclusters/sno-0001', 'application/merge-patch+json', 200]]);

      const labelled = await getJson(['managedclusters.cluster.open-cluster-management.io', 'sno-0001']);
      // A merge patch adds the one label and keeps the others (a replace would have dropped them).
      assert.deepEqual(labelled.metadata.labels, { ...original.metadata.labels, [labelKey]: 'yes' });
      assert.deepEqual(labelled, withoutManagedFields(patched));
      assert.ok(Number(labelled.metadata.resourceVersion) > Number(original.metadata.resourceVersion));
      const selected = JSON.parse(await kubectlOk(['get', 'managedclusters.cluster.open-cluster-management.io', '-l', `${labelKey}=yes`, '-o', 'json']));
      assert.deepEqual(selected.items.map((i: any) => i.metadata.name), ['sno-0001']);

      await custom.patchClusterCustomObject({ ...MCL, name: 'sno-0001', body: { metadata: { labels: { [labelKey]: null } } } }, merge);
      const unlabelled = await getJson(['managedclusters.cluster.open-cluster-management.io', 'sno-0001']);
      assert.deepEqual(unlabelled.metadata.labels, original.metadata.labels);
    });

    test('an update with a stale resourceVersion is ApiException 409 Conflict and changes nothing', async () => {
      const name = 'stale';
      await custom.createNamespacedCustomObject({ ...LCM, namespace: ns, body: ibgu(name) });
      const stale = await custom.getNamespacedCustomObject({ ...LCM, namespace: ns, name });
      // kubectl changes the object behind client-node's back.
      await kubectlOk(['annotate', 'imagebasedgroupupgrades.lcm.openshift.io', name, '-n', ns, 'example.com/bumped=by-kubectl']);
      const attempt = structuredClone(stale);
      attempt.metadata.labels = { replaced: 'yes' };
      const conflict = await apiError(custom.replaceNamespacedCustomObject({ ...LCM, namespace: ns, name, body: attempt }));
      assert.equal(conflict.code, 409);
      assert.equal(conflict.body.kind, 'Status');
      assert.equal(conflict.body.reason, 'Conflict');
      assert.match(conflict.body.message, /the object has been modified/);
      const after409 = await getJson(['imagebasedgroupupgrades.lcm.openshift.io', name, '-n', ns]);
      assert.equal(after409.metadata.labels, undefined);
      assert.equal(after409.metadata.annotations['example.com/bumped'], 'by-kubectl');

      // With the fresh resourceVersion the same replace goes through, and kubectl sees it.
      const fresh = await custom.getNamespacedCustomObject({ ...LCM, namespace: ns, name });
      fresh.metadata.labels = { replaced: 'yes' };
      await custom.replaceNamespacedCustomObject({ ...LCM, namespace: ns, name, body: fresh });
      assert.deepEqual((await getJson(['imagebasedgroupupgrades.lcm.openshift.io', name, '-n', ns])).metadata.labels, { replaced: 'yes' });

      // The typed client too: CoreV1Api.replaceNamespacedConfigMap with a stale resourceVersion.
      const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name }, data: { v: '1' } } });
      await kubectlOk(['label', 'configmap', name, '-n', ns, 'bumped=yes']);
      const cmConflict = await apiError(core.replaceNamespacedConfigMap({ namespace: ns, name, body: { ...cm, data: { v: '2' } } }));
      assert.equal(cmConflict.code, 409);
      assert.equal(cmConflict.body.reason, 'Conflict');
      assert.deepEqual((await getJson(['configmap', name, '-n', ns])).data, { v: '1' });
    });
  });
}

// ---- b. someone writes, the informer sees exactly those events -------------------------------------

/** The writes of the informer scenario, by kubectl or by client-node. */
interface ConfigMapWriter {
  create(ns: string, name: string, data: Record<string, string>): Promise<void>;
  /** value null removes the label. */
  label(ns: string, name: string, key: string, value: string | null): Promise<void>;
  annotate(ns: string, name: string, key: string, value: string): Promise<void>;
  /** kubectl's default patch type (strategic merge) of `{data}`. */
  patchData(ns: string, name: string, data: Record<string, string>): Promise<void>;
  remove(ns: string, name: string): Promise<void>;
}

function kubectlWriter(kubectl: Kubectl): () => ConfigMapWriter {
  return () => {
    const ok = kubectlRunner(kubectl, kubectlEnv());
    return {
      // `kubectl create configmap` would send protobuf; a manifest on stdin is sent as JSON.
      create: async (ns, name, data) => void (await ok(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data }))),
      label: async (ns, name, key, value) => void (await ok(['label', 'configmap', name, '-n', ns, value === null ? `${key}-` : `${key}=${value}`])),
      annotate: async (ns, name, key, value) => void (await ok(['annotate', 'configmap', name, '-n', ns, `${key}=${value}`])),
      patchData: async (ns, name, data) => void (await ok(['patch', 'configmap', name, '-n', ns, '-p', JSON.stringify({ data })])),
      remove: async (ns, name) => void (await ok(['delete', 'configmap', name, '-n', ns])),
    };
  };
}

function clientNodeWriter(): ConfigMapWriter {
  return {
    create: async (namespace, name, data) => void (await core.createNamespacedConfigMap({ namespace, body: { metadata: { name }, data } })),
    label: async (namespace, name, key, value) =>
      void (value === null
        ? await core.patchNamespacedConfigMap({ namespace, name, body: [{ op: 'remove', path: `/metadata/labels/${key.replace(/~/g, '~0').replace(/\//g, '~1')}` }] }, jsonPatch)
        : await core.patchNamespacedConfigMap({ namespace, name, body: { metadata: { labels: { [key]: value } } } }, merge)),
    annotate: async (namespace, name, key, value) => void (await core.patchNamespacedConfigMap({ namespace, name, body: { metadata: { annotations: { [key]: value } } } }, merge)),
    patchData: async (namespace, name, data) => void (await core.patchNamespacedConfigMap({ namespace, name, body: { data } }, strategic)),
    remove: async (namespace, name) => void (await core.deleteNamespacedConfigMap({ namespace, name })),
  };
}

function informerSeesExactly(label: string, ns: string, makeWriter: () => ConfigMapWriter): void {
  test(`${label} writes; a client-node informer sees exactly those events, with the server's objects`, { timeout: 120_000 }, async () => {
    const writer = makeWriter();
    const collection = `/api/v1/namespaces/${ns}/configmaps`;
    await createNamespace(ns);
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'before' }, data: { here: 'first' } } });
    const rec = recordInformer(
      (listFn) => k8s.makeInformer(kc, collection, listFn),
      () => core.listNamespacedConfigMap({ namespace: ns }),
    );
    informers.push(rec);
    // start() resolves once the list is in the cache and the watch's headers have arrived.
    await rec.informer.start();
    assert.deepEqual(summary(rec.events).map((s) => s.split('@')[0]), ['add:before'], 'the initial list');
    assert.deepEqual(rec.informer.list(ns).map((o) => o.metadata?.name), ['before']);
    const initial = rec.events.length;

    const state = (name: string) => serverObject(`${collection}/${name}`);
    const expected: { type: InformerEvent['type']; name: string; object: any; check: (o: any) => void }[] = [];
    const step = async (type: InformerEvent['type'], name: string, write: () => Promise<void>, check: (o: any) => void) => {
      const previous = expected.filter((e) => e.name === name).pop()?.object;
      await write();
      // The object as stored right after this write (nothing else writes here): the event must carry exactly it.
      expected.push({ type, name, object: type === 'delete' ? previous : await state(name), check });
    };

    await step('add', 'watched', () => writer.create(ns, 'watched', { step: '1' }), (o) => {
      assert.deepEqual(o.data, { step: '1' });
      assert.equal(o.metadata.labels, undefined);
    });
    await step('update', 'watched', () => writer.label(ns, 'watched', 'tier', 'gold'), (o) => assert.deepEqual(o.metadata.labels, { tier: 'gold' }));
    await step('update', 'watched', () => writer.annotate(ns, 'watched', 'example.com/note', 'hello'), (o) => {
      assert.deepEqual(o.metadata.annotations, { 'example.com/note': 'hello' });
      assert.deepEqual(o.metadata.labels, { tier: 'gold' });
    });
    await step('update', 'watched', () => writer.patchData(ns, 'watched', { step: '2', extra: 'x' }), (o) => assert.deepEqual(o.data, { step: '2', extra: 'x' }));
    await step('update', 'watched', () => writer.label(ns, 'watched', 'tier', null), (o) => {
      assert.equal(o.metadata.labels?.tier, undefined);
      assert.deepEqual(Object.keys(o.metadata.labels ?? {}), []);
      assert.deepEqual(o.metadata.annotations, { 'example.com/note': 'hello' });
    });
    await step('delete', 'watched', () => writer.remove(ns, 'watched'), (o) => assert.deepEqual(o.data, { step: '2', extra: 'x' }));
    // A last write whose event proves, once seen, that nothing else came before it (one stream, in order).
    await step('add', 'zz-sentinel', () => writer.create(ns, 'zz-sentinel', { last: 'yes' }), (o) => assert.deepEqual(o.data, { last: 'yes' }));

    await until(() => rec.events.some((e) => e.name === 'zz-sentinel'), () => `the sentinel's event; seen ${summary(rec.events).join(', ')}`);
    const seen = rec.events.slice(initial);
    assert.deepEqual(seen.map((e) => `${e.type}:${e.name}`), expected.map((e) => `${e.type}:${e.name}`));
    let lastRv = 0;
    seen.forEach((event, i) => {
      const want = expected[i]!;
      want.check(event.object);
      if (event.type === 'delete') {
        // DELETED carries the last state under the deletion's own resourceVersion.
        assert.deepEqual(withoutRv(event.object), withoutRv(want.object), `event ${i}`);
        assert.ok(Number(event.rv) > Number(want.object.metadata.resourceVersion), `event ${i}: delete rv ${event.rv}`);
      } else {
        assert.deepEqual(event.object, want.object, `event ${i} (${event.type}:${event.name})`);
      }
      assert.ok(Number(event.rv) > lastRv, `resourceVersions increase: ${summary(seen).join(', ')}`);
      lastRv = Number(event.rv);
    });
    assert.deepEqual(rec.informer.list(ns).map((o) => o.metadata?.name).sort(), ['before', 'zz-sentinel']);
    assert.equal(rec.informer.get('watched', ns), undefined);
    assert.deepEqual(rec.errors, []);
    await rec.stop();
  });
}

// ---- c. a forced 410 Gone: re-list, re-watch -----------------------------------------------------------

describe('a client-node informer across a forced 410 Gone', { timeout: 120_000 }, () => {
  test('the re-watch from the old resourceVersion gets 410; the informer re-lists, its cache equals the server, and later changes arrive', async () => {
    const ns = 'cn-gone';
    const collection = `/apis/${LCM.group}/${LCM.version}/namespaces/${ns}/${LCM.plural}`;
    await createNamespace(ns);
    const keepCreated = await custom.createNamespacedCustomObject({ ...LCM, namespace: ns, body: ibgu('keep-a') });
    const dropCreated = await custom.createNamespacedCustomObject({ ...LCM, namespace: ns, body: ibgu('drop-b') });
    const rec = ibguInformer(ns);
    await rec.informer.start();
    assert.deepEqual(summary(rec.events), [`add:drop-b@${dropCreated.metadata.resourceVersion}`, `add:keep-a@${keepCreated.metadata.resourceVersion}`]);
    const rvBefore = rec.informer.latestResourceVersion();
    assert.equal(rec.watch.calls.length, 1);
    assert.equal(rec.watch.calls[0]!.query.resourceVersion, rvBefore, 'the first watch starts at the list resourceVersion');

    const mark = hub.requestCount();
    const seenBefore = rec.events.length;
    // Hold the informer's next watch request for a moment, so the changes below fall between the drop and the re-watch.
    await control('inject', { match: { method: 'GET', pathPrefix: collection }, delayMs: 1000 });
    const dropped = await control('drop-watches');
    assert.ok(dropped.dropped >= 1, JSON.stringify(dropped));
    const keepPatched = await custom.patchNamespacedCustomObject({ ...LCM, namespace: ns, name: 'keep-a', body: { metadata: { labels: { during: 'gap' } } } }, merge);
    await custom.deleteNamespacedCustomObject({ ...LCM, namespace: ns, name: 'drop-b' });
    const newCreated = await custom.createNamespacedCustomObject({ ...LCM, namespace: ns, body: ibgu('new-c') });
    const { compactedAt } = await control('compact');
    const gapEnded = Date.now();
    assert.equal(compactedAt, newCreated.metadata.resourceVersion);

    // Recovery: watch (410) → list → watch from the new list's resourceVersion.
    await until(() => rec.watch.calls.length >= 3 && rec.watch.calls[2]!.connectedAt !== undefined, () => `a third watch; calls ${JSON.stringify(rec.watch.calls)}`);
    const gone = rec.watch.calls[1]!;
    assert.equal(gone.query.resourceVersion, rvBefore, 'the re-watch after the drop sent the old resourceVersion');
    assert.ok(gone.connectedAt! >= gapEnded, 'the re-watch was answered only after the changes and the compaction');
    assert.deepEqual(gone.lines, [{ type: 'ERROR', rv: undefined, code: 410 }], 'the stale re-watch got exactly one ERROR 410');
    assert.equal(rec.lists(), 2, 'the informer listed again after the 410');
    const relistRv = String(rec.watch.calls[2]!.query.resourceVersion);
    assert.ok(Number(relistRv) >= Number(compactedAt), `the new watch starts at the re-list (${relistRv} ≥ ${compactedAt})`);

    // The re-list was diffed against the cache: the vanished object is deleted (its last cached copy), the changed one updated, the new one added.
    const recovery = rec.events.slice(seenBefore);
    assert.deepEqual(summary(recovery), [`delete:drop-b@${dropCreated.metadata.resourceVersion}`, `update:keep-a@${keepPatched.metadata.resourceVersion}`, `add:new-c@${newCreated.metadata.resourceVersion}`]);
    assert.deepEqual(recovery[0]!.object, dropCreated);
    assert.deepEqual(recovery[1]!.object, keepPatched);
    assert.deepEqual(recovery[2]!.object, newCreated);
    const serverList = await serverObject(collection);
    assert.deepEqual([...rec.informer.list(ns)].sort(byName), [...serverList.items].sort(byName), 'the cache equals the server list');

    // Changes after the recovery arrive as ordinary watch events, and nothing else does.
    const seenRecovered = rec.events.length;
    const annotated = await custom.patchNamespacedCustomObject({ ...LCM, namespace: ns, name: 'new-c', body: { metadata: { annotations: { after: 'recovery' } } } }, merge);
    const keepLast = await custom.getNamespacedCustomObject({ ...LCM, namespace: ns, name: 'keep-a' });
    await custom.deleteNamespacedCustomObject({ ...LCM, namespace: ns, name: 'keep-a' });
    const sentinel = await custom.createNamespacedCustomObject({ ...LCM, namespace: ns, body: ibgu('zz-sentinel') });
    await until(() => rec.events.some((e) => e.name === 'zz-sentinel'), () => `the sentinel's event; seen ${summary(rec.events).join(', ')}`);
    const later = rec.events.slice(seenRecovered);
    assert.deepEqual(later.map((e) => `${e.type}:${e.name}`), ['update:new-c', 'delete:keep-a', 'add:zz-sentinel']);
    assert.deepEqual(later[0]!.object, annotated);
    assert.deepEqual(withoutRv(later[1]!.object), withoutRv(keepLast));
    assert.deepEqual(later[2]!.object, sentinel);
    assert.equal(rec.watch.calls.length, 3, 'no further re-watch');
    assert.equal(rec.lists(), 2, 'no further re-list');
    const finalList = await serverObject(collection);
    assert.deepEqual([...rec.informer.list(ns)].sort(byName), [...finalList.items].sort(byName));
    assert.deepEqual(rec.errors, []);

    // The server saw the same story: the dropped watch, the stale watch, a list without watch, then the new watch.
    await rec.stop();
    await until(() => collectionGets(mark, collection).length >= 4, () => `four GETs of ${collection} in the log: ${JSON.stringify(collectionGets(mark, collection))}`);
    const gets = collectionGets(mark, collection);
    assert.deepEqual(gets.map(kindOf), ['watch', 'watch', 'list', 'watch'], JSON.stringify(gets));
    for (const w of gets.filter((e) => kindOf(e) === 'watch')) assert.ok(w.query.includes('resourceVersion'), JSON.stringify(w));
    assert.ok(!gets[2]!.query.includes('resourceVersion'), `the re-list is a fresh list: ${JSON.stringify(gets[2])}`);
  });
});

// ---- d. a dropped watch: re-watch from the last resourceVersion, no re-list -----------------------------

describe('a client-node informer across a dropped watch', { timeout: 120_000 }, () => {
  test('it re-watches from its last resourceVersion without a re-list; changes made in between arrive once each', async () => {
    const ns = 'cn-drop';
    const collection = `/apis/${LCM.group}/${LCM.version}/namespaces/${ns}/${LCM.plural}`;
    await createNamespace(ns);
    await custom.createNamespacedCustomObject({ ...LCM, namespace: ns, body: ibgu('a') });
    await custom.createNamespacedCustomObject({ ...LCM, namespace: ns, body: ibgu('b') });
    const rec = ibguInformer(ns);
    await rec.informer.start();
    assert.deepEqual(summary(rec.events).map((s) => s.split('@')[0]), ['add:a', 'add:b']);

    // One change through the first watch, so the informer's resourceVersion comes from an event, not the list.
    const aLabelled = await custom.patchNamespacedCustomObject({ ...LCM, namespace: ns, name: 'a', body: { metadata: { labels: { first: 'watch' } } } }, merge);
    await until(() => rec.events.length === 3, () => `the label's event; seen ${summary(rec.events).join(', ')}`);
    assert.deepEqual(rec.events[2]!.object, aLabelled);
    const rvBefore = rec.informer.latestResourceVersion();
    assert.equal(rvBefore, aLabelled.metadata.resourceVersion);

    const mark = hub.requestCount();
    const seenBefore = rec.events.length;
    await control('inject', { match: { method: 'GET', pathPrefix: collection }, delayMs: 1000 });
    const dropped = await control('drop-watches');
    assert.ok(dropped.dropped >= 1, JSON.stringify(dropped));
    // Between the drop and the re-watch: an update, a create and a delete.
    const bAnnotated = await custom.patchNamespacedCustomObject({ ...LCM, namespace: ns, name: 'b', body: { metadata: { annotations: { during: 'gap' } } } }, merge);
    const cCreated = await custom.createNamespacedCustomObject({ ...LCM, namespace: ns, body: ibgu('c') });
    await custom.deleteNamespacedCustomObject({ ...LCM, namespace: ns, name: 'a' });
    const gapEnded = Date.now();

    await until(() => rec.watch.calls.length >= 2 && rec.watch.calls[1]!.connectedAt !== undefined, () => `the re-watch; calls ${JSON.stringify(rec.watch.calls)}`);
    const rewatch = rec.watch.calls[1]!;
    assert.equal(rewatch.query.resourceVersion, rvBefore, 'the re-watch resumes from the last resourceVersion seen');
    assert.ok(rewatch.connectedAt! >= gapEnded, 'the re-watch was answered only after the changes');
    // After the re-watch is open: the sentinel, whose event closes the sequence.
    const sentinel = await custom.createNamespacedCustomObject({ ...LCM, namespace: ns, body: ibgu('zz-sentinel') });
    await until(() => rec.events.some((e) => e.name === 'zz-sentinel'), () => `the sentinel's event; seen ${summary(rec.events).join(', ')}`);

    const replayed = rec.events.slice(seenBefore);
    assert.deepEqual(summary(replayed), [
      `update:b@${bAnnotated.metadata.resourceVersion}`,
      `add:c@${cCreated.metadata.resourceVersion}`,
      `delete:a@${Number(cCreated.metadata.resourceVersion) + 1}`,
      `add:zz-sentinel@${sentinel.metadata.resourceVersion}`,
    ]);
    assert.deepEqual(replayed[0]!.object, bAnnotated);
    assert.deepEqual(replayed[1]!.object, cCreated);
    assert.deepEqual(withoutRv(replayed[2]!.object), withoutRv(aLabelled));
    assert.deepEqual(replayed[3]!.object, sentinel);
    assert.deepEqual(rewatch.lines.map((l) => `${l.type}@${l.rv}`), summary(replayed).map((s) => `${s.startsWith('update') ? 'MODIFIED' : s.startsWith('add') ? 'ADDED' : 'DELETED'}@${s.split('@')[1]}`), 'the re-watch replayed the gap, then the sentinel, and nothing else');
    assert.equal(rec.lists(), 1, 'no re-list');
    assert.equal(rec.watch.calls.length, 2);
    const serverList = await serverObject(collection);
    assert.deepEqual([...rec.informer.list(ns)].sort(byName), [...serverList.items].sort(byName), 'the cache equals the server list');
    assert.deepEqual(rec.errors, []);

    await rec.stop();
    await until(() => collectionGets(mark, collection).length >= 2, () => `two GETs of ${collection} in the log: ${JSON.stringify(collectionGets(mark, collection))}`);
    const gets = collectionGets(mark, collection);
    assert.deepEqual(gets.map(kindOf), ['watch', 'watch'], `only the dropped watch and the re-watch, no list: ${JSON.stringify(gets)}`);
    for (const w of gets) assert.ok(w.query.includes('resourceVersion'), JSON.stringify(w));
  });
});

// ---- the kubectl-dependent parts, per pinned kubectl -----------------------------------------------------

describe('client-node writes its own changes; the informer sees exactly those', () => {
  informerSeesExactly('client-node', 'cn-informer-client-node', clientNodeWriter);
});

const found = kubectlOrSkipReason();
if ('skip' in found) {
  const reason = found.skip;
  test('client-node and kubectl against the sandbox hub', (t) => {
    t.skip(reason);
  });
} else {
  for (const kubectl of found.binaries) {
    writesReadByKubectl(kubectl);
    describe(`kubectl ${kubectl.version} writes, a client-node informer reads`, () => {
      informerSeesExactly(`kubectl ${kubectl.version}`, `cn-informer-kubectl-${kubectl.version.replace(/\./g, '-')}`, kubectlWriter(kubectl));
    });
  }
}
