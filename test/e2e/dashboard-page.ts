/**
 * Browser-level check of the rollout dashboard page: the real dist/webview/dashboard/main.js and main.css, in
 * the HTML that webviewHtml() builds (same policy), served from 127.0.0.1, in headless chromium at a device
 * pixel ratio of 2, with a stand-in for VS Code's `acquireVsCodeApi` that records what the page posts.
 * Fed a synthetic 3,500-cluster rollout; checks the grid's pixels, the tooltip, click and keyboard reveal,
 * the failed table, the banner, the policy, and how a 10-cluster update repaints.
 *
 *   node dist-vscode/e2e/dashboard-page.js [--screenshot FILE]     (default .test-artifacts/dashboard.png)
 *
 * Exit status: 0 passed, 1 a check failed, 2 the run itself broke, 3 no chromium on this machine.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { ClusterPhase, ClusterProgress, Rollout, StepProgress } from '../../src/hub/types';
import { pageHtml } from '../../src/extension/views/webview-html';
import { OWNER_VAR } from '../vscode/runner/processes';
import { loadPlaywright } from '../vscode/runner/toolchain';
import { check, runDriver, step } from './lib/driver';

function checkEqual<T>(actual: T, expected: T, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(a === e, `${what}: expected ${e}, got ${a}`);
}

// ---- the synthetic rollout ----

const N = 3500;
const MIN = 60_000;
const name = (i: number) => `sno-${String(i).padStart(4, '0')}`;
/** Failed in Prep (step 1): not selected by the later steps. */
const PREP_FAILED = 3333;
/** Upgrade failures TALM reported, and the ones only the ManifestWork feedback shows yet. */
const UPGRADE_FAILED = [100, 777, 1500, 1999];
const EARLY_FAILED = [2100, 2222, 2900];
const message = (i: number) => `IBU Upgrade failed on ${name(i)}: the new stateroot did not boot`;

/** The theme the stand-in gives the page (VS Code sets these on <html> before the page's script runs). */
const THEME: Record<string, string> = {
  '--vscode-testing-iconPassed': '#00c000',
  '--vscode-testing-iconFailed': '#e00000',
  '--vscode-charts-blue': '#0050ff',
  '--vscode-disabledForeground': '#808080',
  '--vscode-focusBorder': '#ffcc00',
  '--vscode-editor-background': '#1e1e1e',
  '--vscode-foreground': '#cccccc',
  '--vscode-font-family': 'sans-serif',
};
const RGB: Record<string, [number, number, number]> = {
  completed: [0, 192, 0],
  failed: [224, 0, 0],
  'in-progress': [0, 80, 255],
  pending: [128, 128, 128],
};

type Expected = ClusterPhase | 'failed-early';

/** What each cluster should look like, index = its place in the grid (name order: step 1's batches). */
function expectedKinds(overrides: Map<number, Expected> = new Map()): Expected[] {
  return Array.from({ length: N }, (_, i) => {
    const o = overrides.get(i);
    if (o) return o;
    if (i === PREP_FAILED || UPGRADE_FAILED.includes(i)) return 'failed';
    if (EARLY_FAILED.includes(i)) return 'failed-early';
    return i < 2000 ? 'completed' : i < 3000 ? 'in-progress' : 'pending';
  });
}

function counts(list: ClusterProgress[]): Record<ClusterPhase, number> {
  const out: Record<ClusterPhase, number> = { pending: 0, 'in-progress': 0, completed: 0, failed: 0 };
  for (const c of list) out[c.phase]++;
  return out;
}

function cut(names: string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < names.length; i += size) out.push(names.slice(i, i + size));
  return out;
}

