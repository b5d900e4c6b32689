import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintFile, parseFile, Workspace } from '../../../src/core/index';
import { closest, editDistance } from '../../../src/core/text/similar';

const ibgu = (extra = '') => `${extra}apiVersion: lcm.openshift.io/v1alpha1
kind: ImageBasedGroupUpgrade
metadata: {name: x, namespace: default}
spec:
  ibuSpec: {seedImageRef: {image: "quay.io/s/seed:4.17.0", version: "4.17.0"}}
  plan:
    - actions: [Prep]
# ibgu-disable-next-line ibgu/timeout-units
      rolloutStrategy: {maxConcurrency: 1, timeout: 86400}
`;

function rules(text: string): string[] {
  const file = parseFile('x.yaml', text);
  return lintFile(file, new Workspace([file])).map((f) => f.rule);
}

test('a next-line directive hides only its rule on the next line', () => {
  const found = rules(ibgu());
  assert.ok(!found.includes('ibgu/timeout-units'));
  assert.ok(found.includes('ibgu/cluster-selector-missing'));
  assert.ok(rules(ibgu().replace('# ibgu-disable-next-line ibgu/timeout-units\n', '')).includes('ibgu/timeout-units'));
});

test('a file directive hides the listed rules anywhere, or every rule without a list', () => {
  const found = rules(ibgu('# ibgu-disable-file ibgu/cluster-selector-missing\n').replace('version: "4.17.0"', 'version: "4.18.0"'));
  assert.ok(!found.includes('ibgu/cluster-selector-missing'));
  assert.deepEqual(found, ['ibgu/seed-version-mismatch']);
  assert.deepEqual(rules(ibgu('# ibgu-disable-file\n')), []);
});

test('severity overrides change the severity, and off removes the rule', () => {
  const file = parseFile('x.yaml', ibgu().replace('version: "4.17.0"', 'version: "4.18.0"'));
  const ws = new Workspace([file]);
  const plain = lintFile(file, ws);
  assert.equal(plain.find((f) => f.rule === 'ibgu/cluster-selector-missing')?.severity, 'error');
  assert.ok(plain.some((f) => f.rule === 'ibgu/seed-version-mismatch'));
  const findings = lintFile(file, ws, { severities: { 'ibgu/cluster-selector-missing': 'warning', 'ibgu/seed-version-mismatch': 'off' } });
  assert.equal(findings.find((f) => f.rule === 'ibgu/cluster-selector-missing')?.severity, 'warning');
  assert.ok(!findings.some((f) => f.rule === 'ibgu/seed-version-mismatch'));
});

test('did-you-mean picks case-only matches alone, then the nearest', () => {
  assert.deepEqual(closest('prep', ['Prep', 'Upgrade']), ['Prep']);
  assert.deepEqual(closest('maxConcurrncy', ['maxConcurrency', 'timeout']), ['maxConcurrency']);
  assert.deepEqual(closest('completely-different', ['maxConcurrency', 'timeout']), []);
  assert.equal(editDistance('abcd', 'abdc'), 1, 'a transposition is one edit');
});
