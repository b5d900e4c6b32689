import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { keepReportMarkup } from './report-html';

/**
 * The one command a report's links run: its arguments are a report's random key and the index of an action
 * the extension computed for that report (TroubleCommands resolves them), so a link carries no argument
 * that is trusted, and a link planted in cluster text names no action at all.
 */
export const REPORT_LINK_COMMAND = 'ibgu.followReportLink';

/**
 * A Markdown report rendered in a webview: VS Code's own Markdown renderer, no scripts, a policy that loads
 * nothing, and command links only to REPORT_LINK_COMMAND. Cluster text reaches it escaped (core's
 * markdownText and friends); on top of that the rendered HTML keeps only a report's markup, and only the
 * links in `links` (the destinations the extension issued for this report).
 */
export async function showReport(title: string, markdown: string, links: ReadonlySet<string>, panel?: vscode.WebviewPanel): Promise<vscode.WebviewPanel> {
  const view = panel ?? vscode.window.createWebviewPanel('ibgu.report', title, vscode.ViewColumn.Active, { enableScripts: false, enableCommandUris: [REPORT_LINK_COMMAND], localResourceRoots: [] });
  const body = keepReportMarkup(await vscode.commands.executeCommand<string>('markdown.api.render', markdown), links);
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

