/**
 * TALM's wire vocabulary pinned to the bytes upstream writes (facts §3): a change here is a change of what
 * the sandbox serves and the views read, so each value is spelled out literally.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IBGU_ACTIONS } from '../../../src/core/schema/talm';
import { CGU_TYPE, IBGU_TYPE, IBU_TYPE, MANAGED_CLUSTER_TYPE, MANIFEST_WORK_REPLICA_SET_TYPE, MANIFEST_WORK_TYPE } from '../../../src/core/kube/types';
import {
  ACTION_FEEDBACK, actionOfTemplate, ALL_STEPS_COMPLETED_MESSAGE, CGU_LABEL, CGU_NAMESPACE_LABEL, CGU_SUCCEEDED_MESSAGE, CGU_TIMED_OUT_MESSAGE, clusterGroupUpgradeName,
  EXPECTED_VALUES_ANNOTATION, fieldValueText, IBGU_LABEL, IBGU_OWNER_LABEL, manifestWorkName, manifestWorkReplicaSetName, NAME_SUFFIX_ANNOTATION, safeResourceNameKey,
  stageLabel, TIMEOUT_FAILURE_MESSAGE, waitingForStepMessage,
} from '../../../src/core/talm/wire';

test('API versions, kinds and plurals', () => {
  assert.equal(IBGU_TYPE.apiVersion, 'lcm.openshift.io/v1alpha1');
  assert.equal(IBGU_TYPE.plural, 'imagebasedgroupupgrades');
  assert.equal(CGU_TYPE.apiVersion, 'ran.openshift.io/v1alpha1');
  assert.equal(MANAGED_CLUSTER_TYPE.apiVersion, 'cluster.open-cluster-management.io/v1');
  assert.equal(MANAGED_CLUSTER_TYPE.namespaced, false);
  assert.equal(MANIFEST_WORK_TYPE.apiVersion, 'work.open-cluster-management.io/v1');
  assert.equal(MANIFEST_WORK_REPLICA_SET_TYPE.apiVersion, 'work.open-cluster-management.io/v1alpha1');
  assert.equal(IBU_TYPE.apiVersion, 'lca.openshift.io/v1');
  assert.equal(IBU_TYPE.plural, 'imagebasedupgrades');
});

test('labels and annotations', () => {
  assert.equal(IBGU_OWNER_LABEL, 'ibgu');
  assert.equal(CGU_LABEL, 'openshift-cluster-group-upgrades/clusterGroupUpgrade');
  assert.equal(CGU_NAMESPACE_LABEL, 'openshift-cluster-group-upgrades/clusterGroupUpgradeNamespace');
  assert.equal(EXPECTED_VALUES_ANNOTATION, 'openshift-cluster-group-upgrades/expectedValues');
  assert.equal(NAME_SUFFIX_ANNOTATION, 'cluster-group-upgrades-operator/name-suffix');
  assert.equal(stageLabel('AbortOnFailure', 'failed'), 'lcm.openshift.io/ibgu-abortonfailure-failed');
  assert.equal(stageLabel('Prep', 'completed'), 'lcm.openshift.io/ibgu-prep-completed');
  assert.ok(IBGU_LABEL.test('lcm.openshift.io/ibgu-finalizeupgrade-completed'));
  assert.ok(!IBGU_LABEL.test('lcm.openshift.io/ibgu-prep-done'));
});

test('names', () => {
  assert.equal(clusterGroupUpgradeName('upgrade-4.15.0', ['Prep'], 0), 'upgrade-4.15.0-prep-0');
  assert.equal(clusterGroupUpgradeName('name', ['Prep', 'Upgrade', 'FinalizeUpgrade'], 0), 'name-prep-upgrade-finalizeupgrade-0');
  assert.equal(manifestWorkReplicaSetName('upgrade-4.15.0', 'AbortOnFailure'), 'upgrade-4.15.0-abortonfailure');
  assert.equal(safeResourceNameKey('default', 'upgrade-4.15.0-prep'), '/default.upgrade-4.15.0-prep');
  assert.equal(manifestWorkName('default', 'upgrade-4.15.0-prep', 'kuttl'), 'default.upgrade-4.15.0-prep-kuttl');
  assert.equal(manifestWorkName('ns', 'x'.repeat(300), 'abcde').length, 253);
  assert.equal(actionOfTemplate('upgrade-4.15.0-finalizeupgrade'), 'FinalizeUpgrade');
  assert.equal(actionOfTemplate('upgrade-4.15.0-finalize'), undefined);
});

test('feedback rules and values', () => {
  assert.deepEqual(ACTION_FEEDBACK.Prep!.feedback[1], ['prepInProgressConditionMessage', `.status.conditions[?(@.type=="PrepInProgress")].message'`]);
  assert.equal(ACTION_FEEDBACK.Upgrade!.done, 'isUpgradeCompleted');
  assert.equal(ACTION_FEEDBACK.FinalizeRollback!.stage, 'Idle');
  // A template for every action the CRD allows, and no other: actionOfTemplate reads its action names here.
  assert.deepEqual(Object.keys(ACTION_FEEDBACK).sort(), [...IBGU_ACTIONS].sort());
  assert.deepEqual(ACTION_FEEDBACK.Abort!.feedback.map(([n]) => n), ['isIdle', 'idleConditionReason', 'idleConditionMessages']);
  assert.equal(fieldValueText({ type: 'String', string: 'True' }), 'True');
  assert.equal(fieldValueText({ type: 'Boolean', boolean: true }), 'true');
  assert.equal(fieldValueText({ type: 'Integer', integer: 3 }), '3');
  assert.equal(fieldValueText(undefined), '');
});

test('messages', () => {
  assert.equal(CGU_SUCCEEDED_MESSAGE, 'All manifestworks rolled out successfully on all clusters');
  assert.equal(CGU_TIMED_OUT_MESSAGE, 'Manifestwork rollout took too long');
  assert.equal(TIMEOUT_FAILURE_MESSAGE, 'Action did not successfully complete before the timeout specified in the rolloutStrategy');
  assert.equal(waitingForStepMessage(2), 'Waiting for plan step 2 to be completed');
  assert.equal(ALL_STEPS_COMPLETED_MESSAGE, 'All plan steps are completed');
});
