/// <reference types="mocha" />
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, openInEditor, waitForDiagnostics, withRule } from './helpers';

interface Contributor {
  scheme: string;
  requestSchema(resource: string): string | undefined;
  requestSchemaContent(uri: string): string;
}

/** Runs only in the session that loads test/vscode/yaml-standin as `redhat.vscode-yaml` (see launch.ts). */
suite('With Red Hat YAML installed: schemas by content, no problem reported twice', () => {
  async function contributor(): Promise<Contributor> {
    const yaml = vscode.extensions.getExtension<{ contributors: Contributor[] }>('redhat.vscode-yaml');
    assert.ok(yaml, 'the YAML extension stand-in is not loaded');
    const ours = vscode.extensions.getExtension(EXTENSION_ID);
    const loaded = vscode.extensions.all.filter((e) => !e.id.startsWith('vscode.')).map((e) => `${e.id} (${e.extensionPath})`);
    assert.ok(ours, `IBGU Tools is not loaded beside the stand-in; loaded: ${loaded.join(', ')}`);
    await ours.activate();
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      // IBGU Tools activates the YAML extension itself, to reach its API.
      const found = yaml.isActive ? yaml.exports.contributors.find((c) => c.scheme === 'ibgu-tools') : undefined;
      if (found) return found;
    }
    assert.fail('IBGU Tools registered no schema contributor with the YAML extension');
  }

  test('a schema is offered for files that hold our kinds, and only for them', async () => {
    await openInEditor('ibgu-clean.yaml');
    const contrib = await contributor();
    const ibgu = await openInEditor('ibgu-clean.yaml');
    const lvm = await openInEditor('lvmcluster.yaml');
    const uri = contrib.requestSchema(ibgu.uri.toString());
    assert.equal(uri, 'ibgu-tools://schemas/kinds.json');
    assert.equal(contrib.requestSchema(lvm.uri.toString()), undefined, 'no schema for an LVMCluster file');
    const schema = JSON.parse(contrib.requestSchemaContent(uri!));
    const kinds = schema.allOf.map((s: { if: { properties: { kind: { const: string } } } }) => s.if.properties.kind.const);
    assert.deepEqual(kinds, ['ImageBasedGroupUpgrade', 'ImageBasedUpgrade', 'Backup', 'Restore']);
  });

  test('top-level schema problems are left to the YAML extension; embedded ones and our semantic rules stay', async () => {
    await contributor();
    const content = [
      'apiVersion: lcm.openshift.io/v1alpha1',
      'kind: ImageBasedGroupUpgrade',
      'metadata: {name: wave-9, namespace: ztp}',
      'spec:',
      '  clusterLabelSelectors: [{matchLabels: {wave: "9"}}]',
      '  ibuSpec: {seedImageRef: {image: "quay.io/x/seed:4.18.1", version: "4.18.1"}}',
      '  plan:',
      '    - actions: [prep]',
      '      rolloutStrategy: {maxConcurrency: "5"}',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: oadp, namespace: openshift-adp}',
      'data:',
      '  backup.yaml: |',
      '    apiVersion: velero.io/v1',
      '    kind: Backup',
      '    metadata: {name: b, namespace: openshift-adp, labels: {velero.io/storage-location: default}}',
      '    spec: {includedNamespaces: [app], snapshotVolumes: "no"}',
      '',
    ].join('\n');
    const document = await vscode.workspace.openTextDocument({ language: 'yaml', content });
    await vscode.window.showTextDocument(document);
    const diagnostics = await waitForDiagnostics(document.uri, (all) => withRule(all, 'ibgu/action-name').length > 0, 'ibgu/action-name');
    const schema = withRule(diagnostics, 'ibgu/schema');
    assert.equal(schema.length, 1, schema.map((d) => d.message).join('\n'));
    assert.match(schema[0].message, /snapshotVolumes/, 'the embedded Backup is still checked: the YAML extension does not read ConfigMap values');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
