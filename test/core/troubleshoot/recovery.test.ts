/**
 * Recovery proposals for the failed clusters of an IBGU. Expected plans and selections are written by hand
 * from the 26 allowed plans (facts §1.3), the guide's "Supported action combinations", and TALM's
 * per-action selection (facts §3.3).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { planRecovery, type RecoveryProposal } from '../../../src/core/troubleshoot/index';
import { isAllowedPlan } from '../../../src/core/talm/plan';

const P = 'lcm.openshift.io/ibgu-';
const IBU_SPEC = { seedImageRef: { image: 'quay.io/seed/image:4.18.9', version: '4.18.9', pullSecretRef: { name: 'seed-pull-secret' } }, oadpContent: [{ name: 'oadp-cm', namespace: 'openshift-adp' }] };

function ibgu(plan: string[][], clusters: object[], progressing = false) {
  return {
    metadata: { name: 'wave1', namespace: 'ztp-upgrades', annotations: { 'auto-rollback-on-failure.lca.openshift.io/post-reboot-config': 'Disabled', 'lca.openshift.io/manual-cleanup-done': '', 'team': 'ran' } },
    spec: {
      clusterLabelSelectors: [{ matchLabels: { 'upgrade-wave': '1' } }],
      ibuSpec: IBU_SPEC,
      plan: plan.map((actions, i) => ({ actions, rolloutStrategy: { maxConcurrency: 10, timeout: i === 0 ? 300 : 120 } })),
    },
    status: { conditions: [{ type: 'Progressing', status: progressing ? 'True' : 'False' }], clusters },
  };
}
const mc = (name: string, ...keys: string[]) => ({ metadata: { name, labels: { name, 'upgrade-wave': '1', ...Object.fromEntries(keys.map((k) => [P + k, ''])) } } });
const resulting = (p: RecoveryProposal, old: string[][]) => (p.kind === 'append-step' ? [...old, p.step!.actions] : (p.ibgu as any).spec.plan.map((s: any) => s.actions));
const withPlan = (ps: RecoveryProposal[]) => ps.filter((p) => p.kind === 'append-step' || p.kind === 'new-ibgu');

describe('planRecovery', () => {
  const plan = [['Prep'], ['Upgrade']];
  const status = [
    { name: 'sno-0001', completedActions: [{ action: 'Prep' }, { action: 'Upgrade' }] },
    { name: 'sno-0002', completedActions: [{ action: 'Prep' }], failedActions: [{ action: 'Upgrade', message: 'Upgrade failed' }] },
    { name: 'sno-0003', failedActions: [{ action: 'Prep', message: 'Prep failed' }] },
  ];
  const clusters = [mc('sno-0001', 'prep-completed', 'upgrade-completed'), mc('sno-0002', 'prep-completed', 'upgrade-failed'), mc('sno-0003', 'prep-failed'), mc('sno-0004')];

  test('[[Prep],[Upgrade]] with a failed Prep and a failed Upgrade: append AbortOnFailure, or a new Abort IBGU', () => {
    const proposals = planRecovery(ibgu(plan, status), clusters);
    assert.deepEqual(proposals.map((p) => p.id), ['append-abort-on-failure', 'new-ibgu-abort']);
    const [append, abort] = proposals;
    assert.equal(append.kind, 'append-step');
    assert.deepEqual(append.step, { actions: ['AbortOnFailure'], rolloutStrategy: { maxConcurrency: 10, timeout: 120 } });
    assert.deepEqual(append.selects, ['sno-0002', 'sno-0003']);
    assert.equal(abort.kind, 'new-ibgu');
    assert.deepEqual(abort.selects, ['sno-0002', 'sno-0003']);
    assert.match(abort.why, /before the pivot/);
    assert.deepEqual(abort.ibgu, {
      apiVersion: 'lcm.openshift.io/v1alpha1',
      kind: 'ImageBasedGroupUpgrade',
      metadata: { name: 'wave1-abort', namespace: 'ztp-upgrades', annotations: { 'auto-rollback-on-failure.lca.openshift.io/post-reboot-config': 'Disabled' } },
      spec: {
        clusterLabelSelectors: [{ matchExpressions: [{ key: 'name', operator: 'In', values: ['sno-0002', 'sno-0003'] }] }],
        ibuSpec: IBU_SPEC,
        plan: [{ actions: ['Abort'], rolloutStrategy: { maxConcurrency: 2, timeout: 300 } }],
      },
    });
    assert.notEqual((abort.ibgu as any).spec.ibuSpec, IBU_SPEC, 'a copy, not the old object');
  });

  test('selection follows the labels the clusters carry now', () => {
    // sno-0002's labels were repaired after a manual abort: AbortOnFailure no longer picks it.
    const repaired = [clusters[0], mc('sno-0002'), clusters[2], clusters[3]];
    const append = planRecovery(ibgu(plan, status), repaired).find((p) => p.id === 'append-abort-on-failure')!;
    assert.deepEqual(append.selects, ['sno-0003']);
  });

  test('no AbortOnFailure append when the plan cannot continue with it', () => {
    const proposals = planRecovery(ibgu([['Prep', 'Upgrade', 'FinalizeUpgrade']], [{ name: 'sno-0002', failedActions: [{ action: 'Upgrade' }] }]), clusters);
    assert.deepEqual(proposals.map((p) => p.id), ['new-ibgu-abort']);
    const full = planRecovery(ibgu([['Prep'], ['AbortOnFailure'], ['Upgrade'], ['AbortOnFailure'], ['FinalizeUpgrade']], status), clusters);
    assert.ok(!full.some((p) => p.kind === 'append-step'));
  });

  test('a failed FinalizeUpgrade gets the cleanup retry, not Rollback; upgraded clusters get Rollback+FinalizeRollback, rolled-back ones FinalizeRollback', () => {
    // Was: sno-0001 (FinalizeUpgrade failed) was offered Rollback+FinalizeRollback because it still carries
    // upgrade-completed. LCA refuses that: FinalizeFailed ⇒ validNextStages [] (facts §4.5 rule 1), and after a
    // finalize the old stateroot is gone; the only way on is the manual-cleanup-done retry (§4.6).
    const st = [
      { name: 'sno-0001', completedActions: [{ action: 'Prep' }, { action: 'Upgrade' }], failedActions: [{ action: 'FinalizeUpgrade' }] },
      { name: 'sno-0002', completedActions: [{ action: 'Prep' }], failedActions: [{ action: 'Upgrade' }] },
      { name: 'sno-0003', completedActions: [{ action: 'Prep' }], failedActions: [{ action: 'Upgrade' }] },
    ];
    const mcs = [
      mc('sno-0001', 'prep-completed', 'upgrade-completed', 'finalizeupgrade-failed'),
      mc('sno-0002', 'prep-completed', 'upgrade-completed', 'rollback-completed', 'upgrade-failed'),
      // Its Upgrade completed after the batch timed out: labelled both ways.
      mc('sno-0003', 'prep-completed', 'upgrade-completed', 'upgrade-failed'),
    ];
    const proposals = planRecovery(ibgu([['Prep'], ['Upgrade'], ['AbortOnFailure'], ['FinalizeUpgrade']], st), mcs);
    assert.deepEqual(proposals.map((p) => p.id), ['new-ibgu-rollback', 'new-ibgu-finalize-rollback', 'retry-cleanup-sno-0001']);
    const [rollback, finalize, retry] = proposals as [RecoveryProposal, RecoveryProposal, RecoveryProposal];
    assert.deepEqual((rollback.ibgu as any).spec.plan, [{ actions: ['Rollback', 'FinalizeRollback'], rolloutStrategy: { maxConcurrency: 1, timeout: 300 } }]);
    assert.equal((rollback.ibgu as any).metadata.name, 'wave1-rollback');
    assert.deepEqual(rollback.selects, ['sno-0003']);
    assert.deepEqual((finalize.ibgu as any).spec.plan.map((s: any) => s.actions), [['FinalizeRollback']]);
    assert.equal((finalize.ibgu as any).metadata.name, 'wave1-finalize-rollback');
    assert.deepEqual(finalize.selects, ['sno-0002']);
    assert.equal(retry.kind, 'retry-cleanup');
    assert.deepEqual(retry.selects, ['sno-0001']);
    assert.match(retry.why, /could not be read/);
  });

  test('every proposal leaves a plan TALM accepts', () => {
    const plans = [[['Prep']], [['Prep'], ['Upgrade']], [['Prep', 'Upgrade']], [['Prep'], ['AbortOnFailure'], ['Upgrade']], [['Upgrade']], [['Prep', 'Upgrade', 'FinalizeUpgrade']], [['Prep'], ['Upgrade'], ['AbortOnFailure'], ['FinalizeUpgrade']]];
    const mcs = [mc('sno-0001', 'prep-failed'), mc('sno-0002', 'prep-completed', 'upgrade-failed'), mc('sno-0003', 'prep-completed', 'upgrade-completed'), mc('sno-0004', 'upgrade-completed', 'rollback-completed')];
    const st = mcs.map((m) => ({ name: m.metadata.name, failedActions: [{ action: 'Upgrade' }] }));
    let count = 0;
    for (const p of plans) {
      for (const proposal of withPlan(planRecovery(ibgu(p, st), mcs))) {
        count++;
        assert.ok(isAllowedPlan(resulting(proposal, p)), `${proposal.id} after ${JSON.stringify(p)}`);
      }
    }
    assert.ok(count >= plans.length * 3, `proposals were made (${count})`);
  });

  test('nothing failed, nothing proposed; a running IBGU is flagged in the append proposal', () => {
    assert.deepEqual(planRecovery(ibgu(plan, [status[0]]), clusters), []);
    const running = planRecovery(ibgu(plan, status, true), clusters).find((p) => p.id === 'append-abort-on-failure')!;
    assert.match(running.why, /still progressing/);
  });

  test('a long IBGU name still gives a valid name (< 230 characters)', () => {
    const long = ibgu(plan, status);
    long.metadata.name = 'w'.repeat(229);
    for (const p of planRecovery(long, clusters).filter((p) => p.ibgu)) assert.ok((p.ibgu as any).metadata.name.length < 230);
  });
});
