/// <reference types="mocha" />
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openInEditor, waitForDiagnostics, withRule } from './helpers';

const CLEAN = 'ibgu-clean.yaml';

function positionOf(document: vscode.TextDocument, needle: string, offsetInNeedle = 0): vscode.Position {
  const at = document.getText().indexOf(needle);
  assert.ok(at >= 0, `${needle} not in ${document.uri.path}`);
  return document.positionAt(at + offsetInNeedle);
}

/** The server answers once the document is validated; before that the provider may not be ready. */
async function ready(document: vscode.TextDocument): Promise<void> {
  await waitForDiagnostics(document.uri, () => true, 'the document to be seen', 30_000);
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
    if (symbols?.length) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail('the IBGU language server never answered for the document');
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

suite('IBGU in a real VS Code: hover, completion, outline and commands', () => {
  test('hover on an action says which clusters it selects; on plan, what can be appended', async () => {
    const document = await openInEditor(CLEAN);
    await ready(document);
    const onUpgrade = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, '[Upgrade]', 2));
    assert.match(hoverText(onUpgrade), /lcm\.openshift\.io\/ibgu-prep-completed/);
    const onPlan = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, 'plan:', 1));
    assert.match(hoverText(onPlan), /AbortOnFailure/);
  });

  test('completion offers action names in an actions list', async () => {
    const document = await openInEditor(CLEAN);
    await ready(document);
    const editor = vscode.window.activeTextEditor!;
    const line = positionOf(document, '        timeout: 30').line;
    await editor.edit((b) => b.insert(new vscode.Position(line + 1, 0), '    - actions: []\n'));
    try {
      const inActions = positionOf(document, '- actions: []', '- actions: ['.length);
      const actions = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, inActions);
      const labels = actions.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      for (const action of ['AbortOnFailure', 'Prep', 'Upgrade']) assert.ok(labels.includes(action), `${action} not offered: ${labels.join(', ')}`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  test('the outline shows the IBGU, its plan and its steps', async () => {
    const document = await openInEditor(CLEAN);
    await ready(document);
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
    const ibgu = symbols.find((s) => s.name === 'ImageBasedGroupUpgrade wave-2-upgrade');
    assert.ok(ibgu, symbols.map((s) => s.name).join(', '));
    const plan = ibgu.children.find((c) => c.name === 'plan');
    assert.deepEqual(plan?.children.map((c) => c.name), ['Step 1: Prep', 'Step 2: Upgrade', 'Step 3: FinalizeUpgrade']);
  });

  test('a lens above the IBGU sums up its plan', async () => {
    const document = await openInEditor(CLEAN);
    await ready(document);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    const titles = lenses.map((l) => l.command?.title);
    assert.ok(titles.includes('Plan [[Prep], [Upgrade], [FinalizeUpgrade]] · complete'), JSON.stringify(titles));
  });

  test('IBGU: Validate Workspace reports files that are not open', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['ibgu.validateWorkspace', 'ibgu.restartServer', 'ibgu.showLogs']) assert.ok(commands.includes(id), `${id} is not registered`);
    const result = await vscode.commands.executeCommand<{ files: number; errors: number }>('ibgu.validateWorkspace');
    assert.ok(result && result.files >= 4, JSON.stringify(result));
    // oadp-configmap.yaml has an error (LVM Storage in use, Backup without logicalvolumes) even if no test opened it yet.
    const oadp = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'oadp-configmap.yaml');
    const diagnostics = await waitForDiagnostics(oadp, (all) => withRule(all, 'ibgu/backup-lvms').length > 0, 'ibgu/backup-lvms in a file that is not open');
    assert.equal(withRule(diagnostics, 'ibgu/backup-lvms').length, 1);
  });
});
