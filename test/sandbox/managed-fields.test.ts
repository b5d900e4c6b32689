/**
 * Field ownership as kube-apiserver records it (src/sandbox/managed-fields.ts), through the store as the HTTP
 * handlers use it. The expected FieldsV1 sets are the ones a real server writes for the same requests: Update
 * operations own a new map or list item itself ("." in FieldsV1, structured-merge-diff typed/compare.go), an
 * Apply owns only the leaves and list items it sent (typed/tofieldset.go).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Store, type KubeObject, type WriteOptions } from '../../src/sandbox/store';
import { HUB, apiVersionOf, type ResourceType } from '../../src/sandbox/registry';
import { applyConfiguration } from '../../src/sandbox/managed-fields';
import { FieldSet, printPath } from '../../src/sandbox/field-set';
import { compare, createdFieldsV1 } from '../../src/sandbox/structured-merge';
import { fieldSchemaOf } from '../../src/sandbox/field-schema';
import { ApiError } from '../../src/sandbox/status';

const CM = HUB.kind('ConfigMap');
const MC = HUB.kind('ManagedCluster');

function hub(): Store {
  const store = new Store(HUB);
  store.create(HUB.kind('Namespace'), undefined, { metadata: { name: 'default' } }, { fieldManager: 'test' });
  return store;
}

/** What resources.ts does for a PATCH with application/apply-patch+yaml. */
function apply(store: Store, t: ResourceType, name: string, config: KubeObject, manager: string, force = false, subresource?: 'status'): KubeObject {
  const namespace = t.namespaced ? 'default' : undefined;
  const current = store.get(t, namespace, name);
  const live = current ?? { apiVersion: apiVersionOf(t), kind: t.kind, metadata: {} };
  const body = { apiVersion: apiVersionOf(t), kind: t.kind, ...config, metadata: { name, ...(config.metadata ?? {}) } };
  const { object, managedFields } = applyConfiguration({ type: { kind: t.kind, apiVersion: apiVersionOf(t), statusSubresource: t.statusSubresource }, live, config: body, manager, force, subresource });
  const opts: WriteOptions = { fieldManager: manager, subresource, appliedManagedFields: managedFields ?? null };
  if (!current) return store.create(t, namespace, object, opts);
  return store.update(t, namespace, name, { ...object, metadata: { ...object.metadata, resourceVersion: current.metadata.resourceVersion } }, opts).object;
}

