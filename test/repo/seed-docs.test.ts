/**
 * The YAML examples of the product documentation (../shared/seed-docs), linted one by one as a user
 * would paste them, with the documentation's callout numbers removed. Skipped when ../shared is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { lintFile, parseFile, Workspace } from '../../src/core/index';
import { repoRoot } from '../helpers/fixtures';

const docs = path.join(repoRoot(), '..', 'shared', 'seed-docs');
const skip = existsSync(docs) ? false : `../shared/seed-docs is absent (${docs}): skipped`;

/** `key: value 7` → `key: value` (a documentation callout, not YAML). */
const stripCallouts = (yaml: string) => yaml.replace(/^(\s*[\w./-]+:(?: \S+)?) [1-9]$/gm, '$1');

function examples(): { kind: string; name: string; rules: string[] }[] {
  const out: { kind: string; name: string; rules: string[] }[] = [];
  for (const file of readdirSync(docs).filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(path.join(docs, file), 'utf8');
    for (const match of text.matchAll(/```yaml\n([\s\S]*?)```/g)) {
      const parsed = parseFile('example.yaml', stripCallouts(match[1]));
      const ws = new Workspace([parsed]);
      const [resource] = parsed.resources;
      const findings = lintFile(parsed, ws);
      out.push({ kind: resource?.kind ?? '(fragment)', name: resource?.name ?? '', rules: findings.map((f) => `${f.severity} ${f.rule}`).sort() });
    }
  }
  return out;
}

test('the documentation examples give the expected findings', { skip }, () => {
  assert.deepEqual(examples(), [
    {
      kind: 'ImageBasedGroupUpgrade',
      name: 'example-group-upgrade',
      // The example puts extraManifests and oadpContent beside ibuSpec (the API server drops them), keeps the
      // pull-secret placeholder. Its 2400-minute (40-hour) timeout is TALM's own sample value: not reported.
      rules: ['error ibgu/reference-name', 'warning ibgu/unknown-field', 'warning ibgu/unknown-field'],
    },
    // A status excerpt with the indentation it had inside an IBU: not a document on its own.
    { kind: '(fragment)', name: '', rules: ['error ibgu/yaml-syntax', 'error ibgu/yaml-syntax'] },
    { kind: 'Backup', name: 'small-app', rules: [] },
    { kind: 'Restore', name: 'sample-vote-app', rules: [] },
  ]);
});
