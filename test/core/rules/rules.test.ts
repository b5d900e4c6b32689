/**
 * Fixture-driven rule tests. Each folder test/fixtures/rules/<rule>/<case>/ holds:
 *   *.yaml          the files linted together (one workspace); findings are checked in every file
 *   previous/*.yaml optional: the previous versions (as `ibgu lint --previous`)
 *   options.json    optional: lint options, e.g. { "lvms": "on" }; `hub` as { "context", "namespace",
 *                   "configMaps": { "ns/name": true|false }, "secrets": { … } } (ibgu lint --hub's facts)
 *   expected.json   the findings of rule ibgu/<rule> only: [{ file, range: "L:C-L:C" (1-based), message }]
 *   fixed/<file>    optional: each file after applying the preferred fix of every finding of the rule
 * A case named valid-* must expect no finding; invalid-* must expect at least one.
 * IBGU_RULES=a,b runs only those folders; UPDATE_FIXTURES=1 rewrites expected.json and fixed/ (review the diff!).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { applyEdits, CORE_CHECK_IDS, lintFile, parseFile, ruleById, Workspace, type Finding, type LintOptions } from '../../../src/core/index';
import { fixturesDir, listDirs, readText } from '../../helpers/fixtures';

interface Expected {
  file: string;
  range: string;
  message: string;
}

function loadWorkspace(dir: string): Workspace {
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort() : [];
  return new Workspace(names.map((n) => parseFile(n, readText(path.join(dir, n)))));
}

const span = (f: Finding) => `${f.range.start.line + 1}:${f.range.start.character + 1}-${f.range.end.line + 1}:${f.range.end.character + 1}`;

const root = path.join(fixturesDir(), 'rules');
const update = process.env.UPDATE_FIXTURES === '1';

const only = process.env.IBGU_RULES?.split(',').filter(Boolean);

for (const ruleDir of listDirs(root).filter((r) => !only || only.includes(r))) {
  const ruleId = `ibgu/${ruleDir}`;
  describe(ruleId, () => {
    test('is a known rule or a core check', () => {
      assert.ok(ruleById.has(ruleId) || CORE_CHECK_IDS.includes(ruleId), `no rule ${ruleId}`);
    });
    const cases = listDirs(path.join(root, ruleDir));
    test('has positive and negative cases', () => {
      assert.ok(cases.some((c) => c.startsWith('valid')), `${ruleId} needs a valid-* case`);
      assert.ok(cases.some((c) => c.startsWith('invalid')), `${ruleId} needs an invalid-* case`);
    });
    for (const name of cases) {
      test(name, () => {
        const dir = path.join(root, ruleDir, name);
        const workspace = loadWorkspace(dir);
        const optionsFile = path.join(dir, 'options.json');
        const options: LintOptions = existsSync(optionsFile) ? JSON.parse(readText(optionsFile)) : {};
        // `hub` (ibgu lint --hub's facts) holds maps: written in JSON as objects `{ "namespace/name": exists }`.
        if (options.hub) options.hub = { ...options.hub, configMaps: new Map(Object.entries(options.hub.configMaps ?? {})), secrets: new Map(Object.entries(options.hub.secrets ?? {})) };
        if (existsSync(path.join(dir, 'previous'))) options.previous = loadWorkspace(path.join(dir, 'previous'));
        const actual: (Expected & { finding: Finding })[] = [];
        for (const file of workspace.allFiles()) {
          for (const finding of lintFile(file, workspace, options)) {
            if (finding.rule === ruleId) actual.push({ file: file.path, range: span(finding), message: finding.message, finding });
          }
        }
        const expectedFile = path.join(dir, 'expected.json');
        if (update) writeFileSync(expectedFile, JSON.stringify(actual.map(({ file, range, message }) => ({ file, range, message })), null, 2) + '\n');
        const expected: Expected[] = JSON.parse(readText(expectedFile));
        assert.deepEqual(actual.map(({ file, range, message }) => ({ file, range, message })), expected);
        if (name.startsWith('valid')) assert.equal(actual.length, 0, 'a valid-* case must have no finding');
        if (name.startsWith('invalid')) assert.ok(actual.length > 0, 'an invalid-* case must have findings');

        const fixedDir = path.join(dir, 'fixed');
        if (!existsSync(fixedDir) && !update) return;
        for (const file of workspace.allFiles()) {
          const edits = actual.filter((a) => a.file === file.path && a.finding.fixes.length).flatMap((a) => (a.finding.fixes.find((f) => f.preferred) ?? a.finding.fixes[0]).edits);
          if (edits.length === 0) continue;
          const fixedText = applyEdits(file.text, edits).text;
          const target = path.join(fixedDir, file.path);
          if (update) {
            mkdirSync(fixedDir, { recursive: true });
            writeFileSync(target, fixedText);
          }
          assert.equal(fixedText, readText(target), `fixed/${file.path}`);
          // A fix must leave valid YAML behind and must resolve the finding it was offered for.
          const after = new Workspace(workspace.allFiles().map((f) => (f.path === file.path ? parseFile(f.path, fixedText) : f)));
          const again = lintFile(after.get(file.path)!, after, options).filter((f) => f.rule === ruleId);
          assert.ok(again.length < actual.filter((a) => a.file === file.path).length, `fixing ${file.path} did not reduce the ${ruleId} findings`);
          assert.deepEqual(after.get(file.path)!.documents.flatMap((d) => d.problems.filter((p) => p.severity === 'error')), [], 'fixed file has YAML errors');
        }
      });
    }
  });
}
