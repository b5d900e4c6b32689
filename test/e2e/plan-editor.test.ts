import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/fixtures';
import { buildHarness, runHarnessChild, tail, toolchainOrSkip, withVsCodeLock } from '../vscode/runner/harness';

// The built "Append step" plan editor page in headless chromium, driven as a user would (test/e2e/plan-editor-page.ts).
// Skips when the toolchain cannot exist here, unless CI=true.
test('the plan editor page: read-only existing steps, live TALM markers, append, a refused write keeps the text, no CSP violation', { timeout: 10 * 60_000 }, async (t) => {
  const root = repoRoot();
  if (!toolchainOrSkip(t, root)) return;
  const screenshot = path.join(root, '.test-artifacts', 'plan-editor.png');
  await withVsCodeLock(async () => {
    buildHarness(root);
    if (!existsSync(path.join(root, 'dist', 'webview', 'plan-editor', 'main.js'))) {
      const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
      assert.equal(build.status, 0, `node scripts/build.mjs failed:\n${build.stdout}${build.stderr}`);
    }
    const started = Date.now();
    const run = await runHarnessChild(path.join(root, 'dist-vscode', 'e2e', 'plan-editor-page.js'), ['--screenshot', screenshot], {
      cwd: root,
      timeoutMs: 4 * 60_000,
      signal: t.signal,
    });
    const report = `exit ${run.code ?? run.signal}${run.timedOut ? ' (timed out)' : ''}; output:\n${tail(run.output)}`;
    assert.equal(run.code, 0, report);
    assert.ok(statSync(screenshot).mtimeMs >= started - 1000, `${screenshot} was not written by this run`);
    assert.equal(readFileSync(screenshot).subarray(1, 4).toString('latin1'), 'PNG', `${screenshot} is not a PNG`);
    assert.equal(run.leftovers, 0, 'processes of the run were still alive after it ended');
    for (const line of run.output.split('\n').filter((l) => l.startsWith('[plan-editor]'))) t.diagnostic(line);
  });
});
