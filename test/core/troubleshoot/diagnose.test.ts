/**
 * diagnoseCluster over objects shaped as the sandbox spokes hold them (and as a real cluster returns them).
 * Expectations come from the troubleshooting guide's sections, written by hand per case.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnoseCluster, diagnoseMarkdown, type DiagnoseFinding, type DiagnoseInput } from '../../../src/core/troubleshoot/index';
import { keepReportMarkup } from '../../../src/extension/views/report-html';
import { HOSTILE } from '../../helpers/hostile';
import { hrefsOf, renderMarkdown, tagsOf, textOf } from '../../helpers/markdown';

const cond = (type: string, status: string, reason: string, message = '') => ({ type, status, reason, message, lastTransitionTime: '2025-01-01T00:00:00Z', observedGeneration: 3 });
const IDLE_IBU = { apiVersion: 'lca.openshift.io/v1', kind: 'ImageBasedUpgrade', metadata: { name: 'upgrade' }, spec: { stage: 'Idle' }, status: { conditions: [cond('Idle', 'True', 'Idle', 'Idle')], validNextStages: ['Prep'] } };
const UPGRADED_IBU = {
  ...IDLE_IBU, spec: { stage: 'Upgrade' },
  status: {
    conditions: [cond('Idle', 'False', 'InProgress', 'In progress'), cond('PrepInProgress', 'False', 'Completed', 'Prep completed'), cond('PrepCompleted', 'True', 'Completed', 'Prep stage completed successfully'), cond('UpgradeInProgress', 'False', 'Completed', 'Upgrade completed'), cond('UpgradeCompleted', 'True', 'Completed', 'Upgrade completed')],
    validNextStages: ['Idle', 'Rollback'],
  },
};
const bsl = (phase: string, message?: string) => ({ apiVersion: 'velero.io/v1', kind: 'BackupStorageLocation', metadata: { name: 'default', namespace: 'openshift-adp' }, spec: { provider: 'aws', default: true }, status: { phase, ...(message ? { message } : {}) } });
const pv = (name: string, claim: string, handle: string) => ({
  apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name },
  spec: { storageClassName: 'lvms-vg1', capacity: { storage: '10Gi' }, claimRef: { kind: 'PersistentVolumeClaim', namespace: 'site-metrics', name: claim }, csi: { driver: 'topolvm.io', volumeHandle: handle } },
  status: { phase: 'Bound' },
});
const lv = (name: string, volumeID: string) => ({ apiVersion: 'topolvm.io/v1', kind: 'LogicalVolume', metadata: { name }, spec: { name, deviceClass: 'vg1' }, status: { volumeID } });
const mc = (labels: Record<string, string>) => ({ metadata: { name: 'sno-0003', labels: { name: 'sno-0003', ...labels } } });
/** What a reader sees of some Markdown: its rendered text, blanks folded. */
const shown = (markdown: string) => textOf(renderMarkdown(markdown)).replace(/\s+/g, ' ');
const ids = (f: DiagnoseFinding[]) => f.map((x) => x.id);
const get = (f: DiagnoseFinding[], id: string) => {
  const found = f.find((x) => x.id === id);
  assert.ok(found, `expected a ${id} finding, got ${ids(f).join(', ')}`);
  return found!;
};

