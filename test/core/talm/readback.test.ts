/**
 * The rollout read back from TALM's objects (src/core/talm/readback.ts), on plain objects shaped as upstream
 * TALM, the OCM work agent and LCA write them (facts §3.2–§3.6, §4.4; the kuttl 09-assert end state).
 * Expected values are written by hand.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { reduceRollout, liveFailure } from '../../../src/core/talm/readback';
import { CLEANUP_FAILED, type Step, TIMEOUT_TEXT, cgu, cluster, cond, ibgu, ibuManifest, mc, mw, phases, succeeded, timedOut } from '../../helpers/talm-objects';

describe('reduceRollout', () => {
  test('before any CGU: every step waits; Prep selects by the IBGU selectors, Upgrade by prep-completed as if Prep succeeds', () => {
    const i = ibgu('wave2', [[['Prep'], 2, 240], [['Upgrade'], 1, 600]], { common: 'true', 'upgrade-wave': '2' });
    const clusters = [mc('sno-3', { 'upgrade-wave': '2' }), mc('sno-1', { 'upgrade-wave': '2' }), mc('sno-2', { 'upgrade-wave': '2' }), mc('sno-9', { 'upgrade-wave': '3' })];
    const r = reduceRollout(i, { cgus: [], manifestWorks: [], managedClusters: clusters });
    assert.equal(r.state, 'waiting');
    assert.deepEqual(r.plan, [['Prep'], ['Upgrade']]);
    assert.deepEqual(r.steps.map((s) => [s.state, s.maxConcurrency, s.timeoutMinutes, s.cgu]), [['waiting', 2, 240, undefined], ['waiting', 1, 600, undefined]]);
    assert.deepEqual(phases(r, 0), { 'sno-1': 'pending', 'sno-2': 'pending', 'sno-3': 'pending' });
    assert.deepEqual(r.steps[0]!.clusters.map((c) => c.name), ['sno-1', 'sno-2', 'sno-3'], 'sorted by name');
    assert.deepEqual(phases(r, 1), { 'sno-1': 'pending', 'sno-2': 'pending', 'sno-3': 'pending' });
    assert.deepEqual([r.done, r.total, r.failed], [0, 3, 0]);
    assert.equal(r.uid, 'uid-wave2');
  });

  test('an [Upgrade]-only plan selects only clusters an earlier IBGU labelled prep-completed', () => {
    const i = ibgu('resume', [[['Upgrade'], 0, 60]]);
    const r = reduceRollout(i, { cgus: [], manifestWorks: [], managedClusters: [mc('a', { 'lcm.openshift.io/ibgu-prep-completed': '' }), mc('b')] });
    assert.deepEqual(phases(r, 0), { a: 'pending' });
    assert.deepEqual([r.done, r.total], [0, 1]);
  });

  test('the kuttl 09-assert end state: steps timed out or completed, failures with TALM messages, all done', () => {
    const plan: Step[] = [[['Prep'], 0, 5], [['AbortOnFailure'], 0, 5], [['Upgrade'], 0, 5], [['AbortOnFailure'], 0, 5], [['FinalizeUpgrade'], 0, 5]];
    const i = ibgu('upgrade-4.15.0', plan, { common: 'true' }, { status: { conditions: [cond('Progressing', 'False', 'Completed', 'All plan steps are completed')] } });
    const prepFailed = { name: 'upgrade-4.15.0-prep', status: { manifests: [ibuManifest({ isPrepCompleted: 'False', prepCompletedConditionMessages: 'Prep failed' })] } };
    const done = (c: string) => ({ name: c, state: 'complete' });
    const cgus = [
      cgu('upgrade-4.15.0', 0, ['Prep'], { conditions: [timedOut], remediationPlan: [['spoke1', 'spoke4', 'spoke6']], status: { startedAt: '2025-01-01T00:00:10Z', currentBatch: 1, completedAt: '2025-01-01T00:05:10Z' }, clusters: [done('spoke1'), done('spoke4'), { name: 'spoke6', state: 'timedout', currentManifestWork: prepFailed }] }),
      cgu('upgrade-4.15.0', 1, ['AbortOnFailure'], { conditions: [succeeded], remediationPlan: [['spoke6']], status: { currentBatch: 1 }, clusters: [done('spoke6')] }),
      cgu('upgrade-4.15.0', 2, ['Upgrade'], { conditions: [timedOut], remediationPlan: [['spoke1', 'spoke4']], status: { currentBatch: 1 }, clusters: [done('spoke4'), { name: 'spoke1', state: 'timedout', currentManifestWork: { name: 'upgrade-4.15.0-upgrade', status: { manifests: [ibuManifest({})] } } }] }),
      cgu('upgrade-4.15.0', 3, ['AbortOnFailure'], { conditions: [succeeded], remediationPlan: [['spoke1']], status: { currentBatch: 1 }, clusters: [done('spoke1')] }),
      cgu('upgrade-4.15.0', 4, ['FinalizeUpgrade'], { conditions: [succeeded], remediationPlan: [['spoke4']], status: { currentBatch: 1 }, clusters: [done('spoke4')] }),
    ];
    const r = reduceRollout(i, { cgus, manifestWorks: [], managedClusters: [mc('spoke1'), mc('spoke4'), mc('spoke6')] });
    assert.deepEqual(r.steps.map((s) => s.state), ['timed-out', 'completed', 'timed-out', 'completed', 'completed']);
    assert.deepEqual(r.steps.map((s) => s.cgu), ['upgrade-4.15.0-prep-0', 'upgrade-4.15.0-abortonfailure-1', 'upgrade-4.15.0-upgrade-2', 'upgrade-4.15.0-abortonfailure-3', 'upgrade-4.15.0-finalizeupgrade-4']);
    assert.equal(r.steps[0]!.message, 'Manifestwork rollout took too long');
    assert.equal(r.steps[0]!.startedAt, '2025-01-01T00:00:10Z');
    assert.equal(r.steps[0]!.completedAt, '2025-01-01T00:05:10Z');
    assert.deepEqual(cluster(r, 0, 'spoke6'), { name: 'spoke6', phase: 'failed', action: 'Prep', message: 'Prep failed', batch: 1 });
    assert.deepEqual(cluster(r, 2, 'spoke1'), { name: 'spoke1', phase: 'failed', action: 'Upgrade', message: TIMEOUT_TEXT, batch: 1 });
    assert.deepEqual(phases(r, 4), { spoke4: 'completed' });
    // Per cluster, as TALM's status.clusters says it (kuttl 09-assert).
    const actionsBy = (name: string, phase: string) => r.steps.filter((s) => s.clusters.some((c) => c.name === name && c.phase === phase)).flatMap((s) => s.actions);
    assert.deepEqual(actionsBy('spoke1', 'completed'), ['Prep', 'AbortOnFailure']);
    assert.deepEqual(actionsBy('spoke1', 'failed'), ['Upgrade']);
    assert.deepEqual(actionsBy('spoke4', 'completed'), ['Prep', 'Upgrade', 'FinalizeUpgrade']);
    assert.deepEqual(actionsBy('spoke6', 'completed'), ['AbortOnFailure']);
    assert.deepEqual(actionsBy('spoke6', 'failed'), ['Prep']);
    assert.deepEqual(r.clusters.map((c) => [c.name, c.phase, c.action]), [['spoke1', 'failed', 'Upgrade'], ['spoke4', 'completed', undefined], ['spoke6', 'failed', 'Prep']]);
    assert.deepEqual([r.done, r.total, r.failed, r.state], [3, 3, 2, 'failed']);
    assert.equal(r.message, 'All plan steps are completed');
  });

  test('a running step: batches, completed / timed-out / in-progress / early failure / pending', () => {
    const i = ibgu('w', [[['Prep'], 2, 240], [['AbortOnFailure'], 2, 30], [['Upgrade'], 1, 600]]);
    const prep = cgu('w', 0, ['Prep'], {
      conditions: [cond('Progressing', 'True', 'InProgress', 'Rolling out manifestworks')],
      computedMaxConcurrency: 2,
      remediationPlan: [['a', 'b'], ['c', 'd'], ['e']],
      status: { startedAt: '2025-01-01T00:00:00Z', currentBatch: 2, currentBatchStartedAt: '2025-01-01T02:00:00Z', currentBatchRemediationProgress: { c: { state: 'InProgress', manifestWorkIndex: 0 }, d: { state: 'InProgress', manifestWorkIndex: 0 } } },
      clusters: [{ name: 'a', state: 'complete' }, { name: 'b', state: 'timedout', currentManifestWork: { name: 'w-prep' } }],
    });
    const works = [
      // Prep still running: the PrepCompleted condition does not exist yet, so neither do its values.
      mw('c', 'w-prep-0', 'w-prep', [ibuManifest({})]),
      mw('d', 'w-prep-0', 'w-prep', [ibuManifest({ isPrepCompleted: 'False', prepCompletedConditionMessages: 'Prep failed' })]),
    ];
    const clusters = ['a', 'b', 'c', 'd', 'e'].map((n) => mc(n, n === 'a' ? { 'lcm.openshift.io/ibgu-prep-completed': '' } : n === 'b' ? { 'lcm.openshift.io/ibgu-prep-failed': '' } : {}));
    const r = reduceRollout(i, { cgus: [prep], manifestWorks: works, managedClusters: clusters });
    const s = r.steps[0]!;
    assert.deepEqual([s.state, s.batch, s.batchCount, s.cgu], ['running', 2, 3, 'w-prep-0']);
    assert.deepEqual(s.batches, [['a', 'b'], ['c', 'd'], ['e']]);
    assert.equal(s.currentBatchStartedAt, '2025-01-01T02:00:00Z');
    assert.deepEqual(s.clusters, [
      { name: 'a', batch: 1, phase: 'completed' },
      { name: 'b', batch: 1, phase: 'failed', action: 'Prep', message: TIMEOUT_TEXT },
      { name: 'c', batch: 2, phase: 'in-progress', action: 'Prep' },
      { name: 'd', batch: 2, phase: 'failed', action: 'Prep', message: 'Prep failed', early: true },
      { name: 'e', batch: 3, phase: 'pending' },
    ]);
    assert.deepEqual(s.counts, { pending: 1, 'in-progress': 1, completed: 1, failed: 2 });
    // [AbortOnFailure] will pick up the failed ones (b by its label, d as soon as TALM times it out);
    // [Upgrade] the prepared ones, c and e assumed to succeed.
    assert.deepEqual(phases(r, 1), { b: 'pending', d: 'pending' });
    assert.deepEqual(phases(r, 2), { a: 'pending', c: 'pending', e: 'pending' });
    assert.equal(r.steps[2]!.state, 'waiting');
    assert.deepEqual([r.done, r.total, r.failed, r.state], [0, 5, 2, 'progressing']);
    assert.deepEqual(r.clusters.find((c) => c.name === 'd'), { name: 'd', batch: 2, phase: 'failed', action: 'Prep', message: 'Prep failed', early: true });
  });

  test('a failed cluster no later step selects is done; one an [AbortOnFailure] will select is not', () => {
    const prep = cgu('p', 0, ['Prep'], { conditions: [timedOut], remediationPlan: [['a', 'b']], status: { currentBatch: 1 }, clusters: [{ name: 'a', state: 'complete' }, { name: 'b', state: 'timedout', currentManifestWork: { name: 'p-prep' } }] });
    const clusters = [mc('a', { 'lcm.openshift.io/ibgu-prep-completed': '' }), mc('b', { 'lcm.openshift.io/ibgu-prep-failed': '' })];
    const plain = reduceRollout(ibgu('p', [[['Prep'], 0, 60], [['Upgrade'], 0, 60]]), { cgus: [prep], manifestWorks: [], managedClusters: clusters });
    assert.deepEqual(phases(plain, 1), { a: 'pending' });
    assert.deepEqual([plain.done, plain.total, plain.failed], [1, 2, 1]);
    const withAbort = reduceRollout(ibgu('p', [[['Prep'], 0, 60], [['AbortOnFailure'], 0, 60]]), { cgus: [prep], manifestWorks: [], managedClusters: clusters });
    assert.deepEqual(phases(withAbort, 1), { b: 'pending' });
    assert.deepEqual([withAbort.done, withAbort.total, withAbort.failed], [1, 2, 1]);
  });

  test('a CGU that cannot select clusters blocks the step and the rollout', () => {
    const message = 'Unable to select clusters: cannot obtain all the details about the clusters in the CR: no cluster specified for remediation';
    const blocked = cgu('b', 0, ['Prep'], { conditions: [cond('ClustersSelected', 'False', 'ClusterNotFound', message)] });
    const r = reduceRollout(ibgu('b', [[['Prep'], 0, 60]]), { cgus: [blocked], manifestWorks: [], managedClusters: [] });
    assert.deepEqual([r.steps[0]!.state, r.steps[0]!.message, r.state], ['blocked', message, 'failed']);
  });

  test('clusters of a batch that never started when the step timed out are failed, with why', () => {
    const c = cgu('t', 0, ['Prep'], { conditions: [timedOut], remediationPlan: [['a'], ['b']], status: { currentBatch: 1 }, clusters: [{ name: 'a', state: 'timedout', currentManifestWork: { name: 't-prep' } }] });
    const r = reduceRollout(ibgu('t', [[['Prep'], 1, 1]]), { cgus: [c], manifestWorks: [], managedClusters: [mc('a'), mc('b')] });
    assert.equal(cluster(r, 0, 'b')!.phase, 'failed');
    assert.match(cluster(r, 0, 'b')!.message!, /batch started/);
    assert.deepEqual([r.done, r.total, r.state], [2, 2, 'failed']);
  });

  test('objects of other IBGUs and namespaces are ignored', () => {
    const other = cgu('other', 0, ['Prep'], { remediationPlan: [['a']], status: { currentBatch: 1 }, clusters: [{ name: 'a', state: 'complete' }] });
    const elsewhere = { ...cgu('x', 0, ['Prep'], { remediationPlan: [['a']], status: { currentBatch: 1 }, clusters: [{ name: 'a', state: 'complete' }] }) };
    elsewhere.metadata = { ...elsewhere.metadata, namespace: 'other-ns' };
    const r = reduceRollout(ibgu('x', [[['Prep'], 0, 60]]), { cgus: [other, elsewhere], manifestWorks: [], managedClusters: [mc('a')] });
    assert.deepEqual([r.steps[0]!.state, phases(r, 0)], ['waiting', { a: 'pending' }]);
  });
  test('3,500 clusters in 35 batches, three steps: counts as TALM would have them (its time is in npm run bench:hub)', () => {
    const names = Array.from({ length: 3500 }, (_, i) => `sno-${String(i).padStart(4, '0')}`);
    const batches = Array.from({ length: 35 }, (_, b) => names.slice(b * 100, b * 100 + 100));
    const progress = Object.fromEntries(batches[30]!.map((n) => [n, { state: 'InProgress', manifestWorkIndex: 0 }]));
    // Batches 1–30 are over: the first cluster of each timed out; batch 31 runs; 32–35 wait.
    const recorded = batches.slice(0, 30).flatMap((b) => b.map((n, i) => (i === 0 ? { name: n, state: 'timedout', currentManifestWork: { name: 'big-prep' } } : { name: n, state: 'complete' })));
    const prep = cgu('big', 0, ['Prep'], { remediationPlan: batches, status: { currentBatch: 31, currentBatchRemediationProgress: progress }, clusters: recorded });
    const works = batches[30]!.map((n) => mw(n, 'big-prep-0', 'big-prep', [ibuManifest({})]));
    const input = { cgus: [prep], manifestWorks: works, managedClusters: names.map((n) => mc(n)) };
    const i = ibgu('big', [[['Prep'], 100, 240], [['AbortOnFailure'], 100, 30], [['Upgrade'], 100, 600]]);
    const r = reduceRollout(i, input);
    assert.deepEqual(r.steps[0]!.counts, { completed: 2970, failed: 30, 'in-progress': 100, pending: 400 });
    assert.deepEqual([r.steps[0]!.batch, r.steps[0]!.batchCount], [31, 35]);
    assert.deepEqual(r.steps[1]!.counts, { completed: 0, failed: 0, 'in-progress': 0, pending: 30 });
    assert.deepEqual(r.steps[2]!.counts, { completed: 0, failed: 0, 'in-progress': 0, pending: 3470 });
    assert.deepEqual([r.done, r.total, r.failed], [0, 3500, 30]);
  });
});

describe('liveFailure: what ManifestWork feedback means "failed"', () => {
  const work = (values: Record<string, string>, applied?: { status: string; message?: string }) => mw('c', 'x', 'x-prep', [ibuManifest(values, applied)]);
  test('in progress is not a failure', () => {
    assert.equal(liveFailure(work({})), undefined, 'no PrepCompleted condition yet');
    assert.equal(liveFailure(work({ isUpgradeCompleted: 'True', upgradeCompletedConditionMessages: 'Upgrade completed' })), undefined);
    assert.equal(liveFailure(work({ isIdle: 'False', idleConditionMessages: 'Finalizing' })), undefined);
    assert.equal(liveFailure(work({ isIdle: 'False', idleConditionMessages: 'Aborting' })), undefined);
    assert.equal(liveFailure(work({ isIdle: 'False', idleConditionMessages: 'In progress' })), undefined, "Prep's Idle condition before LCA takes the Idle stage");
    assert.equal(liveFailure({ metadata: { name: 'new' } }), undefined, 'no status yet');
  });
  test('LCA failure conditions and spoke refusals are, with the message TALM will record', () => {
    assert.equal(liveFailure(work({ isPrepCompleted: 'False', prepCompletedConditionMessages: 'Prep failed' })), 'Prep failed');
    assert.equal(liveFailure(work({ isUpgradeCompleted: 'False', upgradeCompletedConditionMessages: 'Upgrade failed' })), 'Upgrade failed');
    assert.equal(liveFailure(work({ isUpgradeCompleted: 'False', upgradeCompletedConditionMessages: 'Rollback requested' })), 'Rollback requested');
    assert.equal(liveFailure(work({ isIdle: 'False', idleConditionMessages: CLEANUP_FAILED })), CLEANUP_FAILED);
    assert.equal(liveFailure(work({ isIdle: 'False', idleConditionMessages: 'Transition to Idle not allowed - Rollback failed' })), 'Transition to Idle not allowed - Rollback failed');
    const refused = 'admission webhook denied: the stage transition is not permitted. Please refer to status.validNextStages for valid transitions. If status.validNextStages is not present, it indicates that no transitions are currently allowed';
    assert.equal(liveFailure(work({}, { status: 'False', message: refused })), refused);
  });
});

describe('reduceRollout on a CGU out of range', () => {
  test('a failure at a ManifestWork index past the step\'s actions: failed, without a predicted label (it threw before)', () => {
    const i = ibgu('w', [[['Prep'], 2, 240], [['Upgrade'], 2, 240]]);
    const prep = cgu('w', 0, ['Prep'], { remediationPlan: [['a']], status: { currentBatch: 1, currentBatchRemediationProgress: { a: { state: 'InProgress', manifestWorkIndex: 1 } } } });
    const work = mw('a', 'w-prep-0', 'w-prep', [ibuManifest({ isPrepCompleted: 'False', prepCompletedConditionMessages: 'Prep failed' })]);
    const r = reduceRollout(i, { cgus: [prep], manifestWorks: [work], managedClusters: [mc('a')] });
    assert.deepEqual(cluster(r, 0, 'a'), { name: 'a', batch: 1, phase: 'failed', action: undefined, message: 'Prep failed', early: true });
    assert.deepEqual(phases(r, 1), {}, 'no label predicted: Upgrade, which needs prep-completed, does not select it');
  });
});
