/**
 * The hub layer (src/hub: kubeconfig → HubConnection) against a sandbox hub with its simulated
 * TALM/LCA controllers running: connecting, the writes the views make, and every fault the control API
 * can produce — a forced 410, dropped watches, 5 s of latency, an expired token, a 403 on one verb and
 * the API server restarting. After each fault the connection's model must equal what the server lists,
 * judged by kubectl when it is available (else by a direct list request), per kind, as the set of
 * namespace/name@resourceVersion.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseScenario, startSandbox, type Sandbox } from '../../src/sandbox';
import { kubeconfigText, writeKubeconfig } from '../../src/sandbox/kubeconfig';
import { HubConnection, HubError, kubeconfigFor, readKubeconfig, RESOURCE_TYPES, WATCH_SCOPES, WATCHED_KINDS, type ConnectionPhase, type ConnectionState, type KubeObject, type ModelChange, type WatchedKind } from '../../src/hub';
import { repoRoot } from '../helpers/fixtures';
import { TEST_READER_AGENT, until } from '../helpers/client-node';
import { kubectlOrSkipReason, runKubectl, type KubectlEnv } from '../helpers/kubectl';

const WAIT_MS = 15_000;
const IBGU_API = 'lcm.openshift.io/v1alpha1';
const NS = 'default';
const kubectl = kubectlOrSkipReason();

const collectionPath = (kind: WatchedKind, namespace?: string) => {
  const t = RESOURCE_TYPES[kind];
  return `/apis/${t.group}/${t.version}${namespace && t.namespaced ? `/namespaces/${namespace}` : ''}/${t.plural}`;
};

let hub: Sandbox;
let scratch: string;
let kubectlEnv: KubectlEnv | undefined;
const connections: HubConnection[] = [];

/** A request with any token and content type; the answer's status and parsed body. */
function call(method: string, path: string, body?: unknown, options: { token?: string; contentType?: string } = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { Authorization: `Bearer ${options.token ?? hub.token}`, Accept: 'application/json', 'User-Agent': TEST_READER_AGENT };
    if (payload !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
    const req = https.request(`${hub.url}${path}`, { method, headers, ca: hub.caPem, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // keep the text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.setTimeout(WAIT_MS, () => req.destroy(new Error(`${method} ${path}: no answer in ${WAIT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

async function control(what: string, body: unknown = {}): Promise<any> {
  const reply = await call('POST', `/__sandbox/${what}`, body);
  assert.equal(reply.status, 200, `control ${what}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** A kubeconfig file for the hub with `token`, read the way the extension reads it, and a started connection. */
function connect(token: string, label: string): { conn: HubConnection; states: ConnectionState[]; log: string[] } {
  const file = writeKubeconfig(path.join(scratch, `${label}.kubeconfig`), kubeconfigText(hub.url, hub.caPem, token));
  const view = readKubeconfig({ pinnedFile: file });
  assert.deepEqual(view.problems, []);
  const context = view.contexts.find((c) => c.name === view.current)!;
  const log: string[] = [];
  const conn = new HubConnection(context, kubeconfigFor(view, context.name), { backoff: { initialMs: 100, maxMs: 600 }, log: (l) => log.push(l) });
  connections.push(conn);
  const states: ConnectionState[] = [];
  conn.onState((s) => states.push(s));
  conn.start();
  return { conn, states, log };
}

function waitForPhase(conn: HubConnection, phase: ConnectionPhase, timeoutMs = WAIT_MS): Promise<void> {
  return until(() => conn.state.phase === phase, () => `phase ${phase}, still ${JSON.stringify(conn.state)}`, timeoutMs);
}

type Snapshot = Record<WatchedKind, string[]>;

const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}@${o.metadata.resourceVersion}`;
const snapshotOf = (byKind: (kind: WatchedKind) => readonly KubeObject[], kinds: readonly WatchedKind[]) =>
  Object.fromEntries(kinds.map((k) => [k, byKind(k).map(key).sort()])) as Snapshot;

/** The watched set of a kind: its scope's selector is one label key (exists), applied here to what the server lists. */
function inScope(kind: WatchedKind, o: KubeObject): boolean {
  const selector = WATCH_SCOPES[kind].labelSelector;
  if (selector === undefined) return true;
  assert.match(selector, /^[\w./-]+$/, 'a key-exists selector');
  return o.metadata.labels?.[selector] !== undefined;
}

/** What the server lists now, of the watched sets: kubectl's `get -A -o json` of the four types when kubectl is here, else a list request per type. */
async function serverSnapshot(kinds: readonly WatchedKind[]): Promise<Snapshot> {
  if ('binaries' in kubectl && kubectlEnv) {
    const names = kinds.map((k) => `${RESOURCE_TYPES[k].plural}.${RESOURCE_TYPES[k].group}`).join(',');
    const r = await runKubectl(kubectl.binaries[0]!, kubectlEnv, ['get', names, '-A', '-o', 'json'], { timeoutMs: WAIT_MS });
    assert.equal(r.code, 0, `kubectl get: ${r.stderr}`);
    const items = JSON.parse(r.stdout).items as KubeObject[];
    return snapshotOf((kind) => items.filter((o) => o.kind === kind && inScope(kind, o)), kinds);
  }
  const lists = await Promise.all(kinds.map(async (k) => {
    const r = await call('GET', collectionPath(k));
    assert.equal(r.status, 200);
    return [k, (r.body.items as KubeObject[]).filter((o) => inScope(k, o))] as const;
  }));
  const byKind = new Map(lists);
  return snapshotOf((kind) => byKind.get(kind)!, kinds);
}

/**
 * The model equals the server. The controllers are paused while comparing, so the server holds still and
 * the model has to catch up with it (watch events are a few ms behind).
 */
async function assertModelMatchesServer(conn: HubConnection, why: string, kinds: readonly WatchedKind[] = WATCHED_KINDS): Promise<void> {
  await control('controllers/pause');
  try {
    const server = await serverSnapshot(kinds);
    let model = snapshotOf((k) => conn.list(k), kinds);
    const deadline = Date.now() + WAIT_MS;
    while (JSON.stringify(model) !== JSON.stringify(server) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      model = snapshotOf((k) => conn.list(k), kinds);
    }
    assert.deepEqual(model, server, `${why}: the model differs from what the server lists`);
    if (kinds.includes('ManagedCluster')) assert.ok(server.ManagedCluster.length >= 12, 'the comparison is not of empty lists');
  } finally {
    await control('controllers/resume');
  }
}

function ibgu(name: string, wave = '1', plan: unknown[] = [{ actions: ['Prep'], rolloutStrategy: { maxConcurrency: 2, timeout: 30 } }]): KubeObject {
  return {
    apiVersion: IBGU_API,
    kind: 'ImageBasedGroupUpgrade',
    metadata: { name, namespace: NS },
    spec: {
      ibuSpec: { seedImageRef: { image: 'quay.io/example/seed:4.16.15', version: '4.16.15' } },
      plan,
      clusterLabelSelectors: [{ matchLabels: { 'upgrade-wave': wave } }],
    },
  };
}

async function hubError(promise: Promise<unknown>): Promise<HubError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HubError, `expected a HubError, got ${String(error)}`);
    return error;
  }
  assert.fail('the call succeeded');
}

/** Requests the hub layer sent (its User-Agent) since the log mark `from` (a requestCount()). */
function layerRequests(from: number) {
  return hub.requests(from).filter((r) => r.userAgent?.startsWith('ibgu-tools/'));
}

before(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'ibgu-hub-layer-'));
  const scenario = parseScenario(readFileSync(path.join(repoRoot(), 'examples', 'sandbox', 'failures.yaml'), 'utf8'));
  hub = await startSandbox({ scenario, timeScale: 0.02, kubeconfigPath: path.join(scratch, 'admin.kubeconfig') });
  if ('binaries' in kubectl) kubectlEnv = { kubeconfig: hub.kubeconfigPath, home: scratch, cacheDir: path.join(scratch, 'kube-cache') };
});

