/**
 * Browser-level check of the packaged extension, as a user meets it: package the .vsix, install it into a
 * fresh code-server, open a wrong IBGU from the Explorer, find the problem in the Problems panel, apply the
 * quick-fix from the light bulb menu (Ctrl+.), see the problem go, and save screenshots (before and after).
 *
 *   node dist-vscode/e2e/quickfix.js [--screenshot FILE]     (default .test-artifacts/e2e-quickfix.png)
 *
 * Exit status: 0 passed, 1 a check failed (a screenshot of the moment goes to .test-artifacts/e2e-failure.png),
 * 2 the run itself broke, 3 no toolchain on this machine.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { removeDir } from '../vscode/runner/processes';
import { VsCodeSession } from '../vscode/runner/session';
import { projectRoot, setUpToolchain, ToolchainUnavailable, UNAVAILABLE_EXIT } from '../vscode/runner/toolchain';

const FILE = 'ibgu-wrong.yaml';
/** Words of the ibgu/action-name message for `prep`, and of the ibgu/unknown-field one that must stay. */
const ACTION_PROBLEM = 'is not an action';
const FIELD_PROBLEM = 'timout';

class CheckFailed extends Error {}

function step(message: string): void {
  process.stdout.write(`[e2e] ${message}\n`);
}

/** `vsce package` of the work tree: the bundles carry their dependencies, so node_modules stay out. */
function packageExtension(root: string, outDir: string): string {
  const vsix = path.join(outDir, 'ibgu-tools.vsix');
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = spawnSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
  );
  if (result.status !== 0) throw new Error(`vsce package failed (status ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  return vsix;
}

async function expectVisible(locator: Locator, what: string, timeout = 30_000): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch {
    throw new CheckFailed(`not seen within ${timeout / 1000} s: ${what}`);
  }
}

async function expectGone(locator: Locator, what: string, timeout = 30_000): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'detached', timeout });
  } catch {
    throw new CheckFailed(`still there after ${timeout / 1000} s: ${what}`);
  }
}

async function checkQuickFix(page: Page, url: string, screenshot: string): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await expectVisible(page.locator('.monaco-workbench'), 'the workbench', 60_000);

  const explorerRow = page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE });
  await expectVisible(explorerRow, `${FILE} in the Explorer`, 60_000);
  await explorerRow.first().click();
  step(`opened ${FILE} from the Explorer`);
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await expectVisible(editor.locator('.view-line', { hasText: 'actions: [prep]' }), 'the IBGU text in the editor');

  await page.keyboard.press('Control+Shift+M');
  const problems = page.locator('.markers-panel');
  await expectVisible(problems, 'the Problems panel');
  const actionProblem = problems.locator('.monaco-list-row', { hasText: ACTION_PROBLEM });
  await expectVisible(actionProblem, `the ibgu/action-name problem ("${ACTION_PROBLEM}") in the Problems panel`, 60_000);
  const problemText = (await actionProblem.first().innerText()).replace(/\s+/g, ' ');
  if (!/ibgu/.test(problemText)) throw new CheckFailed(`the problem does not name its source ibgu: ${problemText}`);
  step(`Problems panel shows: ${problemText}`);

  mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot.replace(/\.png$/, '-before.png') });

  // Double-clicking the problem moves the cursor onto it and the focus into the editor; then Ctrl+. asks for
  // its fixes as a user would. A key pressed while the focus is still on its way is lost, so it is pressed
  // again if the menu does not come.
  await actionProblem.first().dblclick();
  await expectVisible(page.locator('.statusbar-item', { hasText: /Ln 16, Col (17|21)/ }), 'the cursor on the problem (Ln 16, Col 17)');
  await expectVisible(page.locator('.editor-instance .monaco-editor.focused'), 'the focus in the editor');
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Change to Prep' });
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+.');
    try {
      await fix.first().waitFor({ state: 'visible', timeout: 5000 });
      break;
    } catch {
      if (attempt === 3) throw new CheckFailed('Ctrl+. on the problem did not offer "Change to Prep" (3 tries)');
      step(`no menu after Ctrl+. (try ${attempt}), pressing it again`);
    }
  }
  step('light bulb menu offers "Change to Prep"');
  await fix.first().click();

  await expectVisible(editor.locator('.view-line', { hasText: 'actions: [Prep]' }), 'actions: [Prep] in the editor');
  await expectGone(actionProblem, 'the ibgu/action-name problem in the Problems panel');
  // The panel was refreshed, not emptied: the misspelt field is still reported.
  await expectVisible(problems.locator('.monaco-list-row', { hasText: FIELD_PROBLEM }), 'the ibgu/unknown-field problem, which must stay');
  step('after the fix the editor shows [Prep], the action problem is gone and the timout one stays');

  await page.keyboard.press('Escape');
  await page.mouse.move(700, 150);
  await page.waitForTimeout(500);
  await page.screenshot({ path: screenshot });
  step(`screenshot ${screenshot}`);
}

function screenshotArgument(root: string): string {
  const i = process.argv.indexOf('--screenshot');
  return path.resolve(i !== -1 && process.argv[i + 1] ? process.argv[i + 1] : path.join(root, '.test-artifacts', 'e2e-quickfix.png'));
}

async function main(): Promise<number> {
  // Whoever reads our output may be gone (killed first); cleaning up matters more than reporting.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const root = projectRoot();
  const screenshot = screenshotArgument(root);
  let session: VsCodeSession | undefined;
  let page: Page | undefined;
  const scratch = mkdtempSync(path.join(process.env.IBGU_VSCODE_RUN_ROOT ?? tmpdir(), 'e2e-'));
  const stop = (signal: NodeJS.Signals) => {
    step(`${signal}: stopping code-server and chromium`);
    void (session?.dispose() ?? Promise.resolve()).finally(() => {
      removeDir(scratch);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const toolchain = setUpToolchain(root);
    const started = Date.now();
    const vsix = packageExtension(root, scratch);
    step(`packaged ${path.basename(vsix)}`);
    const workspace = path.join(scratch, 'workspace');
    cpSync(path.join(root, 'test', 'vscode', 'workspace'), workspace, { recursive: true });
    session = await VsCodeSession.start({ toolchain, vsixes: [vsix] });
    step(`code-server with the installed .vsix on ${session.baseUrl}`);
    page = await session.openPage();
    await checkQuickFix(page, session.workbenchUrl(workspace), screenshot);
    step(`passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    if (error instanceof ToolchainUnavailable) {
      step(error.message);
      return UNAVAILABLE_EXIT;
    }
    step(`FAILED: ${error instanceof CheckFailed ? error.message : (error as Error).stack}`);
    if (page) {
      const failure = path.join(path.dirname(screenshot), 'e2e-failure.png');
      await page.screenshot({ path: failure }).then(() => step(`screenshot of the failure: ${failure}`), () => undefined);
    }
    if (session) step(`code-server log (tail):\n${session.logTail(20)}`);
    return error instanceof CheckFailed ? 1 : 2;
  } finally {
    await session?.dispose();
    removeDir(scratch);
  }
}

void main().then((code) => process.exit(code));
