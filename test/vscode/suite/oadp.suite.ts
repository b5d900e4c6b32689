/// <reference types="mocha" />
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { assertRange, describe, ibguDiagnostics, openInEditor, preferredQuickFix, rangeOf, revertEdits, waitForDiagnostics, withRule } from './helpers';

suite('OADP ConfigMap in a real VS Code: the embedded Backup and LVM Storage', () => {
  teardown(revertEdits);

  test('a Backup inside the ConfigMap without logicalvolumes.topolvm.io is reported and fixed inside the block scalar', async () => {
    // The LVMCluster is the evidence that LVM Storage is in use; the server knows the documents that are open.
    await openInEditor('lvmcluster.yaml');
    const document = await openInEditor('oadp-configmap.yaml');
    const original = document.getText();

    const diagnostics = await waitForDiagnostics(document.uri, (all) => withRule(all, 'ibgu/backup-lvms').length > 0, 'ibgu/backup-lvms');
    assert.equal(withRule(diagnostics, 'ibgu/backup-lvms').length, 1, describe(diagnostics));
    const [diagnostic] = withRule(diagnostics, 'ibgu/backup-lvms');
    assert.equal(diagnostic.source, 'ibgu');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    // Positions inside the `|` block scalar map back to the ConfigMap file.
    assertRange(diagnostic.range, rangeOf(document, 'includedClusterScopedResources'), 'the embedded includedClusterScopedResources key');
    assert.match(diagnostic.message, /Backup metrics-collector .*logicalvolumes\.topolvm\.io/);

    const fix = await preferredQuickFix(document.uri, diagnostic);
    assert.ok(await vscode.workspace.applyEdit(fix.edit!), 'VS Code refused the WorkspaceEdit');
    // One new list item, indented like its sibling inside the block scalar; nothing else changes.
    const expected = original.replace('        - persistentVolumes\n', '        - persistentVolumes\n        - logicalvolumes.topolvm.io\n');
    assert.notEqual(expected, original);
    assert.equal(document.getText(), expected);

    await waitForDiagnostics(document.uri, (all) => withRule(all, 'ibgu/backup-lvms').length === 0, 'ibgu/backup-lvms to disappear');
    assert.deepEqual(ibguDiagnostics(document.uri), [], describe(ibguDiagnostics(document.uri)));
  });
});
