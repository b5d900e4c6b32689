/**
 * Keeps examples/ honest: the good folders lint clean (no error or warning), and the table of deliberate
 * mistakes in examples/README.md matches what the linter says about examples/mistakes/.
 * The whole folder is linted as one workspace, as `ibgu lint examples` does.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CORE_CHECK_IDS, lintFile, parseFile, ruleById, Workspace, type Finding } from '../../src/core/index';
import { readText, repoRoot } from '../helpers/fixtures';

const root = repoRoot();
const examplesDir = path.join(root, 'examples');
const GOOD_FOLDERS = ['ibgu', 'oadp', 'extra-manifests', 'clusters', 'storage'];

/** Paths relative to examples/, `/`-separated, as the README writes them. */
function yamlFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) out.push(...yamlFiles(full, rel));
    else if (/\.ya?ml$/i.test(name)) out.push(rel);
  }
  return out;
}

const files = yamlFiles(examplesDir);
const workspace = new Workspace(files.map((f) => parseFile(f, readText(path.join(examplesDir, f)))));
const findings = new Map<string, Finding[]>(files.map((f) => [f, lintFile(workspace.get(f)!, workspace, {})]));

const isProblem = (f: Finding) => f.severity === 'error' || f.severity === 'warning';
const show = (file: string, f: Finding) => `${file}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity} ${f.rule} ${f.message}`;

interface MistakeRow {
  file: string;
  rules: string[];
  line: number;
}

/** The rows of the table whose first column names a file under mistakes/. */
function mistakeRows(markdown: string): MistakeRow[] {
  const rows: MistakeRow[] = [];
  markdown.split('\n').forEach((text, index) => {
    if (!text.trimStart().startsWith('|')) return;
    const cells = text.split('|').slice(1, -1).map((c) => c.trim());
    const file = /^`(mistakes\/[^`]+)`$/.exec(cells[0] ?? '')?.[1];
    if (!file) return;
    const rules = [...(cells[2] ?? '').matchAll(/`(ibgu\/[a-z0-9-]+)`/g)].map((m) => m[1]);
    rows.push({ file, rules, line: index + 1 });
  });
  return rows;
}

describe('examples', () => {
  test('the folders are there', () => {
    for (const folder of [...GOOD_FOLDERS, 'mistakes']) assert.ok(existsSync(path.join(examplesDir, folder)), `examples/${folder} is missing`);
  });

  for (const folder of GOOD_FOLDERS) {
    test(`examples/${folder} has no error or warning`, () => {
      const inFolder = files.filter((f) => f.startsWith(`${folder}/`));
      assert.ok(inFolder.length > 0, `no YAML file in examples/${folder}`);
      const problems = inFolder.flatMap((f) => findings.get(f)!.filter(isProblem).map((finding) => show(f, finding)));
      assert.deepEqual(problems, []);
    });
  }

  test('the rendered OADP ConfigMap is what the kustomization generates from source/', () => {
    // A source edit without re-rendering would leave the linted ConfigMap out of date.
    const kustomization = parseYaml(readText(path.join(examplesDir, 'oadp', 'kustomization.yaml')));
    const generator = kustomization.configMapGenerator[0];
    const rendered = parseYaml(readText(path.join(examplesDir, 'oadp', 'rendered', 'oadp-cm.yaml')));
    assert.equal(rendered.metadata.name, generator.name);
    assert.equal(rendered.metadata.namespace, generator.namespace);
    const expected = Object.fromEntries((generator.files as string[]).map((f) => [path.posix.basename(f), readText(path.join(examplesDir, 'oadp', f))]));
    assert.deepEqual(rendered.data, expected);
  });

  describe('the mistakes table in examples/README.md', () => {
    const rows = mistakeRows(readText(path.join(examplesDir, 'README.md')));
    const mistakeFiles = files.filter((f) => f.startsWith('mistakes/'));

    test('has rows, each naming a file and known rules', () => {
      assert.ok(rows.length > 0, 'no table row names a file under mistakes/');
      for (const row of rows) {
        assert.ok(files.includes(row.file), `README line ${row.line}: ${row.file} does not exist`);
        assert.ok(row.rules.length > 0, `README line ${row.line}: no rule id in the "Caught by" column`);
        for (const rule of row.rules) assert.ok(ruleById.has(rule) || CORE_CHECK_IDS.includes(rule), `README line ${row.line}: unknown rule ${rule}`);
      }
    });

    test('covers every file in examples/mistakes', () => {
      const listed = new Set(rows.map((r) => r.file));
      assert.deepEqual(mistakeFiles.filter((f) => !listed.has(f)), []);
    });

    for (const row of rows) {
      test(`${row.rules.join(', ')} fires in ${row.file}`, () => {
        const fired = new Set((findings.get(row.file) ?? []).map((f) => f.rule));
        for (const rule of row.rules) assert.ok(fired.has(rule), `${rule} does not fire in ${row.file}; it reports: ${[...fired].join(', ') || 'nothing'}`);
      });
    }

    test('explains every error and warning in examples/mistakes', () => {
      // Each file should show its documented slip and nothing else that matters.
      const explained = new Map<string, Set<string>>();
      for (const row of rows) for (const rule of row.rules) (explained.get(row.file) ?? explained.set(row.file, new Set()).get(row.file)!).add(rule);
      const unexplained = mistakeFiles.flatMap((f) => findings.get(f)!.filter((x) => isProblem(x) && !explained.get(f)?.has(x.rule)).map((x) => show(f, x)));
      assert.deepEqual(unexplained, []);
    });
  });
});
