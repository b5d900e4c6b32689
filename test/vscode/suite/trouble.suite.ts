/**
 * The troubleshooting commands in the real VS Code, against a sandbox hub whose scenario stages the
 * failures (test/vscode/workspace/trouble/scenario.yaml): an IBGU runs Prep → Upgrade → FinalizeUpgrade over
 * three clusters; sno-0002 ends in FinalizeFailed, and every upgraded cluster loses its LVM Storage volumes
 * (the OADP ConfigMap's Backup, trouble/oadp-cm.yaml, does not take logicalvolumes.topolvm.io). The spokes are reached through the ZTP admin kubeconfig
 * Secrets on the hub (`ibgu.spoke.useHubSecret: always` stands for the user's consent); the tests read the
 * spokes themselves with the same Secrets, to judge what the commands did.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { IbguApi } from '../../../src/extension/extension';
import type { HubSession } from '../../../src/extension/hubs';
import type { TroubleOutcome } from '../../../src/extension/commands/trouble';
import { workspaceUri } from './helpers';
import { accessFrom, extensionApi, request, until, type HubAccess } from './hub-helpers';

const SANDBOX = 'ibgu-sandbox';
const NS = 'ztp-upgrades';
const IBGU_PATH = `/apis/lcm.openshift.io/v1alpha1/namespaces/${NS}/imagebasedgroupupgrades`;
const MC_PATH = '/apis/cluster.open-cluster-management.io/v1/managedclusters';
const node = (cluster: string) => ({ ref: { context: SANDBOX, name: cluster, cluster } });

suite('troubleshooting commands', function () {
  this.timeout(120_000);
  let api: IbguApi;
  let hub: HubAccess;
  let scratch: string;
  const session = (): HubSession => api.hub!.hubs.get(SANDBOX)!;

  /** A spoke's API as its admin kubeconfig on the hub describes it. */
  async function spoke(cluster: string): Promise<HubAccess> {
    const secret = await request(hub, 'GET', `/api/v1/namespaces/${cluster}/secrets/${cluster}-admin-kubeconfig`);
    assert.equal(secret.status, 200);
    const config = parse(Buffer.from(secret.body.data.kubeconfig, 'base64').toString('utf8'));
    return { url: config.clusters[0].cluster.server, ca: Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), token: config.users[0].user.token, kubeconfigPath: '' };
  }

  suiteSetup(async () => {
    api = await extensionApi();
    scratch = mkdtempSync(path.join(tmpdir(), 'ibgu-trouble-'));
    await vscode.workspace.getConfiguration('ibgu.spoke').update('useHubSecret', 'always', vscode.ConfigurationTarget.Global);
    const file = await vscode.commands.executeCommand<string | undefined>('ibgu.startSandbox', { scenario: workspaceUri('trouble/scenario.yaml').fsPath, timeScale: 0.05 });
    assert.ok(file, 'the sandbox hub did not start');
    hub = accessFrom(file);
    await vscode.commands.executeCommand('ibgu.hubs.focus');
    await until(() => session()?.state.phase === 'connected', 'the sandbox hub to be connected', 30_000);
    assert.ok([201, 409].includes((await request(hub, 'POST', '/api/v1/namespaces', { metadata: { name: 'openshift-adp' } })).status));
    const configMap = await request(hub, 'POST', '/api/v1/namespaces/openshift-adp/configmaps', parse(readFileSync(workspaceUri('trouble/oadp-cm.yaml').fsPath, 'utf8')));
    assert.equal(configMap.status, 201, JSON.stringify(configMap.body));
    const strategy = (timeout: number) => ({ maxConcurrency: 3, timeout });
    const created = await request(hub, 'POST', IBGU_PATH, {
      apiVersion: 'lcm.openshift.io/v1alpha1',
      kind: 'ImageBasedGroupUpgrade',
      metadata: { name: 'wave-t', namespace: NS },
      spec: {
        clusterLabelSelectors: [{ matchLabels: { 'upgrade-wave': 't' } }],
        ibuSpec: { seedImageRef: { image: 'quay.io/example/sno-seed:4.18.9', version: '4.18.9', pullSecretRef: { name: 'seed-pull-secret' } }, oadpContent: [{ name: 'oadp-cm', namespace: 'openshift-adp' }] },
        plan: [{ actions: ['Prep'], rolloutStrategy: strategy(60) }, { actions: ['Upgrade'], rolloutStrategy: strategy(60) }, { actions: ['FinalizeUpgrade'], rolloutStrategy: strategy(10) }],
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await until(() => {
      const ibgu = session().list('ImageBasedGroupUpgrade').find((o) => o.metadata.name === 'wave-t');
      const rollout = ibgu && session().rollout(ibgu.metadata.uid!);
      return rollout && rollout.steps.length === 3 && rollout.steps.every((s) => s.state === 'completed' || s.state === 'timed-out');
    }, 'wave-t to end', 90_000);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('ibgu.spoke').update('useHubSecret', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('ibgu.stopSandbox');
    rmSync(scratch, { recursive: true, force: true });
  });

  async function ibuOf(cluster: string): Promise<any> {
    const res = await request(await spoke(cluster), 'GET', '/apis/lca.openshift.io/v1/imagebasedupgrades/upgrade');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  }

  test('Retry IBU Cleanup on a healthy cluster says there is nothing to retry, and writes nothing', async () => {
    const before = await ibuOf('sno-0001');
    const result = await vscode.commands.executeCommand<TroubleOutcome>('ibgu.retryCleanup', node('sno-0001'));
    assert.equal(result.outcome, 'nothing', JSON.stringify(result));
    assert.equal((await ibuOf('sno-0001')).metadata.resourceVersion, before.metadata.resourceVersion);
  });

  test('A row command whose row was refreshed away says so and does nothing, instead of asking which cluster', async () => {
    const before = await ibuOf('sno-0002');
    // What VS Code passes when the row's element is gone by the time the choice arrives: undefined in its
    // place, the selection beside it. (A "Which cluster?" picker instead would keep this call from returning.)
    const result = await vscode.commands.executeCommand<TroubleOutcome>('ibgu.retryCleanup', undefined, null);
    assert.equal(result.outcome, 'nothing', JSON.stringify(result));
    assert.match(result.outcome === 'nothing' ? result.message : '', /changed while its menu was open.*Retry IBU Cleanup/);
    assert.equal(api.hub!.confirmation.question, undefined, 'no question was asked');
    assert.equal((await ibuOf('sno-0002')).metadata.resourceVersion, before.metadata.resourceVersion, 'the IBU was not written');
  });

  test('Retry IBU Cleanup writes nothing when the IBU changed while the question was open, and says what changed', async () => {
    const spokeApi = await spoke('sno-0002');
    const ibuPath = '/apis/lca.openshift.io/v1/imagebasedupgrades/upgrade';
    const stuck = await ibuOf('sno-0002');
    const conditions = stuck.status.conditions as { type: string; message?: string }[];
    const retrying = vscode.commands.executeCommand<TroubleOutcome>('ibgu.retryCleanup', node('sno-0002'));
    await until(() => api.hub!.confirmation.question, 'the retry to ask for confirmation', 20_000);
    // Meanwhile LCA's cleanup fails again with another message (as a second failed retry would write it).
    const changed = conditions.map((c) => (c.type === 'Idle' ? { ...c, message: 'failed to cleanup: a second reason' } : c));
    const written = await request(spokeApi, 'PATCH', `${ibuPath}/status`, { status: { conditions: changed } }, 'application/merge-patch+json');
    assert.equal(written.status, 200, JSON.stringify(written.body));
    await vscode.commands.executeCommand('ibgu.confirmApply');
    const result = await retrying;
    assert.equal(result.outcome, 'failed', JSON.stringify(result));
    assert.match(result.outcome === 'failed' ? result.message : '', /ImageBasedUpgrade upgrade changed since you saw it: idle\.message: .* → "failed to cleanup: a second reason"\. Nothing was written/);
    assert.equal((await ibuOf('sno-0002')).metadata.annotations?.['lca.openshift.io/manual-cleanup-done'], undefined, 'the annotation was written after all');
    // Back as the scenario left it, for the retry test.
    assert.equal((await request(spokeApi, 'PATCH', `${ibuPath}/status`, { status: { conditions } }, 'application/merge-patch+json')).status, 200);
  });

  test("A command's cluster reference is checked, not trusted: an unconnected hub, a name that is no ManagedCluster, or no name at all do nothing", async () => {
    const cases: [string, unknown, RegExp][] = [
      ['ibgu.retryCleanup', { ref: { context: 'hub-not-connected', name: 'sno-0002', cluster: 'sno-0002' } }, /hub-not-connected.*not connected/],
      ['ibgu.repairLabels', { ref: { context: SANDBOX, name: 'sno-9999', cluster: 'sno-9999' } }, /sno-9999 is not a ManagedCluster on ibgu-sandbox/],
      ['ibgu.collectMustGather', { ref: { context: SANDBOX, name: '../../api/v1/secrets', cluster: '../../api/v1/secrets' } }, /is not the name of a cluster/],
      ['ibgu.diagnoseCluster', { ref: { context: SANDBOX, name: 'SNO-0001' } }, /is not the name of a cluster/],
    ];
    for (const [command, target, why] of cases) {
      const result = await vscode.commands.executeCommand<TroubleOutcome>(command, target);
      assert.equal(result.outcome, 'failed', `${command}: ${JSON.stringify(result)}`);
      assert.match(result.outcome === 'failed' ? result.message : '', why);
      assert.equal(api.hub!.confirmation.question, undefined, `${command} asked a question`);
    }
  });

  test('Retry IBU Cleanup returns a cluster stuck in FinalizeFailed to Idle', async () => {
    const stuck = await ibuOf('sno-0002');
    const idle = stuck.status.conditions.find((c: any) => c.type === 'Idle');
    assert.equal(idle.reason, 'FinalizeFailed', JSON.stringify(idle));
    const retrying = vscode.commands.executeCommand<TroubleOutcome<{ state: string }>>('ibgu.retryCleanup', node('sno-0002'));
    // The question quotes LCA's condition message and says what the retry writes.
    const question = await until(() => api.hub!.confirmation.question, 'the retry to ask for confirmation', 20_000);
    assert.ok(question.includes(idle.message), question);
    assert.match(question, /lca\.openshift\.io\/manual-cleanup-done/);
    assert.equal((await ibuOf('sno-0002')).metadata.annotations?.['lca.openshift.io/manual-cleanup-done'], undefined, 'annotated before the confirmation');
    await vscode.commands.executeCommand('ibgu.confirmApply');
    const result = await retrying;
    assert.equal(result.outcome, 'done', JSON.stringify(result));
    assert.equal(result.outcome === 'done' && result.state, 'idle');
    const after = await ibuOf('sno-0002');
    assert.equal(after.status.conditions.find((c: any) => c.type === 'Idle').status, 'True');
  });

  test('Repair Stage Labels writes nothing when TALM labelled the cluster while its diff was open, and names the label', async () => {
    const label = 'lcm.openshift.io/ibgu-upgrade-failed';
    const before = (await request(hub, 'GET', `${MC_PATH}/sno-0002`)).body.metadata.labels as Record<string, string>;
    assert.equal(before[label], undefined);
    const repairing = vscode.commands.executeCommand<TroubleOutcome>('ibgu.repairLabels', node('sno-0002'));
    await until(() => api.hub!.confirmation.question, 'the repair to ask for confirmation', 20_000);
    assert.equal((await request(hub, 'PATCH', `${MC_PATH}/sno-0002`, { metadata: { labels: { [label]: '' } } }, 'application/merge-patch+json')).status, 200);
    await vscode.commands.executeCommand('ibgu.confirmApply');
    const result = await repairing;
    assert.equal(result.outcome, 'failed', JSON.stringify(result));
    assert.match(result.outcome === 'failed' ? result.message : '', /ManagedCluster sno-0002 changed since you saw it: labels\["lcm\.openshift\.io\/ibgu-upgrade-failed"\] was added/);
    const after = (await request(hub, 'GET', `${MC_PATH}/sno-0002`)).body.metadata.labels as Record<string, string>;
    assert.deepEqual(after, { ...before, [label]: '' }, 'only the concurrent label changed');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal((await request(hub, 'PATCH', `${MC_PATH}/sno-0002`, { metadata: { labels: { [label]: null } } }, 'application/merge-patch+json')).status, 200);
    await until(() => !session().list('ManagedCluster').find((m) => m.metadata.name === 'sno-0002')?.metadata.labels?.[label], 'the hub view to see the label go', 20_000);
  });

  test('Repair Stage Labels changes exactly the labels its diff shows', async () => {
    const before = (await request(hub, 'GET', `${MC_PATH}/sno-0002`)).body.metadata.labels as Record<string, string>;
    const repairing = vscode.commands.executeCommand<TroubleOutcome<{ add: string[]; remove: string[] }>>('ibgu.repairLabels', node('sno-0002'));
    const shown = await until(() => {
      for (const group of vscode.window.tabGroups.all) for (const tab of group.tabs) if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.path.endsWith('sno-0002.labels.repaired.yaml')) return tab.input;
      return undefined;
    }, 'the label diff', 20_000);
    const proposed = (await vscode.workspace.openTextDocument(shown.modified)).getText();
    await vscode.commands.executeCommand('ibgu.confirmApply');
    const result = await repairing;
    assert.equal(result.outcome, 'done', JSON.stringify(result));
    if (result.outcome !== 'done') return;
    const after = (await request(hub, 'GET', `${MC_PATH}/sno-0002`)).body.metadata.labels as Record<string, string>;
    const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]).sort();
    assert.deepEqual(changed, [...result.add, ...result.remove].sort(), 'labels other than the shown ones changed');
    assert.ok(changed.length > 0, 'nothing was repaired');
    for (const k of result.remove) assert.doesNotMatch(proposed, new RegExp(`^${k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:`, 'm'), `${k} is still in the proposed labels`);
    for (const k of result.add) assert.match(proposed, new RegExp(`^${k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:`, 'm'), `${k} is not in the proposed labels`);
  });

  test('Diagnose Cluster names the logicalvolumes lost at the pivot, and the VolumeID event', async () => {
    const result = await vscode.commands.executeCommand<TroubleOutcome<{ findings: { id: string }[]; markdown: string; report: string; panel: vscode.WebviewPanel }>>('ibgu.diagnoseCluster', node('sno-0001'));
    assert.equal(result.outcome, 'done', JSON.stringify(result));
    if (result.outcome !== 'done') return;
    const ids = result.findings.map((f) => f.id);
    assert.ok(ids.includes('lvm-volumes-missing'), JSON.stringify(ids));
    for (const text of [result.markdown, result.panel.webview.html]) {
      assert.match(text, /pvc-sno-0001-postgres-data/);
      assert.match(text, /logicalvolumes\.topolvm\.io/);
      assert.match(text, /VolumeID is not found/);
    }
    // The rendered view has no script, loads nothing, and links its "Open as Markdown".
    const html = result.panel.webview.html;
    assert.match(html, /default-src 'none'/);
    assert.doesNotMatch(html, /<script/);
    assert.equal(result.panel.webview.options.enableScripts, false);
    assert.match(html, /command:ibgu\.followReportLink/);
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('ibgu.openReportMarkdown', result.report);
    assert.equal(document.languageId, 'markdown');
    assert.equal(document.getText(), result.markdown);
    result.panel.dispose();
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('Text planted in a cluster is shown as text in the Diagnose report, never as markup or a command link; the report\'s own links still work', async () => {
    const CLUSTER = 'sno-0003';
    const attacker = 'quay.io/attacker/gather:1';
    const attackArgs = [node(CLUSTER), { images: [attacker], destination: path.join(scratch, 'attacker-dest') }];
    const attackUri = `command:ibgu.collectMustGather?${encodeURIComponent(JSON.stringify(attackArgs))}`;
    const planted = [
      `[Collect the logs](${attackUri})`,
      `<a href="${attackUri}">Fix it</a> <img src=x onerror=alert(1)> <command:ibgu.repairLabels>`,
      'https://evil.example/x **bold** $x^2$',
      '# Planted heading',
      '- planted item',
    ].join('\n');
    const on = await spoke(CLUSTER);
    // LCA's Idle condition reporting a failed cleanup with the planted message (a status write: LCA does not reconcile it away).
    const ibu = await ibuOf(CLUSTER);
    const conditions = [...ibu.status.conditions.filter((c: any) => c.type !== 'Idle'), { type: 'Idle', status: 'False', reason: 'FinalizeFailed', message: planted, lastTransitionTime: new Date().toISOString() }];
    const written = await request(on, 'PATCH', '/apis/lca.openshift.io/v1/imagebasedupgrades/upgrade/status', { status: { conditions } }, 'application/merge-patch+json');
    assert.equal(written.status, 200, JSON.stringify(written.body));
    // A kubelet-like Event whose every field is planted text.
    const event = await request(on, 'POST', '/api/v1/namespaces/default/events', {
      metadata: { name: 'planted.0001', namespace: 'default' },
      involvedObject: { kind: '<b>Pod</b>', namespace: 'default', name: '`x` [y](command:ibgu.retryCleanup)' },
      reason: '[Repair](command:ibgu.repairLabels)', type: '*Warning*', source: { component: '<img src=y>' },
      message: `VolumeID is not found ${planted}`, count: 2,
    });
    assert.equal(event.status, 201, JSON.stringify(event.body));

    const result = await vscode.commands.executeCommand<TroubleOutcome<{ findings: { id: string }[]; markdown: string; report: string; panel: vscode.WebviewPanel }>>('ibgu.diagnoseCluster', node(CLUSTER));
    assert.equal(result.outcome, 'done', JSON.stringify(result));
    if (result.outcome !== 'done') return;
    const ids = result.findings.map((f) => f.id);
    assert.ok(ids.includes('ibu-cleanup-failed') && ids.includes('volumeid-not-found'), JSON.stringify(ids));
    const body = /<body>([\s\S]*)<\/body>/.exec(result.panel.webview.html)?.[1] ?? '';
    // Every link is the report's own: its command, this report's key, an action index. Nothing else is a link.
    const hrefs = [...body.matchAll(/<a\b[^>]*>/g)].map((m) => /\bhref="([^"]*)"/.exec(m[0])?.[1] ?? m[0]);
    assert.ok(hrefs.length >= 2, `the fix and "Open as Markdown" links are missing: ${body}`);
    for (const href of hrefs) {
      const m = /^command:ibgu\.followReportLink\?(.*)$/.exec(href.replace(/&amp;/g, '&'));
      assert.ok(m, `a link that is not the report's own: ${href}`);
      const args = JSON.parse(decodeURIComponent(m[1]!));
      assert.ok(args.length === 2 && args[0] === result.report && Number.isInteger(args[1]), `a link with other arguments: ${JSON.stringify(args)}`);
    }
    assert.ok(!/href="(command:ibgu\.(collectMustGather|repairLabels|retryCleanup)|https?:)/.test(body), 'a planted link');
    // No markup from the cluster: only a report's tags, one title, no planted heading, list item, image, bold or math.
    const tags = [...new Set([...body.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()))];
    assert.deepEqual(tags.filter((t) => !['a', 'blockquote', 'code', 'em', 'h1', 'h2', 'hr', 'li', 'p', 'strong', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul'].includes(t)), [], body);
    assert.equal(body.match(/<h1\b/g)?.length, 1, 'one title');
    assert.ok(!/<h[1-6][^>]*>[^<]*Planted heading/.test(body) && !/<li[^>]*>[^<]*planted item/.test(body), 'planted block markup');
    assert.ok(!/<strong[^>]*>bold/.test(body) && !/katex/.test(body), 'planted inline markup');
    // ... and the planted text is there, as text.
    for (const shown of ['[Collect the logs](command:ibgu.collectMustGather?', '&lt;img src=x onerror=alert(1)&gt;', '&lt;a href=', '**bold** $x^2$', '# Planted heading', '- planted item', '[Repair](command:ibgu.repairLabels)', '&lt;img src=y&gt;']) {
      assert.ok(body.includes(shown), `"${shown}" is not shown as text: ${body}`);
    }

    // A link naming a key this window did not issue does nothing.
    const forged = await vscode.commands.executeCommand<TroubleOutcome>('ibgu.followReportLink', '0'.repeat(32), 0);
    assert.equal(forged.outcome, 'nothing', JSON.stringify(forged));
    // The report's own fix still works as a click would: it asks the retry's question; Cancel writes nothing.
    const retryHref = /<a\b[^>]*href="([^"]*)"[^>]*>Retry cleanup<\/a>/.exec(body)?.[1];
    assert.ok(retryHref, `no "Retry cleanup" link: ${body}`);
    const retrying = vscode.commands.executeCommand<TroubleOutcome>('ibgu.followReportLink', ...JSON.parse(decodeURIComponent(retryHref.slice(retryHref.indexOf('?') + 1))));
    const question = await until(() => api.hub!.confirmation.question, 'the retry to ask', 20_000);
    assert.ok(question.startsWith(`${CLUSTER}:`), question);
    await vscode.commands.executeCommand('ibgu.cancelApply');
    assert.equal((await retrying).outcome, 'cancelled');
    assert.equal((await ibuOf(CLUSTER)).metadata.annotations?.['lca.openshift.io/manual-cleanup-done'], undefined, 'the IBU was written');
    result.panel.dispose();
  });

  test("The call a planted link would make, ibgu.collectMustGather with an attacker's image and folder, runs nothing without the user's choice", async () => {
    const CLUSTER = 'sno-0003';
    const attacker = 'quay.io/attacker/gather:1';
    const oadp = 'quay.io/konveyor/oadp-must-gather:latest';
    // The attacker's image next to a documented one, as a planted link would dress it.
    const attackArgs = [node(CLUSTER), { images: [attacker, oadp], destination: path.join(scratch, 'attacker-dest') }];
    const bin = path.join(scratch, 'bin-attack');
    const record = path.join(scratch, 'oc-attack.json');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'oc'), `#!/usr/bin/env node\nrequire('fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify(process.argv.slice(2)));\n`);
    chmodSync(path.join(bin, 'oc'), 0o755);
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${savedPath ?? ''}`;
    const picker = () => (api.hub as { trouble?: { imagePicker?: { items: { image: string; label: string; detail: string; picked: boolean }[] } } }).trouble?.imagePicker;
    const ran = () => (existsSync(record) ? readFileSync(record, 'utf8') : undefined);
    try {
      for (const answer of ['workbench.action.closeQuickOpen', 'workbench.action.acceptSelectedQuickOpenItem']) {
        let settled: TroubleOutcome | undefined;
        const attack = vscode.commands.executeCommand<TroubleOutcome>('ibgu.collectMustGather', ...attackArgs).then((r) => (settled = r));
        const shown = await until(() => picker() ?? settled, 'the image picker (or the command to end)', 20_000);
        assert.equal(ran(), undefined, `oc ran with the planted arguments, unasked: ${ran()}`);
        assert.ok(!('outcome' in shown), `the command ended without asking: ${JSON.stringify(shown)}`);
        const offered = picker()!.items.find((i) => i.image === attacker);
        assert.ok(offered && !offered.picked, `the attacker's image is not offered unchecked: ${JSON.stringify(picker())}`);
        assert.match(offered.label, /Not sno-0003's own image/);
        assert.deepEqual(picker()!.items.filter((i) => i.picked).map((i) => i.image), [oadp], 'checked: the documented image asked for, nothing else');
        assert.ok(picker()!.items.some((i) => /lifecycle-agent/.test(i.image)), 'the cluster\'s own LCA image is offered');
        await vscode.commands.executeCommand(answer);
        if (answer === 'workbench.action.acceptSelectedQuickOpenItem') {
          // Enter takes what was checked: the confirmation names the folder and the images, and not the attacker's.
          const asked = await until(() => api.hub!.confirmation.question, 'must-gather to ask', 20_000);
          assert.ok(!asked.includes(attacker) && asked.includes('attacker-dest') && asked.includes(oadp), asked);
          await vscode.commands.executeCommand('ibgu.cancelApply');
        }
        const outcome = await attack;
        assert.equal(outcome.outcome, 'cancelled', JSON.stringify(outcome));
        assert.equal(ran(), undefined, 'oc ran');
      }
    } finally {
      process.env.PATH = savedPath;
    }
  });

  test('Collect must-gather asks, naming every image and the folder, then runs oc with an argument array, the LCA image and the spoke kubeconfig; a hostile image never reaches it', async () => {
    const bin = path.join(scratch, 'bin');
    const record = path.join(scratch, 'oc-args.json');
    mkdirSync(bin, { recursive: true });
    // A stand-in oc: records its arguments (one JSON array) and whether the kubeconfig it was given exists.
    writeFileSync(path.join(bin, 'oc'), `#!/usr/bin/env node\nconst fs = require('fs');\nconst a = process.argv.slice(2);\nfs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args: a, kubeconfigReadable: fs.existsSync(a[1]) }));\n`);
    chmodSync(path.join(bin, 'oc'), 0o755);
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${savedPath ?? ''}`;
    try {
      const LCA_DEPLOYMENT = '/apis/apps/v1/namespaces/openshift-lifecycle-agent/deployments/lifecycle-agent-controller-manager';
      const deployment = (await request(await spoke('sno-0001'), 'GET', LCA_DEPLOYMENT)).body;
      const lcaImage = deployment.spec.template.spec.containers.find((c: any) => c.name === 'manager').image;
      const dest = path.join(scratch, 'mg-1');
      const running = vscode.commands.executeCommand<TroubleOutcome<{ args: string[]; exitCode?: number }>>('ibgu.collectMustGather', node('sno-0001'), { destination: dest, images: 'default' });
      // Arguments are a caller's wishes: the question still names every image and the folder before oc runs.
      const question = await until(() => api.hub!.confirmation.question, 'must-gather to ask before it runs oc', 20_000);
      for (const named of [dest, lcaImage, 'quay.io/konveyor/oadp-must-gather:latest']) assert.ok(question.includes(named), `the question does not name ${named}: ${question}`);
      assert.equal(existsSync(record), false, 'oc ran before the answer');
      await vscode.commands.executeCommand('ibgu.confirmApply');
      const result = await running;
      assert.equal(result.outcome, 'done', JSON.stringify(result));
      const ran = JSON.parse(readFileSync(record, 'utf8'));
      assert.equal(ran.args[0], '--kubeconfig');
      assert.equal(ran.kubeconfigReadable, true, 'oc was not given a readable kubeconfig');
      assert.deepEqual(ran.args.slice(2), ['adm', 'must-gather', `--dest-dir=${dest}`, `--image=${lcaImage}`, '--image=quay.io/konveyor/oadp-must-gather:latest']);
      assert.equal(existsSync(ran.args[1]), false, 'the kubeconfig given to oc was left behind');

      // The cluster now reports an image with a shell command in it: it must not reach oc.
      const hostile = 'quay.io/openshift/lifecycle-agent:4.18;touch /tmp/ibgu-pwned';
      const patched = await request(await spoke('sno-0001'), 'PATCH', LCA_DEPLOYMENT, { spec: { template: { spec: { containers: [{ name: 'manager', image: hostile }] } } } }, 'application/strategic-merge-patch+json');
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      rmSync(record, { force: true });
      const secondRun = vscode.commands.executeCommand<TroubleOutcome<{ args: string[] }>>('ibgu.collectMustGather', node('sno-0001'), { destination: path.join(scratch, 'mg-2'), images: 'default' });
      const secondQuestion = await until(() => api.hub!.confirmation.question, 'the second must-gather to ask', 20_000);
      assert.ok(!secondQuestion.includes('pwned'), secondQuestion);
      await vscode.commands.executeCommand('ibgu.confirmApply');
      const second = await secondRun;
      assert.equal(second.outcome, 'done', JSON.stringify(second));
      const ran2 = JSON.parse(readFileSync(record, 'utf8'));
      assert.ok(!JSON.stringify(ran2.args).includes('pwned'), `the hostile image reached oc: ${JSON.stringify(ran2.args)}`);
      assert.deepEqual(ran2.args.slice(4), [`--dest-dir=${path.join(scratch, 'mg-2')}`, '--image=quay.io/konveyor/oadp-must-gather:latest']);
    } finally {
      process.env.PATH = savedPath;
    }
    // Without oc on PATH: a clear failure, nothing run.
    process.env.PATH = path.join(scratch, 'empty');
    try {
      const missing = await vscode.commands.executeCommand<TroubleOutcome>('ibgu.collectMustGather', node('sno-0001'), { destination: path.join(scratch, 'mg-3'), images: 'default' });
      assert.equal(missing.outcome, 'failed');
      assert.match(missing.outcome === 'failed' ? missing.message : '', /oc is not on PATH/);
    } finally {
      process.env.PATH = savedPath;
    }
  });

  test('Plan the Recovery reads the failed clusters\' IBUs: nothing for one back in Idle, Rollback only where LCA accepts it, opened in the editor and validated by the rules', async () => {
    const ibgu = session().list('ImageBasedGroupUpgrade').find((o) => o.metadata.name === 'wave-t')!;
    const target = { ref: { context: SANDBOX, namespace: NS, name: 'wave-t', uid: ibgu.metadata.uid! } };
    // From the hub alone, sno-0002's failed FinalizeUpgrade means a cleanup retry (never Rollback: the old stateroot is gone).
    const hubOnly = api.hub!.hubs.load().planRecovery(ibgu as never, session().list('ManagedCluster'));
    assert.deepEqual(hubOnly.map((p) => p.id), ['retry-cleanup-sno-0002']);
    // Its IBU, read from the spoke, is Idle since the retry above: no action needed.
    const idle = await vscode.commands.executeCommand<TroubleOutcome>('ibgu.planRecovery', target, 'no-action-idle');
    assert.equal(idle.outcome, 'nothing', JSON.stringify(idle));
    assert.match(idle.outcome === 'nothing' ? idle.message : '', /No action needed: Idle: sno-0002/);
    // An IBU upgraded and not finalized (as LCA leaves it before FinalizeUpgrade): LCA accepts Rollback.
    const spokeApi = await spoke('sno-0002');
    const ibuPath = '/apis/lca.openshift.io/v1/imagebasedupgrades/upgrade';
    const saved = (await ibuOf('sno-0002')).status;
    const upgraded = {
      conditions: [
        { type: 'Idle', status: 'False', reason: 'InProgress', message: 'In progress', lastTransitionTime: '2026-01-01T00:00:00Z' },
        { type: 'PrepInProgress', status: 'False', reason: 'Completed', message: 'Prep completed', lastTransitionTime: '2026-01-01T00:00:00Z' },
        { type: 'PrepCompleted', status: 'True', reason: 'Completed', message: 'Prep stage completed successfully', lastTransitionTime: '2026-01-01T00:00:00Z' },
        { type: 'UpgradeInProgress', status: 'False', reason: 'Completed', message: 'Upgrade completed', lastTransitionTime: '2026-01-01T00:00:00Z' },
        { type: 'UpgradeCompleted', status: 'True', reason: 'Completed', message: 'Upgrade completed', lastTransitionTime: '2026-01-01T00:00:00Z' },
      ],
      validNextStages: ['Idle', 'Rollback'],
    };
    assert.equal((await request(spokeApi, 'PATCH', `${ibuPath}/status`, { status: upgraded }, 'application/merge-patch+json')).status, 200);
    try {
      await recoveryDocument(target, 'new-ibgu-rollback');
    } finally {
      assert.equal((await request(spokeApi, 'PATCH', `${ibuPath}/status`, { status: { conditions: saved.conditions, validNextStages: saved.validNextStages ?? null } }, 'application/merge-patch+json')).status, 200);
    }
  });

  /** Runs Plan the Recovery with the given proposal, which must open an IBGU the language server finds no error in. */
  async function recoveryDocument(target: object, id: string): Promise<void> {
    // Which documents the language server has published diagnostics for (even none), from before the proposal opens.
    const published = new Set<string>();
    const listening = vscode.languages.onDidChangeDiagnostics((e) => e.uris.forEach((u) => published.add(u.toString())));
    const result = await vscode.commands.executeCommand<TroubleOutcome<{ proposal: string; selects: string[]; document?: vscode.TextDocument }>>('ibgu.planRecovery', target, id);
    assert.equal(result.outcome, 'done', JSON.stringify(result));
    if (result.outcome !== 'done' || !result.document) return assert.fail(`no document: ${JSON.stringify(result)}`);
    assert.equal(result.proposal, id);
    const document = result.document;
    const object = parse(document.getText());
    assert.equal(object.kind, 'ImageBasedGroupUpgrade');
    // The language server checks the proposal like any IBGU: no error.
    try {
      await until(() => published.has(document.uri.toString()), 'the language server to check the proposal', 30_000);
    } finally {
      listening.dispose();
    }
    const errors = vscode.languages.getDiagnostics(document.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.deepEqual(errors.map((d) => d.message), []);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }

  test('Collect must-gather: each run has its own private kubeconfig (the reduced admin kubeconfig) while oc runs, removed when that run ends; two runs of one cluster overlap', async () => {
    const bin = path.join(scratch, 'bin-overlap');
    const runs = path.join(scratch, 'oc-runs');
    mkdirSync(bin, { recursive: true });
    mkdirSync(runs, { recursive: true });
    // A stand-in oc: says what kubeconfig it was given (path, modes, fields), then runs until the test
    // releases it with a file named after its destination.
    writeFileSync(path.join(bin, 'oc'), `#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const a = process.argv.slice(2);
const kubeconfig = a[a.indexOf('--kubeconfig') + 1];
const id = path.basename(a.find((x) => x.startsWith('--dest-dir=')).slice('--dest-dir='.length));
const config = JSON.parse(fs.readFileSync(kubeconfig, 'utf8'));
fs.writeFileSync(path.join(${JSON.stringify(runs)}, id + '.json'), JSON.stringify({
  kubeconfig, mode: fs.statSync(kubeconfig).mode & 0o777, dirMode: fs.statSync(path.dirname(kubeconfig)).mode & 0o777,
  clusterFields: Object.keys(config.clusters[0].cluster).sort(), userFields: Object.keys(config.users[0].user).sort(),
}));
const release = path.join(${JSON.stringify(runs)}, id + '.release');
const poll = setInterval(() => { if (fs.existsSync(release)) { clearInterval(poll); process.exit(0); } }, 20);
`);
    chmodSync(path.join(bin, 'oc'), 0o755);
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${savedPath ?? ''}`;
    type Ran = { kubeconfig: string; mode: number; dirMode: number; clusterFields: string[]; userFields: string[] };
    const started = (id: string) => until(() => existsSync(path.join(runs, `${id}.json`)) && (JSON.parse(readFileSync(path.join(runs, `${id}.json`), 'utf8')) as Ran), `oc of ${id} to start`, 60_000);
    const release = (id: string) => writeFileSync(path.join(runs, `${id}.release`), '');
    try {
      // Each run asks first (one question at a time), then its oc starts; the first is still running when the second starts.
      const run = async (id: string) => {
        const running = vscode.commands.executeCommand<TroubleOutcome<{ exitCode?: number }>>('ibgu.collectMustGather', node('sno-0001'), { destination: path.join(scratch, id), images: 'default' });
        await until(() => api.hub!.confirmation.question?.includes(id), `must-gather ${id} to ask`, 20_000);
        await vscode.commands.executeCommand('ibgu.confirmApply');
        return { running, ran: await started(id) };
      };
      const { running: first, ran: a } = await run('mg-a');
      const { running: second, ran: b } = await run('mg-b');
      assert.notEqual(path.dirname(a.kubeconfig), path.dirname(b.kubeconfig), 'two runs share a kubeconfig folder');
      for (const ran of [a, b]) {
        assert.equal(ran.mode, 0o600, 'the kubeconfig is readable by others');
        assert.equal(ran.dirMode, 0o700, 'its folder is open to others');
        assert.deepEqual(ran.clusterFields, ['certificate-authority-data', 'server']);
        assert.deepEqual(ran.userFields, ['token']);
        assert.ok(existsSync(ran.kubeconfig), 'the kubeconfig went while oc runs');
      }
      release('mg-a');
      const one = await first;
      assert.equal(one.outcome, 'done', JSON.stringify(one));
      assert.equal(one.outcome === 'done' && one.exitCode, 0);
      assert.equal(existsSync(path.dirname(a.kubeconfig)), false, 'the first run left its kubeconfig behind');
      assert.ok(existsSync(b.kubeconfig), "the first run's end removed the second run's kubeconfig while its oc runs");
      release('mg-b');
      const two = await second;
      assert.equal(two.outcome, 'done', JSON.stringify(two));
      assert.equal(two.outcome === 'done' && two.exitCode, 0);
      assert.equal(existsSync(path.dirname(b.kubeconfig)), false, 'the second run left its kubeconfig behind');
    } finally {
      // No stand-in oc is left running, whatever failed.
      release('mg-a');
      release('mg-b');
      process.env.PATH = savedPath;
    }
  });
});
