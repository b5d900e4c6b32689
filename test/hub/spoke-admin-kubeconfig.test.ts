/**
 * A cluster's admin kubeconfig Secret on the hub is cluster data, not the user's choice: through the
 * extension's own spoke path (readAdminKubeconfig → adminSpokeClient → a request to the spoke), a Secret
 * that would run a command, read a local file, turn off the server check or route through a proxy is
 * refused before anything runs or connects, with a message naming the field and quoting no value. The
 * traps are real: a marker file the command would create, and HTTPS servers and a proxy on 127.0.0.1 that
 * count every connection. The Secret as ZTP writes it (inline data) reaches the sandbox's spoke.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { generatePki } from '../../src/sandbox/tls';
import { HubConnection, kubeconfigFor, readKubeconfig } from '../../src/hub';
import { adminSpokeClient, readAdminKubeconfig, type SpokeClient } from '../../src/hub/spoke';

const HOSTILE = 'sno-0002';

let hub: Sandbox;
let conn: HubConnection;
let scratch: string;
/** What a hostile kubeconfig would read from this computer: a file only this user can read. */
let localSecret: { file: string; text: string };

/** Something on 127.0.0.1 that counts every connection and request it gets, and what they carried. */
interface Trap {
  url: string;
  connections: number;
  requests: { headers: http.IncomingHttpHeaders; url: string }[];
  /** Client certificates presented in TLS handshakes. */
  clientCerts: number;
  close(): Promise<void>;
}

