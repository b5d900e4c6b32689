import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupFailedMessage, manualCleanupApplies, nextStatus, retryCleanup, validNextStages, MANUAL_CLEANUP_ANNOTATION, type IbuCondition, type IbuObject } from '../../../src/core/index';

const ibu = (conditions: IbuCondition[], extra: Partial<IbuObject> = {}): IbuObject => ({ spec: { stage: 'Idle' }, status: { conditions }, ...extra });
const cond = (type: string, status: string, reason: string, message = '') => ({ type, status, reason, message });
const IDLE = cond('Idle', 'True', 'Idle', 'Idle');
const find = (o: IbuObject, type: string) => o.status?.conditions?.find((c) => c.type === type);

describe('validNextStages', () => {
  const cases: [string, IbuObject, boolean, string[]][] = [
    ['fresh CR', ibu([]), false, ['Idle']],
    ['Idle', ibu([IDLE]), false, ['Prep']],
    ['Prep in progress', ibu([cond('Idle', 'False', 'InProgress'), cond('PrepInProgress', 'True', 'InProgress')]), false, ['Idle']],
    ['Prep failed', ibu([cond('PrepCompleted', 'False', 'Failed', 'Prep failed')]), false, ['Idle']],
    ['Prep completed', ibu([cond('PrepCompleted', 'True', 'Completed')]), false, ['Idle', 'Upgrade']],
    ['Upgrade before pivot', ibu([cond('PrepCompleted', 'True', 'Completed'), cond('UpgradeInProgress', 'True', 'InProgress')]), false, ['Idle']],
    ['Upgrade after pivot', ibu([cond('PrepCompleted', 'True', 'Completed'), cond('UpgradeInProgress', 'True', 'InProgress')]), true, ['Rollback']],
    ['Upgrade failed after pivot', ibu([cond('UpgradeCompleted', 'False', 'Failed')]), true, ['Rollback']],
    ['Upgrade completed', ibu([cond('PrepCompleted', 'True', 'Completed'), cond('UpgradeCompleted', 'True', 'Completed')]), true, ['Idle', 'Rollback']],
    ['Rollback in progress', ibu([cond('RollbackInProgress', 'True', 'InProgress')]), true, []],
    ['Rollback failed', ibu([cond('RollbackCompleted', 'False', 'Failed')]), true, []],
    ['Rollback completed', ibu([cond('RollbackCompleted', 'True', 'Completed')]), false, ['Idle']],
    ['Aborting', ibu([cond('Idle', 'False', 'Aborting')]), false, []],
    ['AbortFailed', ibu([cond('Idle', 'False', 'AbortFailed')]), false, []],
    ['FinalizeFailed', ibu([cond('Idle', 'False', 'FinalizeFailed'), cond('UpgradeCompleted', 'True', 'Completed')]), false, []],
    ['Blocked (4.20+)', ibu([cond('Idle', 'False', 'Blocked', 'IPC is not idle')], { spec: { stage: 'Prep' } }), false, ['Prep']],
  ];
  for (const [name, object, afterPivot, expected] of cases) test(name, () => assert.deepEqual(validNextStages(object, afterPivot), expected));

  test('after pivot is read from the Upgrade history when not given', () => {
    const o = ibu([cond('UpgradeInProgress', 'True', 'InProgress')]);
    assert.deepEqual(validNextStages(o), ['Idle']);
    o.status!.history = [{ stage: 'Upgrade', phases: [{ phase: 'PrePivot' }, { phase: 'PostPivot' }] }];
    assert.deepEqual(validNextStages(o), ['Rollback']);
  });
  test('an unquoted True (a YAML boolean) counts as True', () => {
    assert.deepEqual(validNextStages(ibu([{ type: 'Idle', status: true, reason: 'Idle' }])), ['Prep']);
  });
});

