import { IBGU_ACTIONS, type IbguAction } from '../schema/talm';
import { stageLabel } from '../talm/wire';

/**
 * What TALM and LCA do with the things hover and completion talk about: actions, stage labels,
 * annotations and the LVM Storage entries of Backups and Restores. Plain data, so that hover and
 * completion say the same thing.
 */

export interface ActionInfo {
  /** What the action makes LCA do on each cluster. */
  does: string;
  /** The IBU stage TALM sends. */
  stage: 'Prep' | 'Upgrade' | 'Rollback' | 'Idle';
  /** Which clusters a step selects when this is its first action. */
  selects: string;
  /** Labels the action leaves on the ManagedCluster. */
  leaves: string;
}

const removesAll = (action: string) =>
  `When it completes, TALM removes every \`lcm.openshift.io/ibgu-*-completed\` and \`-failed\` label from the cluster; if it fails, the cluster gets \`${stageLabel(action, 'failed')}\`.`;
const completesOrFails = (action: string) => `\`${stageLabel(action, 'completed')}\` on success, \`${stageLabel(action, 'failed')}\` on failure.`;

export const ACTIONS: Record<IbguAction, ActionInfo> = {
  Prep: {
    does: 'Sets the ImageBasedUpgrade to stage Prep. LCA checks the spec first (the seed must be newer than the running version; OADP and extra-manifest ConfigMaps must be valid), then unpacks the seed image into a new stateroot and pre-pulls its images. TALM sends the `oadpContent` ConfigMaps and the seed pull secret along with this action.',
    stage: 'Prep',
    selects: 'No label requirement: every cluster that `clusterLabelSelectors` matches.',
    leaves: completesOrFails('Prep'),
  },
  Upgrade: {
    does: 'Sets the ImageBasedUpgrade to stage Upgrade. LCA backs up application data with the OADP Backups, switches the cluster to the new stateroot and reboots it, then restores the data with the Restores. While the step runs, TALM turns off ACM auto-import for the cluster (`import.open-cluster-management.io/disable-auto-import`).',
    stage: 'Upgrade',
    selects: `Only clusters labelled \`${stageLabel('Prep', 'completed')}\`.`,
    leaves: completesOrFails('Upgrade'),
  },
  FinalizeUpgrade: {
    does: 'Returns the ImageBasedUpgrade to Idle after a successful upgrade. LCA deletes the old stateroot and its own Backups, so the cluster can no longer roll back.',
    stage: 'Idle',
    selects: `Only clusters labelled \`${stageLabel('Upgrade', 'completed')}\`.`,
    leaves: removesAll('FinalizeUpgrade'),
  },
  Rollback: {
    does: 'Sets the ImageBasedUpgrade to stage Rollback: LCA reboots the cluster into the stateroot it had before the upgrade. It must come from an IBGU of its own; no plan mixes it with the upgrade actions.',
    stage: 'Rollback',
    selects: `Only clusters labelled \`${stageLabel('Upgrade', 'completed')}\`.`,
    leaves: completesOrFails('Rollback'),
  },
  FinalizeRollback: {
    does: 'Returns the ImageBasedUpgrade to Idle after a rollback; LCA removes the stateroot of the abandoned upgrade.',
    stage: 'Idle',
    selects: `Only clusters labelled \`${stageLabel('Rollback', 'completed')}\`.`,
    leaves: removesAll('FinalizeRollback'),
  },
  Abort: {
    does: 'Returns the ImageBasedUpgrade to Idle before the pivot, cancelling the upgrade: LCA removes the new stateroot. Nothing may follow it in the plan.',
    stage: 'Idle',
    selects: `Clusters *without* \`${stageLabel('Upgrade', 'completed')}\` (a \`DoesNotExist\` requirement): clusters that already upgraded are left alone.`,
    leaves: removesAll('Abort'),
  },
  AbortOnFailure: {
    does: 'Returns the ImageBasedUpgrade to Idle only where Prep or Upgrade failed, cleaning up what the failed stage left behind; the other clusters carry on with the next steps.',
    stage: 'Idle',
    selects: `Clusters labelled \`${stageLabel('Prep', 'failed')}\` or \`${stageLabel('Upgrade', 'failed')}\` (TALM doubles each selector, one copy per label).`,
    leaves: removesAll('AbortOnFailure'),
  },
};

