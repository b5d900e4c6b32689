/**
 * Browser-level check of the troubleshooting commands of the packaged extension, as a user meets them: a
 * sandbox hub runs in this process with the troubleshooting scenario (test/vscode/workspace/trouble: three
 * clusters; sno-0002 ends in FinalizeFailed, and the OADP ConfigMap's Backup leaves out the LVM Storage
 * volumes, so every upgraded cluster loses them at the pivot). An IBGU [Prep] → [Upgrade] → [FinalizeUpgrade]
 * runs on it (0.5 s of wall time per TALM/LCA minute: about 15 s), and a fresh code-server with the installed
 * .vsix, `ibgu.hub.kubeconfig` pinned to the sandbox and `ibgu.spoke.useHubSecret: always` (consent to read
 * the clusters' admin kubeconfigs from the hub) is driven in chromium:
 *
 * - the IBGU view shows the IBGU ended in error with sno-0002 failed in the FinalizeUpgrade step;
 * - right-click sno-0001 under Managed clusters → Diagnose Cluster: the "Diagnosis: sno-0001" tab renders
 *   the report, naming the PVC whose logicalvolume is gone, the "VolumeID is not found" event and the
 *   guide's section as the fix; its webview reports no policy violation (and does report one for a foreign
 *   image, so the silence counts);
 * - right-click sno-0002 → Diagnose Cluster: its report's fix is a link to the retry (every link of a report
 *   holds only the report's key and an action index, never a command's arguments); following it asks the
 *   retry's question, and Cancel writes nothing;
 * - right-click sno-0002 → Retry IBU Cleanup…: the question quotes LCA's message and names the annotation,
 *   nothing is written before the answer; "Retry Cleanup" → one merge patch to the IBU, which LCA brings
 *   back to Idle (said by a notification, and read from the spoke).
 *
 *   node dist-vscode/e2e/trouble.js [--screenshot FILE] [--readme-screenshot]
 *
 * FILE defaults to .test-artifacts/e2e-trouble-diagnose.png (the retry question goes beside it, as
 * e2e-trouble-retry-cleanup.png); --readme-screenshot also writes media/screenshots/diagnose.png and
 * retry-cleanup.png. Exit status: 0 passed, 1 a check failed (the moment's screenshot goes to
 * e2e-trouble-failure.png beside FILE), 2 the run itself broke, 3 no toolchain on this machine.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Frame, Locator, Page } from 'playwright-core';
import { parse } from 'yaml';
import { parseScenario, startSandbox, type Sandbox } from '../../src/sandbox';
import { startCodeServer } from './lib/code-server';
import { check, expectGone, expectVisible, packageExtension, runDriver, step, type DriverRun } from './lib/driver';
import { checkPolicyObserved, shown, treeRows, untilRows, webviewFrame, widenSidebar, type Row } from './lib/workbench';

const CONTEXT = 'ibgu-sandbox';
const NAMESPACE = 'ztp-upgrades';
const IBGU = 'wave-t';
const IBGU_ID = `${NAMESPACE}/${IBGU}`;
const HEALTHY = 'sno-0001';
const STUCK = 'sno-0002';
/** The PVC of the sandbox's application on HEALTHY whose LVM volume was not restored. */
const LOST_CLAIM = `pvc-${HEALTHY}-postgres-data`;
const CLEANUP_ANNOTATION = 'lca.openshift.io/manual-cleanup-done';
/** The troubleshooting guide's section on a Backup without the LVM Storage resources. */
const LVM_GUIDE_SECTION = 'Missing LVM Storage-related fields in Backup CR';
/** Wall seconds per simulated minute: Prep and Upgrade take 10 minutes each, FinalizeUpgrade times out after 10. */
const TIME_SCALE = 0.5;
const FIXTURES = ['test', 'vscode', 'workspace', 'trouble'];

