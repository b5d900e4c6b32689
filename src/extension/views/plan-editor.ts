/**
 * The "Append step" plan editor's host: one webview panel per IBGU (media/plan-editor), fed the IBGU's plan
 * as the hub has it. Every message from the page is checked (shape, then the same TALM rules the page ran)
 * before the step goes to the write layer, which appends it with a `test` on the plan the user saw.
 */
import * as vscode from 'vscode';
import type { KubeObject } from '../../hub/types';
import type { NewPlanStep } from '../../shared/plan-editor-model';
import { parsePageMessage, planEditorHtml, type AppendMessage, type HostMessage, type StateMessage } from '../../shared/plan-editor-protocol';
import { newNonce, webviewRoots } from './webview-html';

/** What the panel needs from the hub layer. */
export interface PlanEditorHost {
  /** The IBGU as the hub has it now (undefined once deleted). */
  current(): KubeObject | undefined;
  /** Sends the patch; rejects with an Error whose message is shown (the write layer already words it, e.g. "the plan changed on the hub since it was read"). */
  append(expectedPlan: unknown[], step: NewPlanStep): Promise<void>;
  /**
   * The core's verdict on appending `step` after `expectedPlan` (plan-editor-model's appendErrors). Given by
   * the caller from the lazily loaded hub bundle, so the core's rules stay out of the activation bundle.
   */
  validate(expectedPlan: readonly unknown[], step: NewPlanStep): string[];
  onDidChange(listener: () => void): { dispose(): void };
}

const VIEW_TYPE = 'ibgu.planEditor';

/** The plan editor of one IBGU; opening it again for the same key shows the open one. */
export class PlanEditorPanel {
  private static readonly panels = new Map<string, PlanEditorPanel>();

  /** Opens (or reveals) the editor for `key` (the IBGU's uid). */
  static open(extensionUri: vscode.Uri, key: string, title: string, host: PlanEditorHost): PlanEditorPanel {
    const open = PlanEditorPanel.panels.get(key);
    if (open) {
      open.panel.reveal();
      return open;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, title, vscode.ViewColumn.Active, {
      enableScripts: true,
      // The user's text and its undo history live in the page: keep them while the tab is in the background.
      retainContextWhenHidden: true,
      localResourceRoots: webviewRoots(extensionUri),
    });
    const editor = new PlanEditorPanel(panel, extensionUri, host, title);
    PlanEditorPanel.panels.set(key, editor);
    panel.onDidDispose(() => PlanEditorPanel.panels.delete(key));
    return editor;
  }

  private readonly disposables: vscode.Disposable[] = [];
  private lastSent = '';
  private identity = { name: '', namespace: '' };
  private appending = false;
  private disposed = false;

  private constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly host: PlanEditorHost, title: string) {
    const file = (name: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'plan-editor', name)).toString();
    panel.webview.html = planEditorHtml({ cspSource: panel.webview.cspSource, scriptUri: file('main.js'), styleUri: file('main.css'), nonce: newNonce(), title });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => void this.receive(raw)),
      // Every hub change lands here; the page hears only about changes to this IBGU's plan.
      host.onDidChange(() => this.sendState(false)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private post(message: HostMessage): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  /** Sends the IBGU's plan when it differs from what the page has (always when `force`: the page reloaded). */
  private sendState(force: boolean): void {
    const ibgu = this.host.current();
    // Once deleted, the page keeps showing the name it had.
    if (ibgu) this.identity = { name: ibgu.metadata.name, namespace: ibgu.metadata.namespace ?? '' };
    const plan = ibgu ? (Array.isArray(ibgu.spec?.plan) ? (ibgu.spec.plan as unknown[]) : []) : null;
    const message: StateMessage = { type: 'state', ...this.identity, plan };
    const key = JSON.stringify(message);
    if (!force && key === this.lastSent) return;
    this.lastSent = key;
    this.post(message);
  }

  /**
   * Handles one message as the page sends it (the extension-host tests send theirs here too) and resolves
   * with the append's result, which is also what the page is told.
   */
  async receive(raw: unknown): Promise<{ ok: true } | { ok: false; message: string } | undefined> {
    const message = parsePageMessage(raw);
    if (!message) return undefined;
    if (message.type === 'ready') {
      this.sendState(true);
      return undefined;
    }
    return this.append(message);
  }

  private async append(message: AppendMessage): Promise<{ ok: true } | { ok: false; message: string }> {
    const refuse = (error: string) => {
      this.post({ type: 'appendResult', ok: false, error });
      return { ok: false as const, message: error };
    };
    if (this.appending) return refuse(vscode.l10n.t('An append is already being sent.'));
    if (!this.host.current()) return refuse(vscode.l10n.t('The IBGU no longer exists on the hub.'));
    // The page is not trusted: the step must pass the same rules after the plan the user saw.
    const errors = this.host.validate(message.expectedPlan, message.step);
    if (errors.length) return refuse(errors.join(' '));
    this.appending = true;
    try {
      await this.host.append(message.expectedPlan, message.step);
    } catch (error) {
      return refuse(error instanceof Error ? error.message : String(error));
    } finally {
      this.appending = false;
    }
    this.post({ type: 'appendResult', ok: true });
    const { namespace, name } = this.identity;
    void vscode.window.showInformationMessage(vscode.l10n.t('Appended step {0} [{1}] to {2}.', message.expectedPlan.length + 1, message.step.actions.join(', '), `${namespace}/${name}`));
    this.dispose();
    return { ok: true };
  }
}
