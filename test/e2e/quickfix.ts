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
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startCodeServer } from './lib/code-server';
import { CheckFailed, expectGone, expectVisible, packageExtension, runDriver, step } from './lib/driver';

const FILE = 'ibgu-wrong.yaml';
/** Words of the ibgu/action-name message for `prep`, and of the ibgu/unknown-field one that must stay. */
const ACTION_PROBLEM = 'is not an action';
const FIELD_PROBLEM = 'timout';

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

runDriver({ screenshot: 'e2e-quickfix.png', failureScreenshot: 'e2e-failure.png', stopping: 'stopping code-server and chromium' }, async (run) => {
  const scratch = run.tempDir('e2e-');
  const vsix = packageExtension(run.root, scratch);
  step(`packaged ${path.basename(vsix)}`);
  const { page, workbenchUrl } = await startCodeServer(run, scratch, vsix);
  await checkQuickFix(page, workbenchUrl, run.screenshot);
});
