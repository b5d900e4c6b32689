import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/fixtures';
import { buildHarness, runHarnessChild, tail, toolchainOrSkip, withVsCodeLock } from '../vscode/runner/harness';

// The rollout dashboard page (the built dist/webview/dashboard) in headless chromium, fed 3,500 clusters
// (test/e2e/dashboard-page.ts). Skips when there is no chromium here, unless CI=true.
test('the rollout dashboard draws 3,500 clusters, reveals on click and keys, lists failures, repaints only what changed', { timeout: 5 * 60_000 }, async (t) => {
  const root = repoRoot();
  if (!toolchainOrSkip(t, root)) return;
  const screenshot = path.join(root, '.test-artifacts', 'dashboard.png');
  // Held while building dist-vscode (others rebuild it under the same lock) and for the short run.
  await withVsCodeLock(async () => {
    buildHarness(root);
    if (!existsSync(path.join(root, 'dist', 'webview', 'dashboard', 'main.js'))) {
      const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
      assert.equal(built.status, 0, `node scripts/build.mjs failed:\n${built.stdout}${built.stderr}`);
    }
    const started = Date.now();
    const run = await runHarnessChild(path.join(root, 'dist-vscode', 'e2e', 'dashboard-page.js'), ['--screenshot', screenshot], {
      cwd: root,
      timeoutMs: 2 * 60_000,
      signal: t.signal,
    });
    const report = `exit ${run.code ?? run.signal}${run.timedOut ? ' (timed out)' : ''}; output:\n${tail(run.output)}`;
    assert.equal(run.code, 0, report);
    assert.ok(statSync(screenshot).mtimeMs >= started - 1000, `${screenshot} was not written by this run`);
    assert.equal(readFileSync(screenshot).subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${screenshot} is not a PNG`);
    assert.equal(run.leftovers, 0, 'processes of the run were still alive after it ended');
    for (const line of run.output.split('\n').filter((l) => l.startsWith('[e2e]'))) t.diagnostic(line);
  });
});
