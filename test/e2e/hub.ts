/**
 * Browser-level check of the hub side of the packaged extension, as a user meets it: a sandbox hub runs in
 * this process (eight clusters, one failing Prep, 0.5 s of wall time per TALM/LCA minute), an IBGU is created
 * on it over HTTPS, and a fresh code-server with the installed .vsix and `ibgu.hub.kubeconfig` pinned to the
 * sandbox's kubeconfig is driven in chromium: open the IBGU activity-bar view, see the hub connected, the IBGU
 * with its progress, its steps, the failed cluster in a "Failed (1)" group and the Managed clusters; click
 * the IBGU to open its rollout dashboard and look inside the webview (the grid, the failed table, the running
 * Upgrade step, no policy violation). A screenshot of the whole window is taken while the rollout runs.
 *
 *   node dist-vscode/e2e/hub.js [--screenshot FILE] [--readme-screenshot]
 *
 * FILE defaults to .test-artifacts/e2e-hub.png; --readme-screenshot also writes media/screenshots/hub.png,
 * the README's picture of the view. Exit status: 0 passed, 1 a check failed (the moment's screenshot goes to
 * e2e-hub-failure.png beside FILE), 2 the run itself broke, 3 no toolchain on this machine.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Frame, Locator, Page } from 'playwright-core';
import { parseScenario, startSandbox, type Sandbox } from '../../src/sandbox';
import { startCodeServer } from './lib/code-server';
import { check, expectVisible, packageExtension, runDriver, step } from './lib/driver';
import { checkPolicyObserved, describeRows, shown, treeRows, untilRows, webviewFrame, widenSidebar } from './lib/workbench';

const CONTEXT = 'ibgu-sandbox';
const NAMESPACE = 'ztp-upgrades';
const IBGU = 'wave-a';
const IBGU_ID = `${NAMESPACE}/${IBGU}`;
const CLUSTERS = 8;
const FAILING = 'sno-0003';
const PREP_FAULT = 'failed to run precache: 2 images failed to be pulled from registry.example.com:8443';
/** Wall seconds per simulated minute: Prep (20 + 16 min) takes 18 s, then Upgrade (two batches of 60 min) 60 s. */
const TIME_SCALE = 0.5;

const SCENARIO = `
kind: SandboxScenario
description: eight clusters in one wave; ${FAILING} fails Prep
clusters: ${CLUSTERS}
durations: {prep: 16, upgrade: 60, finalize: 5}
groups:
- clusters: "*"
  labels: {upgrade-wave: a}
faults:
- clusters: ${FAILING}
  fault: Prep
  message: "${PREP_FAULT}"
`;

/**
 * Prep then Upgrade over the wave, four clusters at a time. TALM waits for a failed cluster until its batch
 * times out (a batch gets the step's remaining time over its remaining batches): Prep's 40 minutes give the
 * first batch, with the failing cluster, 20 and the second the 20 it needs; Upgrade has time to spare.
 */
const IBGU_OBJECT = {
  apiVersion: 'lcm.openshift.io/v1alpha1',
  kind: 'ImageBasedGroupUpgrade',
  metadata: { name: IBGU, namespace: NAMESPACE },
  spec: {
    clusterLabelSelectors: [{ matchLabels: { 'upgrade-wave': 'a' } }],
    ibuSpec: { seedImageRef: { image: 'quay.io/example/sno-seed:4.18.9', version: '4.18.9', pullSecretRef: { name: 'seed-pull-secret' } } },
    plan: [
      { actions: ['Prep'], rolloutStrategy: { maxConcurrency: 4, timeout: 40 } },
      { actions: ['Upgrade'], rolloutStrategy: { maxConcurrency: 4, timeout: 240 } },
    ],
  },
};

/** POSTs the IBGU to the hub's API as kubectl would (the sandbox CA, the admin bearer token). */
function createIbgu(hub: Sandbox): Promise<void> {
  const url = new URL(`/apis/lcm.openshift.io/v1alpha1/namespaces/${NAMESPACE}/imagebasedgroupupgrades`, hub.url);
  const body = JSON.stringify(IBGU_OBJECT);
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      { method: 'POST', ca: hub.caPem, timeout: 10_000, headers: { authorization: `Bearer ${hub.token}`, 'content-type': 'application/json' } },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => (response.statusCode === 201 ? resolve() : reject(new Error(`creating ${IBGU_ID}: HTTP ${response.statusCode}: ${text}`))));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`creating ${IBGU_ID}: no answer within 10 s`)));
    request.on('error', reject);
    request.end(body);
  });
}

