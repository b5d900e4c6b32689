/** The IBGU view's name filter, and the lens's request to count matching clusters (which connects). */
import * as vscode from 'vscode';
import type { HubCommandParts } from './parts';

export async function filterByName(parts: HubCommandParts): Promise<void> {
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Filter the IBGU view'),
    prompt: vscode.l10n.t('Show IBGUs and clusters whose name contains this text (empty: no name filter)'),
    value: parts.tree.currentFilter.text ?? '',
  });
  if (text === undefined) return;
  parts.tree.setFilter({ ...parts.tree.currentFilter, text: text.trim() || undefined });
}

export async function countMatches(parts: HubCommandParts): Promise<void> {
  const sessions = parts.hubs.list();
  if (!sessions.length) {
    void vscode.commands.executeCommand('ibgu.connect');
    return;
  }
  // Connecting is what the lens asks for: the counts follow as soon as the ManagedClusters are listed, and
  // stay live for two minutes (or as long as the IBGU view is open).
  const hold = parts.hubs.hold();
  setTimeout(() => hold.dispose(), 120_000);
  vscode.window.setStatusBarMessage(vscode.l10n.t('IBGU: reading the ManagedClusters of {0}…', sessions.map((s) => s.context.name).join(', ')), 5000);
}
