import * as vscode from 'vscode';
import type { StatusParams } from '../shared/lsp-protocol';

/** The language status item for YAML files: what the server is doing, how long validation took, and links. */
export class Status implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;

  constructor() {
    this.item = vscode.languages.createLanguageStatusItem('ibgu.status', { language: 'yaml' });
    this.item.name = vscode.l10n.t('IBGU Tools');
    this.item.command = { title: vscode.l10n.t('Show Logs'), command: 'ibgu.showLogs' };
    this.starting();
  }

  starting(): void {
    this.item.text = vscode.l10n.t('IBGU: starting');
    this.item.busy = true;
    this.item.severity = vscode.LanguageStatusSeverity.Information;
    this.item.detail = undefined;
  }

  stopped(reason: string): void {
    this.item.busy = false;
    this.item.text = vscode.l10n.t('IBGU: stopped');
    this.item.detail = reason;
    this.item.severity = vscode.LanguageStatusSeverity.Error;
    this.item.command = { title: vscode.l10n.t('Restart'), command: 'ibgu.restartServer' };
  }

  update(status: StatusParams): void {
    this.item.busy = status.state !== 'ready';
    this.item.severity = vscode.LanguageStatusSeverity.Information;
    this.item.command = { title: vscode.l10n.t('Show Logs'), command: 'ibgu.showLogs' };
    if (status.state === 'indexing') {
      this.item.text = vscode.l10n.t('IBGU: reading workspace');
      return;
    }
    this.item.text = status.lastValidationMs === undefined ? vscode.l10n.t('IBGU') : vscode.l10n.t('IBGU: {0} ms', status.lastValidationMs);
    this.item.detail = vscode.l10n.t('{0} workspace files for cross-file rules', status.workspaceFiles);
  }

  dispose(): void {
    this.item.dispose();
  }
}
