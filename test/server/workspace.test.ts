import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lsp';
import { withTempDir } from '../helpers/run';

const IBGU = `apiVersion: lcm.openshift.io/v1alpha1
kind: ImageBasedGroupUpgrade
metadata: {name: wave-1, namespace: ztp}
spec:
  clusterLabelSelectors: [{matchLabels: {wave: "1"}}]
  ibuSpec:
    seedImageRef: {image: "quay.io/x/seed:4.18.1", version: "4.18.1"}
    oadpContent: [{name: oadp-cm, namespace: openshift-adp}]
  plan:
    - actions: [prep]
      rolloutStrategy: {maxConcurrency: 5, timeout: 0}
    - actions: [Upgrad]
      rolloutStrategy: {maxConcurrency: 5}
`;
const BACKUP = `apiVersion: velero.io/v1
kind: Backup
metadata:
  name: app
  namespace: openshift-adp
  labels: {velero.io/storage-location: default}
spec:
  includedNamespaces: [shop]
`;
const LVM = 'apiVersion: lvm.topolvm.io/v1alpha1\nkind: LVMCluster\nmetadata: {name: lvms, namespace: openshift-storage}\n';
const OADP_CM = `apiVersion: v1
kind: ConfigMap
metadata: {name: oadp-cm, namespace: openshift-adp}
data:
  backup.yaml: |
    apiVersion: velero.io/v1
    kind: Backup
    metadata: {name: app, namespace: openshift-adp, labels: {velero.io/storage-location: default}}
    spec:
      includedNamespaces: [shop]
      includedClusterScopedResources: [persistentVolumes, logicalvolumes.topolvm.io]
  restore.yaml: |
    apiVersion: velero.io/v1
    kind: Restore
    metadata: {name: app, namespace: openshift-adp, labels: {velero.io/storage-location: default}}
    spec: {backupName: app, restorePVs: true, restoreStatus: {includedResources: [logicalvolumes]}}
`;

async function start(dir: string, options: object = {}): Promise<LspClient> {
  const client = new LspClient();
  await client.request('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
    capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: false } }, window: { workDoneProgress: true } },
    initializationOptions: options,
  });
  client.notify('initialized', {});
  await client.waitFor('ibgu/status', (p) => p.state === 'ready');
  return client;
}

function open(client: LspClient, uri: string, text: string, version = 1): void {
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
}

const rulesOf = (p: { diagnostics: { code: string }[] }) => p.diagnostics.map((d) => d.code).sort();

