/**
 * The rollout reducer on a live sandbox hub: the hub store's change events go into a HubIndex exactly as
 * the informers would deliver them, while the simulated TALM, work agent and LCA run wave 2 of
 * examples/sandbox/failures.yaml (sno-0005 fails Prep, sno-0006 is too slow for Prep, sno-0007 fails
 * Upgrade, sno-0004 cannot finalize). Expectations come from the scenario and TALM's behaviour (facts §3):
 * LCA's failures show at once from ManifestWork feedback, and in the end the reducer agrees with TALM's own
 * `status.clusters`. This is the README's walkthrough as written: the scenario puts the OADP ConfigMap on the
 * hub (hubManifests), and wave2-manual.yaml is applied as it is.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { readScenarioFile, startSandbox, type KubeObject, type Sandbox, type StoreEvent } from '../../src/sandbox';
import { HubIndex } from '../../src/hub/hub-index';
import { WATCHED_KINDS, type ModelChange, type Rollout, type WatchedKind } from '../../src/hub/types';
import { repoRoot } from '../helpers/fixtures';
import { waitFor } from '../helpers/wait';

/** Wall seconds per TALM/LCA minute: the whole plan (about 580 simulated minutes) takes about 6 s. */
const SCALE = 0.01;
const NS = 'ztp-upgrades';
const started: Sandbox[] = [];

after(async () => {
  await Promise.all(started.map((s) => s.stop()));
});

const CHANGE: Record<StoreEvent['type'], ModelChange['type']> = { ADDED: 'add', MODIFIED: 'update', DELETED: 'delete' };

/** wave2-manual.yaml as it is. */
function wave2(): KubeObject {
  return parse(readFileSync(path.join(repoRoot(), 'examples', 'ibgu', 'wave2-manual.yaml'), 'utf8'));
}

/** The helper's wait, with this file's default time limit. */
const until = <T>(what: string, probe: () => T | undefined | false, ms = 60_000) => waitFor(what, probe, ms);

const condition = (o: KubeObject | undefined, type: string) => o?.status?.conditions?.find((c: KubeObject) => c.type === type);

