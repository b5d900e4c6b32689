/// <reference lib="dom" />
/**
 * Browser-level check of the "Append step" plan editor page: the real built page (dist/webview/plan-editor)
 * under its real Content Security Policy, served from 127.0.0.1 with the HTML the host builds, in headless
 * chromium. A stand-in for `acquireVsCodeApi` records what the page posts; host messages are posted to the
 * window as VS Code delivers them. A user writes, breaks and fixes the new step, tries to edit a read-only
 * line, appends, and meets a refused write.
 *
 *   node dist-vscode/e2e/plan-editor-page.js [--screenshot FILE]     (default .test-artifacts/plan-editor.png)
 *
 * Exit status: 0 passed, 1 a check failed (a screenshot of the moment goes to .test-artifacts/plan-editor-failure.png),
 * 2 the run itself broke, 3 no toolchain on this machine.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { planEditorHtml } from '../../src/shared/plan-editor-protocol';
import { OWNER_VAR } from '../vscode/runner/processes';
import { loadPlaywright } from '../vscode/runner/toolchain';
import { CheckFailed, runDriver, stepLogger } from './lib/driver';

const step = stepLogger('[plan-editor]');

const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

/** Serves the page's HTML at / and the files of dist/webview, as the webview's resource origin would. */
async function serve(root: string): Promise<{ server: Server; origin: string }> {
  const webviewDir = path.join(root, 'dist', 'webview');
  let origin = '';
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname === '/') {
      const base = `${origin}/dist/webview/plan-editor`;
      const html = planEditorHtml({ cspSource: origin, scriptUri: `${base}/main.js`, styleUri: `${base}/main.css`, nonce: randomBytes(18).toString('base64'), title: 'Append step' });
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      // A browser tab asks for one; a webview does not.
      response.writeHead(204).end();
      return;
    }
    const file = path.resolve(webviewDir, `.${decodeURIComponent(url.pathname.replace(/^\/dist\/webview/, ''))}`);
    if (!url.pathname.startsWith('/dist/webview/') || !file.startsWith(webviewDir + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      step(`404 for ${url.pathname}`);
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  origin = `http://127.0.0.1:${address.port}`;
  return { server, origin };
}

/** The stand-in for VS Code's webview API, and a record of CSP violations, installed before the page's script runs. */
const SHIM = `
window.__posted = [];
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.acquireVsCodeApi = () => {
  let state;
  return { postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))), getState: () => state, setState: (s) => { state = s; } };
};`;

const step1 = { actions: ['Prep'], rolloutStrategy: { maxConcurrency: 10, timeout: 240 } };

async function waitFor(page: Page, what: string, predicate: () => Promise<boolean>, timeout = 20_000): Promise<void> {
  for (const deadline = Date.now() + timeout; ; await page.waitForTimeout(100)) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new CheckFailed(`not within ${timeout / 1000} s: ${what}`);
  }
}

/** An element's inline style, as seen from the test (which is compiled without the DOM library). */
interface Styled {
  style: { top: string };
}

/** The editor's lines as shown, top to bottom (monaco renders spaces as no-break spaces). */
async function editorLines(page: Page): Promise<string[]> {
  return page.$$eval('.monaco-editor .view-lines .view-line', (nodes) => nodes
    .map((n) => ({ top: Number.parseFloat((n as unknown as Styled).style.top) || 0, text: (n.textContent ?? '').replace(/\u00a0/g, ' ') }))
    .sort((a, b) => a.top - b.top)
    .map((l) => l.text));
}

async function posted(page: Page): Promise<{ type: string; [key: string]: unknown }[]> {
  return page.evaluate(() => (globalThis as unknown as { __posted: { type: string }[] }).__posted);
}

async function send(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, origin: string): void }).postMessage(m, '*'), message);
}

/** Puts the cursor at the end of editor line `lineNumber` (1-based), with a click as a user would. */
async function clickLineEnd(page: Page, lineNumber: number): Promise<void> {
  const lines = await page.$$('.monaco-editor .view-lines .view-line');
  const tops = await Promise.all(lines.map((l) => l.evaluate((n) => Number.parseFloat((n as unknown as Styled).style.top) || 0)));
  const line = lines.map((l, i) => ({ l, top: tops[i] })).sort((a, b) => a.top - b.top)[lineNumber - 1]?.l;
  // The line's element spans the editor's scroll width; its text is the first span inside.
  const box = await (await line?.$('span'))?.boundingBox();
  if (!box) throw new CheckFailed(`no editor line ${lineNumber}`);
  await page.mouse.click(box.x + box.width + 4, box.y + box.height / 2);
  await page.keyboard.press('End');
}

