/**
 * Black-box tests of the sandbox hub over HTTPS, written from the Kubernetes API conventions (not from the
 * hub's code): auth, discovery, object rules, patches, lists, watches and the /__sandbox/ control API.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { rawCall, type RawReply as Reply } from '../helpers/raw-https';
import { waitFor } from '../helpers/wait';

let hub: Sandbox;

function call(method: string, path: string, opts: Parameters<typeof rawCall>[3] = {}): Promise<Reply> {
  return rawCall(hub, method, path, opts);
}

interface WatchStream { events: any[]; headersAt: number; ended: Promise<void>; next(n?: number, ms?: number): Promise<any[]>; close(): void }

/** Opens a watch and resolves once the 200 headers arrive (before any event), like client-node's Watch. */
function watch(path: string, accept?: string): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const events: any[] = [];
    let buffer = '';
    let done!: () => void;
    const ended = new Promise<void>((r) => (done = r));
    const headers: Record<string, string> = { Authorization: `Bearer ${hub.token}` };
    if (accept) headers.Accept = accept;
    const req = https.request(`${hub.url}${path}`, { headers, ca: hub.caPem, agent: false }, (res) => {
      res.on('data', (c) => {
        buffer += c;
        let i;
        while ((i = buffer.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buffer.slice(0, i)));
          buffer = buffer.slice(i + 1);
        }
      });
      res.on('end', done);
      res.on('close', done);
      const stream: WatchStream = {
        events,
        headersAt: Date.now(),
        ended,
        async next(n = 1, ms = 3000) {
          const deadline = Date.now() + ms;
          while (events.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
          return events.slice(0, n);
        },
        close: () => req.destroy(),
      };
      if (res.statusCode !== 200) reject(new Error(`watch status ${res.statusCode}`));
      else resolve(stream);
    });
    req.on('error', (e) => (e.message === 'socket hang up' ? done() : reject(e)));
    req.end();
  });
}

const IBGU_PATH = '/apis/lcm.openshift.io/v1alpha1/namespaces/default/imagebasedgroupupgrades';
const MCL_PATH = '/apis/cluster.open-cluster-management.io/v1/managedclusters';
const CM_PATH = '/api/v1/namespaces/default/configmaps';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

function ibgu(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'lcm.openshift.io/v1alpha1',
    kind: 'ImageBasedGroupUpgrade',
    metadata: { name, labels: { app: 'test' } },
    spec: { ibuSpec: { seedImageRef: { image: 'quay.io/x/seed:4.16.15', version: '4.16.15' } }, plan: [{ actions: ['Prep'], rolloutStrategy: { maxConcurrency: 1, timeout: 60 } }] },
    ...extra,
  };
}

before(async () => {
  // The API alone: these tests create IBGUs that a running TALM would act on.
  hub = await startSandbox({ clusters: 3, controllers: false });
});
after(async () => {
  await hub.stop();
});

