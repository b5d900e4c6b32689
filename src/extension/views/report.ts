import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/** The commands a report may link to: each one explains itself and asks before it writes anything. */
const LINKABLE = ['ibgu.retryCleanup', 'ibgu.repairLabels', 'ibgu.collectMustGather', 'ibgu.planRecovery', 'ibgu.diagnoseCluster', 'ibgu.openReportMarkdown'];

/**
 * A Markdown report rendered in a webview: VS Code's own Markdown renderer, no scripts, a policy that loads
 * nothing, and command links limited to the troubleshooting commands (which ask before they write). Text
 * from the cluster reaches it only as Markdown text: `<` is escaped, so no HTML from a cluster is rendered.
 */
export async function showReport(title: string, markdown: string, panel?: vscode.WebviewPanel): Promise<vscode.WebviewPanel> {
  const view = panel ?? vscode.window.createWebviewPanel('ibgu.report', title, vscode.ViewColumn.Active, { enableScripts: false, enableCommandUris: LINKABLE, localResourceRoots: [] });
  const body = await vscode.commands.executeCommand<string>('markdown.api.render', markdown.replace(/</g, '&lt;'));
  const nonce = randomBytes(12).toString('base64');
  view.title = title;
  view.webview.html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; img-src data:">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 20px 20px; line-height: 1.5; }
a { color: var(--vscode-textLink-foreground); }
code, pre { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); }
pre { padding: 8px; overflow-x: auto; }
table { border-collapse: collapse; } th, td { border: 1px solid var(--vscode-panel-border); padding: 4px 8px; text-align: left; }
blockquote { border-left: 3px solid var(--vscode-textBlockQuote-border); margin: 0; padding-left: 12px; color: var(--vscode-textBlockQuote-foreground, inherit); }
</style></head><body>
${body}
</body></html>`;
  return view;
}

