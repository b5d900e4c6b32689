/**
 * What a command acts on: a row of the IBGU view (or a plain reference to one), the hub it belongs to, the
 * IBGU it stands for. Shared by the hub commands and the troubleshooting commands.
 */
import * as vscode from 'vscode';
import type { HubSession, Hubs } from '../hubs';
import type { KubeObject, TreeNode } from '../../hub/types';
import { IBGU_TYPE } from '../../core/kube/types';

/** A tree node or a plain reference, as commands receive them from menus, the dashboard or the palette. */
export type Target = Pick<TreeNode, 'ref'> & Partial<TreeNode>;

export const IBGU_API = IBGU_TYPE.apiVersion;
export const IBGU_KIND = IBGU_TYPE.kind;

/** The session a node belongs to, or the only one, or the user's choice. */
export async function pickHub(hubs: Hubs, node?: Target, title?: string): Promise<HubSession | undefined> {
  const sessions = hubs.list();
  if (node?.ref) return sessions.find((s) => s.context.name === node.ref!.context);
  if (sessions.length <= 1) return sessions[0];
  const picked = await vscode.window.showQuickPick(
    sessions.map((s) => ({ label: s.context.name, description: s.context.server, session: s })),
    { title: title ?? vscode.l10n.t('Which hub?') },
  );
  return picked?.session;
}

/** The IBGU a node stands for, from the session's cache; or one picked from a list. */
export async function pickIbgu(hubs: Hubs, node?: Target): Promise<{ session: HubSession; object: KubeObject } | undefined> {
  const session = await pickHub(hubs, node);
  if (!session) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No hub is connected.'));
    return undefined;
  }
  const all = session.list('ImageBasedGroupUpgrade');
  let object = node?.ref ? all.find((o) => (node.ref!.uid ? o.metadata.uid === node.ref!.uid : o.metadata.name === node.ref!.name && o.metadata.namespace === node.ref!.namespace)) : undefined;
  if (!object && !node?.ref) {
    const picked = await vscode.window.showQuickPick(all.map((o) => ({ label: `${o.metadata.namespace}/${o.metadata.name}`, object: o })), { title: vscode.l10n.t('Which ImageBasedGroupUpgrade?') });
    object = picked?.object;
  }
  if (!object && node?.ref) void vscode.window.showWarningMessage(vscode.l10n.t('{0} is no longer on {1}.', `${node.ref.namespace}/${node.ref.name}`, session.context.name));
  return object ? { session, object } : undefined;
}
