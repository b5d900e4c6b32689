/**
 * reduceAdminKubeconfig: a kubeconfig from a hub Secret keeps the server, its CA and one inline credential,
 * as ZTP writes them (openshift/installer's admin kubeconfig: certificate-authority-data, client-certificate-data,
 * client-key-data), and every field that would run, read, skip the server check, proxy or impersonate is
 * refused by its path, without quoting a value. The KubeConfig and the text for `oc` hold nothing else.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as https from 'node:https';
import { stringify } from 'yaml';
import { generatePki } from '../../src/sandbox/tls';
import { adminKubeConfig, adminKubeconfigText, AdminKubeconfigRefused, MAX_ADMIN_KUBECONFIG_BYTES, reduceAdminKubeconfig, type KubeconfigProblem } from '../../src/hub/admin-kubeconfig';

const pki = generatePki();
const b64 = (text: string) => Buffer.from(text).toString('base64');
const CA = b64(pki.caPem);
const CERT = b64(pki.certPem);
const KEY = b64(pki.keyPem);
/** A value no message may quote. */
const SECRET = 'sha256~do-not-quote-me-0123456789';

/** The admin kubeconfig as the installer writes it (field order and all), with `cluster` / `user` changed. */
function ztp(cluster: Record<string, unknown> = {}, user: Record<string, unknown> = {}, top: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    clusters: [{ cluster: { 'certificate-authority-data': CA, server: 'https://api.sno-0001.example.com:6443', ...cluster }, name: 'sno-0001' }],
    contexts: [{ context: { cluster: 'sno-0001', user: 'admin' }, name: 'admin' }],
    'current-context': 'admin',
    preferences: {},
    users: [{ name: 'admin', user: { 'client-certificate-data': CERT, 'client-key-data': KEY, ...user } }],
    ...top,
  };
}

/** The problems of a refused text (fails when it is accepted). */
function problems(doc: unknown): KubeconfigProblem[] {
  const text = typeof doc === 'string' ? doc : stringify(doc);
  try {
    reduceAdminKubeconfig(text, 'The admin kubeconfig of sno-0001');
  } catch (error) {
    assert.ok(error instanceof AdminKubeconfigRefused, String(error));
    assert.equal(error.reason, 'invalid');
    assert.ok(error.message.startsWith('The admin kubeconfig of sno-0001 was not used: '), error.message);
    assert.ok(!error.message.includes(SECRET), `the message quotes a value: ${error.message}`);
    return error.problems;
  }
  assert.fail('the kubeconfig was accepted');
}

const paths = (doc: unknown) => problems(doc).map((p) => p.path);

describe('what ZTP writes is accepted', () => {
  test('the installer admin kubeconfig: server, CA data, client certificate and key', () => {
    const admin = reduceAdminKubeconfig(stringify(ztp()), 'x');
    assert.deepEqual(admin, { server: 'https://api.sno-0001.example.com:6443', caData: CA, credential: { certData: CERT, keyData: KEY } });
  });

  test('an inline token, apiVersion and kind, a context namespace, preferences and extensions (inert, dropped)', () => {
    const doc = ztp({ extensions: [{ name: 'x', extension: {} }], 'insecure-skip-tls-verify': false }, {}, { apiVersion: 'v1', kind: 'Config', extensions: [] });
    (doc.users as any)[0].user = { token: SECRET, extensions: [] };
    (doc.contexts as any)[0].context.namespace = 'default';
    assert.deepEqual(reduceAdminKubeconfig(stringify(doc), 'x'), { server: 'https://api.sno-0001.example.com:6443', caData: CA, credential: { token: SECRET } });
  });

  test('without certificate-authority-data the system CAs check the server (nothing is read locally)', () => {
    const doc = ztp();
    delete (doc.clusters as any)[0].cluster['certificate-authority-data'];
    assert.equal(reduceAdminKubeconfig(stringify(doc), 'x').caData, undefined);
  });

  test('the KubeConfig is built from the kept fields alone, and gives client-node the CA, certificate and key', async () => {
    const kc = adminKubeConfig(reduceAdminKubeconfig(stringify(ztp()), 'x'));
    assert.deepEqual(JSON.parse(JSON.stringify(kc.getCurrentUser())), { name: 'admin', certData: CERT, keyData: KEY });
    assert.deepEqual(JSON.parse(JSON.stringify(kc.getCurrentCluster())), { name: 'cluster', server: 'https://api.sno-0001.example.com:6443', skipTLSVerify: false, caData: CA });
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    assert.equal(String(opts.ca), pki.caPem);
    assert.equal(String(opts.cert), pki.certPem);
    assert.equal(String(opts.key), pki.keyPem);
    assert.equal(opts.rejectUnauthorized, undefined);
  });

  test('the text written for oc holds exactly the kept fields', () => {
    const token = JSON.parse(adminKubeconfigText({ server: 'https://a:6443', caData: CA, credential: { token: SECRET } }));
    assert.deepEqual(token, {
      apiVersion: 'v1', kind: 'Config',
      clusters: [{ name: 'cluster', cluster: { server: 'https://a:6443', 'certificate-authority-data': CA } }],
      users: [{ name: 'admin', user: { token: SECRET } }],
      contexts: [{ name: 'admin', context: { cluster: 'cluster', user: 'admin' } }],
      'current-context': 'admin',
    });
    const cert = JSON.parse(adminKubeconfigText({ server: 'https://a:6443', credential: { certData: CERT, keyData: KEY } }));
    assert.deepEqual(cert.users[0].user, { 'client-certificate-data': CERT, 'client-key-data': KEY });
    assert.deepEqual(cert.clusters[0].cluster, { server: 'https://a:6443' });
    // And it reads back to the same.
    assert.deepEqual(reduceAdminKubeconfig(adminKubeconfigText({ server: 'https://a:6443', caData: CA, credential: { token: SECRET } }), 'x'), { server: 'https://a:6443', caData: CA, credential: { token: SECRET } });
  });
});