/** Prep → Upgrade → FinalizeUpgrade over the wave, all three clusters at once; the OADP ConfigMap is the faulty one. */
const IBGU_OBJECT = {
  apiVersion: 'lcm.openshift.io/v1alpha1',
  kind: 'ImageBasedGroupUpgrade',
  metadata: { name: IBGU, namespace: NAMESPACE },
  spec: {
    clusterLabelSelectors: [{ matchLabels: { 'upgrade-wave': 't' } }],
    ibuSpec: {
      seedImageRef: { image: 'quay.io/example/sno-seed:4.18.9', version: '4.18.9', pullSecretRef: { name: 'seed-pull-secret' } },
      oadpContent: [{ name: 'oadp-cm', namespace: 'openshift-adp' }],
    },
    plan: [
      { actions: ['Prep'], rolloutStrategy: { maxConcurrency: 3, timeout: 60 } },
      { actions: ['Upgrade'], rolloutStrategy: { maxConcurrency: 3, timeout: 60 } },
      { actions: ['FinalizeUpgrade'], rolloutStrategy: { maxConcurrency: 3, timeout: 10 } },
    ],
  },
};

interface Endpoint {
  url: string;
  token: string;
}

/** One JSON request to the hub or a spoke, as kubectl would send it (the sandbox CA, a bearer token). */
function request(hub: Sandbox, to: Endpoint, method: string, apiPath: string, body?: unknown): Promise<{ status: number; body: any }> {
  const url = new URL(`${to.url}${apiPath}`);
  return new Promise((resolve, reject) => {
    const sent = https.request(
      url,
      { method, ca: hub.caPem, timeout: 10_000, headers: { authorization: `Bearer ${to.token}`, 'content-type': 'application/json' } },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          try {
            resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
          } catch {
            reject(new Error(`${method} ${apiPath}: HTTP ${response.statusCode}, not JSON`));
          }
        });
      },
    );
    sent.on('timeout', () => sent.destroy(new Error(`${method} ${apiPath}: no answer within 10 s`)));
    sent.on('error', reject);
    sent.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** The objects the extension-host suite creates too: the OADP namespace and ConfigMap, then the IBGU. */
async function createRollout(run: DriverRun, hub: Sandbox): Promise<void> {
  const admin = { url: hub.url, token: hub.token };
  const namespace = await request(hub, admin, 'POST', '/api/v1/namespaces', { metadata: { name: 'openshift-adp' } });
  if (![201, 409].includes(namespace.status)) throw new Error(`creating the namespace openshift-adp: HTTP ${namespace.status}`);
  const configMap = parse(readFileSync(path.join(run.root, ...FIXTURES, 'oadp-cm.yaml'), 'utf8'));
  const created = await request(hub, admin, 'POST', '/api/v1/namespaces/openshift-adp/configmaps', configMap);
  if (created.status !== 201) throw new Error(`creating openshift-adp/oadp-cm: HTTP ${created.status}`);
  const ibgu = await request(hub, admin, 'POST', `/apis/lcm.openshift.io/v1alpha1/namespaces/${NAMESPACE}/imagebasedgroupupgrades`, IBGU_OBJECT);
  if (ibgu.status !== 201) throw new Error(`creating ${IBGU_ID}: HTTP ${ibgu.status}: ${JSON.stringify(ibgu.body)}`);
}

/** The IBU of a cluster, read from its own API (what LCA reports), not through the extension. */
async function ibuOf(hub: Sandbox, cluster: string): Promise<any> {
  const read = await request(hub, hub.spokeAccess(cluster), 'GET', '/apis/lca.openshift.io/v1/imagebasedupgrades/upgrade');
  if (read.status !== 200) throw new Error(`reading the IBU of ${cluster}: HTTP ${read.status}`);
  return read.body;
}

const idleCondition = (ibu: any): { status?: string; reason?: string; message?: string } | undefined =>
  (ibu?.status?.conditions ?? []).find((c: { type?: string }) => c.type === 'Idle');

/** The rows below `parent` (its subtree), in order. */
function childrenOf(rows: Row[], parent: Row): Row[] {
  const at = rows.findIndex((r) => r.index === parent.index);
  const end = rows.findIndex((r, i) => i > at && r.level <= parent.level);
  return rows.slice(at + 1, end < 0 ? undefined : end);
}

function rowAt(page: Page, row: Row): Locator {
  return page.locator(`.part.sidebar .monaco-list-row[data-index="${row.index}"]`);
}

