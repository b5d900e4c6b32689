import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from '../helpers/lsp';

const URI = 'file:///virtual/features.yaml';
const TEXT = `apiVersion: lcm.openshift.io/v1alpha1
kind: ImageBasedGroupUpgrade
metadata: {name: wave-2, namespace: ztp}
spec:
  clusterLabelSelectors:
    - matchLabels:
        lcm.openshift.io/ibgu-prep-completed: ""
  ibuSpec:
    seedImageRef: {image: "quay.io/x/seed:4.18.1", version: "4.18.1"}
  plan:
    - actions: [Prep]
      rolloutStrategy: {maxConcurrency: 5}
    - actions: [Upgrade]
      rolloutStrategy:
        maxConcurrency: 5
        
---
apiVersion: v1
kind: ConfigMap
metadata: {name: oadp-cm, namespace: openshift-adp}
data:
  backup.yaml: |
    apiVersion: velero.io/v1
    kind: Backup
    metadata: {name: app, namespace: openshift-adp}
    spec:
      includedClusterScopedResources:
        - persistentVolumes
`;

test('hover, completion, outline and folding over LSP, inside embedded documents too', async (t) => {
  const client = new LspClient();
  t.after(() => client.close());
  const init = await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  assert.ok(init.capabilities.hoverProvider && init.capabilities.completionProvider && init.capabilities.documentSymbolProvider && init.capabilities.foldingRangeProvider);
  client.notify('initialized', {});
  client.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'yaml', version: 1, text: TEXT } });
  await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === URI);
  const lines = TEXT.split('\n');

  const onUpgrade = await client.request('textDocument/hover', { textDocument: { uri: URI }, position: { line: 12, character: lines[12].indexOf('Upgrade') + 2 } });
  assert.equal(onUpgrade.contents.kind, 'markdown');
  assert.match(onUpgrade.contents.value, /lcm\.openshift\.io\/ibgu-prep-completed/, 'Upgrade selects clusters that completed Prep');
  const onLabel = await client.request('textDocument/hover', { textDocument: { uri: URI }, position: { line: 6, character: 12 } });
  assert.match(onLabel.contents.value, /Prep/);
  const inBackup = await client.request('textDocument/hover', { textDocument: { uri: URI }, position: { line: 26, character: 10 } });
  assert.match(inBackup.contents.value, /includedClusterScopedResources/);
  assert.equal(inBackup.range.start.line, 26);

  const strategy = await client.request('textDocument/completion', { textDocument: { uri: URI }, position: { line: 15, character: 8 } });
  const timeout = strategy.find((i: any) => i.label === 'timeout');
  assert.ok(timeout, JSON.stringify(strategy.map((i: any) => i.label)));
  assert.ok(!strategy.some((i: any) => i.label === 'maxConcurrency'), 'fields already present are not offered');
  assert.equal(timeout.insertTextMode, 1);
  assert.deepEqual(timeout.textEdit.range.start, { line: 15, character: 8 });

  const lvm = await client.request('textDocument/completion', { textDocument: { uri: URI }, position: { line: 27, character: 10 } });
  assert.ok(lvm.some((i: any) => i.label === 'logicalvolumes.topolvm.io'), JSON.stringify(lvm.map((i: any) => i.label)));

  const symbols = await client.request('textDocument/documentSymbol', { textDocument: { uri: URI } });
  assert.deepEqual(symbols.map((s: any) => s.name), ['ImageBasedGroupUpgrade wave-2', 'ConfigMap oadp-cm']);
  const plan = symbols[0].children.find((c: any) => c.name === 'plan');
  assert.deepEqual(plan.children.map((c: any) => c.name), ['Step 1: Prep', 'Step 2: Upgrade']);
  const embedded = JSON.stringify(symbols[1]);
  assert.match(embedded, /Backup app/);

  const folding = await client.request('textDocument/foldingRange', { textDocument: { uri: URI } });
  assert.ok(folding.some((f: any) => f.startLine === 21 && f.endLine >= 27), 'the embedded Backup folds');
});

test('with Red Hat YAML active, schema-only hovers and field completions of top-level documents are left to it', async (t) => {
  const client = new LspClient();
  t.after(() => client.close());
  await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { yamlExtensionActive: true } });
  client.notify('initialized', {});
  client.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'yaml', version: 1, text: TEXT } });
  await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === URI);
  const lines = TEXT.split('\n');
  const field = await client.request('textDocument/hover', { textDocument: { uri: URI }, position: { line: 14, character: 10 } });
  assert.equal(field, null, 'maxConcurrency is described by the YAML extension');
  const action = await client.request('textDocument/hover', { textDocument: { uri: URI }, position: { line: 12, character: lines[12].indexOf('Upgrade') + 2 } });
  assert.match(action.contents.value, /ibgu-prep-completed/, 'actions are ours alone');
  const embedded = await client.request('textDocument/hover', { textDocument: { uri: URI }, position: { line: 26, character: 10 } });
  assert.match(embedded.contents.value, /includedClusterScopedResources/, 'the YAML extension does not read ConfigMap values');
  const strategy = await client.request('textDocument/completion', { textDocument: { uri: URI }, position: { line: 15, character: 8 } });
  assert.ok(!strategy.some((i: any) => i.label === 'timeout'), 'schema field names are left to the YAML extension');
  const lvm = await client.request('textDocument/completion', { textDocument: { uri: URI }, position: { line: 27, character: 10 } });
  assert.ok(lvm.some((i: any) => i.label === 'logicalvolumes.topolvm.io'));
});
