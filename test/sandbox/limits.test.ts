/**
 * The sandbox hub against hostile requests: malformed URLs and bodies, bodies over kube-apiserver's limits,
 * and objects over its size limits, each answered with the Status kube-apiserver gives (never a 500 of our
 * own, never a connection reset). Raw HTTPS from node, curl, and kubectl where a user would see it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import { execFile, type ExecFileException } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startSandbox, Store, type Sandbox } from '../../src/sandbox';
import { applyHubObjects } from '../../src/sandbox/hub-manifests';
import { HUB } from '../../src/sandbox/registry';
import { forEachKubectl, runKubectl, type KubectlResult } from '../helpers/kubectl';
import { rawCall, type RawReply as Reply } from '../helpers/raw-https';

let hub: Sandbox;
const call = (method: string, path: string, opts: Parameters<typeof rawCall>[3] = {}) => rawCall(hub, method, path, opts);

const MCL_PATH = '/apis/cluster.open-cluster-management.io/v1/managedclusters';

before(async () => {
  hub = await startSandbox({ clusters: 1, controllers: false });
});
after(async () => {
  await hub.stop();
});

describe('malformed requests are 400 with a Status, never a 500', () => {
  const badRequest = (r: Reply, message: RegExp) => {
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.kind, 'Status');
    assert.equal(r.body.status, 'Failure');
    assert.equal(r.body.reason, 'BadRequest');
    assert.equal(r.body.code, 400);
    assert.match(r.body.message, message);
  };

  test('bad percent-encoding in the path, a spoke name or the query', async () => {
    badRequest(await call('GET', '/api/v1/namespaces/%zz/configmaps'), /invalid URL escape "%zz" in the request path/);
    badRequest(await call('GET', '/api/v1/namespaces/default/configmaps/a%2'), /invalid URL escape "%2" in the request path/);
    badRequest(await call('GET', '/clusters/%zz/api/v1/namespaces'), /invalid URL escape "%zz"/);
    badRequest(await call('GET', '/api/v1/namespaces/default/configmaps/%FF'), /not UTF-8 once percent-decoded/);
    badRequest(await call('GET', `${MCL_PATH}?labelSelector=%zz`), /invalid URL escape "%zz" in the request query/);
    badRequest(await call('GET', `${MCL_PATH}?%zz=1`), /invalid URL escape "%zz" in the request query/);
    // A selector that does not decode is refused, not dropped (which would list, or delete, everything).
    badRequest(await call('DELETE', `${MCL_PATH}?fieldSelector=metadata.name%3D%FF`), /not UTF-8/);
    assert.equal((await call('GET', MCL_PATH)).body.items.length, 1);
  });

  const nested = (depth: number, leaf: unknown = 1): unknown => {
    let v = leaf;
    for (let i = 1; i < depth; i++) v = i % 2 ? [v] : { a: v };
    return { a: v };
  };
  /** A 100,000-deep value as text (building it with JSON.stringify would itself overflow). */
  const deepText = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
  const CM_PATH = '/api/v1/namespaces/default/configmaps';

  test('a 100,000-deep JSON body, in every place a body is read', async () => {
    const depth = /exceeded max depth of 512/;
    badRequest(await call('POST', CM_PATH, { body: `{"metadata":{"name":"deep"},"data":${deepText}}` }), depth);
    badRequest(await call('POST', CM_PATH, { body: '['.repeat(100_000) + ']'.repeat(100_000) }), depth);
    assert.equal((await call('POST', CM_PATH, { body: { metadata: { name: 'target' }, data: { a: '1' } } })).status, 201);
    badRequest(await call('PATCH', `${CM_PATH}/target`, { body: `{"data":${deepText}}`, contentType: 'application/merge-patch+json' }), depth);
    badRequest(await call('PATCH', `${CM_PATH}/target`, { body: `{"data":${deepText}}`, contentType: 'application/strategic-merge-patch+json' }), depth);
    badRequest(await call('PATCH', `${CM_PATH}/target`, { body: `[{"op":"add","path":"/data/b","value":${deepText}}]`, contentType: 'application/json-patch+json' }), depth);
    badRequest(await call('PATCH', `${CM_PATH}/target?fieldManager=t`, { body: `apiVersion: v1\nkind: ConfigMap\ndata: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, contentType: 'application/apply-patch+yaml' }), depth);
    badRequest(await call('DELETE', `${CM_PATH}/target`, { body: `{"preconditions":${deepText}}` }), depth);
    badRequest(await call('POST', '/__sandbox/inject', { body: `{"match":{"pathPrefix":"/nowhere"},"status":503,"x":${deepText}}` }), /nested deeper than 512 levels/);
    // Nothing was changed by any of them.
    assert.deepEqual((await call('GET', `${CM_PATH}/target`)).body.data, { a: '1' });
  });

  test('the depth limit is 512: a JSON patch test value 512 deep is read (and fails as a test), 513 is refused', async () => {
    await call('POST', CM_PATH, { body: { metadata: { name: 'boundary' }, data: { a: '1' } } });
    const testOp = (depth: number) => call('PATCH', `${CM_PATH}/boundary`, { body: [{ op: 'test', path: '/data/a', value: nested(depth - 2) }], contentType: 'application/json-patch+json' });
    // The patch body itself is two levels (the list and the operation) above the value.
    const read = await testOp(512);
    assert.equal(read.status, 422, JSON.stringify(read.body));
    assert.match(read.body.message, /test failed/);
    badRequest(await testOp(513), /exceeded max depth of 512/);
  });
});

describe('request bodies over kube-apiserver\'s 3 MiB limit', () => {
  const LIMIT = 3 * 1024 * 1024;
  const CM_PATH = '/api/v1/namespaces/default/configmaps';
  const tooLarge = (r: { status: number; body: any }) => {
    assert.equal(r.status, 413, JSON.stringify(r.body));
    assert.equal(r.body.kind, 'Status');
    assert.equal(r.body.reason, 'RequestEntityTooLarge');
    assert.equal(r.body.message, 'Request entity too large: limit is 3145728');
  };

  /** Sends `size` bytes of JSON whitespace in 64 KB chunks, with no Content-Length (chunked) unless `declared`. */
  function upload(size: number, opts: { declared?: boolean; token?: string } = {}): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { Authorization: `Bearer ${opts.token ?? hub.token}`, 'Content-Type': 'application/json' };
      if (opts.declared) headers['Content-Length'] = String(size);
      const req = https.request(`${hub.url}${CM_PATH}`, { method: 'POST', headers, ca: hub.caPem, agent: false }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), headers: res.headers }));
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < size) {
          const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
          sent += part.length;
          if (!req.write(part)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
  }

  test('a 50 MB body gets 413 as a Status (the client reads it, no connection reset), with or without Content-Length', async () => {
    for (const declared of [true, false]) {
      const r = await upload(50 * 1024 * 1024, { declared });
      tooLarge(r);
      assert.equal(r.headers.connection, 'close');
    }
    assert.equal((await call('GET', CM_PATH)).status, 200, 'the server still serves');
  });

  test('the answer decided before the body is read (401) also reaches a client still sending 50 MB', async () => {
    const r = await upload(50 * 1024 * 1024, { token: 'not-a-token' });
    assert.equal(r.status, 401);
    assert.equal(r.body.reason, 'Unauthorized');
  });

  test('the limit is exactly 3 MiB: a body of 3145728 bytes is read, one byte more is refused', async () => {
    const object = JSON.stringify({ metadata: { name: 'at-limit' }, data: { a: '1' } });
    const padded = (size: number) => object + ' '.repeat(size - Buffer.byteLength(object));
    assert.equal((await call('POST', CM_PATH, { body: padded(LIMIT) })).status, 201);
    tooLarge(await call('POST', CM_PATH, { body: padded(LIMIT + 1).replace('at-limit', 'over-limit') }));
    assert.equal((await call('GET', `${CM_PATH}/over-limit`)).status, 404);
  });

  test('curl uploading 50 MB gets the 413 Status, with Expect: 100-continue (curl\'s default) and without', async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ibgu-sandbox-curl-'));
    try {
      writeFileSync(path.join(dir, 'ca.pem'), hub.caPem);
      writeFileSync(path.join(dir, 'body.json'), Buffer.alloc(50 * 1024 * 1024, 0x20));
      for (const extra of [[], ['-H', 'Expect:'], ['-H', 'Expect:', '-H', 'Transfer-Encoding: chunked']]) {
        const args = ['-sS', '--cacert', path.join(dir, 'ca.pem'), '-H', `Authorization: Bearer ${hub.token}`, '-H', 'Content-Type: application/json', '--data-binary', `@${path.join(dir, 'body.json')}`, '-w', '\n%{http_code}', ...extra, `${hub.url}${CM_PATH}`];
        const out = await new Promise<{ error: ExecFileException | null; stdout: string; stderr: string }>((resolve) => execFile('curl', args, { maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => resolve({ error, stdout, stderr })));
        if (out.error?.code === 'ENOENT') return t.skip('no curl here');
        assert.ifError(out.error);
        const lines = out.stdout.trimEnd().split('\n');
        assert.equal(lines.pop(), '413', `curl ${extra.join(' ')}: ${out.stderr}`);
        tooLarge({ status: 413, body: JSON.parse(lines.join('\n')) });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a client that asks with Expect: 100-continue is told to continue when its body is wanted', { timeout: 30_000 }, async () => {
    const body = JSON.stringify({ metadata: { name: 'continued' }, data: { a: '1' } });
    const status = await new Promise<number>((resolve, reject) => {
      const req = https.request(`${hub.url}${CM_PATH}`, {
        method: 'POST', ca: hub.caPem, agent: false,
        headers: { Authorization: `Bearer ${hub.token}`, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), Expect: '100-continue' },
      }, (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)));
      // The body goes only once the server says so.
      req.on('continue', () => req.end(body));
      req.on('error', reject);
      req.flushHeaders();
    });
    assert.equal(status, 201);
  });

  test('a JSON patch of more than 10,000 operations is 413, as kube-apiserver', async () => {
    await call('POST', CM_PATH, { body: { metadata: { name: 'many-ops' }, data: { a: '1' } } });
    const ops = (n: number) => Array.from({ length: n }, () => ({ op: 'test', path: '/data/a', value: '1' }));
    const r = await call('PATCH', `${CM_PATH}/many-ops`, { body: ops(10_001), contentType: 'application/json-patch+json' });
    assert.equal(r.status, 413);
    assert.equal(r.body.reason, 'RequestEntityTooLarge');
    assert.equal(r.body.message, 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
    assert.equal((await call('PATCH', `${CM_PATH}/many-ops`, { body: ops(10_000), contentType: 'application/json-patch+json' })).status, 200);
  });

  test('JSON patch copies that keep doubling a value stop at 3 MiB of copied data (422), the object unchanged', async () => {
    await call('POST', CM_PATH, { body: { metadata: { name: 'doubling' }, data: { a: 'x'.repeat(1024) } } });
    // Each level is a list of two copies of the level before: level 30 would hold 2^30 KB.
    const ops: unknown[] = [{ op: 'add', path: '/metadata/annotations', value: {} }, { op: 'add', path: '/metadata/annotations/l0', value: 'x'.repeat(1024) }];
    for (let i = 1; i <= 30; i++) {
      ops.push({ op: 'add', path: `/metadata/annotations/l${i}`, value: [] });
      ops.push({ op: 'copy', from: `/metadata/annotations/l${i - 1}`, path: `/metadata/annotations/l${i}/-` });
      ops.push({ op: 'copy', from: `/metadata/annotations/l${i - 1}`, path: `/metadata/annotations/l${i}/-` });
    }
    const r = await call('PATCH', `${CM_PATH}/doubling`, { body: ops, contentType: 'application/json-patch+json' });
    assert.equal(r.status, 422, JSON.stringify(r.body).slice(0, 300));
    assert.match(r.body.message, /Unable to complete the copy, the accumulated size increase of copy is \d+, exceeding the limit 3145728/);
    assert.equal((await call('GET', `${CM_PATH}/doubling`)).body.metadata.annotations, undefined);
  });
});

describe('object sizes kube-apiserver refuses', () => {
  const CM_PATH = '/api/v1/namespaces/default/configmaps';
  const SECRET_PATH = '/api/v1/namespaces/default/secrets';
  const MiB = 1024 * 1024;
  const invalid = (r: Reply, message: string, field: string, max: number) => {
    assert.equal(r.status, 422, JSON.stringify(r.body).slice(0, 300));
    assert.equal(r.body.kind, 'Status');
    assert.equal(r.body.reason, 'Invalid');
    assert.equal(r.body.message, message);
    assert.deepEqual(r.body.details.causes, [{ reason: 'FieldValueTooLong', message: `Too long: may not be more than ${max} bytes`, field }]);
  };
  const absent = async (path: string) => assert.equal((await call('GET', path)).status, 404);
  const tooLargeBody = (r: Reply) => {
    assert.equal(r.status, 413);
    assert.equal(r.body.reason, 'RequestEntityTooLarge');
  };

  test('ConfigMap data + binaryData over 1 MiB: 422 Invalid on the path "[]", exactly 1 MiB is stored', async () => {
    assert.equal((await call('POST', CM_PATH, { body: { metadata: { name: 'one-mib' }, data: { a: 'x'.repeat(MiB - 1), b: 'y' } } })).status, 201);
    invalid(await call('POST', CM_PATH, { body: { metadata: { name: 'over' }, data: { a: 'x'.repeat(MiB), b: 'y' } } }), 'ConfigMap "over" is invalid: []: Too long: may not be more than 1048576 bytes', '[]', MiB);
    // binaryData counts decoded (1 MiB of bytes is 1.33 MiB of base64), and adds to data.
    const binary = Buffer.alloc(MiB, 7).toString('base64');
    assert.equal((await call('POST', CM_PATH, { body: { metadata: { name: 'binary' }, binaryData: { b: binary } } })).status, 201);
    invalid(await call('POST', CM_PATH, { body: { metadata: { name: 'binary-over' }, binaryData: { b: binary }, data: { a: 'z' } } }), 'ConfigMap "binary-over" is invalid: []: Too long: may not be more than 1048576 bytes', '[]', MiB);
    await absent(`${CM_PATH}/over`);
    await absent(`${CM_PATH}/binary-over`);
  });

  test('a patch that grows a ConfigMap past 1 MiB is refused and changes nothing', async () => {
    await call('POST', CM_PATH, { body: { metadata: { name: 'growing' }, data: { a: 'x'.repeat(600 * 1024) } } });
    const r = await call('PATCH', `${CM_PATH}/growing`, { body: { data: { b: 'y'.repeat(600 * 1024) } }, contentType: 'application/merge-patch+json' });
    invalid(r, 'ConfigMap "growing" is invalid: []: Too long: may not be more than 1048576 bytes', '[]', MiB);
    assert.deepEqual(Object.keys((await call('GET', `${CM_PATH}/growing`)).body.data), ['a']);
  });

  test('Secret data (decoded, with stringData) over 1 MiB: 422 on "data"', async () => {
    const data = { a: Buffer.alloc(MiB, 1).toString('base64') };
    assert.equal((await call('POST', SECRET_PATH, { body: { metadata: { name: 'full' }, data } })).status, 201);
    invalid(await call('POST', SECRET_PATH, { body: { metadata: { name: 'over' }, data, stringData: { b: 'c' } } }), 'Secret "over" is invalid: data: Too long: may not be more than 1048576 bytes', 'data', MiB);
    await absent(`${SECRET_PATH}/over`);
  });

  test('annotations over 256 KiB on any object, a custom resource included: 422 on metadata.annotations', async () => {
    const r = await call('PATCH', `${MCL_PATH}/sno-0001`, { body: { metadata: { annotations: { big: 'x'.repeat(256 * 1024) } } }, contentType: 'application/merge-patch+json' });
    invalid(r, 'ManagedCluster.cluster.open-cluster-management.io "sno-0001" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes', 'metadata.annotations', 256 * 1024);
    assert.equal((await call('GET', `${MCL_PATH}/sno-0001`)).body.metadata.annotations?.big, undefined);
  });

  /** A ConfigMap within every validation limit (its values are empty) whose 6,500 long keys make it ~1.6 MB. */
  const manyKeys = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: Object.fromEntries(Array.from({ length: 6500 }, (_, i) => [`k${String(i).padStart(5, '0')}${'x'.repeat(240)}`, ''])) });

  test('an object past etcd\'s 1.5 MiB request limit: 500 "etcdserver: request is too large" with no reason, as kube-apiserver; a dry run passes', async () => {
    const r = await call('POST', CM_PATH, { body: manyKeys('too-large') });
    assert.equal(r.status, 500);
    assert.equal(r.body.kind, 'Status');
    assert.equal(r.body.message, 'etcdserver: request is too large');
    assert.equal(r.body.reason, undefined);
    await absent(`${CM_PATH}/too-large`);
    // A dry run never reaches etcd.
    assert.equal((await call('POST', `${CM_PATH}?dryRun=All`, { body: manyKeys('too-large') })).status, 201);
  });

  test('a 7 MB ConfigMap is refused at the door (413), not stored', async () => {
    tooLargeBody(await call('POST', CM_PATH, { body: { metadata: { name: 'seven' }, data: { a: 'x'.repeat(7 * 1000 * 1000) } } }));
    await absent(`${CM_PATH}/seven`);
  });

  test('a scenario\'s hubManifests are held to the same limits', () => {
    const store = new Store(HUB);
    store.create(HUB.kind('Namespace'), undefined, { metadata: { name: 'default' } });
    assert.throws(() => applyHubObjects(store, [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'oadp', namespace: 'default' }, data: { a: 'x'.repeat(MiB + 1) } }]), /the hub refused ConfigMap default\/oadp: ConfigMap "oadp" is invalid: \[\]: Too long: may not be more than 1048576 bytes/);
    assert.throws(() => applyHubObjects(store, [{ ...manyKeys('keys'), metadata: { name: 'keys', namespace: 'default' } }]), /the hub refused ConfigMap default\/keys: etcdserver: request is too large/);
  });

  forEachKubectl('kubectl sees kube-apiserver\'s size errors', (kubectl) => {
    test(`kubectl ${kubectl.version}: the size refusals as a user sees them`, async () => {
      const home = mkdtempSync(path.join(tmpdir(), 'ibgu-sandbox-kubectl-'));
      const env = { kubeconfig: hub.kubeconfigPath, home, cacheDir: path.join(home, 'cache') };
      const run = (args: string[], stdin?: string) => runKubectl(kubectl, env, args, stdin === undefined ? {} : { stdin });
      const refused = (r: KubectlResult, message: string) => {
        assert.notEqual(r.code, 0, r.stdout);
        assert.equal(r.stderr.trim(), message);
      };
      const suffix = kubectl.version.replace(/\./g, '-');
      try {
        // `create configmap --from-file --dry-run=client` builds the object and `create -f` sends it as JSON (kubectl-protobuf.test.ts covers the protobuf path).
        const file = path.join(home, 'data.txt');
        writeFileSync(file, 'a'.repeat(2 * 1000 * 1000));
        const built = await run(['create', 'configmap', `two-mb-${suffix}`, `--from-file=${file}`, '--dry-run=client', '-o', 'yaml']);
        assert.equal(built.code, 0, built.stderr);
        refused(await run(['create', '-f', '-'], built.stdout), `The ConfigMap "two-mb-${suffix}" is invalid: []: Too long: may not be more than 1048576 bytes`);
        // The classic one: apply's last-applied annotation holds the whole object.
        const annotated = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `applied-${suffix}` }, data: { f: 'b'.repeat(300 * 1000) } });
        refused(await run(['apply', '-f', '-'], annotated), `The ConfigMap "applied-${suffix}" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes`);
        refused(await run(['create', '-f', '-'], JSON.stringify(manyKeys(`many-keys-${suffix}`))), 'Error from server: error when creating "STDIN": etcdserver: request is too large');
        writeFileSync(file, 'a'.repeat(7 * 1000 * 1000));
        const seven = await run(['create', 'configmap', `seven-${suffix}`, `--from-file=${file}`, '--dry-run=client', '-o', 'json']);
        assert.equal(seven.code, 0, seven.stderr);
        refused(await run(['create', '-f', '-'], seven.stdout), 'Error from server (RequestEntityTooLarge): error when creating "STDIN": Request entity too large: limit is 3145728');
        for (const name of [`two-mb-${suffix}`, `applied-${suffix}`, `many-keys-${suffix}`, `seven-${suffix}`]) await absent(`${CM_PATH}/${name}`);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });
  });
});
