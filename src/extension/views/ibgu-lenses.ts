import * as vscode from 'vscode';
import type { Hubs } from '../hubs';

const IBGU_KIND = /^kind:\s*["']?ImageBasedGroupUpgrade["']?\s*(#.*)?$/m;

/**
 * CodeLenses on IBGU documents: "Apply to hub" on each IBGU, and on each plan step how many clusters it
 * would select on the connected hub now (the core's selection model over the hub's ManagedClusters), live.
 * Before any hub is connected the counts are one lens that connects; a file without an IBGU costs a regex.
 */
export class IbguLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(private readonly hubs: Hubs) {
    this.disposables.push(
      vscode.languages.registerCodeLensProvider({ language: 'yaml' }, this),
      hubs.onDidChange(() => {
        // Counts follow the hub's labels; a burst of events is one refresh.
        if (this.timer) return;
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.emitter.fire();
        }, 1000);
      }),
    );
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.isTrusted) return [];
    const text = document.getText();
    if (!IBGU_KIND.test(text)) return [];
    if (!this.hubs.loaded) {
      // No hub view or command yet: one lens per IBGU found by its kind line, without loading the hub layer.
      const lenses: vscode.CodeLens[] = [];
      for (const match of text.matchAll(new RegExp(IBGU_KIND.source, 'gm'))) {
        const at = document.positionAt(match.index ?? 0);
        const range = new vscode.Range(at, at);
        lenses.push(new vscode.CodeLens(range, { title: `$(cloud-upload) ${vscode.l10n.t('Apply to hub')}`, command: 'ibgu.applyToHub', arguments: [document.uri, undefined, match.index] }));
        lenses.push(new vscode.CodeLens(range, { title: vscode.l10n.t('Count matching clusters on the hub'), command: 'ibgu.countMatches' }));
      }
      return lenses;
    }
    const layer = this.hubs.load();
    const sessions = this.hubs.list();
    const connected = sessions.filter((s) => s.state.phase === 'connected' || s.list('ManagedCluster').length > 0);
    const lenses: vscode.CodeLens[] = [];
    let ibgus;
    try {
      ibgus = layer.ibgusInText(text);
    } catch {
      return [];
    }
    for (const ibgu of ibgus) {
      const at = new vscode.Range(document.positionAt(ibgu.offset), document.positionAt(ibgu.offset));
      const only = sessions.length === 1 ? sessions[0]!.context.name : undefined;
      lenses.push(new vscode.CodeLens(at, { title: `$(cloud-upload) ${vscode.l10n.t('Apply to hub')}${only ? ` (${only})` : ''}`, command: 'ibgu.applyToHub', arguments: [document.uri, ibgu.document, undefined, only] }));
      if (!connected.length) {
        if (ibgu.steps.length) lenses.push(new vscode.CodeLens(at, { title: vscode.l10n.t('Count matching clusters on the hub'), command: 'ibgu.countMatches' }));
        continue;
      }
      const session = connected[0]!;
      const counts = layer.matchCounts(ibgu.object, session.list('ManagedCluster'));
      ibgu.steps.forEach((step, i) => {
        const result = counts[i];
        if (!result) return;
        const where = new vscode.Range(document.positionAt(step.offset), document.positionAt(step.offset));
        if ('error' in result) {
          lenses.push(new vscode.CodeLens(where, { title: `$(warning) ${vscode.l10n.t('selects nothing: {0}', result.error)}`, command: '' }));
          return;
        }
        const title = result.count === 1 ? vscode.l10n.t('1 cluster matches on {0}', session.context.name) : vscode.l10n.t('{0} clusters match on {1}', result.count, session.context.name);
        const shown = result.names.slice(0, 20).join(', ') + (result.names.length > 20 ? ', …' : '');
        lenses.push(new vscode.CodeLens(where, { title, command: '', tooltip: shown || vscode.l10n.t('No ManagedCluster has the labels this step selects by now.') }));
      });
    }
    return lenses;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
