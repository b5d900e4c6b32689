import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregateClusters, afterStep, batches, batchTimeoutMinutes, failureMessage, labelsAfterStatus, previewRollout, progressingCondition,
  selectForStep, selectorMatches, SelectorError, stepSelectors, stepWorstCaseMinutes, TIMEOUT_FAILURE_MESSAGE, type ClusterInfo,
} from '../../../src/core/index';

const PREP_DONE = 'lcm.openshift.io/ibgu-prep-completed';
const UPGRADE_DONE = 'lcm.openshift.io/ibgu-upgrade-completed';
const ROLLBACK_DONE = 'lcm.openshift.io/ibgu-rollback-completed';
const PREP_FAILED = 'lcm.openshift.io/ibgu-prep-failed';
const UPGRADE_FAILED = 'lcm.openshift.io/ibgu-upgrade-failed';

const cluster = (name: string, ...ibguLabels: string[]): ClusterInfo => ({ name, labels: { wave: '1', ...Object.fromEntries(ibguLabels.map((l) => [l, ''])) } });
const WAVE = [{ matchLabels: { wave: '1' } }];

describe('label selectors', () => {
  test('matchLabels and the four operators', () => {
    const labels = { a: 'x', b: '' };
    assert.equal(selectorMatches({ matchLabels: { a: 'x' } }, labels), true);
    assert.equal(selectorMatches({ matchLabels: { a: 'y' } }, labels), false);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'In', values: ['y', 'x'] }] }, labels), true);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'c', operator: 'In', values: ['x'] }] }, labels), false);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }] }, labels), false);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'c', operator: 'NotIn', values: ['x'] }] }, labels), true, 'NotIn matches a missing key');
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'b', operator: 'Exists' }] }, labels), true, 'an empty value still exists');
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'b', operator: 'DoesNotExist' }] }, labels), false);
    assert.equal(selectorMatches({}, labels), true, 'the empty selector matches everything');
  });

  test('a selector Kubernetes would not parse throws', () => {
    assert.throws(() => selectorMatches({ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }, {}), SelectorError);
    assert.throws(() => selectorMatches({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, {}), SelectorError);
    assert.throws(() => selectorMatches({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, {}), SelectorError);
  });
});

describe('per-step selection by the first action', () => {
  const fleet = [
    cluster('c-none'),
    cluster('c-prepped', PREP_DONE),
    cluster('c-upgraded', PREP_DONE, UPGRADE_DONE),
    cluster('c-rolledback', ROLLBACK_DONE),
    cluster('c-prepfail', PREP_FAILED),
    cluster('c-upfail', PREP_DONE, UPGRADE_FAILED),
    { name: 'other-wave', labels: { wave: '2', [PREP_DONE]: '' } },
  ];
  const cases: [string, string[]][] = [
    ['Prep', ['c-none', 'c-prepfail', 'c-prepped', 'c-rolledback', 'c-upfail', 'c-upgraded']],
    ['Upgrade', ['c-prepped', 'c-upfail', 'c-upgraded']],
    ['FinalizeUpgrade', ['c-upgraded']],
    ['Rollback', ['c-upgraded']],
    ['FinalizeRollback', ['c-rolledback']],
    ['Abort', ['c-none', 'c-prepfail', 'c-prepped', 'c-rolledback', 'c-upfail']],
    ['AbortOnFailure', ['c-prepfail', 'c-upfail']],
  ];
  for (const [action, expected] of cases) {
    test(`${action} selects ${expected.join(', ')}`, () => {
      assert.deepEqual(selectForStep(fleet, WAVE, action), expected);
    });
  }

  test('AbortOnFailure duplicates each selector; Abort adds DoesNotExist; the IBGU selector is kept', () => {
    assert.deepEqual(stepSelectors(WAVE, 'AbortOnFailure'), [
      { matchLabels: { wave: '1', [UPGRADE_FAILED]: '' } },
      { matchLabels: { wave: '1', [PREP_FAILED]: '' } },
    ]);
    assert.deepEqual(stepSelectors(WAVE, 'Abort'), [{ matchLabels: { wave: '1' }, matchExpressions: [{ key: UPGRADE_DONE, operator: 'DoesNotExist' }] }]);
    assert.deepEqual(WAVE, [{ matchLabels: { wave: '1' } }], 'the input selectors are not modified');
  });

  test('no selectors select nothing', () => {
    assert.deepEqual(selectForStep([cluster('a')], [], 'Prep'), []);
  });
});

