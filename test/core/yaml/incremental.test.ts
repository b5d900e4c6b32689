import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { allRules, documentStarts, lintFile, parseFile, parseIncremental, Workspace, type Finding, type IncrementalFile, type LintCache } from '../../../src/core/index';
import { repoRoot } from '../../helpers/fixtures';

/** A multi-document GitOps file: every example and mistake, concatenated. */
function bigFile(): string {
  const dirs = ['examples/ibgu', 'examples/mistakes', 'examples/oadp/rendered', 'examples/storage'];
  return dirs
    .flatMap((d) => readdirSync(path.join(repoRoot(), d)).filter((n) => n.endsWith('.yaml')).map((n) => readFileSync(path.join(repoRoot(), d, n), 'utf8')))
    .map((t) => (t.startsWith('---') ? t : `---\n${t}`))
    .join('\n');
}

const key = (f: Finding) => `${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character} ${f.rule} ${f.message} ${JSON.stringify(f.fixes)}`;

test('document starts are the --- lines and the line after ...', () => {
  assert.deepEqual(documentStarts('a: 1\n---\nb: 2\n...\nc: 3\n--- # x\nd: 4\n'), [0, 5, 18, 23]);
  assert.deepEqual(documentStarts('key: |\n  ---not a marker\n----\n'), [0]);
});

test('after any sequence of edits, incremental parse + cached lint equals a full parse + lint', { timeout: 600_000 }, () => {
  const original = bigFile();
  fc.assert(fc.property(
    fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), remove: fc.nat({ max: 12 }), insert: fc.constantFrom('', 'x', ' ', '\n', ': ', '- ', 'Prep', '---\n', '\n---\n', 'timeout: 0\n', '  ', '"', '#', 'kind: Restore\n', 'lvms-', 'logicalvolumes.topolvm.io', 'v', 'oadp-', '-cm', 'persistentvolumeclaims', 'apiVersion: lvm.topolvm.io/v1alpha1\nkind: LVMCluster\nmetadata: {name: x}\n---\n') }), { minLength: 1, maxLength: 6 }),
    (edits) => {
      let text = original;
      let previous: IncrementalFile | undefined;
      const cache: LintCache = new WeakMap();
      previous = parseIncremental('f.yaml', text);
      for (const edit of edits) {
        const at = Math.floor(edit.at * text.length);
        text = text.slice(0, at) + edit.insert + text.slice(at + edit.remove);
        const incremental = parseIncremental('f.yaml', text, previous);
        previous = incremental;
        const full = parseFile('f.yaml', text);
        const a = lintFile(incremental, new Workspace([incremental]), {}, allRules, cache);
        const b = lintFile(full, new Workspace([full]), {}, allRules);
        if (b.some((f) => f.rule === 'ibgu/yaml-syntax' && f.severity === 'error')) {
          // Broken YAML: a whole-file parse may let one document's error swallow the next ones, while
          // per-document parsing keeps it in its document. Both must say the YAML is broken.
          assert.ok(a.some((f) => f.rule === 'ibgu/yaml-syntax' && f.severity === 'error'));
        } else {
          assert.deepEqual(a.map(key), b.map(key));
        }
      }
    },
  ), { numRuns: Number(process.env.IBGU_FUZZ_RUNS ?? 60) });
});

test('a keystroke in one document re-parses only that document', () => {
  const text = bigFile();
  const first = parseIncremental('f.yaml', text);
  assert.equal(first.reparsed, first.documents.length);
  const at = text.indexOf('maxConcurrency: ', text.length / 2);
  const second = parseIncremental('f.yaml', text.slice(0, at) + 'x' + text.slice(at), first);
  assert.equal(second.reparsed, 1, `${second.reparsed} of ${second.documents.length} documents re-parsed`);
  assert.ok(second.documents.length > 20);
});