describe('diagnoseCluster', () => {
  test('a healthy Idle cluster: one ok finding', () => {
    const f = diagnoseCluster({ cluster: 'sno-0001', ibu: IDLE_IBU, bsls: [bsl('Available')], backups: [], restores: [], pvs: [pv('pvc-a', 'postgres-data', 'h1')], logicalVolumes: [lv('pvc-a', 'h1')], events: [], managedCluster: mc({}) });
    assert.deepEqual(ids(f), ['ok']);
    assert.equal(f[0].severity, 'ok');
  });

  test('AbortFailed: the cleanup finding quotes LCA\'s message and offers the retry', () => {
    const message = "failed to delete all the backup CRs. Perform cleanup manually then add 'lca.openshift.io/manual-cleanup-done' annotation to ibu CR to transition back to Idle";
    const ibu = { ...IDLE_IBU, status: { conditions: [cond('PrepCompleted', 'True', 'Completed'), cond('Idle', 'False', 'AbortFailed', message)], validNextStages: [] } };
    const f = diagnoseCluster({ cluster: 'sno-0001', ibu });
    const cleanup = get(f, 'ibu-cleanup-failed');
    assert.equal(cleanup.severity, 'error');
    assert.ok(shown(cleanup.detail).includes(message));
    assert.deepEqual(cleanup.fix, { label: 'Retry cleanup', command: 'ibgu.retryCleanup', doc: 'AbortFailed or FinalizeFailed error' });
    assert.ok(!ids(f).includes('ibu-in-progress'), 'a stuck cleanup is not reported as work in progress');
  });

  test('BSL Unavailable with its message; failed Backup with Velero\'s validation errors; Upgrade failed', () => {
    const bslMessage = 'BackupStorageLocation "default" is unavailable: rpc error: code = Unknown desc = NoSuchBucket: The specified bucket does not exist';
    const validation = "backup can't be created because BackupStorageLocation default is in Unavailable status.";
    const ibu = { ...IDLE_IBU, spec: { stage: 'Upgrade' }, status: { conditions: [cond('Idle', 'False', 'InProgress'), cond('PrepCompleted', 'True', 'Completed'), cond('UpgradeCompleted', 'False', 'Failed', 'Upgrade failed'), cond('UpgradeInProgress', 'False', 'Failed', 'Failed backup CRs: acm-klusterlet,lvmcluster')] } };
    const backups = [
      { apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { name: 'acm-klusterlet', namespace: 'openshift-adp' }, spec: {}, status: { phase: 'FailedValidation', validationErrors: [validation] } },
      { apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { name: 'site-metrics', namespace: 'openshift-adp' }, spec: {}, status: { phase: 'Completed' } },
      { apiVersion: 'velero.io/v1', kind: 'Backup', metadata: { name: 'apps-partial', namespace: 'openshift-adp' }, spec: {}, status: { phase: 'PartiallyFailed', failureReason: 'error getting backup store', errors: 2 } },
    ];
    const f = diagnoseCluster({ cluster: 'sno-0002', ibu, bsls: [bsl('Unavailable', bslMessage)], backups, restores: [] });
    assert.deepEqual(ids(f), ['ibu-failed', 'bsl-unavailable', 'backup-failed']);
    const failed = get(f, 'ibu-failed');
    assert.match(failed.title, /Upgrade failed/);
    assert.ok(shown(failed.detail).includes('Failed backup CRs: acm-klusterlet,lvmcluster'));
    assert.equal(failed.fix?.command, 'ibgu.planRecovery');
    const b = get(f, 'bsl-unavailable');
    assert.ok(shown(b.detail).includes(bslMessage));
    assert.match(b.title, /default is Unavailable/);
    const backup = get(f, 'backup-failed');
    assert.ok(shown(backup.detail).includes(validation));
    assert.ok(backup.detail.includes('acm-klusterlet') && backup.detail.includes('FailedValidation'));
    assert.ok(backup.detail.includes('apps-partial') && backup.detail.includes('error getting backup store'));
    assert.ok(!backup.detail.includes('`site-metrics`'), 'a Completed Backup is not listed');
    assert.equal(backup.fix?.doc, 'Debugging failed Backup and Restore CRs');
  });

  test('LVM volumes lost after the pivot: names the PVs without a logicalvolume, the Backups without them, and the VolumeID event', () => {
    const backups = [
      { metadata: { name: 'acm-klusterlet', namespace: 'openshift-adp' }, spec: { includedClusterScopedResources: ['klusterlets.operator.open-cluster-management.io'] }, status: { phase: 'Completed' } },
      { metadata: { name: 'site-metrics', namespace: 'openshift-adp' }, spec: { includedClusterScopedResources: ['persistentVolumes'] }, status: { phase: 'Completed' } },
    ];
    const restores = [{ metadata: { name: 'site-metrics', namespace: 'openshift-adp' }, spec: { backupName: 'site-metrics' }, status: { phase: 'Completed' } }];
    const event = {
      apiVersion: 'v1', kind: 'Event', metadata: { name: 'postgres-0.1a2b', namespace: 'site-metrics' },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: 'site-metrics', name: 'postgres-0' },
      reason: 'FailedMount', type: 'Warning', source: { component: 'kubelet', host: 'sno-0003' },
      message: 'MountVolume.SetUp failed for volume "pvc-sno-0003-postgres-data" : rpc error: code = Unknown desc = VolumeID is not found', count: 7,
    };
    const normal = { ...event, metadata: { name: 'x', namespace: 'site-metrics' }, reason: 'Scheduled', type: 'Normal', message: 'Successfully assigned site-metrics/postgres-0 to sno-0003' };
    const f = diagnoseCluster({
      cluster: 'sno-0003', ibu: UPGRADED_IBU, bsls: [bsl('Available')], backups, restores,
      pvs: [pv('pvc-sno-0003-postgres-data', 'postgres-data', 'u1'), pv('pvc-sno-0003-search-index', 'search-index', 'u2'), { metadata: { name: 'pvc-nfs' }, spec: { storageClassName: 'nfs' } }, pv('pvc-kept', 'kept', 'u3')],
      pvcs: [], logicalVolumes: [lv('pvc-kept', 'u3')], events: [normal, event],
      managedCluster: mc({ 'lcm.openshift.io/ibgu-prep-completed': '', 'lcm.openshift.io/ibgu-upgrade-completed': '' }),
    });
    assert.deepEqual(ids(f), ['lvm-volumes-missing', 'volumeid-not-found']);
    const lvm = get(f, 'lvm-volumes-missing');
    assert.match(lvm.title, /^2 LVM Storage volumes/);
    for (const s of ['`pvc-sno-0003-postgres-data`', '`pvc-sno-0003-search-index`', '`site-metrics/postgres-data`', 'logicalvolumes.topolvm.io', 'restorePVs: true', 'restoreStatus.includedResources: [logicalvolumes]', '`acm-klusterlet`, `site-metrics`']) assert.ok(lvm.detail.includes(s), `${s} in\n${lvm.detail}`);
    assert.ok(!lvm.detail.includes('pvc-nfs') && !lvm.detail.includes('pvc-kept'));
    assert.equal(lvm.fix?.doc, 'Missing LVM Storage-related fields in Backup CR');
    const ev = get(f, 'volumeid-not-found');
    assert.ok(ev.detail.includes('Pod `site-metrics/postgres-0`'));
    assert.ok(ev.detail.includes('FailedMount') && ev.detail.includes('kubelet') && ev.detail.includes('(x7)'));
    assert.ok(ev.detail.includes('VolumeID is not found'));
    assert.ok(!ev.detail.includes('Successfully assigned'));
  });

  test('a PV matched through the CSI volume handle has its logicalvolume', () => {
    const f = diagnoseCluster({ cluster: 'c', ibu: IDLE_IBU, pvs: [pv('pvc-x', 'x', 'lv-uuid-1')], logicalVolumes: [lv('other-name', 'lv-uuid-1')] });
    assert.deepEqual(ids(f), ['ok']);
  });

  test('extra-manifest warning annotation and labels out of date', () => {
    const warning = 'ConfigMap[site-config] - namespace site not found on cluster or not added in configmap in right order';
    const ibu = { ...IDLE_IBU, metadata: { name: 'upgrade', annotations: { 'extra-manifest.lca.openshift.io/validation-warning': warning } } };
    const f = diagnoseCluster({ cluster: 'sno-0003', ibu, managedCluster: mc({ 'lcm.openshift.io/ibgu-prep-failed': '' }), ibguStatus: { name: 'sno-0003', failedActions: [{ action: 'Prep', message: 'Prep failed' }] } });
    assert.deepEqual(ids(f), ['extra-manifest-warning', 'labels-out-of-date']);
    assert.ok(shown(get(f, 'extra-manifest-warning').detail).includes(warning));
    const labels = get(f, 'labels-out-of-date');
    assert.ok(labels.detail.includes('`lcm.openshift.io/ibgu-prep-failed`'));
    assert.match(shown(labels.detail), /remove lcm\.openshift\.io\/ibgu-prep-failed/);
    assert.equal(labels.fix?.command, 'ibgu.repairLabels');
  });

  test('spoke unreachable: says why, then judges the labels from the IBGU status only', () => {
    const f = diagnoseCluster({ cluster: 'sno-0009', unreachable: 'connect ECONNREFUSED 10.0.0.9:6443', managedCluster: { metadata: { name: 'sno-0009', labels: {} } }, ibguStatus: { name: 'sno-0009', completedActions: [{ action: 'Prep' }] } });
    assert.deepEqual(ids(f), ['spoke-unreachable', 'labels-out-of-date']);
    assert.ok(shown(f[0].detail).includes('connect ECONNREFUSED 10.0.0.9:6443'));
    assert.match(shown(f[1].detail), /add lcm\.openshift\.io\/ibgu-prep-completed/);
  });

  test('an IBU still working is information, not a problem', () => {
    const ibu = { ...IDLE_IBU, spec: { stage: 'Prep' }, status: { conditions: [cond('Idle', 'False', 'InProgress'), cond('PrepInProgress', 'True', 'InProgress', 'Stateroot setup job in progress. job-name: lca-prep-stateroot-setup, job-namespace: openshift-lifecycle-agent')] } };
    const f = diagnoseCluster({ cluster: 'c', ibu });
    assert.deepEqual(f.map((x) => [x.id, x.severity]), [['ibu-in-progress', 'info'], ['ok', 'ok']]);
    assert.ok(f[0].detail.includes('Stateroot setup job in progress'));
  });
});