describe('batches and timeouts', () => {
  test('sorted by name, de-duplicated, cut by maxConcurrency', () => {
    assert.deepEqual(batches(['d', 'b', 'a', 'c', 'e', 'b'], 2), [['a', 'b'], ['c', 'd'], ['e']]);
  });
  test('maxConcurrency 0, negative, or at least the count: one batch', () => {
    for (const m of [0, -3, 3, 10]) assert.deepEqual(batches(['c', 'a', 'b'], m), [['a', 'b', 'c']], `maxConcurrency ${m}`);
    assert.deepEqual(batches([], 2), []);
  });
  test('a batch gets what is left of the step timeout, shared by the remaining batches', () => {
    assert.equal(batchTimeoutMinutes(240, 0, 3), 80);
    assert.equal(batchTimeoutMinutes(240, 30, 2), 105, 'a first batch that finished after 30 minutes leaves more to the others');
    assert.equal(batchTimeoutMinutes(240, 200, 1), 40, 'the last batch gets all that is left');
    assert.equal(batchTimeoutMinutes(60, 90, 1), 0);
  });
  test('worst case of a step is its timeout, 0 without clusters or with a timeout <= 0', () => {
    assert.equal(stepWorstCaseMinutes(240, 5), 240);
    assert.equal(stepWorstCaseMinutes(240, 0), 0);
    assert.equal(stepWorstCaseMinutes(-5, 3), 0);
  });
});

describe('labels after a status sync', () => {
  test('completed and failed actions add labels with value ""', () => {
    const labels = labelsAfterStatus({ keep: 'x' }, { name: 'c', completedActions: [{ action: 'Prep' }], failedActions: [{ action: 'Upgrade' }] });
    assert.deepEqual(labels, { keep: 'x', [PREP_DONE]: '', [UPGRADE_FAILED]: '' });
  });
  for (const cleanup of ['Abort', 'AbortOnFailure', 'FinalizeUpgrade', 'FinalizeRollback']) {
    test(`completing ${cleanup} removes every ibgu label and adds none`, () => {
      const before = { keep: 'x', [PREP_DONE]: '', [UPGRADE_FAILED]: '', 'lcm.openshift.io/ibgu-abort-failed': '' };
      const labels = labelsAfterStatus(before, { name: 'c', completedActions: [{ action: 'Prep' }, { action: cleanup }], failedActions: [{ action: 'Upgrade' }] });
      assert.deepEqual(labels, { keep: 'x' });
    });
  }
  test('a failed cleanup action only adds its failed label', () => {
    assert.deepEqual(labelsAfterStatus({ [PREP_FAILED]: '' }, { name: 'c', failedActions: [{ action: 'Prep' }, { action: 'AbortOnFailure' }] }), {
      [PREP_FAILED]: '', 'lcm.openshift.io/ibgu-abortonfailure-failed': '',
    });
  });
  test('a step that fails on its second action keeps the first action\'s label but not its status entry', () => {
    const t = afterStep({ labels: {}, completed: [], failed: [] }, ['Prep', 'Upgrade', 'FinalizeUpgrade'], 1);
    assert.deepEqual(t, { labels: { [PREP_DONE]: '', [UPGRADE_FAILED]: '' }, completed: [], failed: ['Upgrade'] });
  });
  test('a whole Prep, Upgrade, FinalizeUpgrade step ends with no ibgu label', () => {
    const t = afterStep({ labels: { [PREP_FAILED]: '' }, completed: [], failed: [] }, ['Prep', 'Upgrade', 'FinalizeUpgrade']);
    assert.deepEqual(t.labels, {});
  });
});