/** Expands a collapsed row with its twistie (a click on the label would run the item's command). */
async function expand(page: Page, row: Row): Promise<void> {
  if (row.expanded === 'false') await rowAt(page, row).locator('.monaco-tl-twistie').click();
}

/**
 * Right-clicks a row and picks `command` from its context menu. Rows are found by what they show, then
 * clicked by their list index: if the tree moved in between, the right-click lands on another row, which the
 * focus (VS Code focuses the row it opens a menu for) tells; then the menu is closed and the row found again.
 */
async function runFromContextMenu(page: Page, what: string, find: (rows: Row[]) => Row | undefined, command: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const row = await untilRows(page, what, find);
    await rowAt(page, row).locator('.label-name').click({ button: 'right' });
    const focused = (await treeRows(page)).find((r) => r.focused);
    if (!focused || focused.label !== row.label || focused.level !== row.level) {
      check(attempt < 5, `the context menu kept opening on other rows than ${what} (last: ${focused ? shown(focused) : 'none focused'})`);
      step(`the tree moved under the right-click (the menu opened on ${focused ? shown(focused) : 'no row'}); again`);
      await page.keyboard.press('Escape');
      continue;
    }
    const item = page.getByRole('menuitem', { name: command, exact: true });
    await expectVisible(item, `"${command}" in the context menu of ${row.label}`, 10_000);
    // The item is chosen with the keyboard: a click at once after the menu opens is taken as the end of the right-click.
    await item.first().hover();
    await item.first().press('Enter');
    await expectGone(item, `the context menu of ${row.label} after choosing "${command}"`, 5000);
    step(`right-clicked ${row.label} → ${command}`);
    return;
  }
}

/** Takes a screenshot to `file`, and with --readme-screenshot copies it to media/screenshots/`readmeName`. */
async function photograph(run: DriverRun, page: Page, file: string, readmeName: string): Promise<void> {
  await page.mouse.move(700, 880);
  await sleep(400);
  mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file });
  step(`screenshot ${file}`);
  if (process.argv.includes('--readme-screenshot')) {
    const readme = path.join(run.root, 'media', 'screenshots', readmeName);
    copyFileSync(file, readme);
    step(`README screenshot ${readme}`);
  }
}

/** STUCK in the Failed group of the FinalizeUpgrade step (found anew each time: rows move as the tree changes). */
function stuckRow(rows: Row[]): Row | undefined {
  const finalize = rows.find((r) => r.label === 'Step 3: FinalizeUpgrade');
  const group = finalize && childrenOf(rows, finalize).find((r) => r.level === finalize.level + 1 && r.label === 'Failed (1)');
  return group && childrenOf(rows, group).find((r) => r.label === STUCK);
}

/** HEALTHY under Managed clusters. */
function healthyRow(rows: Row[]): Row | undefined {
  const group = rows.find((r) => r.level === 2 && r.label === 'Managed clusters');
  return group && childrenOf(rows, group).find((r) => r.label === HEALTHY);
}

/** Runs a command by its title from the command palette (F1), as a user would. */
async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await expectVisible(input, 'the command palette', 10_000);
  await input.first().fill(`>${title}`);
  await expectVisible(page.locator('.quick-input-list .monaco-list-row', { hasText: title }), `"${title}" in the command palette`, 10_000);
  await input.first().press('Enter');
  await expectGone(page.locator('.quick-input-widget input:visible'), 'the command palette', 5000);
}

/**
 * Opens the view and waits for the rollout's end: LCA's report of STUCK's failure comes first ("· 1 failed"
 * while the IBGU still progresses); TALM ends the FinalizeUpgrade step when its timeout passes, and the
 * IBGU and the step turn to the error icon.
 */