/** Which first actions select clusters by a stage label, and how. */
const SELECTED_BY: Record<string, string> = {
  [stageLabel('Prep', 'completed')]: 'A step whose first action is Upgrade selects only clusters with this label.',
  [stageLabel('Upgrade', 'completed')]: 'Steps starting with FinalizeUpgrade or Rollback select only clusters with this label; a step starting with Abort skips them.',
  [stageLabel('Rollback', 'completed')]: 'A step whose first action is FinalizeRollback selects only clusters with this label.',
  [stageLabel('Prep', 'failed')]: 'A step whose first action is AbortOnFailure selects clusters with this label (or with `lcm.openshift.io/ibgu-upgrade-failed`).',
  [stageLabel('Upgrade', 'failed')]: 'A step whose first action is AbortOnFailure selects clusters with this label (or with `lcm.openshift.io/ibgu-prep-failed`).',
};

/** Every stage label key, in action order: completed then failed. */
export const STAGE_LABELS: { key: string; action: IbguAction; outcome: 'completed' | 'failed' }[] = IBGU_ACTIONS.flatMap((action) =>
  (['completed', 'failed'] as const).map((outcome) => ({ key: stageLabel(action, outcome), action, outcome })));

const STAGE_LABEL = /^lcm\.openshift\.io\/ibgu-([a-z]+)-(completed|failed)$/;

export function stageLabelDocs(key: string): string | undefined {
  const m = STAGE_LABEL.exec(key);
  if (!m) return undefined;
  const action = IBGU_ACTIONS.find((a) => a.toLowerCase() === m[1]);
  if (!action) return `\`${key}\` looks like a TALM stage label, but \`${m[1]}\` is not an action: TALM never sets it.`;
  const what = m[2] === 'completed' ? `${action} completed` : `${action} failed (or did not finish before the step's timeout)`;
  const transient = ['Abort', 'AbortOnFailure', 'FinalizeUpgrade', 'FinalizeRollback'].includes(action) && m[2] === 'completed'
    ? ` In practice it is never seen: completing ${action} removes all stage labels instead.`
    : '';
  return [
    `**TALM stage label** on the ManagedCluster (value \`""\`): ${what} on that cluster in an IBGU step.${transient}`,
    SELECTED_BY[key] ?? 'No step selects clusters by this label.',
    'Completing Abort, AbortOnFailure, FinalizeUpgrade or FinalizeRollback removes every stage label of the cluster. The labels outlive the IBGU, which is how a new IBGU carries on where an earlier one stopped; after recovering a cluster by hand, set them to match its real state.',
  ].join('\n\n');
}

/** Where an annotation or label is used; `extra` means an object in an extra-manifests ConfigMap. */
export type KeyTarget = 'IBGU' | 'IBU' | 'Backup' | 'Restore' | 'extra' | 'policy' | 'any';

export interface KeyInfo {
  key: string;
  type: 'annotation' | 'label';
  on: KeyTarget[];
  /** Written by LCA itself: shown on hover, never offered for completion. */
  setByLca?: boolean;
  /** The value part of a completion, as a snippet. */
  value?: string;
  docs: string;
}

const IBU_AND_IBGU: KeyTarget[] = ['IBU', 'IBGU'];