async function checkPage(page: Page, origin: string, screenshot: string, console: string[]): Promise<void> {
  await page.goto(`${origin}/`, { waitUntil: 'load' });
  await waitFor(page, 'the page says it is ready', async () => (await posted(page)).some((m) => m.type === 'ready'));
  await send(page, { type: 'state', name: 'wave-1', namespace: 'ztp-upgrades', plan: [step1] });

  // Monaco shows the existing step read-only and the prefilled continuation after [[Prep]]: [Upgrade] (facts §1.3 #2).
  await waitFor(page, 'the plan in the editor', async () => (await editorLines(page)).join('\n').includes('- actions: [Upgrade]'));
  const initial = await editorLines(page);
  step(`editor shows:\n${initial.join('\n')}`);
  const expected = ['# Existing steps (read-only)', '- actions: [Prep]', '  rolloutStrategy: {maxConcurrency: 10, timeout: 240}', '# New step', '- actions: [Upgrade]', '  rolloutStrategy:', '    maxConcurrency: 10', '    timeout: 240'];
  if (JSON.stringify(initial.slice(0, expected.length)) !== JSON.stringify(expected)) throw new CheckFailed(`unexpected editor text:\n${initial.join('\n')}`);
  const readOnlyLines = await page.locator('.monaco-editor .plan-readonly-line').count();
  if (readOnlyLines !== 4) throw new CheckFailed(`expected the 4 read-only lines marked, found ${readOnlyLines}`);
  const button = page.locator('button.append');
  await waitFor(page, 'Append enabled for the prefilled step', () => button.isEnabled());
  step('monaco rendered: existing step read-only (4 lines marked), [Upgrade] prefilled, Append enabled');

  // Completion comes from monaco-yaml's worker with our schema (the action names are an enum there).
  await clickLineEnd(page, 5);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Control+Shift+ArrowLeft');
  await page.keyboard.press('Control+Space');
  const suggestion = page.locator('.suggest-widget .monaco-list-row', { hasText: 'FinalizeUpgrade' });
  await suggestion.first().waitFor({ state: 'visible', timeout: 20_000 }).catch(() => { throw new CheckFailed('no FinalizeUpgrade completion from the yaml worker'); });
  step('completion from the yaml worker offers FinalizeUpgrade');
  await page.keyboard.press('Escape');

  // Invalid: [[Prep], [Prep]] is not an allowed plan.
  await clickLineEnd(page, 5);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Control+Shift+ArrowLeft');
  await page.keyboard.type('Prep');
  await waitFor(page, 'the new step reads [Prep]', async () => (await editorLines(page))[4] === '- actions: [Prep]');
  await waitFor(page, 'an error marker', async () => (await page.locator('.monaco-editor .squiggly-error').count()) > 0);
  await waitFor(page, 'Append disabled', async () => !(await button.isEnabled()));
  const status = await page.locator('.status').innerText();
  if (!/problem/.test(status)) throw new CheckFailed(`the status does not count the problem: ${status}`);
  const squiggle = await page.locator('.monaco-editor .squiggly-error').first().boundingBox();
  if (squiggle) {
    await page.mouse.move(squiggle.x + squiggle.width / 2, squiggle.y + squiggle.height / 2);
    const hover = page.locator('.monaco-hover', { hasText: 'invalid combinations of actions in the plan' });
    await hover.first().waitFor({ state: 'visible', timeout: 15_000 }).catch(() => { throw new CheckFailed('the marker hover does not quote TALM'); });
    step(`marker says: ${(await hover.first().innerText()).split('\n')[0]}`);
    await page.mouse.move(5, 5);
  }
  step(`after typing [Prep]: error marker, Append disabled, status "${status}"`);

  // Fixed: [[Prep], [Upgrade]].
  await clickLineEnd(page, 5);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Control+Shift+ArrowLeft');
  await page.keyboard.type('Upgrade');
  await waitFor(page, 'no error marker', async () => (await page.locator('.monaco-editor .squiggly-error').count()) === 0);
  await waitFor(page, 'Append enabled again', () => button.isEnabled());
  step('after fixing to [Upgrade]: no marker, Append enabled');

  // The read-only lines do not change: typing, deleting, cutting the line, joining line 5 into line 4.
  const before = await editorLines(page);
  await clickLineEnd(page, 3);
  await page.keyboard.type('X');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+x');
  await clickLineEnd(page, 5);
  await page.keyboard.press('Home');
  await page.keyboard.press('Home');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Alt+ArrowUp');
  await page.waitForTimeout(300);
  const after = await editorLines(page);
  if (JSON.stringify(after) !== JSON.stringify(before)) throw new CheckFailed(`editing read-only lines changed the text:\n${after.join('\n')}`);
  const note = await page.locator('.status').innerText();
  if (!/read-only/.test(note)) throw new CheckFailed(`no read-only note in the status: ${note}`);
  step(`edits on read-only lines changed nothing; status "${note}"`);

  // A marked-up new step the user wrote: a comment, which must survive the refused write.
  await clickLineEnd(page, 8);
  await page.keyboard.press('Control+End');
  await page.keyboard.type('# upgrade the first wave');
  await waitFor(page, 'the typed comment in the editor', async () => (await editorLines(page)).includes('# upgrade the first wave'));
  const typed = await editorLines(page);

  await waitFor(page, 'Append enabled before the click', () => button.isEnabled());
  await button.click();
  await waitFor(page, 'the append message', async () => (await posted(page)).some((m) => m.type === 'append'));
  const message = (await posted(page)).find((m) => m.type === 'append');
  const want = { type: 'append', expectedPlan: [step1], step: { actions: ['Upgrade'], rolloutStrategy: { maxConcurrency: 10, timeout: 240 } } };
  if (JSON.stringify(message) !== JSON.stringify(want)) throw new CheckFailed(`posted ${JSON.stringify(message)}, wanted ${JSON.stringify(want)}`);
  if (await button.isEnabled()) throw new CheckFailed('Append is still enabled while the write is in flight');
  step(`posted ${JSON.stringify(message)}; button "${await button.innerText()}"`);

  const error = 'the plan changed on the hub since it was read';
  await send(page, { type: 'appendResult', ok: false, error });
  const banner = page.locator('.banner-error', { hasText: error });
  await banner.first().waitFor({ state: 'visible', timeout: 10_000 }).catch(() => { throw new CheckFailed('no error banner after the refused write'); });
  const kept = await editorLines(page);
  if (JSON.stringify(kept) !== JSON.stringify(typed)) throw new CheckFailed(`the text changed after the refused write:\n${kept.join('\n')}`);
  await waitFor(page, 'Append enabled after the refusal', () => button.isEnabled());
  step(`refused write: banner "${(await banner.first().innerText()).trim()}", text intact, Append enabled`);

  // Another step appended elsewhere: the existing part is refreshed, the new step kept.
  await send(page, { type: 'state', name: 'wave-1', namespace: 'ztp-upgrades', plan: [step1, { actions: ['AbortOnFailure'], rolloutStrategy: { maxConcurrency: 10, timeout: 240 } }] });
  await page.locator('.banner-info', { hasText: 'plan changed on the hub' }).first().waitFor({ state: 'visible', timeout: 10_000 })
    .catch(() => { throw new CheckFailed('no banner when the plan changed on the hub'); });
  // The model and the banner change together, but monaco draws the lines at its next frame: wait for the
  // drawn text, then judge all of it.
  const hasNewStep = async () => (await editorLines(page)).includes('- actions: [AbortOnFailure]');
  await waitFor(page, 'the existing steps refreshed', hasNewStep).catch(() => undefined);
  const refreshed = await editorLines(page);
  if (!refreshed.includes('- actions: [AbortOnFailure]') || !refreshed.includes('# upgrade the first wave') || refreshed.filter((l) => l === '- actions: [Upgrade]').length !== 1) {
    throw new CheckFailed(`after the hub changed the editor shows:\n${refreshed.join('\n')}`);
  }
  await waitFor(page, 'Append enabled for [[Prep], [AbortOnFailure], [Upgrade]]', () => button.isEnabled());
  step('hub change: existing steps refreshed (AbortOnFailure added), new step and comment kept, still valid');

  mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });
  step(`screenshot ${screenshot}`);

  const violations = await page.evaluate(() => (globalThis as unknown as { __violations: string[] }).__violations);
  const cspConsole = console.filter((line) => /Content Security Policy|Refused to/i.test(line));
  if (violations.length || cspConsole.length) throw new CheckFailed(`CSP violations:\n${[...violations, ...cspConsole].join('\n')}`);
  const errors = console.filter((line) => line.startsWith('error') || line.startsWith('pageerror'));
  if (errors.length) throw new CheckFailed(`errors in the console:\n${errors.join('\n')}`);
  step(`no CSP violations, no console errors (${console.length} console lines, workers: ${page.workers().length})`);
}

