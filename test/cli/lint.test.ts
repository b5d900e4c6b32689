import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli, withTempDir } from '../helpers/run';
import { fixturesDir } from '../helpers/fixtures';
import { allRules, builtinChecks } from '../../src/core/index';

const GOOD = `apiVersion: lcm.openshift.io/v1alpha1
kind: ImageBasedGroupUpgrade
metadata:
  name: upgrade-4-17
  namespace: ztp
spec:
  clusterLabelSelectors:
    - matchLabels:
        upgrade: wave-1
  ibuSpec:
    seedImageRef:
      image: quay.io/example/seed:4.17.2
      version: 4.17.2
  plan:
    - actions: [Prep]
      rolloutStrategy:
        maxConcurrency: 10
        timeout: 120
`;
const BAD = GOOD.replace('[Prep]', '[prep]').replace('maxConcurrency: 10', 'maxConcurrncy: 10');

describe('ibgu lint', () => {
  test('exit 0 and a summary on a clean file', async () => {
    await withTempDir(async (dir) => {
      writeFileSync(path.join(dir, 'ok.yaml'), GOOD);
      const r = await runCli(['lint', 'ok.yaml'], { cwd: dir });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^0 errors, 0 warnings in 1 file\n$/);
    });
  });

  test('compiler-style text lines and exit 1 on errors', async () => {
    await withTempDir(async (dir) => {
      writeFileSync(path.join(dir, 'bad.yaml'), BAD);
      const r = await runCli(['lint', 'bad.yaml'], { cwd: dir });
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^bad\.yaml:15:17 error ibgu\/action-name "prep" is not an action .* \[fixable\]$/m);
      assert.match(r.stdout, /^bad\.yaml:17:9 error ibgu\/schema spec\.plan\[0\]\.rolloutStrategy\.maxConcurrency is required, and maxConcurrncy is not a field: did you mean maxConcurrency\?.* \[fixable\]$/m);
      assert.match(r.stdout, /^\d+ errors?, \d+ warnings? in 1 file$/m);
    });
  });

  test('json: the documented shape, 0-based positions', async () => {
    await withTempDir(async (dir) => {
      writeFileSync(path.join(dir, 'bad.yaml'), BAD);
      const r = await runCli(['lint', '--format', 'json', 'bad.yaml'], { cwd: dir });
      const out = JSON.parse(r.stdout);
      assert.equal(out.version, 1);
      assert.equal(out.files[0].path, 'bad.yaml');
      const action = out.files[0].diagnostics.find((d: { rule: string }) => d.rule === 'ibgu/action-name');
      assert.deepEqual(action.range, { start: { line: 14, character: 16 }, end: { line: 14, character: 20 } });
      assert.equal(action.severity, 'error');
      assert.deepEqual(action.fixes[0].edits, [{ range: action.range, newText: 'Prep' }]);
      assert.equal(out.summary.errors, out.files[0].diagnostics.filter((d: { severity: string }) => d.severity === 'error').length);
    });
  });

  test('sarif 2.1.0 with rules, 1-based regions and fixes', async () => {
    await withTempDir(async (dir) => {
      writeFileSync(path.join(dir, 'bad.yaml'), BAD);
      const r = await runCli(['lint', '--format=sarif', '.'], { cwd: dir });
      const sarif = JSON.parse(r.stdout);
      assert.equal(sarif.version, '2.1.0');
      const run = sarif.runs[0];
      const result = run.results.find((x: { ruleId: string }) => x.ruleId === 'ibgu/action-name');
      assert.equal(run.tool.driver.rules[result.ruleIndex].id, 'ibgu/action-name');
      assert.equal(result.level, 'error');
      assert.deepEqual(result.locations[0].physicalLocation.region, { startLine: 15, startColumn: 17, endLine: 15, endColumn: 21 });
      assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'bad.yaml');
      assert.equal(result.fixes[0].artifactChanges[0].replacements[0].insertedContent.text, 'Prep');
    });
  });

  test('sarif: the run lists every registry entry, built-in checks too, and every result resolves to its descriptor', async () => {
    await withTempDir(async (dir) => {
      writeFileSync(path.join(dir, 'bad.yaml'), BAD);
      writeFileSync(path.join(dir, 'broken.yaml'), 'kind: ImageBasedGroupUpgrade\nmetadata:\n  name: [unclosed\n');
      const r = await runCli(['lint', '--format=sarif', '.'], { cwd: dir });
      const run = JSON.parse(r.stdout).runs[0];
      const descriptors: { id: string; shortDescription: { text: string } }[] = run.tool.driver.rules;
      const ids = descriptors.map((d) => d.id);
      assert.deepEqual(ids, [...allRules, ...builtinChecks].map((c) => c.id));
      const results: { ruleId: string; ruleIndex?: number }[] = run.results;
      assert.ok(results.some((x) => x.ruleId === 'ibgu/yaml-syntax'), JSON.stringify(results.map((x) => x.ruleId)));
      assert.ok(results.some((x) => x.ruleId === 'ibgu/action-name'));
      for (const result of results) {
        assert.ok(ids.includes(result.ruleId), `no descriptor for ${result.ruleId}`);
        assert.equal(descriptors[result.ruleIndex!]?.id, result.ruleId, `ruleIndex ${result.ruleIndex} of ${result.ruleId}`);
      }
      const syntax = descriptors.find((d) => d.id === 'ibgu/yaml-syntax')!;
      assert.equal(syntax.shortDescription.text, builtinChecks.find((c) => c.id === 'ibgu/yaml-syntax')!.title);
    });
  });

  test('--fix rewrites the file with the unambiguous fixes and reports what is left', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'bad.yaml');
      writeFileSync(file, '# keep me\n' + BAD);
      const r = await runCli(['lint', '--fix', 'bad.yaml'], { cwd: dir });
      assert.equal(r.code, 0, r.stdout);
      assert.match(r.stdout, /2 problems fixed/);
      assert.equal(readFileSync(file, 'utf8'), '# keep me\n' + GOOD);
    });
  });

  test('directories are walked for *.yaml/*.yml; binary and oversized files are reported, not crashed on', async () => {
    await withTempDir(async (dir) => {
      mkdirSync(path.join(dir, 'a', 'node_modules'), { recursive: true });
      writeFileSync(path.join(dir, 'a', 'one.yml'), GOOD);
      writeFileSync(path.join(dir, 'a', 'node_modules', 'skip.yaml'), BAD);
      writeFileSync(path.join(dir, 'a', 'notes.txt'), 'not yaml');
      writeFileSync(path.join(dir, 'a', 'blob.yaml'), Buffer.from([0x61, 0x00, 0xff, 0x10]));
      writeFileSync(path.join(dir, 'a', 'big.yaml'), GOOD + '#'.repeat(5000));
      const r = await runCli(['lint', '--max-bytes', '4000', 'a'], { cwd: dir });
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^a\/blob\.yaml:1:1 error ibgu\/file binary file/m);
      assert.match(r.stdout, /^a\/big\.yaml:1:1 error ibgu\/file file is [\d,]+ bytes, over the 4,000-byte limit/m);
      assert.doesNotMatch(r.stdout, /node_modules|notes\.txt/);
      assert.match(r.stdout, /in 3 files/);
    });
  });

  test('globs, standard input and usage errors', async () => {
    await withTempDir(async (dir) => {
      mkdirSync(path.join(dir, 'x', 'y'), { recursive: true });
      writeFileSync(path.join(dir, 'x', 'y', 'bad.yaml'), BAD);
      writeFileSync(path.join(dir, 'x', 'good.yaml'), GOOD);
      const glob = await runCli(['lint', 'x/**/bad.yaml'], { cwd: dir });
      assert.match(glob.stdout, /in 1 file$/m);
      const stdin = await runCli(['lint', '-'], { cwd: dir, stdin: BAD });
      assert.match(stdin.stdout, /^<stdin>:15:17 error ibgu\/action-name/m);
      for (const args of [['lint', '--format', 'xml'], ['lint', '--bogus'], ['lint', 'missing.yaml'], ['frobnicate'], ['lint', '--disable', 'ibgu/nope']]) {
        const r = await runCli(args, { cwd: dir });
        assert.equal(r.code, 2, `${args.join(' ')} → ${r.code}`);
        assert.match(r.stderr, /^ibgu: /);
      }
    });
  });

  test('--previous catches an edited plan step; --lvms off silences the LVM Storage rules', async () => {
    await withTempDir(async (dir) => {
      writeFileSync(path.join(dir, 'old.yaml'), GOOD);
      writeFileSync(path.join(dir, 'new.yaml'), GOOD.replace('maxConcurrency: 10', 'maxConcurrency: 20'));
      const r = await runCli(['lint', '--previous', 'old.yaml', 'new.yaml'], { cwd: dir });
      assert.equal(r.code, 1);
      assert.match(r.stdout, /ibgu\/plan-append-only plan is append only: step 1/);

      const backup = 'apiVersion: velero.io/v1\nkind: Backup\nmetadata:\n  name: app\n  namespace: openshift-adp\n  labels: {velero.io/storage-location: default}\nspec:\n  includedNamespaces: [app]\n';
      writeFileSync(path.join(dir, 'backup.yaml'), backup);
      const on = await runCli(['lint', '--lvms', 'on', 'backup.yaml'], { cwd: dir });
      assert.match(on.stdout, /ibgu\/backup-lvms/);
      const off = await runCli(['lint', '--lvms', 'off', 'backup.yaml'], { cwd: dir });
      assert.doesNotMatch(off.stdout, /ibgu\/backup-lvms/);
    });
  });
});