async function checkTreeEnded(page: Page): Promise<void> {
  const activity = page.locator('.part.activitybar [role="tab"][aria-label^="IBGU"], .part.activitybar a.action-label[aria-label^="IBGU"]');
  await expectVisible(activity, 'the IBGU icon in the activity bar', 60_000);
  await activity.first().click();
  step('clicked the IBGU activity-bar icon');
  await widenSidebar(page, 470);

  const root = await untilRows(page, `the ${CONTEXT} root described as connected`, (rows) => rows.find((r) => r.level === 1 && r.label === CONTEXT && /^connected\b/.test(r.description)), 60_000);
  if (root.expanded === 'false') {
    step(`the ${CONTEXT} root came up collapsed; expanding it`);
    await expand(page, root);
  }
  const failing = await untilRows(page, `${IBGU_ID} described with "· 1 failed"`, (rows) => rows.find((r) => r.label === IBGU_ID && /· 1 failed\b/.test(r.description)), 60_000);
  await expand(page, failing);
  const ended = await untilRows(page, `${IBGU_ID} and its step Step 3: FinalizeUpgrade ended in error`, (rows) => {
    const ibgu = rows.find((r) => r.label === IBGU_ID);
    const finalize = ibgu && childrenOf(rows, ibgu).find((r) => r.level === ibgu.level + 1 && r.label === 'Step 3: FinalizeUpgrade');
    return ibgu?.icon === 'error' && finalize?.icon === 'error' ? { ibgu, finalize } : undefined;
  }, 60_000);
  step(`rollout ended: [${ended.ibgu.icon}] ${shown(ended.ibgu)}; [${ended.finalize.icon}] ${shown(ended.finalize)}`);
  await expand(page, ended.finalize);
  const stuck = await untilRows(page, `${STUCK} in a "Failed (1)" group of Step 3: FinalizeUpgrade`, stuckRow);
  check(/^FinalizeUpgrade\b/.test(stuck.description), `${STUCK}'s description does not name FinalizeUpgrade: "${stuck.description}"`);
  step(`Step 3: FinalizeUpgrade → Failed (1) → ${shown(stuck)}`);

  const managed = await untilRows(page, '"Managed clusters" under the hub', (rows) => rows.find((r) => r.level === 2 && r.label === 'Managed clusters'));
  await expand(page, managed);
  const healthy = await untilRows(page, `${HEALTHY} under Managed clusters`, healthyRow);
  step(`Managed clusters → ${shown(healthy)}`);
}

/** Waits for the report tab of `cluster` and returns the frame of its document. */
async function openedReport(page: Page, cluster: string): Promise<Frame> {
  const title = `Diagnosis: ${cluster}`;
  const tab = page.locator('.tabs-container .tab', { hasText: title });
  await expectVisible(tab, `the editor tab "${title}"`);
  step(`the tab "${(await tab.first().innerText()).trim()}" opened`);
  const frame = await webviewFrame(page, `h1:has-text("${cluster}")`, `the report of ${cluster} inside the webview`);
  const findings = (await frame.locator('h2').allInnerTexts()).map((t) => t.trim());
  check(findings.length > 0, `the report of ${cluster} has no findings`);
  step(`${cluster}'s findings: ${findings.join(' | ')}`);
  return frame;
}

/** The command links of a report, with their arguments decoded. */
async function commandLinks(frame: Frame): Promise<{ text: string; command: string; args: any }[]> {
  const links = await frame.locator('a[href^="command:"]').evaluateAll((as) => as.map((a) => ({ text: (a as HTMLElement).innerText.trim(), href: a.getAttribute('href') ?? '' })));
  return links.map(({ text, href }) => {
    const [, command = '', query = ''] = /^command:([^?]*)\??(.*)$/.exec(href) ?? [];
    return { text, command, args: query ? JSON.parse(decodeURIComponent(query)) : undefined };
  });
}