describe('auth and discovery', () => {
  test('no token or an unknown token is 401, an expired token too; all as metav1.Status', async () => {
    for (const token of [null, 'nope']) {
      const r = await call('GET', '/api/v1/namespaces', { token });
      assert.equal(r.status, 401);
      assert.equal(r.body.kind, 'Status');
      assert.equal(r.body.reason, 'Unauthorized');
    }
    const expired = (await call('POST', '/__sandbox/tokens', { body: { name: 'old', expired: true } })).body.token;
    assert.equal((await call('GET', '/api', { token: expired })).status, 401);
  });

  test('a token with a deny rule gets 403 Forbidden for that verb and resource only', async () => {
    const token = (await call('POST', '/__sandbox/tokens', { body: { name: 'viewer', deny: [{ verb: 'patch', resource: 'managedclusters' }] } })).body.token;
    assert.equal((await call('GET', `${MCL_PATH}/sno-0001`, { token })).status, 200);
    const r = await call('PATCH', `${MCL_PATH}/sno-0001`, { token, body: { metadata: { labels: { a: 'b' } } }, contentType: 'application/merge-patch+json' });
    assert.equal(r.status, 403);
    assert.equal(r.body.reason, 'Forbidden');
    assert.match(r.body.message, /User "viewer" cannot patch resource "managedclusters"/);
  });

  test('version, legacy discovery and OpenAPI v3 (v2 is 404)', async () => {
    assert.equal((await call('GET', '/version')).body.major, '1');
    assert.deepEqual((await call('GET', '/api')).body.versions, ['v1']);
    const groups = (await call('GET', '/apis')).body.groups.map((g: any) => g.name);
    for (const g of ['lcm.openshift.io', 'cluster.open-cluster-management.io', 'ran.openshift.io', 'work.open-cluster-management.io']) assert.ok(groups.includes(g), g);
    // Spoke APIs are not the hub's.
    for (const g of ['lca.openshift.io', 'velero.io', 'topolvm.io']) assert.ok(!groups.includes(g), g);
    const work = (await call('GET', '/apis/work.open-cluster-management.io')).body;
    assert.deepEqual(work.versions.map((v: any) => v.version), ['v1', 'v1alpha1']);
    assert.equal(work.preferredVersion.version, 'v1');
    const lcm = (await call('GET', '/apis/lcm.openshift.io/v1alpha1')).body;
    const names = lcm.resources.map((r: any) => r.name);
    assert.deepEqual(names, ['imagebasedgroupupgrades', 'imagebasedgroupupgrades/status']);
    assert.deepEqual(lcm.resources[0].shortNames, ['ibgu']);
    const mcl = (await call('GET', '/apis/cluster.open-cluster-management.io/v1')).body.resources[0];
    assert.equal(mcl.namespaced, false);
    const index = (await call('GET', '/openapi/v3')).body;
    const ref = index.paths['apis/lcm.openshift.io/v1alpha1'].serverRelativeURL;
    assert.match(ref, /\?hash=[0-9A-F]+$/);
    const doc = (await call('GET', ref)).body;
    const patchOp = doc.paths['/apis/lcm.openshift.io/v1alpha1/namespaces/{namespace}/imagebasedgroupupgrades/{name}'].patch;
    assert.deepEqual(patchOp['x-kubernetes-group-version-kind'], { group: 'lcm.openshift.io', version: 'v1alpha1', kind: 'ImageBasedGroupUpgrade' });
    assert.ok(patchOp.parameters.some((p: any) => p.name === 'fieldValidation'));
    // v2 is served in JSON; kubectl asks for protobuf and gets 404, as from a server without v2.
    assert.equal((await call('GET', '/openapi/v2', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' })).status, 404);
    const v2 = (await call('GET', '/openapi/v2', { accept: 'application/json' })).body;
    assert.equal(v2.swagger, '2.0');
    assert.equal(v2.definitions['io.openshift.lcm.v1alpha1.ImageBasedGroupUpgrade'].properties.spec.properties.plan.items.properties.rolloutStrategy.properties.timeout.default, 240);
    assert.equal((await call('GET', '/apis/nope.io/v1')).status, 404);
  });

  test('the kubeconfig names the server, the CA and the token', () => {
    const kc = parse(readFileSync(hub.kubeconfigPath, 'utf8'));
    assert.equal(kc['current-context'], 'ibgu-sandbox');
    assert.equal(kc.clusters[0].cluster.server, hub.url);
    assert.equal(Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), hub.caPem);
    assert.equal(kc.users[0].user.token, hub.token);
  });
});

describe('seed', () => {
  test('managed clusters with their namespaces and admin kubeconfig secrets', async () => {
    const list = (await call('GET', MCL_PATH)).body;
    assert.equal(list.kind, 'ManagedClusterList');
    assert.deepEqual(list.items.map((i: any) => i.metadata.name), ['sno-0001', 'sno-0002', 'sno-0003']);
    assert.equal(list.items[0].apiVersion, 'cluster.open-cluster-management.io/v1');
    const secret = (await call('GET', '/api/v1/namespaces/sno-0002/secrets/sno-0002-admin-kubeconfig')).body;
    const kc = parse(Buffer.from(secret.data.kubeconfig, 'base64').toString());
    assert.equal(kc.kind, 'Config');
    assert.equal(kc.clusters[0].cluster.server, `${hub.url}/clusters/sno-0002`);
    assert.equal(Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), hub.caPem);
    for (const ns of ['default', 'kube-system', 'openshift-adp']) assert.equal((await call('GET', `/api/v1/namespaces/${ns}`)).status, 200);
  });
});

describe('spokes', () => {
  const spoke = (name: string) => hub.spokeAccess(name);

  test('each spoke is an API server under /clusters/<name>, reached with the token of its admin kubeconfig only', async () => {
    const a = spoke('sno-0001');
    const prefix = '/clusters/sno-0001';
    assert.equal((await call('GET', `${prefix}/apis/lca.openshift.io/v1/imagebasedupgrades/upgrade`, { token: hub.token })).status, 401, 'the hub token is not valid on a spoke');
    assert.equal((await call('GET', `${prefix}/api/v1/namespaces`, { token: spoke('sno-0002').token })).status, 401, 'another spoke token is not valid');
    const groups = (await call('GET', `${prefix}/apis`, { token: a.token })).body.groups.map((g: any) => g.name);
    for (const g of ['lca.openshift.io', 'velero.io', 'topolvm.io', 'apps', 'rbac.authorization.k8s.io']) assert.ok(groups.includes(g), g);
    assert.ok(!groups.includes('lcm.openshift.io'));
    assert.equal((await call('GET', '/api/v1/namespaces', { token: a.token })).status, 401, 'a spoke token is not valid on the hub');
    assert.equal((await call('GET', '/clusters/sno-9999/api/v1/namespaces', { token: a.token })).status, 404);
  });

  test('a spoke as LCA, OADP and LVM Storage leave it: IBU in Idle, the LCA Deployment, an available BSL, logical volumes', async () => {
    const { token } = spoke('sno-0003');
    const prefix = '/clusters/sno-0003';
    const ibu = (await call('GET', `${prefix}/apis/lca.openshift.io/v1/imagebasedupgrades/upgrade`, { token })).body;
    assert.equal(ibu.spec.stage, 'Idle');
    assert.deepEqual(ibu.status.validNextStages, ['Prep']);
    assert.deepEqual(ibu.status.conditions.map((c: any) => [c.type, c.status, c.reason]), [['Idle', 'True', 'Idle']]);
    const dep = (await call('GET', `${prefix}/apis/apps/v1/namespaces/openshift-lifecycle-agent/deployments/lifecycle-agent-controller-manager`, { token })).body;
    assert.equal(dep.spec.template.spec.containers.find((c: any) => c.name === 'manager').image.startsWith('registry.redhat.io/'), true);
    const bsl = (await call('GET', `${prefix}/apis/velero.io/v1/namespaces/openshift-adp/backupstoragelocations/default`, { token })).body;
    assert.equal(bsl.status.phase, 'Available');
    const lvs = (await call('GET', `${prefix}/apis/topolvm.io/v1/logicalvolumes`, { token })).body;
    assert.equal(lvs.items.length, 2);
    // Spokes keep their own resourceVersions.
    assert.ok(Number(ibu.metadata.resourceVersion) < 20);
  });

  test('the IBU CRD rules on the spoke: singleton name, stage transitions from validNextStages, guarded fields', async () => {
    const { token } = spoke('sno-0002');
    const base = '/clusters/sno-0002/apis/lca.openshift.io/v1/imagebasedupgrades';
    const other = await call('POST', base, { token, body: { apiVersion: 'lca.openshift.io/v1', kind: 'ImageBasedUpgrade', metadata: { name: 'other' }, spec: { stage: 'Idle' } } });
    assert.equal(other.status, 422);
    assert.match(other.body.message, /ibu is a singleton, metadata.name must be 'upgrade'/);
    const patch = (body: unknown) => call('PATCH', `${base}/upgrade`, { token, body, contentType: 'application/merge-patch+json' });
    const jump = await patch({ spec: { stage: 'Upgrade' } });
    assert.equal(jump.status, 422);
    assert.match(jump.body.message, /the stage transition is not permitted\. Please refer to status\.validNextStages/);
    const ok = await patch({ spec: { stage: 'Prep', seedImageRef: { image: 'quay.io/x/seed:4.17.2', version: '4.17.2' } } });
    assert.equal(ok.status, 200);
  });
});

describe('objects', () => {
  test('create sets uid, creationTimestamp, generation and resourceVersion; drops status; 409 on a second create', async () => {
    const r = await call('POST', IBGU_PATH, { body: { ...ibgu('a'), status: { observedGeneration: 9 } } });
    assert.equal(r.status, 201);
    assert.match(r.body.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.equal(r.body.metadata.generation, 1);
    assert.match(r.body.metadata.resourceVersion, /^\d+$/);
    assert.ok(r.body.metadata.creationTimestamp);
    assert.equal(r.body.status, undefined);
    assert.equal(r.body.metadata.managedFields[0].fieldsType, 'FieldsV1');
    const again = await call('POST', IBGU_PATH, { body: ibgu('a') });
    assert.equal(again.status, 409);
    assert.equal(again.body.reason, 'AlreadyExists');
  });

  test('a missing namespace is 404; a namespace different from the URL is 400; typed clients may omit kind', async () => {
    assert.equal((await call('POST', IBGU_PATH.replace('default', 'nope'), { body: ibgu('b') })).status, 404);
    const mismatch = await call('POST', IBGU_PATH, { body: { ...ibgu('b'), metadata: { name: 'b', namespace: 'other' } } });
    assert.equal(mismatch.status, 400);
    const cm = await call('POST', CM_PATH, { body: { metadata: { name: 'typed' }, data: { k: 'v' } } });
    assert.equal(cm.status, 201);
    assert.equal(cm.body.kind, 'ConfigMap');
    assert.equal(cm.body.apiVersion, 'v1');
  });

  test('PUT: 422 without resourceVersion on a CR, 409 on a stale one, no-op keeps RV, spec change bumps generation', async () => {
    const created = (await call('POST', IBGU_PATH, { body: ibgu('put') })).body;
    const noRv = structuredClone(created);
    delete noRv.metadata.resourceVersion;
    const r422 = await call('PUT', `${IBGU_PATH}/put`, { body: noRv });
    assert.equal(r422.status, 422);
    assert.equal(r422.body.reason, 'Invalid');
    const same = await call('PUT', `${IBGU_PATH}/put`, { body: created });
    assert.equal(same.status, 200);
    assert.equal(same.body.metadata.resourceVersion, created.metadata.resourceVersion, 'no-op write keeps RV');
    const changed = structuredClone(created);
    changed.spec.plan.push({ actions: ['Upgrade'], rolloutStrategy: { maxConcurrency: 1, timeout: 60 } });
    changed.status = { observedGeneration: 5 };
    const r = await call('PUT', `${IBGU_PATH}/put`, { body: changed });
    assert.equal(r.status, 200);
    assert.equal(r.body.metadata.generation, 2);
    assert.equal(r.body.status, undefined, 'main-resource writes ignore status');
    assert.ok(Number(r.body.metadata.resourceVersion) > Number(created.metadata.resourceVersion));
    const stale = await call('PUT', `${IBGU_PATH}/put`, { body: created });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
    const wrongName = await call('PUT', `${IBGU_PATH}/put`, { body: { ...r.body, metadata: { ...r.body.metadata, name: 'other' } } });
    assert.equal(wrongName.status, 400);
  });

  test('IBGU admission as the CRD does it: timeout defaults to 240, CEL rules with their messages, on create and update', async () => {
    const created = await call('POST', IBGU_PATH, { body: ibgu('cel', { spec: { ibuSpec: { seedImageRef: { image: 'quay.io/x/seed:4.16.15', version: '4.16.15' } }, plan: [{ actions: ['Prep'], rolloutStrategy: { maxConcurrency: 2 } }] } }) });
    assert.equal(created.status, 201);
    assert.equal(created.body.spec.plan[0].rolloutStrategy.timeout, 240, 'defaulted');

    const bad = await call('POST', IBGU_PATH, { body: ibgu('cel-bad', { spec: { ibuSpec: {}, plan: [{ actions: ['Prep', 'Abort'], rolloutStrategy: { maxConcurrency: 1 } }] } }) });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.message, 'ImageBasedGroupUpgrade.lcm.openshift.io "cel-bad" is invalid: spec.plan: Invalid value: "array": invalid combinations of actions in the plan');
    assert.deepEqual(bad.body.details.causes, [{ reason: 'FieldValueInvalid', message: 'Invalid value: "array": invalid combinations of actions in the plan', field: 'spec.plan' }]);
    const long = await call('POST', IBGU_PATH, { body: ibgu('x'.repeat(230)) });
    assert.equal(long.status, 422);
    assert.match(long.body.message, /is invalid: <nil>: Invalid value: "object": Name length must be less than 230 characters$/);

    // Appending an allowed step is fine; editing a step, or the ibuSpec, is not — both failures reported together.
    const appended = structuredClone(created.body);
    appended.spec.plan.push({ actions: ['Upgrade'], rolloutStrategy: { maxConcurrency: 1, timeout: 60 } });
    const ok = await call('PUT', `${IBGU_PATH}/cel`, { body: appended });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const edited = structuredClone(ok.body);
    edited.spec.plan[0].rolloutStrategy.maxConcurrency = 5;
    edited.spec.ibuSpec.seedImageRef.version = '4.16.16';
    const rejected = await call('PUT', `${IBGU_PATH}/cel`, { body: edited });
    assert.equal(rejected.status, 422);
    assert.equal(rejected.body.message, 'ImageBasedGroupUpgrade.lcm.openshift.io "cel" is invalid: [spec.plan: Invalid value: "array": plan is append only, spec.ibuSpec: Invalid value: "object": ibuSpec is immutable]');
    const removed = await call('PATCH', `${IBGU_PATH}/cel`, { body: [{ op: 'remove', path: '/spec/plan/1' }], contentType: 'application/json-patch+json' });
    assert.equal(removed.status, 422);
    assert.match(removed.body.message, /plan is append only/);
    // The status subresource is not subject to the spec rules.
    const status = await call('PUT', `${IBGU_PATH}/cel/status`, { body: { ...ok.body, status: { observedGeneration: 2 } } });
    assert.equal(status.status, 200);
  });

  test('the status subresource changes status only and leaves generation alone', async () => {
    const created = (await call('POST', IBGU_PATH, { body: ibgu('st') })).body;
    const r = await call('PATCH', `${IBGU_PATH}/st/status`, { body: { spec: { plan: [] }, status: { observedGeneration: 1 } }, contentType: 'application/merge-patch+json' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.status, { observedGeneration: 1 });
    assert.deepEqual(r.body.spec, created.spec);
    assert.equal(r.body.metadata.generation, 1);
    assert.deepEqual((await call('GET', `${IBGU_PATH}/st/status`)).body.status, { observedGeneration: 1 });
  });

  test('dryRun=All validates and answers without storing', async () => {
    const r = await call('POST', `${IBGU_PATH}?dryRun=All`, { body: ibgu('dry') });
    assert.equal(r.status, 201);
    assert.equal((await call('GET', `${IBGU_PATH}/dry`)).status, 404);
    assert.equal((await call('POST', `${IBGU_PATH}?dryRun=Some`, { body: ibgu('dry') })).status, 400);
  });

  test('finalizers: DELETE marks and returns the object; removing the last finalizer deletes; DELETE then returns Status', async () => {
    await call('POST', IBGU_PATH, { body: ibgu('fin', { metadata: { name: 'fin', finalizers: ['test/hold'] } }) });
    const marked = await call('DELETE', `${IBGU_PATH}/fin`, { body: { propagationPolicy: 'Background' } });
    assert.equal(marked.status, 200);
    assert.equal(marked.body.kind, 'ImageBasedGroupUpgrade');
    assert.ok(marked.body.metadata.deletionTimestamp);
    const released = await call('PATCH', `${IBGU_PATH}/fin`, { body: [{ op: 'remove', path: '/metadata/finalizers' }], contentType: 'application/json-patch+json' });
    assert.equal(released.status, 200);
    assert.equal((await call('GET', `${IBGU_PATH}/fin`)).status, 404);
    await call('POST', IBGU_PATH, { body: ibgu('plain') });
    const gone = await call('DELETE', `${IBGU_PATH}/plain`);
    assert.equal(gone.body.kind, 'Status');
    assert.equal(gone.body.status, 'Success');
    const missing = await call('DELETE', `${IBGU_PATH}/plain`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.reason, 'NotFound');
  });
});

describe('patches', () => {
  test('merge patch and JSON patch (with test and ~1); a failed test is 422; a stale RV is 409', async () => {
    await call('POST', IBGU_PATH, { body: ibgu('p') });
    const merged = await call('PATCH', `${IBGU_PATH}/p`, { body: { metadata: { labels: { app: null, x: 'y' } } }, contentType: 'application/merge-patch+json' });
    assert.deepEqual(merged.body.metadata.labels, { x: 'y' });
    const jp = await call('PATCH', `${IBGU_PATH}/p`, {
      contentType: 'application/json-patch+json',
      body: [
        { op: 'test', path: '/spec/plan/0/actions', value: ['Prep'] },
        { op: 'add', path: '/spec/plan/-', value: { actions: ['Upgrade'], rolloutStrategy: { maxConcurrency: 1, timeout: 60 } } },
        { op: 'add', path: '/metadata/annotations', value: { 'lca.openshift.io/target': 'a' } },
        { op: 'replace', path: '/metadata/annotations/lca.openshift.io~1target', value: 'b' },
      ],
    });
    assert.equal(jp.status, 200);
    assert.equal(jp.body.spec.plan.length, 2);
    assert.equal(jp.body.metadata.annotations['lca.openshift.io/target'], 'b');
    assert.equal(jp.body.metadata.generation, 2);
    const failed = await call('PATCH', `${IBGU_PATH}/p`, { contentType: 'application/json-patch+json', body: [{ op: 'test', path: '/spec/plan/0/actions', value: ['Upgrade'] }] });
    assert.equal(failed.status, 422);
    const stale = await call('PATCH', `${IBGU_PATH}/p`, { body: { metadata: { resourceVersion: '1', labels: { z: '1' } } }, contentType: 'application/merge-patch+json' });
    assert.equal(stale.status, 409);
  });

  test('strategic merge patch is 415 on a custom resource and merges on a ConfigMap', async () => {
    const r = await call('PATCH', `${IBGU_PATH}/p`, { body: { metadata: { labels: { a: 'b' } } }, contentType: 'application/strategic-merge-patch+json' });
    assert.equal(r.status, 415);
    assert.equal(r.body.reason, 'UnsupportedMediaType');
    await call('POST', CM_PATH, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'smp' }, data: { a: '1', b: '2' } } });
    const cm = await call('PATCH', `${CM_PATH}/smp`, { body: { data: { a: null, c: '3' } }, contentType: 'application/strategic-merge-patch+json' });
    assert.deepEqual(cm.body.data, { b: '2', c: '3' });
    assert.equal((await call('PATCH', `${CM_PATH}/smp`, { body: 'x', contentType: 'application/vnd.kubernetes.protobuf' })).status, 415);
  });

  test('server-side apply: fieldManager required (400), 201 on create, 200 on update, YAML body accepted', async () => {
    const body = JSON.stringify(ibgu('ssa'));
    assert.equal((await call('PATCH', `${IBGU_PATH}/ssa`, { body, contentType: 'application/apply-patch+yaml' })).status, 400);
    const created = await call('PATCH', `${IBGU_PATH}/ssa?fieldManager=test&force=true`, { body, contentType: 'application/apply-patch+yaml' });
    assert.equal(created.status, 201);
    assert.equal(created.body.metadata.managedFields[0].operation, 'Apply');
    const yaml = 'apiVersion: lcm.openshift.io/v1alpha1\nkind: ImageBasedGroupUpgrade\nmetadata:\n  name: ssa\n  labels: {phase: two}\n';
    // Another manager: the same one applying only labels would give up (and so remove) the spec it applied before.
    const updated = await call('PATCH', `${IBGU_PATH}/ssa?fieldManager=labeller`, { body: yaml, contentType: 'application/apply-patch+yaml' });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.metadata.labels.phase, 'two');
    assert.equal(updated.body.spec.plan.length, 1);
  });
});

