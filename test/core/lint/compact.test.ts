/**
 * TreeCompactor (src/core/lint/compact.ts) shrinks the trees a one-shot lint holds whole: it must leave every
 * tree saying exactly what it said, and the lint of the compacted file must be that of the file as parsed.
 * (retire.test.ts compares whole runs of RetiringLint, which compacts, with the lint of the plain workspace.)
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { lintFile, parseFile, Workspace } from '../../../src/core/index';
import { TreeCompactor } from '../../../src/core/lint/compact';
import type { ParsedFile } from '../../../src/core/yaml/parse';
import { fixturesDir, readText } from '../../helpers/fixtures';

function yamlPaths(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? yamlPaths(p) : /\.ya?ml$/.test(name) ? [p] : [];
  });
}

/** Every collection of a file's trees (its documents and those embedded in its ConfigMaps), in walk order. */
function collections(file: ParsedFile): unknown[][] {
  const out: unknown[][] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as { items?: unknown[]; key?: unknown; value?: unknown };
    if (Array.isArray(n.items)) {
      out.push(n.items);
      n.items.forEach(visit);
    } else if ('key' in n) {
      visit(n.key);
      visit(n.value);
    }
  };
  for (const d of file.documents) visit(d.doc.contents);
  for (const r of file.resources) for (const d of r.embedded) visit(d.doc.contents);
  return out;
}

describe('TreeCompactor', () => {
  test('every fixture file: the same trees and the same findings after compacting, with its collections copied', () => {
    const compactor = new TreeCompactor();
    let copied = 0;
    const paths = yamlPaths(fixturesDir());
    assert.ok(paths.length > 100);
    for (const p of paths) {
      const text = readText(p);
      const plain = parseFile(p, text);
      const file = parseFile(p, text);
      const before = collections(file);
      compactor.compact(file);
      const after = collections(file);
      assert.equal(after.length, before.length, p);
      for (let i = 0; i < after.length; i++) {
        if (after[i] !== before[i]) copied++;
        assert.deepEqual(after[i], before[i], p);
      }
      assert.deepEqual(file.documents.map((d) => d.doc.contents), plain.documents.map((d) => d.doc.contents), p);
      assert.deepEqual(file.resources.map((r) => r.embedded.map((d) => d.doc.contents)), plain.resources.map((r) => r.embedded.map((d) => d.doc.contents)), p);
      assert.deepEqual(lintFile(file, new Workspace([file])), lintFile(plain, new Workspace([plain])), p);
    }
    assert.ok(copied > 1000, `only ${copied} collections were copied: the compactor did not reach the trees`);
  });

  test('a ConfigMap\'s embedded manifests are compacted too, and equal keys share one string value', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: b\ndata:\n  r.yaml: |\n    apiVersion: velero.io/v1\n    kind: Restore\n    metadata:\n      name: r\n';
    const file = parseFile('cm.yaml', text);
    const embedded = file.resources[0].embedded[0].doc.contents as { items: { key: { value: string; source: string } }[] };
    const before = embedded.items;
    new TreeCompactor().compact(file);
    assert.notEqual(embedded.items, before, 'the embedded document was not walked');
    assert.deepEqual(embedded.items, before);
    const keys = (embedded.items.map((p) => p.key.value));
    assert.deepEqual(keys, ['apiVersion', 'kind', 'metadata']);
    assert.equal(embedded.items[2].key.source, 'metadata');
  });
});
