import * as vscode from 'vscode';
import * as path from 'node:path';
import type { HubSession, Hubs } from './hubs';
import type { Confirmation } from './confirm';
import type { SandboxProcess } from './sandbox-process';
import { shippedScenarios } from './sandbox-process';
import type { HubTree } from './views/hub-tree';
import type { HubContent } from './views/hub-content';
import type { KubeObject, TreeNode } from '../hub/types';
import { DashboardPanel } from './views/dashboard';
import { PlanEditorPanel } from './views/plan-editor';
import { registerRowCommand } from './row-command';

/** What `ibgu.applyToHub` ended with (returned to whoever ran the command, e.g. a test). */
export type ApplyOutcome =
  | { outcome: 'applied'; created: boolean; object: KubeObject }
  | { outcome: 'blocked'; findings: { rule: string; message: string; line: number }[] }
  | { outcome: 'cancelled' }
  | { outcome: 'failed'; message: string }
  | { outcome: 'nothing'; message: string };

/** A tree node or a plain reference, as commands receive them from menus, the dashboard or the palette. */
type Target = Pick<TreeNode, 'ref'> & Partial<TreeNode>;

const IBGU_API = 'lcm.openshift.io/v1alpha1';
const IBGU_KIND = 'ImageBasedGroupUpgrade';

/**
 * The hub commands: connect, the sandbox, apply (core rules first, then a diff of what the server would
 * store, then one confirmation), append a step, delete, dashboards, live YAML, filters, new IBGU from clusters.
 */
