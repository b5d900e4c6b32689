import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { allRules, registry } from '../../src/core/index';
import { readText, repoRoot } from '../helpers/fixtures';

test('README lists every rule and built-in check with its severity, title and evidence, and nothing else', () => {
  const readme = readText(path.join(repoRoot(), 'README.md'));
  const rows = [...readme.matchAll(/^\| `(ibgu\/[a-z-]+)` \| (\w+) \| (.+?) \| (.+) \|$/gm)].map((m) => ({ id: m[1], severity: m[2], title: m[3], evidence: m[4] }));
  assert.deepEqual(rows, registry.map((r) => ({ id: r.id, severity: r.severity, title: r.title, evidence: r.evidence })));
});

test('every rule and built-in check states its evidence', () => {
  const thin = registry.filter((r) => r.evidence.trim().length < 20).map((r) => r.id);
  assert.deepEqual(thin, []);
});

test('every rule has a fixture folder with positive and negative cases', () => {
  const fixtures = path.join(repoRoot(), 'test', 'fixtures', 'rules');
  const missing = allRules.filter((r) => !existsSync(path.join(fixtures, r.id.slice('ibgu/'.length))));
  assert.deepEqual(missing.map((r) => r.id), []);
});
