import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { readText, repoRoot } from '../helpers/fixtures';
import { IBGU_ACTIONS } from '../../src/core/schema/talm';

const grammar = JSON.parse(readText(path.join(repoRoot(), 'syntaxes', 'ibgu.injection.tmLanguage.json')));

test('the injection grammar highlights exactly the action names', () => {
  const re = new RegExp(grammar.repository.action.match);
  for (const action of IBGU_ACTIONS) {
    assert.equal(re.exec(`  - actions: ["${action}"]`)?.[2], action);
    assert.equal(re.exec(`    - ${action}`)?.[2], action);
  }
  for (const text of ['name: Preparation', 'actions: [prep]', 'image: Upgrader']) assert.equal(re.exec(text), null, text);
});

test('the injection grammar highlights lca/lcm annotation and label keys', () => {
  const re = new RegExp(grammar.repository['lifecycle-key'].match);
  assert.equal(re.exec('    lca.openshift.io/manual-cleanup-done: ""')?.[2], 'lca.openshift.io/manual-cleanup-done');
  assert.equal(re.exec('    "lcm.openshift.io/ibgu-prep-completed": ""')?.[2], 'lcm.openshift.io/ibgu-prep-completed');
  assert.equal(re.exec('    velero.io/storage-location: default'), null);
});
