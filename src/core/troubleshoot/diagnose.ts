/**
 * "Diagnose a cluster": the troubleshooting guide's checks run over what was read from the spoke and the
 * hub, each finding quoting its evidence (names, phases, reasons, messages) and naming the fix.
 */
import { inProgressStage, type IbuObject } from '../lca/stages';
import { markdownCell, markdownCode, markdownLink, markdownQuote, markdownText } from '../text/markdown';
import { cleanupAdvice } from './cleanup';
import { proposeLabelRepair, talmRunningMessage, talmRunningStep, type ClusterActions } from './labels';
import { annotationsOf, conditionOf, conditionsOf, labelsOf, list, nameOf, namespaceOf, record, statusIs, text } from './objects';
import { TOPOLVM_DRIVER } from '../kube/types';

export interface DiagnoseInput {
  cluster: string;
  ibu?: unknown;
  bsls?: unknown[];
  backups?: unknown[];
  restores?: unknown[];
  pvs?: unknown[];
  pvcs?: unknown[];
  logicalVolumes?: unknown[];
  events?: unknown[];
  managedCluster?: unknown;
  /** The cluster's entry of the IBGU's `status.clusters`. */
  ibguStatus?: unknown;
  /** Why the spoke could not be read. */
  unreachable?: string;
  /** The hub's IBGUs and ClusterGroupUpgrades: whether TALM still runs a step for the cluster (no label repair then). */
  talm?: { ibgus: readonly unknown[]; cgus: readonly unknown[] };
}

export type FixCommand = 'ibgu.retryCleanup' | 'ibgu.repairLabels' | 'ibgu.collectMustGather' | 'ibgu.planRecovery' | 'openDocs';

export interface DiagnoseFinding {
  /** Stable, e.g. 'ibu-cleanup-failed', 'bsl-unavailable', 'lvm-volumes-missing', 'ok'. */
  id: string;
  severity: 'error' | 'warning' | 'info' | 'ok';
  /** Inline Markdown: cluster text in it is escaped. */
  title: string;
  /** Markdown, like `title`; every piece of cluster text in it escaped (core/text/markdown). */
  detail: string;
  fix?: { label: string; command: FixCommand; doc?: string };
}

/** Guide section titles the fixes point at. */
export const GUIDE = {
  logs: 'Collecting logs',
  cleanup: 'AbortFailed or FinalizeFailed error',
  oadpCleanup: 'Cleaning up OADP resources manually',
  lvmBackup: 'Missing LVM Storage-related fields in Backup CR',
  lvmRestore: 'Missing LVM Storage-related fields in Restore CR',
  veleroDebug: 'Debugging failed Backup and Restore CRs',
  labels: 'Labeling for cluster selection',
} as const;

const LVM_RESOURCE = 'logicalvolumes.topolvm.io';
const EXTRA_MANIFEST_WARNING = 'extra-manifest.lca.openshift.io/validation-warning';
const VOLUME_ID_NOT_FOUND = 'VolumeID is not found';
/** Velero phases LCA counts as failed (facts §5.2). */
const FAILED_PHASES = ['FailedValidation', 'PartiallyFailed', 'Failed'];

// Every string from a cluster reaches the Markdown through one of these (never interpolated as is).
const code = markdownCode;
const quote = markdownQuote;
const t = markdownText;
const strings = (v: unknown) => list(v).filter((x): x is string => typeof x === 'string');