describe('language server: workspace, settings and actions', () => {
  test('diagnostics link to the rules reference shipped with the server', async (t) => {
    await withTempDir(async (dir) => {
      const client = await start(dir);
      t.after(() => client.close());
      const uri = pathToFileURL(path.join(dir, 'ibgu.yaml')).href;
      open(client, uri, IBGU);
      const published = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri);
      const d = published.diagnostics.find((x: any) => x.code === 'ibgu/timeout-nonpositive');
      const [file, anchor] = d.codeDescription.href.split('#');
      assert.ok(existsSync(fileURLToPath(file)), file);
      assert.ok(readFileSync(fileURLToPath(file), 'utf8').includes(`<a id="${anchor}"></a>`), anchor);
    });
  });

  test('cross-file rules see the workspace folder, and follow it when files change on disk', async (t) => {
    await withTempDir(async (dir) => {
      writeFileSync(path.join(dir, 'lvmcluster.yaml'), LVM);
      const client = await start(dir);
      t.after(() => client.close());
      const backup = pathToFileURL(path.join(dir, 'backup.yaml')).href;
      writeFileSync(fileURLToPath(backup), BACKUP);
      open(client, backup, BACKUP);
      const first = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === backup);
      assert.deepEqual(rulesOf(first), ['ibgu/backup-lvms'], 'the LVMCluster on disk is the evidence');
      assert.match(first.diagnostics[0].message, /LVMCluster lvms/);

      rmSync(path.join(dir, 'lvmcluster.yaml'));
      client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, 'lvmcluster.yaml')).href, type: 3 }] });
      const second = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === backup);
      assert.deepEqual(rulesOf(second), []);
    });
  });

  test('settings: ibgu.lvms off and a severity override', async (t) => {
    await withTempDir(async (dir) => {
      writeFileSync(path.join(dir, 'lvmcluster.yaml'), LVM);
      const client = await start(dir, { settings: { lvms: 'off', rules: { 'ibgu/timeout-nonpositive': 'hint', 'ibgu/configmap-missing': 'off' } } });
      t.after(() => client.close());
      const backup = pathToFileURL(path.join(dir, 'backup.yaml')).href;
      open(client, backup, BACKUP);
      assert.deepEqual(rulesOf(await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === backup)), []);
      const ibgu = pathToFileURL(path.join(dir, 'ibgu.yaml')).href;
      open(client, ibgu, IBGU);
      const published = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === ibgu);
      assert.equal(published.diagnostics.find((d: any) => d.code === 'ibgu/timeout-nonpositive').severity, 4);
    });
  });

  test('code actions: per-rule fix all, suppression comments, and source.fixAll.ibgu', async (t) => {
    await withTempDir(async (dir) => {
      writeFileSync(path.join(dir, 'oadp-cm.yaml'), OADP_CM);
      const client = await start(dir);
      t.after(() => client.close());
      const uri = pathToFileURL(path.join(dir, 'ibgu.yaml')).href;
      open(client, uri, IBGU);
      const published = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri);
      assert.deepEqual(rulesOf(published), ['ibgu/action-name', 'ibgu/action-name', 'ibgu/timeout-nonpositive']);
      const prep = published.diagnostics.find((d: any) => d.code === 'ibgu/action-name');
      const actions = await client.request('textDocument/codeAction', { textDocument: { uri }, range: prep.range, context: { diagnostics: [prep] } });
      const titles = actions.map((a: any) => a.title);
      assert.deepEqual(titles, ['Change to Prep', 'Fix all ibgu/action-name problems in this file (2)', 'Disable ibgu/action-name for this line', 'Disable ibgu/action-name for this file']);
      const fixAll = actions[1].edit.changes[uri].map((e: any) => e.newText).sort();
      assert.deepEqual(fixAll, ['Prep', 'Upgrade']);
      assert.deepEqual(actions[2].edit.changes[uri][0], { range: { start: { line: 9, character: 0 }, end: { line: 9, character: 0 } }, newText: '    # ibgu-disable-next-line ibgu/action-name\n' });

      const source = await client.request('textDocument/codeAction', { textDocument: { uri }, range: prep.range, context: { diagnostics: [], only: ['source.fixAll'] } });
      assert.equal(source.length, 1);
      assert.equal(source[0].kind, 'source.fixAll.ibgu');
      assert.equal(source[0].edit.changes[uri].length, 2, 'the two action names; the timeout fix is not automatic');
      const none = await client.request('textDocument/codeAction', { textDocument: { uri }, range: prep.range, context: { diagnostics: [] } });
      assert.deepEqual(none, [], 'no source action unless asked for');
    });
  });

  test('only the edited document of a multi-document file is parsed again, and findings stay right', async (t) => {
    await withTempDir(async (dir) => {
      const client = await start(dir);
      t.after(() => client.close());
      const uri = pathToFileURL(path.join(dir, 'many.yaml')).href;
      const docs = Array.from({ length: 200 }, (_, i) => IBGU.replace('wave-1', `wave-${i}`).replace('[prep]', '[Prep]').replace('[Upgrad]', '[Upgrade]').replace('timeout: 0', 'timeout: 60'));
      open(client, uri, docs.join('---\n'));
      const first = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 1);
      assert.deepEqual(rulesOf(first), []);
      // Change `[Prep]` of document 150 into `[prep]`.
      // Lines before document 150, its `---` line, then line 9 of the IBGU (`- actions: [Prep]`).
      const line = (docs.slice(0, 150).join('---\n').match(/\n/g)?.length ?? 0) + 1 + 9;
      client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line, character: 16 }, end: { line, character: 17 } }, text: 'p' }] });
      const second = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 2);
      assert.deepEqual(second.diagnostics.map((d: any) => [d.code, d.range.start.line]), [['ibgu/action-name', line]]);
    });
  });

  test('Validate Workspace publishes diagnostics for files that are not open', async (t) => {
    await withTempDir(async (dir) => {
      writeFileSync(path.join(dir, 'a.yaml'), IBGU);
      writeFileSync(path.join(dir, 'b.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
      const client = await start(dir);
      t.after(() => client.close());
      const result = await client.request('ibgu/validateWorkspace', {});
      assert.equal(result.files, 2);
      assert.equal(result.filesWithProblems, 1);
      assert.equal(result.cancelled, false);
      const published = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri.endsWith('/a.yaml'));
      assert.ok(rulesOf(published).includes('ibgu/timeout-nonpositive'));
    });
  });

  test('with Red Hat YAML active, top-level syntax and schema problems are left to it, embedded ones are not', async (t) => {
    await withTempDir(async (dir) => {
      const client = await start(dir, { yamlExtensionActive: true });
      t.after(() => client.close());
      const uri = pathToFileURL(path.join(dir, 'x.yaml')).href;
      const text = `${IBGU.replace('maxConcurrency: 5}\n', 'maxConcurrency: "5"}\n')}---\n${OADP_CM.replace('restorePVs: true', 'restorePVs: "yes"')}`;
      open(client, uri, text);
      const published = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri);
      const schema = published.diagnostics.filter((d: any) => d.code === 'ibgu/schema');
      assert.equal(schema.length, 1, JSON.stringify(schema));
      assert.match(schema[0].message, /restorePVs/);
    });
  });

  test('a plan lens above each IBGU', async (t) => {
    await withTempDir(async (dir) => {
      const client = await start(dir);
      t.after(() => client.close());
      const uri = pathToFileURL(path.join(dir, 'x.yaml')).href;
      open(client, uri, IBGU.replace('[prep]', '[Prep]').replace('[Upgrad]', '[Upgrade]'));
      await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri);
      const lenses = await client.request('textDocument/codeLens', { textDocument: { uri } });
      assert.equal(lenses.length, 1);
      assert.equal(lenses[0].range.start.line, 1);
      assert.equal(lenses[0].command.title, 'Plan [[Prep], [Upgrade]] · can append [FinalizeUpgrade] or [AbortOnFailure]');
    });
  });
});

