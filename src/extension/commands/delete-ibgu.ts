/** Delete an IBGU, after a question that says what stays behind (the clusters' labels). */
import * as vscode from 'vscode';
import type { HubCommandParts } from './parts';
import { IBGU_API, IBGU_KIND, pickIbgu, type Target } from './targets';
import { argoCdWarning } from './argocd';

export async function deleteIbgu(parts: HubCommandParts, node?: Target): Promise<boolean> {
  const found = await pickIbgu(parts.hubs, node);
  if (!found) return false;
  const { session, object } = found;
  const id = `${object.metadata.namespace}/${object.metadata.name}`;
  const rollout = session.rollout(object.metadata.uid!);
  const labelled = rollout ? rollout.clusters.filter((c) => c.phase === 'completed' || c.phase === 'failed').length : 0;
  const argo = argoCdWarning(object, `ImageBasedGroupUpgrade ${id}`);
  const detail = [
    ...(argo ? [argo] : []),
    vscode.l10n.t('TALM deletes its ClusterGroupUpgrades and templates with it; steps in progress stop being driven.'),
    vscode.l10n.t('The lcm.openshift.io/ibgu-<action>-completed and -failed labels stay on the clusters ({0} have some). A later IBGU selects by them: its Upgrade step takes only clusters labelled ibgu-prep-completed, FinalizeUpgrade and Rollback only ibgu-upgrade-completed, AbortOnFailure only ibgu-prep-failed or ibgu-upgrade-failed. Remove labels that no longer say the truth before planning the next IBGU.', labelled),
  ].join('\n\n');
  const remove = vscode.l10n.t('Delete');
  const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Delete ImageBasedGroupUpgrade {0} from {1}?', id, session.context.name), { modal: true, detail }, remove);
  if (choice !== remove) return false;
  try {
    // Conditional on the IBGU the question named: its plan and labels (TALM's status updates do not count).
    await session.connection.delete(IBGU_API, IBGU_KIND, object.metadata.namespace, object.metadata.name, { object });
    void vscode.window.showInformationMessage(vscode.l10n.t('Deleted {0} from {1}; the cluster labels stay.', id, session.context.name));
    return true;
  } catch (error) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Not deleted: {0}', error instanceof Error ? error.message : String(error)));
    return false;
  }
}
