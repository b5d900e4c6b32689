/**
 * Whole IBGU runs on the sandbox hub (simulated TALM, work agent and LCA in scaled time), driven and read back
 * only with the pinned kubectl binaries of scripts/kubectl.sh, as a user would: `kubectl apply` of the
 * IBGU, `get -w` / `wait` while it runs, then `get -o json`, jsonpath and label columns of what TALM left.
 * Failures of the spokes are the scenario's faults. The stuck finalize is cleaned up through the spoke's
 * API, reached with the admin kubeconfig Secret the hub stores for it (what an SRE does with `oc extract`).
 *
 * Expectations are written here from upstream TALM and LCA behaviour (the same facts as
 * test/sandbox/talm.test.ts, which runs these plans in-process), never computed with src/.
 * Only starting the sandbox happens in-process. Every scenario runs with every pinned kubectl: a run takes
 * a few seconds of wall time (TIME_SCALE wall seconds per TALM/LCA minute), so nothing is shortened for the
 * older one. Stage durations are at most a third of the step timeouts that must not fire; faults are found
 * by timeouts that do fire (TALM's only failure detection), and the kubectl timeouts are far beyond both.
 *
 * Without kubectl the suite is skipped with the reason; with CI=true it fails instead.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { parseScenario, startSandbox, type Sandbox } from '../../src/sandbox';
import { repoRoot } from '../helpers/fixtures';
import { forEachKubectl, runKubectl, watchKubectl, type Kubectl, type KubectlEnv, type KubectlResult } from '../helpers/kubectl';

/** Wall seconds per simulated minute: a 120-minute step timeout is 2.4 s. */
const TIME_SCALE = 0.02;
const NS = 'ztp-upgrades';
/** kubectl's own timeouts (`wait --timeout`, watches): far beyond any simulated run here (≤ 6 s of wall time). */
const KUBECTL_WAIT = '120s';
const WAIT_MS = 150_000;
const LABEL_PREFIX = 'lcm.openshift.io/ibgu-';
const CLEANUP_DONE = 'lca.openshift.io/manual-cleanup-done';

type Step = [actions: string[], maxConcurrency: number, timeout: number];

/**
 * examples/ibgu/<file> with another name, selector and plan (small timeouts, in minutes). `oadp: false` drops
 * the oadpContent (the OADP ConfigMap is not applied then).
 */
function ibguFromExample(file: string, name: string, plan: Step[], selector: Record<string, unknown>, options: { oadp: boolean }): string {
  const obj = parse(readFileSync(path.join(repoRoot(), 'examples', 'ibgu', file), 'utf8'));
  obj.metadata.name = name;
  obj.spec.clusterLabelSelectors = [selector];
  if (!options.oadp) delete obj.spec.ibuSpec.oadpContent;
  obj.spec.plan = plan.map(([actions, maxConcurrency, timeout]) => ({ actions, rolloutStrategy: { maxConcurrency, timeout } }));
  return stringify(obj);
}

