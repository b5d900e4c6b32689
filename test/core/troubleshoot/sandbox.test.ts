/**
 * The troubleshooting core against the real sandbox: an IBGU runs Prep and Upgrade under the oadp-trouble
 * scenario (sno-0002's backup location is unavailable, sno-0003 loses its LVM volumes at the pivot), then
 * diagnoseCluster reads what the spokes hold. Expectations follow the guide and the scenario file's comments.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { parseScenario, startSandbox, type KubeObject, type Sandbox } from '../../../src/sandbox';
import { diagnoseCluster, planRecovery, type DiagnoseInput } from '../../../src/core/troubleshoot/index';
import { repoRoot } from '../../helpers/fixtures';
import { waitFor } from '../../helpers/wait';
import { renderMarkdown, textOf } from '../../helpers/markdown';

/** What a reader sees of some Markdown: its rendered text, blanks folded. */
const shown = (markdown: string) => textOf(renderMarkdown(markdown)).replace(/\s+/g, ' ');

const NS = 'ztp-upgrades';
const started: Sandbox[] = [];
after(async () => {
  await Promise.all(started.map((s) => s.stop()));
});

/** The helper's wait, with this file's default time limit. */
const until = <T>(what: string, probe: () => T | undefined | false, ms = 30_000) => waitFor(what, probe, ms);

/** What the Diagnose command reads: the spoke's objects and the hub's view of the cluster. */
function inputFor(s: Sandbox, cluster: string, ibgu: KubeObject): DiagnoseInput {
  const spoke = s.spoke(cluster)!;
  const all = (kind: string, ns?: string) => spoke.store.list(spoke.types.kind(kind), ns);
  return {
    cluster,
    ibu: spoke.store.get(spoke.types.kind('ImageBasedUpgrade'), undefined, 'upgrade'),
    bsls: all('BackupStorageLocation', 'openshift-adp'),
    backups: all('Backup', 'openshift-adp'),
    restores: all('Restore', 'openshift-adp'),
    pvs: all('PersistentVolume'),
    pvcs: all('PersistentVolumeClaim'),
    logicalVolumes: all('LogicalVolume'),
    events: all('Event'),
    managedCluster: s.store.get(s.store.types.kind('ManagedCluster'), undefined, cluster),
    ibguStatus: ibgu.status.clusters.find((c: KubeObject) => c.name === cluster),
  };
}

