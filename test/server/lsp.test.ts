import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from '../helpers/lsp';
import { IBGU_LOWERCASE_ACTION } from '../helpers/documents';

const URI = 'file:///work/ibgu.yaml';
const TEXT = IBGU_LOWERCASE_ACTION;

test('the server over stdio publishes diagnostics and answers quick-fixes from recorded findings', async (t) => {
  const client = new LspClient();
  t.after(() => client.close());
  const init = await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  assert.ok(init.capabilities.codeActionProvider);
  client.notify('initialized', {});
  client.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'yaml', version: 1, text: TEXT } });
  const published = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === URI && p.version === 1);
  const diagnostic = published.diagnostics.find((d: any) => d.code === 'ibgu/action-name');
  assert.ok(diagnostic, JSON.stringify(published));
  assert.equal(diagnostic.source, 'ibgu');
  assert.equal(diagnostic.severity, 1);
  assert.deepEqual(diagnostic.range, { start: { line: 7, character: 16 }, end: { line: 7, character: 20 } });

  const actions = await client.request('textDocument/codeAction', { textDocument: { uri: URI }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
  assert.equal(actions[0].title, 'Change to Prep');
  assert.equal(actions[0].isPreferred, true);
  assert.deepEqual(actions[0].edit.changes[URI], [{ range: diagnostic.range, newText: 'Prep' }]);

  client.notify('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ range: diagnostic.range, text: 'Prep' }] });
  const after = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === URI && p.version === 2);
  assert.deepEqual(after.diagnostics, []);
});

test('a quick-fix asked for right after an edit waits for that edit to be validated, and fixes the new text', async (t) => {
  const client = new LspClient();
  t.after(() => client.close());
  await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  client.notify('initialized', {});
  client.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'yaml', version: 1, text: TEXT } });
  const published = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === URI && p.version === 1);
  const before = published.diagnostics.find((d: any) => d.code === 'ibgu/action-name');
  // Version 2 moves the mistake one line down; the code action request follows at once, before any publish,
  // with the diagnostic where the editor now shows it.
  const moved = TEXT.replace('  plan:\n', '  # a comment\n  plan:\n');
  client.notify('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: moved }] });
  const range = { start: { line: 8, character: 16 }, end: { line: 8, character: 20 } };
  const actions = await client.request('textDocument/codeAction', { textDocument: { uri: URI }, range, context: { diagnostics: [{ ...before, range }] } });
  assert.equal(actions[0]?.title, 'Change to Prep', JSON.stringify(actions));
  assert.deepEqual(actions[0].edit.changes[URI], [{ range, newText: 'Prep' }], 'the fix is for version 2, not for the line version 1 had');
});
