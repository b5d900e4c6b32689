/** A live object of the hub (an IBGU or a ManagedCluster) as read-only YAML. */
import * as vscode from 'vscode';
import { MANAGED_CLUSTER_TYPE } from '../../core/kube/types';
import type { KubeObject } from '../../hub/types';
import type { HubCommandParts } from './parts';
import { pickHub, type Target } from './targets';

export async function showLiveYaml(parts: HubCommandParts, node?: Target): Promise<void> {
  const session = await pickHub(parts.hubs, node);
  if (!session || !node?.ref) return;
  const kind = node.kind === 'managedCluster' || node.kind === 'cluster' ? 'ManagedCluster' : 'ImageBasedGroupUpgrade';
  const name = kind === 'ManagedCluster' ? node.ref.cluster ?? node.ref.name : node.ref.name;
  // ManagedClusters are watched as metadata only (hub/types.ts WATCH_SCOPES): the whole object is read now.
  const object = kind === 'ManagedCluster'
    ? await session.connection.read(MANAGED_CLUSTER_TYPE.apiVersion, kind, undefined, name).catch(() => undefined)
    : session.list(kind).find((o) => o.metadata.name === name && o.metadata.namespace === node.ref!.namespace);
  if (!object) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} is no longer on {1}.', name, session.context.name));
    return;
  }
  const copy = structuredClone(object) as KubeObject;
  delete copy.metadata.managedFields;
  const uri = parts.content.set(`/${session.context.name}/${kind}/${object.metadata.namespace ?? '_'}/${name}.yaml`, parts.hubs.load().yamlText(copy));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(document, 'yaml');
  await vscode.window.showTextDocument(document, { preview: true });
}
