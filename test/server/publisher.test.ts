import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PublishDiagnosticsParams } from 'vscode-languageserver/node';
import type { Finding } from '../../src/core/index';
import { Publisher } from '../../src/server/publisher';

const finding = (message: string): Finding => ({ rule: 'ibgu/apply-wave', severity: 'error', message, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, fixes: [] });

/** A client that takes each publish only when the test says so. */
function slowClient() {
  const sent: PublishDiagnosticsParams[] = [];
  const pending: (() => void)[] = [];
  const send = (params: PublishDiagnosticsParams) => {
    sent.push(params);
    return new Promise<void>((resolve) => pending.push(resolve));
  };
  const finishOne = async () => {
    pending.shift()!();
    // Let the publisher's await resume and send what waits.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { sent, send, finishOne, inFlight: () => pending.length };
}

test('one publish in flight per document: results that arrive meanwhile wait, and only the newest is sent', async () => {
  const client = slowClient();
  let version = 1;
  const publisher = new Publisher(client.send, () => version);
  publisher.publish('file:///a.yaml', 1, [finding('v1')]);
  for (version = 2; version <= 5; version++) publisher.publish('file:///a.yaml', version, [finding(`v${version}`)]);
  version = 5;
  publisher.publish('file:///b.yaml', undefined, []);
  assert.deepEqual(client.sent.map((p) => [p.uri, p.version]), [['file:///a.yaml', 1], ['file:///b.yaml', undefined]], 'another document is not held up');
  await client.finishOne();
  assert.deepEqual(client.sent.map((p) => p.version), [1, undefined, 5]);
  assert.equal(client.sent[2].diagnostics[0].message, 'v5');
  assert.equal(client.sent[2].diagnostics[0].source, 'ibgu');
  await client.finishOne();
  await client.finishOne();
  assert.equal(client.inFlight(), 0);
  assert.equal(client.sent.length, 3);
});

test('a result for a version that is no longer current is not sent; a clear (no version) always is', async () => {
  const client = slowClient();
  let version: number | undefined = 3;
  const publisher = new Publisher(client.send, () => version);
  publisher.publish('file:///a.yaml', 3, [finding('v3')]);
  version = 4;
  publisher.publish('file:///a.yaml', 4, [finding('v4')]);
  // Version 5 arrives while version 3 is being sent and 4 waits: 4 is stale before its turn.
  version = 5;
  await client.finishOne();
  assert.deepEqual(client.sent.map((p) => p.version), [3]);
  // The document is closed: its diagnostics are cleared, without a version.
  version = undefined;
  publisher.publish('file:///a.yaml', undefined, []);
  await client.finishOne();
  assert.deepEqual(client.sent.map((p) => [p.version, p.diagnostics.length]), [[3, 1], [undefined, 0]]);
});
