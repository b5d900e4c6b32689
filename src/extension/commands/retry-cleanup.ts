/** Retry a stuck IBU cleanup: the manual-cleanup-done annotation, conditional on the IBU the advice was read from. */
import * as vscode from 'vscode';
import type { KubeObject } from '../../hub/types';
import type { Target } from './targets';
import { failed, message, nothing, pickCluster, type TroubleOutcome, type TroubleParts } from './trouble';
import { IBU_TYPE } from '../../core/kube/types';
import { IBU_NAME } from '../../core/lca/names';
import { argoCdWarning } from '../../core/kube/argocd';

export async function retryCleanup(parts: TroubleParts, node?: Target): Promise<TroubleOutcome<{ state: string; message?: string }>> {
  const found = await pickCluster(parts.hubs, node);
  if ('outcome' in found) return found;
  const { session, cluster } = found;
  const spoke = await parts.spokes.client(session, cluster);
  if (!spoke) return nothing(vscode.l10n.t('{0} could not be reached.', cluster));
  const layer = parts.hubs.load();
  const ibu = await spoke.ibu();
  const advice = layer.cleanupAdvice(ibu);
  if (!ibu || !advice.applies) {
    const message = vscode.l10n.t("{0}'s IBU is not waiting for a manual cleanup (its Idle condition is not AbortFailed or FinalizeFailed): there is nothing to retry.", cluster);
    void vscode.window.showInformationMessage(message);
    return nothing(message);
  }
  const ok = await parts.confirmation.ask(
    // A notification shows plain text: the explanation's Markdown code marks go.
    `${argoCdWarning(ibu, `the ImageBasedUpgrade of ${cluster}`)} ${vscode.l10n.t('{0}: {1} — "{2}". {3} Retry now (a merge patch of that annotation only)?', cluster, advice.reason ?? '', advice.message ?? '', advice.explanation.replace(/`/g, ''))}`.trim(),
    vscode.l10n.t('Retry Cleanup'),
  );
  if (!ok) return { outcome: 'cancelled', message: vscode.l10n.t('Not retried.') };
  try {
    // Conditional on the IBU the advice was read from: if its Idle condition or stage changed meanwhile
    // (LCA retried on its own, someone else annotated it), nothing is written and the message says so.
    await spoke.connection.mergePatch(layer.IBU_API, IBU_TYPE.kind, undefined, IBU_NAME, layer.manualCleanupPatch(), { object: ibu, view: cleanupView });
  } catch (error) {
    return failed(vscode.l10n.t('The annotation was not added to {0}: {1}', cluster, message(error)));
  }
  parts.log.info(`Added lca.openshift.io/manual-cleanup-done to the IBU of ${cluster} (through ${spoke.via}).`);
  const before = { ...(advice.message ? { message: advice.message } : {}) };
  // LCA may take minutes, and a retry that fails with the same message looks like one still working:
  // the wait can be cancelled, and then Diagnose says where the cluster stands.
  const last = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('{0}: LCA is retrying the cleanup', cluster), cancellable: true },
    (_progress, token) => spoke.waitForIbu((i) => layer.cleanupOutcome(i, before).state !== 'pending', 10 * 60_000, token),
  );
  const outcome = last ? layer.cleanupOutcome(last, before) : { state: 'pending' as const };
  if (outcome.state === 'idle') {
    const repair = vscode.l10n.t('Repair Labels');
    void vscode.window.showInformationMessage(vscode.l10n.t("{0}'s IBU is back in Idle: the cleanup is done. Check its TALM labels so the next step or IBGU selects it rightly.", cluster), repair).then((c) => {
      if (c) void parts.run.repairLabels({ ref: { context: session.context.name, name: cluster, cluster } });
    });
  } else if (outcome.state === 'failed-again') {
    const steps = vscode.l10n.t('Show Manual Steps');
    void vscode.window.showWarningMessage(vscode.l10n.t('{0}: the cleanup failed again: {1}', cluster, outcome.message ?? ''), steps).then(async (c) => {
      if (!c) return;
      const text = `# ${layer.markdownText(vscode.l10n.t('Manual cleanup of {0}', cluster))}\n\n${layer.markdownQuote(outcome.message ?? '')}\n\n${layer.cleanupAdvice(last).manualSteps.join('\n')}\n`;
      const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
      await vscode.commands.executeCommand('markdown.showPreview', document.uri);
    });
  } else {
    const diagnose = vscode.l10n.t('Diagnose Cluster');
    void vscode.window.showWarningMessage(vscode.l10n.t('{0}: the cleanup has not been seen to end (LCA may still be working, or failed again with the same message).', cluster), diagnose).then((c) => {
      if (c) void parts.run.diagnose({ ref: { context: session.context.name, name: cluster, cluster } });
    });
  }
  return { outcome: 'done', state: outcome.state, ...(outcome.message ? { message: outcome.message } : {}) };
}

/** What a cleanup retry is decided on: the IBU's stage, its Idle condition, and whether it is already annotated. */
function cleanupView(ibu: KubeObject): unknown {
  const idle = ((ibu.status?.conditions ?? []) as { type?: string; status?: string; reason?: string; message?: string }[]).find((c) => c.type === 'Idle');
  return { stage: ibu.spec?.stage, idle: idle ? { status: idle.status, reason: idle.reason, message: idle.message } : undefined, manualCleanupDone: ibu.metadata.annotations?.['lca.openshift.io/manual-cleanup-done'] };
}
