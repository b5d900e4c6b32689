/**
 * Recovery proposals for the failed clusters of an IBGU. Expected plans and selections are written by hand
 * from the 26 allowed plans (facts §1.3), the guide's "Supported action combinations", and TALM's
 * per-action selection (facts §3.3).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { planRecovery, type RecoveryProposal } from '../../../src/core/troubleshoot/index';
import { isAllowedPlan } from '../../../src/core/talm/plan';
import { manualCleanupApplies, MANUAL_CLEANUP_ANNOTATION, nextStatus, type IbuObject } from '../../../src/core/lca/stages';

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

/** IBUs as LCA leaves them, produced by the core's stage machine (facts §4.4–4.6). */
const idle0 = nextStatus({}, { type: 'setStage', stage: 'Idle' });
const prepped = nextStatus(nextStatus(idle0, { type: 'setStage', stage: 'Prep' }), { type: 'stageSucceeded' });
const upgradeFailedBeforePivot = nextStatus(nextStatus(prepped, { type: 'setStage', stage: 'Upgrade' }), { type: 'stageFailed', message: 'failed to pull seed image' });
const pivoted: IbuObject = { ...prepped, status: { ...prepped.status, history: [{ stage: 'Upgrade', phases: [{ phase: 'PrePivot' }, { phase: 'PostPivot' }] }] } };
const upgradeFailedAfterPivot = nextStatus(nextStatus(pivoted, { type: 'setStage', stage: 'Upgrade' }), { type: 'stageFailed', message: 'Rollback due to postpivot failure: x' });
const upgraded = nextStatus(nextStatus(prepped, { type: 'setStage', stage: 'Upgrade' }), { type: 'stageSucceeded' });
const finalizeFailed = nextStatus(nextStatus(upgraded, { type: 'setStage', stage: 'Idle' }), { type: 'cleanupFailed', errors: ['failed to delete old stateroot'] });
const abortFailed = nextStatus(nextStatus(upgradeFailedBeforePivot, { type: 'setStage', stage: 'Idle' }), { type: 'cleanupFailed', errors: ['failed to remove new stateroot'] });
const abortedToIdle = nextStatus(nextStatus(upgradeFailedBeforePivot, { type: 'setStage', stage: 'Idle' }), { type: 'stageSucceeded' });
const rolledBack = nextStatus(nextStatus(upgraded, { type: 'setStage', stage: 'Rollback' }), { type: 'stageSucceeded' });
const finalizing = nextStatus(upgraded, { type: 'setStage', stage: 'Idle' });

/** The IBU stage each IBGU action sets (facts §3.2). */
const STAGE_OF: Record<string, string> = { Prep: 'Prep', Upgrade: 'Upgrade', Rollback: 'Rollback', Abort: 'Idle', AbortOnFailure: 'Idle', FinalizeUpgrade: 'Idle', FinalizeRollback: 'Idle' };