describe('the rollout reducer on a live sandbox hub', { timeout: 120_000 }, () => {
  test('wave 2 with failures: early failures before TALM times out, then agreement with status.clusters', async () => {
    const { scenario, hubObjects } = readScenarioFile(path.join(repoRoot(), 'examples', 'sandbox', 'failures.yaml'));
    const s = await startSandbox({ scenario, hubObjects, timeScale: SCALE });
    // What the IBGU references is on the hub: the OADP ConfigMap of examples/oadp, with its six Backups and Restores.
    const oadp = s.store.get(s.store.types.kind('ConfigMap'), 'openshift-adp', 'oadp-cm');
    assert.equal(Object.keys(oadp?.data ?? {}).length, 6);
    started.push(s);
    const kind = (k: string) => s.store.types.kind(k);
    const index = new HubIndex();
    for (const k of WATCHED_KINDS) for (const o of s.store.list(kind(k))) index.apply({ kind: k, type: 'add', object: o as ModelChange['object'] });

    /** Each early failure as first seen: its step, cluster, message and whether TALM had reported the cluster (or the step) finished then. */
    const early = new Map<string, { message: string; talmReported: boolean; spokeMessage: string | undefined }>();
    let uid: string | undefined;
    let last: Rollout | undefined;
    s.store.subscribe((e) => {
      const k = e.resource.kind as WatchedKind;
      if (!WATCHED_KINDS.includes(k)) return;
      index.apply({ kind: k, type: CHANGE[e.type], object: e.object as ModelChange['object'] });
      if (!uid) return;
      last = index.rolloutOf(uid);
      for (const step of last?.steps ?? []) {
        for (const c of step.clusters) {
          const key = `${step.index}/${c.name}`;
          if (!c.early || early.has(key)) continue;
          const cgu = s.store.peek(kind('ClusterGroupUpgrade'), NS, step.cgu!);
          const spoke = s.spoke(c.name)!;
          const ibu = spoke.store.peek(spoke.types.kind('ImageBasedUpgrade'), undefined, 'upgrade');
          const lcaType = { Prep: 'PrepCompleted', Upgrade: 'UpgradeCompleted' }[c.action!] ?? 'Idle';
          const reported = !!condition(cgu, 'Succeeded') || (cgu?.status?.clusters ?? []).some((r: KubeObject) => r.name === c.name);
          early.set(key, { message: c.message!, talmReported: reported, spokeMessage: condition(ibu, lcaType)?.message });
        }
      }
    });

    const created = s.store.create(kind('ImageBasedGroupUpgrade'), NS, wave2());
    uid = created.metadata.uid;
    const first = index.rolloutOf(uid!)!;
    assert.equal(first.state, 'waiting');
    assert.deepEqual(first.plan, [['Prep'], ['AbortOnFailure'], ['Upgrade'], ['AbortOnFailure'], ['FinalizeUpgrade']]);
    // Wave 2 is sno-0004 … sno-0008; before TALM starts, Prep selects all five and the Upgrade step expects them too.
    assert.deepEqual(first.steps[0]!.clusters.map((c) => [c.name, c.phase]), ['sno-0004', 'sno-0005', 'sno-0006', 'sno-0007', 'sno-0008'].map((n) => [n, 'pending']));
    assert.deepEqual([first.done, first.total], [0, 5]);

    const ibgu = await until('the IBGU to finish', () => {
      const o = s.store.get(kind('ImageBasedGroupUpgrade'), NS, 'sno-4.18-wave2');
      return condition(o, 'Progressing')?.status === 'False' && o;
    });

    // Exactly the faulted clusters failed early, each while TALM still ran the step, with the message LCA
    // put on the IBU (the one TALM's feedback can read) and TALM later recorded. The slow sno-0006 never did.
    assert.deepEqual([...early.keys()].sort(), ['0/sno-0005', '2/sno-0007', '4/sno-0004']);
    for (const [key, seen] of early) {
      assert.equal(seen.talmReported, false, `${key}: seen before the CGU recorded the cluster timed out`);
      assert.equal(seen.message, seen.spokeMessage, `${key}: LCA's message`);
    }
    assert.equal(early.get('0/sno-0005')!.message, 'Prep failed');
    assert.equal(early.get('2/sno-0007')!.message, 'Upgrade failed');
    assert.match(early.get('4/sno-0004')!.message, /^failed to delete the old stateroot .* Perform cleanup manually then add 'lca\.openshift\.io\/manual-cleanup-done' annotation to ibu CR to transition back to Idle$/);

    // The end: the reducer's per-step results are TALM's status.clusters, cluster by cluster.
    const end = index.rolloutOf(uid!)!;
    assert.equal(end, last, 'the last event computed it already');
    const talm: KubeObject[] = ibgu.status.clusters;
    assert.deepEqual(talm.map((c) => c.name), ['sno-0004', 'sno-0005', 'sno-0006', 'sno-0007', 'sno-0008']);
    for (const t of talm) {
      const mine = end.steps.flatMap((st) => st.clusters.filter((c) => c.name === t.name).map((c) => ({ step: st, c })));
      const completed = mine.filter((m) => m.c.phase === 'completed').flatMap((m) => m.step.actions.map((action) => ({ action })));
      const failed = mine.filter((m) => m.c.phase === 'failed').map((m) => ({ action: m.c.action, message: m.c.message }));
      assert.deepEqual(completed, t.completedActions ?? [], `${t.name}: completed actions`);
      assert.deepEqual(failed, t.failedActions ?? [], `${t.name}: failed actions`);
      assert.equal(mine.some((m) => m.c.phase === 'pending' || m.c.phase === 'in-progress'), false, `${t.name}: nothing left`);
    }
    // A batch timeout lets the CGU go on to the next batch; the step is TimedOut only when its last batch is.
    // Prep ([[4,5,6,7],[8]]) and Upgrade ([[4],[7],[8]]) end with a good batch, FinalizeUpgrade ([[4,8]]) does not.
    assert.deepEqual(end.steps.map((st) => st.state), ['completed', 'completed', 'completed', 'completed', 'timed-out']);
    assert.deepEqual(end.steps.map((st) => st.batches), [[['sno-0004', 'sno-0005', 'sno-0006', 'sno-0007'], ['sno-0008']], [['sno-0005', 'sno-0006']], [['sno-0004'], ['sno-0007'], ['sno-0008']], [['sno-0007']], [['sno-0004', 'sno-0008']]]);
    assert.deepEqual(end.steps.map((st) => st.counts.failed), [2, 0, 1, 0, 1]);
    assert.deepEqual(end.clusters.map((c) => [c.name, c.phase, c.action]), [
      ['sno-0004', 'failed', 'FinalizeUpgrade'], ['sno-0005', 'failed', 'Prep'], ['sno-0006', 'failed', 'Prep'], ['sno-0007', 'failed', 'Upgrade'], ['sno-0008', 'completed', undefined],
    ]);
    assert.equal(end.clusters.find((c) => c.name === 'sno-0006')!.message, 'Action did not successfully complete before the timeout specified in the rolloutStrategy');
    assert.deepEqual([end.done, end.total, end.failed, end.state, end.message], [5, 5, 4, 'failed', 'All plan steps are completed']);
  });
});
