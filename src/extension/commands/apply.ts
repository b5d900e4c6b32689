/**
 * Apply an IBGU from a YAML file: core rules first, then a diff of what the server would store (a dry-run
 * apply), then one confirmation, then the write, conditional on the live object the diff was made against.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { HubSession } from '../hubs';
import type { KubeObject, TreeNode } from '../../hub/types';
import { openDashboard } from './dashboard';
import type { HubCommandParts } from './parts';
import { IBGU_API, IBGU_KIND, pickHub } from './targets';
import { argoCdWarning } from './argocd';
import { applyConfigMap, configMapInWorkspace, type ConfigMapOutcome } from './apply-configmap';

/** What `ibgu.applyToHub` ended with (returned to whoever ran the command, e.g. a test). */
export type ApplyOutcome =
  | { outcome: 'applied'; created: boolean; object: KubeObject }
  | { outcome: 'blocked'; findings: { rule: string; message: string; line: number }[]; fromWorkspace?: { namespace: string; name: string; file: string }[] }
  | { outcome: 'cancelled' }
  | { outcome: 'failed'; message: string }
  | { outcome: 'nothing'; message: string };

export async function apply(parts: HubCommandParts, uri?: vscode.Uri, documentIndex?: number, offset?: number, hub?: string): Promise<ApplyOutcome> {
  const editor = vscode.window.activeTextEditor;
  const document = uri ? await vscode.workspace.openTextDocument(uri) : editor?.document;
  if (!document) return nothing(vscode.l10n.t('Open a YAML file with an ImageBasedGroupUpgrade to apply it.'));
  const layer = parts.hubs.load();
  const text = document.getText();
  const ibgus = layer.ibgusInText(text);
  let target = ibgus.find((i) => i.document === documentIndex);
  if (!target && documentIndex === undefined) {
    const cursor = offset ?? (editor?.document === document ? document.offsetAt(editor.selection.active) : -1);
    target = ibgus.length === 1 ? ibgus[0] : [...ibgus].reverse().find((i) => i.offset <= cursor) ?? (offset !== undefined ? ibgus.find((i) => i.offset >= offset) : undefined);
  }
  if (!target) return nothing(ibgus.length ? vscode.l10n.t('Put the cursor in the ImageBasedGroupUpgrade to apply.') : vscode.l10n.t('There is no ImageBasedGroupUpgrade in {0}.', path.basename(document.uri.path)));
  const session = hub ? parts.hubs.get(hub) : await pickHub(parts.hubs, undefined, vscode.l10n.t('Apply to which hub?'));
  if (!session) return nothing(vscode.l10n.t('No hub is connected.'));
  const hold = parts.hubs.hold();
  try {
    const object = structuredClone(target.object);
    object.metadata = { ...object.metadata, namespace: object.metadata?.namespace ?? session.context.namespace ?? 'default' };
    const id = `${object.metadata.namespace}/${object.metadata.name}`;
    const live = await session.connection.read(IBGU_API, IBGU_KIND, object.metadata.namespace, object.metadata.name);
    // The rules with the live object as the previous version, and the ConfigMaps and Secret TALM copies at Prep read on the hub.
    const checked = await layer.blockingFindingsOnHub(session.connection, { name: session.context.name, ...(session.context.namespace ? { namespace: session.context.namespace } : {}) }, document.uri.fsPath || document.uri.path, text, target.document, live);
    const blocking = checked.findings;
    if (blocking.length) {
      const first = blocking[0]!;
      const more = blocking.length > 1 ? vscode.l10n.t(' (and {0} more)', blocking.length - 1) : '';
      // A ConfigMap missing on the hub that the workspace defines: one click applies it first (its own diff and
      // confirmation), then this Apply again.
      const fromWorkspace: { namespace: string; name: string; file: string }[] = [];
      for (const cm of checked.missingConfigMaps) {
        const found = await configMapInWorkspace(parts, cm.namespace, cm.name);
        if (found) fromWorkspace.push({ ...cm, file: found.uri.toString() });
      }
      const offer = fromWorkspace[0];
      const applyFirst = offer ? vscode.l10n.t('Apply ConfigMap {0} from the Workspace First', offer.name) : undefined;
      const show = vscode.l10n.t('Show Problems');
      void vscode.window.showErrorMessage(vscode.l10n.t('Not applied: {0} line {1}: {2}{3}', first.rule, first.range.start.line + 1, first.message.split('\n')[0]!, more), ...(applyFirst ? [applyFirst] : []), show).then(async (c) => {
        if (c === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
        if (c === applyFirst && offer) void vscode.commands.executeCommand('ibgu.applyConfigMapFromWorkspace', vscode.Uri.parse(offer.file), offer.namespace, offer.name, session.context.name, document.uri);
      });
      return { outcome: 'blocked', findings: blocking.map((f) => ({ rule: f.rule, message: f.message, line: f.range.start.line })), ...(fromWorkspace.length ? { fromWorkspace } : {}) };
    }
    if (live?.metadata.resourceVersion) object.metadata.resourceVersion = live.metadata.resourceVersion;
    const result = await session.connection.dryRunApply(object);
    const before = layer.diffText(live);
    const after = layer.diffText(result);
    if (live && before === after) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} on {1} is already as this file says: nothing to apply.', id, session.context.name));
      return { outcome: 'nothing', message: 'unchanged' };
    }
    const left = parts.content.set(`/${session.context.name}/${id}.hub.yaml`, before);
    const right = parts.content.set(`/${session.context.name}/${id}.applied.yaml`, after);
    const verb = live ? vscode.l10n.t('change') : vscode.l10n.t('create');
    // The question is open before the diff shows, so an answer given from the diff's title bar is never early.
    // On an IBGU Argo CD tracks, the question says whose sync will undo the change (the file applied is one way to Git).
    const argo = argoCdWarning(live, `ImageBasedGroupUpgrade ${id}`);
    const answer = parts.confirmation.ask(`${argo ? `${argo} ` : ''}${vscode.l10n.t('Apply will {0} ImageBasedGroupUpgrade {1} on {2}, as the diff shows.', verb, id, session.context.name)}`, vscode.l10n.t('Apply'));
    await vscode.commands.executeCommand('vscode.diff', left, right, vscode.l10n.t('{0}: on {1} ↔ after apply ({2})', id, session.context.name, verb), { preview: true });
    const confirmed = await answer;
    if (!confirmed) return { outcome: 'cancelled' };
    // Conditional on the diff: on the live object it was made against, outside its status (or on there being none).
    const applied = await session.connection.apply(object, live ? { object: live } : undefined);
    await closeDiff(right);
    if (applied.metadata.uid) void revealIbgu(parts, session, applied.metadata.uid);
    const open = vscode.l10n.t('Open Dashboard');
    void vscode.window.showInformationMessage(live ? vscode.l10n.t('Applied {0} to {1}.', id, session.context.name) : vscode.l10n.t('Created {0} on {1}.', id, session.context.name), open).then((c) => {
      if (c) void openDashboard(parts, { ref: { context: session.context.name, namespace: applied.metadata.namespace!, name: applied.metadata.name, ...(applied.metadata.uid ? { uid: applied.metadata.uid } : {}) } });
    });
    return { outcome: 'applied', created: !live, object: applied };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(vscode.l10n.t('Not applied: {0}', message));
    return { outcome: 'failed', message };
  } finally {
    hold.dispose();
  }
}

