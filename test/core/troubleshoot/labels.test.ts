/**
 * Repairing lcm.openshift.io/ibgu-* labels after a manual recovery. Expectations from the guide ("ensure
 * that the ... labels are updated properly after performing troubleshooting or recovery steps") and TALM's
 * per-action selection (facts §3.3), written by hand per case.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { labelRepairPatch, proposeLabelRepair, talmRunningMessage, talmRunningStep } from '../../../src/core/troubleshoot/index';

const P = 'lcm.openshift.io/ibgu-';
const cond = (type: string, status: string, reason: string, message = '') => ({ type, status, reason, message });
const ibu = (...conditions: ReturnType<typeof cond>[]) => ({ metadata: { name: 'upgrade' }, spec: { stage: 'Idle' }, status: { conditions } });
const base = { name: 'sno-0001', common: 'true', 'lcm.openshift.io/not-talm': 'x' };
const labels = (...keys: string[]) => ({ ...base, ...Object.fromEntries(keys.map((k) => [P + k, ''])) });

describe('proposeLabelRepair', () => {
  test('back in Idle after a manual cleanup: every ibgu-* label goes, so AbortOnFailure no longer picks the cluster', () => {
    const r = proposeLabelRepair(labels('prep-completed', 'upgrade-failed'), ibu(cond('Idle', 'True', 'Idle', 'Idle')));
    assert.deepEqual(r.current, [`${P}prep-completed`, `${P}upgrade-failed`]);
    assert.deepEqual(r.add, []);
    assert.deepEqual(r.remove, [`${P}prep-completed`, `${P}upgrade-failed`]);
    assert.equal(r.reasons.length, 2);
    assert.match(r.reasons.find((s) => s.includes('upgrade-failed'))!, /Idle=True.*AbortOnFailure/);
    assert.match(r.reasons.find((s) => s.includes('prep-completed'))!, /Upgrade step/);
  });

  test('an abort-failed leftover goes too once Idle is True', () => {
    const r = proposeLabelRepair(labels('prep-failed', 'abortonfailure-failed'), ibu(cond('Idle', 'True', 'Idle', 'Idle')));
    assert.deepEqual(r.remove, [`${P}abortonfailure-failed`, `${P}prep-failed`]);
  });

  test('UpgradeCompleted=True: upgrade-completed added, a stale upgrade-failed removed, prep-completed kept', () => {
    const r = proposeLabelRepair(labels('prep-completed', 'upgrade-failed'), ibu(
      cond('Idle', 'False', 'InProgress', 'In progress'), cond('PrepCompleted', 'True', 'Completed'), cond('UpgradeInProgress', 'False', 'Completed', 'Upgrade completed'), cond('UpgradeCompleted', 'True', 'Completed', 'Upgrade completed')));
    assert.deepEqual(r.add, [`${P}upgrade-completed`]);
    assert.deepEqual(r.remove, [`${P}upgrade-failed`]);
    assert.match(r.reasons.join(' '), /UpgradeCompleted=True/);
  });

  test('PrepCompleted=True: prep-completed added', () => {
    const r = proposeLabelRepair(labels(), ibu(cond('Idle', 'False', 'InProgress'), cond('PrepInProgress', 'False', 'Completed', 'Prep completed'), cond('PrepCompleted', 'True', 'Completed', 'Prep stage completed successfully')));
    assert.deepEqual(r.add, [`${P}prep-completed`]);
    assert.deepEqual(r.remove, []);
  });

  test('Prep failed: prep-failed added, a wrong prep-completed removed', () => {
    const r = proposeLabelRepair(labels('prep-completed'), ibu(cond('Idle', 'False', 'InProgress'), cond('PrepCompleted', 'False', 'Failed', 'Prep failed'), cond('PrepInProgress', 'False', 'Failed', 'failed to validate IBU spec: x')));
    assert.deepEqual(r.add, [`${P}prep-failed`]);
    assert.deepEqual(r.remove, [`${P}prep-completed`]);
    assert.match(r.reasons[0], /Prep failed/);
  });

  test('a stage in progress is not judged: its labels are left alone', () => {
    const r = proposeLabelRepair(labels('prep-completed', 'upgrade-failed'), ibu(cond('Idle', 'False', 'InProgress'), cond('PrepCompleted', 'True', 'Completed'), cond('UpgradeInProgress', 'True', 'InProgress', 'Backing up Application Data')));
    assert.deepEqual(r.add, []);
    assert.deepEqual(r.remove, []);
    assert.deepEqual(r.reasons, []);
  });

  test('rolled back by hand: rollback-completed added so FinalizeRollback selects it; the upgrade labels stay', () => {
    const r = proposeLabelRepair(labels('prep-completed', 'upgrade-completed'), ibu(
      cond('Idle', 'False', 'InProgress'), cond('PrepCompleted', 'True', 'Completed'), cond('UpgradeCompleted', 'False', 'Failed', 'Rollback requested'),
      cond('UpgradeInProgress', 'False', 'Failed', 'Rollback requested'), cond('RollbackInProgress', 'False', 'Completed', 'Rollback completed'), cond('RollbackCompleted', 'True', 'Completed', 'Rollback completed')));
    assert.deepEqual(r.add, [`${P}rollback-completed`]);
    assert.deepEqual(r.remove, []);
    assert.match(r.reasons[0], /FinalizeRollback/);
  });

  test('the IBGU status still lists the failure: the reason warns that TALM re-adds the label', () => {
    const r = proposeLabelRepair(labels('upgrade-failed'), ibu(cond('Idle', 'True', 'Idle', 'Idle')), { completedActions: [{ action: 'Prep' }], failedActions: [{ action: 'Upgrade', message: 'Upgrade failed' }] });
    assert.deepEqual(r.remove, [`${P}upgrade-failed`]);
    assert.match(r.reasons[0], /still lists Upgrade as failed/);
  });

  test('spoke unreachable: only what the IBGU status implies is added', () => {
    const r = proposeLabelRepair(labels(), undefined, { completedActions: [{ action: 'Prep' }], failedActions: [{ action: 'Upgrade', message: 'Upgrade failed' }] });
    assert.deepEqual(r.add, [`${P}prep-completed`, `${P}upgrade-failed`]);
    assert.deepEqual(r.remove, []);
    for (const reason of r.reasons) assert.match(reason, /could not be read/);
  });

  test('spoke unreachable, a completed AbortOnFailure in the status: the labels TALM would clear are removed', () => {
    const r = proposeLabelRepair(labels('prep-failed'), undefined, { completedActions: [{ action: 'AbortOnFailure' }] });
    assert.deepEqual(r.remove, [`${P}prep-failed`]);
    assert.deepEqual(r.add, []);
  });

  test('nothing to do when labels already match; other labels are never touched', () => {
    const r = proposeLabelRepair(labels('prep-completed'), ibu(cond('Idle', 'False', 'InProgress'), cond('PrepCompleted', 'True', 'Completed')));
    assert.deepEqual(r, { add: [], remove: [], reasons: [], current: [`${P}prep-completed`] });
    assert.deepEqual(proposeLabelRepair(base, ibu(cond('Idle', 'True', 'Idle'))), { add: [], remove: [], reasons: [], current: [] });
  });
});

test('labelRepairPatch: added keys with "", removed keys as null, nothing else', () => {
  assert.deepEqual(labelRepairPatch({ add: [`${P}rollback-completed`], remove: [`${P}upgrade-failed`, `${P}prep-failed`], reasons: ['x'], current: [] }), {
    metadata: { labels: { [`${P}rollback-completed`]: '', [`${P}upgrade-failed`]: null, [`${P}prep-failed`]: null } },
  });
});

describe('talmRunningStep: label repair only once TALM has finished with the cluster\'s step', () => {
  const ibgu = (clusters: object[]) => ({ metadata: { name: 'wave1', namespace: 'ztp' }, status: { clusters } });
  // Step 2 of [[Prep],[Upgrade]]: TALM's CGU for it (facts §3.2), sno-0001 in its batch.
  const cgu = (status: object) => ({
    metadata: { name: 'wave1-upgrade-1', namespace: 'ztp', labels: { ibgu: 'wave1' } },
    spec: { manifestWorkTemplates: ['wave1-upgrade'] },
    status: { remediationPlan: [['sno-0001', 'sno-0002']], ...status },
  });
  const prepCgu = { metadata: { name: 'wave1-prep-0', namespace: 'ztp', labels: { ibgu: 'wave1' } }, spec: { manifestWorkTemplates: ['wave1-prep'] }, status: { remediationPlan: [['sno-0001', 'sno-0002']], conditions: [{ type: 'Succeeded', status: 'True', reason: 'Completed' }] } };
  const inProgress = { conditions: [{ type: 'Progressing', status: 'True', reason: 'InProgress' }], status: { currentBatchRemediationProgress: { 'sno-0001': { state: 'InProgress', manifestWorkIndex: 0 } } } };

  test('a running step: no label repair, and which step it is', () => {
    // LCA's Upgrade already failed on the spoke, but TALM records it only at the timeout (facts §3.4).
    const running = talmRunningStep('sno-0001', [ibgu([{ name: 'sno-0001', completedActions: [{ action: 'Prep' }], currentAction: { action: 'Upgrade' } }])], [prepCgu, cgu(inProgress)]);
    assert.deepEqual(running, { ibgu: 'wave1', step: 2, actions: ['Upgrade'] });
    assert.equal(talmRunningMessage(running!), "TALM is still running step 2 (Upgrade) of IBGU wave1 for this cluster; its labels will be written at the step's end.");
    // In a batch not started yet the cluster is not in the IBGU status at all (facts §3.5): still running.
    assert.deepEqual(talmRunningStep('sno-0002', [ibgu([])], [prepCgu, cgu(inProgress)])?.step, 2);
  });

  test('finished: the CGU has Succeeded (any status), or the IBGU status shows the step completed or failed', () => {
    assert.equal(talmRunningStep('sno-0001', [ibgu([])], [prepCgu, cgu({ conditions: [{ type: 'Succeeded', status: 'False', reason: 'TimedOut' }] })]), undefined);
    assert.equal(talmRunningStep('sno-0001', [ibgu([{ name: 'sno-0001', completedActions: [{ action: 'Prep' }], failedActions: [{ action: 'Upgrade' }] }])], [prepCgu, cgu(inProgress)]), undefined);
    assert.equal(talmRunningStep('sno-0001', [ibgu([{ name: 'sno-0001', completedActions: [{ action: 'Prep' }, { action: 'Upgrade' }] }])], [prepCgu, cgu(inProgress)]), undefined);
    // A CGU of another IBGU's step, or one not selecting the cluster, does not count.
    assert.equal(talmRunningStep('sno-0009', [ibgu([])], [cgu(inProgress)]), undefined);
  });

  test('without CGUs, a currentAction in the IBGU status still means running', () => {
    const running = talmRunningStep('sno-0001', [ibgu([{ name: 'sno-0001', currentAction: { action: 'Prep' } }])], []);
    assert.deepEqual(running, { ibgu: 'wave1', actions: ['Prep'] });
    assert.match(talmRunningMessage(running!), /still running a step \(Prep\)/);
  });
});
