/**
 * Watch fan-out: every watcher of a type gets the same bytes, in commit order, and one that stops reading
 * neither holds up the others nor makes the hub keep its backlog without limit (it is cut off past the
 * buffer limit, 256 KB here).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientRequest, IncomingMessage } from 'node:http';
import * as https from 'node:https';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { waitFor } from '../helpers/wait';
import { rawCall } from '../helpers/raw-https';

const LIMIT = 256 * 1024;
const CM_PATH = '/api/v1/namespaces/default/configmaps';
const PAYLOAD = 'y'.repeat(16 * 1024);

let hub: Sandbox;
const requests: ClientRequest[] = [];
before(async () => {
  hub = await startSandbox({ clusters: 1, controllers: false, watchBufferLimitBytes: LIMIT });
});
after(async () => {
  for (const r of requests) r.destroy();
  await hub.stop();
});

interface Raw { text: () => string; res: IncomingMessage; ended: boolean }

function watch(path: string, token = hub.token): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const chunks: string[] = [];
    const req = https.request(`${hub.url}${path}`, { headers: { Authorization: `Bearer ${token}` }, ca: hub.caPem, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`watch status ${res.statusCode}`));
      res.setEncoding('utf8');
      const raw: Raw = { text: () => chunks.join(''), res, ended: false };
      res.on('data', (c: string) => chunks.push(c));
      res.on('end', () => (raw.ended = true));
      resolve(raw);
    });
    requests.push(req);
    req.on('error', reject);
    req.end();
  });
}

const lines = (raw: Raw) => raw.text().split('\n').filter(Boolean);

describe('watch fan-out', { timeout: 60_000 }, () => {
  test('N watchers get the same bytes in commit order; a paused one holds up nobody and is cut off at the limit', async () => {
    const t = hub.store.types.kind('ConfigMap');
    const from = hub.store.currentRv();
    const fast = await Promise.all(Array.from({ length: 6 }, () => watch(`${CM_PATH}?watch=true&resourceVersion=${from}`)));
    const slow = await watch(`${CM_PATH}?watch=true&resourceVersion=${from}`);
    slow.res.pause();
    const committed: string[] = [];
    const unsubscribe = hub.store.subscribe((e) => e.resource === t && committed.push(`${e.type} ${e.object.metadata.resourceVersion}`));
    const count = 600; // 6.4 MB per watcher: more than the limit and the kernel's socket buffers
    for (let i = 0; i < count; i++) {
      const name = `fan-${String(i).padStart(4, '0')}`;
      if (i % 3 === 2) hub.store.delete(t, 'default', `fan-${String(i - 1).padStart(4, '0')}`);
      else hub.store.create(t, 'default', { metadata: { name }, data: { payload: PAYLOAD } }, { fieldManager: 'test' });
      // Several commits per turn of the event loop, as when many requests arrive together.
      if (i % 10 === 9) await new Promise((r) => setImmediate(r));
    }
    unsubscribe();

    await waitFor(`every fast watcher to have every event`, () => fast.every((w) => lines(w).length === count), 20_000).catch((e) => { throw new Error(`${e.message}: ${fast.map((w) => lines(w).length + (w.ended ? ' ended' : '')).join(', ')}`); });
    const first = fast[0]!.text();
    for (const w of fast) assert.equal(w.text(), first, 'the same bytes for every watcher');
    const seen = lines(fast[0]!).map((l) => JSON.parse(l)).map((e) => `${e.type} ${e.object.metadata.resourceVersion}`);
    assert.deepEqual(seen, committed, 'every event, in commit order');

    await waitFor('the paused watcher to be cut off', () => {
      slow.res.resume();
      return slow.ended;
    }, 20_000);
    const got = lines(slow);
    assert.ok(got.length < count, `cut before the end (${got.length} of ${count})`);
    assert.ok(got.length > 0, 'what was queued before the cut still arrived');
    assert.deepEqual(got, lines(fast[0]!).slice(0, got.length), 'a prefix of what the others got, byte for byte');
    assert.ok(fast.every((w) => !w.ended), 'the fast watchers stay open');
  });
});

describe('a spoke keeps its watch history once a client has read from it', { timeout: 60_000 }, () => {
  test('writes before the first request leave no history (410 from an earlier resourceVersion); after it, a watch from the listed version gets every event', async () => {
    const name = hub.scenario.clusters[0]!.name;
    const spoke = hub.spoke(name)!;
    const cm = spoke.store.types.kind('ConfigMap');
    const base = `${hub.spokeAccess(name).url}/api/v1/namespaces/default/configmaps`.slice(hub.url.length);
    const seededRv = spoke.store.currentRv();
    // In-process writes, as the simulated controllers make them: nobody has read this spoke yet.
    for (let i = 0; i < 3; i++) spoke.store.create(cm, 'default', { metadata: { name: `before-${i}` } }, { fieldManager: 'test' });
    assert.equal(spoke.store.eventsSince(seededRv), undefined, 'no history is kept for a spoke nobody has read');
    const token = hub.spokeAccess(name).token;
    const listed = await rawCall(hub, 'GET', base, { token });
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.items.map((o: any) => o.metadata.name).filter((n: string) => n.startsWith('before-')), ['before-0', 'before-1', 'before-2']);
    const rv = listed.body.metadata.resourceVersion;
    // A resourceVersion from before the first read is past the (empty) history: 410 Expired on the stream.
    const expired = await watch(`${base}?watch=true&resourceVersion=${seededRv}`, token);
    await waitFor('the expired watch to end', () => expired.ended);
    assert.match(lines(expired)[0]!, /"code":410/);
    // From the listed version: the history is kept now, so a later watch from it replays what came after.
    spoke.store.create(cm, 'default', { metadata: { name: 'after-0' } }, { fieldManager: 'test' });
    spoke.store.delete(cm, 'default', 'before-1');
    const w = await watch(`${base}?watch=true&resourceVersion=${rv}`, token);
    await waitFor('both events replayed', () => lines(w).length >= 2);
    assert.deepEqual(lines(w).map((l) => { const e = JSON.parse(l); return `${e.type} ${e.object.metadata.name}`; }), ['ADDED after-0', 'DELETED before-1']);
    w.res.destroy();
    // The hub keeps its history from the start.
    assert.notEqual(hub.store.eventsSince(0), undefined);
  });
});

