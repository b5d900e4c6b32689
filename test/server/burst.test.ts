import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from '../helpers/lsp';
import { waitFor } from '../helpers/wait';
import { backupsFile, FINDINGS_PER_BACKUP, LINES_PER_BACKUP, nameEdit } from '../helpers/large-file';

const URI = 'file:///work/burst.yaml';
/** Large enough that one validation takes longer than the 100 ms debounce window, small enough for a quick test. */
const DOCS = 5_000;
const EDITS = 200;

test('a burst of edits to a large file is validated for its last version, published once, in order, and the server keeps answering', { timeout: 180_000 }, async (t) => {
  const client = new LspClient();
  t.after(() => client.close());
  /** Every publish for the file, in arrival order: its version and size only (a publish is 20,000 diagnostics). */
  const publishes: { version: number; count: number }[] = [];
  client.listen('textDocument/publishDiagnostics', (p) => {
    if (p.uri === URI) publishes.push({ version: p.version, count: p.diagnostics.length });
  });
  await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  client.notify('initialized', {});
  client.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'yaml', version: 1, text: backupsFile(DOCS) } });
  await waitFor('the diagnostics of version 1', () => client.exit !== undefined || publishes.some((p) => p.version === 1), 60_000);
  assert.equal(client.exit, undefined, `the server died: ${client.stderr}`);
  assert.deepEqual(publishes, [{ version: 1, count: DOCS * FINDINGS_PER_BACKUP }]);
  publishes.length = 0;

  const last = EDITS + 1;
  const grown = new Map<number, number>();
  for (let version = 2; version <= last; version++) client.notify('textDocument/didChange', nameEdit(URI, version, DOCS, grown));
  // A quick-fix asked for at once, on a diagnostic the last version still has, waits for that version's findings.
  const n = 17;
  const range = { start: { line: n * LINES_PER_BACKUP + 5, character: 45 }, end: { line: n * LINES_PER_BACKUP + 5, character: 50 } };
  const diagnostic = { range, severity: 1, source: 'ibgu', code: 'ibgu/apply-wave', message: '', data: { index: n * FINDINGS_PER_BACKUP + 2 } };
  const actions = await client.request('textDocument/codeAction', { textDocument: { uri: URI }, range, context: { diagnostics: [diagnostic] } });
  assert.ok(actions.some((a: any) => a.title === 'Disable ibgu/apply-wave for this line'), JSON.stringify(actions.map((a: any) => a.title)));

  await waitFor(`the diagnostics of version ${last}`, () => client.exit !== undefined || publishes.some((p) => p.version === last), 120_000);
  assert.equal(client.exit, undefined, `the server died: ${client.stderr}`);
  // A request answered after the last publish: anything published before it has arrived.
  const hover = await client.request('textDocument/hover', { textDocument: { uri: URI }, position: { line: 1, character: 2 } });
  assert.match(hover?.contents.value, /`kind`/);

  const versions = publishes.map((p) => p.version);
  assert.equal(versions.at(-1), last, `the last publish is for the last version: ${versions.join(', ')}`);
  assert.ok(versions.every((v, i) => i === 0 || v > versions[i - 1]), `no version is published after a newer one, nor twice: ${versions.join(', ')}`);
  assert.ok(publishes.every((p) => p.count === DOCS * FINDINGS_PER_BACKUP));
  // Validation follows the latest version instead of every edit: a handful of publishes, not one per edit.
  assert.ok(publishes.length <= EDITS / 10, `${publishes.length} publishes for ${EDITS} edits: ${versions.join(', ')}`);
});