function describeRun(args: string[], r: KubectlResult): string {
  return `kubectl ${args.join(' ')} → exit ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

function ibguSuite(kubectl: Kubectl): void {
  describe(`whole IBGU runs read back with kubectl ${kubectl.version}`, { timeout: 5 * 60_000 }, () => {
    let home: string;
    const sandboxes: Sandbox[] = [];

    before(() => {
      home = mkdtempSync(path.join(tmpdir(), 'ibgu-kubectl-ibgu-'));
    });

    after(async () => {
      await Promise.all(sandboxes.map((s) => s.stop()));
      if (home) rmSync(home, { recursive: true, force: true });
    });

    /** A sandbox for one scenario; its kubeconfig (and kubectl's cache) live under the suite's temp dir. */
    async function hub(id: string, scenarioYaml: string): Promise<KubectlEnv> {
      const dir = mkdtempSync(path.join(home, `${id}-`));
      const s = await startSandbox({ scenario: parseScenario(scenarioYaml), timeScale: TIME_SCALE, kubeconfigPath: path.join(dir, 'hub.kubeconfig') });
      sandboxes.push(s);
      return { kubeconfig: s.kubeconfigPath, home: dir, cacheDir: path.join(dir, 'hub-cache') };
    }

    const sandbox = () => sandboxes[sandboxes.length - 1]!;
    /** Resolves once the server has logged a list (no `watch`) of `apiPath` with the query key `key`. */
    const listed = async (s: Sandbox, apiPath: string, key: string) => {
      const deadline = Date.now() + WAIT_MS;
      const done = () => s.requests().some((e) => e.method === 'GET' && e.path === apiPath && e.query.includes(key) && !e.query.includes('watch'));
      while (!done()) {
        assert.ok(Date.now() < deadline, `no list of ${apiPath}?${key} in the server's log`);
        await sleep(20);
      }
    };

    const ok = async (env: KubectlEnv, args: string[], options: { stdin?: string; timeoutMs?: number } = {}) => {
      const r = await runKubectl(kubectl, env, args, options);
      assert.equal(r.code, 0, describeRun(args, r));
      return r;
    };
    const json = async (env: KubectlEnv, args: string[]) => JSON.parse((await ok(env, ['get', ...args, '-o', 'json'])).stdout);
    const jsonpath = async (env: KubectlEnv, args: string[], expr: string) => (await ok(env, ['get', ...args, '-o', `jsonpath=${expr}`])).stdout;
    /** `kubectl wait` until the IBGU's Progressing condition is False: every plan step has finished. */
    const waitFinished = async (env: KubectlEnv, name: string) => {
      const r = await ok(env, ['wait', '--for=jsonpath={.status.conditions[?(@.type=="Progressing")].status}=False', `ibgu/${name}`, '-n', NS, `--timeout=${KUBECTL_WAIT}`], { timeoutMs: WAIT_MS });
      assert.match(r.stdout, new RegExp(`imagebasedgroupupgrade\\.lcm\\.openshift\\.io/${name.replace(/\./g, '\\.')} condition met`));
    };
    /** The lcm.openshift.io/ibgu-* labels of every ManagedCluster, read with one `get -o json`. */
    const ibguLabels = async (env: KubectlEnv): Promise<Record<string, string[]>> => {
      const list = await json(env, ['managedclusters']);
      return Object.fromEntries(list.items.map((mc: any) => [mc.metadata.name, Object.keys(mc.metadata.labels ?? {}).filter((k) => k.startsWith(LABEL_PREFIX)).sort()]));
    };
    /** The IBGU's status, its clusters sorted by name. */
    const ibguStatus = async (env: KubectlEnv, name: string) => {
      const status = (await json(env, ['ibgu', name, '-n', NS])).status;
      status.clusters.sort(byName);
      return status;
    };
    const conditionRows = (status: any) => status.conditions.map((c: any) => [c.type, c.status, c.reason, c.message]);
    /** A spoke's admin kubeconfig, extracted from the hub with kubectl as ZTP stores it, in a file of its own. */
    const spokeEnv = async (env: KubectlEnv, cluster: string): Promise<KubectlEnv> => {
      const b64 = await jsonpath(env, ['secret', `${cluster}-admin-kubeconfig`, '-n', cluster], '{.data.kubeconfig}');
      assert.ok(b64.length > 0, `the admin kubeconfig Secret of ${cluster} has data`);
      const file = path.join(env.home, `${cluster}.kubeconfig`);
      writeFileSync(file, Buffer.from(b64, 'base64').toString('utf8'), { mode: 0o600 });
      // A discovery cache of its own: the spoke shares the hub's host and port.
      return { kubeconfig: file, home: env.home, cacheDir: path.join(env.home, `${cluster}-cache`) };
    };

    test('wave plan with failures: [[Prep],[AbortOnFailure],[Upgrade],[AbortOnFailure],[FinalizeUpgrade]]', async () => {
      // sno-0002 fails Prep, sno-0003 fails Upgrade; sno-0001 and sno-0004 are healthy. Each step's timeout is at
      // least three times its stage's duration: only the faulted clusters time out.
      const env = await hub('wave', [
        'clusters: 4',
        'durations: {prep: 40, upgrade: 30, abort: 5, finalize: 5}',
        'faults:',
        '- {clusters: sno-0002, fault: Prep}',
        '- {clusters: sno-0003, fault: Upgrade}',
      ].join('\n'));
      const applied = await ok(env, ['apply', '-f', path.join(repoRoot(), 'examples', 'ibgu', 'namespace.yaml')]);
      assert.match(applied.stdout, /^namespace\/ztp-upgrades (created|configured|unchanged)$/m);
      // The seed pull secret the IBU's pullSecretRef names is already on the sandbox hub.
      assert.equal(await jsonpath(env, ['secret', 'seed-pull-secret', '-n', NS], '{.type}'), 'kubernetes.io/dockerconfigjson');

      const name = 'sno-4.18-wave2';
      const manifest = ibguFromExample('wave2-manual.yaml', name, [
        [['Prep'], 4, 120],
        [['AbortOnFailure'], 4, 30],
        [['Upgrade'], 4, 90],
        [['AbortOnFailure'], 4, 30],
        [['FinalizeUpgrade'], 4, 30],
      ], { matchLabels: { common: 'true' } }, { oadp: false });

      // Watch for TALM's failed label before the IBGU exists. It appears when the Prep step times out (120
      // minutes, 2.4 s after the apply) and goes when [AbortOnFailure] completes. An empty selection prints
      // nothing, so the IBGU is applied once the server has answered the watch's initial list: kubectl then
      // watches from that list's resourceVersion and cannot miss a later change (only the server's access log
      // is read in-process, to know when; nothing is done to the hub there).
      const watch = watchKubectl(kubectl, env, ['get', 'managedclusters', '-w', '-l', `${LABEL_PREFIX}prep-failed`]);
      await listed(sandbox(), '/apis/cluster.open-cluster-management.io/v1/managedclusters', 'labelSelector');
      assert.match((await ok(env, ['apply', '-f', '-'], { stdin: manifest })).stdout, new RegExp(`^imagebasedgroupupgrade\\.lcm\\.openshift\\.io/${name.replace(/\./g, '\\.')} created$`, 'm'));
      const seen = await watch.until((lines) => lines.some((l) => l.startsWith('sno-0002 ')), WAIT_MS);
      assert.ok(seen.matched, `no row for sno-0002 with the prep-failed label: ${JSON.stringify(seen)}`);
      assert.equal(seen.exitedEarly, undefined, `kubectl get -w ended by itself: ${seen.stderr}`);
      const rows = seen.lines.filter((l) => l.trim() && !l.startsWith('NAME'));
      assert.deepEqual([...new Set(rows.map((l) => l.split(/\s+/)[0]))], ['sno-0002'], `only the Prep-failed cluster is selected: ${JSON.stringify(seen.lines)}`);

      await waitFinished(env, name);
      const status = await ibguStatus(env, name);
      assert.deepEqual(status.clusters, [
        { name: 'sno-0001', completedActions: [{ action: 'Prep' }, { action: 'Upgrade' }, { action: 'FinalizeUpgrade' }] },
        // TALM's failure message is LCA's PrepCompleted / UpgradeCompleted message.
        { name: 'sno-0002', completedActions: [{ action: 'AbortOnFailure' }], failedActions: [{ action: 'Prep', message: 'Prep failed' }] },
        { name: 'sno-0003', completedActions: [{ action: 'Prep' }, { action: 'AbortOnFailure' }], failedActions: [{ action: 'Upgrade', message: 'Upgrade failed' }] },
        { name: 'sno-0004', completedActions: [{ action: 'Prep' }, { action: 'Upgrade' }, { action: 'FinalizeUpgrade' }] },
      ]);
      assert.deepEqual(conditionRows(status), [['Progressing', 'False', 'Completed', 'All plan steps are completed']]);
      assert.equal(status.observedGeneration, 1);

      // One CGU per step, named <ibgu>-<action>-<index>.
      const cgus = (await ok(env, ['get', 'cgu', '-n', NS, '-o', 'name'])).stdout.trim().split('\n').sort();
      assert.deepEqual(cgus, [
        `${name}-abortonfailure-1`, `${name}-abortonfailure-3`, `${name}-finalizeupgrade-4`, `${name}-prep-0`, `${name}-upgrade-2`,
      ].map((n) => `clustergroupupgrade.ran.openshift.io/${n}`));
      const cguTable = (await ok(env, ['get', 'cgu', '-n', NS])).stdout.trimEnd().split('\n');
      assert.match(cguTable[0], /^NAME\s+AGE\s+STATE\s+DETAILS$/);
      const cguRows = Object.fromEntries(cguTable.slice(1).map((l) => [l.split(/\s+/)[0], l]));
      assert.match(cguRows[`${name}-prep-0`], /\sTimedOut\s+Manifestwork rollout took too long$/);
      assert.match(cguRows[`${name}-abortonfailure-1`], /\sCompleted\s+All manifestworks rolled out successfully on all clusters$/);
      assert.match(cguRows[`${name}-upgrade-2`], /\sTimedOut\s/);
      assert.match(cguRows[`${name}-finalizeupgrade-4`], /\sCompleted\s/);
      // Each [AbortOnFailure] picked up the cluster that failed before it, by TALM's failed labels.
      const plan = async (cgu: string) => JSON.parse(await jsonpath(env, ['cgu', cgu, '-n', NS], '{.status.remediationPlan}'));
      assert.deepEqual(await plan(`${name}-abortonfailure-1`), [['sno-0002']]);
      assert.deepEqual(await plan(`${name}-abortonfailure-3`), [['sno-0003']]);
      assert.equal(await jsonpath(env, ['cgu', `${name}-prep-0`, '-n', NS], '{.status.clusters[?(@.name=="sno-0002")].state}'), 'timedout');

      // No IBGU label is left: the completed FinalizeUpgrade or AbortOnFailure cleared them.
      assert.deepEqual(await ibguLabels(env), { 'sno-0001': [], 'sno-0002': [], 'sno-0003': [], 'sno-0004': [] });
      const none = await ok(env, ['get', 'managedclusters', '-l', `${LABEL_PREFIX}prep-failed`]);
      assert.equal(none.stdout, '');
      assert.match(none.stderr, /No resources found/);
      const columns = (await ok(env, ['get', 'managedclusters', '-L', `${LABEL_PREFIX}prep-failed,${LABEL_PREFIX}upgrade-failed,common`])).stdout.trimEnd().split('\n');
      assert.match(columns[0], /\sIBGU-PREP-FAILED\s+IBGU-UPGRADE-FAILED\s+COMMON$/);
      assert.deepEqual(columns.slice(1).map((l) => l.split(/\s+/)[0]), ['sno-0001', 'sno-0002', 'sno-0003', 'sno-0004']);
      for (const row of columns.slice(1)) assert.match(row, /\s\d+[smhd]\S*\s+true$/, `empty label cells, then common=true: ${row}`);

      // The failed clusters were aborted back to Idle on their spokes.
      for (const cluster of ['sno-0002', 'sno-0003']) {
        const spoke = await spokeEnv(env, cluster);
        assert.equal(await jsonpath(spoke, ['ibu', 'upgrade'], '{.spec.stage}/{.status.conditions[?(@.type=="Idle")].status}'), 'Idle/True', cluster);
      }

      const table = (await ok(env, ['get', 'ibgu', '-n', NS])).stdout.trimEnd().split('\n');
      assert.match(table[0], /^NAME\s+AGE$/);
      assert.equal(table.length, 2);
      assert.match(table[1], new RegExp(`^${name.replace(/\./g, '\\.')}\\s+\\d+[smhd]\\S*$`));
    });

    test('stuck finalize: FinalizeFailed, cleaned up by hand through the spoke with manual-cleanup-done', async () => {
      const env = await hub('finalize', [
        'clusters: 2',
        'durations: {prep: 10, upgrade: 10, finalize: 5, cleanupRetry: 3}',
        'faults:',
        '- {clusters: sno-0001, fault: Finalize, retriesFailing: 0}',
      ].join('\n'));
      const name = 'sno-4.18-one-step';
      // With the example's OADP ConfigMap: its Backups carry the application's LVM volumes across the pivot.
      await ok(env, ['apply', '-f', path.join(repoRoot(), 'examples', 'ibgu', 'namespace.yaml'), '-f', path.join(repoRoot(), 'examples', 'oadp', 'rendered', 'oadp-cm.yaml')]);
      await ok(env, ['apply', '-f', '-'], {
        stdin: ibguFromExample('wave1-one-step.yaml', name, [[['Prep', 'Upgrade', 'FinalizeUpgrade'], 2, 120]], { matchLabels: { common: 'true' } }, { oadp: true }),
      });
      await waitFinished(env, name);

      const status = await ibguStatus(env, name);
      assert.deepEqual(conditionRows(status), [['Progressing', 'False', 'Completed', 'All plan steps are completed']]);
      const [stuck, healthy] = status.clusters;
      assert.equal(stuck.name, 'sno-0001');
      assert.equal(stuck.failedActions.length, 1);
      assert.equal(stuck.failedActions[0].action, 'FinalizeUpgrade');
      assert.ok(
        stuck.failedActions[0].message.endsWith("Perform cleanup manually then add 'lca.openshift.io/manual-cleanup-done' annotation to ibu CR to transition back to Idle"),
        stuck.failedActions[0].message,
      );
      assert.equal(stuck.completedActions, undefined, 'a timed-out cluster shows only its failed action');
      assert.deepEqual(healthy, { name: 'sno-0002', completedActions: [{ action: 'Prep' }, { action: 'Upgrade' }, { action: 'FinalizeUpgrade' }] });
      // Labels are only added until a cleanup action completes: Prep's and Upgrade's stay beside the failed one.
      assert.deepEqual(await ibguLabels(env), {
        'sno-0001': [`${LABEL_PREFIX}finalizeupgrade-failed`, `${LABEL_PREFIX}prep-completed`, `${LABEL_PREFIX}upgrade-completed`],
        'sno-0002': [],
      });

      // On the spoke, with its admin kubeconfig from the hub.
      const spoke = await spokeEnv(env, 'sno-0001');
      const ibu = await json(spoke, ['ibu', 'upgrade']);
      const idle = ibu.status.conditions.find((c: any) => c.type === 'Idle');
      assert.equal(idle.status, 'False');
      assert.equal(idle.reason, 'FinalizeFailed');
      assert.deepEqual(ibu.status.validNextStages ?? [], []);
      assert.equal(ibu.metadata.annotations?.[CLEANUP_DONE], undefined);

      assert.match((await ok(spoke, ['annotate', 'ibu', 'upgrade', `${CLEANUP_DONE}=`])).stdout, /imagebasedupgrade\.lca\.openshift\.io\/upgrade annotated/);
      const waited = await ok(spoke, ['wait', '--for=jsonpath={.status.conditions[?(@.type=="Idle")].status}=True', 'ibu/upgrade', `--timeout=${KUBECTL_WAIT}`], { timeoutMs: WAIT_MS });
      assert.match(waited.stdout, /imagebasedupgrade\.lca\.openshift\.io\/upgrade condition met/);
      const cleaned = await json(spoke, ['ibu', 'upgrade']);
      assert.equal(cleaned.metadata.annotations?.[CLEANUP_DONE], undefined, 'LCA removes the annotation when it retries');
      assert.deepEqual(cleaned.status.conditions.find((c: any) => c.type === 'Idle').reason, 'Idle');
      assert.deepEqual(cleaned.status.validNextStages, ['Prep']);

      // The must-gather recipe: LCA's manager image, and the application's LVM volumes (kept across the pivot
      // because the OADP ConfigMap's Backups include them).
      const image = await jsonpath(spoke, ['deployment', 'lifecycle-agent-controller-manager', '-n', 'openshift-lifecycle-agent'], '{.spec.template.spec.containers[?(@.name=="manager")].image}');
      assert.ok(image.trim().length > 0, 'the manager container has an image');
      const volumes = (await ok(spoke, ['get', 'logicalvolumes', '-o', 'name'])).stdout.trim().split('\n').filter(Boolean);
      assert.equal(volumes.length, 2, volumes.join('\n'));
      const volumeTable = (await ok(spoke, ['get', 'logicalvolumes'])).stdout.trimEnd().split('\n');
      assert.equal(volumeTable.length, 3, volumeTable.join('\n'));
    });

    test('lab rehearsal: [[Prep],[Abort]] completes both steps and clears the labels', async () => {
      const env = await hub('rehearsal', 'clusters: 3\ndurations: {prep: 10, abort: 5}');
      const name = 'sno-4.18-lab-rehearsal';
      // The example as it is, with its OADP ConfigMap, selecting two of the three clusters by name.
      await ok(env, ['apply', '-f', path.join(repoRoot(), 'examples', 'ibgu', 'namespace.yaml'), '-f', path.join(repoRoot(), 'examples', 'oadp', 'rendered', 'oadp-cm.yaml')]);
      const manifest = ibguFromExample('lab-prep-rehearsal.yaml', name, [[['Prep'], 2, 60], [['Abort'], 2, 30]],
        { matchExpressions: [{ key: 'name', operator: 'In', values: ['sno-0001', 'sno-0003'] }] }, { oadp: true });
      await ok(env, ['apply', '-f', '-'], { stdin: manifest });
      await waitFinished(env, name);

      const status = await ibguStatus(env, name);
      assert.deepEqual(status.clusters, [
        { name: 'sno-0001', completedActions: [{ action: 'Prep' }, { action: 'Abort' }] },
        { name: 'sno-0003', completedActions: [{ action: 'Prep' }, { action: 'Abort' }] },
      ]);
      assert.deepEqual(conditionRows(status), [['Progressing', 'False', 'Completed', 'All plan steps are completed']]);
      const cgus = (await ok(env, ['get', 'cgu', '-n', NS, '-o', 'name'])).stdout.trim().split('\n').sort();
      assert.deepEqual(cgus, [`${name}-abort-1`, `${name}-prep-0`].map((n) => `clustergroupupgrade.ran.openshift.io/${n}`));
      assert.deepEqual(await ibguLabels(env), { 'sno-0001': [], 'sno-0002': [], 'sno-0003': [] });
      const spoke = await spokeEnv(env, 'sno-0003');
      assert.equal(await jsonpath(spoke, ['ibu', 'upgrade'], '{.spec.stage}/{.status.conditions[?(@.type=="Idle")].status}'), 'Idle/True');
    });
  });
}

forEachKubectl('whole IBGU runs read back with kubectl', ibguSuite);
