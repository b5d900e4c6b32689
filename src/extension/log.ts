import * as vscode from 'vscode';

/** The extension's log: one LogOutputChannel, shared with the language client. Never given secrets. */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('IBGU Tools', { log: true });
}
