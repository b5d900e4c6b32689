import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { repoRoot } from '../helpers/fixtures';
import { buildHarness, runHarnessChild, tail, toolchainOrSkip, withVsCodeLock } from './runner/harness';

// The mocha suite of test/vscode/suite inside a real VS Code (code-server 1.139 in headless chromium), launched
// through @vscode/test-electron with the code-server shim. Skips when the toolchain cannot exist here, unless CI=true.
test('extension tests pass in a real VS Code extension host', { timeout: 20 * 60_000 }, async (t) => {
  const root = repoRoot();
  if (!toolchainOrSkip(t, root)) return;
  await withVsCodeLock(async () => {
    buildHarness(root);
    const run = await runHarnessChild(path.join(root, 'dist-vscode', 'launch.js'), [], { cwd: root, timeoutMs: 6 * 60_000, signal: t.signal });
    const report = `exit ${run.code ?? run.signal}${run.timedOut ? ' (timed out)' : ''}; output:\n${tail(run.output)}`;
    assert.equal(run.code, 0, report);
    assert.match(run.output, /[1-9]\d* passing/, report);
    assert.doesNotMatch(run.output, /\d+ failing/, report);
    assert.equal(run.leftovers, 0, 'processes of the run were still alive after it ended');
    for (const line of run.output.split('\n').filter((l) => /^\s+(✔|\d+\)) |passing|pending|activation( detail)?: /.test(l))) t.diagnostic(line.trim());
  });
});
