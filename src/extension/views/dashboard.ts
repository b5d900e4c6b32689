/**
 * The rollout dashboard: one webview panel per IBGU, fed from the hub model. Updates are paced (at most four
 * a second, the latest always sent) and held back while the panel is hidden; the page is rebuilt when shown
 * again (no retainContextWhenHidden) and asks for the state with `ready`.
 */
import * as vscode from 'vscode';
import type { ConnectionState, Rollout } from '../../hub/types';
import { UpdatePacer, parsePageMessage, type HostMessage } from '../../shared/dashboard-protocol';
import { webviewHtml, webviewRoots } from './webview-html';

/** Where a panel reads its IBGU from. */
export interface DashboardSource {
  /** The current rollout; undefined once the IBGU was deleted. */
  rollout(): Rollout | undefined;
  state(): ConnectionState;
  /** The hub's time scale (wall seconds per TALM minute) when it is a sandbox hub (its kubeconfig says so); undefined otherwise. */
  timeScale(): number | undefined;
  /** Fires on any model change touching this IBGU (and on connection changes). */
  onDidChange(listener: () => void): { dispose(): void };
}

/** What the page may ask the extension to do. */
export interface DashboardActions {
  revealCluster(name: string): void;
}

const VIEW_TYPE = 'ibgu.rolloutDashboard';

export class DashboardPanel {
  private static readonly open = new Map<string, DashboardPanel>();

  /** Opens the dashboard of the IBGU with this uid, or reveals the one already open. */
  static show(extensionUri: vscode.Uri, key: string, title: string, source: DashboardSource, actions: DashboardActions): DashboardPanel {
    const existing = DashboardPanel.open.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, vscode.l10n.t('Rollout: {0}', title), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: webviewRoots(extensionUri),
    });
    const dashboard = new DashboardPanel(panel, key, source, actions);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, { page: 'dashboard', title: vscode.l10n.t('Rollout: {0}', title) });
    DashboardPanel.open.set(key, dashboard);
    return dashboard;
  }

  private readonly disposables: { dispose(): void }[] = [];
  private readonly pacer: UpdatePacer;
  /** The page listens only once it said `ready` the first time; until then updates would be lost. */
  private pageReady = false;
  private disposed = false;

  private constructor(readonly panel: vscode.WebviewPanel, private readonly key: string, private readonly source: DashboardSource, private readonly actions: DashboardActions) {
    this.pacer = new UpdatePacer(() => this.send(), { now: Date.now, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) });
    // Nothing is sent until the page says `ready`.
    this.pacer.setVisible(false);
    this.disposables.push(
      source.onDidChange(() => this.pacer.changed()),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      // A hidden panel loses its page; if an update reaches the page while it is being rebuilt, the
      // rebuilt page's `ready` asks again.
      panel.onDidChangeViewState(() => this.pacer.setVisible(panel.visible && this.pageReady)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (DashboardPanel.open.get(this.key) === this) DashboardPanel.open.delete(this.key);
    this.pacer.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private receive(value: unknown): void {
    const message = parsePageMessage(value);
    if (!message) return;
    if (message.type === 'ready') {
      this.pageReady = true;
      this.pacer.flush();
      this.pacer.setVisible(this.panel.visible);
      return;
    }
    // Only clusters of this rollout: the page cannot make the extension look up arbitrary names.
    if (this.source.rollout()?.clusters.some((c) => c.name === message.cluster)) this.actions.revealCluster(message.cluster);
  }

  private send(): void {
    if (this.disposed || !this.pageReady) return;
    const message: HostMessage = { type: 'update', rollout: this.source.rollout() ?? null, state: this.source.state(), now: Date.now(), timeScale: this.source.timeScale() ?? null };
    void this.panel.webview.postMessage(message);
  }
}