function ibuFindings(ibu: unknown): DiagnoseFinding[] {
  const out: DiagnoseFinding[] = [];
  const advice = cleanupAdvice(ibu);
  if (advice.applies) {
    out.push({
      id: 'ibu-cleanup-failed',
      severity: 'error',
      title: `IBU cleanup failed (${t(advice.reason ?? '')})`,
      // The explanation is the core's own Markdown; when it applies, the reason in it is AbortFailed or FinalizeFailed.
      detail: `The IBU's Idle condition is False with reason **${t(advice.reason ?? '')}**:\n\n${quote(advice.message ?? '')}\n\n${advice.explanation}`,
      fix: { label: 'Retry cleanup', command: 'ibgu.retryCleanup', doc: GUIDE.cleanup },
    });
  }
  for (const stage of ['Prep', 'Upgrade', 'Rollback'] as const) {
    const done = conditionOf(ibu, `${stage}Completed`);
    if (!statusIs(done, 'false') || done?.reason !== 'Failed' || done.message === 'Rollback requested') continue;
    const progress = conditionOf(ibu, `${stage}InProgress`);
    const lines = [`${code(`${stage}Completed`)} is False (${t(done.reason)}): ${code(done.message ?? '')}`];
    if (progress?.message) lines.push(`${code(`${stage}InProgress`)} says:\n\n${quote(progress.message)}`);
    out.push({ id: 'ibu-failed', severity: 'error', title: `${stage} failed on the spoke`, detail: lines.join('\n\n'), fix: { label: 'Plan the recovery', command: 'ibgu.planRecovery' } });
  }
  for (const c of conditionsOf(ibu).filter((c) => c.reason === 'InvalidTransition')) {
    out.push({ id: 'ibu-invalid-transition', severity: 'warning', title: 'LCA refused a stage transition', detail: `${code(c.type)} is ${t(String(c.status))} (InvalidTransition): ${code(c.message ?? '')}. ${code('spec.stage')} is ${code(String(record(record(ibu).spec).stage ?? ''))}.` });
  }
  const working = inProgressStage({ status: { conditions: conditionsOf(ibu) } } as IbuObject);
  if (working && !advice.applies) {
    const c = working === 'Idle' ? conditionOf(ibu, 'Idle') : conditionOf(ibu, `${working}InProgress`);
    out.push({ id: 'ibu-in-progress', severity: 'info', title: working === 'Idle' ? t(c?.reason ?? 'Returning to Idle') : `${working} in progress`, detail: `LCA is working on the ${working} stage: ${code(c?.message ?? '')}` });
  }
  const warning = annotationsOf(ibu)[EXTRA_MANIFEST_WARNING];
  if (warning) {
    out.push({
      id: 'extra-manifest-warning',
      severity: 'warning',
      title: 'Extra manifests failed validation',
      detail: `LCA's dry run of the extraManifests ConfigMaps warned (annotation ${code(EXTRA_MANIFEST_WARNING)}); Prep went on, but these objects may not apply after the pivot:\n\n${quote(warning)}`,
      fix: { label: 'Collect must-gather', command: 'ibgu.collectMustGather', doc: GUIDE.logs },
    });
  }
  return out;
}

function bslFindings(bsls: readonly unknown[]): DiagnoseFinding[] {
  const out: DiagnoseFinding[] = [];
  for (const bsl of bsls) {
    const status = record(record(bsl).status);
    const phase = text(status.phase);
    if (phase === 'Available') continue;
    const message = text(status.message);
    out.push({
      id: 'bsl-unavailable',
      severity: phase ? 'error' : 'warning',
      title: `BackupStorageLocation ${t(nameOf(bsl))} is ${t(phase ?? 'not validated yet')}`,
      detail: `${code(`${namespaceOf(bsl) ?? ''}/${nameOf(bsl)}`)} has phase ${code(phase ?? '(none)')}${message ? `:\n\n${quote(message)}` : '.'}\n\n` +
        'Velero cannot reach the S3 backend: LCA\'s Backups fail validation before the pivot, and its cleanup cannot delete them (AbortFailed/FinalizeFailed). Restore the connection, then check with `oc get backupstoragelocations.velero.io -n openshift-adp`.',
      fix: { label: 'Open the guide', command: 'openDocs', doc: GUIDE.oadpCleanup },
    });
  }
  return out;
}

