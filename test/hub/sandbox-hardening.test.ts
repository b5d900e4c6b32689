/**
 * The sandbox hub against hostile clients: what a token may do on the /__sandbox/ control API, malformed and
 * oversized requests (each answered with a Kubernetes Status a client can read, never a 500 or a reset), and
 * objects over kube-apiserver's size limits. Raw HTTPS from node, so bodies and URLs can be anything.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import * as net from 'node:net';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox';

let hub: Sandbox;

interface Reply { status: number; body: any; headers: Record<string, unknown> }

/** One request on its own connection; `body` goes as given (a string or Buffer) or as JSON. */
function call(method: string, path: string, opts: { body?: unknown; contentType?: string; token?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${opts.token ?? hub.token}`, ...opts.headers };
    let payload: string | Buffer | undefined;
    if (opts.body !== undefined) {
      payload = typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const req = https.request(`${hub.url}${path}`, { method, headers, ca: hub.caPem, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const MCL_PATH = '/apis/cluster.open-cluster-management.io/v1/managedclusters';

async function mint(body: Record<string, unknown>, token?: string): Promise<Reply> {
  return call('POST', '/__sandbox/tokens', { body, ...(token ? { token } : {}) });
}

before(async () => {
  hub = await startSandbox({ clusters: 1 });
});
after(async () => {
  await hub.stop();
});

describe('control API permissions', () => {
  /** Every control endpoint, with a body that would succeed for the admin. */
  const endpoints: [string, string, unknown?][] = [
    ['POST', '/__sandbox/compact'],
    ['POST', '/__sandbox/drop-watches'],
    ['GET', '/__sandbox/controllers'],
    ['POST', '/__sandbox/controllers/pause'],
    ['POST', '/__sandbox/controllers/resume'],
    ['GET', '/__sandbox/requests'],
    ['POST', '/__sandbox/requests/clear'],
    ['POST', '/__sandbox/inject', { match: { pathPrefix: MCL_PATH }, status: 503, count: 5 }],
    ['POST', '/__sandbox/tokens', { name: 'escalated' }],
    ['POST', '/__sandbox/tokens/expire', { name: 'sandbox-admin' }],
    ['POST', '/__sandbox/restart', { downMs: 0 }],
  ];

  test('a deny-all token is refused on every control endpoint (403 Status), and nothing changes', async () => {
    const denyAll = (await mint({ name: 'nobody', deny: [{ verb: '*' }] })).body.token;
    assert.equal((await call('GET', MCL_PATH)).status, 200);
    const logged = hub.requests().length;
    const oldest = hub.store.oldestServableRv();
    for (const [method, path, body] of endpoints) {
      const r = await call(method, path, { token: denyAll, ...(body === undefined ? {} : { body }) });
      assert.equal(r.status, 403, `${method} ${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.kind, 'Status');
      assert.equal(r.body.reason, 'Forbidden');
      assert.match(r.body.message, /User "nobody" cannot /);
    }
    // Nothing the endpoints would have done happened: no history compacted, log kept, no injection, admin still valid, controllers running.
    assert.equal(hub.store.oldestServableRv(), oldest);
    assert.ok(hub.requests().length >= logged);
    assert.equal((await call('GET', MCL_PATH)).status, 200);
    assert.deepEqual((await call('GET', '/__sandbox/controllers')).body, { paused: false, running: true });
  });

  test('a read-only token may read the log and controller state, but not change anything', async () => {
    const readOnly = (await mint({ name: 'reader', deny: ['create', 'update', 'patch', 'delete', 'deletecollection'].map((verb) => ({ verb })) })).body.token;
    assert.equal((await call('GET', '/__sandbox/requests', { token: readOnly })).status, 200);
    assert.equal((await call('GET', '/__sandbox/controllers', { token: readOnly })).status, 200);
    for (const [method, path, body] of endpoints.filter(([m]) => m === 'POST')) {
      const r = await call(method, path, { token: readOnly, ...(body === undefined ? {} : { body }) });
      assert.equal(r.status, 403, `${method} ${path}`);
    }
  });

  test('managing tokens needs full rights: a token with any deny rule can neither mint (even a weaker token) nor expire', async () => {
    const limited = (await mint({ name: 'limited', deny: [{ verb: 'watch', resource: 'manifestworks' }] })).body.token;
    for (const body of [{ name: 'unrestricted' }, { name: 'weaker', deny: [{ verb: '*' }] }]) {
      const r = await mint(body, limited);
      assert.equal(r.status, 403);
      assert.match(r.body.message, /managing tokens needs a token without deny rules/);
      assert.equal(r.body.token, undefined);
    }
    const expire = await call('POST', '/__sandbox/tokens/expire', { token: limited, body: { token: hub.token } });
    assert.equal(expire.status, 403);
    assert.equal((await call('GET', MCL_PATH)).status, 200, 'the admin token still works');
    // Its own rights are untouched: it may still do what it was allowed.
    assert.equal((await call('GET', MCL_PATH, { token: limited })).status, 200);
  });

  test('deny rules that could never match are refused when minting, not silently dropped', async () => {
    for (const deny of [[{ verb: 'get', resource: 5 }], [{ resource: 'managedclusters' }], { verb: '*' }, ['*']]) {
      const r = await mint({ name: 'malformed', deny });
      assert.equal(r.status, 400, JSON.stringify(deny));
      assert.equal(r.body.reason, 'BadRequest');
    }
    const minted = (await mint({ name: 'no-patch', deny: [{ verb: 'patch', resource: 'managedclusters' }] })).body.token;
    const r = await call('PATCH', `${MCL_PATH}/sno-0001`, { token: minted, body: { metadata: { labels: { a: 'b' } } }, contentType: 'application/merge-patch+json' });
    assert.equal(r.status, 403);
  });
});

describe('kubeconfig file', () => {
  /** A port nothing listens on right now. */
  const freePort = () => new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const refused = (port: number) => new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => (socket.destroy(), resolve(false)));
    socket.on('error', () => resolve(true));
  });

  test('a kubeconfig path that is a symlink: the sandbox does not start, nothing is left listening, the link target is untouched', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ibgu-sandbox-link-'));
    try {
      const pointee = path.join(dir, 'real-kubeconfig');
      writeFileSync(pointee, 'mine');
      symlinkSync(pointee, path.join(dir, 'kubeconfig'));
      const port = await freePort();
      await assert.rejects(startSandbox({ port, clusters: 1, controllers: false, kubeconfigPath: path.join(dir, 'kubeconfig') }), /is a symbolic link/);
      assert.equal(readFileSync(pointee, 'utf8'), 'mine');
      assert.ok(await refused(port), 'the server was closed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
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