function row(page: Page, text: string | RegExp): Locator {
  return page.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
}

/** Expands a collapsed row with its twistie (a click on the label would run the item's command). */
async function expand(page: Page, text: string | RegExp): Promise<void> {
  const target = row(page, text);
  if ((await target.getAttribute('aria-expanded')) === 'false') await target.locator('.monaco-tl-twistie').click();
}

async function checkTree(page: Page): Promise<void> {
  const activity = page.locator('.part.activitybar [role="tab"][aria-label^="IBGU"], .part.activitybar a.action-label[aria-label^="IBGU"]');
  await expectVisible(activity, 'the IBGU icon in the activity bar', 60_000);
  await activity.first().click();
  step('clicked the IBGU activity-bar icon');
  await widenSidebar(page, 470);

  const hub = await untilRows(page, `the ${CONTEXT} root described as connected`, (rows) => rows.find((r) => r.level === 1 && r.label === CONTEXT && /^connected\b/.test(r.description)), 60_000);
  step(`root: ${shown(hub)}`);
  // The model asks for "expanded" once the hub has children, yet in some runs the root stays collapsed (the
  // state its id had when first shown, before it connected): opened as a user would, and reported.
  if (hub.expanded === 'false') {
    step(`the ${CONTEXT} root came up collapsed; expanding it`);
    await expand(page, CONTEXT);
  }

  const ibgu = await untilRows(page, `the IBGU ${IBGU_ID} with done/total`, (rows) => rows.find((r) => r.label === IBGU_ID && new RegExp(`^\\d+/${CLUSTERS}\\b`).test(r.description)));
  const group = (await treeRows(page)).find((r) => r.level === ibgu.level - 1 && r.label === 'Image-based group upgrades');
  check(group && group.level === 2, `no "Image-based group upgrades" node above ${IBGU_ID}:\n${describeRows(await treeRows(page))}`);
  step(`${group.label} — ${group.description} → ${shown(ibgu)}`);
  await expand(page, IBGU_ID);
  const steps = await untilRows(page, 'the two plan steps under the IBGU', (rows) => {
    const at = rows.findIndex((r) => r.label === IBGU_ID);
    const children = rows.slice(at + 1).filter((r) => r.level === ibgu.level + 1).slice(0, 2);
    return children[0]?.label === 'Step 1: Prep' && children[1]?.label === 'Step 2: Upgrade' ? children : undefined;
  });
  step(`steps: ${steps.map(shown).join('; ')}`);
  await expand(page, /^Step 1: Prep/);

  // The failing cluster is the only member of the Failed group of step 1, and its description says what failed.
  const failed = await untilRows(page, `a "Failed (1)" group holding ${FAILING} under step 1`, (rows) => {
    const prep = rows.findIndex((r) => r.label === 'Step 1: Prep');
    const at = rows.findIndex((r, i) => i > prep && r.label === 'Failed (1)' && r.level === rows[prep]!.level + 1);
    const member = rows[at + 1];
    return prep >= 0 && at > prep && member?.level === rows[at]!.level + 1 ? { group: rows[at]!, member } : undefined;
  }, 60_000);
  check(failed.member.label === FAILING, `the Failed (1) group holds ${failed.member.label}, not ${FAILING}`);
  check(/^Prep: .*failed/i.test(failed.member.description), `the failed cluster's description does not say that Prep failed: "${failed.member.description}"`);
  step(`Step 1: Prep → ${failed.group.label} → ${shown(failed.member)}`);

  const managed = await untilRows(page, '"Managed clusters" under the hub', (rows) => rows.find((r) => r.level === 2 && r.label === 'Managed clusters'));
  check(managed.description === String(CLUSTERS), `the Managed clusters node is described "${managed.description}", not "${CLUSTERS}"`);
  step(`${shown(managed)}`);
}

