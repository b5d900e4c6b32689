/**
 * fast.ts reproduces the `yaml` library's nodes by hand, so the library is pinned: the installed version, the
 * one package.json asks for and the one fast.ts was checked against (YAML_CHECKED_VERSION) must be the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { YAML_CHECKED_VERSION } from '../../../src/core/yaml/yaml-version';
import { repoRoot } from '../../helpers/fixtures';

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

test('the installed yaml library is the version fast.ts was checked against', () => {
  const installed = readJson(path.join(repoRoot(), 'node_modules', 'yaml', 'package.json')).version;
  assert.equal(installed, YAML_CHECKED_VERSION, `yaml ${installed} is installed, fast.ts was checked against ${YAML_CHECKED_VERSION}: see src/core/yaml/yaml-version.ts for what to re-check`);
});

test('package.json pins yaml to that exact version, and the lock file agrees', () => {
  const manifest = readJson(path.join(repoRoot(), 'package.json'));
  assert.equal(manifest.dependencies?.yaml, YAML_CHECKED_VERSION, 'package.json must pin yaml exactly (no ^ or ~)');
  const lock = readJson(path.join(repoRoot(), 'package-lock.json'));
  assert.equal(lock.packages?.['node_modules/yaml']?.version, YAML_CHECKED_VERSION);
  assert.equal(lock.packages?.['']?.dependencies?.yaml, YAML_CHECKED_VERSION);
});