after(async () => {
  for (const c of connections) c.dispose();
  await hub?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('hub layer against the sandbox hub', { timeout: 90_000 }, () => {
  let admin: ReturnType<typeof connect>;

  test('connects: connecting until every kind has listed, then connected with the model complete', { timeout: 20_000 }, async () => {
    admin = connect(hub.token, 'admin');
    assert.equal(admin.states[0]?.phase, 'connecting');
    await waitForPhase(admin.conn, 'connected');
    assert.deepEqual(admin.states.map((s) => s.phase), ['connecting', 'connected']);
    assert.ok(admin.conn.state.lastEventAt && Date.now() - admin.conn.state.lastEventAt < WAIT_MS);
    assert.equal(admin.conn.list('ManagedCluster').length, 12, 'failures.yaml has 12 clusters');
    assert.equal(admin.conn.get('ManagedCluster', undefined, 'sno-0004')?.metadata.name, 'sno-0004');
    await assertModelMatchesServer(admin.conn, 'after connecting');
  });

  test('writes: dry run, apply, append a step under a test precondition, and a 422', { timeout: 20_000 }, async () => {
    const { conn } = admin;
    const changes: ModelChange[] = [];
    const off = conn.onChange((c) => changes.push(c));

    const dry = await conn.dryRunApply(ibgu('wave-1'));
    assert.equal(dry.metadata.name, 'wave-1');
    assert.deepEqual(dry.spec.plan, ibgu('wave-1').spec.plan);
    assert.equal(await conn.read(IBGU_API, 'ImageBasedGroupUpgrade', NS, 'wave-1'), undefined, 'a dry run persists nothing');
    assert.equal((await call('GET', `${collectionPath('ImageBasedGroupUpgrade', NS)}/wave-1`)).status, 404);

    const created = await conn.apply(ibgu('wave-1'), undefined);
    assert.ok(created.metadata.uid && created.metadata.resourceVersion);
    const onServer = (await call('GET', `${collectionPath('ImageBasedGroupUpgrade', NS)}/wave-1`)).body;
    assert.equal(onServer.metadata.uid, created.metadata.uid);
    assert.ok(onServer.metadata.managedFields.some((f: { manager: string }) => f.manager === 'ibgu-tools'), 'the field manager is ibgu-tools');
    await until(() => changes.some((c) => c.kind === 'ImageBasedGroupUpgrade' && c.type === 'add' && c.object.metadata.name === 'wave-1'), () => 'the informer reports the new IBGU');
    assert.equal(conn.get('ImageBasedGroupUpgrade', NS, 'wave-1')?.metadata.uid, created.metadata.uid);
    // Wave 2 has a slow cluster (400 min of Prep, 8 s here): TALM and LCA keep writing through the faults below.
    await conn.apply(ibgu('wave-2', '2', [{ actions: ['Prep'], rolloutStrategy: { maxConcurrency: 5, timeout: 600 } }]), undefined);

    const plan = onServer.spec.plan as unknown[];
    const step = { actions: ['Upgrade'], rolloutStrategy: { maxConcurrency: 2, timeout: 60 } };
    const appended = await conn.appendStep(NS, 'wave-1', plan, step);
    assert.deepEqual(appended.spec.plan, [...plan, step]);

    // The caller still holds the one-step plan: the hub's has two now.
    const stale = await hubError(conn.appendStep(NS, 'wave-1', plan, { actions: ['FinalizeUpgrade'], rolloutStrategy: { maxConcurrency: 2, timeout: 10 } }));
    assert.equal(stale.reason, 'conflict');
    assert.match(stale.message, /plan .*changed on the hub since it was read/);
    const after = await conn.read(IBGU_API, 'ImageBasedGroupUpgrade', NS, 'wave-1');
    assert.deepEqual(after?.spec.plan, [...plan, step], 'the failed append wrote nothing');

    // 422: what the server says, verbatim (asked directly for the expected text).
    const bad = { ...ibgu('Not_A_Name'), metadata: { name: 'Not_A_Name', namespace: NS } };
    const direct = await call('PATCH', `${collectionPath('ImageBasedGroupUpgrade', NS)}/Not_A_Name?fieldManager=probe&dryRun=All`, bad, { contentType: 'application/apply-patch+yaml' });
    assert.equal(direct.status, 422);
    const invalid = await hubError(conn.apply(bad, undefined));
    assert.equal(invalid.reason, 'invalid');
    assert.equal(invalid.status, 422);
    assert.equal(invalid.message, direct.body.message);

    // Generic objects: merge patch and delete of a kind the layer does not watch.
    const cm = (await call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'hub-layer-cm' }, data: { a: '1' } })).body as KubeObject;
    const patched = await conn.mergePatch('v1', 'ConfigMap', NS, 'hub-layer-cm', { metadata: { annotations: { 'lca.openshift.io/manual-cleanup-done': '' } } }, { object: cm });
    assert.equal(patched.metadata.annotations?.['lca.openshift.io/manual-cleanup-done'], '');
    await conn.delete('v1', 'ConfigMap', NS, 'hub-layer-cm', { object: patched });
    assert.equal(await conn.read('v1', 'ConfigMap', NS, 'hub-layer-cm'), undefined);
    assert.equal((await hubError(conn.read('example.com/v1', 'Nothing', NS, 'x'))).reason, 'not-found');
    off();
    await assertModelMatchesServer(conn, 'after the writes');
  });

  test('every write is conditional on what the user saw: a change where the decision looks fails it, saying what; other changes do not', { timeout: 20_000 }, async () => {
    const { conn } = admin;
    const cms = '/api/v1/namespaces/default/configmaps';
    const merge = (where: string, patch: unknown) => call('PATCH', where, patch, { contentType: 'application/merge-patch+json' });
    const readCm = async (name: string) => (await conn.read('v1', 'ConfigMap', NS, name))!;

    // Someone changes the data between the look and the write: the patch fails, names the change, writes nothing.
    const seen = (await call('POST', cms, { metadata: { name: 'guard-a' }, data: { a: '1' } })).body as KubeObject;
    assert.equal((await merge(`${cms}/guard-a`, { data: { a: '2' } })).status, 200);
    const stale = await hubError(conn.mergePatch('v1', 'ConfigMap', NS, 'guard-a', { metadata: { annotations: { mine: 'yes' } } }, { object: seen }));
    assert.equal(stale.reason, 'conflict');
    assert.match(stale.message, /^ConfigMap default\/guard-a changed since you saw it: data\.a: "1" → "2"\. Nothing was written/);
    assert.equal((await readCm('guard-a')).metadata.annotations?.mine, undefined, 'the refused patch wrote nothing');

    // A decision that rests on the labels only: an annotation written meanwhile does not stop it.
    const labels = (o: KubeObject) => o.metadata.labels ?? {};
    const seenLabels = await readCm('guard-a');
    assert.equal((await merge(`${cms}/guard-a`, { metadata: { annotations: { other: 'z' } } })).status, 200);
    const refusedBefore = hub.requests().filter((r) => r.method === 'PATCH' && r.path === `${cms}/guard-a` && r.status === 409).length;
    const repaired = await conn.mergePatch('v1', 'ConfigMap', NS, 'guard-a', { metadata: { labels: { fixed: 'yes' } } }, { object: seenLabels, view: labels });
    assert.equal(repaired.metadata.labels?.fixed, 'yes');
    assert.equal(repaired.metadata.annotations?.other, 'z', 'the other writer\'s annotation is kept');
    const refused = hub.requests().filter((r) => r.method === 'PATCH' && r.path === `${cms}/guard-a` && r.status === 409).length - refusedBefore;
    assert.equal(refused, 1, 'the first patch carried the seen resourceVersion and was refused; the second, on the new one, passed');

    // A TALM label written meanwhile: the labels the user saw are not the hub's any more.
    assert.equal((await merge(`${cms}/guard-a`, { metadata: { labels: { 'lcm.openshift.io/ibgu-prep-completed': '' } } })).status, 200);
    const moved = await hubError(conn.mergePatch('v1', 'ConfigMap', NS, 'guard-a', { metadata: { labels: { second: 'yes' } } }, { object: repaired, view: labels }));
    assert.match(moved.message, /\["lcm\.openshift\.io\/ibgu-prep-completed"\] was added \(""\)/);
    assert.equal((await readCm('guard-a')).metadata.labels?.second, undefined);

    // Deleted and created again under the same name: deleting "it" must not delete the new one.
    const before = await readCm('guard-a');
    assert.equal((await call('DELETE', `${cms}/guard-a`)).status, 200);
    assert.equal((await call('POST', cms, { metadata: { name: 'guard-a' }, data: { a: 'new' } })).status, 201);
    const recreated = await hubError(conn.delete('v1', 'ConfigMap', NS, 'guard-a', { object: before }));
    assert.match(recreated.message, /it was deleted and created again \(a new uid\)/);
    assert.deepEqual((await readCm('guard-a')).data, { a: 'new' }, 'the new ConfigMap is still there');

    // TALM-style status churn on an IBGU between the question and the delete: the decision stands, it is deleted.
    const ibguPath = `${collectionPath('ImageBasedGroupUpgrade', NS)}/guard-ibgu`;
    const shown = await conn.apply(ibgu('guard-ibgu'), undefined);
    assert.equal((await merge(`${ibguPath}/status`, { status: { observedGeneration: 99 } })).status, 200);
    await conn.delete(IBGU_API, 'ImageBasedGroupUpgrade', NS, 'guard-ibgu', { object: shown });
    assert.equal(await conn.read(IBGU_API, 'ImageBasedGroupUpgrade', NS, 'guard-ibgu'), undefined);

    // Its plan changed instead: not deleted, and the message says where.
    const shown2 = await conn.apply(ibgu('guard-ibgu'), undefined);
    assert.equal((await merge(ibguPath, { spec: { plan: [...shown2.spec.plan, { actions: ['Upgrade'], rolloutStrategy: { maxConcurrency: 1, timeout: 30 } }] } })).status, 200);
    const planned = await hubError(conn.delete(IBGU_API, 'ImageBasedGroupUpgrade', NS, 'guard-ibgu', { object: shown2 }));
    assert.match(planned.message, /changed since you saw it: spec\.plan\[1\] was added \(\{"actions":\["Upgrade"\]/);
    assert.ok(await conn.read(IBGU_API, 'ImageBasedGroupUpgrade', NS, 'guard-ibgu'), 'the IBGU is still there');

    // Apply after a diff against a version that is gone; and a create of an object someone created meanwhile.
    const changedSpec = { ...shown2, spec: { ...shown2.spec, clusterLabelSelectors: [{ matchLabels: { wave: '9' } }] } };
    const diffView = (o: KubeObject) => ({ spec: o.spec });
    const staleApply = await hubError(conn.apply(changedSpec, { object: shown2, view: diffView }));
    assert.match(staleApply.message, /spec\.plan\[1\] was added/);
    const dup = await hubError(conn.apply(ibgu('guard-ibgu'), undefined));
    assert.equal(dup.reason, 'conflict');
    assert.match(dup.message, /was created on the hub by someone else since you looked; nothing was written/);
    await call('DELETE', `${cms}/guard-a`);
    await call('DELETE', ibguPath);
  });

  test('watches only what the views need: label selectors, ManagedClusters as metadata, foreign objects never in the model', { timeout: 20_000 }, async () => {
    const { conn } = admin;
    const from = hub.requestCount();
    await control('drop-watches');
    const work = (name: string, labels: Record<string, string>) => ({
      apiVersion: 'work.open-cluster-management.io/v1', kind: 'ManifestWork', metadata: { name, namespace: 'sno-0001', labels }, spec: { workload: { manifests: [] } },
    });
    const cgu = (name: string, labels: Record<string, string>) => ({
      apiVersion: 'ran.openshift.io/v1alpha1', kind: 'ClusterGroupUpgrade', metadata: { name, namespace: NS, labels }, spec: { clusters: [], enable: false, remediationStrategy: { maxConcurrency: 1 } },
    });
    const works = collectionPath('ManifestWork', 'sno-0001');
    const cgus = collectionPath('ClusterGroupUpgrade', NS);
    // An ACM addon's ManifestWork and a CGU of nobody's IBGU, then one of each that TALM would have written.
    assert.equal((await call('POST', works, work('addon-foreign', { 'open-cluster-management.io/addon-name': 'x' }))).status, 201);
    assert.equal((await call('POST', cgus, cgu('foreign-cgu', {}))).status, 201);
    assert.equal((await call('POST', works, work('talm-work', { 'openshift-cluster-group-upgrades/clusterGroupUpgrade': 'owned-0', 'openshift-cluster-group-upgrades/clusterGroupUpgradeNamespace': NS }))).status, 201);
    assert.equal((await call('POST', cgus, cgu('owned-cgu', { ibgu: 'someone' }))).status, 201);
    // Events arrive in order: once the later objects are in the model, the earlier ones would have been.
    await until(() => !!conn.get('ManifestWork', 'sno-0001', 'talm-work') && !!conn.get('ClusterGroupUpgrade', NS, 'owned-cgu'), () => 'the labelled objects reach the model');
    assert.equal(conn.get('ManifestWork', 'sno-0001', 'addon-foreign'), undefined, 'an addon ManifestWork reached the model');
    assert.equal(conn.get('ClusterGroupUpgrade', NS, 'foreign-cgu'), undefined, 'a CGU without the ibgu label reached the model');
    const mc = conn.get('ManagedCluster', undefined, 'sno-0004')!;
    assert.equal(mc.kind, 'PartialObjectMetadata');
    assert.equal(mc.spec, undefined);
    assert.equal(mc.status, undefined);
    assert.ok(mc.metadata.labels, 'the labels are kept');
    // What went over the wire: watches are logged when they end, so the ones dropped above are in the log.
    const watchOf = (kind: WatchedKind) => hub.requests(from).find((r) => r.path === collectionPath(kind) && r.query.includes('watch'));
    await until(() => WATCHED_KINDS.every((k) => !!watchOf(k)), () => `watch requests logged: ${JSON.stringify(hub.requests(from).map((r) => r.path))}`);
    for (const kind of ['ManifestWork', 'ClusterGroupUpgrade'] as const) assert.ok(watchOf(kind)!.query.includes('labelSelector'), `${kind} watched with a label selector`);
    assert.ok(!watchOf('ImageBasedGroupUpgrade')!.query.includes('labelSelector'));
    assert.equal(watchOf('ManagedCluster')!.accept, 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1');
    for (const [path, name] of [[works, 'addon-foreign'], [works, 'talm-work'], [cgus, 'foreign-cgu'], [cgus, 'owned-cgu']]) await call('DELETE', `${path}/${name}`);
    await assertModelMatchesServer(conn, 'with foreign objects on the hub');
  });

  test('the first list of each kind asks for the watched set only', { timeout: 20_000 }, async () => {
    const from = hub.requestCount();
    const { conn } = connect(hub.token, 'scoped-lists');
    await waitForPhase(conn, 'connected');
    const listOf = (kind: WatchedKind) => layerRequests(from).find((r) => r.method === 'GET' && r.path === collectionPath(kind) && !r.query.includes('watch'));
    assert.ok(listOf('ManifestWork')?.query.includes('labelSelector'));
    assert.ok(listOf('ClusterGroupUpgrade')?.query.includes('labelSelector'));
    assert.equal(listOf('ManagedCluster')?.accept, 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
    assert.equal(listOf('ImageBasedGroupUpgrade')?.accept, 'application/json');
    assert.ok(conn.list('ManagedCluster').every((o) => o.kind === 'PartialObjectMetadata' && o.spec === undefined));
    await assertModelMatchesServer(conn, 'a fresh metadata-only connection');
    conn.dispose();
  });

  test('a forced 410: objects deleted while no watch was open leave the model after the re-list', { timeout: 20_000 }, async () => {
    const { conn } = admin;
    await call('POST', collectionPath('ManagedCluster'), { apiVersion: 'cluster.open-cluster-management.io/v1', kind: 'ManagedCluster', metadata: { name: 'short-lived' }, spec: { hubAcceptsClient: true } });
    await conn.apply(ibgu('short-lived'), undefined);
    await until(() => !!conn.get('ManagedCluster', undefined, 'short-lived') && !!conn.get('ImageBasedGroupUpgrade', NS, 'short-lived'), () => 'both short-lived objects in the model');
    const deletes: string[] = [];
    const off = conn.onChange((c) => c.type === 'delete' && deletes.push(`${c.kind}/${c.object.metadata.name}`));
    // Hold back the re-watch of both types while they are deleted, then forget the history: the watch gets 410.
    for (const kind of ['ManagedCluster', 'ImageBasedGroupUpgrade'] as const) await control('inject', { match: { method: 'GET', pathPrefix: collectionPath(kind) }, delayMs: 1000 });
    const from = hub.requestCount();
    await control('drop-watches');
    assert.equal((await call('DELETE', `${collectionPath('ManagedCluster')}/short-lived`)).status, 200);
    assert.equal((await call('DELETE', `${collectionPath('ImageBasedGroupUpgrade', NS)}/short-lived`)).status, 200);
    await control('compact');
    await until(() => !conn.get('ManagedCluster', undefined, 'short-lived') && !conn.get('ImageBasedGroupUpgrade', NS, 'short-lived'), () => `the deleted objects leave the model; deletes seen: ${deletes}`);
    assert.deepEqual(deletes.filter((d) => d.endsWith('/short-lived')).sort(), ['ImageBasedGroupUpgrade/short-lived', 'ManagedCluster/short-lived']);
    const relists = layerRequests(from).filter((r) => r.method === 'GET' && !r.query.includes('watch'));
    assert.ok(relists.some((r) => r.path === collectionPath('ManagedCluster')), 'the ManagedCluster informer listed again');
    off();
    assert.equal(conn.state.phase, 'connected');
    await assertModelMatchesServer(conn, 'after a 410');
  });

  test('dropped watches: re-watched from the last resourceVersion, nothing missed, no re-list', { timeout: 20_000 }, async () => {
    const { conn } = admin;
    // A selector-filtered watch learns a newer resourceVersion only from events in its set (or a bookmark): after
    // the compaction above, one event in each of TALM's sets, so that their resourceVersions are still servable.
    const works = collectionPath('ManifestWork', 'sno-0001');
    const cgus = collectionPath('ClusterGroupUpgrade', NS);
    assert.equal((await call('POST', works, { apiVersion: 'work.open-cluster-management.io/v1', kind: 'ManifestWork', metadata: { name: 'fresh-rv', namespace: 'sno-0001', labels: { 'openshift-cluster-group-upgrades/clusterGroupUpgrade': 'x', 'openshift-cluster-group-upgrades/clusterGroupUpgradeNamespace': NS } }, spec: { workload: { manifests: [] } } })).status, 201);
    assert.equal((await call('POST', cgus, { apiVersion: 'ran.openshift.io/v1alpha1', kind: 'ClusterGroupUpgrade', metadata: { name: 'fresh-rv', namespace: NS, labels: { ibgu: 'x' } }, spec: { clusters: [], enable: false, remediationStrategy: { maxConcurrency: 1 } } })).status, 201);
    await until(() => !!conn.get('ManifestWork', 'sno-0001', 'fresh-rv') && !!conn.get('ClusterGroupUpgrade', NS, 'fresh-rv'), () => 'the fresh objects in the model');
    const from = hub.requestCount();
    await control('drop-watches');
    await conn.apply(ibgu('after-drop'), undefined);
    await until(() => !!conn.get('ImageBasedGroupUpgrade', NS, 'after-drop'), () => 'the IBGU applied after the drop');
    await assertModelMatchesServer(conn, 'after dropped watches');
    // Watches are logged when they end, lists at once: none of the collections was listed again.
    const lists = layerRequests(from).filter((r) => r.method === 'GET' && WATCHED_KINDS.some((k) => r.path === collectionPath(k)) && !r.query.includes('watch'));
    assert.deepEqual(lists, [], 'no list after a watch ended cleanly');
    assert.equal(conn.state.phase, 'connected');
    await call('DELETE', `${works}/fresh-rv`);
    await call('DELETE', `${cgus}/fresh-rv`);
  });

  test('5 s of latency on a watch: the connection waits, then catches up', { timeout: 25_000 }, async () => {
    const { conn } = admin;
    await control('inject', { match: { method: 'GET', pathPrefix: collectionPath('ImageBasedGroupUpgrade') }, delayMs: 5000 });
    const started = Date.now();
    await control('drop-watches');
    const patched = await call('PATCH', `${collectionPath('ImageBasedGroupUpgrade', NS)}/after-drop`, { metadata: { labels: { slow: 'yes' } } }, { contentType: 'application/merge-patch+json' });
    assert.equal(patched.status, 200);
    await until(() => conn.get('ImageBasedGroupUpgrade', NS, 'after-drop')?.metadata.labels?.slow === 'yes', () => 'the label written during the delay', 12_000);
    assert.ok(Date.now() - started >= 4500, 'the change arrived only after the delayed watch opened');
    assert.equal(conn.state.phase, 'connected', 'a slow watch is not a failure');
    await assertModelMatchesServer(conn, 'after 5 s of latency');
  });

  test('an expired token: unauthorised with how to log in again; a fresh token in a new kubeconfig recovers', { timeout: 25_000 }, async () => {
    const { token } = await control('tokens', { name: 'operator' });
    const viewer = connect(token, 'operator');
    await waitForPhase(viewer.conn, 'connected');
    await control('tokens/expire', { token });
    await control('drop-watches');
    await waitForPhase(viewer.conn, 'unauthorised');
    const state = viewer.conn.state;
    assert.match(state.message ?? '', /401 Unauthorized/);
    assert.ok(state.message?.includes(`oc login ${hub.url}`), state.message);
    assert.ok(!state.message?.includes(token) && !viewer.log.some((l) => l.includes(token)), 'the token is never shown or logged');
    assert.ok(state.retryAt !== undefined || viewer.conn.state.phase === 'unauthorised');
    assert.equal(admin.conn.state.phase === 'connected' || admin.conn.state.phase === 'connecting', true, 'the admin connection is not affected');
    viewer.conn.dispose();

    const fresh = await control('tokens', { name: 'operator' });
    const again = connect(fresh.token, 'operator-again');
    await waitForPhase(again.conn, 'connected');
    await assertModelMatchesServer(again.conn, 'after logging in again');
    again.conn.dispose();
  });

  test('a 403 on one verb: forbidden naming that permission, the other kinds live', { timeout: 25_000 }, async () => {
    const { token } = await control('tokens', { name: 'no-watch-mw', deny: [{ verb: 'watch', resource: 'manifestworks' }] });
    const limited = connect(token, 'limited');
    await waitForPhase(limited.conn, 'forbidden');
    const state = limited.conn.state;
    assert.equal(state.permission, 'watch manifestworks.work.open-cluster-management.io');
    assert.match(state.message ?? '', /watch manifestworks\.work\.open-cluster-management\.io/);
    assert.match(state.message ?? '', /other 3 resource types are still watched/);
    // It keeps retrying with backoff: a retry is either scheduled (retryAt) or, for a moment, on its way.
    await until(() => limited.conn.state.phase === 'forbidden' && limited.conn.state.retryAt !== undefined, () => `a retry scheduled, now ${JSON.stringify(limited.conn.state)}`);
    await limited.conn.apply(ibgu('seen-by-limited'), undefined);
    await until(() => !!limited.conn.get('ImageBasedGroupUpgrade', NS, 'seen-by-limited'), () => 'the IBGU informer still delivers');
    await assertModelMatchesServer(limited.conn, 'with manifestworks forbidden', ['ImageBasedGroupUpgrade', 'ManagedCluster', 'ClusterGroupUpgrade']);
    assert.equal(limited.conn.state.phase, 'forbidden');
    limited.conn.dispose();
  });

  test('the hub restarting: the state leaves connected and comes back on its own; changes made meanwhile appear', { timeout: 30_000 }, async () => {
    const { conn, states } = admin;
    const before = states.length;
    await control('restart', { downMs: 1500 });
    // The first error is the cut stream; a retry while the port is closed is refused.
    await until(() => conn.state.phase === 'unreachable' && /ECONNREFUSED/.test(conn.state.message ?? ''), () => `refused while down, now ${JSON.stringify(conn.state)}`);
    assert.ok(conn.state.message?.includes(hub.url), conn.state.message);
    assert.match(conn.state.message ?? '', /Retrying automatically/);
    assert.ok(conn.state.retryAt !== undefined);
    // While it is down, the state changes underneath (the store is etcd: it persists).
    hub.store.create(hub.store.types.kind('ManagedCluster'), undefined, { metadata: { name: 'joined-while-down' }, spec: { hubAcceptsClient: true } }, { fieldManager: 'test' });
    await waitForPhase(conn, 'connected', WAIT_MS);
    const phases = states.slice(before).map((s) => s.phase);
    assert.ok(phases.includes('unreachable') && phases.at(-1) === 'connected', phases.join(' → '));
    // A second client writes after the restart.
    const second = await call('POST', collectionPath('ImageBasedGroupUpgrade', NS), ibgu('after-restart'));
    assert.equal(second.status, 201);
    await until(() => !!conn.get('ManagedCluster', undefined, 'joined-while-down') && !!conn.get('ImageBasedGroupUpgrade', NS, 'after-restart'), () => 'both changes in the model');
    await assertModelMatchesServer(conn, 'after the restart');

    // Sandbox.restart resolves once the server listens again.
    await hub.restart(200);
    assert.equal((await call('GET', '/version')).status, 200);
    await waitForPhase(conn, 'connected');
  });

  test('stop keeps the model and goes idle; start resumes', { timeout: 15_000 }, async () => {
    const { conn } = admin;
    const count = conn.list('ManagedCluster').length;
    conn.stop();
    assert.equal(conn.state.phase, 'idle');
    assert.equal(conn.list('ManagedCluster').length, count);
    conn.start();
    await waitForPhase(conn, 'connected');
    await assertModelMatchesServer(conn, 'after stop and start');
  });

  test('disposed right after connecting, a connection leaves no watch open on the server', { timeout: 20_000 }, async () => {
    for (const c of connections.splice(0)) c.dispose();
    for (let i = 0; i < 3; i++) {
      const { conn } = connect(hub.token, `short-lived-${i}`);
      // `connected` comes as soon as every kind has listed, while some watch requests are still on their way.
      await waitForPhase(conn, 'connected');
      conn.dispose();
    }
    // The server sees a disposed connection's watches end as their sockets close; then, for a second, no
    // watch request still on its way may stay open either (an absence has no event to wait for).
    await until(() => hub.openWatches() === 0, () => `${hub.openWatches()} watches of disposed connections still open`);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await control('drop-watches')).dropped, 0, 'watches of disposed connections were still open');
  });
});
