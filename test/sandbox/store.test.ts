/**
 * The store's copy on write: stored objects are never changed once committed, readers that only look share
 * them, a write shares what it did not change with the version before, and the simulated controllers
 * change nothing they read. Store.freezeObjects is on for this file: every committed object is deep-frozen,
 * so a change through a shared reference throws instead of silently rewriting history.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario, startSandbox, Store, type KubeObject, type Sandbox } from '../../src/sandbox';
import { NAME_SUFFIX_ANNOTATION } from '../../src/core/talm/wire';
import { waitFor } from '../helpers/wait';

Store.freezeObjects = true;

const started: Sandbox[] = [];
after(async () => {
  await Promise.all(started.map((s) => s.stop()));
});

function hubStore(): Store {
  const store = new Store();
  store.create(store.types.kind('Namespace'), undefined, { metadata: { name: 'apps' } }, { fieldManager: 'test' });
  return store;
}

const cm = (store: Store) => store.types.kind('ConfigMap');
const mcl = (store: Store) => store.types.kind('ManagedCluster');

describe('store copy on write', () => {
  test('get and list hand out copies to change; peek, peekList, page and events hand out the stored objects, frozen', () => {
    const store = hubStore();
    const seen: KubeObject[] = [];
    store.subscribe((e) => seen.push(e.object));
    store.create(cm(store), 'apps', { metadata: { name: 'a', labels: { x: '1' } }, data: { k: 'v' } }, { fieldManager: 'test' });

    const copy = store.get(cm(store), 'apps', 'a')!;
    copy.data.k = 'changed';
    copy.metadata.labels.x = '2';
    store.list(cm(store), 'apps')[0]!.data.k = 'changed too';
    assert.equal(store.peek(cm(store), 'apps', 'a')!.data.k, 'v');
    assert.equal(store.peek(cm(store), 'apps', 'a')!.metadata.labels.x, '1');

    const shared = [store.peek(cm(store), 'apps', 'a')!, store.peekList(cm(store), 'apps')[0]!, store.page(cm(store), 'apps').items[0]!, seen[seen.length - 1]!];
    for (const o of shared) {
      assert.equal(o, shared[0], 'one stored object, not copies');
      assert.throws(() => { (o as KubeObject).data.k = 'x'; }, TypeError);
      assert.throws(() => { (o as KubeObject).metadata.labels.y = 'x'; }, TypeError);
      assert.throws(() => { (o as KubeObject).metadata.managedFields.push({}); }, TypeError);
    }
  });

  test('a write shares what it did not change with the version before, and the old version stays as it was', () => {
    const store = hubStore();
    const t = mcl(store);
    store.create(t, undefined, { metadata: { name: 'sno-1', labels: { a: '1' } }, spec: { hubAcceptsClient: true, managedClusterClientConfigs: [{ url: 'https://x' }] } }, { fieldManager: 'test' });
    const v1 = store.peek(t, undefined, 'sno-1')!;
    store.update(t, undefined, 'sno-1', { ...v1, status: { conditions: [{ type: 'Available', status: 'True' }] } }, { subresource: 'status', fieldManager: 'agent' });
    const v2 = store.peek(t, undefined, 'sno-1')!;
    assert.notEqual(v2, v1);
    assert.equal(v2.spec, v1.spec, 'the spec is the same object');
    assert.equal(v2.metadata.labels, v1.metadata.labels);
    assert.equal(v1.status, undefined, 'the old version has no status still');

    store.update(t, undefined, 'sno-1', { ...v2, metadata: { ...v2.metadata, labels: { a: '2' } } }, { fieldManager: 'test' });
    const v3 = store.peek(t, undefined, 'sno-1')!;
    assert.equal(v3.spec, v2.spec);
    assert.equal(v3.status, v2.status, 'an update of the main resource keeps the stored status object');
    assert.deepEqual(v3.metadata.labels, { a: '2' });
    assert.deepEqual(v2.metadata.labels, { a: '1' });
    assert.equal(Number(v3.metadata.resourceVersion), Number(v2.metadata.resourceVersion) + 1);
  });

  test('what a write was given is committed as it is: changing it afterwards throws', () => {
    const store = hubStore();
    const data = { k: 'v' };
    store.create(cm(store), 'apps', { metadata: { name: 'b' }, data }, { fieldManager: 'test' });
    assert.throws(() => { data.k = 'later'; }, TypeError);
    assert.equal(store.peek(cm(store), 'apps', 'b')!.data.k, 'v');
  });

  test('a delete hands out the last stored version; the namespace takes its contents', () => {
    const store = hubStore();
    store.create(cm(store), 'apps', { metadata: { name: 'c' }, data: { k: 'v' } }, { fieldManager: 'test' });
    const before = store.peek(cm(store), 'apps', 'c')!;
    const deleted: KubeObject[] = [];
    store.subscribe((e) => e.type === 'DELETED' && deleted.push(e.object));
    const { object } = store.delete(cm(store), 'apps', 'c');
    assert.equal(object.data, before.data);
    assert.ok(Object.isFrozen(object));
    store.create(cm(store), 'apps', { metadata: { name: 'd' } }, { fieldManager: 'test' });
    store.delete(store.types.kind('Namespace'), undefined, 'apps');
    assert.deepEqual(deleted.map((o) => o.metadata.name), ['c', 'apps', 'd']);
    assert.equal(store.peek(cm(store), 'apps', 'd'), undefined);
  });
});

describe('simulated controllers on frozen objects', { timeout: 120_000 }, () => {
  test('an IBGU with a failing Prep, a failing Upgrade (its cluster annotations added and removed) and AbortOnFailure runs to the end without changing anything it read', async () => {
    const log: string[] = [];
    const s = await startSandbox({
      scenario: parseScenario(['clusters: 4', 'durations: {prep: 20, upgrade: 30, abort: 5, finalize: 5}', 'faults:', '- {clusters: sno-0002, fault: Prep}', '- {clusters: sno-0004, fault: Upgrade}'].join('\n')),
      timeScale: 0.01,
      log: (line) => log.push(line),
    });
    started.push(s);
    const NS = 'ztp-upgrades';
    const IBGU = s.store.types.kind('ImageBasedGroupUpgrade');
    s.store.create(IBGU, NS, {
      metadata: { name: 'frozen', namespace: NS, annotations: { [NAME_SUFFIX_ANNOTATION]: 'sbx' } },
      spec: {
        clusterLabelSelectors: [{ matchLabels: { common: 'true' } }],
        ibuSpec: { seedImageRef: { image: 'registry.hub.example.com:8443/ibu/seed:4.18.9', version: '4.18.9', pullSecretRef: { name: 'seed-pull-secret' } } },
        plan: [[['Prep'], 2, 200], [['AbortOnFailure'], 4, 200], [['Upgrade'], 2, 200], [['AbortOnFailure'], 4, 200], [['FinalizeUpgrade'], 4, 200]]
          .map(([actions, maxConcurrency, timeout]) => ({ actions, rolloutStrategy: { maxConcurrency, timeout } })),
      },
    }, { fieldManager: 'test' });
    const done = await waitFor('the IBGU to finish', () => {
      const o = s.store.peek(IBGU, NS, 'frozen');
      return o?.status?.conditions?.find((c: KubeObject) => c.type === 'Progressing')?.status === 'False' && o;
    }, 60_000);
    // Timeouts far above the durations (2 s of wall time): machine load cannot turn a healthy cluster into a timed-out one.
    // A controller that changed a frozen object threw, and its queue logged the reconcile as failed.
    assert.deepEqual(log.filter((l) => /reconcile|TypeError|read only|not extensible/i.test(l)), []);
    const byName = Object.fromEntries(done.status.clusters.map((c: KubeObject) => [c.name, c]));
    assert.deepEqual(byName['sno-0001'].completedActions.map((a: KubeObject) => a.action), ['Prep', 'Upgrade', 'FinalizeUpgrade']);
    assert.deepEqual(byName['sno-0002'].failedActions.map((a: KubeObject) => a.action), ['Prep']);
    assert.deepEqual(byName['sno-0004'].failedActions.map((a: KubeObject) => a.action), ['Upgrade']);
    assert.ok(Object.isFrozen(done.status.clusters[0]));
    const spoke = s.spoke('sno-0001')!;
    assert.ok(Object.isFrozen(spoke.store.peek(spoke.types.kind('ImageBasedUpgrade'), undefined, 'upgrade')!.status.history));
  });
});
