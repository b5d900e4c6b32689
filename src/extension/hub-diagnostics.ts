import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { HUB_LOOKUPS_NOTIFICATION, HUB_NOTIFICATION, type HubLookupsParams, type HubParams } from '../shared/lsp-protocol';
import type { HubSession, Hubs } from './hubs';

const NO_LOOKUPS: HubLookupsParams = { ibgus: [], configMaps: [], secrets: [] };

/** Which hub checks the open files: the first connected one, a named one, or none. */
export type CheckHubChoice = 'auto' | 'off' | { hub: string };
const CHOICE_KEY = 'ibgu.checkHub';

/** A stored or passed choice, read defensively: anything else is `auto`. */
function readChoice(value: unknown): CheckHubChoice {
  if (value === 'off') return 'off';
  if (value && typeof value === 'object' && typeof (value as { hub?: unknown }).hub === 'string' && (value as { hub: string }).hub) return { hub: (value as { hub: string }).hub };
  return 'auto';
}

const sameChoice = (a: CheckHubChoice, b: CheckHubChoice) => (typeof a === 'string' || typeof b === 'string' ? a === b : a.hub === b.hub);

/**
 * The editor's checks against a connected hub: while a hub of the view is connected, the language server is
 * told what it answers for the open documents (the live IBGUs they would replace, whether the ConfigMaps and
 * Secrets they reference exist), and its diagnostics follow the hub's watches. Nothing connects for this: it
 * uses a hub only while something else keeps the connection running (the view, a dashboard), and it
 * stops telling the server as soon as there is none.
 */
