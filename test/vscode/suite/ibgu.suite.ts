/// <reference types="mocha" />
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  assertRange, describe, EXTENSION_ID, ibguDiagnostics, openInEditor, preferredQuickFix, rangeOf, revertEdits, ruleOf,
  waitForDiagnostics, withRule,
} from './helpers';

const WRONG = 'ibgu-wrong.yaml';
const CLEAN = 'ibgu-clean.yaml';

suite('IBGU in a real VS Code: diagnostics and quick-fixes', () => {
  teardown(revertEdits);

  test('the extension under development activates when a YAML file opens', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded: is engines.vscode newer than this VS Code (${vscode.version})?`);
    await openInEditor(WRONG);
    for (const deadline = Date.now() + 30_000; !extension.isActive && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
    assert.ok(extension.isActive, 'opening a YAML file did not activate the extension');
    const api = extension.exports as { activationMs?: number; serverReady?: Promise<void> } | undefined;
    assert.equal(typeof api?.activationMs, 'number', 'activate() returns its API');
    await api!.serverReady;
    // A measurement for the record (bench figures come from here), not a timed assertion.
    console.log(`    activation: ${api!.activationMs} ms (bundle evaluation + activate()) (VS Code ${vscode.version})`);
    console.log(`    activation detail: ${(api as { hubSetupMs?: number }).hubSetupMs} ms of it setting up the hub view`);
  });

  test('a lowercase action and a misspelt field get ibgu diagnostics with rule id, range and severity', async () => {
    const document = await openInEditor(WRONG);
    const diagnostics = await waitForDiagnostics(
      document.uri,
      (all) => withRule(all, 'ibgu/action-name').length > 0 && withRule(all, 'ibgu/unknown-field').length > 0,
      'ibgu/action-name and ibgu/unknown-field',
    );

    const [action] = withRule(diagnostics, 'ibgu/action-name');
    assert.equal(action.source, 'ibgu');
    assert.equal(action.severity, vscode.DiagnosticSeverity.Error);
    assertRange(action.range, rangeOf(document, '[prep]', 1, 4), 'the action prep');
    assert.match(action.message, /"prep" is not an action.*Did you mean Prep\?/);

    const [field] = withRule(diagnostics, 'ibgu/unknown-field');
    assert.equal(field.source, 'ibgu');
    assert.equal(field.severity, vscode.DiagnosticSeverity.Warning);
    assertRange(field.range, rangeOf(document, 'timout'), 'the key timout');
    assert.match(field.message, /timout.*Did you mean timeout\?/);
  });

  test('the preferred quick-fix for ibgu/action-name writes Prep and the diagnostic goes away', async () => {
    const document = await openInEditor(WRONG);
    const [diagnostic] = withRule(
      await waitForDiagnostics(document.uri, (all) => withRule(all, 'ibgu/action-name').length > 0, 'ibgu/action-name'),
      'ibgu/action-name',
    );
    const fix = await preferredQuickFix(document.uri, diagnostic);
    assert.equal(fix.title, 'Change to Prep');

    assert.ok(await vscode.workspace.applyEdit(fix.edit!), 'VS Code refused the WorkspaceEdit');
    assert.equal(document.getText(diagnostic.range), 'Prep');
    assert.equal(document.lineAt(diagnostic.range.start.line).text, '    - actions: [Prep]');

    // Re-linted, not merely cleared: the misspelt field is still reported for the new text.
    const after = await waitForDiagnostics(
      document.uri,
      (all) => withRule(all, 'ibgu/action-name').length === 0 && withRule(all, 'ibgu/unknown-field').length > 0,
      'ibgu/action-name to disappear while ibgu/unknown-field stays',
    );
    assert.deepEqual(withRule(after, 'ibgu/action-name'), []);
  });

  test('the preferred quick-fix for ibgu/unknown-field renames timout', async () => {
    const document = await openInEditor(WRONG);
    const [diagnostic] = withRule(
      await waitForDiagnostics(document.uri, (all) => withRule(all, 'ibgu/unknown-field').length > 0, 'ibgu/unknown-field'),
      'ibgu/unknown-field',
    );
    const fix = await preferredQuickFix(document.uri, diagnostic);
    assert.ok(await vscode.workspace.applyEdit(fix.edit!), 'VS Code refused the WorkspaceEdit');
    assert.equal(document.lineAt(diagnostic.range.start.line).text, '        timeout: 60');
    await waitForDiagnostics(document.uri, (all) => withRule(all, 'ibgu/unknown-field').length === 0, 'ibgu/unknown-field to disappear');
  });

  test('a correct IBGU gets no ibgu diagnostics', async () => {
    const clean = await openInEditor(CLEAN);
    // Absence proves nothing on its own: a wrong document opened afterwards must be reported, and the server
    // answers documents in order, so by then the clean file's diagnostics have been published.
    const sentinelText = (await vscode.workspace.openTextDocument(clean.uri)).getText().replace('actions: [Prep]', 'actions: [prep]');
    const sentinel = await vscode.workspace.openTextDocument({ language: 'yaml', content: sentinelText });
    await waitForDiagnostics(sentinel.uri, (all) => withRule(all, 'ibgu/action-name').length > 0, 'ibgu/action-name on the sentinel');
    assert.deepEqual(ibguDiagnostics(clean.uri).map(ruleOf), [], describe(ibguDiagnostics(clean.uri)));
  });
});