/** An HTTPS server with a certificate of its own throw-away CA (not the sandbox's); it answers 404 to anything. */
async function httpsTrap(): Promise<Trap & { caPem: string }> {
  const pki = generatePki();
  const trap = { connections: 0, requests: [] as Trap['requests'], clientCerts: 0 };
  const server = https.createServer({ cert: pki.certPem, key: pki.keyPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    trap.requests.push({ headers: req.headers, url: req.url ?? '' });
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"kind":"Status","code":404}');
  });
  server.on('connection', () => trap.connections++);
  server.on('secureConnection', (socket) => {
    if (Object.keys(socket.getPeerCertificate() ?? {}).length) trap.clientCerts++;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(trap, { url: `https://127.0.0.1:${port}`, caPem: pki.caPem, close: () => new Promise<void>((r) => server.close(() => r())) });
}

/** An HTTP proxy that refuses every CONNECT (so a client that uses it fails fast) and counts them. */
async function proxyTrap(): Promise<Trap> {
  const trap = { connections: 0, requests: [] as Trap['requests'], clientCerts: 0 };
  const server = http.createServer((req, res) => {
    trap.requests.push({ headers: req.headers, url: req.url ?? '' });
    res.writeHead(403).end();
  });
  server.on('connection', () => trap.connections++);
  server.on('connect', (req, socket) => {
    trap.requests.push({ headers: req.headers, url: req.url ?? '' });
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(trap, { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) });
}

/** Writes the Secret `<cluster>/<cluster>-admin-kubeconfig` on the hub, as anyone with write access to it could. */
async function putAdminSecret(cluster: string, kubeconfig: unknown): Promise<void> {
  const text = typeof kubeconfig === 'string' ? kubeconfig : stringify(kubeconfig);
  const body = { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${cluster}-admin-kubeconfig`, namespace: cluster }, type: 'Opaque', data: { kubeconfig: Buffer.from(text).toString('base64') } };
  const payload = JSON.stringify(body);
  const status = await new Promise<number>((resolve, reject) => {
    const req = https.request(`${hub.url}/api/v1/namespaces/${cluster}/secrets/${cluster}-admin-kubeconfig`, {
      method: 'PUT', ca: hub.caPem, agent: false,
      headers: { Authorization: `Bearer ${hub.token}`, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(payload);
  });
  assert.equal(status, 200, `PUT the admin kubeconfig Secret of ${cluster}`);
}

/**
 * What the extension does when the user picks "Use its admin kubeconfig from the hub": read the Secret, make
 * the spoke client, read the IBU. Returns the client, or the error that stopped it (at any of those steps).
 */
async function reach(cluster: string): Promise<{ client?: SpokeClient; ibu?: unknown; error?: Error }> {
  const text = await readAdminKubeconfig(conn, cluster);
  assert.ok(text, `the hub has no admin kubeconfig Secret for ${cluster}`);
  let client: SpokeClient | undefined;
  try {
    client = adminSpokeClient(cluster, text, 'test');
    const ibu = await client.ibu();
    return { client, ibu };
  } catch (error) {
    client?.dispose();
    return { error: error as Error };
  }
}

/** A kubeconfig as ZTP writes one, with `cluster` and `user` fields changed or added. */
function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown>): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'spoke', cluster }],
    users: [{ name: 'admin', user }],
    contexts: [{ name: 'admin', context: { cluster: 'spoke', user: 'admin' } }],
    'current-context': 'admin',
    preferences: {},
  };
}

/** The error of a refused Secret: it names every field given by its path, and quotes neither the local secret nor its path. */
function assertRefused(result: { error?: Error; client?: SpokeClient }, fields: string[], why?: RegExp): void {
  assert.ok(result.error, 'the hostile kubeconfig was used');
  const message = result.error.message;
  for (const field of fields) assert.ok(message.includes(`${field} `), `the error does not name ${field}: ${message}`);
  if (why) assert.match(message, why);
  assert.ok(!message.includes(localSecret.text), 'the error quotes the local secret');
  assert.ok(!message.includes(localSecret.file), 'the error quotes a path from the Secret');
}

before(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'ibgu-spoke-kubeconfig-'));
  localSecret = { file: path.join(scratch, 'local-token'), text: `local-secret-${randomBytes(12).toString('hex')}` };
  writeFileSync(localSecret.file, localSecret.text, { mode: 0o600 });
  hub = await startSandbox({ clusters: 3, controllers: false });
  const view = readKubeconfig({ pinnedFile: hub.kubeconfigPath });
  const context = view.contexts.find((c) => c.name === view.current)!;
  conn = new HubConnection(context, kubeconfigFor(view, context.name), { kinds: [] });
});

after(async () => {
  conn?.dispose();
  await hub?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the admin kubeconfig Secret as ZTP writes it', () => {
  test('reaches the spoke, and the kubeconfig written for oc holds only the server, its CA and the credential', async () => {
    const result = await reach('sno-0001');
    assert.equal(result.error, undefined, result.error?.message);
    assert.equal((result.ibu as { metadata?: { name?: string } })?.metadata?.name, 'upgrade');
    const written = JSON.parse(result.client!.kubeconfigText());
    result.client!.dispose();
    const access = hub.spokeAccess('sno-0001');
    assert.deepEqual(Object.keys(written).sort(), ['apiVersion', 'clusters', 'contexts', 'current-context', 'kind', 'users']);
    assert.deepEqual(written.clusters.map((c: any) => Object.keys(c.cluster).sort()), [['certificate-authority-data', 'server']]);
    assert.equal(written.clusters[0].cluster.server, access.url);
    assert.equal(Buffer.from(written.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), hub.caPem);
    assert.deepEqual(written.users.map((u: any) => Object.keys(u.user)), [['token']]);
    assert.equal(written.users[0].user.token, access.token);
    assert.deepEqual(written.contexts.map((c: any) => Object.keys(c.context).sort()), [['cluster', 'user']]);
  });
});

describe('a hostile admin kubeconfig Secret is refused before anything runs or connects', () => {
  test('an exec plugin: the command does not run', async () => {
    const marker = path.join(scratch, 'exec-ran');
    await putAdminSecret(HOSTILE, kubeconfig(
      { server: hub.spokeAccess(HOSTILE).url, 'certificate-authority-data': Buffer.from(hub.caPem).toString('base64') },
      { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: '/bin/sh', args: ['-c', `touch '${marker}'`], interactiveMode: 'Never' } },
    ));
    const result = await reach(HOSTILE);
    assert.equal(existsSync(marker), false, 'the exec plugin of the Secret ran on this computer');
    assertRefused(result, ['users[0].user.exec'], /would run a command on this computer/);
  });

  for (const field of ['token-file', 'tokenFile']) {
    test(`${field} and insecure-skip-tls-verify against a server with an unknown certificate: no connection`, async (t) => {
      const server = await httpsTrap();
      t.after(() => server.close());
      await putAdminSecret(HOSTILE, kubeconfig({ server: server.url, 'insecure-skip-tls-verify': true }, { [field]: localSecret.file }));
      const result = await reach(HOSTILE);
      assert.ok(!server.requests.some((r) => JSON.stringify(r.headers).includes(localSecret.text)), 'the local file was sent as the token');
      assert.equal(server.connections, 0, 'the client connected to the server of a refused kubeconfig');
      assertRefused(result, [`users[0].user.${field}`, 'clusters[0].cluster.insecure-skip-tls-verify'], /would read a file on this computer/);
    });
  }

  test('an auth-provider (client-node reads its config.tokenFile): nothing read, no connection', async (t) => {
    const server = await httpsTrap();
    t.after(() => server.close());
    await putAdminSecret(HOSTILE, kubeconfig(
      { server: server.url, 'certificate-authority-data': Buffer.from(server.caPem).toString('base64') },
      { 'auth-provider': { name: 'file', config: { tokenFile: localSecret.file } } },
    ));
    const result = await reach(HOSTILE);
    assert.ok(!server.requests.some((r) => JSON.stringify(r.headers).includes(localSecret.text)), 'the local file was sent as the token');
    assert.equal(server.connections, 0, 'the client connected to the server of a refused kubeconfig');
    assertRefused(result, ['users[0].user.auth-provider']);
  });

  test('a proxy-url: the proxy is never contacted', async (t) => {
    const proxy = await proxyTrap();
    t.after(() => proxy.close());
    const access = hub.spokeAccess(HOSTILE);
    await putAdminSecret(HOSTILE, kubeconfig({ server: access.url, 'certificate-authority-data': Buffer.from(hub.caPem).toString('base64'), 'proxy-url': proxy.url }, { token: access.token }));
    const result = await reach(HOSTILE);
    assert.equal(proxy.connections, 0, 'the client went through the proxy of the Secret');
    assertRefused(result, ['clusters[0].cluster.proxy-url']);
  });

  test('client-certificate, client-key and certificate-authority file paths: no local file read, no connection', async (t) => {
    const server = await httpsTrap();
    t.after(() => server.close());
    // Files a user might have: a client certificate and key of theirs, and a CA.
    const pki = generatePki();
    const certFile = path.join(scratch, 'user.crt');
    const keyFile = path.join(scratch, 'user.key');
    const caFile = path.join(scratch, 'trap-ca.crt');
    writeFileSync(certFile, pki.certPem);
    writeFileSync(keyFile, pki.keyPem, { mode: 0o600 });
    writeFileSync(caFile, server.caPem);
    await putAdminSecret(HOSTILE, kubeconfig({ server: server.url, 'certificate-authority': caFile }, { 'client-certificate': certFile, 'client-key': keyFile }));
    const result = await reach(HOSTILE);
    assert.equal(server.clientCerts, 0, 'a local client certificate was presented to the server of the Secret');
    assert.equal(server.connections, 0, 'the client connected to the server of a refused kubeconfig');
    assertRefused(result, ['users[0].user.client-certificate', 'users[0].user.client-key', 'clusters[0].cluster.certificate-authority']);
    for (const file of [certFile, keyFile, caFile]) assert.ok(!result.error!.message.includes(file));
  });
});
