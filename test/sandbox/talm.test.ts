/**
 * The sandbox's simulated TALM, work agent and LCA, driven in-process in scaled time (0.01 s of wall time
 * per TALM/LCA minute). Expectations are written from upstream TALM and LCA behaviour (facts §3–§4, the
 * kuttl example of an [[Prep],[AbortOnFailure],[Upgrade],[AbortOnFailure],[FinalizeUpgrade]] run), not
 * computed with the code under test. Durations are far from timeouts, so machine load cannot flip a result.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { parseScenario, startSandbox, type KubeObject, type Sandbox } from '../../src/sandbox';
import { NAME_SUFFIX_ANNOTATION } from '../../src/core/talm/wire';
import { repoRoot } from '../helpers/fixtures';
import { waitFor } from '../helpers/wait';

const SCALE = 0.01;
const NS = 'ztp-upgrades';
const started: Sandbox[] = [];

after(async () => {
  await Promise.all(started.map((s) => s.stop()));
});

async function sandbox(scenarioYaml: string): Promise<Sandbox> {
  const s = await startSandbox({ scenario: parseScenario(scenarioYaml), timeScale: SCALE });
  started.push(s);
  return s;
}

function ibgu(name: string, plan: [string[], number, number][], extra: { oadp?: boolean; selector?: Record<string, string>[] } = {}): KubeObject {
  return {
    metadata: { name, namespace: NS, annotations: { [NAME_SUFFIX_ANNOTATION]: 'sbx' } },
    spec: {
      clusterLabelSelectors: (extra.selector ?? [{ common: 'true' }]).map((matchLabels) => ({ matchLabels })),
      ibuSpec: {
        seedImageRef: { image: 'registry.hub.example.com:8443/ibu/seed:4.18.9', version: '4.18.9', pullSecretRef: { name: 'seed-pull-secret' } },
        ...(extra.oadp ? { oadpContent: [{ name: 'oadp-cm', namespace: 'openshift-adp' }] } : {}),
      },
      plan: plan.map(([actions, maxConcurrency, timeout]) => ({ actions, rolloutStrategy: { maxConcurrency, timeout } })),
    },
  };
}

const kind = (s: Sandbox, k: string) => s.store.types.kind(k);

/** The helper's wait, with this file's default time limit. */
const until = <T>(what: string, probe: () => T | undefined | false, ms = 20_000) => waitFor(what, probe, ms);

/** Resolves with the IBGU once its Progressing condition is False (every step finished). */
function finished(s: Sandbox, name: string): Promise<KubeObject> {
  return until(`IBGU ${name} to finish`, () => {
    const o = s.store.get(kind(s, 'ImageBasedGroupUpgrade'), NS, name);
    return o?.status?.conditions?.find((c: KubeObject) => c.type === 'Progressing')?.status === 'False' && o;
  });
}

function ibguLabels(s: Sandbox, cluster: string): string[] {
  const mc = s.store.get(kind(s, 'ManagedCluster'), undefined, cluster)!;
  return Object.keys(mc.metadata.labels).filter((k) => k.startsWith('lcm.openshift.io/')).sort();
}

function spokeIbu(s: Sandbox, cluster: string): KubeObject {
  const spoke = s.spoke(cluster)!;
  return spoke.store.get(spoke.types.kind('ImageBasedUpgrade'), undefined, 'upgrade')!;
}

const condition = (o: KubeObject, type: string) => o.status?.conditions?.find((c: KubeObject) => c.type === type);

