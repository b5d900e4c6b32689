/**
 * The language server over stdio, given deeply nested documents: each gets its ibgu/yaml-too-deep
 * diagnostic where it crosses the depth limit, the editor features answer on it, and the server goes on
 * validating the other documents.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DEPTH } from '../../src/core/index';
import { deepDocument, DEPTHS, SHAPES } from '../helpers/deep';
import { LspClient } from '../helpers/lsp';
import { IBGU_LOWERCASE_ACTION } from '../helpers/documents';

const BAD_IBGU = IBGU_LOWERCASE_ACTION;

async function start(t: { after: (fn: () => Promise<void>) => void }): Promise<LspClient> {
  const client = new LspClient();
  t.after(() => client.close());
  await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  client.notify('initialized', {});
  return client;
}

function assertTooDeep(diagnostic: any, crossing: { line: number; character: number }): void {
  assert.equal(diagnostic?.code, 'ibgu/yaml-too-deep', JSON.stringify(diagnostic));
  assert.equal(diagnostic.severity, 1);
  assert.deepEqual(diagnostic.range.start, crossing);
  assert.ok(diagnostic.message.includes(`deeper than ${MAX_DEPTH} levels`), diagnostic.message);
  assert.match(diagnostic.message, /not validated further/);
}

test('every deep document gets its diagnostic, and hover, completion, outline, folding, lenses and quick-fixes answer on it', async (t) => {
  const client = await start(t);
  const opened = SHAPES.flatMap((shape) => DEPTHS.map((depth) => ({ uri: `file:///virtual/${shape.replace(' ', '-')}-${depth}.yaml`, shape, depth, deep: deepDocument(shape, depth) })));
  for (const { uri, deep } of opened) client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: deep.text } });
  const goodUri = 'file:///virtual/good.yaml';
  client.notify('textDocument/didOpen', { textDocument: { uri: goodUri, languageId: 'yaml', version: 1, text: BAD_IBGU } });

  for (const { uri, shape, depth, deep } of opened) {
    await t.test(`a ${shape} ${depth.toLocaleString('en-US')} levels deep`, async () => {
      const published = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 1);
      assert.equal(published.diagnostics.length, 1, JSON.stringify(published.diagnostics));
      const [diagnostic] = published.diagnostics;
      assertTooDeep(diagnostic, deep.crossing);

      const position = deep.crossing;
      const document = { uri };
      assert.equal(await client.request('textDocument/hover', { textDocument: document, position }), null);
      assert.ok(Array.isArray(await client.request('textDocument/completion', { textDocument: document, position })));
      assert.ok(Array.isArray(await client.request('textDocument/documentSymbol', { textDocument: document })));
      assert.ok(Array.isArray(await client.request('textDocument/foldingRange', { textDocument: document })));
      assert.ok(Array.isArray(await client.request('textDocument/codeLens', { textDocument: document })));
      const actions = await client.request('textDocument/codeAction', { textDocument: document, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
      assert.ok(Array.isArray(actions));
    });
  }

  const good = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === goodUri && p.version === 1);
  assert.ok(good.diagnostics.some((d: any) => d.code === 'ibgu/action-name'), JSON.stringify(good.diagnostics));
});

test('in a multi-document file only the deep document is refused, and an edit that flattens it is validated', async (t) => {
  const client = await start(t);
  const uri = 'file:///virtual/multi.yaml';
  const deep = deepDocument('block mapping', 3_000);
  const lines = deep.text.split('\n').length - 1;
  const text = `${deep.text}---\n${BAD_IBGU}`;
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  const published = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 1);
  const tooDeep = published.diagnostics.filter((d: any) => d.code === 'ibgu/yaml-too-deep');
  assert.equal(tooDeep.length, 1, JSON.stringify(published.diagnostics.map((d: any) => d.code)));
  assertTooDeep(tooDeep[0], deep.crossing);
  const action = published.diagnostics.find((d: any) => d.code === 'ibgu/action-name');
  assert.equal(action?.range.start.line, lines + 1 + 7, 'the IBGU after the deep document is validated');

  const flat = deepDocument('block mapping', 20).text;
  client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: `${flat}---\n${BAD_IBGU}` }] });
  const after = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 2);
  assert.ok(!after.diagnostics.some((d: any) => d.code === 'ibgu/yaml-too-deep'), JSON.stringify(after.diagnostics.map((d: any) => d.code)));
  assert.ok(after.diagnostics.some((d: any) => d.code === 'ibgu/action-name'));
});
