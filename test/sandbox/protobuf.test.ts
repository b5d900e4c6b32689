/**
 * The sandbox's protobuf codec (src/sandbox/protobuf/) against bytes kubectl really sent and bytes derived by
 * hand from Kubernetes' generated.proto files (field numbers in the comments), plus hostile bodies: every
 * refusal must be a 400 ApiError, never a crash or a hang.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEnvelope, decodeObject, encodeObject, PROTOBUF_MAGIC } from '../../src/sandbox/protobuf/codec';
import { messageFor } from '../../src/sandbox/protobuf/messages';
import { decodeProtobufBody, decodeProtobufDeleteOptions, resourceOutput, statusOutput } from '../../src/sandbox/protobuf/negotiate';
import { HUB } from '../../src/sandbox/registry';
import { ApiError } from '../../src/sandbox/status';

const hex = (...parts: string[]) => Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');
const configMaps = HUB.kind('ConfigMap');
const ibgus = HUB.kind('ImageBasedGroupUpgrade');

/** A length-delimited field: its one-byte tag, a one-byte length and the content (all fields here are short). */
const ld = (tag: number, content: string | Buffer) => {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  assert.ok(bytes.length < 128);
  return Buffer.concat([Buffer.from([tag, bytes.length]), bytes]);
};
/** The envelope: magic, then runtime.Unknown {typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2}. */
const envelopeOf = (apiVersion: string, kind: string, raw: Buffer) => Buffer.concat([PROTOBUF_MAGIC, ld(0x0a, Buffer.concat([ld(0x0a, apiVersion), ld(0x12, kind)])), ld(0x12, raw)]);

/**
 * Request bodies captured from the sandbox's request log: kubectl 1.32.3 and 1.36.4 send the same bytes for
 * `create configmap oadp-cm -n default --from-file=f.txt --from-literal=a=b` (f.txt holds "hello\nworld\n"),
 * `create secret docker-registry d1 -n default --docker-server=r --docker-username=u --docker-password=p`
 * and `create namespace ns1`.
 */
const KUBECTL = {
  configMap: hex('6b3873000a0f0a0276311209436f6e6669674d6170123f0a1e0a076f6164702d636d12001a0764656661756c7422002a0032003800420012060a016112016212150a05662e747874120c68656c6c6f0a776f726c640a1a002200'),
  secret: hex('6b3873000a0c0a0276311206536563726574128f010a190a02643112001a0764656661756c7422002a0032003800420012520a112e646f636b6572636f6e6669676a736f6e123d7b226175746873223a7b2272223a7b22757365726e616d65223a2275222c2270617373776f7264223a2270222c2261757468223a2264547077227d7d7d1a1e6b756265726e657465732e696f2f646f636b6572636f6e6669676a736f6e1a002200'),
  namespace: hex('6b3873000a0f0a02763112094e616d657370616365121b0a130a036e733112001a0022002a0032003800420012001a020a001a002200'),
};

const decode = (body: Uint8Array) => {
  const envelope = decodeEnvelope(body);
  return decodeObject(envelope, messageFor(envelope.apiVersion, envelope.kind)!);
};

/** The 400 a hostile body gets, with its message. */
function refusal(body: Uint8Array, t = configMaps): string {
  try {
    decodeProtobufBody(body, t);
  } catch (error) {
    assert.ok(error instanceof ApiError, `not an ApiError: ${String(error)}`);
    assert.equal(error.code, 400);
    assert.equal(error.reason, 'BadRequest');
    return error.message;
  }
  assert.fail('the body was accepted');
}

