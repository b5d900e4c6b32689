import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/fixtures';
import { buildHarness, runHarnessChild, tail, toolchainOrSkip, withVsCodeLock } from '../vscode/runner/harness';

// The packaged .vsix in a fresh code-server, driven through the UI by headless chromium (test/e2e/quickfix.ts).
// Skips when the toolchain cannot exist here, unless CI=true.
test('the packaged extension shows the problem and its quick-fix removes it, in the browser UI', { timeout: 20 * 60_000 }, async (t) => {
  const root = repoRoot();
  if (!toolchainOrSkip(t, root)) return;
  const screenshot = path.join(root, '.test-artifacts', 'e2e-quickfix.png');
  await withVsCodeLock(async () => {
    buildHarness(root);
    const started = Date.now();
    const run = await runHarnessChild(path.join(root, 'dist-vscode', 'e2e', 'quickfix.js'), ['--screenshot', screenshot], {
      cwd: root,
      timeoutMs: 6 * 60_000,
      signal: t.signal,
    });
    const report = `exit ${run.code ?? run.signal}${run.timedOut ? ' (timed out)' : ''}; output:\n${tail(run.output)}`;
    assert.equal(run.code, 0, report);
    assert.ok(statSync(screenshot).mtimeMs >= started - 1000, `${screenshot} was not written by this run`);
    assert.equal(readFileSync(screenshot).subarray(1, 4).toString('latin1'), 'PNG', `${screenshot} is not a PNG`);
    assert.equal(run.leftovers, 0, 'processes of the run were still alive after it ended');
    for (const line of run.output.split('\n').filter((l) => l.startsWith('[e2e]'))) t.diagnostic(line);
  });
});