describe('planRecovery from the IBU read on the spoke', () => {
  // Each cluster: its IBGU status entry, its labels as TALM left them, its IBU.
  const staged = {
    'sno-finalize-failed': { status: { completedActions: [{ action: 'Prep' }, { action: 'Upgrade' }], failedActions: [{ action: 'FinalizeUpgrade' }] }, labels: ['prep-completed', 'upgrade-completed', 'finalizeupgrade-failed'], ibu: finalizeFailed },
    'sno-abort-failed': { status: { completedActions: [{ action: 'Prep' }], failedActions: [{ action: 'Upgrade' }, { action: 'AbortOnFailure' }] }, labels: ['prep-completed', 'upgrade-failed', 'abortonfailure-failed'], ibu: abortFailed },
    // AbortOnFailure completed: TALM removed every ibgu label (facts §3.3), LCA reset the IBU to Idle.
    'sno-aborted-idle': { status: { completedActions: [{ action: 'Prep' }, { action: 'AbortOnFailure' }], failedActions: [{ action: 'Upgrade' }] }, labels: [], ibu: abortedToIdle },
    'sno-before-pivot': { status: { completedActions: [{ action: 'Prep' }], failedActions: [{ action: 'Upgrade' }] }, labels: ['prep-completed', 'upgrade-failed'], ibu: upgradeFailedBeforePivot },
    'sno-after-pivot': { status: { completedActions: [{ action: 'Prep' }], failedActions: [{ action: 'Upgrade' }] }, labels: ['prep-completed', 'upgrade-failed'], ibu: upgradeFailedAfterPivot },
    // Upgraded; its FinalizeUpgrade never applied (e.g. the MW was refused) and timed out.
    'sno-upgraded': { status: { completedActions: [{ action: 'Prep' }, { action: 'Upgrade' }], failedActions: [{ action: 'FinalizeUpgrade' }] }, labels: ['prep-completed', 'upgrade-completed', 'finalizeupgrade-failed'], ibu: upgraded },
    'sno-rolled-back': { status: { completedActions: [{ action: 'Prep' }, { action: 'Upgrade' }, { action: 'Rollback' }], failedActions: [{ action: 'FinalizeRollback' }] }, labels: ['prep-completed', 'upgrade-completed', 'rollback-completed', 'finalizerollback-failed'], ibu: rolledBack },
    'sno-finalizing': { status: { completedActions: [{ action: 'Prep' }, { action: 'Upgrade' }], failedActions: [{ action: 'FinalizeUpgrade' }] }, labels: ['prep-completed', 'upgrade-completed', 'finalizeupgrade-failed'], ibu: finalizing },
  } as const;
  const names = Object.keys(staged) as (keyof typeof staged)[];
  const status = names.map((name) => ({ name, ...staged[name].status }));
  const mcs = names.map((name) => mc(name, ...staged[name].labels));
  const ibus = Object.fromEntries(names.map((n) => [n, staged[n].ibu]));
  const thePlan = [['Prep'], ['Upgrade'], ['FinalizeUpgrade']];
  const proposals = planRecovery(ibgu(thePlan, status), mcs, ibus);
  const byId = (id: string) => proposals.find((p) => p.id === id);
  /** The clusters a proposal acts on: the names it selects by, or its selection. */
  const targets = (p: RecoveryProposal): string[] => (p.kind === 'new-ibgu' ? (p.ibgu as any).spec.clusterLabelSelectors[0].matchExpressions[0].values : p.selects);

  test('the IBUs are the ones LCA writes', () => {
    assert.deepEqual(finalizeFailed.status!.validNextStages, []);
    assert.equal(finalizeFailed.status!.conditions!.find((c) => c.type === 'Idle')!.reason, 'FinalizeFailed');
    assert.equal(abortFailed.status!.conditions!.find((c) => c.type === 'Idle')!.reason, 'AbortFailed');
    assert.deepEqual(abortedToIdle.status!.validNextStages, ['Prep']);
    assert.deepEqual(upgradeFailedBeforePivot.status!.validNextStages, ['Idle']);
    assert.deepEqual(upgradeFailedAfterPivot.status!.validNextStages, ['Rollback']);
    assert.deepEqual(upgraded.status!.validNextStages, ['Idle', 'Rollback']);
    assert.deepEqual(rolledBack.status!.validNextStages, ['Idle']);
  });

  test('each staged cluster gets what its IBU allows', () => {
    // [[Prep],[Upgrade],[FinalizeUpgrade]] cannot take an AbortOnFailure step (facts §1.3): new IBGUs only.
    assert.deepEqual(proposals.map((p) => p.id), ['new-ibgu-abort', 'new-ibgu-rollback', 'new-ibgu-finalize-rollback', 'retry-cleanup-sno-abort-failed', 'retry-cleanup-sno-finalize-failed', 'no-action-idle', 'no-action-busy']);
    assert.deepEqual(targets(byId('new-ibgu-abort')!), ['sno-before-pivot']);
    assert.doesNotMatch(byId('new-ibgu-abort')!.why, /could not be read/);
    assert.deepEqual(targets(byId('new-ibgu-rollback')!), ['sno-after-pivot', 'sno-upgraded']);
    // TALM's Rollback step wants upgrade-completed: the after-pivot cluster is named, not silently dropped.
    assert.deepEqual(byId('new-ibgu-rollback')!.selects, ['sno-upgraded']);
    assert.match(byId('new-ibgu-rollback')!.why, /would not select `sno-after-pivot`/);
    assert.deepEqual(targets(byId('new-ibgu-finalize-rollback')!), ['sno-rolled-back']);
    const idle = byId('no-action-idle')!;
    assert.equal(idle.kind, 'no-action');
    assert.equal(idle.title, 'No action needed: Idle: sno-aborted-idle');
    assert.deepEqual(byId('no-action-busy')!.selects, ['sno-finalizing']);
    assert.ok(!proposals.some((p) => p.kind !== 'no-action' && targets(p).includes('sno-aborted-idle')), 'no Abort for a cluster AbortOnFailure already returned to Idle');
    assert.ok(!proposals.some((p) => p.kind !== 'retry-cleanup' && targets(p).includes('sno-finalize-failed')), 'no Rollback after a FinalizeFailed');
  });

  test('an appended AbortOnFailure is proposed for a cluster that accepts Idle; those selected by label that would refuse it are named', () => {
    const some = ['sno-before-pivot', 'sno-after-pivot', 'sno-aborted-idle', 'sno-abort-failed'] as const;
    const found = planRecovery(ibgu([['Prep'], ['Upgrade']], some.map((name) => ({ name, ...staged[name].status }))), some.map((n) => mc(n, ...staged[n].labels)), ibus);
    assert.deepEqual(found.map((p) => p.id), ['append-abort-on-failure', 'new-ibgu-abort', 'new-ibgu-rollback', 'retry-cleanup-sno-abort-failed', 'no-action-idle']);
    const append = found[0];
    // The step selects by label (prep-failed or upgrade-failed): the after-pivot cluster carries upgrade-failed too.
    assert.deepEqual(append.selects, ['sno-abort-failed', 'sno-after-pivot', 'sno-before-pivot']);
    assert.match(append.why, /LCA would not accept Idle on `sno-abort-failed`, `sno-after-pivot`/);
    assert.ok(!found.some((p) => p.kind !== 'no-action' && targets(p).includes('sno-aborted-idle')));
    // Nothing to abort: no append, although TALM could still select by the labels.
    const none = planRecovery(ibgu([['Prep'], ['Upgrade']], [{ name: 'sno-after-pivot', ...staged['sno-after-pivot'].status }]), [mc('sno-after-pivot', ...staged['sno-after-pivot'].labels)], ibus);
    assert.deepEqual(none.map((p) => p.id), ['new-ibgu-rollback']);
  });

  test('every stage a proposal sets is in the IBU\'s validNextStages; a cleanup retry is one LCA reads', () => {
    let checked = 0;
    for (const p of proposals) {
      if (p.kind === 'no-action') continue;
      if (p.kind === 'retry-cleanup') {
        for (const n of p.selects) {
          const ibu = ibus[n]!;
          assert.ok(manualCleanupApplies({ ...ibu, metadata: { annotations: { [MANUAL_CLEANUP_ANNOTATION]: '' } } }), `${p.id}: LCA reads manual-cleanup-done on ${n}`);
          checked++;
        }
        continue;
      }
      const first = p.kind === 'append-step' ? p.step!.actions[0] : (p.ibgu as any).spec.plan[0].actions[0];
      const acted = targets(p);
      for (const n of acted) {
        assert.ok(ibus[n]!.status!.validNextStages!.includes(STAGE_OF[first] as never), `${p.id}: ${STAGE_OF[first]} on ${n} (validNextStages ${JSON.stringify(ibus[n]!.status!.validNextStages)})`);
        checked++;
      }
    }
    assert.ok(checked >= 6, `${checked} checked`);
  });

  test('the IBU outranks the labels: same hub view, unread spoke ⇒ label-based reasoning, said so', () => {
    const unread = planRecovery(ibgu(thePlan, status), mcs);
    for (const p of unread) assert.match(p.why, /could not be read/, p.id);
    // Without the IBU the status still says enough for these two.
    assert.ok(unread.some((p) => p.id === 'retry-cleanup-sno-finalize-failed'));
    assert.deepEqual(unread.find((p) => p.id === 'no-action-idle')!.selects, ['sno-aborted-idle']);
    // A cluster whose spoke answered is judged by its IBU; one that did not, by the hub.
    const mixed = planRecovery(ibgu(thePlan, status), mcs, new Map([['sno-rolled-back', rolledBack]]));
    assert.deepEqual(targets(mixed.find((p) => p.id === 'new-ibgu-finalize-rollback')!), ['sno-rolled-back']);
    assert.ok(mixed.some((p) => p.id === 'retry-cleanup-sno-upgraded'), 'unread: a failed FinalizeUpgrade is presumed FinalizeFailed');
  });
});

