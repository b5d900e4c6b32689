import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Document, isMap, isScalar, parseDocument } from 'yaml';
import { LineIndex, lintFile, parseFile, Workspace, type Resource } from '../../../src/core/index';
import { get, getMap } from '../../../src/core/yaml/ast';

function configMap(value: string, header = '|'): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: openshift-adp\ndata:\n  backup.yaml: ${header}\n${value}`;
}

function embedded(text: string): Resource[] {
  return parseFile('f.yaml', text).resources.filter((r) => r.yaml.embedding);
}

/** The outer text at the position an inner node maps to. */
function outerAt(text: string, r: Resource, path: string[]): string {
  let node: unknown = r.root;
  for (const key of path) node = get(node as never, key);
  const [start, end] = (node as { range: [number, number] }).range;
  return text.slice(r.yaml.map.toOuter(start), r.yaml.map.toOuter(end));
}

describe('LineIndex', () => {
  test('positions and offsets round-trip with CRLF and a BOM', () => {
    const text = '\ufeffa: 1\r\nbb: 2\r\n\r\nc: 3';
    const lines = new LineIndex(text);
    assert.equal(lines.lineCount, 4);
    assert.deepEqual(lines.positionAt(text.indexOf('bb')), { line: 1, character: 0 });
    assert.deepEqual(lines.positionAt(text.indexOf('c:')), { line: 3, character: 0 });
    assert.equal(lines.offsetAt({ line: 1, character: 99 }), text.indexOf('\r\n\r\n'), 'past the end of a line clamps before \\r\\n');
    assert.equal(lines.eol(), '\r\n');
    for (let i = 0; i <= text.length; i++) {
      if (text[i - 1] === '\r') continue; // between \r and \n is not a position
      assert.equal(lines.offsetAt(lines.positionAt(i)), i);
    }
  });
});

describe('parseFile', () => {
  test('identifies kinds in a multi-document stream with ---, ..., comments and a BOM', () => {
    const text = '\ufeff# leading comment\napiVersion: lcm.openshift.io/v1alpha1\nkind: ImageBasedGroupUpgrade\nmetadata: {name: a, namespace: ns}\n...\n---\n# unrelated\nfoo: bar\n---\napiVersion: velero.io/v1\nkind: Backup\nmetadata:\n  name: b\n---\n- just\n- a list\n';
    const file = parseFile('x.yaml', text);
    assert.equal(file.documents.length, 4);
    assert.deepEqual(file.resources.map((r) => [r.type, r.name, r.namespace]), [['IBGU', 'a', 'ns'], ['Backup', 'b', undefined]]);
  });

  test('reports syntax problems with offsets, without throwing', () => {
    const file = parseFile('x.yaml', 'a: [1, 2\nb: "unclosed\n');
    assert.ok(file.documents[0].problems.length > 0);
    for (const p of file.documents[0].problems) assert.ok(p.start >= 0 && p.end <= file.text.length + 1);
  });

  test('unrelated kinds are identified as Other and ConfigMaps without manifests embed nothing', () => {
    const file = parseFile('x.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  script.sh: |\n    echo hello\n');
    assert.equal(file.resources.length, 1);
    assert.equal(file.resources[0].embedded.length, 0);
  });
});

describe('embedded documents', () => {
  test('block literal: inner nodes map to the exact outer line and column', () => {
    const text = configMap('    apiVersion: velero.io/v1\n    kind: Backup\n    metadata:\n      name: small-app   # trailing comment\n    spec:\n      includedNamespaces: [test]\n');
    const [backup] = embedded(text);
    assert.equal(backup.type, 'Backup');
    assert.equal(outerAt(text, backup, ['metadata', 'name']), 'small-app');
    const lines = parseFile('f.yaml', text).lines;
    const start = backup.yaml.map.toOuter((get(getMap(backup.root, 'metadata'), 'name') as { range: number[] }).range[0]);
    assert.deepEqual(lines.positionAt(start), { line: 10, character: 12 });
  });

  test('block literal with CRLF, strip chomping and several documents', () => {
    const text = configMap('    apiVersion: velero.io/v1\r\n    kind: Backup\r\n    metadata: {name: one}\r\n    ---\r\n    apiVersion: velero.io/v1\r\n    kind: Restore\r\n    metadata: {name: two}', '|-').replace(/\n/g, '\r\n').replace(/\r\r/g, '\r');
    const docs = embedded(text);
    assert.deepEqual(docs.map((d) => d.name), ['one', 'two']);
    assert.equal(outerAt(text, docs[1], ['kind']), 'Restore');
  });

  test('double-quoted JSON with escapes maps each character', () => {
    const inner = '{\\"apiVersion\\": \\"velero.io/v1\\", \\"kind\\": \\"Restore\\", \\"metadata\\": {\\"name\\": \\"r\\u00e9\\"}, \\"spec\\": {\\"backupName\\": \\"b\\"}}';
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata:\n  restore.json: "${inner}"\n`;
    const [restore] = embedded(text);
    assert.equal(restore.name, 'ré');
    assert.equal(outerAt(text, restore, ['spec', 'backupName']), '\\"b\\"');
    assert.equal(outerAt(text, restore, ['metadata', 'name']), '\\"r\\u00e9\\"');
  });

  test("single-quoted values map '' to one quote", () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata:\n  b.yaml: '{apiVersion: velero.io/v1, kind: Backup, metadata: {name: ''it''''s''}}'\n`;
    const [backup] = embedded(text);
    assert.equal(backup.name, "it's");
    assert.equal(outerAt(text, backup, ['metadata', 'name']), "''it''''s''");
  });

  test('folded scalars are parsed but mapped coarsely, and offer no edits', () => {
    const text = configMap('    {"apiVersion": "velero.io/v1",\n    "kind": "Backup", "metadata": {"name": "f"}}\n', '>');
    const [backup] = embedded(text);
    assert.equal(backup.name, 'f');
    assert.equal(backup.yaml.map.exact, false);
    assert.equal(backup.yaml.map.edit({ start: 0, end: 0, newText: 'x' }), undefined);
  });
});

