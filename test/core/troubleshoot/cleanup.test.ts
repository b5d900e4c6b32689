/** The guide's "AbortFailed or FinalizeFailed error" and LCA's manual-cleanup-done handling (facts §4.6). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupAdvice, cleanupOutcome, manualCleanupPatch } from '../../../src/core/troubleshoot/index';

const GUIDE_MESSAGE = "failed to delete all the backup CRs. Perform cleanup manually then add 'lca.openshift.io/manual-cleanup-done' annotation to ibu CR to transition back to Idle";
const ibu = (idle: Record<string, unknown>, annotations?: Record<string, string>, more: Record<string, unknown>[] = []) => ({
  apiVersion: 'lca.openshift.io/v1', kind: 'ImageBasedUpgrade',
  metadata: { name: 'upgrade', ...(annotations ? { annotations } : {}) },
  spec: { stage: 'Idle' },
  status: { conditions: [...more, { type: 'Idle', observedGeneration: 5, ...idle }] },
});

describe('cleanupAdvice', () => {
  test('AbortFailed with the guide\'s example message', () => {
    const advice = cleanupAdvice(ibu({ status: 'False', reason: 'AbortFailed', message: GUIDE_MESSAGE }));
    assert.equal(advice.applies, true);
    assert.equal(advice.reason, 'AbortFailed');
    assert.equal(advice.message, GUIDE_MESSAGE);
    for (const part of [/stateroot/, /precach/, /OADP/, /ImageBasedUpgrade/, /lca\.openshift\.io\/manual-cleanup-done/]) assert.match(advice.explanation, part);
    const steps = advice.manualSteps.join('\n');
    assert.match(steps, /ostree admin status/);
    assert.match(steps, /ostree admin undeploy <index_of_deployment>/);
    assert.match(steps, /rm -rf \/sysroot\/ostree\/deploy\/\$\{stateroot\}/);
    assert.match(steps, /booted deployment is not in this stateroot/);
    assert.match(steps, /oc get backupstoragelocations\.velero\.io -n openshift-adp/);
    assert.match(steps, /Remove the remaining Backup/);
    assert.match(steps, /new stateroot/, 'an abort removes the new stateroot');
  });
  test('FinalizeFailed names the old stateroot', () => {
    const advice = cleanupAdvice(ibu({ status: 'False', reason: 'FinalizeFailed', message: 'failed to delete the old stateroot rhcos_4.16.12: device or resource busy' }));
    assert.equal(advice.applies, true);
    assert.equal(advice.reason, 'FinalizeFailed');
    assert.match(advice.manualSteps.join('\n'), /old stateroot/);
    assert.match(advice.explanation, /Finaliz/);
  });
  test('Idle, Aborting and a missing status do not apply: LCA would not read the annotation', () => {
    for (const o of [ibu({ status: 'True', reason: 'Idle', message: 'Idle' }), ibu({ status: 'False', reason: 'Aborting', message: 'Aborting' }), { metadata: { name: 'upgrade' } }, undefined, 'nonsense']) {
      const advice = cleanupAdvice(o);
      assert.equal(advice.applies, false);
      assert.equal(advice.reason, undefined);
      assert.deepEqual(advice.manualSteps, []);
      assert.match(advice.explanation, /only while/);
    }
  });
  test('a YAML boolean status still reads as False', () => {
    assert.equal(cleanupAdvice(ibu({ status: false, reason: 'AbortFailed', message: 'x' })).applies, true);
  });
});

test('manualCleanupPatch adds only the annotation, with an empty value', () => {
  assert.deepEqual(manualCleanupPatch(), { metadata: { annotations: { 'lca.openshift.io/manual-cleanup-done': '' } } });
});

describe('cleanupOutcome', () => {
  const before = { message: GUIDE_MESSAGE };
  test('idle once Idle is True', () => {
    assert.deepEqual(cleanupOutcome(ibu({ status: 'True', reason: 'Idle', message: 'Idle' }), before), { state: 'idle', message: 'Idle' });
  });
  test('pending while the annotation is still there (LCA has not retried yet)', () => {
    assert.equal(cleanupOutcome(ibu({ status: 'False', reason: 'AbortFailed', message: GUIDE_MESSAGE }, { 'lca.openshift.io/manual-cleanup-done': '' }), before).state, 'pending');
  });
  test('pending while LCA is still aborting or finalizing', () => {
    assert.equal(cleanupOutcome(ibu({ status: 'False', reason: 'Finalizing', message: 'Finalizing' }), before).state, 'pending');
  });
  test('failed again: annotation gone and a new failure message', () => {
    const again = 'failed to delete the new stateroot rhcos_4.17.2: device or resource busy Perform cleanup manually then add \'lca.openshift.io/manual-cleanup-done\' annotation to ibu CR to transition back to Idle';
    assert.deepEqual(cleanupOutcome(ibu({ status: 'False', reason: 'AbortFailed', message: again }), before), { state: 'failed-again', message: again });
  });
  test('the same message with the annotation gone is not yet a verdict (LCA may be between its two writes)', () => {
    assert.equal(cleanupOutcome(ibu({ status: 'False', reason: 'AbortFailed', message: GUIDE_MESSAGE }), before).state, 'pending');
  });
});