export class HubDiagnostics implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private session: HubSession | undefined;
  private facts: { dispose(): void; setLookups(l: HubLookupsParams): void } | undefined;
  private lookups = NO_LOOKUPS;
  private readonly disposables: vscode.Disposable[] = [];
  private clientDisposables: vscode.Disposable[] = [];
  /** Which hub answers for the open files, shown with the YAML language status (and changed from there). */
  private readonly item = vscode.languages.createLanguageStatusItem('ibgu.checkHub', { language: 'yaml' });
  private choice: CheckHubChoice;

  constructor(private readonly hubs: Hubs, private readonly log: vscode.LogOutputChannel, private readonly memento: vscode.Memento) {
    this.choice = readChoice(memento.get(CHOICE_KEY));
    this.item.name = vscode.l10n.t('IBGU hub checks');
    this.disposables.push(
      this.item,
      hubs.onDidChange(() => this.choose()),
      // Trusting the workspace turns the checks on without waiting for the hubs to change.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.choose()),
      vscode.commands.registerCommand('ibgu.chooseCheckHub', (choice?: CheckHubChoice) => this.pick(choice)),
    );
    this.show();
  }

  /** What the language status item says now (for the extension-host tests). */
  get statusText(): string {
    return this.item.text;
  }

  /**
   * Sets which hub the open files are checked against: `auto` (the first connected hub, kept while it
   * reconnects), one hub by its context name, or `off`. Without an argument, asks with a quick pick. The
   * choice is kept per workspace.
   */
  async pick(choice?: CheckHubChoice): Promise<CheckHubChoice | undefined> {
    if (choice === undefined) {
      const sessions = this.hubs.list();
      type Item = vscode.QuickPickItem & { choice: CheckHubChoice };
      const current = (c: CheckHubChoice) => (sameChoice(c, this.choice) ? vscode.l10n.t('(current)') : undefined);
      const items: Item[] = [
        { label: vscode.l10n.t('Automatic'), description: current('auto'), detail: vscode.l10n.t('The first connected hub of the view'), choice: 'auto' },
        ...sessions.map((s): Item => ({ label: s.context.name, description: [s.state.phase, current({ hub: s.context.name })].filter(Boolean).join(' '), detail: s.context.server, choice: { hub: s.context.name } })),
        { label: vscode.l10n.t('Off'), description: current('off'), detail: vscode.l10n.t('Do not check open files against a hub'), choice: 'off' },
      ];
      const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Check open IBGU files against'), matchOnDetail: true });
      if (!picked) return undefined;
      choice = picked.choice;
    }
    const next = readChoice(choice);
    this.choice = next;
    await this.memento.update(CHOICE_KEY, next);
    this.choose();
    return next;
  }

  /** The language server to tell (a restarted one replaces the last). */
  attach(client: LanguageClient): void {
    for (const d of this.clientDisposables) d.dispose();
    this.client = client;
    this.clientDisposables = [client.onNotification(HUB_LOOKUPS_NOTIFICATION, (lookups: HubLookupsParams) => {
      this.lookups = lookups;
      this.facts?.setLookups(lookups);
    })];
    // A new server knows no hub yet: tell it again.
    this.release();
    this.choose();
  }

  /** The hub whose answers the server has now, if any. */
  get hub(): string | undefined {
    return this.session?.context.name;
  }

  /**
   * The hub chosen (see `pick`), or by default the first connected hub of the view. One that is reconnecting
   * (unreachable for a moment) is kept rather than its findings dropped and raised again; one that stopped or
   * left the view is let go. A chosen hub that is not connected is not replaced by another: its name is in
   * every finding, and checking against a hub the user did not pick would report on a guess.
   */
  private choose(): void {
    this.follow();
    this.show();
  }

  private follow(): void {
    if (!this.client || !vscode.workspace.isTrusted || !this.hubs.loaded) return;
    const sessions = this.hubs.list();
    const live = (s: HubSession | undefined) => (s && sessions.includes(s) && s.state.phase !== 'idle' ? s : undefined);
    const choice = this.choice;
    let next: HubSession | undefined;
    if (choice === 'auto') next = live(this.session) ?? sessions.find((s) => s.state.phase === 'connected');
    else if (choice !== 'off') {
      const chosen = sessions.find((s) => s.context.name === choice.hub);
      next = chosen === this.session ? live(chosen) : chosen?.state.phase === 'connected' ? chosen : undefined;
    }
    if (next === this.session) return;
    this.release();
    if (!next) {
      this.send(null);
      return;
    }
    this.session = next;
    const facts = new (this.hubs.load().EditorHubFacts)(next.connection, (params) => this.send(params));
    facts.setLookups(this.lookups);
    this.facts = facts;
    this.log.info(`Open IBGU files are checked against hub ${next.context.name} (live IBGUs, OADP ConfigMaps, seed pull secrets).`);
  }

  /** The language status: which hub answers, or why none does, and the way to change it. */
  private show(): void {
    const item = this.item;
    item.command = { title: vscode.l10n.t('Change'), command: 'ibgu.chooseCheckHub' };
    item.severity = vscode.LanguageStatusSeverity.Information;
    if (!vscode.workspace.isTrusted) {
      item.text = vscode.l10n.t('Hub checks: off');
      item.detail = vscode.l10n.t('not in an untrusted workspace');
      item.command = undefined;
    } else if (this.session) {
      item.text = vscode.l10n.t('Hub checks: {0}', this.session.context.name);
      item.detail = vscode.l10n.t('live IBGUs, ConfigMaps, Secrets');
    } else if (this.choice === 'off') {
      item.text = vscode.l10n.t('Hub checks: off');
      item.detail = undefined;
    } else if (this.choice !== 'auto') {
      item.text = vscode.l10n.t('Hub checks: {0} not connected', this.choice.hub);
      item.detail = vscode.l10n.t('connect it in the IBGU Hubs view');
      item.severity = vscode.LanguageStatusSeverity.Warning;
    } else {
      item.text = vscode.l10n.t('Hub checks: no hub connected');
      item.detail = undefined;
    }
  }

  private release(): void {
    this.facts?.dispose();
    this.facts = undefined;
    this.session = undefined;
  }

  private send(params: HubParams | null): void {
    void this.client?.sendNotification(HUB_NOTIFICATION, params).catch(() => undefined);
  }

  dispose(): void {
    this.release();
    for (const d of [...this.clientDisposables, ...this.disposables]) d.dispose();
  }
}
