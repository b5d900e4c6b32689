/**
 * A watch whose client stops reading must not make the hub buffer without limit: once more than the
 * limit waits unsent the server ends the stream (cleanly, as the apiserver drops a watcher that cannot
 * keep up), what was sent still arrives, and a re-watch from the last resourceVersion received misses
 * nothing. The hub here has a 256 KB limit (the default is 64 MB).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import * as https from 'node:https';
import { startSandbox, type Sandbox } from '../../src/sandbox';

const LIMIT = 256 * 1024;
const CM_PATH = '/api/v1/namespaces/default/configmaps';
/** ~16 KB per event: 1,500 of them (24 MB) outgrow the limit and the kernel's socket buffers, and stay within the store's 2,000-event history. */
const PAYLOAD = 'x'.repeat(16 * 1024);

let hub: Sandbox;

before(async () => {
  hub = await startSandbox({ clusters: 1, controllers: false, watchBufferLimitBytes: LIMIT });
});
const requests: { destroy(): void }[] = [];
after(async () => {
  // A paused response keeps its socket (and the test process) alive until destroyed.
  for (const r of requests) r.destroy();
  await hub.stop();
});

interface Stream { events: any[]; res: IncomingMessage; ended: Promise<'end' | 'error'>; close(): void }

function watch(path: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const events: any[] = [];
    let buffer = '';
    const req = https.request(`${hub.url}${path}`, { headers: { Authorization: `Bearer ${hub.token}` }, ca: hub.caPem, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`watch status ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buffer += c;
        let i;
        while ((i = buffer.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buffer.slice(0, i)));
          buffer = buffer.slice(i + 1);
        }
      });
      const ended = new Promise<'end' | 'error'>((r) => {
        res.on('end', () => r('end'));
        res.on('error', () => r('error'));
        res.on('aborted', () => r('error'));
      });
      resolve({ events, res, ended, close: () => req.destroy() });
    });
    requests.push(req);
    req.on('error', reject);
    req.end();
  });
}

const cmType = () => hub.store.types.kind('ConfigMap');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A timer to race against that does not keep the process alive once the test is over. */
const timeout = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

describe('watch buffer limit', () => {
  test('a paused reader is cut off past the limit; it gets what was sent, then a clean end; re-watching from its last RV loses nothing', async () => {
    const start = String(hub.store.currentRv());
    const w = await watch(`${CM_PATH}?watch=true&resourceVersion=${start}`);
    w.res.pause();
    const names: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const name = `slow-${String(i).padStart(4, '0')}`;
      names.push(name);
      hub.store.create(cmType(), 'default', { metadata: { name }, data: { payload: PAYLOAD } }, { fieldManager: 'test' });
    }
    const last = hub.store.currentRv();
    w.res.resume();
    const how = await Promise.race([w.ended, timeout(10_000).then(() => 'timeout' as const)]);
    assert.equal(how, 'end', 'the server ends the stream cleanly');
    const got = w.events;
    assert.ok(got.length > 0, 'what was sent before the cut arrives');
    assert.ok(got.length < names.length, `the stream was cut before the end (${got.length} of ${names.length} events)`);
    assert.ok(got.every((e) => e.type === 'ADDED'));
    assert.deepEqual(got.map((e) => e.object.metadata.name), names.slice(0, got.length), 'in order, without gaps');

    // The client's next step: re-watch from the last resourceVersion it received. A replay is written at
    // once, so it is cut at the limit too; the client re-watches until it has caught up, as a reflector does.
    const rest: any[] = [];
    let rewatches = 0;
    let resumeRv = got[got.length - 1].object.metadata.resourceVersion;
    while (rest.length < names.length - got.length && rewatches < 500) {
      rewatches++;
      const again = await watch(`${CM_PATH}?watch=true&resourceVersion=${resumeRv}`);
      const deadline = Date.now() + 5_000;
      let ended = false;
      void again.ended.then(() => (ended = true));
      while (!ended && rest.length + again.events.length < names.length - got.length && Date.now() < deadline) await sleep(5);
      again.close();
      assert.ok(again.events.every((e) => e.type === 'ADDED'), 'no ERROR: the history still reaches back');
      rest.push(...again.events);
      if (again.events.length) resumeRv = again.events[again.events.length - 1].object.metadata.resourceVersion;
    }
    assert.ok(rewatches > 1, 'the replay was cut at the limit too');
    assert.deepEqual(rest.map((e) => e.object.metadata.name), names.slice(got.length), 'the rest, exactly once, in order');
    assert.equal(rest[rest.length - 1].object.metadata.resourceVersion, String(last));
  });

  test('a reader that keeps up is not cut off, whatever the total volume', async () => {
    const start = String(hub.store.currentRv());
    const w = await watch(`${CM_PATH}?watch=true&resourceVersion=${start}`);
    const count = 300; // 4.8 MB, far more than the limit, written one event per turn of the event loop
    for (let i = 0; i < count; i++) {
      const name = `fast-${String(i).padStart(4, '0')}`;
      hub.store.create(cmType(), 'default', { metadata: { name }, data: { payload: PAYLOAD } }, { fieldManager: 'test' });
      await new Promise((r) => setImmediate(r));
      if (i % 50 === 49) await sleep(5);
    }
    const deadline = Date.now() + 10_000;
    while (w.events.length < count && Date.now() < deadline) await sleep(20);
    assert.equal(w.events.length, count);
    const how = await Promise.race([w.ended, timeout(200).then(() => 'open' as const)]);
    assert.equal(how, 'open', 'the stream stays open');
    w.close();
  });
});