describe('fields that reach outside the connection are refused by name', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>, string, RegExp][] = [
    ['exec plugin', {}, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: '/bin/sh', args: ['-c', SECRET] } }, 'users[0].user.exec', /run a command/],
    ['auth-provider', {}, { 'auth-provider': { name: 'oidc', config: { 'id-token': SECRET, tokenFile: '/etc/passwd' } } }, 'users[0].user.auth-provider', /credential plugin/],
    ['tokenFile (kubectl)', {}, { tokenFile: `/home/${SECRET}` }, 'users[0].user.tokenFile', /read a file/],
    ['token-file (client-node)', {}, { 'token-file': `/home/${SECRET}` }, 'users[0].user.token-file', /read a file/],
    ['client-certificate path', {}, { 'client-certificate': `/home/${SECRET}.crt` }, 'users[0].user.client-certificate', /certificate file/],
    ['client-key path', {}, { 'client-key': `/home/${SECRET}.key` }, 'users[0].user.client-key', /key file/],
    ['username', {}, { username: SECRET }, 'users[0].user.username', /basic authentication/],
    ['password', {}, { password: SECRET }, 'users[0].user.password', /basic authentication/],
    ['as', {}, { as: SECRET }, 'users[0].user.as', /impersonate/],
    ['as-uid', {}, { 'as-uid': SECRET }, 'users[0].user.as-uid', /impersonate/],
    ['as-groups', {}, { 'as-groups': [SECRET] }, 'users[0].user.as-groups', /impersonate/],
    ['as-user-extra', {}, { 'as-user-extra': { a: [SECRET] } }, 'users[0].user.as-user-extra', /impersonate/],
    ['certificate-authority path', { 'certificate-authority': `/etc/${SECRET}` }, {}, 'clusters[0].cluster.certificate-authority', /CA file/],
    ['insecure-skip-tls-verify', { 'insecure-skip-tls-verify': true }, {}, 'clusters[0].cluster.insecure-skip-tls-verify', /check of the server certificate/],
    ['insecure-skip-tls-verify as a string', { 'insecure-skip-tls-verify': 'true' }, {}, 'clusters[0].cluster.insecure-skip-tls-verify', /check of the server certificate/],
    ['proxy-url', { 'proxy-url': `http://127.0.0.1:3128/${SECRET}` }, {}, 'clusters[0].cluster.proxy-url', /proxy/],
    ['tls-server-name', { 'tls-server-name': SECRET }, {}, 'clusters[0].cluster.tls-server-name', /another name/],
    ['an unknown cluster field', { 'disable-compression': true }, {}, 'clusters[0].cluster.disable-compression', /not a field of a ZTP admin kubeconfig/],
    ['an unknown user field', {}, { 'future-credential': SECRET }, 'users[0].user.future-credential', /not a field of a ZTP admin kubeconfig/],
  ];
  for (const [name, cluster, user, path, why] of cases) {
    test(name, () => {
      const found = problems(ztp(cluster, user));
      const problem = found.find((p) => p.path === path);
      assert.ok(problem, `${path} not named: ${JSON.stringify(found)}`);
      assert.match(problem.why, why);
    });
  }

  test('a refused credential alone is one problem, not also "no credential"', () => {
    const doc = ztp();
    (doc.users as any)[0].user = { exec: { command: 'x' } };
    assert.deepEqual(paths(doc), ['users[0].user.exec']);
  });

  test('every entry is checked, not only the current context\'s', () => {
    const doc = ztp();
    (doc.users as any).push({ name: 'other', user: { exec: { command: 'x' } } });
    (doc.clusters as any).push({ name: 'other', cluster: { server: 'https://b:6443', 'proxy-url': 'http://p:1' } });
    assert.deepEqual(paths(doc).sort(), ['clusters[1].cluster.proxy-url', 'users[1].user.exec']);
  });

  test('a key with an odd name is not quoted; a key named like an Object property is not a known field', () => {
    const found = problems(ztp({ [`<img src=x>${SECRET}`]: 1 }, { constructor: 1, toString: 2 }));
    assert.deepEqual(found.map((p) => p.path).sort(), ['clusters[0].cluster.(a field with an unusual name)', 'users[0].user.constructor', 'users[0].user.toString']);
    assert.ok(found.every((p) => /not a field of a ZTP admin kubeconfig/.test(p.why)));
  });
});