function syntheticRollout(now: number, kinds: Expected[]): Rollout {
  const iso = (ms: number) => new Date(ms).toISOString();
  const clusters: ClusterProgress[] = kinds.map((kind, i) => {
    const c: ClusterProgress = { name: name(i), phase: kind === 'failed-early' ? 'failed' : kind };
    if (kind === 'failed-early') Object.assign(c, { early: true, action: 'Upgrade', message: message(i) });
    else if (i === PREP_FAILED) Object.assign(c, { action: 'Prep', message: 'IBU Prep failed: not enough disk space for the seed image' });
    else if (kind === 'failed') Object.assign(c, { action: 'Upgrade', message: message(i) });
    else if (kind === 'in-progress') c.action = 'Upgrade';
    return c;
  });
  const all = clusters.map((c) => c.name);
  const prepClusters = clusters.map((c) => ({ name: c.name, phase: c.name === name(PREP_FAILED) ? 'failed' as const : 'completed' as const }));
  const upgradeClusters = clusters.filter((c) => c.name !== name(PREP_FAILED));
  const steps: StepProgress[] = [
    {
      index: 0, actions: ['Prep'], maxConcurrency: 500, timeoutMinutes: 120, cgu: 'demo-prep-0', state: 'completed',
      batch: 7, batchCount: 7, batches: cut(all, 500), startedAt: iso(now - 120 * MIN), currentBatchStartedAt: iso(now - 70 * MIN), completedAt: iso(now - 55 * MIN),
      clusters: prepClusters, counts: counts(prepClusters),
    },
    {
      index: 1, actions: ['Upgrade'], maxConcurrency: 1000, timeoutMinutes: 240, cgu: 'demo-upgrade-1', state: 'running',
      batch: 3, batchCount: 4, batches: cut(upgradeClusters.map((c) => c.name), 1000), startedAt: iso(now - 50 * MIN), currentBatchStartedAt: iso(now - 10 * MIN),
      clusters: upgradeClusters, counts: counts(upgradeClusters),
    },
    {
      index: 2, actions: ['FinalizeUpgrade'], maxConcurrency: 1000, timeoutMinutes: 60, state: 'waiting',
      clusters: upgradeClusters.map((c) => ({ name: c.name, phase: 'pending' })), counts: { pending: upgradeClusters.length, 'in-progress': 0, completed: 0, failed: 0 },
    },
  ];
  const failed = clusters.filter((c) => c.phase === 'failed').length;
  return {
    uid: 'uid-demo', namespace: 'ztp-upgrades', name: 'demo-wave', plan: [['Prep'], ['Upgrade'], ['FinalizeUpgrade']], steps, clusters,
    done: failed, total: N, failed, state: 'progressing', message: 'Waiting for plan step 1 to be completed', createdAt: iso(now - 130 * MIN),
  };
}

// ---- the page ----

/** Runs before the page's script: the VS Code stand-in, the theme, and a record of policy violations. */
const INIT_SCRIPT = `
  window.__posted = [];
  window.__state = undefined;
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
  window.acquireVsCodeApi = () => {
    for (const [name, value] of Object.entries(${JSON.stringify(THEME)})) document.documentElement.style.setProperty(name, value);
    return {
      postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => window.__state,
      setState: (s) => { window.__state = s; },
    };
  };
`;

