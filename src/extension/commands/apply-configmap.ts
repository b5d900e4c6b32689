/**
 * Apply a ConfigMap that an IBGU needs on the hub from the workspace file that defines it: offered when Apply
 * is blocked because an OADP ConfigMap is not on the hub. As every write: the diff of what the hub would store
 * (a dry run) first, then one confirmation, then the write, conditional on what the diff was made against.
 */
import * as vscode from 'vscode';
import type { HubSession } from '../hubs';
import type { KubeObject } from '../../hub/types';
import type { HubCommandParts } from './parts';
import { argoCdWarning } from './argocd';

export type ConfigMapOutcome = { outcome: 'applied'; object: KubeObject } | { outcome: 'cancelled' } | { outcome: 'failed' | 'nothing'; message: string };

/** The workspace file defining ConfigMap namespace/name, and the object it defines. */
export async function configMapInWorkspace(parts: HubCommandParts, namespace: string, name: string): Promise<{ uri: vscode.Uri; object: KubeObject } | undefined> {
  const layer = parts.hubs.load();
  for (const uri of await vscode.workspace.findFiles('**/*.{yaml,yml}', '**/node_modules/**', 2000)) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    if (!text.includes(name) || !/kind:\s*ConfigMap\b/.test(text)) continue;
    const object = layer.configMapsInText(text).find((o) => o.metadata?.name === name && (o.metadata?.namespace ?? 'default') === namespace);
    if (object) return { uri, object };
  }
  return undefined;
}

export async function applyConfigMap(parts: HubCommandParts, session: HubSession, uri: vscode.Uri, namespace: string, name: string): Promise<ConfigMapOutcome> {
  const layer = parts.hubs.load();
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const object = layer.configMapsInText(text).find((o) => o.metadata?.name === name && (o.metadata?.namespace ?? 'default') === namespace);
  if (!object) return { outcome: 'nothing', message: vscode.l10n.t('{0} does not define ConfigMap {1}/{2}.', vscode.workspace.asRelativePath(uri), namespace, name) };
  const hold = parts.hubs.hold();
  try {
    object.metadata = { ...object.metadata, namespace };
    const id = `${namespace}/${name}`;
    const live = await session.connection.read('v1', 'ConfigMap', namespace, name);
    const result = await session.connection.dryRunApply(object);
    const left = parts.content.set(`/${session.context.name}/configmaps/${id}.hub.yaml`, layer.diffText(live));
    const right = parts.content.set(`/${session.context.name}/configmaps/${id}.applied.yaml`, layer.diffText(result));
    const argo = argoCdWarning(live, `ConfigMap ${id}`);
    const question = vscode.l10n.t('Apply will {0} ConfigMap {1} on {2} from {3}, as the diff shows.', live ? vscode.l10n.t('change') : vscode.l10n.t('create'), id, session.context.name, vscode.workspace.asRelativePath(uri));
    // The question is open before the diff shows, so an answer given from the diff's title bar is never early.
    const answer = parts.confirmation.ask(`${argo ? `${argo} ` : ''}${question}`, vscode.l10n.t('Apply'));
    await vscode.commands.executeCommand('vscode.diff', left, right, vscode.l10n.t('{0}: on {1} ↔ after apply', id, session.context.name), { preview: true });
    if (!(await answer)) return { outcome: 'cancelled' };
    // Conditional on the diff: the live ConfigMap it was made against, or its absence (then a create).
    const applied = await session.connection.apply(object, live ? { object: live } : undefined);
    void vscode.window.showInformationMessage(vscode.l10n.t('Applied ConfigMap {0} to {1}.', id, session.context.name));
    return { outcome: 'applied', object: applied };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(vscode.l10n.t('ConfigMap not applied: {0}', message));
    return { outcome: 'failed', message };
  } finally {
    hold.dispose();
  }
}