test('a document over ibgu.maxFileSizeKb is not parsed, and says so', async (t) => {
  await withTempDir(async (dir) => {
    const client = await start(dir, { settings: { maxFileSizeKb: 1 } });
    t.after(() => client.close());
    const uri = pathToFileURL(path.join(dir, 'big.yaml')).href;
    open(client, uri, IBGU + '#'.repeat(2048));
    const published = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri);
    assert.deepEqual(published.diagnostics.map((d: any) => [d.code, d.severity]), [['ibgu/file', 3]]);
    assert.match(published.diagnostics[0].message, /larger than 1 KiB/);
  });
});

test('ibgu.rules gives ibgu/file another severity, or turns it off', async (t) => {
  await withTempDir(async (dir) => {
    const client = await start(dir, { settings: { maxFileSizeKb: 1, rules: { 'ibgu/file': 'warning' } } });
    t.after(() => client.close());
    const uri = pathToFileURL(path.join(dir, 'big.yaml')).href;
    open(client, uri, IBGU + '#'.repeat(2048));
    const warned = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri);
    assert.deepEqual(warned.diagnostics.map((d: any) => [d.code, d.severity]), [['ibgu/file', 2]]);
  });
  await withTempDir(async (dir) => {
    const client = await start(dir, { settings: { maxFileSizeKb: 1, rules: { 'ibgu/file': 'off' } } });
    t.after(() => client.close());
    const uri = pathToFileURL(path.join(dir, 'big.yaml')).href;
    open(client, uri, IBGU + '#'.repeat(2048));
    const quiet = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri);
    assert.deepEqual(quiet.diagnostics, []);
  });
});

test('a binary file opened in the editor gets one diagnostic that says so, not its bytes as syntax errors', async (t) => {
  await withTempDir(async (dir) => {
    const client = await start(dir);
    t.after(() => client.close());
    const uri = pathToFileURL(path.join(dir, 'logo.yaml')).href;
    // What an editor sends for a PNG opened as text: NULs, and U+FFFD for the bytes that are not UTF-8. The
    // noise (xorshift, seeded) parses as YAML with syntax errors that quote it.
    let x = 2463534242;
    const noise = Buffer.from(Array.from({ length: 16384 }, () => {
      x = (x ^ (x << 13)) >>> 0;
      x = (x ^ (x >>> 17)) >>> 0;
      x = (x ^ (x << 5)) >>> 0;
      return x & 255;
    }));
    const text = new TextDecoder().decode(Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), noise]));
    open(client, uri, text);
    const published = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri);
    assert.deepEqual(published.diagnostics.map((d: any) => [d.source, d.code, d.severity, d.range.start.line]), [['ibgu', 'ibgu/file', 3, 0]]);
    assert.match(published.diagnostics[0].message, /binary file.*not validated/);
    assert.doesNotMatch(published.diagnostics[0].message, /[\0\uFFFD]/, 'no garbage quoted');
  });
});

test('a workspace file opened in the editor replaces its disk copy, whatever characters its name has', async (t) => {
  await withTempDir(async (dir) => {
    const { URI } = await import('vscode-uri');
    writeFileSync(path.join(dir, 'cm@site.yaml'), OADP_CM);
    const ibguText = IBGU.replace('[prep]', '[Prep]').replace('[Upgrad]', '[Upgrade]').replace('timeout: 0', 'timeout: 60');
    writeFileSync(path.join(dir, 'ibgu.yaml'), ibguText);
    const client = await start(dir);
    t.after(() => client.close());
    const ibgu = URI.file(path.join(dir, 'ibgu.yaml')).toString();
    open(client, ibgu, ibguText);
    assert.deepEqual(rulesOf(await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === ibgu)), []);
    // VS Code writes `@` as %40: the open document must take the place of the file read from disk.
    const cm = URI.file(path.join(dir, 'cm@site.yaml')).toString();
    assert.match(cm, /%40/);
    open(client, cm, OADP_CM.replace('name: oadp-cm', 'name: renamed'));
    const after = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === ibgu && p.diagnostics.length > 0);
    assert.deepEqual(rulesOf(after), ['ibgu/configmap-missing']);
  });
});