describe('lists', () => {
  test('label selector grammar, field selectors and 400 for unsupported fields on CRs', async () => {
    const names = async (q: string) => (await call('GET', `${MCL_PATH}?labelSelector=${encodeURIComponent(q)}`)).body.items.map((i: any) => i.metadata.name);
    assert.deepEqual(await names('name in (sno-0001,sno-0003)'), ['sno-0001', 'sno-0003']);
    assert.deepEqual(await names('name notin (sno-0001),vendor==OpenShift'), ['sno-0002', 'sno-0003']);
    assert.deepEqual(await names('!vendor'), []);
    assert.deepEqual(await names('name!=sno-0002,group-du-sno'), ['sno-0001', 'sno-0003']);
    assert.equal((await call('GET', `${MCL_PATH}?labelSelector=${encodeURIComponent('a in b')}`)).status, 400);
    const byName = (await call('GET', `${MCL_PATH}?fieldSelector=metadata.name%3Dsno-0002`)).body.items;
    assert.deepEqual(byName.map((i: any) => i.metadata.name), ['sno-0002']);
    assert.equal((await call('GET', `${MCL_PATH}?fieldSelector=spec.hubAcceptsClient%3Dtrue`)).status, 400);
  });

  test('limit and continue page through; a continue token from before a compaction is 410', async () => {
    const first = (await call('GET', '/api/v1/namespaces?limit=2')).body;
    assert.equal(first.items.length, 2);
    assert.ok(first.metadata.continue);
    const all: string[] = first.items.map((i: any) => i.metadata.name);
    let token = first.metadata.continue;
    while (token) {
      const page = (await call('GET', `/api/v1/namespaces?limit=2&continue=${encodeURIComponent(token)}`)).body;
      all.push(...page.items.map((i: any) => i.metadata.name));
      token = page.metadata.continue;
    }
    const full = (await call('GET', '/api/v1/namespaces')).body.items.map((i: any) => i.metadata.name);
    assert.deepEqual(all, full);
    await call('POST', CM_PATH, { body: { metadata: { name: `bump-${Date.now()}` } } });
    await call('POST', '/__sandbox/compact');
    const expired = await call('GET', `/api/v1/namespaces?limit=2&continue=${encodeURIComponent(first.metadata.continue)}`);
    assert.equal(expired.status, 410);
    assert.equal(expired.body.reason, 'Expired');
    assert.equal((await call('GET', '/api/v1/namespaces?limit=2&continue=garbage')).status, 400);
  });

  test('resourceVersion semantics: too large is 504, Exact of the past is 410, NotOlderThan is served', async () => {
    const rv = Number((await call('GET', MCL_PATH)).body.metadata.resourceVersion);
    assert.equal((await call('GET', `${MCL_PATH}?resourceVersion=${rv + 1000}`)).status, 504);
    assert.equal((await call('GET', `${MCL_PATH}?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`)).status, 200);
    assert.equal((await call('GET', `${MCL_PATH}?resourceVersion=0`)).status, 200);
    assert.equal((await call('GET', `${MCL_PATH}?resourceVersion=1&resourceVersionMatch=Exact`)).status, 410);
  });

  test('Table output with printer columns and ages', async () => {
    const t = (await call('GET', MCL_PATH, { accept: TABLE })).body;
    assert.equal(t.kind, 'Table');
    assert.deepEqual(t.columnDefinitions.map((c: any) => c.name), ['Name', 'Hub Accepted', 'Managed Cluster URLs', 'Joined', 'Available', 'Age']);
    const row = t.rows[0];
    assert.deepEqual(row.cells.slice(0, 5), ['sno-0001', true, 'https://api.sno-0001.example.com:6443', 'True', 'True']);
    assert.match(row.cells[5], /^\d+s$/);
    assert.equal(row.object.kind, 'PartialObjectMetadata');
    const one = (await call('GET', `${MCL_PATH}/sno-0001`, { accept: TABLE })).body;
    assert.equal(one.rows.length, 1);
  });
});