describe('simulated TALM and LCA', { timeout: 120_000 }, () => {
  test('[[Prep],[Upgrade],[FinalizeUpgrade]]: batches by name, one CGU per step, labels added then cleared, IBUs back to Idle', async () => {
    const s = await sandbox('clusters: 5\ndurations: {prep: 20, upgrade: 30, finalize: 5}');
    // Track how many ManifestWorks exist at once: the batch size bounds it.
    const live = new Set<string>();
    let most = 0;
    const prepOrder: string[] = [];
    s.store.subscribe((e) => {
      if (e.resource.kind !== 'ManifestWork') return;
      const k = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
      if (e.type === 'ADDED') {
        live.add(k);
        if (e.object.metadata.name.includes('-prep-')) prepOrder.push(e.object.metadata.namespace);
      }
      if (e.type === 'DELETED') live.delete(k);
      most = Math.max(most, live.size);
    });
    let sawPrepCompletedLabel = false;
    s.store.subscribe((e) => {
      if (e.resource.kind === 'ManagedCluster' && 'lcm.openshift.io/ibgu-prep-completed' in (e.object.metadata.labels ?? {})) sawPrepCompletedLabel = true;
    });
    s.store.create(kind(s, 'ImageBasedGroupUpgrade'), NS, ibgu('up', [[['Prep'], 2, 240], [['Upgrade'], 5, 240], [['FinalizeUpgrade'], 5, 60]]));
    const done = await finished(s, 'up');

    assert.deepEqual(done.status.conditions.map((c: KubeObject) => [c.type, c.status, c.reason, c.message]), [['Progressing', 'False', 'Completed', 'All plan steps are completed']]);
    assert.equal(done.status.observedGeneration, 1);
    for (const c of done.status.clusters) assert.deepEqual(c.completedActions, [{ action: 'Prep' }, { action: 'Upgrade' }, { action: 'FinalizeUpgrade' }], c.name);
    assert.deepEqual(done.status.clusters.map((c: KubeObject) => c.name), ['sno-0001', 'sno-0002', 'sno-0003', 'sno-0004', 'sno-0005']);

    const cgus = s.store.list(kind(s, 'ClusterGroupUpgrade'), NS);
    assert.deepEqual(cgus.map((c) => c.metadata.name).sort(), ['up-finalizeupgrade-2', 'up-prep-0', 'up-upgrade-1']);
    const prep = cgus.find((c) => c.metadata.name === 'up-prep-0')!;
    assert.deepEqual(prep.status.remediationPlan, [['sno-0001', 'sno-0002'], ['sno-0003', 'sno-0004'], ['sno-0005']]);
    assert.equal(prep.status.computedMaxConcurrency, 2);
    assert.deepEqual(prep.spec.clusterLabelSelectors, [{ matchLabels: { common: 'true' } }]);
    assert.deepEqual(condition(prep, 'Succeeded'), { ...condition(prep, 'Succeeded'), status: 'True', reason: 'Completed', message: 'All manifestworks rolled out successfully on all clusters' });
    const upgrade = cgus.find((c) => c.metadata.name === 'up-upgrade-1')!;
    assert.deepEqual(upgrade.spec.clusterLabelSelectors, [{ matchLabels: { common: 'true', 'lcm.openshift.io/ibgu-prep-completed': '' } }]);
    assert.deepEqual(upgrade.spec.actions.beforeEnable, { addClusterAnnotations: { 'import.open-cluster-management.io/disable-auto-import': 'true' } });
    assert.equal(upgrade.metadata.labels.ibgu, 'up');
    assert.equal(upgrade.metadata.ownerReferences[0].kind, 'ImageBasedGroupUpgrade');

    assert.equal(most, 5, 'at most one batch of Prep (2) … the Upgrade batch of 5 at once');
    assert.deepEqual(prepOrder, ['sno-0001', 'sno-0002', 'sno-0003', 'sno-0004', 'sno-0005']);
    assert.equal(live.size, 0, 'no ManifestWork is left once the steps complete');
    const mwrs = s.store.list(kind(s, 'ManifestWorkReplicaSet'), NS).map((m) => m.metadata.name).sort();
    assert.deepEqual(mwrs, ['up-finalizeupgrade', 'up-prep', 'up-upgrade']);
    const prepTemplate = s.store.get(kind(s, 'ManifestWorkReplicaSet'), NS, 'up-prep')!;
    const manifests = prepTemplate.spec.manifestWorkTemplate.workload.manifests;
    assert.deepEqual(manifests.map((m: KubeObject) => m.kind), ['Secret', 'ClusterRole', 'ImageBasedUpgrade'], 'the pull secret, the role, the IBU');
    assert.equal(manifests[0].metadata.namespace, 'openshift-lifecycle-agent');
    assert.deepEqual(JSON.parse(prepTemplate.metadata.annotations['openshift-cluster-group-upgrades/expectedValues']), [{ manifestIndex: 2, name: 'isPrepCompleted', value: 'True' }]);

    assert.ok(sawPrepCompletedLabel, 'ibgu-prep-completed was set between the steps');
    for (let i = 1; i <= 5; i++) {
      const name = `sno-000${i}`;
      assert.deepEqual(ibguLabels(s, name), [], `${name}: FinalizeUpgrade clears every IBGU label`);
      assert.equal(s.store.get(kind(s, 'ManagedCluster'), undefined, name)!.metadata.annotations?.['import.open-cluster-management.io/disable-auto-import'], undefined);
      const ibu = spokeIbu(s, name);
      assert.equal(ibu.spec.stage, 'Idle');
      assert.deepEqual(ibu.spec.seedImageRef.version, '4.18.9');
      assert.deepEqual(ibu.status.conditions.map((c: KubeObject) => [c.type, c.status, c.reason]), [['Idle', 'True', 'Idle']]);
      assert.deepEqual(ibu.status.validNextStages, ['Prep']);
    }
  });

  test('failures are found by timeout and cleaned up by [AbortOnFailure], as in the upstream kuttl run', async () => {
    const s = await sandbox([
      'clusters: 3',
      'durations: {prep: 20, upgrade: 30, abort: 5, finalize: 5}',
      'faults:',
      '- {clusters: sno-0002, fault: Prep}',
      '- {clusters: sno-0003, fault: Upgrade}',
    ].join('\n'));
    s.store.create(kind(s, 'ImageBasedGroupUpgrade'), NS, ibgu('wave', [
      [['Prep'], 3, 60], [['AbortOnFailure'], 3, 30], [['Upgrade'], 3, 90], [['AbortOnFailure'], 3, 30], [['FinalizeUpgrade'], 3, 30],
    ]));
    // Between the steps: the failed clusters carry TALM's failed labels.
    await until('sno-0002 labelled prep-failed', () => ibguLabels(s, 'sno-0002').includes('lcm.openshift.io/ibgu-prep-failed'));
    const done = await finished(s, 'wave');
    const byName = Object.fromEntries(done.status.clusters.map((c: KubeObject) => [c.name, c]));
    assert.deepEqual(byName['sno-0001'], { name: 'sno-0001', completedActions: [{ action: 'Prep' }, { action: 'Upgrade' }, { action: 'FinalizeUpgrade' }] });
    // TALM's failure message is LCA's PrepCompleted message: the detailed one sits behind upstream's stray quote.
    assert.deepEqual(byName['sno-0002'], { name: 'sno-0002', completedActions: [{ action: 'AbortOnFailure' }], failedActions: [{ action: 'Prep', message: 'Prep failed' }] });
    assert.deepEqual(byName['sno-0003'], { name: 'sno-0003', completedActions: [{ action: 'Prep' }, { action: 'AbortOnFailure' }], failedActions: [{ action: 'Upgrade', message: 'Upgrade failed' }] });
    for (const c of ['sno-0001', 'sno-0002', 'sno-0003']) assert.deepEqual(ibguLabels(s, c), [], `${c}: no IBGU label left`);
    const prep = s.store.get(kind(s, 'ClusterGroupUpgrade'), NS, 'wave-prep-0')!;
    assert.deepEqual(condition(prep, 'Succeeded'), { ...condition(prep, 'Succeeded'), status: 'False', reason: 'TimedOut', message: 'Manifestwork rollout took too long' });
    const timedOut = prep.status.clusters.find((c: KubeObject) => c.name === 'sno-0002');
    assert.equal(timedOut.state, 'timedout');
    assert.equal(timedOut.currentManifestWork.name, 'wave-prep');
    // The spokes: the failed Prep's detail is on the IBU, and both failed clusters were aborted back to Idle.
    for (const c of ['sno-0002', 'sno-0003']) assert.equal(condition(spokeIbu(s, c), 'Idle').status, 'True', c);
    const abort = s.store.get(kind(s, 'ClusterGroupUpgrade'), NS, 'wave-abortonfailure-1')!;
    assert.deepEqual(abort.spec.clusterLabelSelectors, [
      { matchLabels: { common: 'true', 'lcm.openshift.io/ibgu-upgrade-failed': '' } },
      { matchLabels: { common: 'true', 'lcm.openshift.io/ibgu-prep-failed': '' } },
    ]);
    assert.deepEqual(abort.status.remediationPlan, [['sno-0002']]);
  });

  test('a stuck finalize (FinalizeFailed) stays until lca.openshift.io/manual-cleanup-done, which LCA removes before retrying', async () => {
    const s = await sandbox('clusters: 2\ndurations: {prep: 10, upgrade: 10, finalize: 5, cleanupRetry: 3}\nfaults:\n- {clusters: sno-0001, fault: Finalize, retriesFailing: 1}');
    s.store.create(kind(s, 'ImageBasedGroupUpgrade'), NS, ibgu('one', [[['Prep', 'Upgrade', 'FinalizeUpgrade'], 2, 120]]));
    const done = await finished(s, 'one');
    const stuck = done.status.clusters.find((c: KubeObject) => c.name === 'sno-0001');
    assert.equal(stuck.failedActions[0].action, 'FinalizeUpgrade');
    assert.match(stuck.failedActions[0].message, /^failed to delete the old stateroot .* Perform cleanup manually then add 'lca.openshift.io\/manual-cleanup-done' annotation to ibu CR to transition back to Idle$/);
    assert.equal(stuck.completedActions, undefined, 'a timed-out cluster shows only its failed action');
    // Labels are only ever added (until a cleanup action completes): the in-flight status had Prep and
    // Upgrade completed, so their labels stay beside the failed one although the final status lists neither.
    assert.deepEqual(ibguLabels(s, 'sno-0001'), ['lcm.openshift.io/ibgu-finalizeupgrade-failed', 'lcm.openshift.io/ibgu-prep-completed', 'lcm.openshift.io/ibgu-upgrade-completed']);
    assert.deepEqual(done.status.clusters.find((c: KubeObject) => c.name === 'sno-0002').completedActions.map((a: KubeObject) => a.action), ['Prep', 'Upgrade', 'FinalizeUpgrade']);

    const spoke = s.spoke('sno-0001')!;
    const ibuType = spoke.types.kind('ImageBasedUpgrade');
    assert.equal(condition(spokeIbu(s, 'sno-0001'), 'Idle').reason, 'FinalizeFailed');
    assert.deepEqual(spokeIbu(s, 'sno-0001').status.validNextStages, []);
    const annotate = () => {
      const ibu = spokeIbu(s, 'sno-0001');
      spoke.store.update(ibuType, undefined, 'upgrade', { ...ibu, metadata: { ...ibu.metadata, annotations: { 'lca.openshift.io/manual-cleanup-done': '' } } });
    };
    annotate();
    // The first retry fails again (retriesFailing: 1): annotation gone, still FinalizeFailed.
    await until('the annotation to be removed', () => !('lca.openshift.io/manual-cleanup-done' in (spokeIbu(s, 'sno-0001').metadata.annotations ?? {})));
    assert.equal(condition(spokeIbu(s, 'sno-0001'), 'Idle').reason, 'FinalizeFailed');
    annotate();
    await until('Idle after the second manual cleanup', () => condition(spokeIbu(s, 'sno-0001'), 'Idle').status === 'True');
    assert.deepEqual(spokeIbu(s, 'sno-0001').status.validNextStages, ['Prep']);
    assert.equal(spokeIbu(s, 'sno-0001').metadata.annotations?.['lca.openshift.io/manual-cleanup-done'], undefined);
  });

  test('OADP: Backups fail validation on an unavailable location (Upgrade fails), LVM volumes vanish when lost, survive otherwise', async () => {
    const s = await sandbox(readFileSync(path.join(repoRoot(), 'examples', 'sandbox', 'oadp-trouble.yaml'), 'utf8').replace('clusters: 4', 'clusters: 3\ndurations: {prep: 10, upgrade: 20}'));
    const cm = parse(readFileSync(path.join(repoRoot(), 'examples', 'oadp', 'rendered', 'oadp-cm.yaml'), 'utf8'));
    s.store.create(kind(s, 'ConfigMap'), 'openshift-adp', cm);
    s.store.create(kind(s, 'ImageBasedGroupUpgrade'), NS, ibgu('oadp', [[['Prep'], 3, 60], [['Upgrade'], 3, 60]], { oadp: true, selector: [{ 'upgrade-wave': '1' }] }));
    const done = await finished(s, 'oadp');
    const byName = Object.fromEntries(done.status.clusters.map((c: KubeObject) => [c.name, c]));
    assert.deepEqual(byName['sno-0002'].failedActions, [{ action: 'Upgrade', message: 'Upgrade failed' }]);
    assert.deepEqual(byName['sno-0001'].completedActions.map((a: KubeObject) => a.action), ['Prep', 'Upgrade']);
    const ibu2 = spokeIbu(s, 'sno-0002');
    assert.match(condition(ibu2, 'UpgradeInProgress').message, /^Failed backup CRs: /);
    const backupsOf = (c: string) => s.spoke(c)!.store.list(s.spoke(c)!.types.kind('Backup'), 'openshift-adp');
    assert.ok(backupsOf('sno-0002').length > 0);
    assert.ok(backupsOf('sno-0002').every((b) => b.status.phase === 'FailedValidation'));
    assert.ok(backupsOf('sno-0001').every((b) => b.status.phase === 'Completed'));
    assert.equal(s.spoke('sno-0001')!.store.list(s.spoke('sno-0001')!.types.kind('Restore'), 'openshift-adp').length, backupsOf('sno-0001').length);
    const lvs = (c: string) => s.spoke(c)!.store.list(s.spoke(c)!.types.kind('LogicalVolume')).length;
    assert.equal(lvs('sno-0001'), 2, 'the example ConfigMap backs up logicalvolumes.topolvm.io');
    assert.equal(lvs('sno-0003'), 0, 'LogicalVolumesLost');
    // The ConfigMap TALM copied at Prep is on the spoke.
    assert.ok(s.spoke('sno-0001')!.store.get(s.spoke('sno-0001')!.types.kind('ConfigMap'), 'openshift-adp', 'oadp-cm'));
  });

  test('Prep fails with LCA’s message when the OADP ConfigMap never reached the spoke', async () => {
    const s = await sandbox('clusters: 1\ndurations: {prep: 10}');
    s.store.create(kind(s, 'ImageBasedGroupUpgrade'), NS, ibgu('nocm', [[['Prep'], 1, 30]], { oadp: true }));
    const done = await finished(s, 'nocm');
    assert.deepEqual(done.status.clusters[0].failedActions, [{ action: 'Prep', message: 'Prep failed' }]);
    assert.equal(condition(spokeIbu(s, 'sno-0001'), 'PrepInProgress').message,
      'failed to validate IBU spec: failed to validate oadp configMap: OADP configmap not found, error: failed to get configMap configmaps "oadp-cm" not found. Please create the configmap.');
  });

  test('a step that selects nothing succeeds at once; no selectors stall the IBGU on its step; deleting an IBGU keeps the labels', async () => {
    const s = await sandbox('clusters: 2\ndurations: {prep: 10}');
    // Fresh clusters have no ibgu-prep-completed label: neither step selects any.
    s.store.create(kind(s, 'ImageBasedGroupUpgrade'), NS, ibgu('empty', [[['Upgrade'], 1, 30], [['FinalizeUpgrade'], 2, 60]]));
    const empty = await finished(s, 'empty');
    const first = s.store.get(kind(s, 'ClusterGroupUpgrade'), NS, 'empty-upgrade-0')!;
    assert.equal(condition(first, 'Succeeded').message, 'All clusters already compliant with the specified managed policies');
    assert.ok(s.store.get(kind(s, 'ClusterGroupUpgrade'), NS, 'empty-finalizeupgrade-1'), 'the next step started');
    assert.deepEqual(empty.status.clusters, []);

    s.store.create(kind(s, 'ImageBasedGroupUpgrade'), NS, ibgu('prep', [[['Prep'], 2, 60]]));
    const done = await finished(s, 'prep');
    assert.deepEqual(done.status.clusters.map((c: KubeObject) => c.completedActions), [[{ action: 'Prep' }], [{ action: 'Prep' }]]);

    const stalled = ibgu('stalled', [[['Prep'], 1, 30]]);
    stalled.spec.clusterLabelSelectors = [];
    s.store.create(kind(s, 'ImageBasedGroupUpgrade'), NS, stalled);
    const cgu = await until('the stalled CGU', () => s.store.get(kind(s, 'ClusterGroupUpgrade'), NS, 'stalled-prep-0')?.status?.conditions && s.store.get(kind(s, 'ClusterGroupUpgrade'), NS, 'stalled-prep-0'));
    assert.deepEqual(condition(cgu, 'ClustersSelected'), { ...condition(cgu, 'ClustersSelected'), status: 'False', reason: 'ClusterNotFound', message: 'Unable to select clusters: cannot obtain all the details about the clusters in the CR: no cluster specified for remediation' });
    const waiting = await until('the stalled IBGU status', () => s.store.get(kind(s, 'ImageBasedGroupUpgrade'), NS, 'stalled')?.status);
    assert.equal(waiting.conditions[0].message, 'Waiting for plan step 0 to be completed');

    assert.deepEqual(ibguLabels(s, 'sno-0001'), ['lcm.openshift.io/ibgu-prep-completed']);
    s.store.delete(kind(s, 'ImageBasedGroupUpgrade'), NS, 'prep');
    await until('the CGUs to be collected', () => !s.store.list(kind(s, 'ClusterGroupUpgrade'), NS).some((c) => c.metadata.labels.ibgu === 'prep'));
    assert.equal(s.store.get(kind(s, 'ManifestWorkReplicaSet'), NS, 'prep-prep'), undefined);
    assert.deepEqual(ibguLabels(s, 'sno-0001'), ['lcm.openshift.io/ibgu-prep-completed'], 'labels outlive the IBGU');
  });

  test('paused controllers do nothing and let no simulated time pass; resumed, they carry on', async () => {
    const s = await sandbox('clusters: 1\ndurations: {prep: 10}');
    s.controllers!.pause();
    s.store.create(kind(s, 'ImageBasedGroupUpgrade'), NS, ibgu('later', [[['Prep'], 1, 30]]));
    await new Promise((r) => setTimeout(r, 400)); // 40 simulated minutes, were the clock running
    assert.equal(s.store.list(kind(s, 'ClusterGroupUpgrade'), NS).length, 0);
    assert.equal(s.store.get(kind(s, 'ImageBasedGroupUpgrade'), NS, 'later')!.status, undefined);
    s.controllers!.resume();
    const done = await finished(s, 'later');
    assert.deepEqual(done.status.clusters[0].completedActions, [{ action: 'Prep' }]);
  });
});