describe('nextStatus', () => {
  test('Idle → Prep → failed: the generic completed message and the detail', () => {
    let o = nextStatus(ibu([IDLE]), { type: 'setStage', stage: 'Prep' });
    assert.deepEqual(find(o, 'PrepInProgress'), cond('PrepInProgress', 'True', 'InProgress', 'In progress'));
    assert.equal(find(o, 'Idle')?.status, 'False');
    assert.deepEqual(o.status?.validNextStages, ['Idle']);
    o = nextStatus(o, { type: 'stageFailed', message: 'failed to validate IBU spec: boom' });
    assert.deepEqual(find(o, 'PrepCompleted'), cond('PrepCompleted', 'False', 'Failed', 'Prep failed'));
    assert.deepEqual(find(o, 'PrepInProgress'), cond('PrepInProgress', 'False', 'Failed', 'failed to validate IBU spec: boom'));
  });
  test('Prep completed → Upgrade → completed → Idle finalizes', () => {
    let o = nextStatus(nextStatus(ibu([IDLE]), { type: 'setStage', stage: 'Prep' }), { type: 'stageSucceeded' });
    assert.equal(find(o, 'PrepCompleted')?.message, 'Prep stage completed successfully');
    assert.deepEqual(o.status?.validNextStages, ['Idle', 'Upgrade']);
    o = nextStatus(nextStatus(o, { type: 'setStage', stage: 'Upgrade' }), { type: 'stageSucceeded' });
    assert.deepEqual(find(o, 'UpgradeCompleted'), cond('UpgradeCompleted', 'True', 'Completed', 'Upgrade completed'));
    o = nextStatus(o, { type: 'setStage', stage: 'Idle' });
    assert.deepEqual(find(o, 'Idle'), cond('Idle', 'False', 'Finalizing', 'Finalizing'));
    assert.deepEqual(o.status?.conditions?.at(-1)?.type, 'Idle', 'a changed Idle condition moves last, where oc get ibu reads it');
    o = nextStatus(o, { type: 'stageSucceeded' });
    assert.deepEqual(o.status?.conditions, [IDLE]);
  });
  test('Idle during Prep aborts; Rollback requested marks the upgrade failed', () => {
    const prep = nextStatus(ibu([IDLE]), { type: 'setStage', stage: 'Prep' });
    assert.deepEqual(find(nextStatus(prep, { type: 'setStage', stage: 'Idle' }), 'Idle'), cond('Idle', 'False', 'Aborting', 'Aborting'));
    const upgraded = ibu([cond('PrepCompleted', 'True', 'Completed'), cond('UpgradeCompleted', 'True', 'Completed', 'Upgrade completed')]);
    const rb = nextStatus(upgraded, { type: 'setStage', stage: 'Rollback', afterPivot: true });
    assert.equal(find(rb, 'UpgradeCompleted')?.message, 'Rollback requested');
    assert.equal(find(rb, 'UpgradeInProgress')?.reason, 'Failed');
    assert.equal(find(rb, 'RollbackInProgress')?.status, 'True');
    assert.deepEqual(rb.status?.validNextStages, []);
  });
  test('invalid transitions get InvalidTransition with LCA\'s message', () => {
    assert.deepEqual(find(nextStatus(ibu([IDLE]), { type: 'setStage', stage: 'Upgrade' }), 'UpgradeInProgress'), cond('UpgradeInProgress', 'False', 'InvalidTransition', 'Previous stage not succeeded'));
    assert.equal(find(nextStatus(ibu([IDLE]), { type: 'setStage', stage: 'Rollback' }), 'RollbackInProgress')?.message, 'Upgrade not started or already finalized');
    const pivoted = ibu([cond('Idle', 'False', 'InProgress'), cond('UpgradeInProgress', 'True', 'InProgress')]);
    assert.equal(find(nextStatus(pivoted, { type: 'setStage', stage: 'Idle', afterPivot: true }), 'Idle')?.message, 'Transition to Idle not allowed - Rollback first');
  });
  test('a failed abort becomes AbortFailed, a failed finalize FinalizeFailed, with LCA\'s message', () => {
    const aborting = ibu([cond('Idle', 'False', 'Aborting', 'Aborting')]);
    const failed = nextStatus(aborting, { type: 'cleanupFailed', errors: ['failed to delete stateroot.', 'failed to remove backups.'] });
    assert.deepEqual(find(failed, 'Idle'), cond('Idle', 'False', 'AbortFailed',
      "failed to delete stateroot. failed to remove backups. Perform cleanup manually then add 'lca.openshift.io/manual-cleanup-done' annotation to ibu CR to transition back to Idle"));
    assert.equal(find(nextStatus(ibu([cond('Idle', 'False', 'Finalizing')]), { type: 'cleanupFailed', errors: ['x'] }), 'Idle')?.reason, 'FinalizeFailed');
    assert.equal(cleanupFailedMessage(['e']), "e Perform cleanup manually then add 'lca.openshift.io/manual-cleanup-done' annotation to ibu CR to transition back to Idle");
  });
});

describe('manual-cleanup-done', () => {
  const failed = (reason: string, annotation?: string) => ibu([cond('Idle', 'False', reason, 'x')], annotation === undefined ? {} : { metadata: { annotations: { [MANUAL_CLEANUP_ANNOTATION]: annotation, other: 'kept' } } });
  test('only the key matters, and only in AbortFailed or FinalizeFailed', () => {
    assert.equal(manualCleanupApplies(failed('AbortFailed', '')), true);
    assert.equal(manualCleanupApplies(failed('FinalizeFailed', 'anything')), true);
    assert.equal(manualCleanupApplies(failed('AbortFailed')), false);
    assert.equal(manualCleanupApplies(failed('Aborting', '')), false);
    assert.equal(manualCleanupApplies(ibu([IDLE], { metadata: { annotations: { [MANUAL_CLEANUP_ANNOTATION]: '' } } })), false);
  });
  test('LCA removes the annotation and retries: success returns to Idle', () => {
    const o = retryCleanup(failed('FinalizeFailed', ''), []);
    assert.deepEqual(o.metadata?.annotations, { other: 'kept' });
    assert.deepEqual(o.status?.conditions, [IDLE]);
    assert.deepEqual(o.status?.validNextStages, ['Prep']);
  });
  test('a retry that fails again returns to the same failed reason, annotation gone', () => {
    const o = retryCleanup(failed('AbortFailed', ''), ['still there.']);
    assert.deepEqual(o.metadata?.annotations, { other: 'kept' });
    assert.equal(find(o, 'Idle')?.reason, 'AbortFailed');
    assert.match(find(o, 'Idle')?.message ?? '', /^still there\. Perform cleanup manually/);
  });
  test('outside those states the annotation is left alone', () => {
    const o = ibu([IDLE], { metadata: { annotations: { [MANUAL_CLEANUP_ANNOTATION]: '' } } });
    assert.equal(retryCleanup(o, []), o);
  });
});