/** Applies an inner edit through the map, re-parses the outer file, and returns the embedded value. */
function roundTrip(outer: string, key: string, edit: { start: number; end: number; newText: string }): string | undefined {
  const file = parseFile('f.yaml', outer);
  const doc = file.resources.find((r) => r.yaml.embedding?.key === key)!.yaml;
  const mapped = doc.map.edit(edit);
  if (!mapped) return undefined;
  const changed = outer.slice(0, mapped.start) + mapped.newText + outer.slice(mapped.end);
  const data = get(parseDocument(changed).contents as never, 'data');
  assert.ok(isMap(data));
  const value = get(data, key);
  assert.ok(isScalar(value));
  return String(value.value);
}

describe('edits inside embedded documents', () => {
  const lines = ['apiVersion: velero.io/v1', 'kind: Backup', 'metadata:', '  name: app # keep', 'spec:', '  includedNamespaces:', '  - test', '  includedClusterScopedResources:', '  - persistentVolumes'];

  test('block literal: any line-aligned insertion, replacement or deletion lands inside the scalar', () => {
    fc.assert(fc.property(
      fc.constantFrom('|', '|-', '|+'),
      fc.constantFrom('\n', '\r\n'),
      fc.integer({ min: 0, max: lines.length }),
      fc.integer({ min: 0, max: 2 }),
      fc.array(fc.stringMatching(/^[a-z][a-z: -]{0,12}$/), { maxLength: 3 }),
      fc.boolean(),
      (header, eol, at, removed, inserted, midLine) => {
        const value = lines.map((l) => `    ${l}`).join(eol) + eol;
        const outer = configMap(value, header).replace(/\n/g, eol).replace(/\r\r/g, '\r') + `  other: x${eol}`;
        const inner = parseFile('f.yaml', outer).resources.find((r) => r.yaml.embedding)!.yaml.text;
        const innerLines = inner.split('\n');
        const lineStart = innerLines.slice(0, at).reduce((n, l) => n + l.length + 1, 0);
        let start = Math.min(lineStart, inner.length);
        let end = Math.min(innerLines.slice(0, Math.min(at + removed, innerLines.length)).reduce((n, l) => n + l.length + 1, 0), inner.length);
        let newText = inserted.map((s) => s + '\n').join('');
        if (midLine && at < lines.length) {
          start = end = lineStart + 2;
          newText = inserted.join('\n');
        }
        const expected = inner.slice(0, start) + newText + inner.slice(end);
        const got = roundTrip(outer, 'backup.yaml', { start, end, newText });
        assert.ok(got !== undefined);
        // Chomping may add or remove final line breaks; everything before them must be exact.
        assert.equal(got.replace(/\n+$/, ''), expected.replace(/\n+$/, ''));
      },
    ), { numRuns: 300 });
  });

  test('double-quoted: edits are escaped', () => {
    const outer = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata:\n  b.json: "{\\"apiVersion\\": \\"velero.io/v1\\", \\"kind\\": \\"Backup\\", \\"metadata\\": {\\"name\\": \\"x\\"}}"\n`;
    const inner = parseFile('f.yaml', outer).resources.find((r) => r.yaml.embedding)!.yaml.text;
    const at = inner.indexOf('}}') + 1;
    const newText = ', "spec": {"includedNamespaces": ["a\\"b"]}\n';
    assert.equal(roundTrip(outer, 'b.json', { start: at, end: at, newText }), inner.slice(0, at) + newText + inner.slice(at));
  });

  test('plain and single-quoted scalars refuse edits they cannot express', () => {
    const outer = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata:\n  b.yaml: '{apiVersion: velero.io/v1, kind: Backup, metadata: {name: x}}'\n`;
    const doc = parseFile('f.yaml', outer).resources.find((r) => r.yaml.embedding)!.yaml;
    assert.equal(doc.map.edit({ start: 1, end: 1, newText: 'a\nb' }), undefined);
    assert.equal(roundTrip(outer, 'b.yaml', { start: 1, end: 1, newText: "it's " }), "{it's apiVersion: velero.io/v1, kind: Backup, metadata: {name: x}}");
  });
});