export class HubCommands implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly hubs: Hubs,
    private readonly tree: HubTree,
    private readonly sandbox: SandboxProcess,
    private readonly content: HubContent,
    private readonly log: vscode.LogOutputChannel,
    private readonly confirmation: Confirmation,
  ) {
    const command = (id: string, run: (...args: any[]) => unknown) => this.disposables.push(vscode.commands.registerCommand(id, run));
    // Commands of the view's rows: see registerRowCommand.
    const row = (id: string, title: string, run: (node: Target | undefined, ...rest: any[]) => unknown) => this.disposables.push(registerRowCommand(id, title, run));
    command('ibgu.connect', () => this.connect());
    row('ibgu.disconnect', vscode.l10n.t('Disconnect Hub'), (node) => this.disconnect(node));
    row('ibgu.reconnect', vscode.l10n.t('Reconnect Hub'), (node) => this.reconnect(node));
    command('ibgu.startSandbox', (options?: { scenario?: string; timeScale?: number; clusters?: number }) => this.startSandbox(options));
    command('ibgu.stopSandbox', () => this.sandbox.stop());
    command('ibgu.applyToHub', (uri?: vscode.Uri, document?: number, offset?: number, hub?: string) => this.apply(uri, document, offset, hub));
    command('ibgu.confirmApply', () => this.confirmation.settle(true));
    command('ibgu.cancelApply', () => this.confirmation.settle(false));
    row('ibgu.appendStep', vscode.l10n.t('Append Plan Step…'), (node) => this.appendStep(node));
    row('ibgu.deleteIbgu', vscode.l10n.t('Delete IBGU…'), (node) => this.deleteIbgu(node));
    row('ibgu.openDashboard', vscode.l10n.t('Open Rollout Dashboard'), (node) => this.openDashboard(node));
    row('ibgu.showLiveYaml', vscode.l10n.t('Show Live YAML'), (node) => this.showLiveYaml(node));
    row('ibgu.newIbguFromClusters', vscode.l10n.t('New IBGU from Clusters'), (node, nodes?: Target[]) => this.newFromClusters(node, nodes));
    command('ibgu.filterFailed', () => this.tree.setFilter({ ...this.tree.currentFilter, failedOnly: true }));
    command('ibgu.clearFilter', () => this.tree.setFilter({}));
    command('ibgu.filterByName', () => this.filterByName());
    command('ibgu.countMatches', () => this.countMatches());
  }

  // ---- connect ----

  private async connect(): Promise<void> {
    const view = this.hubs.contexts();
    const shown = new Set(this.hubs.list().map((s) => s.context.name));
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
      if (choice === file) await this.chooseKubeconfigFile();
      if (choice === sandbox) await this.startSandbox();
      return;
    }
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: vscode.l10n.t('Hubs to show (one root node each)'),
      placeHolder: vscode.l10n.t('Contexts of {0}', view.files.map((f) => path.basename(f)).join(', ')),
    });
    if (!picked) return;
    const names = picked.map((p) => p.context!);
    await this.hubs.unhide(names);
    await this.configTarget().update('contexts', names, this.configScope());
  }

  private async chooseKubeconfigFile(): Promise<void> {
    const files = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: vscode.l10n.t('Use This Kubeconfig'), title: vscode.l10n.t('Kubeconfig file for IBGU Tools on this machine') });
    // A machine setting (a workspace cannot redirect the hub): in a remote window VS Code writes it to the
    // remote machine's settings.
    if (files?.[0]) await this.configTarget().update('kubeconfig', files[0].fsPath, vscode.ConfigurationTarget.Global);
  }

  private configTarget(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('ibgu.hub');
  }

  /** Settings pin hubs per workspace when there is one. */
  private configScope(): vscode.ConfigurationTarget {
    return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  }

  private async disconnect(node?: Target): Promise<void> {
    const session = await this.session(node);
    if (!session) return;
    if (session.context.file === this.sandbox.kubeconfigPath) {
      this.sandbox.stop();
      return;
    }
    await this.hubs.hide(session.context.name);
  }

  private async reconnect(node?: Target): Promise<void> {
    const session = await this.session(node);
    if (!session) return;
    session.connection.stop();
    session.synced = false;
    session.connection.start();
  }

  private async startSandbox(options?: { scenario?: string; timeScale?: number; clusters?: number }): Promise<string | undefined> {
    let scenario = options?.scenario;
    if (!options) {
      const scenarios = shippedScenarios(this.context.extensionPath);
      const healthy = { label: vscode.l10n.t('healthy'), description: vscode.l10n.t('3 clusters, no faults'), file: '' };
      const choice = await vscode.window.showQuickPick([...scenarios, healthy], { title: vscode.l10n.t('Sandbox hub scenario'), placeHolder: vscode.l10n.t('Simulated clusters, labels and faults') });
      if (!choice) return undefined;
      scenario = choice.file || undefined;
    }
    const timeScale = options?.timeScale ?? vscode.workspace.getConfiguration('ibgu.sandbox').get<number>('timeScale', 1);
    try {
      const file = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Starting the sandbox hub') }, () =>
        this.sandbox.start({ timeScale, ...(scenario ? { scenario } : {}), ...(options?.clusters !== undefined ? { clusters: options.clusters } : {}) }),
      );
      void vscode.commands.executeCommand('ibgu.hubs.focus');
      return file;
    } catch (error) {
      void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
      return undefined;
    }
  }

  // ---- apply ----

  private async apply(uri?: vscode.Uri, documentIndex?: number, offset?: number, hub?: string): Promise<ApplyOutcome> {
    const editor = vscode.window.activeTextEditor;
    const document = uri ? await vscode.workspace.openTextDocument(uri) : editor?.document;
    if (!document) return this.nothing(vscode.l10n.t('Open a YAML file with an ImageBasedGroupUpgrade to apply it.'));
    const layer = this.hubs.load();
    const text = document.getText();
    const ibgus = layer.ibgusInText(text);
    let target = ibgus.find((i) => i.document === documentIndex);
    if (!target && documentIndex === undefined) {
      const cursor = offset ?? (editor?.document === document ? document.offsetAt(editor.selection.active) : -1);
      target = ibgus.length === 1 ? ibgus[0] : [...ibgus].reverse().find((i) => i.offset <= cursor) ?? (offset !== undefined ? ibgus.find((i) => i.offset >= offset) : undefined);
    }
    if (!target) return this.nothing(ibgus.length ? vscode.l10n.t('Put the cursor in the ImageBasedGroupUpgrade to apply.') : vscode.l10n.t('There is no ImageBasedGroupUpgrade in {0}.', path.basename(document.uri.path)));
    const session = hub ? this.hubs.get(hub) : await this.session(undefined, vscode.l10n.t('Apply to which hub?'));
    if (!session) return this.nothing(vscode.l10n.t('No hub is connected.'));
    const hold = this.hubs.hold();
    try {
      const object = structuredClone(target.object);
      object.metadata = { ...object.metadata, namespace: object.metadata?.namespace ?? session.context.namespace ?? 'default' };
      const id = `${object.metadata.namespace}/${object.metadata.name}`;
      const live = await session.connection.read(IBGU_API, IBGU_KIND, object.metadata.namespace, object.metadata.name);
      const blocking = layer.blockingFindings(document.uri.fsPath || document.uri.path, text, target.document, live);
      if (blocking.length) {
        const first = blocking[0]!;
        const more = blocking.length > 1 ? vscode.l10n.t(' (and {0} more)', blocking.length - 1) : '';
        void vscode.window.showErrorMessage(vscode.l10n.t('Not applied: {0} line {1}: {2}{3}', first.rule, first.range.start.line + 1, first.message.split('\n')[0]!, more), vscode.l10n.t('Show Problems')).then((c) => {
          if (c) void vscode.commands.executeCommand('workbench.actions.view.problems');
        });
        return { outcome: 'blocked', findings: blocking.map((f) => ({ rule: f.rule, message: f.message, line: f.range.start.line })) };
      }
      if (live?.metadata.resourceVersion) object.metadata.resourceVersion = live.metadata.resourceVersion;
      const result = await session.connection.dryRunApply(object);
      const before = layer.diffText(live);
      const after = layer.diffText(result);
      if (live && before === after) {
        void vscode.window.showInformationMessage(vscode.l10n.t('{0} on {1} is already as this file says: nothing to apply.', id, session.context.name));
        return { outcome: 'nothing', message: 'unchanged' };
      }
      const left = this.content.set(`/${session.context.name}/${id}.hub.yaml`, before);
      const right = this.content.set(`/${session.context.name}/${id}.applied.yaml`, after);
      const verb = live ? vscode.l10n.t('change') : vscode.l10n.t('create');
      // The question is open before the diff shows, so an answer given from the diff's title bar is never early.
      const answer = this.confirmation.ask(vscode.l10n.t('Apply will {0} ImageBasedGroupUpgrade {1} on {2}, as the diff shows.', verb, id, session.context.name), vscode.l10n.t('Apply'));
      await vscode.commands.executeCommand('vscode.diff', left, right, vscode.l10n.t('{0}: on {1} ↔ after apply ({2})', id, session.context.name, verb), { preview: true });
      const confirmed = await answer;
      if (!confirmed) return { outcome: 'cancelled' };
      // Conditional on the diff: on the live object it was made against, outside its status (or on there being none).
      const applied = await session.connection.apply(object, live ? { object: live } : undefined);
      await this.closeDiff(right);
      if (applied.metadata.uid) void this.revealIbgu(session, applied.metadata.uid);
      const open = vscode.l10n.t('Open Dashboard');
      void vscode.window.showInformationMessage(live ? vscode.l10n.t('Applied {0} to {1}.', id, session.context.name) : vscode.l10n.t('Created {0} on {1}.', id, session.context.name), open).then((c) => {
        if (c) void this.openDashboard({ ref: { context: session.context.name, namespace: applied.metadata.namespace!, name: applied.metadata.name, ...(applied.metadata.uid ? { uid: applied.metadata.uid } : {}) } });
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

  private nothing(message: string): ApplyOutcome {
    void vscode.window.showWarningMessage(message);
    return { outcome: 'nothing', message };
  }

  private async closeDiff(right: vscode.Uri): Promise<void> {
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === right.toString()) await vscode.window.tabGroups.close(tab);
      }
    }
  }

  // ---- IBGU actions ----

  private async appendStep(node?: Target): Promise<PlanEditorPanel | undefined> {
    const found = await this.ibgu(node);
    if (!found) return undefined;
    const { session, object } = found;
    const uid = object.metadata.uid!;
    const namespace = object.metadata.namespace!;
    const name = object.metadata.name;
    const hold = this.hubs.hold();
    const current = () => session.list('ImageBasedGroupUpgrade').find((o) => o.metadata.uid === uid);
    const panel = PlanEditorPanel.open(this.context.extensionUri, uid, vscode.l10n.t('Append step: {0}', `${namespace}/${name}`), {
      current,
      append: async (expectedPlan, step) => {
        await session.connection.appendStep(namespace, name, expectedPlan, step);
        this.log.info(`Appended a step (${step.actions.join(', ')}) to ${namespace}/${name} on ${session.context.name}.`);
      },
      validate: (expectedPlan, step) => this.hubs.load().appendErrors(expectedPlan, step),
      onDidChange: (listener) => this.hubs.onDidChange((s) => {
        if (!s || s === session) listener();
      }),
    });
    panel.panel.onDidDispose(() => hold.dispose());
    return panel;
  }

  private async deleteIbgu(node?: Target): Promise<boolean> {
    const found = await this.ibgu(node);
    if (!found) return false;
    const { session, object } = found;
    const id = `${object.metadata.namespace}/${object.metadata.name}`;
    const rollout = session.rollout(object.metadata.uid!);
    const labelled = rollout ? rollout.clusters.filter((c) => c.phase === 'completed' || c.phase === 'failed').length : 0;
    const detail = [
      vscode.l10n.t('TALM deletes its ClusterGroupUpgrades and templates with it; steps in progress stop being driven.'),
      vscode.l10n.t('The lcm.openshift.io/ibgu-<action>-completed and -failed labels stay on the clusters ({0} have some). A later IBGU selects by them: its Upgrade step takes only clusters labelled ibgu-prep-completed, FinalizeUpgrade and Rollback only ibgu-upgrade-completed, AbortOnFailure only ibgu-prep-failed or ibgu-upgrade-failed. Remove labels that no longer say the truth before planning the next IBGU.', labelled),
    ].join('\n\n');
    const remove = vscode.l10n.t('Delete');
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Delete ImageBasedGroupUpgrade {0} from {1}?', id, session.context.name), { modal: true, detail }, remove);
    if (choice !== remove) return false;
    try {
      // Conditional on the IBGU the question named: its plan and labels (TALM's status updates do not count).
      await session.connection.delete(IBGU_API, IBGU_KIND, object.metadata.namespace, object.metadata.name, { object });
      void vscode.window.showInformationMessage(vscode.l10n.t('Deleted {0} from {1}; the cluster labels stay.', id, session.context.name));
      return true;
    } catch (error) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Not deleted: {0}', error instanceof Error ? error.message : String(error)));
      return false;
    }
  }

  private async openDashboard(node?: Target): Promise<DashboardPanel | undefined> {
    const found = await this.ibgu(node);
    if (!found) return undefined;
    const { session, object } = found;
    const uid = object.metadata.uid!;
    const hold = this.hubs.hold();
    const panel = DashboardPanel.show(
      this.context.extensionUri,
      uid,
      `${object.metadata.namespace}/${object.metadata.name}`,
      {
        rollout: () => session.rollout(uid),
        state: () => session.state,
        onDidChange: (listener) => this.hubs.onDidChange((s) => {
          if (!s || s === session) listener();
        }),
      },
      {
        revealCluster: (name) => void this.revealCluster(session, uid, name),
      },
    );
    panel.panel.onDidDispose(() => hold.dispose());
    return panel;
  }

  /** Shows an IBGU just applied in the view, selected (keyboard focus stays where it is), once the hub's watch has brought it. */
  private async revealIbgu(session: HubSession, uid: string): Promise<void> {
    const id = `${session.context.name}/ibgu/${uid}`;
    const find = () => this.tree.nodes.find((r) => r.id === session.context.name)?.children?.find((n) => n.kind === 'ibgus')?.children?.find((n) => n.id === id);
    const node = find() ?? (await new Promise<TreeNode | undefined>((resolve) => {
      const done = (found: TreeNode | undefined) => {
        clearTimeout(timer);
        listening.dispose();
        resolve(found);
      };
      const timer = setTimeout(() => done(undefined), 10_000);
      const listening = this.tree.onDidChangeTreeData(() => {
        const found = find();
        if (found) done(found);
      });
    }));
    if (node) await this.tree.view.reveal(node, { select: true, focus: false, expand: true });
  }

  private async revealCluster(session: HubSession, uid: string, name: string): Promise<void> {
    this.tree.rebuild();
    const prefix = `${session.context.name}/ibgu/${uid}/`;
    const walk = (nodes: readonly TreeNode[]): TreeNode | undefined => {
      for (const n of nodes) {
        if (n.kind === 'cluster' && n.id.startsWith(prefix) && n.ref?.cluster === name) return n;
        const hit = n.children ? walk(n.children) : undefined;
        if (hit) return hit;
      }
      return undefined;
    };
    const node = walk(this.tree.nodes);
    if (node) await this.tree.view.reveal(node, { select: true, focus: true, expand: true });
  }

  private async showLiveYaml(node?: Target): Promise<void> {
    const session = await this.session(node);
    if (!session || !node?.ref) return;
    const kind = node.kind === 'managedCluster' || node.kind === 'cluster' ? 'ManagedCluster' : 'ImageBasedGroupUpgrade';
    const name = kind === 'ManagedCluster' ? node.ref.cluster ?? node.ref.name : node.ref.name;
    const object = session.list(kind).find((o) => o.metadata.name === name && (kind === 'ManagedCluster' || o.metadata.namespace === node.ref!.namespace));
    if (!object) {
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} is no longer on {1}.', name, session.context.name));
      return;
    }
    const copy = structuredClone(object) as KubeObject;
    delete copy.metadata.managedFields;
    const uri = this.content.set(`/${session.context.name}/${kind}/${object.metadata.namespace ?? '_'}/${name}.yaml`, this.hubs.load().yamlText(copy));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, 'yaml');
    await vscode.window.showTextDocument(document, { preview: true });
  }

  private async newFromClusters(node?: Target, nodes?: Target[]): Promise<vscode.TextDocument | undefined> {
    const chosen = (nodes?.length ? nodes : node ? [node] : []).filter((n) => n.ref);
    const names = chosen.map((n) => n.ref!.cluster ?? n.ref!.name);
    if (!names.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select clusters in the IBGU view (Ctrl/Cmd+click for several), then choose New IBGU from Clusters.'));
      return undefined;
    }
    const session = this.hubs.get(chosen[0]!.ref!.context);
    const ibgus = session ? [...session.list('ImageBasedGroupUpgrade')] : [];
    const newest = ibgus.sort((a, b) => String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')))[0];
    const namespace = newest?.metadata.namespace ?? session?.context.namespace ?? 'default';
    const text = this.hubs.load().newIbguText(names, { namespace, ...(newest ? { template: newest } : {}) });
    const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: text });
    await vscode.window.showTextDocument(document);
    return document;
  }

  private async filterByName(): Promise<void> {
    const text = await vscode.window.showInputBox({
      title: vscode.l10n.t('Filter the IBGU view'),
      prompt: vscode.l10n.t('Show IBGUs and clusters whose name contains this text (empty: no name filter)'),
      value: this.tree.currentFilter.text ?? '',
    });
    if (text === undefined) return;
    this.tree.setFilter({ ...this.tree.currentFilter, text: text.trim() || undefined });
  }

  private async countMatches(): Promise<void> {
    const sessions = this.hubs.list();
    if (!sessions.length) {
      void vscode.commands.executeCommand('ibgu.connect');
      return;
    }
    // Connecting is what the lens asks for: the counts follow as soon as the ManagedClusters are listed, and
    // stay live for two minutes (or as long as the IBGU view is open).
    const hold = this.hubs.hold();
    setTimeout(() => hold.dispose(), 120_000);
    vscode.window.setStatusBarMessage(vscode.l10n.t('IBGU: reading the ManagedClusters of {0}…', sessions.map((s) => s.context.name).join(', ')), 5000);
  }

  // ---- lookups ----

  /** The session a node belongs to, or the only one, or the user's choice. */
  private async session(node?: Target, title?: string): Promise<HubSession | undefined> {
    const sessions = this.hubs.list();
    if (node?.ref) return sessions.find((s) => s.context.name === node.ref!.context);
    if (sessions.length <= 1) return sessions[0];
    const picked = await vscode.window.showQuickPick(
      sessions.map((s) => ({ label: s.context.name, description: s.context.server, session: s })),
      { title: title ?? vscode.l10n.t('Which hub?') },
    );
    return picked?.session;
  }

  /** The IBGU a node stands for, from the session's cache; or one picked from a list. */
  private async ibgu(node?: Target): Promise<{ session: HubSession; object: KubeObject } | undefined> {
    const session = await this.session(node);
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

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
