import * as vscode from 'vscode';
import type { Hubs } from '../hubs';
import { reconcile } from '../../hub/tree-reconcile';
import type { TreeFilter, TreeNode } from '../../hub/types';

/** How long model changes are gathered before the tree is rebuilt: a burst of watch events is one refresh. */
const REFRESH_MS = 150;

/**
 * The `ibgu.hubs` view: one root per hub, built by the tree model (src/hub/tree-model.ts) from
 * the session's index; this class only maps its nodes to TreeItems, gathers refreshes, and keeps the
 * filter. Node ids come from the model (uids), so expansion and selection survive rebuilds, and a rebuild
 * refreshes only the nodes whose row or children changed (tree-reconcile.ts): a refresh makes VS Code
 * forget the elements below a node for a moment, and a command chosen from a row's menu then would arrive
 * without its element.
 */
export class HubTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private roots: TreeNode[] = [];
  /** The nodes whose children VS Code has asked for (the only ones whose children a rebuild compares). */
  private readonly fetched = new WeakSet<TreeNode>();
  private filter: TreeFilter = {};
  private timer: NodeJS.Timeout | undefined;
  /** While a hub waits to reconnect, its "retry in N s" counts down: the next rebuild. */
  private countdown: NodeJS.Timeout | undefined;
  readonly view: vscode.TreeView<TreeNode>;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  /** When the model last became the tree (for tests and the bench: a rebuild after a change). */
  lastBuiltAt = 0;

  constructor(private readonly hubs: Hubs) {
    this.view = vscode.window.createTreeView('ibgu.hubs', { treeDataProvider: this, canSelectMany: true, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.view.onDidChangeVisibility((e) => this.visibility(e.visible)),
      hubs.onDidChange(() => this.schedule()),
      // Trust granted after start: the view starts its connections and shows the hubs it could not before.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.visibility(this.view.visible)),
    );
    if (this.view.visible) this.visibility(true);
    void this.setFilterContext();
  }

  private visibility(visible: boolean): void {
    if (!vscode.workspace.isTrusted) return;
    this.hubs.setViewVisible(visible);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.rebuild();
    }, REFRESH_MS);
  }

  /** Rebuilds every root from the current model now (a refresh is otherwise gathered for a moment). */
  rebuild(): void {
    let next: TreeNode[] = [];
    clearTimeout(this.countdown);
    if (vscode.workspace.isTrusted) {
      const sessions = this.hubs.list();
      const layer = sessions.length ? this.hubs.load() : undefined;
      const now = Date.now();
      next = sessions.map((s) =>
        layer!.buildHubTree({ context: s.context.name, state: s.state, rollouts: s.rollouts(), managedClusters: s.list('ManagedCluster'), now }, this.filter),
      );
      if (this.view.visible && sessions.some((s) => s.state.phase !== 'connected' && (s.state.retryAt ?? 0) > now)) this.countdown = setTimeout(() => this.schedule(), 1000);
    }
    const { roots, changed } = reconcile(this.roots, next, (node) => this.fetched.has(node));
    this.roots = roots;
    this.lastBuiltAt = Date.now();
    if (changed === 'all') this.emitter.fire(undefined);
    else if (changed.length) this.emitter.fire(changed);
    this.view.message = this.filterMessage();
  }

  /** The current roots (what the view shows), for commands and tests. */
  get nodes(): readonly TreeNode[] {
    return this.roots;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, collapsible(node.collapsible));
    item.id = node.id;
    if (node.description !== undefined) item.description = node.description;
    if (node.tooltip) {
      const tip = new vscode.MarkdownString(node.tooltip);
      tip.supportThemeIcons = true;
      item.tooltip = tip;
    }
    if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    item.contextValue = node.contextValue;
    if (node.kind === 'ibgu') item.command = { title: 'Open Rollout Dashboard', command: 'ibgu.openDashboard', arguments: [node] };
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) {
      if (!this.roots.length && this.hubs.list().length) this.rebuild();
      return [...this.roots];
    }
    this.fetched.add(node);
    return node.children ? [...node.children] : [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    const find = (nodes: readonly TreeNode[], parent: TreeNode | undefined): TreeNode | undefined | null => {
      for (const n of nodes) {
        if (n.id === node.id) return parent ?? null;
        if (n.collapsible !== 'none' && n.children) {
          const found = find(n.children, n);
          if (found !== undefined) return found;
        }
      }
      return undefined;
    };
    return find(this.roots, undefined) ?? undefined;
  }

  /** The node with this id in the current tree (e.g. a cluster to reveal from the dashboard). */
  findById(id: string): TreeNode | undefined {
    const walk = (nodes: readonly TreeNode[]): TreeNode | undefined => {
      for (const n of nodes) {
        if (n.id === id) return n;
        const hit = n.children ? walk(n.children) : undefined;
        if (hit) return hit;
      }
      return undefined;
    };
    return walk(this.roots);
  }

  get currentFilter(): TreeFilter {
    return { ...this.filter };
  }

  setFilter(filter: TreeFilter): void {
    this.filter = { ...filter };
    void this.setFilterContext();
    this.rebuild();
  }

  private filterMessage(): string | undefined {
    const parts: string[] = [];
    if (this.filter.failedOnly) parts.push(vscode.l10n.t('failed only'));
    if (this.filter.text) parts.push(vscode.l10n.t('names containing "{0}"', this.filter.text));
    return parts.length ? vscode.l10n.t('Filter: {0}', parts.join(', ')) : undefined;
  }

  private async setFilterContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'ibgu.filter.failedOnly', !!this.filter.failedOnly);
    await vscode.commands.executeCommand('setContext', 'ibgu.filter.active', !!(this.filter.failedOnly || this.filter.text));
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearTimeout(this.countdown);
    for (const d of this.disposables) d.dispose();
  }
}

function collapsible(state: TreeNode['collapsible']): vscode.TreeItemCollapsibleState {
  return state === 'expanded' ? vscode.TreeItemCollapsibleState.Expanded : state === 'collapsed' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
}
