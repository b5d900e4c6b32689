/**
 * The sandbox's structural-schema admission (src/sandbox/structural), unit by unit and over HTTPS. Expected
 * texts are kube-apiserver's, from its source: field errors (k8s.io/apimachinery
 * pkg/util/validation/field/errors.go), schema messages (k8s.io/kube-openapi pkg/validation/errors/schema.go),
 * pruning and defaulting (apiextensions-apiserver pkg/apiserver/schema/pruning/algorithm.go,
 * defaulting/algorithm.go, defaulting/prunenulls.go), strict decoding in handlers (k8s.io/apiserver
 * pkg/endpoints/handlers/create.go, patch.go, rest.go) and server-side apply (k8s.io/apimachinery
 * pkg/util/managedfields/internal/structuredmerge.go).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { arr, int, intOrString, num, obj, openObj, str, stringMap, withAttrs } from '../../src/core/schema/types';
import { ibguSchema } from '../../src/core/schema/talm';
import { manifestWorkReplicaSetSchema } from '../../src/core/schema/ocm';
import { applyDefaults, dropNulls, prune } from '../../src/sandbox/structural/prune';
import { validateInvariants, validateValue } from '../../src/sandbox/structural/validate';
import { errorText } from '../../src/sandbox/structural/field-errors';
import { duplicateFields } from '../../src/sandbox/structural/duplicates';
import { warningHeader } from '../../src/sandbox/structural/admission';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { HUB } from '../../src/sandbox/registry';
import { rawCall } from '../helpers/raw-https';

const texts = (value: unknown, schema: Parameters<typeof validateValue>[1], path = 'spec') => validateValue(value, schema, path).map(errorText);

describe('pruning, nulls and defaults', () => {
  test('unknown fields are removed and reported by path, sorted; preserved and embedded objects keep theirs', () => {
    const schema = obj({
      apiVersion: str(), kind: str(), metadata: obj({ name: str() }),
      spec: obj({ items: arr(obj({ a: str() })), open: openObj({ known: str() }), any: { type: 'any' } }),
    });
    const value: any = {
      apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n', nope: 1 }, zz: 1,
      spec: { items: [{ a: 'x', b: 1 }, { c: 2 }], open: { known: 'k', extra: { deep: true } }, any: { whatever: [1] } },
    };
    assert.deepEqual(prune(value, schema), ['metadata.nope', 'spec.items[0].b', 'spec.items[1].c', 'zz']);
    assert.deepEqual(value, {
      apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n' },
      spec: { items: [{ a: 'x' }, {}], open: { known: 'k', extra: { deep: true } }, any: { whatever: [1] } },
    });
  });

  test('nulls: dropped where neither nullable nor defaulted, kept where nullable, replaced by the default otherwise', () => {
    const schema = obj({ plain: str(), maybe: str(undefined, { nullable: true }), timeout: int(undefined, { default: 240 }), list: arr(str()) });
    const value: any = { plain: null, maybe: null, timeout: null, list: [null] };
    dropNulls(value, schema);
    applyDefaults(value, schema);
    assert.deepEqual(value, { maybe: null, timeout: 240, list: [null] });
    assert.deepEqual(texts(value.list, schema.properties.list!, 'spec.list'), ['spec.list[0]: Invalid value: "null": spec.list[0] in body must be of type string: "null"']);
  });

  test('defaults go top-down: an object default is itself defaulted, a missing parent gets none', () => {
    const mwrs: any = { spec: { placementRefs: [{ name: 'p' }], manifestWorkTemplate: { workload: {} } } };
    applyDefaults(mwrs, manifestWorkReplicaSetSchema);
    assert.equal(mwrs.spec.cascadeDeletionPolicy, 'Background');
    assert.deepEqual(mwrs.spec.placementRefs[0].rolloutStrategy, { type: 'All', all: { progressDeadline: 'None', minSuccessTime: '0', maxFailures: 0 } });
    assert.equal(mwrs.spec.manifestWorkTemplate.deleteOption, undefined);
    const ibgu: any = { spec: { plan: [{ actions: ['Prep'], rolloutStrategy: { maxConcurrency: 1 } }] } };
    applyDefaults(ibgu, ibguSchema);
    assert.equal(ibgu.spec.plan[0].rolloutStrategy.timeout, 240);
  });
});

describe('validation messages', () => {
  test('type errors name the JSON type found, and a format is checked first for non-strings', () => {
    assert.deepEqual(texts('ten', int()), ['spec: Invalid value: "string": spec in body must be of type integer: "string"']);
    assert.deepEqual(texts(1.5, int()), ['spec: Invalid value: "number": spec in body must be of type integer: "number"']);
    assert.deepEqual(texts(true, int(undefined, { format: 'int32' })), ['spec: Invalid value: "": spec in body must be of type int32: ""']);
    assert.deepEqual(texts(3, num()), []);
    assert.deepEqual(texts({}, str()), ['spec: Invalid value: "object": spec in body must be of type string: "object"']);
    assert.deepEqual(texts(true, intOrString()), ['spec: Invalid value: "boolean": spec in body must be of type integer,string: "boolean"']);
  });

  test('required, enum, lengths, pattern, ranges, items', () => {
    const schema = obj({
      stage: str(undefined, { enum: ['Idle', 'Prep'] }),
      name: str(undefined, { minLength: 1, maxLength: 3, pattern: '^[a-z]+$' }),
      count: int(undefined, { minimum: 0, maximum: 5 }),
      list: arr(str(), undefined, { minItems: 1, maxItems: 2 }),
      when: str(undefined, { format: 'date-time' }),
    }, undefined, ['stage', 'must']);
    assert.deepEqual(texts({ stage: 'Nope', name: 'ABCD', count: 9, list: ['a', 'b', 'c'], when: 'tomorrow' }, schema), [
      'spec.must: Required value',
      'spec.stage: Unsupported value: "Nope": supported values: "Idle", "Prep"',
      'spec.name: Too long: may not be more than 3 bytes',
      "spec.name: Invalid value: \"ABCD\": spec.name in body should match '^[a-z]+$'",
      'spec.count: Invalid value: 9: spec.count in body should be less than or equal to 5',
      'spec.list: Too many: 3: must have at most 2 items',
      'spec.when: Invalid value: "tomorrow": spec.when in body must be of type date-time: "tomorrow"',
    ]);
    assert.deepEqual(texts({ stage: 'Idle', must: 1, name: '', count: -1, list: [] }, schema), [
      'spec.name: Invalid value: "": spec.name in body should be at least 1 chars long',
      "spec.name: Invalid value: \"\": spec.name in body should match '^[a-z]+$'",
      'spec.count: Invalid value: -1: spec.count in body should be greater than or equal to 0',
      'spec.list: Invalid value: 0: spec.list in body should have at least 1 items',
    ]);
  });

  test('list invariants: set and map lists hold no duplicates; embedded resources name apiVersion and kind', () => {
    const schema = obj({
      set: withAttrs(arr(str()), { listType: 'set' }),
      conds: withAttrs(arr(obj({ type: str() })), { listType: 'map', listMapKeys: ['type'] }),
      manifests: arr(openObj({}, undefined, { embedded: true })),
      labels: stringMap(),
    });
    const errors = validateInvariants({ set: ['a', 'b', 'a'], conds: [{ type: 'A' }, { type: 'A' }], manifests: [{ apiVersion: 'v1' }] }, schema, 'spec').map(errorText);
    assert.deepEqual(errors, [
      'spec.set[2]: Duplicate value: "a"',
      'spec.conds[1]: Duplicate value: map[string]interface {}{"type":"A"}',
      'spec.manifests[0].kind: Required value',
    ]);
  });

  test('duplicate JSON keys are found with their paths; warnings are quoted for the header', () => {
    assert.deepEqual(duplicateFields('{"a":1,"b":{"c":[{"d":1,"d":2}],"c":3},"a":"x\\"y"}'), ['b.c[0].d', 'b.c', 'a']);
    assert.equal(warningHeader('unknown field "spec.foo"'), '299 - "unknown field \\"spec.foo\\""');
  });

  test('every served type has a schema, and every hub custom resource validates its spec', () => {
    for (const t of HUB.types) assert.equal(t.schema.type, 'object', t.kind);
  });
});

describe('admission over HTTPS', () => {
  let hub: Sandbox;
  const NS = 'default';
  const base = '/apis/lcm.openshift.io/v1alpha1/namespaces/default/imagebasedgroupupgrades';
  const ibgu = (name: string, spec: Record<string, unknown> = {}) => ({
    apiVersion: 'lcm.openshift.io/v1alpha1', kind: 'ImageBasedGroupUpgrade', metadata: { name, namespace: NS },
    spec: { ibuSpec: { seedImageRef: { image: 'quay.io/a/b:1', version: '4.18.1' } }, clusterLabelSelectors: [{ matchLabels: { a: 'b' } }], plan: [{ actions: ['Prep'], rolloutStrategy: { maxConcurrency: 1 } }], ...spec },
  });

  before(async () => {
    hub = await startSandbox({ clusters: 1, controllers: false });
  });
  after(() => hub?.stop());

  test('no fieldValidation means Warn: a Warning header per unknown field, the fields pruned, defaults written', async () => {
    const r = await rawCall(hub, 'POST', base, { body: ibgu('warned', { foo: 1, bar: { baz: 2 } }) });
    assert.equal(r.status, 201);
    assert.deepEqual(r.headers.warning, '299 - "unknown field \\"spec.bar\\"", 299 - "unknown field \\"spec.foo\\""');
    assert.equal(r.body.spec.foo, undefined);
    assert.equal(r.body.spec.plan[0].rolloutStrategy.timeout, 240);
  });

  test('Ignore prunes in silence; Strict refuses create with 400 and duplicate fields too', async () => {
    const ignored = await rawCall(hub, 'POST', `${base}?fieldValidation=Ignore`, { body: ibgu('ignored', { foo: 1 }) });
    assert.equal(ignored.status, 201);
    assert.equal(ignored.headers.warning, undefined);
    assert.equal(ignored.body.spec.foo, undefined);
    const dup = JSON.stringify(ibgu('dup')).replace('"namespace":"default"', '"namespace":"default","name":"dup"');
    const strict = await rawCall(hub, 'POST', `${base}?fieldValidation=Strict`, { body: dup.replace('"spec":{', '"spec":{"foo":1,') });
    assert.equal(strict.status, 400);
    assert.equal(strict.body.reason, 'BadRequest');
    assert.equal(strict.body.message, 'ImageBasedGroupUpgrade in version "v1alpha1" cannot be handled as a ImageBasedGroupUpgrade: strict decoding error: duplicate field "metadata.name", unknown field "spec.foo"');
  });

  test('a Strict patch whose result has an unknown field is a 422 on the path `patch`, quoting the patched object', async () => {
    assert.equal((await rawCall(hub, 'POST', base, { body: ibgu('patched') })).status, 201);
    const r = await rawCall(hub, 'PATCH', `${base}/patched?fieldValidation=Strict`, { body: { spec: { foo: 1 } }, contentType: 'application/merge-patch+json' });
    assert.equal(r.status, 422);
    assert.match(r.body.message, /^ "" is invalid: patch: Invalid value: "\{\\"apiVersion\\":\\"lcm\.openshift\.io\/v1alpha1\\",.*\\"foo\\":1.*\}": strict decoding error: unknown field "spec\.foo"$/);
    assert.deepEqual(r.body.details.causes.map((c: any) => [c.reason, c.field]), [['FieldValueInvalid', 'patch']]);
    const warned = await rawCall(hub, 'PATCH', `${base}/patched`, { body: { spec: { foo: 1 } }, contentType: 'application/merge-patch+json' });
    assert.equal(warned.status, 200);
    assert.equal(warned.headers.warning, '299 - "unknown field \\"spec.foo\\""');
  });

  test('server-side apply refuses a field the schema lacks with the typed-patch error (500)', async () => {
    const r = await rawCall(hub, 'PATCH', `${base}/applied?fieldManager=t`, { body: JSON.stringify(ibgu('applied', { foo: 1 })), contentType: 'application/apply-patch+yaml' });
    assert.equal(r.status, 500);
    assert.equal(r.body.message, 'failed to create typed patch object (default/applied; lcm.openshift.io/v1alpha1, Kind=ImageBasedGroupUpgrade): .spec.foo: field not declared in schema');
  });

  test('CEL rules keep their 422 wording; a type error stops them', async () => {
    assert.equal((await rawCall(hub, 'POST', base, { body: ibgu('cel') })).status, 201);
    const current = (await rawCall(hub, 'GET', `${base}/cel`)).body;
    current.spec.plan = [];
    const removed = await rawCall(hub, 'PUT', `${base}/cel`, { body: current });
    assert.equal(removed.status, 422);
    assert.ok(removed.body.details.causes.some((c: any) => c.message === 'Invalid value: "array": plan is append only'), JSON.stringify(removed.body));
    current.spec.plan = [{ actions: ['Prep'], rolloutStrategy: { maxConcurrency: 'one' } }];
    const typed = await rawCall(hub, 'PUT', `${base}/cel`, { body: current });
    assert.deepEqual(typed.body.details.causes.map((c: any) => c.reason), ['FieldValueTypeInvalid', 'FieldValueInvalid']);
    assert.match(typed.body.details.causes[1].message, /some validation rules were not checked/);
  });

  test('updates ratchet: a stored invalid value may stay, a changed one is checked; /status writes are checked', async () => {
    const mc = HUB.kind('ManagedCluster');
    // Written by a controller (not validated), as an object stored before its CRD got stricter.
    hub.store.create(mc, undefined, { metadata: { name: 'old' }, spec: { taints: [{ key: 'bad key', effect: 'NoSelect' }] } });
    const url = '/apis/cluster.open-cluster-management.io/v1/managedclusters/old';
    const kept = await rawCall(hub, 'PATCH', url, { body: { spec: { hubAcceptsClient: true } }, contentType: 'application/merge-patch+json' });
    assert.equal(kept.status, 200, JSON.stringify(kept.body));
    const changed = await rawCall(hub, 'PATCH', url, { body: { spec: { taints: [{ key: 'worse key', effect: 'NoSelect' }] } }, contentType: 'application/merge-patch+json' });
    assert.equal(changed.status, 422);
    assert.equal(changed.body.details.causes[0].field, 'spec.taints[0].key');
    const status = await rawCall(hub, 'PATCH', `${url}/status`, { body: { status: { conditions: [{ type: 'ManagedClusterJoined', status: 'Maybe', reason: 'R', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }] } }, contentType: 'application/merge-patch+json' });
    assert.equal(status.status, 422);
    assert.equal(status.body.message, 'ManagedCluster.cluster.open-cluster-management.io "old" is invalid: status.conditions[0].status: Unsupported value: "Maybe": supported values: "True", "False", "Unknown"');
  });

  test('built-ins: unknown fields of a Secret are warned about, a non-string label is a 400 decoding error', async () => {
    const secret = await rawCall(hub, 'POST', '/api/v1/namespaces/default/secrets', { body: { metadata: { name: 's' }, stringData: { a: 'b' }, typo: 1 } });
    assert.equal(secret.status, 201);
    assert.equal(secret.headers.warning, '299 - "unknown field \\"typo\\""');
    const ns = await rawCall(hub, 'POST', '/api/v1/namespaces', { body: { metadata: { name: 'n1', labels: { a: 1 } } } });
    assert.equal(ns.status, 400);
    assert.equal(ns.body.message, 'Namespace in version "v1" cannot be handled as a Namespace: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
  });
});
