import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/fixtures';
import { buildHarness, runHarnessChild, tail, toolchainOrSkip, withVsCodeLock } from '../vscode/runner/harness';

// The IBGU view and the rollout dashboard of the packaged extension, in a fresh code-server driven by headless
// chromium, against a sandbox hub started by the driver (test/e2e/hub.ts). Skips when the toolchain cannot
// exist here, unless CI=true.
test('the IBGU view shows the sandbox hub, a failed cluster in its group, and opens the rollout dashboard, in the browser UI', { timeout: 20 * 60_000 }, async (t) => {
  const root = repoRoot();
  if (!toolchainOrSkip(t, root)) return;
  const screenshot = path.join(root, '.test-artifacts', 'e2e-hub.png');
  await withVsCodeLock(async () => {
    buildHarness(root);
    const started = Date.now();
    const run = await runHarnessChild(path.join(root, 'dist-vscode', 'e2e', 'hub.js'), ['--screenshot', screenshot], {
      cwd: root,
      timeoutMs: 5 * 60_000,
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
