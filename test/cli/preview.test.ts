import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import type { Io } from '../../src/cli/io';
import { repoRoot } from '../helpers/fixtures';
import { withTempDir } from '../helpers/run';

/** Runs the CLI in-process and captures what it prints. */
async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => (stdout += t), err: (t) => (stderr += t), readStdin: async () => new Uint8Array(), isTty: false, cwd: repoRoot(), version: 'test' };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const root = repoRoot();
const ibgu = (name: string) => path.join(root, 'examples', 'ibgu', `${name}.yaml`);
const CLUSTERS = path.join(root, 'examples', 'clusters', 'managedclusters.yaml');

describe('ibgu preview', () => {
  test('wave 2: five steps, the Upgrade step one cluster per batch, worst case the sum of reachable timeouts', async () => {
    const r = await run(['preview', ibgu('wave2-manual'), '--clusters', CLUSTERS, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.version, 1);
    assert.deepEqual(out.ibgu, { name: 'sno-4.18-wave2', namespace: 'ztp-upgrades', file: ibgu('wave2-manual') });
    assert.deepEqual(out.clusters, ['sno-east-03', 'sno-west-01']);
    assert.deepEqual(out.steps.map((s: { actions: string[] }) => s.actions), [['Prep'], ['AbortOnFailure'], ['Upgrade'], ['AbortOnFailure'], ['FinalizeUpgrade']]);
    assert.deepEqual(out.steps[0].batches, [['sno-east-03', 'sno-west-01']]);
    assert.deepEqual(out.steps[1].clusters, []);
    assert.deepEqual(out.steps[1].onFailure, ['sno-east-03', 'sno-west-01']);
    assert.deepEqual(out.steps[2].batches, [['sno-east-03'], ['sno-west-01']]);
    assert.equal(out.steps[2].batchTimeoutMinutes, 600 / 2);
    assert.equal(out.steps[2].clusterGroupUpgrade, 'sno-4.18-wave2-upgrade-2');
    assert.equal(out.worstCaseMinutes, 240 + 30 + 600 + 30 + 60);
    assert.deepEqual(out.problems, []);
  });

  test('labels from an earlier IBGU decide a resumed Upgrade and an AbortOnFailure', async () => {
    const resume = JSON.parse((await run(['preview', ibgu('wave3-resume-upgrade'), '--clusters', CLUSTERS, '--format=json'])).stdout);
    assert.deepEqual(resume.steps[0].clusters, ['sno-west-02'], 'only the cluster labelled ibgu-prep-completed');
    assert.deepEqual(resume.steps[0].skipped.map((s: { cluster: string }) => s.cluster), ['sno-west-03']);
    const abort = JSON.parse((await run(['preview', ibgu('wave3-abort-failed'), '--clusters', CLUSTERS, '--format', 'json'])).stdout);
    assert.deepEqual(abort.steps[0].clusters, ['sno-west-03'], 'only the cluster labelled ibgu-prep-failed');
    assert.equal(abort.worstCaseMinutes, 30);
    const rollback = JSON.parse((await run(['preview', ibgu('rollback-sno-central-01'), '--clusters', CLUSTERS, '--format', 'json'])).stdout);
    assert.deepEqual(rollback.steps[0].clusters, ['sno-central-01']);
  });

  test('text: steps, batches with their share of the timeout, and the worst case', async () => {
    const r = await run(['preview', ibgu('wave2-manual'), '--clusters', CLUSTERS]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^sno-4\.18-wave2: 2 of 9 clusters in managedclusters\.yaml match clusterLabelSelectors: sno-east-03, sno-west-01$/m);
    assert.match(r.stdout, /^Step 3 \[Upgrade\] +maxConcurrency 1, timeout 600 min \(10 h\)/m);
    assert.match(r.stdout, /^ {2}batch 1\/2 \(300 min \(5 h\)\): sno-east-03$/m);
    assert.match(r.stdout, /^ {2}batch 2\/2 \(at least 300 min \(5 h\)\): sno-west-01$/m);
    assert.match(r.stdout, /^Worst case: 960 min \(16 h\)/m);
  });

  test('every example IBGU previews without problems', async () => {
    for (const name of ['wave1-one-step', 'wave2-manual', 'lab-prep-rehearsal', 'rollback-sno-central-01', 'wave3-resume-upgrade', 'wave3-abort-failed']) {
      const r = await run(['preview', ibgu(name), '--clusters', CLUSTERS]);
      assert.equal(r.code, 0, `${name}: ${r.stdout}${r.stderr}`);
    }
  });

  test('usage and input errors exit 2 with a specific message', async () => {
    const cases: [string[], RegExp][] = [
      [['preview', '--clusters', CLUSTERS], /name the IBGU file/],
      [['preview', ibgu('wave2-manual')], /--clusters is required/],
      [['preview', ibgu('wave2-manual'), '--clusters', CLUSTERS, '--format', 'yaml'], /--format must be text or json/],
      [['preview', path.join(root, 'nope.yaml'), '--clusters', CLUSTERS], /nope\.yaml: no such file/],
      [['preview', ibgu('wave2-manual'), '--clusters', ibgu('wave1-one-step')], /no ManagedCluster .* found; it holds ImageBasedGroupUpgrade/],
      [['preview', CLUSTERS, '--clusters', CLUSTERS], /no ImageBasedGroupUpgrade .* found; it holds ManagedCluster/],
      [['preview', ibgu('wave2-manual'), '--clusters', path.join(root, 'examples')], /is a directory/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.stderr, message);
    }
  });

  test('bad YAML names the line; a stalled or rejected IBGU exits 1', async () => {
    await withTempDir(async (dir) => {
      const broken = path.join(dir, 'broken.yaml');
      writeFileSync(broken, 'kind: ManagedCluster\nmetadata: {name: a\n');
      const r = await run(['preview', ibgu('wave2-manual'), '--clusters', broken]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /broken\.yaml:\d+:\d+: not valid YAML/);

      const noSelectors = path.join(dir, 'nosel.yaml');
      writeFileSync(noSelectors, 'apiVersion: lcm.openshift.io/v1alpha1\nkind: ImageBasedGroupUpgrade\nmetadata: {name: x, namespace: y}\nspec:\n  ibuSpec: {}\n  plan:\n  - actions: [Prep]\n    rolloutStrategy: {maxConcurrency: 1}\n');
      const s = await run(['preview', noSelectors, '--clusters', CLUSTERS]);
      assert.equal(s.code, 1);
      assert.match(s.stdout, /problem: spec\.clusterLabelSelectors is missing/);

      const badOp = path.join(dir, 'badop.yaml');
      writeFileSync(badOp, 'apiVersion: lcm.openshift.io/v1alpha1\nkind: ImageBasedGroupUpgrade\nmetadata: {name: x}\nspec:\n  clusterLabelSelectors:\n  - matchExpressions: [{key: a, operator: Equals, values: [b]}]\n  ibuSpec: {}\n  plan:\n  - actions: [Prep]\n    rolloutStrategy: {maxConcurrency: 1}\n');
      const b = await run(['preview', badOp, '--clusters', CLUSTERS]);
      assert.equal(b.code, 1);
      assert.match(b.stderr, /"Equals" is not a valid operator/);
    });
  });

  test('--help prints the command\'s usage', async () => {
    const r = await run(['preview', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: ibgu preview IBGU\.yaml --clusters CLUSTERS\.yaml/);
  });
});
