/**
 * A deeply nested file must not abort `ibgu lint`: it gets one ibgu/yaml-too-deep error where it crosses
 * the depth limit, and the file beside it is linted and reported as usual.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MAX_DEPTH } from '../../src/core/index';
import { deepDocument, DEPTHS, SHAPES } from '../helpers/deep';
import { runCli, withTempDir } from '../helpers/run';

/** Only hints: the run's exit status 1 can come from the deep file alone. */
const GOOD = `apiVersion: velero.io/v1
kind: Backup
metadata:
  name: app
  namespace: apps
spec:
  includedNamespaces: [app]
`;

interface JsonDiagnostic {
  rule: string;
  severity: string;
  message: string;
  range: { start: { line: number; character: number } };
}

describe('ibgu lint on deeply nested files', () => {
  for (const shape of SHAPES) {
    for (const depth of DEPTHS) {
      test(`a ${shape} ${depth.toLocaleString('en-US')} levels deep is one finding, and the file beside it is linted`, async () => {
        const deep = deepDocument(shape, depth);
        await withTempDir(async (dir) => {
          writeFileSync(path.join(dir, 'deep.yaml'), deep.text);
          writeFileSync(path.join(dir, 'good.yaml'), GOOD);
          const r = await runCli(['lint', '--format', 'json', 'deep.yaml', 'good.yaml'], { cwd: dir });
          assert.equal(r.code, 1, `exit status: ${r.code}; stderr: ${r.stderr}`);
          assert.equal(r.stderr, '');
          const out = JSON.parse(r.stdout) as { files: { path: string; diagnostics: JsonDiagnostic[] }[] };
          const findings = (file: string) => out.files.find((f) => f.path === file)?.diagnostics ?? [];

          const [finding, ...others] = findings('deep.yaml');
          assert.deepEqual(others, [], 'one finding for the deep document, nothing else');
          assert.equal(finding?.rule, 'ibgu/yaml-too-deep', JSON.stringify(finding));
          assert.equal(finding.severity, 'error');
          assert.deepEqual(finding.range.start, deep.crossing);
          assert.ok(finding.message.includes(`deeper than ${MAX_DEPTH} levels`), finding.message);
          assert.match(finding.message, /not validated further/);

          assert.ok(findings('good.yaml').some((f) => f.rule === 'ibgu/oadp-namespace'), JSON.stringify(findings('good.yaml')));
        });
      });
    }
  }

  test('text output, --disable and --severity know the rule', async () => {
    const deep = deepDocument('flow sequence', 1_000);
    await withTempDir(async (dir) => {
      writeFileSync(path.join(dir, 'deep.yaml'), deep.text);
      writeFileSync(path.join(dir, 'good.yaml'), GOOD);
      const text = await runCli(['lint', 'deep.yaml', 'good.yaml'], { cwd: dir });
      assert.match(text.stdout, new RegExp(`^deep\\.yaml:${deep.crossing.line + 1}:${deep.crossing.character + 1} error ibgu/yaml-too-deep `, 'm'));
      assert.match(text.stdout, /^good\.yaml:\d+:\d+ hint ibgu\/oadp-namespace /m);

      const disabled = await runCli(['lint', '--disable', 'ibgu/yaml-too-deep', 'deep.yaml', 'good.yaml'], { cwd: dir });
      assert.equal(disabled.code, 0, disabled.stdout + disabled.stderr);
      assert.doesNotMatch(disabled.stdout, /yaml-too-deep/);

      const warning = await runCli(['lint', '--severity', 'ibgu/yaml-too-deep=warning', 'deep.yaml'], { cwd: dir });
      assert.equal(warning.code, 0, warning.stdout + warning.stderr);
      assert.match(warning.stdout, /warning ibgu\/yaml-too-deep/);

      const rules = await runCli(['rules', '--format', 'docs'], { cwd: dir });
      assert.match(rules.stdout, /^## ibgu\/yaml-too-deep$/m);
    });
  });

  test('--fix leaves a deep file alone and fixes the file beside it', async () => {
    const deep = deepDocument('block mapping', 3_000);
    await withTempDir(async (dir) => {
      writeFileSync(path.join(dir, 'deep.yaml'), deep.text);
      writeFileSync(path.join(dir, 'fixable.yaml'), GOOD.replace('velero.io/v1', 'velero.io/v1alpha1'));
      const r = await runCli(['lint', '--fix', '--format', 'json', 'deep.yaml', 'fixable.yaml'], { cwd: dir });
      assert.equal(r.code, 1, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.summary.fixed, 1, r.stdout.slice(0, 2000));
      assert.deepEqual(out.files.find((f: { path: string }) => f.path === 'deep.yaml').diagnostics.map((d: JsonDiagnostic) => d.rule), ['ibgu/yaml-too-deep']);
    });
  });
});
