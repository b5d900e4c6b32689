import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { HUB_LOOKUPS_NOTIFICATION, HUB_NOTIFICATION, type HubLookupsParams, type HubParams } from '../shared/lsp-protocol';
import type { HubSession, Hubs } from './hubs';

const NO_LOOKUPS: HubLookupsParams = { ibgus: [], configMaps: [], secrets: [] };

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

  constructor(private readonly hubs: Hubs, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(hubs.onDidChange(() => this.choose()));
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
   * The first connected hub of the view. One that is reconnecting (unreachable for a moment) is kept rather
   * than its findings dropped and raised again; one that stopped or left the view is let go.
   */
  private choose(): void {
    if (!this.client || !vscode.workspace.isTrusted || !this.hubs.loaded) return;
    const sessions = this.hubs.list();
    const kept = this.session && sessions.includes(this.session) && this.session.state.phase !== 'idle' ? this.session : undefined;
    const next = kept ?? sessions.find((s) => s.state.phase === 'connected');
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
