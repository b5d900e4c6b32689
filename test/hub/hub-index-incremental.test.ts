/**
 * The hub index's incremental rollout (src/hub/hub-index.ts over core/talm/readback.ts): after every event of a
 * random sequence — cluster label changes, clusters joining and leaving, CGUs and ManifestWorks changing — the
 * rollout it keeps equals a full recompute (reduceRollout) of the same objects.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HubIndex } from '../../src/hub/hub-index';
import { reduceRollout } from '../../src/core/talm/readback';
import type { KubeObject, ModelChange } from '../../src/hub/types';
import { cgu, ibgu, ibuManifest, mc, mw, succeeded, timedOut, type Step } from '../helpers/talm-objects';

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = Array.from({ length: 12 }, (_, i) => `sno-${String(i).padStart(2, '0')}`);
const LABELS = ['lcm.openshift.io/ibgu-prep-completed', 'lcm.openshift.io/ibgu-prep-failed', 'lcm.openshift.io/ibgu-upgrade-completed', 'lcm.openshift.io/ibgu-upgrade-failed'];
const plan: Step[] = [[['Prep'], 3, 240], [['Upgrade'], 3, 240], [['AbortOnFailure'], 4, 60], [['FinalizeUpgrade'], 5, 60]];

describe('HubIndex incremental rollout', () => {
  test('equals a full recompute after every event of random sequences', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rnd = random(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
      const index = new HubIndex();
      const clusters = new Map<string, KubeObject>();
      const cgus = new Map<string, KubeObject>();
      const works = new Map<string, KubeObject>();
      const apply = (change: ModelChange) => {
        const store = change.kind === 'ManagedCluster' ? clusters : change.kind === 'ClusterGroupUpgrade' ? cgus : change.kind === 'ManifestWork' ? works : undefined;
        const key = `${change.object.metadata.namespace ?? ''}/${change.object.metadata.name}`;
        if (store) change.type === 'delete' ? store.delete(key) : store.set(key, change.object);
        index.apply(change);
      };
      const owner = ibgu('w', plan, { common: 'true' });
      apply({ kind: 'ImageBasedGroupUpgrade', type: 'add', object: owner });
      for (const n of NAMES) if (rnd() < 0.8) apply({ kind: 'ManagedCluster', type: 'add', object: mc(n, { common: rnd() < 0.9 ? 'true' : 'false' }) });
      let steps = 0;
      for (let event = 0; event < 60; event++) {
        const r = rnd();
        if (r < 0.55) {
          // A cluster's labels change, it joins, or it leaves.
          const name = pick(NAMES);
          const old = clusters.get(`/${name}`);
          if (old && rnd() < 0.15) apply({ kind: 'ManagedCluster', type: 'delete', object: old });
          else {
            const labels: Record<string, string> = { ...(old?.metadata.labels ?? { common: 'true' }) };
            const label = pick([...LABELS, 'common']);
            if (label === 'common') labels.common = labels.common === 'true' ? 'false' : 'true';
            else if (label in labels) delete labels[label];
            else labels[label] = '';
            apply({ kind: 'ManagedCluster', type: old ? 'update' : 'add', object: { ...mc(name, labels), metadata: { ...mc(name, labels).metadata, resourceVersion: String(event) } } });
          }
        } else if (r < 0.8) {
          // A step's CGU starts, moves on, or ends.
          const i = Math.min(steps, plan.length - 1);
          const batch = NAMES.filter(() => rnd() < 0.5);
          const progress = Object.fromEntries(batch.map((n) => [n, { state: pick(['InProgress', 'Completed', 'NotStarted']), manifestWorkIndex: 0 }]));
          const ended = rnd() < 0.3;
          const status = {
            remediationPlan: [batch.slice(0, 3), batch.slice(3)].filter((b) => b.length),
            ...(ended ? { conditions: [pick([succeeded, timedOut])], clusters: batch.map((n) => ({ name: n, state: rnd() < 0.7 ? 'complete' : 'timedout' })) } : { status: { currentBatch: 1, currentBatchRemediationProgress: progress } }),
          };
          apply({ kind: 'ClusterGroupUpgrade', type: cgus.size > i ? 'update' : 'add', object: cgu('w', i, plan[i]![0], status) });
          if (ended) steps++;
        } else if (r < 0.95) {
          // A ManifestWork of the current step reports feedback.
          const i = Math.min(steps, plan.length - 1);
          const action = plan[i]![0][0]!.toLowerCase();
          const cguName = `w-${action}-${i}`;
          const values: Record<string, string> = rnd() < 0.5 ? { isPrepCompleted: 'False', prepCompletedConditionMessages: 'Prep failed' } : { isPrepCompleted: 'True' };
          apply({ kind: 'ManifestWork', type: 'add', object: mw(pick(NAMES), cguName, `w-${action}`, [ibuManifest(values)]) });
        } else if (works.size) {
          apply({ kind: 'ManifestWork', type: 'delete', object: pick([...works.values()]) });
        }
        const kept = index.rolloutOf('uid-w');
        const full = reduceRollout(owner, { cgus: [...cgus.values()], manifestWorks: [...works.values()], managedClusters: [...clusters.values()] });
        assert.deepEqual(kept, full, `seed ${seed}, event ${event}`);
      }
    }
  });

  test('a cluster label change leaves the rows of the other clusters as they were (same objects)', () => {
    const index = new HubIndex();
    index.apply({ kind: 'ImageBasedGroupUpgrade', type: 'add', object: ibgu('w', plan) });
    for (const n of NAMES) index.apply({ kind: 'ManagedCluster', type: 'add', object: mc(n, { common: 'true' }) });
    const before = index.rolloutOf('uid-w')!;
    index.apply({ kind: 'ManagedCluster', type: 'update', object: mc('sno-03', { common: 'true', 'lcm.openshift.io/ibgu-prep-failed': '' }) });
    const after = index.rolloutOf('uid-w')!;
    assert.notEqual(after, before, 'a new rollout');
    assert.equal(after.clusters.find((c) => c.name === 'sno-04'), before.clusters.find((c) => c.name === 'sno-04'), 'an untouched cluster keeps its row');
    assert.notEqual(after.clusters.find((c) => c.name === 'sno-03'), before.clusters.find((c) => c.name === 'sno-03'));
    assert.equal(index.rolloutOf('uid-w'), after, 'no change, the same rollout');
  });
});