export const KEYS: KeyInfo[] = [
  {
    key: 'lca.openshift.io/apply-wave', type: 'annotation', on: ['Backup', 'Restore', 'extra'], value: '"${1:1}"',
    docs: 'Order in which LCA applies this object: an integer written as a string (negative numbers are fine). Lower waves go first, objects of one wave by name; without the annotation, or with an empty value, the object comes last. Backups run wave by wave before the pivot and Restores after it. A value that is not an integer fails Prep for extra manifests; on a Backup it is only read during Upgrade, which then stays at "Backing up Application Data" instead of failing.',
  },
  {
    key: 'lca.openshift.io/apply-label', type: 'annotation', on: ['Backup'], value: '"${1:group/version/resource/namespace/name}"',
    docs: 'Limits a Backup to named objects. A comma-separated list of `group/version/resource/namespace/name` (core group: `v1/resource/namespace/name`; leave out the namespace for cluster-scoped objects). LCA labels each object `lca.openshift.io/backup: <backup name>` and adds that label selector to the Backup, so only the listed objects are saved; their resources must still be included by the Backup\'s spec. An entry with fewer than 3 or more than 5 parts fails Prep.',
  },
  {
    key: 'lca.openshift.io/apply-type', type: 'annotation', on: ['extra'], value: '${1|replace,merge|}',
    docs: 'How LCA updates an extra manifest that already exists on the cluster: `replace` (the default) or `merge`. LCA strips the annotation before applying. With any other value the existing object is silently left as it is.',
  },
  {
    key: 'lca.openshift.io/manual-cleanup-done', type: 'annotation', on: ['IBU'], value: '""',
    docs: 'Tells LCA that a failed abort or finalize was cleaned up by hand. It is only read while the `Idle` condition has reason `AbortFailed` or `FinalizeFailed`; its value does not matter. LCA deletes the annotation and runs the cleanup again: on success the IBU is back to Idle, otherwise it returns to the failed state.',
  },
  {
    key: 'lca.openshift.io/trigger-reconcile', type: 'annotation', on: ['IBU'], value: '"${1:1}"',
    docs: 'Adding it, or changing its value, makes LCA reconcile the ImageBasedUpgrade again. Useful when the IBU\'s own rules forbid any other change.',
  },
  {
    key: 'lca.openshift.io/target-ocp-version-manifest-count', type: 'annotation', on: IBU_AND_IBGU, value: '"${1:1}"',
    docs: 'How many manifests labelled `lca.openshift.io/target-ocp-version` LCA must find in the cluster\'s policies. Any other count fails Prep and Upgrade.',
  },
  {
    key: 'lca.openshift.io/target-ocp-version', type: 'label', on: ['policy'],
    docs: 'Label for objects inside ZTP policies (the policy needs `ran.openshift.io/ztp-deploy-wave`): LCA takes the objects labelled with the target version (`X.Y`, `X.Y.Z` or the full version) from the policies and applies them as extra manifests after the upgrade.',
  },
  {
    key: 'extra-manifest.lca.openshift.io/validation-warning', type: 'annotation', on: ['IBU'], setByLca: true,
    docs: 'Written by LCA on the ImageBasedUpgrade: what the dry run of the extra manifests at Prep warned about (a CRD not deployed, a namespace missing or created later in the order, a dry run the API server refused). Prep still completes; LCA removes the annotation on abort or finalize.',
  },
  {
    key: 'auto-rollback-on-failure.lca.openshift.io/post-reboot-config', type: 'annotation', on: IBU_AND_IBGU, value: '${1|Disabled|}',
    docs: '`Disabled` stops LCA from rolling back automatically when reconfiguring the cluster during the first boot of the new stateroot fails. Any other value, or none, leaves automatic rollback on.',
  },
  {
    key: 'auto-rollback-on-failure.lca.openshift.io/upgrade-completion', type: 'annotation', on: IBU_AND_IBGU, value: '${1|Disabled|}',
    docs: '`Disabled` stops LCA from rolling back automatically when the Upgrade stage fails after the pivot (for example a Restore that fails). Any other value, or none, leaves automatic rollback on.',
  },
  {
    key: 'auto-rollback-on-failure.lca.openshift.io/init-monitor', type: 'annotation', on: IBU_AND_IBGU, value: '${1|Disabled|}',
    docs: '`Disabled` stops the post-pivot monitor from rolling back when the upgrade has not finished within `spec.autoRollbackOnFailure.initMonitorTimeoutSeconds` (1800 s unless set). Any other value, or none, leaves it on.',
  },
  {
    key: 'image-cleanup.lca.openshift.io/on-prep', type: 'annotation', on: IBU_AND_IBGU, value: '${1|Disabled|}',
    docs: '`Disabled` stops LCA from deleting unused container images at Prep when the disk is fuller than the threshold, to make room for the seed\'s images.',
  },
  {
    key: 'image-cleanup.lca.openshift.io/disk-usage-threshold-percent', type: 'annotation', on: IBU_AND_IBGU, value: '"${1:50}"',
    docs: 'Disk usage, in percent, above which Prep first deletes unused images. Default 50.',
  },
  {
    key: 'lca.openshift.io/backup', type: 'label', on: ['any'], setByLca: true,
    docs: 'Put by LCA on the objects named in a Backup\'s `lca.openshift.io/apply-label`, with the Backup\'s name as value; the Backup then selects them by it. LCA removes it again.',
  },
  {
    key: 'lca.openshift.io/updated-reclaim-policy', type: 'annotation', on: ['any'], setByLca: true,
    docs: 'Put by LCA on LVM Storage PersistentVolumes whose reclaim policy it switched from Delete to Retain for the upgrade, so that their data survives; the policy is set back afterwards.',
  },
];

