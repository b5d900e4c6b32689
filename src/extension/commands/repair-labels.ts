/** Repair a ManagedCluster's TALM labels to agree with its IBU, through a diff and one confirmation. */
import * as vscode from 'vscode';
import type { KubeObject } from '../../hub/types';
import type { Target } from './targets';
import { failed, MC_API, message, nothing, pickCluster, statusOf, type TroubleOutcome, type TroubleParts } from './trouble';
import { MANAGED_CLUSTER_TYPE } from '../../core/kube/types';
import { IBGU_LABEL_PREFIX } from '../../core/talm/wire';
import { argoCdWarning } from '../../core/kube/argocd';

export async function repairLabels(parts: TroubleParts, node?: Target): Promise<TroubleOutcome<{ add: string[]; remove: string[] }>> {
  const found = await pickCluster(parts.hubs, node);
  if ('outcome' in found) return found;
  const { session, cluster } = found;
  const layer = parts.hubs.load();
  // While TALM runs the cluster's step it writes the step's labels itself at the end (a failure only at the timeout).
  const running = layer.talmRunningStep(cluster, session.list('ImageBasedGroupUpgrade'), session.list('ClusterGroupUpgrade'));
  if (running) {
    const text = running.step !== undefined
      ? vscode.l10n.t("TALM is still running step {0} ({1}) of IBGU {2} for this cluster; its labels will be written at the step's end.", running.step, running.actions.join(', '), running.ibgu)
      : vscode.l10n.t("TALM is still running a step ({0}) of IBGU {1} for this cluster; its labels will be written at the step's end.", running.actions.join(', '), running.ibgu);
    void vscode.window.showInformationMessage(`${cluster}: ${text}`);
    return nothing(text);
  }
  const mc = await session.connection.read(MC_API, MANAGED_CLUSTER_TYPE.kind, undefined, cluster);
  if (!mc) return failed(vscode.l10n.t('{0} has no ManagedCluster {1}.', session.context.name, cluster));
  const spoke = await parts.spokes.client(session, cluster);
  const ibu = spoke ? await spoke.ibu().catch(() => undefined) : undefined;
  const status = statusOf(session, cluster);
  const repair = layer.proposeLabelRepair(mc.metadata.labels ?? {}, ibu, status);
  if (!repair.add.length && !repair.remove.length) {
    const text = vscode.l10n.t("{0}'s TALM labels already agree with its IBU{1}: nothing to repair.", cluster, ibu ? '' : vscode.l10n.t(' (not read: the cluster could not be reached)'));
    void vscode.window.showInformationMessage(text);
    return nothing(text);
  }
  const labels = mc.metadata.labels ?? {};
  const after: Record<string, string> = { ...labels };
  for (const k of repair.remove) delete after[k];
  for (const k of repair.add) after[k] = '';
  const show = (l: Record<string, string>) => Object.keys(l).filter((k) => k.startsWith(IBGU_LABEL_PREFIX)).sort().map((k) => `${k}: "${l[k]}"`).join('\n') + '\n';
  const left = parts.content.set(`/${session.context.name}/ManagedCluster/${cluster}.labels.yaml`, show(labels));
  const right = parts.content.set(`/${session.context.name}/ManagedCluster/${cluster}.labels.repaired.yaml`, `${show(after)}\n# ${repair.reasons.join('\n# ')}\n`);
  // The question is open before the diff shows, so an answer given from the diff's title bar is never early.
  // A ManagedCluster Argo CD tracks (ZTP's cluster Applications): its next sync may put labels in Git back.
  const argo = argoCdWarning(mc, `ManagedCluster ${cluster}`);
  const answer = parts.confirmation.ask(`${argo ? `${argo} ` : ''}${vscode.l10n.t('{0}: {1} Apply this label change to the ManagedCluster (a merge patch of these labels only)?', cluster, repair.reasons.join(' '))}`, vscode.l10n.t('Repair Labels'));
  await vscode.commands.executeCommand('vscode.diff', left, right, vscode.l10n.t('{0}: TALM labels now ↔ after the repair', cluster), { preview: true });
  const ok = await answer;
  if (!ok) return { outcome: 'cancelled', message: vscode.l10n.t('Labels not changed.') };
  try {
    // Conditional on the labels the diff showed: a TALM label written meanwhile makes it fail, saying which.
    await session.connection.mergePatch(MC_API, MANAGED_CLUSTER_TYPE.kind, undefined, cluster, layer.labelRepairPatch(repair), { object: mc, view: talmLabelsView });
  } catch (error) {
    return failed(vscode.l10n.t('The labels of {0} were not changed: {1}', cluster, message(error)));
  }
  void vscode.window.showInformationMessage(vscode.l10n.t('{0}: labels repaired ({1}).', cluster, [...repair.add.map((k) => `+${k}`), ...repair.remove.map((k) => `−${k}`)].join(', ')));
  return { outcome: 'done', add: repair.add, remove: repair.remove };
}

/** What a label repair is decided on (and its diff shows): the ManagedCluster's lcm.openshift.io/ibgu-* labels. */
function talmLabelsView(mc: KubeObject): unknown {
  return { labels: Object.fromEntries(Object.entries(mc.metadata.labels ?? {}).filter(([k]) => k.startsWith(IBGU_LABEL_PREFIX))) };
}