describe('troubleshooting the sandbox', { timeout: 120_000 }, () => {
  test('oadp-trouble: LVM volumes lost on sno-0003, backups failing on sno-0002, sno-0001 fine; AbortOnFailure recovers sno-0002', async () => {
    const scenario = readFileSync(path.join(repoRoot(), 'examples', 'sandbox', 'oadp-trouble.yaml'), 'utf8').replace('clusters: 4', 'clusters: 3\ndurations: {prep: 10, upgrade: 20, abort: 4}');
    const s = await startSandbox({ scenario: parseScenario(scenario), timeScale: 0.01 });
    started.push(s);
    const kind = (k: string) => s.store.types.kind(k);
    s.store.create(kind('ConfigMap'), 'openshift-adp', parse(readFileSync(path.join(repoRoot(), 'examples', 'oadp', 'rendered', 'oadp-cm.yaml'), 'utf8')));

    const spoke3 = s.spoke('sno-0003')!;
    const pvBefore = spoke3.store.get(spoke3.types.kind('PersistentVolume'), undefined, 'pvc-sno-0003-postgres-data')!;
    assert.equal(pvBefore.spec.storageClassName, 'lvms-vg1');
    assert.equal(pvBefore.spec.csi.driver, 'topolvm.io');
    assert.equal(spoke3.store.get(spoke3.types.kind('PersistentVolumeClaim'), 'site-metrics', 'postgres-data')!.spec.volumeName, 'pvc-sno-0003-postgres-data');
    assert.equal(diagnoseCluster({ cluster: 'sno-0003', ibu: undefined, pvs: spoke3.store.list(spoke3.types.kind('PersistentVolume')), logicalVolumes: spoke3.store.list(spoke3.types.kind('LogicalVolume')) }).some((f) => f.id === 'lvm-volumes-missing'), false, 'before the upgrade every PV has its logicalvolume');

    s.store.create(kind('ImageBasedGroupUpgrade'), NS, {
      metadata: { name: 'wave1', namespace: NS },
      spec: {
        clusterLabelSelectors: [{ matchLabels: { 'upgrade-wave': '1' } }],
        ibuSpec: { seedImageRef: { image: 'registry.hub.example.com:8443/ibu/seed:4.18.9', version: '4.18.9', pullSecretRef: { name: 'seed-pull-secret' } }, oadpContent: [{ name: 'oadp-cm', namespace: 'openshift-adp' }] },
        plan: [{ actions: ['Prep'], rolloutStrategy: { maxConcurrency: 3, timeout: 60 } }, { actions: ['Upgrade'], rolloutStrategy: { maxConcurrency: 3, timeout: 60 } }],
      },
    });
    const finished = (generation: number) => until('the IBGU to finish', () => {
      const o = s.store.get(kind('ImageBasedGroupUpgrade'), NS, 'wave1');
      return o?.status?.observedGeneration === generation && o.status.conditions?.find((c: KubeObject) => c.type === 'Progressing')?.status === 'False' && o;
    });
    const ibgu = await finished(1);

    // sno-0003: the PVs and claims came back (new uids, as Velero recreates them), the logicalvolumes did not.
    const f3 = diagnoseCluster(inputFor(s, 'sno-0003', ibgu));
    const pvAfter = spoke3.store.get(spoke3.types.kind('PersistentVolume'), undefined, 'pvc-sno-0003-postgres-data')!;
    assert.notEqual(pvAfter.metadata.uid, pvBefore.metadata.uid);
    assert.equal(pvAfter.spec.csi.volumeHandle, pvBefore.spec.csi.volumeHandle);
    assert.deepEqual(f3.map((f) => f.id), ['lvm-volumes-missing', 'volumeid-not-found']);
    const lvm = f3[0];
    for (const name of ['pvc-sno-0003-postgres-data', 'pvc-sno-0003-search-index']) assert.ok(lvm.detail.includes(`\`${name}\``), lvm.detail);
    assert.ok(lvm.detail.includes('`site-metrics/postgres-data`'));
    const events = f3[1];
    assert.ok(shown(events.detail).includes('MountVolume.SetUp failed for volume "pvc-sno-0003-postgres-data" : rpc error: code = Unknown desc = VolumeID is not found'), events.detail);
    assert.ok(events.detail.includes('Pod `site-metrics/'));
    assert.ok(events.detail.includes('kubelet'));

    // sno-0002: Velero refused the Backups because the location is unavailable, so the Upgrade failed before the pivot.
    const f2 = diagnoseCluster(inputFor(s, 'sno-0002', ibgu));
    assert.deepEqual(f2.map((f) => f.id), ['ibu-failed', 'bsl-unavailable', 'backup-failed']);
    assert.ok(shown(f2[0].detail).includes('Failed backup CRs: '));
    assert.ok(shown(f2[1].detail).includes('NoSuchBucket'));
    assert.ok(shown(f2[2].detail).includes("backup can't be created because BackupStorageLocation default is in Unavailable status."));

    // sno-0001: the example ConfigMap backs up logicalvolumes, and TALM's labels match the IBU.
    assert.deepEqual(diagnoseCluster(inputFor(s, 'sno-0001', ibgu)).map((f) => f.id), ['ok']);

    // The recovery for sno-0002, applied as proposed: AbortOnFailure takes it back to Idle.
    const proposals = planRecovery(ibgu as never, s.store.list(kind('ManagedCluster')) as never);
    assert.deepEqual(proposals.map((p) => p.id), ['append-abort-on-failure', 'new-ibgu-abort']);
    assert.deepEqual(proposals[0].selects, ['sno-0002']);
    const current = s.store.get(kind('ImageBasedGroupUpgrade'), NS, 'wave1')!;
    s.store.update(kind('ImageBasedGroupUpgrade'), NS, 'wave1', { ...current, spec: { ...current.spec, plan: [...current.spec.plan, proposals[0].step] } });
    const recovered = await finished(2);
    const spoke2 = s.spoke('sno-0002')!;
    const ibu2 = spoke2.store.get(spoke2.types.kind('ImageBasedUpgrade'), undefined, 'upgrade')!;
    assert.equal(ibu2.status.conditions.find((c: KubeObject) => c.type === 'Idle').status, 'True');
    assert.deepEqual(recovered.status.clusters.find((c: KubeObject) => c.name === 'sno-0002').completedActions.map((a: KubeObject) => a.action), ['Prep', 'AbortOnFailure']);
    // Back in Idle, with the labels TALM cleared: only the storage location is still wrong.
    assert.deepEqual(diagnoseCluster(inputFor(s, 'sno-0002', recovered)).map((f) => f.id), ['bsl-unavailable']);
  });
});
