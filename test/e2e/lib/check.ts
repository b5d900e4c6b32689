/**
 * The node:test side of a browser-level check (test/e2e/*.test.ts): run one driver of dist-vscode/e2e as a
 * child under the VS Code lock and assert what every driver promises: exit 0, a fresh PNG screenshot, no
 * process left behind. The driver's step lines become the test's diagnostics.
 */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../helpers/fixtures';
import { buildHarness, runHarnessChild, tail, toolchainOrSkip, withVsCodeLock } from '../../vscode/runner/harness';

/** The first eight bytes of every PNG file. */
const PNG_SIGNATURE = '89504e470d0a1a0a';

/** Which driver to run and what it writes. */
export interface BrowserCheck {
  /** The driver's bundle in dist-vscode/e2e, e.g. 'hub.js'. */
  script: string;
  /** The screenshot's file name under .test-artifacts (passed as --screenshot). */
  screenshot: string;
  /** How long the driver may run. */
  timeoutMs: number;
  /** A page of dist/webview the driver serves: the shipped bundles are built first if it is missing. */
  webview?: string;
  /** The tag of the driver's step lines; '[e2e]' by default. */
  tag?: string;
}

/**
 * Runs the driver and asserts its outcome. Skips (returns) when the toolchain cannot exist here, unless
 * CI=true. The lock is held while dist-vscode is built (others rebuild it under the same lock) and for the run.
 */
export async function browserCheck(t: TestContext, check: BrowserCheck): Promise<void> {
  const root = repoRoot();
  if (!toolchainOrSkip(t, root)) return;
  const screenshot = path.join(root, '.test-artifacts', check.screenshot);
  await withVsCodeLock(async () => {
    buildHarness(root);
    if (check.webview && !existsSync(path.join(root, 'dist', 'webview', check.webview, 'main.js'))) {
      const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
      assert.equal(built.status, 0, `node scripts/build.mjs failed:\n${built.stdout}${built.stderr}`);
    }
    const started = Date.now();
    const run = await runHarnessChild(path.join(root, 'dist-vscode', 'e2e', check.script), ['--screenshot', screenshot], {
      cwd: root,
      timeoutMs: check.timeoutMs,
      signal: t.signal,
    });
    const report = `exit ${run.code ?? run.signal}${run.timedOut ? ' (timed out)' : ''}; output:\n${tail(run.output)}`;
    assert.equal(run.code, 0, report);
    assert.ok(statSync(screenshot).mtimeMs >= started - 1000, `${screenshot} was not written by this run`);
    assert.equal(readFileSync(screenshot).subarray(0, 8).toString('hex'), PNG_SIGNATURE, `${screenshot} is not a PNG`);
    assert.equal(run.leftovers, 0, 'processes of the run were still alive after it ended');
    const tag = check.tag ?? '[e2e]';
    for (const line of run.output.split('\n').filter((l) => l.startsWith(tag))) t.diagnostic(line);
  });
}
