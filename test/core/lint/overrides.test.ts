/**
 * Every id the linter emits takes a severity override, the built-in checks too: here ibgu/internal-error,
 * from a rule that throws and from a file that could not be linted at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileFailure, lintFile, parseFile, RULE_FAILURE, Workspace, type Rule } from '../../../src/core/index';

const IBGU = 'apiVersion: lcm.openshift.io/v1alpha1\nkind: ImageBasedGroupUpgrade\nmetadata: {name: u, namespace: ztp}\nspec: {}\n';
const throwing: Rule = {
  id: 'ibgu/test-throws',
  severity: 'error',
  title: 'throws',
  docs: 'A planted failing rule.',
  evidence: 'none',
  appliesTo: ['IBGU'],
  scope: 'document',
  check() {
    throw new Error('planted');
  },
};

const failures = (severities?: Record<string, 'error' | 'warning' | 'info' | 'hint' | 'off'>) => {
  const file = parseFile('u.yaml', IBGU);
  return lintFile(file, new Workspace([file]), { severities }, [throwing]).filter((f) => f.rule === RULE_FAILURE).map((f) => f.severity);
};

test('a failing rule is a warning by default, and ibgu/internal-error overrides it or turns it off', () => {
  assert.deepEqual(failures(), ['warning']);
  assert.deepEqual(failures({ [RULE_FAILURE]: 'error' }), ['error']);
  assert.deepEqual(failures({ [RULE_FAILURE]: 'off' }), []);
});

test('a file that could not be linted is an error by default, and ibgu/internal-error overrides it or turns it off', () => {
  const error = new Error('planted');
  assert.equal(fileFailure(error)?.severity, 'error');
  assert.equal(fileFailure(error, { severities: { [RULE_FAILURE]: 'hint' } })?.severity, 'hint');
  assert.equal(fileFailure(error, { severities: { [RULE_FAILURE]: 'off' } }), undefined);
});
