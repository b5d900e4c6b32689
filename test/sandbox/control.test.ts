/**
 * The sandbox's /__sandbox/ control API and files against hostile callers: what a token may do there (its
 * deny rules hold, token management needs full rights), the kubeconfig file it writes, and a request log
 * that stays bounded however long it serves.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import * as net from 'node:net';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { rawCall, type RawReply as Reply } from '../helpers/raw-https';
import { waitFor } from '../helpers/wait';

let hub: Sandbox;
const call = (method: string, path: string, opts: Parameters<typeof rawCall>[3] = {}) => rawCall(hub, method, path, opts);

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

describe('request log', () => {
  test('keeps the most recent requests only (a ring); marks from requestCount() stay valid as old entries go', async () => {
    const small = await startSandbox({ clusters: 1, controllers: false, requestLogEntries: 5 });
    try {
      const get = (path: string) => new Promise<void>((resolve, reject) => {
        https.get(`${small.url}${path}`, { headers: { Authorization: `Bearer ${small.token}` }, ca: small.caPem, agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject);
      });
      const cm = (i: number) => `/api/v1/namespaces/default/configmaps/n${i}`;
      for (let i = 0; i < 8; i++) await get(cm(i));
      // An entry is logged when its response closes, which may be just after the client has read it.
      await waitFor('the last request logged', () => small.requests().some((e) => e.path === cm(7)));
      assert.deepEqual(small.requests().map((e) => e.path), [3, 4, 5, 6, 7].map(cm));
      assert.equal(small.requestCount(), 8);
      assert.deepEqual(small.requests(6).map((e) => e.path), [6, 7].map(cm));
      assert.deepEqual(small.requests(1).map((e) => e.path), [3, 4, 5, 6, 7].map(cm), 'a mark older than the ring: everything kept');
      assert.deepEqual(small.requests(8), []);
      const control = await new Promise<any>((resolve, reject) => {
        https.get(`${small.url}/__sandbox/requests`, { headers: { Authorization: `Bearer ${small.token}` }, ca: small.caPem, agent: false }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c)).on('end', () => resolve(JSON.parse(text)));
        }).on('error', reject);
      });
      assert.deepEqual(control.map((e: any) => e.path), [3, 4, 5, 6, 7].map(cm));
      const mark = small.requestCount();
      await get(cm(8));
      await waitFor('the 9th request logged', () => small.requestCount() === 9);
      assert.deepEqual(small.requests(mark).map((e) => e.path), [cm(8)]);
    } finally {
      await small.stop();
    }
  });
});