describe('protobuf bodies kubectl sends', () => {
  test('create configmap --from-file --from-literal: the object as JSON would give it, and the same bytes back', () => {
    const obj = decode(KUBECTL.configMap);
    assert.deepEqual(obj, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'oadp-cm', namespace: 'default' }, data: { a: 'b', 'f.txt': 'hello\nworld\n' } });
    // gogo writes every non-pointer field, zero or not, and map entries by key: so does the encoder.
    assert.deepEqual(Buffer.from(encodeObject(obj)!), KUBECTL.configMap);
  });

  test('create secret docker-registry: bytes fields are base64 in JSON; type is kept', () => {
    const obj = decode(KUBECTL.secret) as any;
    assert.equal(obj.type, 'kubernetes.io/dockerconfigjson');
    assert.deepEqual(JSON.parse(Buffer.from(obj.data['.dockerconfigjson'], 'base64').toString()), { auths: { r: { username: 'u', password: 'p', auth: Buffer.from('u:p').toString('base64') } } });
    assert.deepEqual(Buffer.from(encodeObject(obj)!), KUBECTL.secret);
  });

  test('create namespace: empty spec and status are left out, and written back as upstream writes them', () => {
    const obj = decode(KUBECTL.namespace);
    assert.deepEqual(obj, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } });
    assert.deepEqual(Buffer.from(encodeObject(obj)!), KUBECTL.namespace);
  });
});

