/** Append a step to a live IBGU's plan, in the plan editor. */
import * as vscode from 'vscode';
import { PlanEditorPanel } from '../views/plan-editor';
import type { HubCommandParts } from './parts';
import { pickIbgu, type Target } from './targets';
import { warnTrackedIbgu } from './argocd';

export async function appendStep(parts: HubCommandParts, node?: Target): Promise<PlanEditorPanel | undefined> {
  const found = await pickIbgu(parts.hubs, node);
  if (!found) return undefined;
  const { session, object } = found;
  const uid = object.metadata.uid!;
  const namespace = object.metadata.namespace!;
  const name = object.metadata.name;
  // Appending to an IBGU Argo CD tracks: the warning (and the way to its file in Git) comes before the editor.
  await warnTrackedIbgu(parts.hubs, object);
  const hold = parts.hubs.hold();
  const current = () => session.list('ImageBasedGroupUpgrade').find((o) => o.metadata.uid === uid);
  const panel = PlanEditorPanel.open(parts.context.extensionUri, uid, vscode.l10n.t('Append step: {0}', `${namespace}/${name}`), {
    current,
    append: async (expectedPlan, step) => {
      await session.connection.appendStep(namespace, name, expectedPlan, step);
      parts.log.info(`Appended a step (${step.actions.join(', ')}) to ${namespace}/${name} on ${session.context.name}.`);
    },
    validate: (expectedPlan, step) => parts.hubs.load().appendErrors(expectedPlan, step),
    onDidChange: (listener) => parts.hubs.onDidChange((s) => {
      if (!s || s === session) listener();
    }),
  });
  panel.panel.onDidDispose(() => hold.dispose());
  return panel;
}
