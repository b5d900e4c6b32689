/**
 * The hub index (src/hub/hub-index.ts): which of TALM's objects belong to which IBGU, kept as they arrive in
 * any order, and the memo that recomputes a rollout only when a related object changed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HubIndex } from '../../src/hub/hub-index';
import type { KubeObject, ModelChange } from '../../src/hub/types';
import { type Step, cgu, cluster, ibgu, ibuManifest, mc, mw, phases } from '../helpers/talm-objects';

describe('HubIndex', () => {
  const plan: Step[] = [[['Prep'], 2, 240], [['Upgrade'], 2, 240]];
  const prep = () => cgu('w', 0, ['Prep'], {
    remediationPlan: [['a', 'b']],
    status: { currentBatch: 1, currentBatchRemediationProgress: { a: { state: 'InProgress', manifestWorkIndex: 0 }, b: { state: 'InProgress', manifestWorkIndex: 0 } } },
  });
  const failing = () => mw('a', 'w-prep-0', 'w-prep', [ibuManifest({ isPrepCompleted: 'False', prepCompletedConditionMessages: 'Prep failed' })]);
  const add = (kind: ModelChange['kind'], object: KubeObject): ModelChange => ({ kind, type: 'add', object });

  test('objects in any order: a ManifestWork before its CGU, a CGU before its IBGU', () => {
    const index = new HubIndex();
    index.apply(add('ManifestWork', failing()));
    index.apply(add('ClusterGroupUpgrade', prep()));
    index.apply(add('ManagedCluster', mc('b')));
    assert.equal(index.rolloutOf('uid-w'), undefined, 'no IBGU yet');
    index.apply(add('ImageBasedGroupUpgrade', ibgu('w', plan)));
    index.apply(add('ManagedCluster', mc('a')));
    const r = index.rolloutOf('uid-w')!;
    assert.deepEqual(r.steps[0]!.clusters.map((c) => [c.name, c.phase, c.early]), [['a', 'failed', true], ['b', 'in-progress', undefined]]);
    assert.deepEqual(phases(r, 1), { b: 'pending' });
    assert.deepEqual(index.rollouts().map((x) => x.name), ['w']);
  });

  test('deletes: the ManifestWork, the CGU, then the IBGU', () => {
    const index = new HubIndex();
    for (const c of [add('ImageBasedGroupUpgrade', ibgu('w', plan)), add('ManagedCluster', mc('a')), add('ManagedCluster', mc('b')), add('ClusterGroupUpgrade', prep()), add('ManifestWork', failing())]) index.apply(c);
    assert.equal(cluster(index.rolloutOf('uid-w')!, 0, 'a')!.phase, 'failed');
    index.apply({ kind: 'ManifestWork', type: 'delete', object: failing() });
    assert.equal(cluster(index.rolloutOf('uid-w')!, 0, 'a')!.phase, 'in-progress');
    index.apply({ kind: 'ClusterGroupUpgrade', type: 'delete', object: prep() });
    assert.deepEqual(index.rolloutOf('uid-w')!.steps.map((s) => s.state), ['waiting', 'waiting']);
    index.apply({ kind: 'ManagedCluster', type: 'delete', object: mc('b') });
    assert.deepEqual(phases(index.rolloutOf('uid-w')!, 0), { a: 'pending' });
    index.apply({ kind: 'ImageBasedGroupUpgrade', type: 'delete', object: ibgu('w', plan) });
    assert.equal(index.rolloutOf('uid-w'), undefined);
    assert.deepEqual(index.rollouts(), []);
  });

  test('memo: unrelated changes keep the computed rollout, related ones recompute it', () => {
    const index = new HubIndex();
    for (const c of [add('ImageBasedGroupUpgrade', ibgu('w', plan)), add('ImageBasedGroupUpgrade', ibgu('v', plan, { other: 'x' })), add('ManagedCluster', mc('a')), add('ManagedCluster', mc('b')), add('ClusterGroupUpgrade', prep()), add('ClusterGroupUpgrade', cgu('v', 0, ['Prep'], {}))]) index.apply(c);
    const first = index.rolloutOf('uid-w')!;
    assert.equal(index.rolloutOf('uid-w'), first, 'nothing changed');
    index.apply(add('ManifestWork', mw('z', 'v-prep-0', 'v-prep', [ibuManifest({})])));
    index.apply(add('ManifestWork', mw('a', 'w-prep-0', 'w-prep', [ibuManifest({})])));
    const second = index.rolloutOf('uid-w')!;
    assert.notEqual(second, first, 'a ManifestWork of its own CGU');
    index.apply(add('ManifestWork', mw('q', 'v-prep-0', 'v-prep', [ibuManifest({ isPrepCompleted: 'False', prepCompletedConditionMessages: 'Prep failed' })])));
    const elsewhere = mw('a', 'w-prep-0', 'w-prep', [ibuManifest({})], 'other-ns');
    elsewhere.metadata.name = 'other-ns.w-prep-kuttl';
    index.apply(add('ManifestWork', elsewhere));
    assert.equal(index.rolloutOf('uid-w'), second, "another IBGU's ManifestWork, and a same-named CGU's in another namespace");
    index.apply(add('ManagedCluster', mc('zz', { common: 'false' })));
    assert.equal(index.rolloutOf('uid-w'), second, 'a cluster its selectors do not match');
    index.apply({ kind: 'ManifestWork', type: 'update', object: failing() });
    const third = index.rolloutOf('uid-w')!;
    assert.notEqual(third, second);
    assert.equal(cluster(third, 0, 'a')!.phase, 'failed');
    index.apply({ kind: 'ManagedCluster', type: 'update', object: mc('b', { 'lcm.openshift.io/ibgu-prep-completed': '' }) });
    assert.notEqual(index.rolloutOf('uid-w'), third, 'a label change on one of its clusters');
    const v = index.rolloutOf('uid-v')!;
    index.apply({ kind: 'ClusterGroupUpgrade', type: 'update', object: prep() });
    assert.equal(index.rolloutOf('uid-v'), v, "the other IBGU's CGU");
  });

  test('a CGU that leaves its IBGU and comes back as it was: the ManifestWork changes meanwhile count', () => {
    const index = new HubIndex();
    for (const c of [add('ImageBasedGroupUpgrade', ibgu('w', plan)), add('ManagedCluster', mc('a')), add('ManagedCluster', mc('b')), add('ClusterGroupUpgrade', prep()), add('ManifestWork', mw('a', 'w-prep-0', 'w-prep', [ibuManifest({})]))]) index.apply(c);
    assert.equal(cluster(index.rolloutOf('uid-w')!, 0, 'a')!.phase, 'in-progress');
    for (const away of [{ kind: 'ClusterGroupUpgrade', type: 'delete', object: prep() }, { kind: 'ClusterGroupUpgrade', type: 'update', object: { ...prep(), metadata: { ...prep().metadata, labels: { ibgu: 'v' } } } }] as ModelChange[]) {
      index.apply(away);
      index.apply({ kind: 'ManifestWork', type: 'update', object: failing() });
      index.apply({ kind: 'ClusterGroupUpgrade', type: 'update', object: prep() });
      assert.equal(cluster(index.rolloutOf('uid-w')!, 0, 'a')!.phase, 'failed', `after a CGU ${away.type}`);
      index.apply({ kind: 'ManifestWork', type: 'update', object: mw('a', 'w-prep-0', 'w-prep', [ibuManifest({})]) });
      assert.equal(cluster(index.rolloutOf('uid-w')!, 0, 'a')!.phase, 'in-progress');
    }
  });
});
