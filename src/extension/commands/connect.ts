/** Connect, disconnect and reconnect hubs, and start the sandbox hub. */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { shippedScenarios } from '../sandbox-process';
import type { HubCommandParts } from './parts';
import { pickHub, type Target } from './targets';

export async function connect(parts: HubCommandParts): Promise<void> {
  const view = parts.hubs.contexts();
  const shown = new Set(parts.hubs.list().map((s) => s.context.name));
  type Item = vscode.QuickPickItem & { context?: string; action?: 'file' | 'sandbox' };
  const items: Item[] = view.contexts.map((c) => ({
    label: c.name,
    description: c.name === view.current ? vscode.l10n.t('current context') : undefined,
    detail: `${c.server}${c.namespace ? ` · namespace ${c.namespace}` : ''} · ${path.basename(c.file)}`,
    picked: shown.has(c.name),
    context: c.name,
  }));
  if (!items.length) {
    const why = view.problems.length ? view.problems.map((p) => `${p.file}: ${p.message}`).join('; ') : vscode.l10n.t('no contexts in {0}', view.files.join(', ') || vscode.l10n.t('KUBECONFIG or ~/.kube/config'));
    const file = vscode.l10n.t('Choose Kubeconfig File…');
    const sandbox = vscode.l10n.t('Start Sandbox Hub');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('No kubeconfig context to connect to ({0}).', why), file, sandbox);
    if (choice === file) await chooseKubeconfigFile();
    if (choice === sandbox) await startSandbox(parts);
    return;
  }
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: vscode.l10n.t('Hubs to show (one root node each)'),
    placeHolder: vscode.l10n.t('Contexts of {0}', view.files.map((f) => path.basename(f)).join(', ')),
  });
  if (!picked) return;
  const names = picked.map((p) => p.context!);
  await parts.hubs.unhide(names);
  await configTarget().update('contexts', names, configScope());
}

async function chooseKubeconfigFile(): Promise<void> {
  const files = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: vscode.l10n.t('Use This Kubeconfig'), title: vscode.l10n.t('Kubeconfig file for IBGU Tools on this machine') });
  // A machine setting (a workspace cannot redirect the hub): in a remote window VS Code writes it to the
  // remote machine's settings.
  if (files?.[0]) await configTarget().update('kubeconfig', files[0].fsPath, vscode.ConfigurationTarget.Global);
}

function configTarget(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('ibgu.hub');
}

/** Settings pin hubs per workspace when there is one. */
function configScope(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

export async function disconnect(parts: HubCommandParts, node?: Target): Promise<void> {
  const session = await pickHub(parts.hubs, node);
  if (!session) return;
  if (session.context.file === parts.sandbox.kubeconfigPath) {
    parts.sandbox.stop();
    return;
  }
  await parts.hubs.hide(session.context.name);
}

export async function reconnect(parts: HubCommandParts, node?: Target): Promise<void> {
  const session = await pickHub(parts.hubs, node);
  if (!session) return;
  session.connection.stop();
  session.synced = false;
  session.connection.start();
}

export async function startSandbox(parts: HubCommandParts, options?: { scenario?: string; timeScale?: number; clusters?: number }): Promise<string | undefined> {
  let scenario = options?.scenario;
  if (!options) {
    const scenarios = shippedScenarios(parts.context.extensionPath);
    const healthy = { label: vscode.l10n.t('healthy'), description: vscode.l10n.t('3 clusters, no faults'), file: '' };
    const choice = await vscode.window.showQuickPick([...scenarios, healthy], { title: vscode.l10n.t('Sandbox hub scenario'), placeHolder: vscode.l10n.t('Simulated clusters, labels and faults') });
    if (!choice) return undefined;
    scenario = choice.file || undefined;
  }
  const timeScale = options?.timeScale ?? vscode.workspace.getConfiguration('ibgu.sandbox').get<number>('timeScale', 1);
  try {
    const file = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Starting the sandbox hub') }, () =>
      parts.sandbox.start({ timeScale, ...(scenario ? { scenario } : {}), ...(options?.clusters !== undefined ? { clusters: options.clusters } : {}) }),
    );
    void vscode.commands.executeCommand('ibgu.hubs.focus');
    return file;
  } catch (error) {
    void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
    return undefined;
  }
}