function veleroFindings(kind: 'Backup' | 'Restore', objects: readonly unknown[]): DiagnoseFinding[] {
  const failed = objects.filter((o) => FAILED_PHASES.includes(text(record(record(o).status).phase) ?? ''));
  if (!failed.length) return [];
  const lines = failed.map((o) => {
    const status = record(record(o).status);
    const parts = [`- ${kind} ${code(nameOf(o))}: phase ${code(text(status.phase) ?? '')}`];
    for (const e of strings(status.validationErrors)) parts.push(`  - validation error: ${code(e)}`);
    if (text(status.failureReason)) parts.push(`  - failure reason: ${code(text(status.failureReason)!)}`);
    if (typeof status.errors === 'number' && status.errors > 0) parts.push(`  - ${t(String(status.errors))} error(s) (see ${code(`velero describe ${kind.toLowerCase()} ${nameOf(o)} --details`)})`);
    return parts.join('\n');
  });
  const lower = kind.toLowerCase();
  return [{
    id: `${lower}-failed`,
    severity: 'error',
    title: `${failed.length} ${kind}${failed.length === 1 ? '' : 's'} failed`,
    detail: `${lines.join('\n')}\n\nThe Velero CLI gives more than \`oc\`: \`oc exec -n openshift-adp <velero-pod> -c velero -- ./velero describe ${lower} -n openshift-adp <name> --details\`.`,
    fix: { label: 'Open the guide', command: 'openDocs', doc: GUIDE.veleroDebug },
  }];
}

/** A PV provisioned by LVM Storage: an `lvms-*` storage class or the TopoLVM CSI driver. */
function isLvmVolume(pv: unknown): boolean {
  const spec = record(record(pv).spec);
  return (text(spec.storageClassName) ?? '').startsWith('lvms-') || text(record(spec.csi).driver) === TOPOLVM_DRIVER;
}

const includesLvm = (backup: unknown) => {
  const spec = record(record(backup).spec);
  return [...strings(spec.includedClusterScopedResources), ...strings(spec.includedResources)].some((r) => r === '*' || r === LVM_RESOURCE || r === 'logicalvolumes');
};
const restoresLvm = (restore: unknown) => {
  const spec = record(record(restore).spec);
  return spec.restorePVs === true && strings(record(spec.restoreStatus).includedResources).some((r) => r === 'logicalvolumes' || r === LVM_RESOURCE || r === '*');
};

function lvmFindings(input: DiagnoseInput): DiagnoseFinding[] {
  if (!input.pvs || !input.logicalVolumes) return [];
  const known = new Set<string>();
  for (const lv of input.logicalVolumes) {
    known.add(nameOf(lv));
    const volumeId = text(record(record(lv).status).volumeID);
    if (volumeId) known.add(volumeId);
  }
  const missing = input.pvs.filter((pv) => isLvmVolume(pv) && !known.has(nameOf(pv)) && !known.has(text(record(record(record(pv).spec).csi).volumeHandle) ?? '\0'));
  if (!missing.length) return [];
  const lines = missing.map((pv) => {
    const claim = record(record(record(pv).spec).claimRef);
    const bound = text(claim.name) ? ` (claim ${code(`${text(claim.namespace) ?? ''}/${text(claim.name)}`)})` : '';
    return `- ${code(nameOf(pv))}${bound}: no logicalvolume ${code(nameOf(pv))}`;
  });
  const backups = input.backups ?? [];
  const restores = input.restores ?? [];
  const evidence: string[] = [];
  if (backups.length) {
    const without = backups.filter((b) => !includesLvm(b)).map(nameOf);
    evidence.push(backups.some(includesLvm) ? `Backups including ${code(LVM_RESOURCE)}: ${backups.filter(includesLvm).map((b) => code(nameOf(b))).join(', ')}.` : `None of the Backups on the spoke (${without.map(code).join(', ')}) includes ${code(LVM_RESOURCE)}.`);
  }
  if (restores.length) {
    const ok = restores.filter(restoresLvm);
    evidence.push(ok.length ? `Restores with restorePVs and restoreStatus for logicalvolumes: ${ok.map((r) => code(nameOf(r))).join(', ')}.` : `No Restore on the spoke sets ${code('restorePVs: true')} with ${code('restoreStatus.includedResources: [logicalvolumes]')}.`);
  }
  return [{
    id: 'lvm-volumes-missing',
    severity: 'error',
    title: `${missing.length} LVM Storage volume${missing.length === 1 ? '' : 's'} without a logicalvolume`,
    detail: `These PersistentVolumes of LVM Storage have no ${code(LVM_RESOURCE)} behind them, so their contents were not restored and pods cannot mount them:\n\n${lines.join('\n')}\n\n` +
      (evidence.length ? `${evidence.join(' ')}\n\n` : '') +
      `The application Backup must list ${code(LVM_RESOURCE)} (with ${code('persistentVolumes')}) in ${code('includedClusterScopedResources')}, and its Restore must set ${code('restorePVs: true')} and ${code('restoreStatus.includedResources: [logicalvolumes]')}. The old stateroot still holds the data until the upgrade is finalized: rolling back recovers it.`,
    fix: { label: 'Open the guide', command: 'openDocs', doc: GUIDE.lvmBackup },
  }];
}