async function checkDashboard(page: Page, cspMessages: string[]): Promise<Frame> {
  await row(page, IBGU_ID).locator('.label-name').click();
  const tab = page.locator('.tabs-container .tab', { hasText: `Rollout: ${IBGU_ID}` });
  await expectVisible(tab, `the editor tab "Rollout: ${IBGU_ID}"`);
  step(`clicked ${IBGU_ID}: the tab "${(await tab.first().innerText()).trim()}" opened`);

  const frame = await webviewFrame(page, 'canvas.grid', 'the dashboard grid inside the webview');
  await expectVisible(frame.locator('h1.title', { hasText: IBGU_ID }), `the dashboard title ${IBGU_ID}`);
  const grid = frame.locator('canvas.grid');
  for (const deadline = Date.now() + 10_000; (await grid.getAttribute('data-cells')) !== String(CLUSTERS) && Date.now() < deadline; ) await sleep(200);
  check((await grid.getAttribute('data-cells')) === String(CLUSTERS), `the grid has ${await grid.getAttribute('data-cells')} squares, not ${CLUSTERS}`);
  const box = await grid.boundingBox();
  check(box && box.width > 0 && box.height > 0, 'the grid canvas has no size');

  const failedRow = frame.locator(`.failed tbody tr[data-cluster="${FAILING}"]`);
  await expectVisible(failedRow, `${FAILING} in the dashboard's failed table`);
  const cells = (await failedRow.locator('td').allInnerTexts()).map((t) => t.trim());
  check(cells[0] === FAILING && cells[2] === 'Prep', `the failed row reads ${JSON.stringify(cells)}`);
  const heading = (await frame.locator('.failed h2').innerText()).trim();
  check(heading === 'Failed clusters (1)', `the failed table's heading is "${heading}"`);
  step(`dashboard: ${CLUSTERS} squares; failed table: ${cells.filter(Boolean).join(' | ')}`);

  // The picture is of a rollout in progress: the Upgrade step running on the clusters that passed Prep.
  await expectVisible(frame.locator('section.step.state-running .step-title', { hasText: 'Upgrade' }), 'the Upgrade step running in the dashboard', 60_000);
  const summary = (await frame.locator('.summary').innerText()).trim();
  step(`dashboard summary while Upgrade runs: ${summary}`);
  check(cspMessages.length === 0, `policy violations in the console: ${cspMessages.join(' | ')}`);
  return frame;
}

runDriver({ screenshot: 'e2e-hub.png', failureScreenshot: 'e2e-hub-failure.png', stopping: 'stopping the sandbox, code-server and chromium' }, async (run) => {
  const scratch = run.tempDir('e2e-hub-');
  const vsix = packageExtension(run.root, scratch);
  step(`packaged ${path.basename(vsix)}`);
  const hub = await startSandbox({ scenario: parseScenario(SCENARIO), timeScale: TIME_SCALE, kubeconfigPath: path.join(scratch, 'hub.kubeconfig') });
  run.cleanUp(() => hub.stop());
  step(`sandbox hub on ${hub.url}: ${CLUSTERS} clusters, ${FAILING} fails Prep, ${TIME_SCALE} s per minute`);
  const { page, workbenchUrl } = await startCodeServer(run, scratch, vsix, { 'ibgu.hub.kubeconfig': hub.kubeconfigPath });
  const cspMessages: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspMessages.push(`${message.location().url}: ${message.text()}`);
  });
  await page.goto(workbenchUrl, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await expectVisible(page.locator('.monaco-workbench'), 'the workbench', 60_000);
  // Created once the workbench is up, so the rollout's minute of progress falls within what is checked.
  await createIbgu(hub);
  step(`created ${IBGU_ID} over HTTPS: [[Prep],[Upgrade]], maxConcurrency 4`);

  await checkTree(page);
  const frame = await checkDashboard(page, cspMessages);

  await page.mouse.move(700, 880);
  await sleep(500);
  mkdirSync(path.dirname(run.screenshot), { recursive: true });
  await page.screenshot({ path: run.screenshot });
  step(`screenshot ${run.screenshot}`);
  if (process.argv.includes('--readme-screenshot')) {
    const readme = path.join(run.root, 'media', 'screenshots', 'hub.png');
    copyFileSync(run.screenshot, readme);
    step(`README screenshot ${readme}`);
  }
  await checkPolicyObserved(frame, cspMessages, 'dashboard');
});