/** Diagnose Cluster on HEALTHY: the report's tab, the lost volumes, the event and the guide's fix, inside the webview. */
async function checkDiagnosis(page: Page, cspMessages: string[]): Promise<Frame> {
  await runFromContextMenu(page, `${HEALTHY} under Managed clusters`, healthyRow, 'Diagnose Cluster');
  const frame = await openedReport(page, HEALTHY);
  const text = await frame.locator('body').innerText();
  check(text.includes(LOST_CLAIM), `the report does not name ${LOST_CLAIM}:\n${text}`);
  check(text.includes('logicalvolumes.topolvm.io'), `the report does not name logicalvolumes.topolvm.io:\n${text}`);
  check(text.includes('VolumeID is not found'), `the report does not quote "VolumeID is not found":\n${text}`);
  // Lost volumes are fixed in the OADP Backup, by hand: the fix names the guide's section (no command does it).
  const fixes = (await frame.locator('p', { hasText: /^Fix:/ }).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  check(fixes.some((f) => f.includes(LVM_GUIDE_SECTION)), `no fix points at the guide's "${LVM_GUIDE_SECTION}":\n${fixes.join('\n')}`);
  step(`fixes: ${[...new Set(fixes)].join(' | ')}`);
  check(cspMessages.length === 0, `policy violations in the console: ${cspMessages.join(' | ')}`);
  return frame;
}

/** The retry's question: the notification toast carrying its "Retry Cleanup" button. */
function retryQuestion(page: Page): Locator {
  return page.locator('.notifications-toasts .notification-toast').filter({ has: page.getByRole('button', { name: 'Retry Cleanup', exact: true }) });
}

/**
 * The writes to STUCK's IBU so far, from the sandbox's request log: LCA removes the annotation once it has
 * retried, so the request, not the object, shows whether (and when) the extension wrote.
 */
function ibuWrites(hub: Sandbox): { method: string; contentType?: string; status: number }[] {
  const ibu = `/clusters/${STUCK}/apis/lca.openshift.io/v1/imagebasedupgrades/upgrade`;
  return hub.requests().filter((r) => r.path === ibu && !['GET', 'HEAD'].includes(r.method)).map(({ method, contentType, status }) => ({ method, ...(contentType ? { contentType } : {}), status }));
}

/**
 * Diagnose Cluster on STUCK: the report's fix for FinalizeFailed is a link to the retry; following it asks the
 * retry's question, and Cancel writes nothing.
 */
async function checkRetryLink(page: Page, hub: Sandbox, cspMessages: string[]): Promise<void> {
  await runFromContextMenu(page, `${STUCK} failed in Step 3: FinalizeUpgrade`, stuckRow, 'Diagnose Cluster');
  const frame = await openedReport(page, STUCK);
  const links = await commandLinks(frame);
  step(`command links: ${links.map((l) => `${l.text} → ${l.command}`).join(', ') || 'none'}`);
  const retry = links.find((l) => l.text === 'Retry cleanup');
  check(retry, `the report of ${STUCK} has no "Retry cleanup" link`);
  // Each link names the report's own command with the report's key and an action index: which action, on
  // which cluster, is the extension's to know, so no link's arguments decide it.
  const key = retry.args?.[0];
  for (const link of links) check(link.command === 'ibgu.followReportLink' && link.args?.length === 2 && link.args[0] === key && Number.isInteger(link.args[1]), `the link "${link.text}" is not the report's own (${link.command} ${JSON.stringify(link.args)})`);
  await frame.locator('a[href^="command:ibgu.followReportLink"]', { hasText: 'Retry cleanup' }).first().click();
  step(`clicked "${retry.text}" in the report`);
  const question = retryQuestion(page);
  await expectVisible(question, 'the retry question after following the report\'s link', 20_000);
  await question.first().getByRole('button', { name: 'Cancel', exact: true }).click();
  await expectGone(question, 'the retry question after Cancel', 10_000);
  check(ibuWrites(hub).length === 0, `${STUCK}'s IBU was written although the question was cancelled: ${JSON.stringify(ibuWrites(hub))}`);
  step('the link asked the retry question; Cancel closed it and nothing was written to the IBU');
  check(cspMessages.length === 0, `policy violations in the console: ${cspMessages.join(' | ')}`);
}

/** Retry IBU Cleanup… on STUCK from the tree: the question, nothing written before the answer, then back to Idle. */
async function checkRetryCleanup(run: DriverRun, page: Page, hub: Sandbox): Promise<void> {
  const idle = idleCondition(await ibuOf(hub, STUCK));
  check(idle?.reason === 'FinalizeFailed' && idle.message, `${STUCK}'s IBU is not in FinalizeFailed on the spoke: ${JSON.stringify(idle)}`);
  await runFromContextMenu(page, `${STUCK} failed in Step 3: FinalizeUpgrade`, stuckRow, 'Retry IBU Cleanup…');
  const question = retryQuestion(page);
  await expectVisible(question, 'the retry question', 20_000);
  const said = (await question.first().locator('.notification-list-item-message').innerText()).replace(/\s+/g, ' ').trim();
  check(said.startsWith(`${STUCK}:`), `the question does not start with the cluster's name: "${said}"`);
  check(said.includes(idle.message.replace(/\s+/g, ' ').trim()), `the question does not quote LCA's message "${idle.message}": "${said}"`);
  check(said.includes(CLEANUP_ANNOTATION), `the question does not name ${CLEANUP_ANNOTATION}: "${said}"`);
  step(`question: "${said}"`);
  check(ibuWrites(hub).length === 0, `${STUCK}'s IBU was written before the answer: ${JSON.stringify(ibuWrites(hub))}`);
  await photograph(run, page, path.join(path.dirname(run.screenshot), 'e2e-trouble-retry-cleanup.png'), 'retry-cleanup.png');

  await question.first().getByRole('button', { name: 'Retry Cleanup', exact: true }).click();
  step('clicked "Retry Cleanup"');
  const done = page.locator('.notifications-toasts .notification-toast', { hasText: `${STUCK}'s IBU is back in Idle` });
  await expectVisible(done, `a notification saying ${STUCK}'s IBU is back in Idle`, 60_000);
  step(`then: "${(await done.first().locator('.notification-list-item-message').innerText()).replace(/\s+/g, ' ').trim()}"`);
  const writes = ibuWrites(hub);
  check(writes.length === 1 && writes[0]!.method === 'PATCH' && /merge-patch/.test(writes[0]!.contentType ?? '') && writes[0]!.status === 200, `the retry did not write one merge patch to ${STUCK}'s IBU: ${JSON.stringify(writes)}`);
  const after = idleCondition(await ibuOf(hub, STUCK));
  check(after?.status === 'True', `${STUCK}'s IBU is not Idle on the spoke after the retry: ${JSON.stringify(after)}`);
  step(`on the spoke: one merge patch to ${STUCK}'s IBU, which is now Idle (${after.reason}: ${after.message})`);
}

runDriver({ screenshot: 'e2e-trouble-diagnose.png', failureScreenshot: 'e2e-trouble-failure.png', stopping: 'stopping the sandbox, code-server and chromium' }, async (run) => {
  const scratch = run.tempDir('e2e-trouble-');
  const scenario = parseScenario(readFileSync(path.join(run.root, ...FIXTURES, 'scenario.yaml'), 'utf8'));
  const hub = await startSandbox({ scenario, timeScale: TIME_SCALE, kubeconfigPath: path.join(scratch, 'hub.kubeconfig') });
  run.cleanUp(() => hub.stop());
  // Started now, the rollout runs its 15 s while the extension is packaged and code-server starts.
  await createRollout(run, hub);
  step(`sandbox hub on ${hub.url} (${TIME_SCALE} s per minute); created openshift-adp/oadp-cm and ${IBGU_ID}: [Prep] → [Upgrade] → [FinalizeUpgrade]`);
  const vsix = packageExtension(run.root, scratch);
  step(`packaged ${path.basename(vsix)}`);
  const { page, workbenchUrl } = await startCodeServer(run, scratch, vsix, { 'ibgu.hub.kubeconfig': hub.kubeconfigPath, 'ibgu.spoke.useHubSecret': 'always' });
  const cspMessages: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspMessages.push(`${message.location().url}: ${message.text()}`);
  });
  await page.goto(workbenchUrl, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await expectVisible(page.locator('.monaco-workbench'), 'the workbench', 60_000);

  await checkTreeEnded(page);
  // The rollout's notifications (steps ended, a cluster failed) would cover the pictures.
  await runCommand(page, 'Notifications: Clear All Notifications');
  const report = await checkDiagnosis(page, cspMessages);
  await photograph(run, page, run.screenshot, 'diagnose.png');
  await checkPolicyObserved(report, cspMessages, 'report');
  await checkRetryLink(page, hub, cspMessages);
  await checkRetryCleanup(run, page, hub);
});