describe('messages derived from generated.proto', () => {
  // ObjectMeta (meta/v1/generated.proto): name = 1, generateName = 2, namespace = 3, selfLink = 4, uid = 5,
  // resourceVersion = 6, generation = 7, creationTimestamp = 8, deletionGracePeriodSeconds = 10, labels = 11,
  // annotations = 12, ownerReferences = 13, finalizers = 14; OwnerReference: kind = 1, name = 3, uid = 4,
  // apiVersion = 5, controller = 6; Time: seconds = 1, nanos = 2. 2026-01-01T00:00:00Z is 1767225600 s.
  const meta = hex(
    '0a0161', '1202672d', '1a026e73', '2200', '2a00', '3200', '3802', '42 08 08 80f2d6ca06 1000', '501e',
    '5a06 0a016b 120176', '6206 0a0178 120179', '6a0f 0a014b 1a016f 220175 2a027631 3001', '720166',
  );
  // ConfigMap (core/v1/generated.proto): metadata = 1, data = 2, binaryData = 3, immutable = 4 (a pointer).
  const configMap = hex('6b387300', '0a0f 0a027631 1209', Buffer.from('ConfigMap').toString('hex'), `12${(meta.length + 2 + 8 + 2).toString(16)}`,
    `0a${meta.length.toString(16)}`, meta.toString('hex'), '1a06 0a0162 120101', '2001', '1a00 2200');
  const object = {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: {
      name: 'a', generateName: 'g-', namespace: 'ns', generation: 2, creationTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 30,
      labels: { k: 'v' }, annotations: { x: 'y' }, ownerReferences: [{ apiVersion: 'v1', kind: 'K', name: 'o', uid: 'u', controller: true }], finalizers: ['f'],
    },
    binaryData: { b: Buffer.from([1]).toString('base64') },
    immutable: true,
  };

  test('ObjectMeta with labels, annotations, owner references, finalizers and times, both ways', () => {
    assert.deepEqual(Buffer.from(encodeObject(object)!), configMap);
    assert.deepEqual(decode(configMap), object);
  });

  test('field 17 (managedFields) takes a two-byte tag; fieldsV1 carries JSON in its Raw bytes', () => {
    const withFields = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm', managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }] } };
    const bytes = Buffer.from(encodeObject(withFields)!);
    assert.ok(bytes.includes(hex('8a01')), '(17 << 3) | 2 = 138 is the varint 8a 01');
    assert.ok(bytes.includes(Buffer.from('{"f:data":{"f:a":{}}}')));
    assert.deepEqual(decode(bytes), withFields);
  });

  test('a Status (an AlreadyExists answer) and a ConfigMapList round-trip', () => {
    const status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'configmaps "x" already exists', reason: 'AlreadyExists', details: { name: 'x', kind: 'configmaps' }, code: 409 };
    const bytes = Buffer.from(encodeObject(status)!);
    // Status: metadata = 1, status = 2, message = 3, reason = 4, details = 5, code = 6 (int32 409 = 99 03).
    assert.ok(bytes.subarray(-7).equals(hex('3099 03', '1a00 2200')), bytes.toString('hex'));
    const { metadata: _omitted, ...rest } = status;
    assert.deepEqual(decode(bytes), rest);
    const list = { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '7', continue: 'abc', remainingItemCount: 3 }, items: [{ metadata: { name: 'one' }, data: { k: 'v' } }, { metadata: { name: 'two' } }] };
    assert.deepEqual(decode(encodeObject(list)!), list);
  });

  test('unknown fields are skipped, as the generated Unmarshal skips them', () => {
    // ConfigMap field 99 (varint), field 100 (fixed64), field 101 (length-delimited), field 102 (fixed32).
    const extra = hex('98 06 2a', 'a1 06 0102030405060708', 'aa 06 02 ffff', 'b5 06 01020304');
    const raw = Buffer.concat([hex('0a03 0a0178'), extra]);
    assert.deepEqual(decodeProtobufBody(envelopeOf('v1', 'ConfigMap', raw), configMaps), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
  });

  test('DeleteOptions: propagationPolicy, dryRun and preconditions', () => {
    // DeleteOptions: preconditions = 2 {uid = 1, resourceVersion = 2} (pointers), propagationPolicy = 4, dryRun = 5.
    const raw = Buffer.concat([ld(0x12, Buffer.concat([ld(0x0a, ''), ld(0x12, '7')])), ld(0x22, 'Foreground'), ld(0x2a, 'All')]);
    assert.deepEqual(decodeProtobufDeleteOptions(envelopeOf('meta.k8s.io/v1', 'DeleteOptions', raw)),
      { apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions', preconditions: { uid: '', resourceVersion: '7' }, propagationPolicy: 'Foreground', dryRun: ['All'] });
  });
});

describe('hostile protobuf bodies are a 400, worded like kube-apiserver', () => {
  test('wrong magic: the envelope error and a summary of the body', () => {
    assert.equal(refusal(Buffer.from('{"kind":"ConfigMap","apiVersion":"v1"}')),
      'the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] (7b226b696e64223a22436f6e6669674d6170222c2261706956657273696f ...)');
    assert.match(refusal(Buffer.alloc(0)), /: empty data \(<empty>\)$/);
    assert.match(refusal(PROTOBUF_MAGIC), /: empty body \(6b387300\)$/);
  });

  test('every truncation of a real body is refused or decodes, never throws anything else', () => {
    for (let n = 0; n < KUBECTL.configMap.length; n++) {
      try {
        decodeProtobufBody(KUBECTL.configMap.subarray(0, n), configMaps);
      } catch (error) {
        assert.ok(error instanceof ApiError && error.code === 400, `cut at ${n}: ${String(error)}`);
      }
    }
    // Cut inside the envelope: no kind is known yet, so the body is summarized (handlers/rest.go summarizeData).
    assert.equal(refusal(KUBECTL.configMap.subarray(0, 40)), 'the object provided is unrecognized (must be of type ConfigMap): unexpected EOF (6b3873000a0f0a0276311209436f6e6669674d6170123f0a1e0a076f6164 ...)');
    // A whole envelope around a cut message: the kind it names is in the message.
    assert.equal(refusal(envelopeOf('v1', 'ConfigMap', hex('0a1e0a076f6164'))), 'ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF');
  });

  test('huge varints, negative and huge lengths, wrong wire types, deep groups', () => {
    const envelope = (raw: Buffer) => envelopeOf('v1', 'ConfigMap', raw);
    assert.match(refusal(envelope(hex('38 ffffffffffffffffffff01'))), /cannot be handled as a ConfigMap: proto: integer overflow$/);
    assert.match(refusal(hex('6b387300 12 ffffffffffffffffff01')), /proto: negative length found during unmarshaling/);
    assert.match(refusal(hex('6b387300 12 ffffffff0f 00')), /: unexpected EOF \(/);
    assert.match(refusal(envelope(hex('0a02 0801'))), /proto: wrong wireType = 0 for field Name$/);
    assert.match(refusal(envelope(hex('10 01'))), /proto: wrong wireType = 0 for field Data$/);
    assert.match(refusal(envelope(hex('0c'))), /proto: wiretype end group for non-group$/);
    // 0x2b starts a group for field 5, which the envelope does not know: skipped, but not 5000 deep.
    assert.match(refusal(hex('6b387300', '2b'.repeat(5000))), /proto: groups nested deeper than 100 \(/);
    assert.match(refusal(envelope(Buffer.alloc(100, 0x2b))), /cannot be handled as a ConfigMap: unexpected EOF$/);
  });

  test('managedFields JSON nested past the JSON bodies\' limit', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 600; i++) deep = { 'f:a': deep };
    const body = encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deep', managedFields: [{ manager: 'm', fieldsType: 'FieldsV1', fieldsV1: deep }] } })!;
    assert.equal(refusal(body), 'ConfigMap in version "v1" cannot be handled as a ConfigMap: exceeded max depth of 512');
  });

  test('a kind the sandbox has no message for, and a custom resource, as upstream words them', () => {
    assert.equal(refusal(envelopeOf('v1', 'Pod', Buffer.alloc(0))), 'Pod in version "v1" cannot be handled as a ConfigMap: no kind "Pod" is registered for version "v1"');
    const cr = envelopeOf('lcm.openshift.io/v1alpha1', 'ImageBasedGroupUpgrade', ld(0x0a, ld(0x0a, 'x')));
    assert.equal(refusal(cr, ibgus), 'ImageBasedGroupUpgrade in version "v1alpha1" cannot be handled as a ImageBasedGroupUpgrade: object *unstructured.Unstructured does not implement the protobuf marshalling interface and cannot be encoded to a protobuf message');
  });

  test('random corruptions of real bodies are decoded or refused with a 400', () => {
    let seed = 17;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const body of Object.values(KUBECTL)) {
      for (let i = 0; i < 2000; i++) {
        const mutated = Buffer.from(body);
        for (let k = 0; k < 3; k++) mutated[4 + Math.floor(random() * (mutated.length - 4))] = Math.floor(random() * 256);
        try {
          decodeProtobufBody(mutated, configMaps);
        } catch (error) {
          assert.ok(error instanceof ApiError && error.code === 400, `${mutated.toString('hex')}: ${String(error)}`);
        }
      }
    }
  });
});

