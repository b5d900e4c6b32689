/**
 * Protobuf on the sandbox's HTTPS API, request by request: bodies with the metadata kubectl's generators never
 * set (labels, annotations, owner references, finalizers, generateName), answers negotiated from Accept
 * (objects, lists, error Status), DeleteOptions, and what a custom resource gets.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { decodeEnvelope, decodeObject, encodeObject } from '../../src/sandbox/protobuf/codec';
import { messageFor } from '../../src/sandbox/protobuf/messages';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const KUBECTL_ACCEPT = `${PROTOBUF},application/json`;
const CM_PATH = '/api/v1/namespaces/default/configmaps';
const IBGU_PATH = '/apis/lcm.openshift.io/v1alpha1/namespaces/default/imagebasedgroupupgrades';

let hub: Sandbox;

interface BinaryReply { status: number; contentType: string; body: Buffer }

/** One request with a binary-safe body and answer. */
function call(method: string, path: string, opts: { body?: Uint8Array | string; contentType?: string; accept?: string } = {}): Promise<BinaryReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${hub.token}`, ...(opts.accept ? { Accept: opts.accept } : {}) };
    if (opts.body !== undefined) {
      headers['Content-Type'] = opts.contentType ?? PROTOBUF;
      headers['Content-Length'] = String(Buffer.byteLength(opts.body));
    }
    const req = https.request(`${hub.url}${path}`, { method, headers, ca: hub.caPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A protobuf answer as an object (and checks it is one). */
function fromProtobuf(reply: BinaryReply): any {
  assert.equal(reply.contentType, PROTOBUF, reply.body.toString());
  const envelope = decodeEnvelope(reply.body);
  return decodeObject(envelope, messageFor(envelope.apiVersion, envelope.kind)!);
}

const fromJson = (reply: BinaryReply): any => {
  assert.equal(reply.contentType, 'application/json', reply.body.toString('hex'));
  return JSON.parse(reply.body.toString());
};

before(async () => {
  hub = await startSandbox({ clusters: 1, controllers: false });
});
after(async () => {
  await hub.stop();
});

describe('protobuf request bodies', () => {
  test('ObjectMeta from protobuf: generateName, labels, annotations, ownerReferences, finalizers', async () => {
    const body = encodeObject({
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: {
        generateName: 'oadp-', labels: { 'lcm.openshift.io/ibgu': 'wave1' }, annotations: { 'lca.openshift.io/apply-wave': '1' },
        ownerReferences: [{ apiVersion: 'lcm.openshift.io/v1alpha1', kind: 'ImageBasedGroupUpgrade', name: 'wave1', uid: '0b9a4b7e-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: false }],
        finalizers: ['example.com/keep'],
      },
      data: { 'dpa.yaml': 'kind: DataProtectionApplication\n' },
    })!;
    const created = fromJson(await call('POST', CM_PATH, { body, accept: 'application/json' }));
    assert.match(created.metadata.name, /^oadp-[a-z0-9]{5}$/);
    assert.deepEqual(created.metadata.labels, { 'lcm.openshift.io/ibgu': 'wave1' });
    assert.deepEqual(created.metadata.annotations, { 'lca.openshift.io/apply-wave': '1' });
    // Pointer fields keep a false that was sent; the JSON decoder would keep it too.
    assert.deepEqual(created.metadata.ownerReferences, [{ apiVersion: 'lcm.openshift.io/v1alpha1', kind: 'ImageBasedGroupUpgrade', name: 'wave1', uid: '0b9a4b7e-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: false }]);
    assert.deepEqual(created.metadata.finalizers, ['example.com/keep']);
    assert.deepEqual(created.data, { 'dpa.yaml': 'kind: DataProtectionApplication\n' });
    // The same object, asked for in protobuf, decodes to what JSON said.
    const again = fromProtobuf(await call('GET', `${CM_PATH}/${created.metadata.name}`, { accept: KUBECTL_ACCEPT }));
    assert.deepEqual(again, created);
  });

  test('PUT with a protobuf body replaces; a kind that does not match the URL is refused', async () => {
    const created = fromProtobuf(await call('POST', CM_PATH, { body: encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'put-me' }, data: { a: '1' } })!, accept: KUBECTL_ACCEPT }));
    const replaced = fromProtobuf(await call('PUT', `${CM_PATH}/put-me`, { body: encodeObject({ ...created, data: { a: '2' } })!, accept: KUBECTL_ACCEPT }));
    assert.deepEqual(replaced.data, { a: '2' });
    assert.notEqual(replaced.metadata.resourceVersion, created.metadata.resourceVersion);
    const wrong = await call('POST', CM_PATH, { body: encodeObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } })!, accept: 'application/json' });
    assert.equal(wrong.status, 400);
    assert.match(fromJson(wrong).message, /Secret/);
  });

  test('DeleteOptions in protobuf: preconditions are enforced, dryRun keeps the object', async () => {
    const created = fromJson(await call('POST', CM_PATH, { body: encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'del-me' } })!, accept: 'application/json' }));
    const options = (extra: object) => encodeObject({ apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions', ...extra });
    const wrongRv = await call('DELETE', `${CM_PATH}/del-me`, { body: options({ preconditions: { resourceVersion: '1' } })!, accept: KUBECTL_ACCEPT });
    assert.equal(wrongRv.status, 409);
    assert.equal(fromProtobuf(wrongRv).reason, 'Conflict');
    const dry = await call('DELETE', `${CM_PATH}/del-me`, { body: options({ dryRun: ['All'] })!, accept: 'application/json' });
    assert.equal(dry.status, 200);
    assert.equal((await call('GET', `${CM_PATH}/del-me`)).status, 200);
    const done = await call('DELETE', `${CM_PATH}/del-me`, { body: options({ preconditions: { uid: created.metadata.uid } })!, accept: KUBECTL_ACCEPT });
    assert.equal(fromProtobuf(done).status, 'Success');
    assert.equal((await call('GET', `${CM_PATH}/del-me`)).status, 404);
  });

  test('hostile bodies are a JSON or protobuf 400 Status, and the server keeps serving', async () => {
    const bad = await call('POST', CM_PATH, { body: Buffer.from('6b387300ffffffffffffffffffffff', 'hex'), accept: 'application/json' });
    assert.equal(bad.status, 400);
    assert.match(fromJson(bad).message, /^the object provided is unrecognized \(must be of type ConfigMap\): proto: integer overflow \(/);
    const json = await call('POST', CM_PATH, { body: '{"metadata":{"name":"j"}}', accept: KUBECTL_ACCEPT });
    assert.equal(json.status, 400);
    assert.match(fromProtobuf(json).message, /provided data does not appear to be a protobuf message, expected prefix \[107 56 115 0\]/);
    assert.equal((await call('GET', CM_PATH, { accept: 'application/json' })).status, 200);
  });

  test('a custom resource: a protobuf body is a 400 as upstream (no Unstructured in protobuf); a PATCH in protobuf is 415', async () => {
    const body = encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })!;
    const cr = await call('POST', IBGU_PATH, { body, accept: 'application/json' });
    assert.equal(cr.status, 400);
    assert.equal(fromJson(cr).message, 'ConfigMap in version "v1" cannot be handled as a ImageBasedGroupUpgrade: object *unstructured.Unstructured does not implement the protobuf marshalling interface and cannot be encoded to a protobuf message');
    const patch = await call('PATCH', `${CM_PATH}/x`, { body, accept: 'application/json' });
    assert.equal(patch.status, 415);
    assert.match(fromJson(patch).message, /^the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json, /);
  });
});

describe('protobuf answers', () => {
  test('lists: a ConfigMapList with its ListMeta, paged', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) {
      assert.equal((await call('POST', CM_PATH, { body: encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { page: 'yes' } } })! })).status, 201);
    }
    const first = fromProtobuf(await call('GET', `${CM_PATH}?labelSelector=page%3Dyes&limit=2`, { accept: KUBECTL_ACCEPT }));
    assert.equal(first.kind, 'ConfigMapList');
    assert.deepEqual(first.items.map((i: any) => i.metadata.name), ['page-a', 'page-b']);
    assert.equal(first.metadata.remainingItemCount, 1);
    const rest = fromProtobuf(await call('GET', `${CM_PATH}?labelSelector=page%3Dyes&limit=2&continue=${encodeURIComponent(first.metadata.continue)}`, { accept: KUBECTL_ACCEPT }));
    assert.deepEqual(rest.items.map((i: any) => i.metadata.name), ['page-c']);
    const namespaces = fromProtobuf(await call('GET', '/api/v1/namespaces', { accept: PROTOBUF }));
    assert.equal(namespaces.kind, 'NamespaceList');
    assert.ok(namespaces.items.some((n: any) => n.metadata.name === 'default' && n.status.phase === 'Active'));
  });

  test('JSON first, tables and no Accept stay JSON', async () => {
    fromJson(await call('GET', CM_PATH, { accept: `application/json,${PROTOBUF}` }));
    fromJson(await call('GET', CM_PATH));
    const table = fromJson(await call('GET', CM_PATH, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' }));
    assert.equal(table.kind, 'Table');
  });

  test('errors: the Status is protobuf when protobuf comes first, for built-ins and custom resources alike', async () => {
    const missing = await call('GET', `${CM_PATH}/nope`, { accept: KUBECTL_ACCEPT });
    assert.equal(missing.status, 404);
    assert.deepEqual(fromProtobuf(missing), { apiVersion: 'v1', kind: 'Status', status: 'Failure', message: 'configmaps "nope" not found', reason: 'NotFound', details: { name: 'nope', kind: 'configmaps' }, code: 404 });
    const crMissing = await call('GET', `${IBGU_PATH}/nope`, { accept: KUBECTL_ACCEPT });
    assert.equal(crMissing.status, 404);
    assert.equal(fromProtobuf(crMissing).reason, 'NotFound');
  });

  test('a custom resource answers JSON to kubectl\'s typed Accept, and 406 to protobuf alone', async () => {
    const list = fromJson(await call('GET', IBGU_PATH, { accept: KUBECTL_ACCEPT }));
    assert.equal(list.kind, 'ImageBasedGroupUpgradeList');
    const refused = await call('GET', IBGU_PATH, { accept: PROTOBUF });
    assert.equal(refused.status, 406);
    assert.deepEqual(fromProtobuf(refused), { apiVersion: 'v1', kind: 'Status', status: 'Failure', reason: 'NotAcceptable', code: 406, message: 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf' });
    // Negotiated before the work: nothing was created.
    const post = await call('POST', IBGU_PATH, { body: '{"apiVersion":"lcm.openshift.io/v1alpha1","kind":"ImageBasedGroupUpgrade","metadata":{"name":"never"}}', contentType: 'application/json', accept: PROTOBUF });
    assert.equal(post.status, 406);
    assert.equal((await call('GET', `${IBGU_PATH}/never`)).status, 404);
  });
});