const owners = (o: KubeObject) => (o.metadata.managedFields ?? []).map((e: KubeObject) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`);
const fieldsOf = (o: KubeObject, manager: string, operation = 'Apply') => o.metadata.managedFields.find((e: KubeObject) => e.manager === manager && e.operation === operation)?.fieldsV1;

function conflictOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  assert.fail('expected a conflict');
}

describe('Update operations (create, PUT, patches)', () => {
  test('a create owns what it set, a new map itself included (".")', () => {
    const store = hub();
    const cm = store.create(CM, 'default', { metadata: { name: 'c', labels: { a: '1' } }, data: { k: 'v' } }, { fieldManager: 'kubectl-create' });
    assert.equal(cm.metadata.managedFields.length, 1);
    const [entry] = cm.metadata.managedFields;
    assert.deepEqual(Object.keys(entry), ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']);
    assert.equal(entry.manager, 'kubectl-create');
    assert.equal(entry.apiVersion, 'v1');
    assert.match(entry.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(entry.fieldsV1, { 'f:data': { '.': {}, 'f:k': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } } });
  });

  test('another writer takes over what it changes, adds its own fields, and a manager left with nothing is dropped', () => {
    const store = hub();
    store.create(CM, 'default', { metadata: { name: 'c' }, data: { k: 'v' } }, { fieldManager: 'first' });
    const next = store.update(CM, 'default', 'c', { ...store.get(CM, 'default', 'c')!, data: { k: 'w', j: 'x' } }, { fieldManager: 'second' }).object;
    assert.deepEqual(owners(next), ['first/Update', 'second/Update']);
    // "first" still owns the map it created, a member without children: `{}`.
    assert.deepEqual(fieldsOf(next, 'first', 'Update'), { 'f:data': {} });
    assert.deepEqual(fieldsOf(next, 'second', 'Update'), { 'f:data': { 'f:j': {}, 'f:k': {} } });
    const removed = store.update(CM, 'default', 'c', { ...store.get(CM, 'default', 'c')!, data: undefined }, { fieldManager: 'third' }).object;
    assert.deepEqual(owners(removed), [], 'removing every field leaves no owner: no managedFields at all');
    assert.equal('managedFields' in removed.metadata, false);
  });

  test('a /status write is recorded with its subresource and owns map-keyed list items (k:)', () => {
    const store = hub();
    store.create(MC, undefined, { metadata: { name: 'sno' }, spec: { hubAcceptsClient: true } }, { fieldManager: 'test' });
    const status = { conditions: [{ type: 'ManagedClusterConditionAvailable', status: 'True', reason: 'R', message: 'm', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    const mc = store.update(MC, undefined, 'sno', { ...store.get(MC, undefined, 'sno')!, status }, { fieldManager: 'registration-controller', subresource: 'status' }).object;
    const entry = mc.metadata.managedFields.find((e: KubeObject) => e.subresource === 'status');
    assert.equal(entry.manager, 'registration-controller');
    assert.deepEqual(Object.keys(entry).at(-1), 'subresource');
    assert.deepEqual(entry.fieldsV1, {
      'f:status': { '.': {}, 'f:conditions': { '.': {}, 'k:{"type":"ManagedClusterConditionAvailable"}': { '.': {}, 'f:lastTransitionTime': {}, 'f:message': {}, 'f:reason': {}, 'f:status': {}, 'f:type': {} } } },
    });
  });

  test('managedFields sent by a client replace the stored ones when valid; [] resets them and later updates are not tracked', () => {
    const store = hub();
    store.create(CM, 'default', { metadata: { name: 'c' }, data: { k: 'v' } }, { fieldManager: 'first' });
    const mine = [{ manager: 'mine', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:k': {} } } }];
    const set = store.update(CM, 'default', 'c', { ...store.get(CM, 'default', 'c')!, metadata: { ...store.get(CM, 'default', 'c')!.metadata, managedFields: mine } }, { fieldManager: 'patcher' }).object;
    assert.deepEqual(set.metadata.managedFields, mine);
    const invalid = store.update(CM, 'default', 'c', { ...store.get(CM, 'default', 'c')!, data: { k: 'v2' }, metadata: { ...store.get(CM, 'default', 'c')!.metadata, managedFields: [{ manager: 'x', operation: 'Bogus' }] } }, { fieldManager: 'patcher' }).object;
    assert.deepEqual(owners(invalid), ['patcher/Update'], 'invalid entries are ignored: the live ones are the base, and "patcher" takes k over from "mine"');
    const reset = store.update(CM, 'default', 'c', { ...store.get(CM, 'default', 'c')!, metadata: { ...store.get(CM, 'default', 'c')!.metadata, managedFields: [] } }, { fieldManager: 'patcher' }).object;
    assert.equal('managedFields' in reset.metadata, false);
    const untracked = store.update(CM, 'default', 'c', { ...store.get(CM, 'default', 'c')!, data: { k: 'v3' } }, { fieldManager: 'later' }).object;
    assert.equal('managedFields' in untracked.metadata, false, 'skipnonapplied: no tracking until the next apply');
    const applied = apply(store, CM, 'c', { data: { other: '1' } }, 'applier');
    assert.deepEqual(owners(applied), ['applier/Apply', 'before-first-apply/Update']);
    assert.deepEqual(fieldsOf(applied, 'before-first-apply', 'Update'), { 'f:data': { '.': {}, 'f:k': {} } });
  });
});

describe('Apply operations', () => {
  test('an apply owns the leaves it sent, without "." for maps; a second manager with another value conflicts (409)', () => {
    const store = hub();
    const created = apply(store, CM, 'c', { data: { x: '1', y: '1' } }, 'a');
    assert.deepEqual(fieldsOf(created, 'a'), { 'f:data': { 'f:x': {}, 'f:y': {} } });
    const error = conflictOf(() => apply(store, CM, 'c', { data: { x: '2' } }, 'b'));
    assert.deepEqual(error.toStatus(), {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 409, reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "a": .data.x',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.data.x' }] },
    });
    assert.equal(store.get(CM, 'default', 'c')!.data.x, '1', 'a refused apply changes nothing');
  });

  test('the same value is shared, not a conflict; force takes the field over and the loser keeps the rest', () => {
    const store = hub();
    apply(store, CM, 'c', { data: { x: '1', y: '1' } }, 'a');
    const shared = apply(store, CM, 'c', { data: { x: '1' } }, 'b');
    // The object did not change, so b's entry has no time (managedfieldsupdater.go sets it only for a changed
    // object) and sorts first (sortEncodedManagedFields: a missing time counts as 0).
    assert.deepEqual(owners(shared), ['b/Apply', 'a/Apply']);
    assert.equal('time' in shared.metadata.managedFields[0], false);
    const forced = apply(store, CM, 'c', { data: { x: '2' } }, 'b', true);
    assert.equal(forced.data.x, '2');
    assert.deepEqual(fieldsOf(forced, 'a'), { 'f:data': { 'f:y': {} } });
    assert.deepEqual(fieldsOf(forced, 'b'), { 'f:data': { 'f:x': {} } });
  });

  test('conflicts with an Update manager name its API version; several conflicts are listed by manager', () => {
    const store = hub();
    store.create(CM, 'default', { metadata: { name: 'c', labels: { l: '1' } }, data: { x: '1', y: '1' } }, { fieldManager: 'kubectl-create' });
    const one = conflictOf(() => apply(store, CM, 'c', { data: { x: '2' } }, 'b'));
    assert.equal(one.message, 'Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .data.x');
    const two = conflictOf(() => apply(store, CM, 'c', { metadata: { labels: { l: '2' } }, data: { x: '2' } }, 'b'));
    assert.equal(two.message, 'Apply failed with 2 conflicts: conflicts with "kubectl-create" using v1:\n- .data.x\n- .metadata.labels.l');
  });

  test('a field the manager applied before and omits now is removed, unless another manager owns it', () => {
    const store = hub();
    apply(store, CM, 'c', { data: { x: '1', y: '1', z: '1' } }, 'a');
    apply(store, CM, 'c', { data: { z: '1' } }, 'b');
    const after = apply(store, CM, 'c', { data: { x: '1' } }, 'a');
    assert.deepEqual(after.data, { x: '1', z: '1' });
    assert.deepEqual(fieldsOf(after, 'a'), { 'f:data': { 'f:x': {} } });
    const labels = apply(store, CM, 'c', { metadata: { labels: { only: 'a' } }, data: { x: '1' } }, 'a');
    assert.deepEqual(labels.metadata.labels, { only: 'a' });
    const gone = apply(store, CM, 'c', { data: { x: '1' } }, 'a');
    assert.equal('labels' in gone.metadata, false, 'the last label removed takes the map with it');
  });

  test('an apply that changes nothing keeps the object and its resourceVersion', () => {
    const store = hub();
    const first = apply(store, CM, 'c', { data: { x: '1' } }, 'a');
    const again = apply(store, CM, 'c', { data: { x: '1' } }, 'a');
    assert.equal(again.metadata.resourceVersion, first.metadata.resourceVersion);
  });

  test('finalizers are a set (v:), ownerReferences a map keyed by uid (k:), as ObjectMeta declares them', () => {
    const store = hub();
    const ref = { apiVersion: 'v1', kind: 'Namespace', name: 'default', uid: 'u-1' };
    const cm = apply(store, CM, 'c', { metadata: { finalizers: ['example.com/a'], ownerReferences: [ref] } }, 'a');
    assert.deepEqual(fieldsOf(cm, 'a'), {
      'f:metadata': { 'f:finalizers': { 'v:"example.com/a"': {} }, 'f:ownerReferences': { 'k:{"uid":"u-1"}': { '.': {}, 'f:apiVersion': {}, 'f:kind': {}, 'f:name': {}, 'f:uid': {} } } },
    });
    const both = apply(store, CM, 'c', { metadata: { finalizers: ['example.com/b'] } }, 'b');
    assert.deepEqual(both.metadata.finalizers, ['example.com/a', 'example.com/b'], 'a set merges item by item');
  });

  test('an IBGU plan is atomic (the CRD declares no list type): applied whole, owned as one field', () => {
    const IBGU = HUB.kind('ImageBasedGroupUpgrade');
    const store = hub();
    const spec = { ibuSpec: { seedImageRef: { image: 'quay.io/x:1', version: '4.18.1' } }, clusterLabelSelectors: [{ matchLabels: { a: 'b' } }], plan: [{ actions: ['Prep'], rolloutStrategy: { maxConcurrency: 1, timeout: 60 } }] };
    const ibgu = apply(store, IBGU, 'u', { spec }, 'a');
    assert.deepEqual(fieldsOf(ibgu, 'a')['f:spec']['f:plan'], {});
    assert.deepEqual(fieldsOf(ibgu, 'a')['f:spec']['f:clusterLabelSelectors'], {});
  });

  test('managedFields in an apply body are refused (400)', () => {
    const store = hub();
    const error = conflictOf(() => apply(store, CM, 'c', { metadata: { managedFields: [] } }, 'a'));
    assert.equal(error.code, 400);
    assert.equal(error.message, 'metadata.managedFields must be nil');
  });
});

describe('etcd\'s request limit and managedFields', () => {
  // 14,000 keys of 40 bytes with 60-byte values: about 1.45 MB as JSON (data under ConfigMap's 1 MiB of
  // values), and each key adds about 50 bytes of managedFields, which takes the object past etcd's 1.5 MiB.
  const data = Object.fromEntries(Array.from({ length: 14_000 }, (_, i) => [`key-${String(i).padStart(36, '0')}`, 'v'.repeat(60)]));

  test('a create too large with its managedFields is stored without them (create.go retries without)', () => {
    const store = hub();
    const cm = store.create(CM, 'default', { metadata: { name: 'big' }, data }, { fieldManager: 'kubectl-create', fromClient: true });
    assert.equal('managedFields' in cm.metadata, false);
    assert.equal(Object.keys(store.get(CM, 'default', 'big')!.data).length, 14_000);
  });

  test('the same object applied server-side is refused: 500 "etcdserver: request is too large" (no retry for apply)', () => {
    const store = hub();
    const t = CM;
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data };
    const { object, managedFields } = applyConfiguration({ type: { kind: t.kind, apiVersion: 'v1', statusSubresource: false }, live: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }, config: body, manager: 'kubectl', force: false });
    const error = conflictOf(() => store.create(t, 'default', object, { fieldManager: 'kubectl', appliedManagedFields: managedFields ?? null, fromClient: true }));
    assert.deepEqual(error.toStatus(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'etcdserver: request is too large', code: 500 });
    assert.equal(store.get(t, 'default', 'big'), undefined);
  });
});

describe('metadata omitempty', () => {
  test('empty labels, annotations, finalizers and ownerReferences are not stored, on a ConfigMap and a custom resource', () => {
    const store = hub();
    const empty = { labels: {}, annotations: {}, finalizers: [], ownerReferences: [] };
    const cm = store.create(CM, 'default', { metadata: { name: 'c', ...empty }, data: { k: 'v' } }, { fieldManager: 'm' });
    const mc = store.create(MC, undefined, { metadata: { name: 'sno', labels: { a: '1' }, finalizers: ['f'] }, spec: { hubAcceptsClient: true } }, { fieldManager: 'm' });
    for (const o of [cm]) for (const f of Object.keys(empty)) assert.equal(f in o.metadata, false, f);
    const stripped = store.update(MC, undefined, 'sno', { ...mc, metadata: { ...mc.metadata, labels: {}, finalizers: [] } }, { fieldManager: 'm' }).object;
    assert.equal('labels' in stripped.metadata, false);
    assert.equal('finalizers' in stripped.metadata, false);
  });
});

describe('field sets', () => {
  test('the fast path of creates serializes exactly what the comparison with an empty object adds', () => {
    const mc = {
      apiVersion: 'cluster.open-cluster-management.io/v1', kind: 'ManagedCluster',
      metadata: { name: 'sno', labels: { b: '2', a: '1' }, annotations: {}, finalizers: ['z', 'y'], ownerReferences: [{ uid: 'u2', name: 'n' }, { uid: 'u1', name: 'm' }] },
      spec: { hubAcceptsClient: true, managedClusterClientConfigs: [{ url: 'https://x' }], taints: [] },
      status: { conditions: [{ type: 'B', status: 'True' }, { type: 'A', status: 'False' }], capacity: { cpu: '4' }, managedNamespaces: [{ clusterSet: 's', name: 'n', conditions: [{ type: 'T' }] }] },
    };
    const schema = fieldSchemaOf('ManagedCluster');
    assert.deepEqual(JSON.stringify(createdFieldsV1(mc, schema)), JSON.stringify(compare({}, mc, schema).added.toFieldsV1()));
  });

  test('FieldsV1 round-trips, paths print as the API server prints them', () => {
    const v1 = { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } }, 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:status': {} } } } };
    const set = FieldSet.fromFieldsV1(v1);
    assert.deepEqual(set.toFieldsV1(), v1);
    assert.deepEqual(set.paths().map(printPath), ['.metadata.labels', '.metadata.labels.a', '.status.conditions[type="Ready"]', '.status.conditions[type="Ready"].status']);
    assert.equal(printPath(['f:metadata', 'f:finalizers', 'v:"x"']), '.metadata.finalizers[="x"]');
    assert.throws(() => FieldSet.fromFieldsV1({ 'x:y': {} }), /unknown path element/);
  });
});