describe('status aggregation', () => {
  test('the kuttl example: completed, failed and current actions, clusters sorted', () => {
    const clusters = aggregateClusters([
      { index: 2, actions: ['Upgrade'], finished: true, clusters: [{ name: 'spoke4', state: 'complete' }, { name: 'spoke1', state: 'timedout', action: 'Upgrade' }] },
      { index: 0, actions: ['Prep'], finished: true, clusters: [{ name: 'spoke1', state: 'complete' }, { name: 'spoke4', state: 'complete' }, { name: 'spoke6', state: 'timedout', action: 'Prep', feedback: [{ name: 'isPrepCompleted', value: 'False' }, { name: 'prepCompletedConditionMessages', value: 'Prep failed' }] }] },
      { index: 1, actions: ['AbortOnFailure'], finished: true, clusters: [{ name: 'spoke6', state: 'complete' }] },
      { index: 3, actions: ['AbortOnFailure', 'FinalizeUpgrade'], finished: false, clusters: [{ name: 'spoke1', state: 'complete' }], inFlight: { spoke4: 1 } },
    ]);
    assert.deepEqual(clusters, [
      { name: 'spoke1', completedActions: [{ action: 'Prep' }, { action: 'AbortOnFailure' }, { action: 'FinalizeUpgrade' }], failedActions: [{ action: 'Upgrade', message: TIMEOUT_FAILURE_MESSAGE }] },
      { name: 'spoke4', completedActions: [{ action: 'Prep' }, { action: 'Upgrade' }, { action: 'AbortOnFailure' }], currentAction: { action: 'FinalizeUpgrade' } },
      { name: 'spoke6', completedActions: [{ action: 'AbortOnFailure' }], failedActions: [{ action: 'Prep', message: 'Prep failed' }] },
    ]);
  });
  test('failure message: ConditionMessage/ConditionReason feedback and Applied=False messages, else the timeout text', () => {
    assert.equal(TIMEOUT_FAILURE_MESSAGE, 'Action did not successfully complete before the timeout specified in the rolloutStrategy');
    assert.equal(failureMessage([{ name: 'isUpgradeCompleted', value: 'False' }]), TIMEOUT_FAILURE_MESSAGE);
    assert.equal(failureMessage([{ name: 'idleConditionMessages', value: 'cleanup failed' }], ['admission denied']), 'cleanup failed\nadmission denied');
  });
  test('Progressing waits on the first unfinished step, counted from 0', () => {
    assert.deepEqual(progressingCondition(3, new Set([0])), { type: 'Progressing', status: 'True', reason: 'InProgress', message: 'Waiting for plan step 1 to be completed' });
    assert.deepEqual(progressingCondition(2, new Set([0, 1])), { type: 'Progressing', status: 'False', reason: 'Completed', message: 'All plan steps are completed' });
  });
});

describe('rollout preview', () => {
  const plan = (...steps: [string[], number, number?][]) => steps.map(([actions, maxConcurrency, timeoutMinutes]) => ({ actions, maxConcurrency, timeoutMinutes: timeoutMinutes ?? 240 }));

  test('labels carry from step to step when every action succeeds', () => {
    const fleet = [cluster('c'), cluster('a'), cluster('b', PREP_FAILED)];
    const p = previewRollout({ name: 'w', selectors: WAVE, plan: plan([['Prep'], 2, 120], [['AbortOnFailure'], 5, 30], [['Upgrade'], 1, 600], [['AbortOnFailure'], 5, 30], [['FinalizeUpgrade'], 5, 60]) }, fleet);
    // b's prep-failed label from an earlier IBGU outlives a successful Prep: the first AbortOnFailure picks
    // it up, and completing AbortOnFailure clears all its labels, so Upgrade no longer selects it.
    assert.deepEqual(p.steps.map((s) => s.clusters), [['a', 'b', 'c'], ['b'], ['a', 'c'], [], ['a', 'c']]);
    assert.deepEqual(p.steps[0].batches, [['a', 'b'], ['c']]);
    assert.equal(p.steps[0].batchTimeoutMinutes, 60);
    assert.deepEqual(p.steps[2].batches, [['a'], ['c']]);
    assert.equal(p.steps[2].batchTimeoutMinutes, 300);
    assert.deepEqual(p.steps[1].onFailure, ['a', 'c'], 'a failed Prep would bring a and c to the AbortOnFailure step');
    // b too: Prep succeeds, the first AbortOnFailure fails (labels stay), Upgrade runs and fails.
    assert.deepEqual(p.steps[3].onFailure, ['a', 'b', 'c']);
    assert.deepEqual(p.steps[2].skipped, [{ cluster: 'b', reason: `no ${PREP_DONE} label: not prepared` }]);
    assert.deepEqual(p.steps.map((s) => s.worstCaseMinutes), [120, 30, 600, 30, 60]);
    assert.equal(p.worstCaseMinutes, 120 + 30 + 600 + 30 + 60);
    assert.deepEqual(p.steps.map((s) => s.clusterGroupUpgrade), ['w-prep-0', 'w-abortonfailure-1', 'w-upgrade-2', 'w-abortonfailure-3', 'w-finalizeupgrade-4']);
    assert.deepEqual(p.problems, []);
  });

  test('a step no outcome can reach costs nothing; problems are reported', () => {
    const p = previewRollout({ name: 'r', selectors: WAVE, plan: plan([['FinalizeRollback'], 1, 45]) }, [cluster('a', PREP_DONE)]);
    assert.deepEqual(p.steps[0].clusters, []);
    assert.equal(p.worstCaseMinutes, 0);
    const bad = previewRollout({ name: 'x', plan: plan([['Upgrade'], 1], [['Prep'], 1]) }, [cluster('a')]);
    assert.equal(bad.problems.length, 2);
    assert.match(bad.problems[0], /clusterLabelSelectors is missing/);
    assert.match(bad.problems[1], /invalid combinations of actions in the plan/);
  });
});
