import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generatePki } from '../../src/sandbox/tls';

test('the generated CA signs a server certificate for 127.0.0.1 and localhost', () => {
  const pki = generatePki();
  const ca = new crypto.X509Certificate(pki.caPem);
  const leaf = new crypto.X509Certificate(pki.certPem);
  assert.equal(ca.ca, true);
  assert.equal(leaf.ca, false);
  assert.equal(ca.verify(pki.caPublicKey), true, 'self-signed CA');
  assert.equal(leaf.verify(pki.caPublicKey), true, 'leaf signed by the CA');
  assert.equal(leaf.checkIssued(ca), true);
  assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(leaf.checkHost('localhost'), 'localhost');
  assert.equal(leaf.checkIP('10.0.0.1'), undefined);
  assert.ok(new Date(leaf.validTo).getTime() > Date.now() + 300 * 86_400_000);
  assert.ok(new Date(leaf.validFrom).getTime() <= Date.now());
  assert.equal(leaf.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.equal(crypto.createPublicKey(crypto.createPrivateKey(pki.keyPem)).export({ format: 'jwk' }).x, leaf.publicKey.export({ format: 'jwk' }).x);
});

test('a TLS client that trusts only the generated CA completes a handshake and rejects another CA', async () => {
  const pki = generatePki();
  const server = https.createServer({ cert: pki.certPem, key: pki.keyPem }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const get = (host: string, ca: string) =>
    new Promise<string>((resolve, reject) => {
      https.get({ host, port, ca, path: '/', agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
  try {
    assert.equal(await get('127.0.0.1', pki.caPem), 'ok');
    assert.equal(await get('localhost', pki.caPem), 'ok');
    await assert.rejects(get('127.0.0.1', generatePki().caPem));
  } finally {
    server.close();
  }
});