describe('diagnoseMarkdown', () => {
  const findings: DiagnoseFinding[] = [
    { id: 'ibu-cleanup-failed', severity: 'error', title: 'IBU cleanup failed (AbortFailed)', detail: 'detail one', fix: { label: 'Retry cleanup', command: 'ibgu.retryCleanup', doc: 'AbortFailed or FinalizeFailed error' } },
    { id: 'lvm-volumes-missing', severity: 'warning', title: 'a | b', detail: 'detail two', fix: { label: 'Open the guide', command: 'openDocs', doc: 'Missing LVM Storage-related fields in Backup CR' } },
  ];

  test('title, cluster, a row per finding, details, and the fixes named with their guide sections', () => {
    const md = diagnoseMarkdown('sno-0003', 'sandbox', findings, new Date('2025-05-01T10:00:00Z'));
    assert.match(md, /^# Diagnosis of sno-0003\n/);
    assert.ok(md.includes('`sandbox`') && md.includes('2025-05-01T10:00:00.000Z'));
    assert.ok(md.includes('| **Error** | IBU cleanup failed (AbortFailed) |'));
    assert.ok(md.includes('| **Warning** | a \\| b |'), 'pipes in a title do not break the table');
    assert.ok(md.includes('detail one') && md.includes('detail two'));
    assert.ok(md.includes('**Fix:** Retry cleanup (guide: *AbortFailed or FinalizeFailed error*)'), md);
    assert.ok(md.includes('see the guide: *Missing LVM Storage-related fields in Backup CR*'), md);
    assert.ok(!md.includes('command:'), 'no link without the extension\'s destinations');
  });

  test("a fix links to the destination the caller gives for its finding, and openDocs fixes never link", () => {
    const asked: number[] = [];
    const md = diagnoseMarkdown('sno-0003', 'sandbox', findings, new Date('2025-05-01T10:00:00Z'), (i) => {
      asked.push(i);
      return `command:ibgu.followReportLink?%5B%22k%22%2C${i}%5D`;
    });
    assert.deepEqual(asked, [0]);
    assert.ok(md.includes('**Fix:** [Retry cleanup](command:ibgu.followReportLink?%5B%22k%22%2C0%5D) (guide: *AbortFailed or FinalizeFailed error*)'), md);
    assert.equal(md.match(/command:/g)?.length, 1);
  });
});

describe('hostile cluster text in the report', () => {
  /** Every string the report takes from the cluster or the hub set to `x`. */
  function everything(x: string): DiagnoseInput {
    const named = (extra: object = {}) => ({ metadata: { name: x, namespace: x, ...extra } });
    return {
      cluster: x,
      ibu: {
        ...named({ annotations: { 'extra-manifest.lca.openshift.io/validation-warning': x } }),
        spec: { stage: x },
        status: { conditions: [cond('Idle', 'False', 'AbortFailed', x), cond('PrepCompleted', 'False', 'Failed', x), cond('PrepInProgress', 'False', 'Failed', x), cond(x, x, 'InvalidTransition', x)] },
      },
      bsls: [{ ...named(), status: { phase: x, message: x } }],
      backups: [{ ...named(), status: { phase: 'Failed', validationErrors: [x], failureReason: x, errors: 2 } }],
      restores: [{ ...named(), status: { phase: 'PartiallyFailed', validationErrors: [x], failureReason: x } }],
      pvs: [{ ...named(), spec: { storageClassName: 'lvms-vg1', claimRef: { namespace: x, name: x }, csi: { driver: 'topolvm.io', volumeHandle: x } } }],
      logicalVolumes: [],
      events: [{ ...named(), involvedObject: { kind: x, namespace: x, name: x }, type: x, reason: x, source: { component: x }, message: `VolumeID is not found ${x}`, count: 3 }],
      managedCluster: { metadata: { name: x, labels: { 'lcm.openshift.io/ibgu-upgrade-completed': '', [`lcm.openshift.io/ibgu-${x}-failed`]: x } } },
      ibguStatus: { name: x, failedActions: [{ action: 'Prep', message: x }], completedActions: [{ action: x }] },
    };
  }
  /** The tags a report is made of: anything else came from the cluster. */
  const REPORT_TAGS = ['a', 'blockquote', 'code', 'em', 'h1', 'h2', 'li', 'p', 'strong', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul'];
  const payloads: [string, string][] = [...Object.entries(HOSTILE), ['all at once', Object.values(HOSTILE).join('\n')]];

  for (const [name, x] of payloads) {
    test(`no finding, and nothing in the report around them, is markup from the cluster: ${name}`, () => {
      for (const input of [everything(x), { ...everything(x), unreachable: x }]) {
        const findings = diagnoseCluster(input);
        for (const f of findings) {
          for (const engine of ['vscode', 'strict'] as const) {
            const html = renderMarkdown(`## ${f.title}\n\n${f.detail}`, engine);
            assert.deepEqual(hrefsOf(html), [], `${engine}: a link in ${f.id}: ${html}`);
            assert.deepEqual(tagsOf(html).filter((t) => !REPORT_TAGS.includes(t)), [], `${engine}: markup from the cluster in ${f.id}: ${html}`);
            assert.equal(html.match(/<h2>/g)?.length, 1, `${f.id}: one heading`);
          }
        }
        const links: string[] = [];
        const md = diagnoseMarkdown(x, x, findings, new Date('2025-05-01T10:00:00Z'), (i) => {
          links.push(`command:ibgu.followReportLink?%5B%22k%22%2C${i}%5D`);
          return links.at(-1);
        });
        assert.ok(links.length > 0, 'some fix is a link');
        for (const engine of ['vscode', 'strict'] as const) {
          const html = renderMarkdown(md, engine);
          assert.deepEqual(hrefsOf(html), links, `${engine}: a link other than the fixes'`);
          assert.deepEqual(tagsOf(html).filter((t) => !REPORT_TAGS.includes(t)), [], `${engine}: markup from the cluster`);
          assert.equal(html.match(/<h1>/g)?.length, 1, 'one title');
          assert.equal(html.match(/<h2>/g)?.length, findings.length, 'a heading per finding');
          assert.equal(html.match(/<table>/g)?.length, 1, 'one table');
          assert.equal(html.match(/<tr>/g)?.length, findings.length + 1, 'a row per finding');
          assert.equal(keepReportMarkup(html, new Set(links)), html, 'the renderer\'s check keeps all of it');
        }
        if (x.includes('[Collect the logs]')) assert.ok(shown(md).includes('[Collect the logs](command:ibgu.collectMustGather?'), 'the planted link is shown as text');
      }
    });
  }
});

describe('diagnoseCluster: no label repair while TALM runs the cluster\'s step', () => {
  const failedUpgrade = { metadata: { name: 'upgrade' }, spec: { stage: 'Upgrade' }, status: { conditions: [
    { type: 'Idle', status: 'False', reason: 'InProgress', message: 'In progress' },
    { type: 'PrepCompleted', status: 'True', reason: 'Completed', message: 'Prep stage completed successfully' },
    { type: 'UpgradeInProgress', status: 'False', reason: 'Failed', message: 'failed to pull seed image' },
    { type: 'UpgradeCompleted', status: 'False', reason: 'Failed', message: 'Upgrade failed' },
  ] } };
  const mcLabels = { metadata: { name: 'sno-0001', labels: { name: 'sno-0001', 'lcm.openshift.io/ibgu-prep-completed': '' } } };
  const entry = { name: 'sno-0001', completedActions: [{ action: 'Prep' }], currentAction: { action: 'Upgrade' } };
  const cgu = { metadata: { name: 'wave1-upgrade-1', namespace: 'ztp', labels: { ibgu: 'wave1' } }, spec: { manifestWorkTemplates: ['wave1-upgrade'] }, status: { remediationPlan: [['sno-0001']], conditions: [{ type: 'Progressing', status: 'True' }] } };
  const ibgus = [{ metadata: { name: 'wave1', namespace: 'ztp' }, status: { clusters: [entry] } }];

  test('running step: an info finding saying so, no repair (TALM writes upgrade-failed itself at the timeout)', () => {
    const f = diagnoseCluster({ cluster: 'sno-0001', ibu: failedUpgrade, managedCluster: mcLabels, ibguStatus: entry, talm: { ibgus, cgus: [cgu] } });
    assert.ok(!f.some((x) => x.id === 'labels-out-of-date'));
    const info = f.find((x) => x.id === 'labels-talm-running')!;
    assert.equal(info.severity, 'info');
    assert.equal(info.fix, undefined);
    assert.match(shown(info.detail), /TALM is still running step 2 \(Upgrade\) of IBGU wave1 for this cluster; its labels will be written at the step's end\./);
    // The same with only the IBGU status entry (its currentAction).
    assert.ok(diagnoseCluster({ cluster: 'sno-0001', ibu: failedUpgrade, managedCluster: mcLabels, ibguStatus: entry }).some((x) => x.id === 'labels-talm-running'));
  });

  test('step finished (CGU Succeeded): the repair is offered', () => {
    const done = { ...cgu, status: { ...cgu.status, conditions: [{ type: 'Succeeded', status: 'False', reason: 'TimedOut' }] } };
    const after = { name: 'sno-0001', completedActions: [{ action: 'Prep' }] };
    const f = diagnoseCluster({ cluster: 'sno-0001', ibu: failedUpgrade, managedCluster: mcLabels, ibguStatus: after, talm: { ibgus: [{ ...ibgus[0], status: { clusters: [after] } }], cgus: [done] } });
    assert.equal(f.find((x) => x.id === 'labels-out-of-date')?.fix?.command, 'ibgu.repairLabels');
  });
});