describe('ibgu lint --fix on the examples', () => {
  test('fixes what it can, leaves valid YAML, and a second run finds nothing more to fix', async () => {
    const { cpSync, readdirSync, statSync } = await import('node:fs');
    const { parseAllDocuments } = await import('yaml');
    const { repoRoot } = await import('../helpers/fixtures');
    await withTempDir(async (dir) => {
      cpSync(path.join(repoRoot(), 'examples'), path.join(dir, 'examples'), { recursive: true });
      const before = JSON.parse((await runCli(['lint', '--format', 'json', 'examples'], { cwd: dir })).stdout);
      const fixed = await runCli(['lint', '--fix', '--format', 'json', 'examples'], { cwd: dir });
      const after = JSON.parse(fixed.stdout);
      assert.ok(after.summary.fixed > 0);
      assert.ok(after.summary.errors < before.summary.errors, `${after.summary.errors} errors after, ${before.summary.errors} before`);
      const automatic = after.files.flatMap((f: { diagnostics: { fixes: { automatic: boolean }[] }[] }) => f.diagnostics.filter((d) => d.fixes.some((x) => x.automatic)));
      assert.deepEqual(automatic, [], 'an automatic fix is still offered after --fix');
      const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(path.join(d, n)).isDirectory() ? walk(path.join(d, n)) : [path.join(d, n)]));
      for (const file of walk(path.join(dir, 'examples')).filter((f) => f.endsWith('.yaml'))) {
        for (const doc of parseAllDocuments(readFileSync(file, 'utf8')) as { errors: unknown[] }[]) assert.deepEqual(doc.errors, [], file);
      }
      const again = await runCli(['lint', '--fix', 'examples'], { cwd: dir });
      assert.match(again.stdout, /, 0 problems fixed$/m);
    });
  });
});

