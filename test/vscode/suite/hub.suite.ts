/**
 * The hub side in the real VS Code: the "Start Sandbox Hub" command runs the sandbox (dist/sandbox.js, a
 * child process of the extension host) with test/vscode/workspace/hub/scenario.yaml, the view connects over
 * HTTPS with @kubernetes/client-node, and the tests drive what a user does: see the tree, apply an IBGU (the
 * diff, then the confirmation), watch Prep fail on one cluster before TALM says so, append a step, see the
 * labels. Then the faults, each through the sandbox's control API: after each one the view recovers on its
 * own or says exactly why it cannot, and its model equals what the hub lists.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { IbguApi } from '../../../src/extension/extension';
import type { ApplyOutcome } from '../../../src/extension/commands/apply';
import type { HubSession } from '../../../src/extension/hubs';
import type { TreeNode } from '../../../src/hub/types';
import { workspaceUri } from './helpers';
import { accessFrom, control, extensionApi, findNode, modelMatchesHub, request, until, writeKubeconfig, type HubAccess } from './hub-helpers';

const SANDBOX = 'ibgu-sandbox';
const IBGU_PATH = '/apis/lcm.openshift.io/v1alpha1/namespaces/ztp-upgrades/imagebasedgroupupgrades';
const MC_PATH = '/apis/cluster.open-cluster-management.io/v1/managedclusters';

suite('hub: connect, apply, watch, append', function () {
  this.timeout(120_000);
  let api: IbguApi;
  let access: HubAccess;
  let scratch: string;

  const hub = () => api.hub!;
  const session = (name = SANDBOX): HubSession => {
    const s = hub().hubs.get(name);
    assert.ok(s, `no hub session ${name}; sessions: ${hub().hubs.list().map((x) => x.context.name).join(', ')}`);
    return s;
  };
  const roots = () => {
    hub().tree.rebuild();
    return hub().tree.nodes;
  };
  const root = (name = SANDBOX) => roots().find((n) => n.kind === 'hub' && n.label === name);
  const describeRoots = () => roots().map((r) => `${r.label}: ${r.contextValue} ${r.description ?? ''}`).join(' | ');

  suiteSetup(async () => {
    api = await extensionApi();
    scratch = mkdtempSync(path.join(tmpdir(), 'ibgu-hub-suite-'));
    const file = await vscode.commands.executeCommand<string | undefined>('ibgu.startSandbox', { scenario: workspaceUri('hub/scenario.yaml').fsPath, timeScale: 0.05 });
    assert.ok(file, 'the sandbox hub did not start');
    access = accessFrom(file);
    await vscode.commands.executeCommand('ibgu.hubs.focus');
    await until(() => root()?.contextValue === 'hub.connected', 'the sandbox hub root to be connected', 30_000, describeRoots);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('ibgu.hub').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('ibgu.hub').update('contexts', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('ibgu.stopSandbox');
    rmSync(scratch, { recursive: true, force: true });
  });

  test('the tree shows the sandbox hub and its four managed clusters', async () => {
    const clusters = findNode(roots(), (n) => n.kind === 'managedClusters');
    assert.ok(clusters, 'no Managed clusters node');
    const names = (clusters.children ?? []).filter((n) => n.kind === 'managedCluster').map((n) => n.label);
    const listed = await request(access, 'GET', '/apis/cluster.open-cluster-management.io/v1/managedclusters');
    assert.deepEqual(names, listed.body.items.map((o: any) => o.metadata.name).sort());
    assert.equal(names.length, 4);
    assert.match(root()!.description ?? '', /connected/i);
  });

  test("a cloned repository's workspace settings cannot redirect the hub, map clusters to other contexts or consent to reading admin Secrets", async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const file = path.join(folder, '.vscode', 'settings.json');
    mkdirSync(path.dirname(file), { recursive: true });
    const hubConfig = () => vscode.workspace.getConfiguration('ibgu.hub');
    const spokeConfig = () => vscode.workspace.getConfiguration('ibgu.spoke');
    const before = { kubeconfig: hubConfig().get('kubeconfig'), contexts: spokeConfig().get('contexts'), consent: spokeConfig().get('useHubSecret') };
    writeFileSync(file, JSON.stringify({
      'ibgu.hub.kubeconfig': path.join(folder, 'attacker.kubeconfig'),
      'ibgu.spoke.contexts': { 'sno-0001': 'someone-elses-cluster' },
      'ibgu.spoke.useHubSecret': 'always',
      // A setting a workspace may set, written in the same file: once it shows, VS Code has read the file.
      'ibgu.hub.notifications': 'off',
    }));
    try {
      await until(() => hubConfig().get('notifications') === 'off', 'VS Code to read the workspace settings', 20_000);
      assert.deepEqual({ kubeconfig: hubConfig().get('kubeconfig'), contexts: spokeConfig().get('contexts'), consent: spokeConfig().get('useHubSecret') }, before);
      for (const [config, key] of [[hubConfig(), 'kubeconfig'], [spokeConfig(), 'contexts'], [spokeConfig(), 'useHubSecret']] as const) {
        assert.equal(config.inspect(key)?.workspaceValue, undefined, `the workspace's ${key} was taken`);
      }
      assert.ok(root(), 'the sandbox hub is still the one shown');
    } finally {
      rmSync(path.dirname(file), { recursive: true, force: true });
      await until(() => hubConfig().get('notifications') === 'all', 'the workspace settings to be gone', 20_000);
    }
  });

  test('the view refreshes only rows that changed: none for a rebuild with nothing new, one cluster for its new label', async () => {
    const tree = hub().tree;
    const fired: (TreeNode | TreeNode[] | undefined)[] = [];
    const listening = tree.onDidChangeTreeData((e) => fired.push(e));
    try {
      const row = () => findNode(tree.nodes, (n) => n.kind === 'managedCluster' && n.label === 'sno-0004')!;
      // VS Code fetches the group's children once it shows them: only rows it shows are compared.
      await tree.view.reveal(findNode(roots(), (n) => n.kind === 'managedCluster' && n.label === 'sno-0004')!, { expand: true, select: false, focus: false });
      // Once the reveal's and the first events' refreshes are done, a rebuild finds nothing to refresh (with
      // every rebuild refreshing the tree, as before, this never happens).
      await until(() => {
        fired.length = 0;
        tree.rebuild();
        return fired.length === 0;
      }, 'a rebuild that sends no refresh', 20_000);
      const target = row();
      const patched = await request(access, 'PATCH', `${MC_PATH}/sno-0004`, { metadata: { labels: { 'refresh-check': 'yes' } } }, 'application/merge-patch+json');
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      const refreshed = await until(() => fired.find((e): e is TreeNode[] => Array.isArray(e) && e.some((n) => n.id === target.id)), 'a refresh of the sno-0004 row', 20_000);
      assert.deepEqual(refreshed.map((n) => n.id), [target.id], 'only the changed row is refreshed');
      assert.equal(refreshed[0], target, 'on the object VS Code holds');
      assert.ok(!fired.includes(undefined), 'the whole tree was refreshed');
      assert.match(target.tooltip ?? '', /refresh-check=yes/);
    } finally {
      listening.dispose();
    }
  });

  test('the lenses count the clusters each step selects on the hub', async () => {
    const uri = workspaceUri('hub/wave-a.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const resolved = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
    const text = resolved.map((l) => l.command?.title ?? '');
    assert.ok(text.some((t) => t.includes('Apply to hub')), `no apply lens: ${JSON.stringify(text)}`);
    // Prep selects every cluster of the wave; Upgrade only those labelled ibgu-prep-completed: none yet.
    assert.ok(text.includes(`4 clusters match on ${SANDBOX}`), `no "4 clusters match" lens: ${JSON.stringify(text)}`);
    assert.ok(text.includes(`0 clusters match on ${SANDBOX}`), `no "0 clusters match" lens: ${JSON.stringify(text)}`);
  });

  test('an IBGU whose plan TALM would refuse is not applied, and the finding says why', async () => {
    const uri = workspaceUri('hub/wave-bad-plan.yaml');
    const result = await vscode.commands.executeCommand<ApplyOutcome>('ibgu.applyToHub', uri, undefined, undefined, SANDBOX);
    assert.equal(result.outcome, 'blocked', JSON.stringify(result));
    assert.ok(result.outcome === 'blocked' && result.findings.some((f) => f.rule === 'ibgu/plan-combination'), JSON.stringify(result));
    assert.equal((await request(access, 'GET', `${IBGU_PATH}/wave-bad`)).status, 404, 'the refused IBGU reached the hub');
  });

  test('apply shows the diff of what the hub would store and creates the IBGU only once confirmed', async () => {
    const uri = workspaceUri('hub/wave-a.yaml');
    const applying = vscode.commands.executeCommand<ApplyOutcome>('ibgu.applyToHub', uri, undefined, undefined, SANDBOX);
    const diff = await until(() => diffTab(), 'the apply diff to open', 20_000);
    const after = (await vscode.workspace.openTextDocument(diff.modified)).getText();
    assert.match(after, /name: wave-a/);
    assert.match(after, /- Upgrade/);
    assert.equal((await request(access, 'GET', `${IBGU_PATH}/wave-a`)).status, 404, 'the IBGU was created before the confirmation');
    await vscode.commands.executeCommand('ibgu.confirmApply');
    const result = await applying;
    assert.equal(result.outcome, 'applied', JSON.stringify(result));
    assert.ok(result.outcome === 'applied' && result.created);
    const stored = await request(access, 'GET', `${IBGU_PATH}/wave-a`);
    assert.equal(stored.status, 200);
    assert.deepEqual(stored.body.spec.plan.map((s: any) => s.actions), [['Prep'], ['Upgrade']]);
    await until(() => !diffTab(), 'the diff to close after the apply', 5000);
  });

  test('as you type against the connected hub: removing a step of the live IBGU is an error naming the hub, and undoing it clears it', async () => {
    const uri = workspaceUri('hub/wave-a.yaml');
    assert.equal((await request(access, 'GET', `${IBGU_PATH}/wave-a`)).status, 200, 'wave-a is not on the hub');
    const editor = await vscode.window.showTextDocument(uri);
    const original = editor.document.getText();
    const appendOnly = () => vscode.languages.getDiagnostics(uri).filter((d) => String((d.code as { value?: unknown })?.value ?? d.code) === 'ibgu/plan-append-only');
    const describe = () => JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => [d.code, d.message]));
    try {
      // The file equals the live IBGU: nothing to say.
      await until(() => api.hub!.diagnostics.hub === SANDBOX, 'the hub answering for open files', 20_000);
      assert.deepEqual(appendOnly(), []);
      const upgrade = original.indexOf('  - actions: [Upgrade]');
      assert.ok(upgrade > 0);
      await editor.edit((b) => b.delete(new vscode.Range(editor.document.positionAt(upgrade), editor.document.positionAt(original.length))));
      const [removed] = await until(() => (appendOnly().length ? appendOnly() : undefined), 'plan-append-only as soon as the step is typed away', 20_000, describe);
      assert.equal(removed!.severity, vscode.DiagnosticSeverity.Error);
      assert.match(removed!.message, /live one on hub ibgu-sandbox/);
      assert.ok(editor.document.isDirty, 'the check ran on the unsaved text');
      await vscode.commands.executeCommand('undo');
      await until(() => editor.document.getText() === original && appendOnly().length === 0, 'the finding to clear once the step is back', 20_000, describe);
    } finally {
      if (editor.document.isDirty) await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  });

  test('Apply checks the hub first: an OADP ConfigMap missing there blocks it, by name; applied from the workspace first (its own diff and confirmation), Apply goes on', async () => {
    const uri = workspaceUri('hub/wave-cm.yaml');
    const blocked = await vscode.commands.executeCommand<ApplyOutcome>('ibgu.applyToHub', uri, undefined, undefined, SANDBOX);
    assert.equal(blocked.outcome, 'blocked', JSON.stringify(blocked));
    assert.ok(blocked.outcome === 'blocked' && blocked.findings.some((f) => f.rule === 'ibgu/hub-configmap-missing' && /oadp-later/.test(f.message)), JSON.stringify(blocked));
    const offered = blocked.outcome === 'blocked' ? blocked.fromWorkspace ?? [] : [];
    assert.deepEqual(offered.map((c) => [c.namespace, c.name, path.basename(vscode.Uri.parse(c.file).fsPath)]), [['openshift-adp', 'oadp-later', 'oadp-later.yaml']]);
    const CM_PATH = '/api/v1/namespaces/openshift-adp/configmaps';
    const closeDiffs = async () => {
      for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === 'ibgu-hub') await vscode.window.tabGroups.close(tab);
    };
    const applying = vscode.commands.executeCommand<ApplyOutcome>('ibgu.applyConfigMapFromWorkspace', vscode.Uri.parse(offered[0]!.file), 'openshift-adp', 'oadp-later', SANDBOX, uri);
    const cmQuestion = await until(() => hub().confirmation.question, 'the ConfigMap apply to ask for confirmation', 20_000);
    assert.match(cmQuestion, /create ConfigMap openshift-adp\/oadp-later/);
    assert.equal((await request(access, 'GET', `${CM_PATH}/oadp-later`)).status, 404, 'the ConfigMap was created before the confirmation');
    await vscode.commands.executeCommand('ibgu.confirmApply');
    // Then the IBGU's own Apply, now past the hub check: its question, cancelled here.
    await until(() => /ImageBasedGroupUpgrade ztp-upgrades\/wave-cm/.test(hub().confirmation.question ?? ''), 'the IBGU apply to ask for confirmation once the ConfigMap exists', 20_000);
    assert.equal((await request(access, 'GET', `${CM_PATH}/oadp-later`)).status, 200);
    await vscode.commands.executeCommand('ibgu.cancelApply');
    assert.equal((await applying).outcome, 'cancelled');
    await closeDiffs();
    assert.equal((await request(access, 'DELETE', `${CM_PATH}/oadp-later`)).status, 200);
    assert.equal((await request(access, 'GET', `${IBGU_PATH}/wave-cm`)).status, 404, 'the IBGU reached the hub');
  });

  test('as you type against the connected hub: an OADP ConfigMap missing there is an error that creating it clears, without reopening the file', async () => {
    const uri = workspaceUri('hub/wave-cm.yaml');
    const editor = await vscode.window.showTextDocument(uri);
    const hubFindings = () => vscode.languages.getDiagnostics(uri).filter((d) => String((d.code as { value?: unknown })?.value ?? d.code) === 'ibgu/hub-configmap-missing');
    const describe = () => JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => [d.code, d.message]));
    const [missing] = await until(() => (hubFindings().length ? hubFindings() : undefined), 'the hub-configmap-missing diagnostic', 20_000, describe);
    assert.equal(missing!.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(missing!.source, 'ibgu');
    assert.match(missing!.message, /ConfigMap openshift-adp\/oadp-later \(oadpContent\) does not exist on the hub \(context ibgu-sandbox\)/);
    assert.equal(editor.document.getText().split('\n')[missing!.range.start.line]!.trim(), '- name: oadp-later');
    const CM_PATH = '/api/v1/namespaces/openshift-adp/configmaps';
    const created = await request(access, 'POST', CM_PATH, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'oadp-later', namespace: 'openshift-adp' }, data: { 'backup.yaml': '{}' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    try {
      await until(() => hubFindings().length === 0, 'the diagnostic to clear once the ConfigMap exists', 20_000, describe);
      assert.ok(vscode.window.visibleTextEditors.some((e) => e.document === editor.document), 'the file was closed or reopened');
    } finally {
      assert.equal((await request(access, 'DELETE', `${CM_PATH}/oadp-later`)).status, 200);
    }
    // Gone again: the watch brings the error back.
    await until(() => hubFindings().length === 1, 'the diagnostic back once the ConfigMap is deleted', 20_000, describe);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('an IBGU Argo CD tracks: Apply names the Application whose sync will undo the change, before anything is written', async () => {
    const live = parse(readFileSync(workspaceUri('hub/wave-argo.yaml').fsPath, 'utf8'));
    live.spec.plan = live.spec.plan.slice(0, 1);
    live.metadata.annotations = { 'argocd.argoproj.io/tracking-id': 'ztp-ibgus:lcm.openshift.io/ImageBasedGroupUpgrade:ztp-upgrades/wave-argo' };
    assert.equal((await request(access, 'POST', IBGU_PATH, live)).status, 201);
    const applying = vscode.commands.executeCommand<ApplyOutcome>('ibgu.applyToHub', workspaceUri('hub/wave-argo.yaml'), undefined, undefined, SANDBOX);
    const question = await until(() => hub().confirmation.question, 'the apply to ask for confirmation', 20_000);
    assert.match(question, /^Argo CD Application ztp-ibgus tracks ImageBasedGroupUpgrade ztp-upgrades\/wave-argo .*its next sync reverts a change made here/);
    await vscode.commands.executeCommand('ibgu.cancelApply');
    assert.equal((await applying).outcome, 'cancelled');
    for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === 'ibgu-hub') await vscode.window.tabGroups.close(tab);
    const stored = await request(access, 'GET', `${IBGU_PATH}/wave-argo`);
    assert.equal(stored.body.spec.plan.length, 1, 'the IBGU was changed although the apply was cancelled');
    assert.equal((await request(access, 'DELETE', `${IBGU_PATH}/wave-argo`)).status, 200);
  });

  test('a cluster whose Prep fails shows as failed, with LCA\'s message, before TALM reports it', async () => {
    const uid = await until(() => session().list('ImageBasedGroupUpgrade').find((o) => o.metadata.name === 'wave-a')?.metadata.uid, 'the IBGU in the model');
    const early = await until(() => {
      const rollout = session().rollout(uid);
      const c = rollout?.steps[0]?.clusters.find((x) => x.name === 'sno-0003');
      return c?.phase === 'failed' && c.early && rollout!.steps[0]!.state === 'running' ? c : undefined;
    }, 'sno-0003 failed (not yet reported by TALM) while Prep still runs', 30_000, () => JSON.stringify(session().rollout(uid)?.steps[0]));
    // TALM's feedback path for the in-progress message is broken upstream (a stray quote), so what LCA says through it is "Prep failed".
    assert.match(early.message ?? '', /Prep failed/);
    const node = findNode(roots(), (n) => n.kind === 'cluster' && n.ref?.cluster === 'sno-0003' && n.ref?.step === 0);
    assert.ok(node, 'no tree node for sno-0003 under step 1');
    assert.match(node.tooltip ?? '', /not yet reported by TALM/);
    await until(() => hub().watch.shown.find((t) => t.includes('sno-0003')), 'a notification naming sno-0003');
  });

  test('append a step in the plan editor: a JSON patch with the current plan as its precondition', async () => {
    const object = session().list('ImageBasedGroupUpgrade').find((o) => o.metadata.name === 'wave-a')!;
    const node: Pick<TreeNode, 'ref'> = { ref: { context: SANDBOX, namespace: 'ztp-upgrades', name: 'wave-a', uid: object.metadata.uid! } };
    const panel = await vscode.commands.executeCommand<any>('ibgu.appendStep', node);
    assert.ok(panel, 'no plan editor opened');
    // What the page sends when the user presses Append (the page itself is checked in the browser test).
    const reply = await panel.receive({ type: 'append', expectedPlan: object.spec.plan, step: { actions: ['FinalizeUpgrade'], rolloutStrategy: { maxConcurrency: 2, timeout: 240 } } });
    assert.ok(reply?.ok, JSON.stringify(reply));
    const stored = await request(access, 'GET', `${IBGU_PATH}/wave-a`);
    assert.deepEqual(stored.body.spec.plan.map((s: any) => s.actions), [['Prep'], ['Upgrade'], ['FinalizeUpgrade']]);
    // The same precondition again is now stale: refused, and the plan on the hub unchanged.
    const stale = await panel.receive({ type: 'append', expectedPlan: object.spec.plan, step: { actions: ['FinalizeUpgrade'], rolloutStrategy: { maxConcurrency: 2, timeout: 240 } } });
    assert.equal(stale?.ok, false, JSON.stringify(stale));
    assert.match(String(stale.message), /changed/i);
    assert.equal((await request(access, 'GET', `${IBGU_PATH}/wave-a`)).body.spec.plan.length, 3);
    panel.dispose();
  });

  test('the rollout completes with one cluster failed, and the managed clusters show their labels', async () => {
    const uid = session().list('ImageBasedGroupUpgrade').find((o) => o.metadata.name === 'wave-a')!.metadata.uid!;
    const mc = (name: string) => findNode(roots(), (n) => n.kind === 'managedCluster' && n.label === name);
    // While the plan runs, TALM's labels say what each cluster has done…
    await until(() => /lcm\.openshift\.io\/ibgu-prep-completed/.test(mc('sno-0001')?.tooltip ?? ''), 'sno-0001 to show ibgu-prep-completed', 30_000, () => mc('sno-0001')?.tooltip ?? '(no node)');
    const rollout = await until(() => {
      const r = session().rollout(uid);
      return r && r.steps.length === 3 && r.steps.every((s) => s.state === 'completed' || s.state === 'timed-out') ? r : undefined;
    }, 'every step of wave-a to end', 90_000, () => JSON.stringify(session().rollout(uid)?.steps.map((s) => [s.actions, s.state, s.counts])));
    const failed = rollout.clusters.filter((c) => c.phase === 'failed').map((c) => c.name);
    assert.deepEqual(failed, ['sno-0003']);
    await modelMatchesHub(access, session(), 'the rollout');
    // …and a completed FinalizeUpgrade clears them; the failed cluster keeps its ibgu-prep-failed label.
    await until(() => mc('sno-0001') && !/lcm\.openshift\.io\/ibgu-/.test(mc('sno-0001')!.tooltip ?? ''), 'FinalizeUpgrade to clear the labels of sno-0001', 30_000, () => mc('sno-0001')?.tooltip ?? '');
    assert.match(mc('sno-0003')?.tooltip ?? '', /lcm\.openshift\.io\/ibgu-prep-failed/);
  });

  test('the dashboard opens for an IBGU of the tree, and New IBGU from Clusters prefills the chosen clusters', async () => {
    const ibguNode = findNode(roots(), (n) => n.kind === 'ibgu' && n.label === 'ztp-upgrades/wave-a');
    assert.ok(ibguNode, 'no tree node for ztp-upgrades/wave-a');
    const dashboard = await vscode.commands.executeCommand<any>('ibgu.openDashboard', ibguNode);
    assert.ok(dashboard?.panel, 'no dashboard panel');
    assert.equal(dashboard.panel.title, 'Rollout: ztp-upgrades/wave-a');
    assert.match(dashboard.panel.webview.html, /Content-Security-Policy/);
    // The time axis is in TALM minutes: the sandbox records its time scale in its kubeconfig, however it was started.
    assert.equal(session().context.timeScale, 0.05);
    assert.equal(dashboard.source.timeScale(), 0.05);
    dashboard.dispose();
    const chosen = ['sno-0004', 'sno-0002'].map((name) => findNode(roots(), (n) => n.kind === 'managedCluster' && n.label === name)!);
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('ibgu.newIbguFromClusters', chosen[0], chosen);
    assert.ok(document, 'no document opened');
    assert.equal(document.languageId, 'yaml');
    const text = document.getText();
    assert.match(text, /values:\n\s+- sno-0002\n\s+- sno-0004\n/);
    // Its ibuSpec comes from the newest IBGU on the hub, and its namespace too.
    assert.match(text, /namespace: ztp-upgrades/);
    assert.match(text, /image: quay\.io\/example\/sno-seed:4\.18\.9/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('a forced 410 and dropped watches: the view re-lists and its model equals the hub', async () => {
    await control(access, 'compact');
    await control(access, 'drop-watches');
    await request(access, 'PATCH', '/apis/cluster.open-cluster-management.io/v1/managedclusters/sno-0002', { metadata: { labels: { 'after-410': 'yes' } } }, 'application/merge-patch+json');
    await until(() => session().list('ManagedCluster').find((o) => o.metadata.name === 'sno-0002' && o.metadata.labels?.['after-410'] === 'yes'), 'the label written after the 410');
    await modelMatchesHub(access, session(), 'a 410 and dropped watches');
    assert.equal(root()?.contextValue, 'hub.connected');
  });

  test('5 s of latency on the watch: the view waits and catches up', async () => {
    await control(access, 'inject', { match: { method: 'GET', pathPrefix: '/apis/cluster.open-cluster-management.io/v1/managedclusters' }, delayMs: 5000, count: 2 });
    await control(access, 'drop-watches');
    await request(access, 'PATCH', '/apis/cluster.open-cluster-management.io/v1/managedclusters/sno-0004', { metadata: { labels: { slow: 'yes' } } }, 'application/merge-patch+json');
    await until(() => session().list('ManagedCluster').find((o) => o.metadata.name === 'sno-0004' && o.metadata.labels?.slow === 'yes'), 'the label written during the latency', 30_000);
    await modelMatchesHub(access, session(), '5 s latency');
  });

  test('the hub restarting: the view says it is unreachable, then reconnects on its own', async () => {
    const phases = new Set<string>();
    const sub = hub().hubs.onDidChange(() => phases.add(session().state.phase));
    try {
      await control(access, 'restart', { downMs: 1500 });
      await until(() => phases.has('unreachable') || phases.has('connecting'), 'the view to notice the hub went away', 20_000, () => [...phases].join(','));
      await until(() => session().state.phase === 'connected', 'the view to reconnect after the restart', 40_000, () => JSON.stringify(session().state));
    } finally {
      sub.dispose();
    }
    await modelMatchesHub(access, session(), 'the restart');
  });

  test('a token without watch on ManifestWorks: the hub says which permission is missing, the rest stays live', async () => {
    const { token } = await control(access, 'tokens', { name: 'no-manifestwork-watch', deny: [{ verb: 'watch', resource: 'manifestworks' }] });
    const file = path.join(scratch, 'restricted.kubeconfig');
    writeKubeconfig(access, file, 'restricted', token);
    await vscode.workspace.getConfiguration('ibgu.hub').update('kubeconfig', file, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('ibgu.hub').update('contexts', ['restricted'], vscode.ConfigurationTarget.Workspace);
    await until(() => session('restricted').state.phase === 'forbidden', 'the restricted hub to report forbidden', 30_000, () => JSON.stringify(session('restricted').state));
    assert.equal(session('restricted').state.permission, 'watch manifestworks.work.open-cluster-management.io');
    const node = root('restricted')!;
    assert.match(`${node.description} ${node.tooltip} ${(node.children ?? []).map((c) => c.label).join(' ')}`, /watch manifestworks/);
    await until(() => session('restricted').list('ImageBasedGroupUpgrade').some((o) => o.metadata.name === 'wave-a'), 'the IBGUs to be listed despite the denied watch');
  });

  test('a refused write loses nothing the user typed', async () => {
    const { token } = await control(access, 'tokens', { name: 'read-only', deny: [{ verb: 'patch' }, { verb: 'create' }] });
    const file = path.join(scratch, 'read-only.kubeconfig');
    writeKubeconfig(access, file, 'read-only', token);
    await vscode.workspace.getConfiguration('ibgu.hub').update('kubeconfig', file, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('ibgu.hub').update('contexts', ['read-only'], vscode.ConfigurationTarget.Workspace);
    await until(() => session('read-only').state.phase === 'connected', 'the read-only hub to connect', 30_000, () => JSON.stringify(session('read-only').state));
    const uri = workspaceUri('hub/wave-c.yaml');
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# typed, not saved\n'));
    const typed = document.getText();
    const result = await vscode.commands.executeCommand<ApplyOutcome>('ibgu.applyToHub', uri, undefined, undefined, 'read-only');
    assert.equal(result.outcome, 'failed', JSON.stringify(result));
    assert.match(result.outcome === 'failed' ? result.message : '', /patch|forbidden|permission/i);
    assert.equal(document.getText(), typed);
    assert.equal(document.isDirty, true);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('two hubs connected: the language status names the one the open files are checked against, and choosing another, or none, moves the findings', async () => {
    // The read-only hub of the test before is the same server: the same IBGUs, under another context name.
    await until(() => session('read-only').state.phase === 'connected', 'the read-only hub to be connected', 30_000, () => JSON.stringify(session('read-only').state));
    const live = await request(access, 'GET', `${IBGU_PATH}/wave-a`);
    assert.equal(live.body.spec.plan.length, 3, 'wave-a on the hub has the step appended by the plan-editor test');
    const uri = workspaceUri('hub/wave-a.yaml');
    const appendOnly = () => vscode.languages.getDiagnostics(uri).filter((d) => String((d.code as { value?: unknown })?.value ?? d.code) === 'ibgu/plan-append-only');
    const describe = () => `${api.hub!.diagnostics.statusText}; ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => [d.code, d.message]))}`;
    const diagnostics = api.hub!.diagnostics;
    await vscode.window.showTextDocument(uri);
    try {
      // Automatic: the first connected hub keeps answering; the file (two steps) drops the hub's third.
      await until(() => diagnostics.hub === SANDBOX && appendOnly().some((d) => /live one on hub ibgu-sandbox/.test(d.message)), 'the sandbox hub to answer for wave-a', 20_000, describe);
      assert.equal(diagnostics.statusText, `Hub checks: ${SANDBOX}`);
      await vscode.commands.executeCommand('ibgu.chooseCheckHub', { hub: 'read-only' });
      await until(() => diagnostics.hub === 'read-only' && appendOnly().some((d) => /live one on hub read-only/.test(d.message)) && !appendOnly().some((d) => /ibgu-sandbox/.test(d.message)), 'the read-only hub to answer instead', 20_000, describe);
      assert.equal(diagnostics.statusText, 'Hub checks: read-only');
      await vscode.commands.executeCommand('ibgu.chooseCheckHub', 'off');
      await until(() => diagnostics.hub === undefined && appendOnly().length === 0, 'no hub to answer, and its findings gone', 20_000, describe);
      assert.equal(diagnostics.statusText, 'Hub checks: off');
      // A chosen hub that is not in the view is not replaced by another.
      await vscode.commands.executeCommand('ibgu.chooseCheckHub', { hub: 'no-such-hub' });
      assert.equal(diagnostics.hub, undefined);
      assert.equal(diagnostics.statusText, 'Hub checks: no-such-hub not connected');
    } finally {
      await vscode.commands.executeCommand('ibgu.chooseCheckHub', 'auto');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
    await until(() => diagnostics.hub !== undefined, 'automatic choice to pick a connected hub again', 20_000, describe);
  });

  test('an expired token: the view says to log in again, and a new token in the kubeconfig reconnects it', async () => {
    const { token } = await control(access, 'tokens', { name: 'expiring' });
    const file = path.join(scratch, 'expiring.kubeconfig');
    writeKubeconfig(access, file, 'expiring', token);
    await vscode.workspace.getConfiguration('ibgu.hub').update('kubeconfig', file, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('ibgu.hub').update('contexts', ['expiring'], vscode.ConfigurationTarget.Workspace);
    await until(() => session('expiring').state.phase === 'connected', 'the expiring hub to connect', 30_000, () => JSON.stringify(session('expiring').state));
    await control(access, 'tokens/expire', { token });
    await control(access, 'drop-watches');
    await until(() => session('expiring').state.phase === 'unauthorised', 'the view to report the expired token', 30_000, () => JSON.stringify(session('expiring').state));
    assert.match(session('expiring').state.message ?? '', /log in/i);
    // `oc login` writes a new token into the same file: the view notices the change and reconnects.
    const fresh = (await control(access, 'tokens', { name: 'renewed' })).token as string;
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, before.replace(token, fresh));
    await until(() => session('expiring').state.phase === 'connected', 'the view to reconnect with the new token', 30_000, () => JSON.stringify(session('expiring').state));
    await modelMatchesHub(access, session('expiring'), 'the token renewal');
  });

  test('Disconnect Hub removes the hub from the view and stops its watches', async () => {
    const node = root('expiring');
    assert.ok(node, 'no expiring root');
    const connection = session('expiring').connection;
    await vscode.commands.executeCommand('ibgu.disconnect', node);
    await until(() => !root('expiring'), 'the expiring root to go', 10_000, describeRoots);
    assert.equal(hub().hubs.get('expiring'), undefined);
    assert.equal(connection.state.phase, 'idle', 'the disconnected hub still watches');
  });
});

function diffTab(): vscode.TabInputTextDiff | undefined {
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === 'ibgu-hub') return tab.input;
  }
  return undefined;
}