describe('negotiation of answers', () => {
  const kubectlTyped = 'application/vnd.kubernetes.protobuf,application/json';

  test('built-ins with a message answer in protobuf when it comes first; q-values and wildcards count', () => {
    assert.equal(resourceOutput(kubectlTyped, configMaps), 'protobuf');
    assert.equal(resourceOutput('application/json', configMaps), 'json');
    assert.equal(resourceOutput(undefined, configMaps), 'json');
    assert.equal(resourceOutput('application/vnd.kubernetes.protobuf;q=0.5,application/json', configMaps), 'json');
    assert.equal(resourceOutput('*/*', configMaps), 'json');
    assert.equal(resourceOutput('application/json;as=Table;v=v1;g=meta.k8s.io,application/json', configMaps), 'json');
  });

  test('custom resources never answer objects in protobuf; protobuf alone is 406, errors follow the header', () => {
    assert.equal(resourceOutput(kubectlTyped, ibgus), 'json');
    assert.throws(() => resourceOutput('application/vnd.kubernetes.protobuf', ibgus), (e: ApiError) =>
      e.code === 406 && e.reason === 'NotAcceptable' && e.message === 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf');
    assert.throws(() => resourceOutput('text/html', configMaps), (e: ApiError) => e.code === 406);
    assert.equal(statusOutput(kubectlTyped), 'protobuf');
    assert.equal(statusOutput('text/html'), 'json');
  });
});
