import * as vscode from 'vscode';
import type { HubSession, Hubs } from '../hubs';
import type { Rollout } from '../../hub/types';
import { rolloutNews, type RolloutNews } from '../../hub/news';

/**
 * The status-bar item (how many rollouts are running on the shown hubs) and the notifications: when a plan
 * step ends and when clusters fail, never for every event, and never for what was already so when the view
 * connected. `ibgu.hub.notifications` turns them down or off.
 */
export class RolloutWatch implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ibgu.rollouts', vscode.StatusBarAlignment.Left, 10);
  private readonly seen = new Map<string, Rollout>();
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [this.item];
  /** Every notification shown, newest last (the tests read it; the user sees the notifications). */
  readonly shown: string[] = [];

  constructor(private readonly hubs: Hubs) {
    this.item.name = vscode.l10n.t('IBGU rollouts');
    this.item.command = 'ibgu.hubs.focus';
    this.disposables.push(hubs.onDidChange(() => this.schedule()));
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.update();
    }, 250);
  }

  private update(): void {
    let active = 0;
    const live = new Set<string>();
    for (const session of this.hubs.list()) {
      for (const rollout of session.rollouts()) {
        const key = `${session.context.name}/${rollout.uid}`;
        live.add(key);
        if (rollout.state === 'progressing') active++;
        const before = this.seen.get(key);
        this.seen.set(key, rollout);
        if (before && session.synced) this.announce(session, rollout, rolloutNews(before, rollout));
      }
    }
    for (const key of this.seen.keys()) if (!live.has(key)) this.seen.delete(key);
    if (active > 0) {
      this.item.text = `$(sync~spin) ${vscode.l10n.t(active === 1 ? '{0} rollout' : '{0} rollouts', active)}`;
      this.item.tooltip = vscode.l10n.t('Image-based group upgrades in progress on the shown hubs. Click to show them.');
      this.item.show();
    } else {
      this.item.hide();
    }
  }

  private announce(session: HubSession, rollout: Rollout, news: RolloutNews): void {
    const level = vscode.workspace.getConfiguration('ibgu.hub').get<string>('notifications', 'all');
    if (level === 'off') return;
    const ibgu = `${rollout.namespace}/${rollout.name}`;
    const open = vscode.l10n.t('Open Dashboard');
    const target = { kind: 'ibgu', ref: { context: session.context.name, namespace: rollout.namespace, name: rollout.name, uid: rollout.uid } };
    const show = (text: string, warn: boolean) => {
      this.shown.push(text);
      const promise = warn ? vscode.window.showWarningMessage(text, open) : vscode.window.showInformationMessage(text, open);
      void promise.then((choice) => {
        if (choice === open) void vscode.commands.executeCommand('ibgu.openDashboard', target);
      });
    };
    if (news.newlyFailed.length === 1) {
      const c = news.newlyFailed[0]!;
      const early = c.early ? vscode.l10n.t(' (reported by LCA; not yet reported by TALM)') : '';
      show(vscode.l10n.t('{0}: {1} failed {2}{3}: {4}', ibgu, c.name, c.action ?? vscode.l10n.t('its step'), early, firstLine(c.message) ?? vscode.l10n.t('no message')), true);
    } else if (news.newlyFailed.length > 1) {
      const names = news.newlyFailed.slice(0, 3).map((c) => c.name).join(', ');
      show(vscode.l10n.t('{0}: {1} clusters failed ({2}{3}).', ibgu, news.newlyFailed.length, names, news.newlyFailed.length > 3 ? ', …' : ''), true);
    }
    if (level !== 'all') return;
    for (const step of news.stepsEnded) {
      const what = `${step.index + 1}. ${step.actions.join(', ')}`;
      show(
        step.state === 'completed'
          ? vscode.l10n.t('{0}: step {1} completed: {2} clusters completed, {3} failed.', ibgu, what, step.completed, step.failed)
          : vscode.l10n.t('{0}: step {1} timed out: {2} clusters completed, {3} failed.', ibgu, what, step.completed, step.failed),
        step.state !== 'completed' || step.failed > 0,
      );
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

function firstLine(text: string | undefined): string | undefined {
  return text?.split('\n').find((l) => l.trim())?.trim();
}
