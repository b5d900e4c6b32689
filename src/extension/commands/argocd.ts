/**
 * Before a write to an object Argo CD tracks: the warning (named Application, what its next sync does) and
 * the way to the file that Git holds, when the workspace has it.
 */
import * as vscode from 'vscode';
import { argoCdTracking, argoCdWarning } from '../../core/kube/argocd';
import type { KubeObject } from '../../hub/types';
import type { Hubs } from '../hubs';

export { argoCdWarning };

/** The workspace's YAML file that defines this IBGU (same namespace and name), if any: what Git holds. */
export async function ibguFileInWorkspace(hubs: Hubs, object: KubeObject): Promise<vscode.Uri | undefined> {
  const { name, namespace } = object.metadata;
  const layer = hubs.load();
  for (const uri of await vscode.workspace.findFiles('**/*.{yaml,yml}', '**/node_modules/**', 2000)) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    if (!text.includes(name)) continue;
    if (layer.ibgusInText(text).some((i) => i.object.metadata?.name === name && (i.object.metadata?.namespace ?? namespace) === namespace)) return uri;
  }
  return undefined;
}

/**
 * For an IBGU Argo CD tracks: a warning naming the Application, with "Open File from Git" when the workspace
 * defines the IBGU. Resolves once shown (it does not wait for an answer); false when the IBGU is not tracked.
 */
export async function warnTrackedIbgu(hubs: Hubs, object: KubeObject): Promise<boolean> {
  if (!argoCdTracking(object)) return false;
  const warning = argoCdWarning(object, `ImageBasedGroupUpgrade ${object.metadata.namespace}/${object.metadata.name}`);
  const file = await ibguFileInWorkspace(hubs, object);
  const open = vscode.l10n.t('Open File from Git');
  void vscode.window.showWarningMessage(warning, ...(file ? [open] : [])).then(async (choice) => {
    if (choice === open && file) await vscode.window.showTextDocument(file);
  });
  return true;
}