describe('ibgu rules and the registry', () => {
  const EMBEDDED = path.join(fixturesDir(), 'rules', 'embedded-yaml', 'invalid-block-scalar', 'oadp.yaml');

  test('lists every rule and every built-in check, in every format', async () => {
    const ids = [...allRules, ...builtinChecks].map((r) => r.id);
    for (const id of ['ibgu/yaml-syntax', 'ibgu/embedded-yaml', 'ibgu/yaml-alias-bomb', 'ibgu/yaml-too-deep', 'ibgu/internal-error', 'ibgu/file']) assert.ok(ids.includes(id), id);
    const text = await runCli(['rules']);
    assert.equal(text.code, 0, text.stderr);
    assert.deepEqual(text.stdout.trimEnd().split('\n').map((line) => line.split(/\s+/)[0]), ids);
    const json = await runCli(['rules', '--format', 'json']);
    assert.deepEqual(JSON.parse(json.stdout).map((r: { id: string }) => r.id), ids);
    const docs = await runCli(['rules', '--format', 'docs']);
    assert.deepEqual([...docs.stdout.matchAll(/^## (\S+)$/gm)].map((m) => m[1]), ids);
    const markdown = await runCli(['rules', '--format', 'markdown']);
    assert.deepEqual([...markdown.stdout.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]), ids);
  });

  test('--disable and --severity take every built-in check: ibgu/embedded-yaml, and ibgu/file (a binary file)', async () => {
    await withTempDir(async (dir) => {
      const plain = await runCli(['lint', '--format', 'json', EMBEDDED], { cwd: dir });
      const rulesOf = (r: { stdout: string }) => JSON.parse(r.stdout).files.flatMap((f: { diagnostics: { rule: string; severity: string }[] }) => f.diagnostics.map((d) => `${d.severity} ${d.rule}`));
      assert.ok(rulesOf(plain).includes('error ibgu/embedded-yaml'), plain.stdout);
      const disabled = await runCli(['lint', '--format', 'json', '--disable', 'ibgu/embedded-yaml', EMBEDDED], { cwd: dir });
      assert.notEqual(disabled.code, 2, disabled.stderr);
      assert.ok(!rulesOf(disabled).some((r: string) => r.endsWith('ibgu/embedded-yaml')), disabled.stdout);
      const hint = await runCli(['lint', '--format', 'json', '--severity', 'ibgu/embedded-yaml=hint', EMBEDDED], { cwd: dir });
      assert.notEqual(hint.code, 2, hint.stderr);
      assert.ok(rulesOf(hint).includes('hint ibgu/embedded-yaml'), hint.stdout);
      writeFileSync(path.join(dir, 'blob.yaml'), Buffer.from([0x61, 0x00, 0xff, 0x10]));
      const binary = await runCli(['lint', 'blob.yaml'], { cwd: dir });
      assert.equal(binary.code, 1, binary.stdout);
      assert.match(binary.stdout, /^blob\.yaml:1:1 error ibgu\/file binary file/m);
      const quiet = await runCli(['lint', '--disable', 'ibgu/file', 'blob.yaml'], { cwd: dir });
      assert.equal(quiet.code, 0, quiet.stdout + quiet.stderr);
      assert.doesNotMatch(quiet.stdout, /ibgu\/file/);
      const warned = await runCli(['lint', '--severity', 'ibgu/file=warning', 'blob.yaml'], { cwd: dir });
      assert.equal(warned.code, 0, warned.stdout + warned.stderr);
      assert.match(warned.stdout, /^blob\.yaml:1:1 warning ibgu\/file binary file/m);
      for (const id of ['ibgu/internal-error', 'ibgu/yaml-too-deep', 'ibgu/yaml-alias-bomb', 'ibgu/yaml-syntax']) {
        const accepted = await runCli(['lint', '--disable', id, EMBEDDED], { cwd: dir });
        assert.notEqual(accepted.code, 2, `${id}: ${accepted.stderr}`);
      }
      const unknown = await runCli(['lint', '--disable', 'ibgu/no-such-rule', EMBEDDED], { cwd: dir });
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /unknown rule "ibgu\/no-such-rule"/);
    });
  });
});