describe('watches', () => {
  test('headers arrive before any event; changes stream as ADDED/MODIFIED/DELETED', async () => {
    const rv = (await call('GET', CM_PATH)).body.metadata.resourceVersion;
    const w = await watch(`${CM_PATH}?watch=true&resourceVersion=${rv}`);
    assert.equal(w.events.length, 0);
    await call('POST', CM_PATH, { body: { metadata: { name: 'w1' } } });
    await call('PATCH', `${CM_PATH}/w1`, { body: { data: { a: '1' } }, contentType: 'application/merge-patch+json' });
    await call('DELETE', `${CM_PATH}/w1`);
    const events = await w.next(3);
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.equal(events[1].object.data.a, '1');
    w.close();
  });

  test('resume from a resourceVersion replays what happened since; older than the window is ERROR 410 then close', async () => {
    const rv = (await call('GET', CM_PATH)).body.metadata.resourceVersion;
    await call('POST', CM_PATH, { body: { metadata: { name: 'r1' } } });
    const w = await watch(`${CM_PATH}?watch=true&resourceVersion=${rv}`);
    const [e] = await w.next(1);
    assert.equal(e.type, 'ADDED');
    assert.equal(e.object.metadata.name, 'r1');
    w.close();
    await call('POST', '/__sandbox/compact');
    const old = await watch(`${CM_PATH}?watch=true&resourceVersion=${rv}`);
    await old.ended;
    assert.equal(old.events.length, 1);
    assert.equal(old.events[0].type, 'ERROR');
    assert.equal(old.events[0].object.code, 410);
    assert.equal(old.events[0].object.reason, 'Expired');
  });

  test('resourceVersion 0 sends the current state as ADDED; label selector transitions become ADDED/DELETED', async () => {
    const w = await watch(`${MCL_PATH}?watch=true&resourceVersion=0&labelSelector=${encodeURIComponent('stage=on')}`);
    await call('PATCH', `${MCL_PATH}/sno-0001`, { body: { metadata: { labels: { stage: 'on' } } }, contentType: 'application/merge-patch+json' });
    await call('PATCH', `${MCL_PATH}/sno-0001`, { body: { metadata: { labels: { other: 'x' } } }, contentType: 'application/merge-patch+json' });
    await call('PATCH', `${MCL_PATH}/sno-0001`, { body: { metadata: { labels: { stage: null } } }, contentType: 'application/merge-patch+json' });
    const events = await w.next(3);
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    w.close();
    const all = await watch(`${MCL_PATH}?watch=true&resourceVersion=0`);
    assert.deepEqual((await all.next(3)).map((e) => `${e.type}:${e.object.metadata.name}`), ['ADDED:sno-0001', 'ADDED:sno-0002', 'ADDED:sno-0003']);
    all.close();
  });

  test('watch-list: initial events, then a bookmark annotated k8s.io/initial-events-end; 422 without NotOlderThan', async () => {
    const w = await watch(`${MCL_PATH}?watch=true&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&fieldSelector=metadata.name%3Dsno-0002&timeoutSeconds=30`);
    const events = await w.next(2);
    assert.equal(events[0].type, 'ADDED');
    assert.equal(events[0].object.metadata.name, 'sno-0002');
    assert.equal(events[1].type, 'BOOKMARK');
    assert.equal(events[1].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
    assert.match(events[1].object.metadata.resourceVersion, /^\d+$/);
    w.close();
    const bad = await call('GET', `${MCL_PATH}?watch=true&sendInitialEvents=true`);
    assert.equal(bad.status, 422);
  });

  test('timeoutSeconds ends the stream; drop-watches ends every open watch', async () => {
    const started = Date.now();
    const w = await watch(`${MCL_PATH}?watch=true&resourceVersion=${(await call('GET', MCL_PATH)).body.metadata.resourceVersion}&timeoutSeconds=1`);
    await w.ended;
    assert.ok(Date.now() - started < 3000);
    const a = await watch(`${MCL_PATH}?watch=true&resourceVersion=0`);
    const b = await watch(`${CM_PATH}?watch=true&resourceVersion=0`);
    const dropped = (await call('POST', '/__sandbox/drop-watches')).body.dropped;
    assert.ok(dropped >= 2);
    await Promise.all([a.ended, b.ended]);
  });

  test('Table-encoded watch events carry one row each, columns only on the first', async () => {
    const w = await watch(`${MCL_PATH}?watch=true&resourceVersion=0`, TABLE);
    const events = await w.next(2);
    assert.equal(events[0].object.kind, 'Table');
    assert.equal(events[0].object.rows.length, 1);
    assert.equal(events[0].object.columnDefinitions.length, 6);
    assert.equal(events[1].object.columnDefinitions.length, 0);
    w.close();
  });
});

describe('control API', () => {
  test('inject a status for the next matching request, and a delay', async () => {
    await call('POST', '/__sandbox/inject', { body: { match: { method: 'GET', pathPrefix: MCL_PATH }, status: 503, count: 1 } });
    const r = await call('GET', MCL_PATH);
    assert.equal(r.status, 503);
    assert.equal(r.body.kind, 'Status');
    assert.equal((await call('GET', MCL_PATH)).status, 200);
    await call('POST', '/__sandbox/inject', { body: { match: { pathPrefix: '/version' }, delayMs: 200 } });
    const t0 = Date.now();
    assert.equal((await call('GET', '/version')).status, 200);
    assert.ok(Date.now() - t0 >= 190);
  });

  test('the request log records client traffic with sorted query keys, and not control calls', async () => {
    await call('POST', '/__sandbox/requests/clear');
    await call('GET', `${MCL_PATH}?limit=500&labelSelector=a`, { accept: TABLE });
    // The log entry is written when the response closes, which may be after the client has read it.
    await waitFor('the request in the log', () => hub.requests().length > 0);
    const log = (await call('GET', '/__sandbox/requests')).body;
    assert.equal(log.length, 1);
    assert.deepEqual(log[0], { method: 'GET', path: MCL_PATH, query: ['labelSelector', 'limit'], accept: TABLE, status: 200 });
    assert.ok(hub.requests().length >= 1);
  });
});