function eventFindings(events: readonly unknown[]): DiagnoseFinding[] {
  const matching = events.filter((e) => (text(record(e).message) ?? '').includes(VOLUME_ID_NOT_FOUND));
  if (!matching.length) return [];
  const lines = matching.map((e) => {
    const o = record(e);
    const involved = record(o.involvedObject);
    const source = text(record(o.source).component) ?? text(o.reportingComponent) ?? '';
    const count = typeof o.count === 'number' && o.count > 1 ? ` (x${t(String(o.count))})` : '';
    // The quote is indented under its list item: each of its lines, not only the first.
    const message = quote(text(o.message) ?? '').split('\n').map((line) => `  ${line}`).join('\n');
    return `- ${t(text(involved.kind) ?? 'Object')} ${code(`${text(involved.namespace) ?? namespaceOf(e) ?? ''}/${text(involved.name) ?? ''}`)}: ${t(text(o.type) ?? '')} ${t(text(o.reason) ?? '')}${source ? ` from ${t(source)}` : ''}${count}\n\n${message}`;
  });
  return [{
    id: 'volumeid-not-found',
    severity: 'error',
    title: `Pods cannot mount their volumes (${VOLUME_ID_NOT_FOUND})`,
    detail: `${lines.join('\n')}\n\nThe guide's sign that the PVs and PVCs were restored without their logicalvolumes: the application Backup is missing ${code(LVM_RESOURCE)}.`,
    fix: { label: 'Open the guide', command: 'openDocs', doc: GUIDE.lvmBackup },
  }];
}

function statusActions(entry: unknown): ClusterActions | undefined {
  if (entry === undefined) return undefined;
  const actions = (v: unknown) => list(v).map((a) => ({ action: text(record(a).action) ?? '', ...(text(record(a).message) !== undefined ? { message: text(record(a).message)! } : {}) })).filter((a) => a.action);
  return { completedActions: actions(record(entry).completedActions), failedActions: actions(record(entry).failedActions) };
}

function labelFindings(input: DiagnoseInput): DiagnoseFinding[] {
  if (input.managedCluster === undefined) return [];
  // TALM writes the step's labels (a failure included, at the timeout) when it ends: repairing before would race it.
  const running = talmRunningStep(input.cluster, input.talm?.ibgus ?? [], input.talm?.cgus ?? []) ??
    (input.talm === undefined && input.ibguStatus !== undefined ? talmRunningStep(input.cluster, [{ status: { clusters: [input.ibguStatus] } }], []) : undefined);
  if (running) {
    return [{ id: 'labels-talm-running', severity: 'info', title: 'TALM labels: the step is still running', detail: `${code(input.cluster)}: ${t(talmRunningMessage(running))}` }];
  }
  const ibu = input.unreachable ? undefined : input.ibu;
  const repair = proposeLabelRepair(labelsOf(input.managedCluster), ibu, statusActions(input.ibguStatus));
  if (!repair.add.length && !repair.remove.length) return [];
  const current = repair.current.length ? repair.current.map(code).join(', ') : 'none';
  return [{
    id: 'labels-out-of-date',
    severity: 'warning',
    title: 'TALM labels do not match the cluster',
    detail: `Current ${code('lcm.openshift.io/ibgu-*')} labels of ManagedCluster ${code(input.cluster)}: ${current}.\n\n${repair.reasons.map((r) => `- ${t(r)}`).join('\n')}`,
    fix: { label: 'Repair labels', command: 'ibgu.repairLabels', doc: GUIDE.labels },
  }];
}