describe('wrong values are refused without quoting them', () => {
  const cluster = (c: Record<string, unknown>) => ztp(c);
  const cases: [string, unknown, string][] = [
    ['an http:// server', cluster({ server: `http://${SECRET}.example.com` }), 'clusters[0].cluster.server'],
    ['a server with credentials in the URL', cluster({ server: `https://u:${SECRET}@a:6443` }), 'clusters[0].cluster.server'],
    ['a server with a query', cluster({ server: `https://a:6443/?t=${SECRET}` }), 'clusters[0].cluster.server'],
    ['a server that is not a URL', cluster({ server: SECRET }), 'clusters[0].cluster.server'],
    ['no server', cluster({ server: undefined }), 'clusters[0].cluster.server'],
    ['CA data that is not base64', cluster({ 'certificate-authority-data': `${SECRET}!` }), 'clusters[0].cluster.certificate-authority-data'],
    ['CA data that is not a certificate', cluster({ 'certificate-authority-data': b64(SECRET) }), 'clusters[0].cluster.certificate-authority-data'],
    ['key data that is not a private key', ztp({}, { 'client-key-data': CERT }), 'users[0].user.client-key-data'],
    ['a token over two lines', ztp({}, { 'client-certificate-data': undefined, 'client-key-data': undefined, token: `${SECRET}\nX-Injected: 1` }), 'users[0].user.token'],
    ['a token and a certificate', ztp({}, { token: SECRET }), 'users[0].user'],
    ['a certificate without its key', ztp({}, { 'client-key-data': undefined }), 'users[0].user'],
    ['no credential', ztp({}, { 'client-certificate-data': undefined, 'client-key-data': undefined }), 'users[0].user'],
    ['no current-context', ztp({}, {}, { 'current-context': undefined }), 'current-context'],
    ['a current-context that names nothing', ztp({}, {}, { 'current-context': SECRET }), 'current-context'],
    ['apiVersion v2', ztp({}, {}, { apiVersion: 'v2' }), 'apiVersion'],
    ['an unknown top-level field', ztp({}, {}, { 'future-field': SECRET }), 'future-field'],
  ];
  for (const [name, doc, path] of cases) {
    test(name, () => assert.ok(paths(JSON.parse(JSON.stringify(doc))).includes(path), `${path} not named: ${JSON.stringify(problems(JSON.parse(JSON.stringify(doc))))}`));
  }

  test('a context whose cluster or user is not defined', () => {
    const doc = ztp();
    (doc.contexts as any)[0].context = { cluster: 'nowhere', user: 'nobody' };
    assert.deepEqual(paths(doc).sort(), ['contexts[0].context.cluster', 'contexts[0].context.user']);
  });

  test('two entries of one name', () => {
    const doc = ztp();
    (doc.users as any).push({ name: 'admin', user: { token: SECRET } });
    assert.deepEqual(paths(doc), ['users[1]']);
  });

  test('a top level that is not a mapping', () => {
    assert.deepEqual(paths(`- ${SECRET}\n`), ['the text']);
  });
});

describe('hostile text is refused before or while parsing, bounded', () => {
  test('an alias bomb is not expanded', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)}]`);
    const found = problems(lines.join('\n'));
    assert.equal(found.length, 1);
    assert.match(found[0]!.why, /aliases/);
  });

  test('a single alias (a kubeconfig written by ZTP has none) and a merge key', () => {
    assert.match(problems(`${stringify(ztp())}\nx: &a 1\ny: *a\n`)[0]!.why, /aliases/);
    const merged = '%YAML 1.1\n---\nbase: &b {server: "https://a:6443"}\nclusters:\n- name: c\n  cluster:\n    <<: *b\n';
    assert.match(problems(merged)[0]!.why, /aliases/);
  });

  test('text larger than a Secret can hold is not parsed', () => {
    const found = problems(`a: "${'x'.repeat(MAX_ADMIN_KUBECONFIG_BYTES)}"`);
    assert.deepEqual(found.map((p) => p.path), ['the text']);
    assert.match(found[0]!.why, /larger than/);
  });

  test('deep nesting is a YAML error, not a crash', () => {
    const found = problems(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    assert.match(found[0]!.why, /not valid YAML/);
  });

  test('a syntax error says the line, never the text of it', () => {
    const found = problems(`clusters: []\nusers:\n- name: a\n  user: {token: "${SECRET}"\n`);
    assert.match(found[0]!.why, /^is not valid YAML at line \d+/);
  });

  test('duplicate keys are an error (two tokens: which one would be sent?)', () => {
    assert.match(problems(`current-context: a\ncurrent-context: b\n`)[0]!.why, /not valid YAML/);
  });
});
