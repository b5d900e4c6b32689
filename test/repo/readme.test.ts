import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { allRules } from '../../src/core/index';
import { readText, repoRoot } from '../helpers/fixtures';

test('README lists every rule with its severity and title, and nothing else', () => {
  const readme = readText(path.join(repoRoot(), 'README.md'));
  const rows = [...readme.matchAll(/^\| `(ibgu\/[a-z-]+)` \| (\w+) \| (.+) \|$/gm)].map((m) => ({ id: m[1], severity: m[2], title: m[3] }));
  assert.deepEqual(rows, allRules.map((r) => ({ id: r.id, severity: r.severity, title: r.title })));
});

test('every rule has a fixture folder with positive and negative cases', () => {
  const fixtures = path.join(repoRoot(), 'test', 'fixtures', 'rules');
  const missing = allRules.filter((r) => !existsSync(path.join(fixtures, r.id.slice('ibgu/'.length))));
  assert.deepEqual(missing.map((r) => r.id), []);
});