/**
 * The guide's checks in order: the IBU's stage and conditions, the BackupStorageLocations, failed Backups
 * and Restores, LVM volumes against their logicalvolumes, the extra-manifest warning, `VolumeID is not
 * found` events, and the cluster's TALM labels against the IBU. Ends with an `ok` finding when nothing
 * is wrong.
 */
export function diagnoseCluster(input: DiagnoseInput): DiagnoseFinding[] {
  const out: DiagnoseFinding[] = [];
  if (input.unreachable !== undefined) {
    out.push({
      id: 'spoke-unreachable',
      severity: 'error',
      title: 'The spoke could not be read',
      detail: `${code(input.cluster)}: ${t(input.unreachable)}\n\nOnly the hub's view (labels and IBGU status) is checked below.`,
      fix: { label: 'Open the guide', command: 'openDocs', doc: GUIDE.logs },
    });
  } else {
    if (input.ibu === undefined) {
      out.push({ id: 'ibu-missing', severity: 'warning', title: 'No ImageBasedUpgrade on the spoke', detail: `There is no ${code('imagebasedupgrade/upgrade')} on ${code(input.cluster)}. LCA creates it in Idle when it starts: is the Lifecycle Agent installed and running?` });
    } else {
      out.push(...ibuFindings(input.ibu));
    }
    out.push(...bslFindings(input.bsls ?? []));
    out.push(...veleroFindings('Backup', input.backups ?? []));
    out.push(...veleroFindings('Restore', input.restores ?? []));
    out.push(...lvmFindings(input));
    out.push(...eventFindings(input.events ?? []));
  }
  out.push(...labelFindings(input));
  if (!out.some((f) => f.severity === 'error' || f.severity === 'warning')) {
    const stage = record(record(input.ibu).spec).stage;
    out.push({ id: 'ok', severity: 'ok', title: 'Nothing wrong found', detail: `The guide's checks found no problem on ${code(input.cluster)}${typeof stage === 'string' ? ` (IBU stage ${code(stage)})` : ''}.` });
  }
  return out;
}

/** Words, not emoji: machines without an emoji font (many servers) would show empty boxes. */
const ICON: Record<DiagnoseFinding['severity'], string> = { error: '**Error**', warning: '**Warning**', info: 'Info', ok: 'OK' };

/**
 * The report as Markdown: title, the cluster, a summary table, then each finding's detail and its fix.
 * `fixLink(i)` gives the link destination for finding i's fix (the extension's own, e.g. a `command:` URI
 * it resolves itself); without one, or for `openDocs`, the fix is named, with its guide section, as text.
 * Nothing from the cluster decides whether or where a link goes.
 */
export function diagnoseMarkdown(cluster: string, context: string, findings: readonly DiagnoseFinding[], now: Date, fixLink?: (index: number) => string | undefined): string {
  const lines: string[] = [
    `# Diagnosis of ${t(cluster)}`,
    '',
    `Hub context ${code(context)} · checked ${now.toISOString()}`,
    '',
    '| | Finding |',
    '|---|---|',
    ...findings.map((f) => `| ${ICON[f.severity]} | ${markdownCell(f.title)} |`),
  ];
  findings.forEach((f, index) => {
    lines.push('', `## ${f.title}`, '', `Severity: ${ICON[f.severity]}`, '', f.detail);
    if (!f.fix) return;
    const guide = f.fix.doc ? `guide: *${t(f.fix.doc)}*` : '';
    const destination = f.fix.command === 'openDocs' ? undefined : fixLink?.(index);
    if (f.fix.command === 'openDocs') lines.push('', `**Fix:** see the ${guide}.`);
    else lines.push('', `**Fix:** ${destination ? markdownLink(f.fix.label, destination) : t(f.fix.label)}${guide ? ` (${guide})` : ''}`);
  });
  return lines.join('\n') + '\n';
}