function nothing(message: string): ApplyOutcome {
  void vscode.window.showWarningMessage(message);
  return { outcome: 'nothing', message };
}

async function closeDiff(right: vscode.Uri): Promise<void> {
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === right.toString()) await vscode.window.tabGroups.close(tab);
    }
  }
}

/** Shows an IBGU just applied in the view, selected (keyboard focus stays where it is), once the hub's watch has brought it. */
async function revealIbgu(parts: HubCommandParts, session: HubSession, uid: string): Promise<void> {
  const id = `${session.context.name}/ibgu/${uid}`;
  const find = () => parts.tree.nodes.find((r) => r.id === session.context.name)?.children?.find((n) => n.kind === 'ibgus')?.children?.find((n) => n.id === id);
  const node = find() ?? (await new Promise<TreeNode | undefined>((resolve) => {
    const done = (found: TreeNode | undefined) => {
      clearTimeout(timer);
      listening.dispose();
      resolve(found);
    };
    const timer = setTimeout(() => done(undefined), 10_000);
    const listening = parts.tree.onDidChangeTreeData(() => {
      const found = find();
      if (found) done(found);
    });
  }));
  if (node) await parts.tree.view.reveal(node, { select: true, focus: false, expand: true });
}

/**
 * `ibgu.applyConfigMapFromWorkspace`: the ConfigMap from its workspace file (diff, confirmation, write), then, when
 * `then` names the IBGU's file, Apply of that file again.
 */
export async function applyConfigMapThenIbgu(parts: HubCommandParts, file: vscode.Uri, namespace: string, name: string, hub: string, then?: vscode.Uri): Promise<ApplyOutcome | { outcome: `configmap-${ConfigMapOutcome['outcome']}` }> {
  const session = parts.hubs.get(hub);
  if (!session) return nothing(vscode.l10n.t('{0} is not connected.', hub));
  const result = await applyConfigMap(parts, session, file, namespace, name);
  if (result.outcome !== 'applied') return { outcome: `configmap-${result.outcome}` as const };
  return then ? apply(parts, then, undefined, undefined, hub) : { outcome: 'configmap-applied' as const };
}
