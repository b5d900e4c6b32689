import * as vscode from 'vscode';

export const HUB_SCHEME = 'ibgu-hub';

/**
 * Read-only documents for what comes from a hub: the two sides of an apply diff and the live YAML of an
 * object. Their text is set by the command that opens them; nothing here contacts a cluster.
 */
export class HubContent implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(HUB_SCHEME, this);

  /** A document `ibgu-hub:/<path>` with this text (replacing an earlier one of the same path). */
  set(docPath: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: HUB_SCHEME, path: docPath.startsWith('/') ? docPath : `/${docPath}` });
    this.texts.set(uri.toString(), text);
    this.emitter.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.registration.dispose();
    this.emitter.dispose();
  }
}
