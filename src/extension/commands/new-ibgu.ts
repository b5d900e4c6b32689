/** A new IBGU document for the clusters selected in the view. */
import * as vscode from 'vscode';
import type { HubCommandParts } from './parts';
import type { Target } from './targets';

export async function newFromClusters(parts: HubCommandParts, node?: Target, nodes?: Target[]): Promise<vscode.TextDocument | undefined> {
  const chosen = (nodes?.length ? nodes : node ? [node] : []).filter((n) => n.ref);
  const names = chosen.map((n) => n.ref!.cluster ?? n.ref!.name);
  if (!names.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Select clusters in the IBGU view (Ctrl/Cmd+click for several), then choose New IBGU from Clusters.'));
    return undefined;
  }
  const session = parts.hubs.get(chosen[0]!.ref!.context);
  const ibgus = session ? [...session.list('ImageBasedGroupUpgrade')] : [];
  const newest = ibgus.sort((a, b) => String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')))[0];
  const namespace = newest?.metadata.namespace ?? session?.context.namespace ?? 'default';
  const text = parts.hubs.load().newIbguText(names, { namespace, ...(newest ? { template: newest } : {}) });
  const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: text });
  await vscode.window.showTextDocument(document);
  return document;
}
