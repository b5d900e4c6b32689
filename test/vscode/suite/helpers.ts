import assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'ibgu-tools.ibgu-tools';

/** A file of the opened workspace folder (a scratch copy of test/vscode/workspace). */
export function workspaceUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder: the run must open (a copy of) test/vscode/workspace');
  return vscode.Uri.joinPath(folder.uri, name);
}

export async function openInEditor(name: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(workspaceUri(name));
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

/** The rule id of a diagnostic: its `code`, which is a string or, with a documentation link, `{ value, target }`. */
export function ruleOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

export function withRule(diagnostics: readonly vscode.Diagnostic[], rule: string): vscode.Diagnostic[] {
  return diagnostics.filter((d) => ruleOf(d) === rule);
}

/** Diagnostics that claim to come from this extension, by source or by rule id. */
export function ibguDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ibgu' || ruleOf(d)?.startsWith('ibgu/'));
}

export function describe(diagnostics: readonly vscode.Diagnostic[]): string {
  if (diagnostics.length === 0) return '(none)';
  return diagnostics
    .map((d) => `${d.source}:${ruleOf(d)} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`)
    .join('\n  ');
}

/** Resolves with the document's diagnostics once `ready` holds for them; rejects after the timeout. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  ready: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<vscode.Diagnostic[]> {
  const current = () => vscode.languages.getDiagnostics(uri);
  if (ready(current())) return Promise.resolve(current());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} in ${uri.path}; diagnostics now:\n  ${describe(current())}`));
    }, timeoutMs);
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!event.uris.some((changed) => changed.toString() === uri.toString()) || !ready(current())) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(current());
    });
  });
}

/** The range of the only occurrence of `needle` in the document (plus `skip` characters in). */
export function rangeOf(document: vscode.TextDocument, needle: string, skip = 0, length = needle.length - skip): vscode.Range {
  const text = document.getText();
  const offset = text.indexOf(needle);
  assert.notEqual(offset, -1, `${needle} not in ${document.uri.path}`);
  assert.equal(text.indexOf(needle, offset + 1), -1, `${needle} occurs more than once in ${document.uri.path}`);
  return new vscode.Range(document.positionAt(offset + skip), document.positionAt(offset + skip + length));
}

export function assertRange(actual: vscode.Range, expected: vscode.Range, what: string): void {
  const show = (r: vscode.Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
  assert.equal(show(actual), show(expected), `range of ${what}`);
}

/**
 * The one preferred quick-fix VS Code offers at a diagnostic's range, asked the way the light bulb asks.
 * (The command's results do not carry their diagnostics, so "preferred, at this range" identifies the fix.)
 */
export async function preferredQuickFix(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction> {
  const actions =
    (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
  const preferred = actions.filter((a) => a.isPreferred);
  assert.equal(preferred.length, 1, `one preferred quick-fix for ${ruleOf(diagnostic)}; offered: ${JSON.stringify(actions.map((a) => a.title))}`);
  const [fix] = preferred;
  assert.ok(fix.kind && vscode.CodeActionKind.QuickFix.contains(fix.kind), `${fix.title} is a quick-fix`);
  assert.ok(fix.edit, `${fix.title} carries a WorkspaceEdit`);
  return fix;
}

/** Resolves at the next diagnostics change for the document; rejects after the timeout. */
export function nextDiagnosticsChange(uri: vscode.Uri, what: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no diagnostics for ${uri.path} within ${timeoutMs} ms after ${what}`));
    }, timeoutMs);
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!event.uris.some((changed) => changed.toString() === uri.toString())) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
  });
}

/**
 * Puts every edited document back to its saved text and waits until the server has re-validated it, so the
 * next test never reads diagnostics (or asks for fixes) of a version that is gone.
 */
export async function revertEdits(): Promise<void> {
  for (const document of vscode.workspace.textDocuments) {
    if (!document.isDirty || document.isUntitled) continue;
    const revalidated = nextDiagnosticsChange(document.uri, 'the revert');
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(document.isDirty, false, `could not revert ${document.uri.path}`);
    await revalidated;
  }
}