const KEY_INDEX = new Map(KEYS.map((k) => [k.key, k]));

export function keyInfo(key: string): KeyInfo | undefined {
  return KEY_INDEX.get(key);
}

/** Hover text for an annotation or label key; `kind` is the resource's type where it appears. */
export function keyDocs(key: string, kind?: string): string | undefined {
  const stage = stageLabelDocs(key);
  if (stage) return stage;
  const info = KEY_INDEX.get(key);
  if (!info) return undefined;
  const parts = [`**${info.type === 'label' ? 'Label' : 'Annotation'}** \`${info.key}\`${info.setByLca ? ' (set by LCA)' : ''}`, info.docs];
  if (kind === 'IBGU' && info.on.includes('IBU')) {
    parts.push('On an IBGU: TALM copies every annotation whose key contains `lca.openshift.io` onto the ImageBasedUpgrade it sends to each cluster.');
  }
  return parts.join('\n\n');
}

/** Completion candidates for `metadata.annotations` of a resource. */
export function annotationsFor(target: KeyTarget): KeyInfo[] {
  return KEYS.filter((k) => k.type === 'annotation' && !k.setByLca && k.on.includes(target));
}

const LVMS_SUMMARY = 'LVM Storage (TopoLVM) describes every volume it provisions with a cluster-scoped LogicalVolume object that ties the PersistentVolume to the logical volume on the node\'s disk. The new stateroot starts from the seed image without those objects, so the Backup must save them (`logicalvolumes.topolvm.io` and `persistentVolumes` in `includedClusterScopedResources`) and the Restore must bring them back with their status (`restorePVs: true`, `restoreStatus.includedResources: [logicalvolumes]`). LCA keeps the data by switching the volumes\' reclaim policy to Retain during the upgrade, but does not check the Backup and Restore for this.';

/**
 * Hover text for a value in a Backup or Restore resource list that matters for LVM Storage; `field` is the
 * list's path below `spec` (`includedClusterScopedResources`, `restoreStatus.includedResources`).
 */
export function lvmsDocs(value: string, kind: 'Backup' | 'Restore', field: string): string | undefined {
  const backupList = kind === 'Backup' && /^(includedClusterScopedResources|includedResources)$/.test(field);
  if (backupList && value === 'logicalvolumes.topolvm.io') {
    return `**logicalvolumes.topolvm.io** — needed with LVM Storage.\n\n${LVMS_SUMMARY}`;
  }
  if (backupList && value === 'persistentVolumes') {
    return `**persistentVolumes** — the PersistentVolume objects. With LVM Storage the restored claims must bind to the same volumes, so they are backed up together with \`logicalvolumes.topolvm.io\`. With the Local Storage Operator, exclude them instead.\n\n${LVMS_SUMMARY}`;
  }
  if (kind === 'Restore' && field === 'restoreStatus.includedResources' && value === 'logicalvolumes') {
    return `**logicalvolumes** — restore the status of LogicalVolumes too. Velero normally drops \`status\` on restore, but a LogicalVolume's status records which volume on disk it is; without it TopoLVM cannot hand the existing data back to the restored claim.\n\n${LVMS_SUMMARY}`;
  }
  return undefined;
}
