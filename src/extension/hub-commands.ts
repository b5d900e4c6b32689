import * as vscode from 'vscode';
import type { Hubs } from './hubs';
import type { Confirmation } from './confirm';
import type { SandboxProcess } from './sandbox-process';
import type { HubTree } from './views/hub-tree';
import type { HubContent } from './views/hub-content';
import { registerRowCommand } from './row-command';
import type { HubCommandParts } from './commands/parts';
import type { Target } from './commands/targets';
import { connect, disconnect, reconnect, startSandbox } from './commands/connect';
import { apply, applyConfigMapThenIbgu } from './commands/apply';
import { appendStep } from './commands/append-step';
import { deleteIbgu } from './commands/delete-ibgu';
import { openDashboard } from './commands/dashboard';
import { showLiveYaml } from './commands/live-yaml';
import { newFromClusters } from './commands/new-ibgu';
import { countMatches, filterByName } from './commands/view-filter';

/**
 * The hub commands, registered here and nowhere else: connect, the sandbox, apply (core rules first, then a
 * diff of what the server would store, then one confirmation), append a step, delete, dashboards, live YAML,
 * filters, new IBGU from clusters. Each command's code is in commands/, one file per concern.
 */
export class HubCommands implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    context: vscode.ExtensionContext,
    hubs: Hubs,
    tree: HubTree,
    sandbox: SandboxProcess,
    content: HubContent,
    log: vscode.LogOutputChannel,
    confirmation: Confirmation,
  ) {
    const parts: HubCommandParts = { context, hubs, tree, sandbox, content, log, confirmation };
    const command = (id: string, run: (...args: any[]) => unknown) => this.disposables.push(vscode.commands.registerCommand(id, run));
    // Commands of the view's rows: see registerRowCommand.
    const row = (id: string, title: string, run: (node: Target | undefined, ...rest: any[]) => unknown) => this.disposables.push(registerRowCommand(id, title, run));
    command('ibgu.connect', () => connect(parts));
    row('ibgu.disconnect', vscode.l10n.t('Disconnect Hub'), (node) => disconnect(parts, node));
    row('ibgu.reconnect', vscode.l10n.t('Reconnect Hub'), (node) => reconnect(parts, node));
    command('ibgu.startSandbox', (options?: { scenario?: string; timeScale?: number; clusters?: number }) => startSandbox(parts, options));
    command('ibgu.stopSandbox', () => sandbox.stop());
    command('ibgu.applyToHub', (uri?: vscode.Uri, document?: number, offset?: number, hub?: string) => apply(parts, uri, document, offset, hub));
    command('ibgu.applyConfigMapFromWorkspace', (file: vscode.Uri, namespace: string, name: string, hub: string, then?: vscode.Uri) => applyConfigMapThenIbgu(parts, file, namespace, name, hub, then));
    command('ibgu.confirmApply', () => confirmation.settle(true));
    command('ibgu.cancelApply', () => confirmation.settle(false));
    row('ibgu.appendStep', vscode.l10n.t('Append Plan Step…'), (node) => appendStep(parts, node));
    row('ibgu.deleteIbgu', vscode.l10n.t('Delete IBGU…'), (node) => deleteIbgu(parts, node));
    row('ibgu.openDashboard', vscode.l10n.t('Open Rollout Dashboard'), (node) => openDashboard(parts, node));
    row('ibgu.showLiveYaml', vscode.l10n.t('Show Live YAML'), (node) => showLiveYaml(parts, node));
    row('ibgu.newIbguFromClusters', vscode.l10n.t('New IBGU from Clusters'), (node, nodes?: Target[]) => newFromClusters(parts, node, nodes));
    command('ibgu.filterFailed', () => tree.setFilter({ ...tree.currentFilter, failedOnly: true }));
    command('ibgu.clearFilter', () => tree.setFilter({}));
    command('ibgu.filterByName', () => filterByName(parts));
    command('ibgu.countMatches', () => countMatches(parts));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