runDriver({ screenshot: 'plan-editor.png', failureScreenshot: 'plan-editor-failure.png', log: step }, async (run) => {
  const runDir = run.tempDir('plan-editor-');
  if (!existsSync(path.join(run.root, 'dist', 'webview', 'plan-editor', 'main.js'))) throw new Error('dist/webview/plan-editor/main.js is missing: run node scripts/build.mjs');
  const { server, origin } = await serve(run.root);
  run.cleanUp(() => server.close());
  const { chromium } = loadPlaywright(run.toolchain);
  const context = await chromium.launchPersistentContext(path.join(runDir, 'chromium'), {
    executablePath: run.toolchain.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1100, height: 720 },
    env: { ...process.env, [OWNER_VAR]: runDir } as Record<string, string>,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    timeout: 60_000,
  });
  run.cleanUp(() => context.close());
  await context.addInitScript(SHIM);
  const page = (run.page = context.pages()[0] ?? (await context.newPage()));
  const console: string[] = [];
  page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
  page.on('worker', (w) => step(`worker started: ${w.url().slice(0, 40)}…`));
  await checkPage(page, origin, run.screenshot, console).catch((error: unknown) => {
    if (console.length) step(`console:\n${console.slice(-30).join('\n')}`);
    throw error;
  });
});