describe('lists', () => {
  test('the items of a v1 List (kubectl -o yaml exports) are resources', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: cluster.open-cluster-management.io/v1\n  kind: ManagedCluster\n  metadata: {name: sno1, labels: {common: "true"}}\n- apiVersion: cluster.open-cluster-management.io/v1\n  kind: ManagedCluster\n  metadata: {name: sno2}\nmetadata: {resourceVersion: ""}\n';
    const file = parseFile('clusters.yaml', text);
    assert.deepEqual(file.resources.map((r) => [r.type, r.name]), [['ManagedCluster', 'sno1'], ['ManagedCluster', 'sno2']]);
  });
});

describe('double-quoted ConfigMap values: findings at exact columns', () => {
  /** Lints a ConfigMap whose `backup.yaml` value is written double-quoted as `quoted` (without the quotes). */
  function unknownFieldAt(outer: string): { line: number; character: number } {
    const ws = new Workspace([parseFile('cm.yaml', outer)]);
    const finding = lintFile(ws.allFiles()[0], ws).find((f) => f.rule === 'ibgu/unknown-field');
    assert.ok(finding, 'an unknown-field finding');
    return finding.range.start;
  }
  function expectAt(outer: string) {
    const offset = outer.indexOf('includedNamespacs');
    const lines = new LineIndex(outer);
    assert.deepEqual(unknownFieldAt(outer), lines.positionAt(offset));
  }
  const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: openshift-adp\ndata:\n  backup.yaml: "';
  for (const [kind, before] of [
    ['\\n only', ''],
    ['\\"', 'metadata:\\n  name: \\"b\\"\\n'],
    ['\\\\', 'metadata:\\n  annotations:\\n    a: \\"c:\\\\\\\\d\\"\\n  name: b\\n'],
    ['\\t and \\u', 'metadata:\\n  annotations: {a: \\"\\t\\u00e9\\U0001F600\\x41\\"}\\n  name: b\\n'],
  ]) {
    test(`after ${kind} escapes on one line`, () => {
      expectAt(`${head}apiVersion: velero.io/v1\\nkind: Backup\\n${before}spec:\\n  includedNamespacs:\\n  - foo\\n"\n`);
    });
  }
  test('folded over lines with escaped line breaks (`\\` at the end of a line)', () => {
    expectAt(`${head}apiVersion: velero.io/v1\\nkind: Backup\\nmetadata:\\n  name: \\"b\\"\\n\\\n    spec:\\n  includedNamespacs:\\n  - foo\\n"\n`);
  });
  test('folded over lines: a line break is a space, an empty line a newline', () => {
    expectAt(`${head}apiVersion: velero.io/v1\\nkind: Backup\\nmetadata:\\n  name: b\n\n    spec:\\n  includedNamespacs:\\n  - foo\\n"\n`);
  });
  test('as yaml writes long values (folded at spaces)', () => {
    const value = 'apiVersion: velero.io/v1\nkind: Backup\nmetadata:\n  name: "b"\n  annotations:\n    note: "a long sentence that makes the writer fold this scalar over several lines of the file"\nspec:\n  includedNamespacs:\n  - foo\n';
    const outer = new Document({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'openshift-adp' }, data: { 'backup.yaml': value } }).toString({ defaultStringType: 'QUOTE_DOUBLE', lineWidth: 40 });
    assert.match(outer, /backup\.yaml"?: "[^\n]*\n/);
    expectAt(outer);
    // The preferred fix lands in the folded scalar too: the value reads back with the field renamed.
    const inner = value.indexOf('includedNamespacs');
    assert.equal(roundTrip(outer, 'backup.yaml', { start: inner, end: inner + 'includedNamespacs'.length, newText: 'includedNamespaces' }), value.replace('includedNamespacs', 'includedNamespaces'));
    const space = value.indexOf(' long');
    assert.equal(roundTrip(outer, 'backup.yaml', { start: space, end: space + 1, newText: ' ' }), value, 'a space next to a fold survives');
  });
});