/** Serves the page and, under /dist/webview/, the built files; nothing else. */
function serve(root: string): Promise<{ server: Server; origin: string }> {
  const webviewDir = path.join(root, 'dist', 'webview');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end(); // a browser asks; a webview would not
      return;
    }
    if (url.pathname === '/') {
      const origin = `http://${req.headers.host}`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(pageHtml({
        cspSource: origin,
        scriptUri: `${origin}/dist/webview/dashboard/main.js`,
        styleUri: `${origin}/dist/webview/dashboard/main.css`,
        nonce: 'e2e' + Math.random().toString(36).slice(2),
        title: 'Rollout: demo-wave',
      }));
      return;
    }
    const file = path.resolve(root, `.${decodeURIComponent(url.pathname)}`);
    if (!file.startsWith(webviewDir + path.sep) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

/** Posts a host message to the page, as VS Code does, and waits for the grid's next frame; returns the ms it took. */
async function sendUpdate(page: Page, rollout: Rollout, state: object = { phase: 'connected' }, timeScale: number | null = null): Promise<{ ms: number; handledMs: number; painted: number; drawMs: number }> {
  return page.evaluate(`(async () => {
    const canvas = document.querySelector('canvas.grid');
    const frames = canvas ? canvas.dataset.frames : undefined;
    let handled = 0;
    // Runs after the page's own listener (registered first): when the page has handled the message.
    window.addEventListener('message', () => { handled = performance.now(); }, { once: true });
    const t0 = performance.now();
    window.postMessage(${JSON.stringify({ type: 'update', rollout, state, now: Date.now(), timeScale })}, '*');
    for (let i = 0; i < 300; i++) {
      await new Promise((r) => requestAnimationFrame(r));
      const c = document.querySelector('canvas.grid');
      if (c && c.dataset.frames !== frames) break;
    }
    const c = document.querySelector('canvas.grid');
    return { ms: performance.now() - t0, handledMs: handled - t0, painted: Number(c.dataset.painted), drawMs: Number(c.dataset.drawMs) };
  })()`);
}

/** What is drawn at each cluster's square: the colour at its centre (early failures are hollow) and at its left edge. */
function sampleCells(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const canvas = document.querySelector('canvas.grid');
    const cols = Number(canvas.dataset.cols), pitch = Number(canvas.dataset.pitch), size = Number(canvas.dataset.size);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const colors = ${JSON.stringify(RGB)};
    const at = (x, y) => {
      const o = (y * canvas.width + x) * 4;
      if (data[o + 3] === 0) return 'empty';
      for (const [kind, rgb] of Object.entries(colors)) if (rgb.every((v, k) => Math.abs(v - data[o + k]) <= 2)) return kind;
      return 'rgb(' + data[o] + ',' + data[o + 1] + ',' + data[o + 2] + ',' + data[o + 3] + ')';
    };
    const out = [];
    for (let i = 0; i < ${N}; i++) {
      const x = (i % cols) * pitch, y = Math.floor(i / cols) * pitch, mid = Math.floor(size / 2);
      const centre = at(x + mid, y + mid), edge = at(x, y + mid);
      out.push(centre === 'empty' && edge === 'failed' ? 'failed-early' : centre);
    }
    return out;
  })()`);
}

/** Where a cluster's square is on the screen, in CSS pixels. */
async function cellPoint(page: Page, index: number): Promise<{ x: number; y: number }> {
  return page.evaluate(`(() => {
    const canvas = document.querySelector('canvas.grid');
    const cols = Number(canvas.dataset.cols), pitch = Number(canvas.dataset.pitch), size = Number(canvas.dataset.size);
    const dpr = canvas.width / canvas.getBoundingClientRect().width;
    const rect = canvas.getBoundingClientRect();
    return { x: rect.left + ((${index} % cols) * pitch + size / 2) / dpr, y: rect.top + (Math.floor(${index} / cols) * pitch + size / 2) / dpr };
  })()`);
}

const posted = (page: Page) => page.evaluate('window.__posted') as Promise<unknown[]>;
const text = (page: Page, selector: string) => page.locator(selector).first().innerText();

async function checkDashboard(page: Page, origin: string, screenshot: string): Promise<void> {
  const consoleProblems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) consoleProblems.push(m.text());
  });
  page.on('pageerror', (e) => consoleProblems.push(`page error: ${e.message}`));
  await page.addInitScript(INIT_SCRIPT);
  await page.goto(origin, { waitUntil: 'load' });
  await page.waitForFunction('window.__posted.some((m) => m.type === "ready")', undefined, { timeout: 10_000 });
  step('the page loaded and posted ready');
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  check(csp?.startsWith("default-src 'none'; script-src 'nonce-"), `the page's CSP meta: ${csp}`);

  const kinds = expectedKinds();
  const first = await sendUpdate(page, syntheticRollout(Date.now(), kinds));
  const cells = await page.getAttribute('canvas.grid', 'data-cells');
  checkEqual(cells, String(N), 'squares in the grid');
  checkEqual(first.painted, N, 'squares painted by the first frame');
  step(`first update: handled in ${first.handledMs.toFixed(1)} ms, ${N} squares on screen in ${first.ms.toFixed(1)} ms (draw ${first.drawMs} ms)`);

  const drawn = await sampleCells(page);
  const wrong = drawn.map((k, i) => [name(i), k, kinds[i]]).filter(([, got, want]) => got !== want);
  check(wrong.length === 0, `${wrong.length} squares drawn wrong, e.g. ${JSON.stringify(wrong.slice(0, 5))}`);
  const tally = (list: string[]) => list.reduce<Record<string, number>>((t, k) => ({ ...t, [k]: (t[k] ?? 0) + 1 }), {});
  step(`canvas pixels per state: ${JSON.stringify(tally(drawn))}`);

  const summary = await text(page, '.summary');
  checkEqual(summary, '1,996 completed, 5 failed, 3 failed (not yet reported by TALM), 997 in progress, 499 pending of 3,500 clusters', 'the spoken summary');
  const legend = await text(page, '.legend');
  check(legend.includes('failed (not yet reported by TALM)'), `the legend: ${legend}`);

  // Hover and click a failed square; hover an early one.
  const failedAt = await cellPoint(page, 777);
  await page.mouse.move(failedAt.x, failedAt.y);
  const tooltip = await text(page, '.tooltip');
  checkEqual(tooltip.split('\n'), [name(777), 'failed', 'action: Upgrade', message(777)], 'the tooltip of a failed square');
  await page.mouse.click(failedAt.x, failedAt.y);
  const earlyAt = await cellPoint(page, 2222);
  await page.mouse.move(earlyAt.x, earlyAt.y);
  const earlyTip = await text(page, '.tooltip');
  check(earlyTip.includes('failed (not yet reported by TALM)') && earlyTip.includes(name(2222)), `the tooltip of an early failure: ${earlyTip}`);
  await page.mouse.move(1, 1);
  checkEqual((await posted(page)).filter((m) => (m as { type: string }).type === 'reveal'), [{ type: 'reveal', cluster: name(777) }], 'messages after a click');
  step(`hover shows "${tooltip.replace(/\n/g, ' | ')}"; the click posted reveal ${name(777)}`);

  // Keyboard: the clicked square has the focus; one right, two down, Enter.
  await page.focus('canvas.grid');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const cols = Number(await page.getAttribute('canvas.grid', 'data-cols'));
  const reveals = (await posted(page)).filter((m) => (m as { type: string }).type === 'reveal');
  checkEqual(reveals.at(-1), { type: 'reveal', cluster: name(778 + 2 * cols) }, 'Enter after a click on the square of sno-0777 and →↓↓');
  await page.locator('canvas.grid').blur();

  // The failed table.
  const expectedFailed = [...UPGRADE_FAILED, ...EARLY_FAILED, PREP_FAILED].sort((a, b) => a - b).map(name);
  const rows = await page.locator('.failed tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as unknown as { dataset: { cluster: string } }).dataset.cluster));
  checkEqual(rows, expectedFailed, 'failed table rows');
  const earlyRow = await text(page, `.failed tbody tr[data-cluster="${name(2100)}"]`);
  check(earlyRow.includes('not yet reported by TALM') && earlyRow.includes(message(2100)), `the row of an early failure: ${earlyRow}`);
  const prepRow = (await text(page, `.failed tbody tr[data-cluster="${name(PREP_FAILED)}"]`)).split('\t');
  checkEqual(prepRow.slice(0, 3), [name(PREP_FAILED), '1', 'Prep'], 'the Prep failure row: name, step, action');
  await page.fill('.failed .filter', 'stateroot 0777');
  checkEqual(await page.locator('.failed tbody tr').count(), 1, 'rows matching "stateroot 0777"');
  await page.locator('.failed tbody tr').first().click();
  checkEqual((await posted(page)).at(-1), { type: 'reveal', cluster: name(777) }, 'a click on a failed row');
  await page.fill('.failed .filter', '');
  step(`the failed table lists the ${expectedFailed.length} failed clusters; filtering and a row click work`);

  // Steps: state, counts and the current batch's deadline (240 min step, batch 3 of 4 started 40 min in:
  // (240 - 40) / 2 = 100 min → +2h20m).
  const stepStates = await page.locator('.step .step-state').allInnerTexts();
  checkEqual(stepStates, ['completed', 'running · batch 3 of 4', 'waiting'], 'step states');
  const upgradeCounts = await text(page, '.step:nth-child(2) .counts');
  check(upgradeCounts.includes('1,996 completed') && upgradeCounts.includes('7 failed') && upgradeCounts.includes('997 in progress'), `Upgrade counts: ${upgradeCounts}`);
  const upgradeTimeline = await text(page, '.step:nth-child(2) .timeline-legend');
  check(/batch 3 deadline \+2h20m/.test(upgradeTimeline) && /timeout \+4h00m/.test(upgradeTimeline) && /now \+50m/.test(upgradeTimeline), `Upgrade timeline: ${upgradeTimeline}`);
  checkEqual(await page.locator('.step:nth-child(3) .timeline').count(), 0, 'a waiting step has no timeline');
  check(upgradeTimeline.includes('wall clock'), `a real hub's axis is the wall clock: ${upgradeTimeline}`);
  checkEqual(await page.locator('.step .step-title').allInnerTexts(), ['Step 1: Prep', 'Step 2: Upgrade', 'Step 3: FinalizeUpgrade'], 'step titles, numbered from 1');
  checkEqual(await text(page, '.rollout-message'), 'Waiting for Step 2: Upgrade — TALM: "Waiting for plan step 1 to be completed"', "TALM's 0-based message, translated and quoted");
  step('steps are numbered from 1; TALM\'s "plan step 1" is shown as Step 2 with TALM\'s words quoted');

  // The sandbox's time scale: 30 wall s per TALM minute, so the Upgrade step's 50 wall minutes are 100 TALM
  // minutes and its batch 3 (10 wall min ago) started at +80m: (240 - 80) / 2 = 80 → deadline +2h40m.
  await sendUpdate(page, syntheticRollout(Date.now(), kinds), { phase: 'connected' }, 30);
  const scaled = await text(page, '.step:nth-child(2) .timeline-legend');
  check(scaled.includes('TALM time (sandbox: 30 s per TALM minute)') && /batch 3 \+1h20m/.test(scaled) && /batch 3 deadline \+2h40m/.test(scaled) && /now \+1h40m/.test(scaled) && /timeout \+4h00m/.test(scaled), `the scaled Upgrade timeline: ${scaled}`);
  const nowLeft = await page.locator('.step:nth-child(2) .mark-now').evaluate((e) => (e as unknown as { style: { left: string } }).style.left);
  checkEqual(Math.round(parseFloat(nowLeft)), Math.round((100 / 240) * 100), '"now" at 100 of 240 TALM minutes along the axis');
  await sendUpdate(page, syntheticRollout(Date.now(), kinds));
  step('with a time scale the timeline is in TALM minutes and says so');

  // Ten clusters change: only their squares are repainted.
  const changed = new Map<number, Expected>(Array.from({ length: 10 }, (_, k) => [3000 + k, 'in-progress'] as [number, Expected]));
  const update = await sendUpdate(page, syntheticRollout(Date.now(), expectedKinds(changed)));
  checkEqual(update.painted, 10, 'squares repainted after 10 clusters changed');
  const after = await sampleCells(page);
  checkEqual(after.slice(2998, 3012), expectedKinds(changed).slice(2998, 3012), 'squares around the change');
  step(`update of 10 clusters: handled ${update.handledMs.toFixed(1)} ms and on screen ${update.ms.toFixed(1)} ms after the message (draw ${update.drawMs} ms, ${update.painted} squares)`);

  checkEqual(await page.evaluate('window.__violations'), [], 'CSP violations');
  check(consoleProblems.length === 0, `console errors: ${consoleProblems.join(' | ')}`);

  mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true, scale: 'css' });
  step(`screenshot: ${screenshot}`);

  // Disconnected: the banner says so and the last state stays.
  await sendUpdate(page, syntheticRollout(Date.now(), expectedKinds(changed)), { phase: 'unreachable', message: 'connection refused by 127.0.0.1:6443' });
  checkEqual(await text(page, '.banner'), 'Disconnected: connection refused by 127.0.0.1:6443 — showing the last known state.', 'the banner');
  checkEqual(await page.getAttribute('canvas.grid', 'data-cells'), String(N), 'squares while disconnected');

  // The policy is in force: an image from another origin is refused (and seen by the violation record).
  await page.evaluate(`(() => { const img = document.createElement('img'); img.src = 'http://127.0.0.1:9/x.png'; document.body.append(img); })()`);
  await page.waitForFunction('window.__violations.length > 0', undefined, { timeout: 5000 }).catch(() => undefined);
  const violations = (await page.evaluate('window.__violations')) as string[];
  check(violations.some((v) => v.startsWith('img-src')), `a cross-origin image was not refused by the policy: ${JSON.stringify(violations)}`);
  step('the banner shows the disconnection; the CSP refuses a foreign image');
}

runDriver({ screenshot: 'dashboard.png', failureScreenshot: 'dashboard-failure.png', failureScreenshotOptions: { fullPage: true, scale: 'css' } }, async (run) => {
  if (!existsSync(path.join(run.root, 'dist', 'webview', 'dashboard', 'main.js'))) throw new Error('dist/webview/dashboard/main.js is missing: run node scripts/build.mjs');
  const { server, origin } = await serve(run.root);
  run.cleanUp(() => server.close());
  const { chromium } = loadPlaywright(run.toolchain);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'NODE_OPTIONS') env[key] = value;
  if (process.env.IBGU_VSCODE_RUN_ROOT) env[OWNER_VAR] = process.env.IBGU_VSCODE_RUN_ROOT;
  const browser = await chromium.launch({
    executablePath: run.toolchain.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    env,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    timeout: 60_000,
  });
  run.cleanUp(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 2 });
  run.page = await context.newPage();
  await checkDashboard(run.page, origin, run.screenshot);
});
