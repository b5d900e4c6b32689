import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintFile, lintFileSteps, parseFile, Workspace } from '../../../src/core/index';
import { backupsFile, FINDINGS_PER_BACKUP } from '../../helpers/large-file';

test('lintFileSteps pauses along a large file and ends with what lintFile finds', () => {
  const file = parseFile('big.yaml', backupsFile(250));
  const workspace = new Workspace([file]);
  const steps = lintFileSteps(file, workspace);
  let pauses = 0;
  let step = steps.next();
  for (; !step.done; step = steps.next()) pauses++;
  assert.equal(pauses, 2, 'one pause per 100 documents');
  assert.equal(step.value.length, 250 * FINDINGS_PER_BACKUP);
  assert.deepEqual(step.value, lintFile(file, workspace));
});
