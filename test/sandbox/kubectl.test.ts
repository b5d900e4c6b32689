/**
 * The sandbox hub (src/sandbox) checked by an independent Kubernetes client: the pinned kubectl binaries of
 * scripts/kubectl.sh (1.32.3, whose `wait` lists then watches, and 1.36.4, whose `wait` uses a watch-list).
 * For each version a sandbox is started in this process and kubectl runs against its kubeconfig. Only generic
 * resource commands and YAML/JSON manifests are used: kubectl's typed sub-commands (`create configmap`, …) send
 * protobuf, and are checked in kubectl-protobuf.test.ts.
 *
 * Golden protocol log: one fixed scenario per version records what kubectl sent (method, path, sorted query
 * keys, Accept, Content-Type, status) and compares it with test/sandbox/golden/kubectl-<version>.json. A kubectl
 * upgrade or a server change that alters the wire protocol fails here. After checking that a change is
 * intended, rewrite the files with UPDATE_GOLDEN=1 and review their diff:
 *   mkdir -p /tmp/hk && npx esbuild test/sandbox/kubectl.test.ts --bundle --platform=node --target=node20 \
 *     --outfile=/tmp/hk/x.js --log-level=warning && UPDATE_GOLDEN=1 node --test /tmp/hk/x.js
 *
 * Without kubectl (scripts/kubectl.sh exits with 3: not Linux x86_64, no apt-get, no network) the suite is
 * skipped with the reason; with CI=true it fails instead.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../helpers/wait';
import { parse, stringify } from 'yaml';
import { startSandbox, type RequestLogEntry, type Sandbox } from '../../src/sandbox';
import { repoRoot } from '../helpers/fixtures';
import { forEachKubectl, runKubectl, watchKubectl, type Kubectl, type KubectlEnv, type KubectlResult } from '../helpers/kubectl';

const NS = 'ztp-upgrades';
const IBGU = 'imagebasedgroupupgrade.lcm.openshift.io';
const CLUSTERS = 4;
const clusterName = (i: number) => `sno-${String(i).padStart(4, '0')}`;

/**
 * The IBGU of examples/ibgu/wave1-one-step.yaml under another name, as YAML, with a one-step plan [Prep] that
 * `upgradeStep` may extend. As on a real hub (the CRD's validation rules), ibuSpec and clusterLabelSelectors
 * are immutable and the plan is append-only: spec changes in these tests append a step.
 */
function ibguManifest(name: string, change: (obj: any) => void = () => {}): string {
  const obj = parse(readFileSync(path.join(repoRoot(), 'examples', 'ibgu', 'wave1-one-step.yaml'), 'utf8'));
  obj.metadata.name = name;
  obj.spec.plan = [prepStep];
  change(obj);
  return stringify(obj);
}
const prepStep = { actions: ['Prep'], rolloutStrategy: { maxConcurrency: 2, timeout: 240 } };
const upgradeStep = { actions: ['Upgrade'], rolloutStrategy: { maxConcurrency: 2, timeout: 480 } };
const withUpgrade = (obj: any) => obj.spec.plan.push(upgradeStep);

const readyCondition = (type: string, reason: string) =>
  JSON.stringify({ status: { conditions: [{ type, status: 'True', reason, message: `set by the kubectl test`, lastTransitionTime: '2026-01-01T00:00:00Z' }] } });

function describeRun(args: string[], r: KubectlResult): string {
  return `kubectl ${args.join(' ')} → exit ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
}

// ---- golden protocol log -------------------------------------------------------------------------------

interface GoldenCommand {
  args: string[];
  /** Discovery and OpenAPI requests, sorted: kubectl fetches group versions concurrently. */
  discovery: string[];
  /** Every other request, in the order the server logged them. */
  requests: string[];
}

const isDiscovery = (p: string) =>
  p === '/version' || p === '/api' || p === '/apis' || p === '/api/v1' || /^\/apis\/[^/]+\/[^/]+$/.test(p) || p.startsWith('/openapi/');

/**
 * One request as a stable line: no resourceVersion or other query values (only the sorted keys), no
 * User-Agent (it names the OS and build). Names in paths are the fixed ones of the scenario.
 */
function goldenLine(e: RequestLogEntry): string {
  const query = e.query.length ? `?${[...e.query].sort().join('&')}` : '';
  return `${e.method} ${e.path}${query} → ${e.status} | accept: ${e.accept ?? '-'} | content-type: ${e.contentType ?? '-'}`;
}

function goldenFile(version: string): string {
  return path.join(repoRoot(), 'test', 'sandbox', 'golden', `kubectl-${version}.json`);
}

// ---- the suite -----------------------------------------------------------------------------------------

function kubectlSuite(kubectl: Kubectl): void {
  describe(`kubectl ${kubectl.version} against the sandbox hub`, { timeout: 5 * 60_000 }, () => {
    let sandbox: Sandbox;
    let home: string;
    let env: KubectlEnv;

    const run = (args: string[], options: { stdin?: string; timeoutMs?: number; env?: KubectlEnv } = {}) =>
      runKubectl(kubectl, options.env ?? env, args, options);
    const ok = async (args: string[], options: { stdin?: string; timeoutMs?: number; env?: KubectlEnv } = {}) => {
      const r = await run(args, options);
      assert.equal(r.code, 0, describeRun(args, r));
      return r;
    };
    const fails = async (args: string[], options: { stdin?: string; timeoutMs?: number; env?: KubectlEnv } = {}) => {
      const r = await run(args, options);
      assert.ok(!r.timedOut, describeRun(args, r));
      assert.notEqual(r.code, 0, describeRun(args, r));
      return r;
    };
    const jsonpath = async (args: string[], expr: string) => (await ok(['get', ...args, '-o', `jsonpath=${expr}`])).stdout;
    const names = async (selector: string) =>
      (await jsonpath(['managedclusters', '-l', selector], '{.items[*].metadata.name}')).split(' ').filter(Boolean).sort();
    const createIbgu = async (name: string, change?: (obj: any) => void) => {
      const r = await ok(['apply', '-f', '-'], { stdin: ibguManifest(name, change) });
      assert.match(r.stdout, new RegExp(`^${IBGU}/${name} created`, 'm'));
    };

    before(async () => {
      sandbox = await startSandbox({ port: 0, clusters: CLUSTERS, controllers: false, timeScale: 0.5 });
      home = mkdtempSync(path.join(tmpdir(), 'ibgu-kubectl-'));
      env = { kubeconfig: sandbox.kubeconfigPath, home, cacheDir: path.join(home, 'cache') };
      await ok(['apply', '-f', path.join(repoRoot(), 'examples', 'ibgu', 'namespace.yaml')]);
    });

    after(async () => {
      await sandbox?.stop();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    test('golden protocol log of a fixed scenario', async () => {
      // A cold discovery cache of its own, so discovery is part of the log whatever ran before.
      const goldenEnv: KubectlEnv = { ...env, cacheDir: path.join(home, 'golden-cache') };
      const commands: GoldenCommand[] = [];
      const settle = async () => {
        // The server may log a request when its response ends, just after kubectl exits: wait for the log to stop growing.
        let last = -1;
        for (let i = 0; i < 40 && sandbox.requestCount() !== last; i++) {
          last = sandbox.requestCount();
          await sleep(100);
        }
        return sandbox.requestCount();
      };
      let mark = await settle();
      const record = async (args: string[]) => {
        const end = await settle();
        const entries = sandbox.requests(mark).slice(0, end - mark).filter((e) => !e.path.startsWith('/__sandbox'));
        mark = end;
        commands.push({
          args,
          discovery: entries.filter((e) => isDiscovery(e.path)).map(goldenLine).sort(),
          requests: entries.filter((e) => !isDiscovery(e.path)).map(goldenLine),
        });
      };
      const step = async (args: string[], options: { stdin?: string; expectFailure?: boolean } = {}) => {
        if (options.expectFailure) await fails(args, { ...options, env: goldenEnv });
        else await ok(args, { ...options, env: goldenEnv });
        await record(args);
      };
      const ibgu = ['ibgu', 'golden-a', '-n', NS];

      await step(['get', 'managedclusters']);
      await step(['get', 'mcl', '-l', 'golden-scenario=yes', '-o', 'json']);
      await step(['label', 'mcl', clusterName(1), 'golden-scenario=yes']);
      await step(['apply', '-f', '-'], { stdin: ibguManifest('golden-a') });
      await step(['apply', '-f', '-'], { stdin: ibguManifest('golden-a', withUpgrade) });
      await step(['apply', '--server-side', '-f', '-'], { stdin: ibguManifest('golden-b') });
      await step(['patch', ...ibgu, '--type', 'merge', '-p', '{"metadata":{"labels":{"golden":"merge"}}}']);
      await step(['patch', ...ibgu, '--type', 'json', '-p', '[{"op":"test","path":"/metadata/labels/golden","value":"merge"},{"op":"replace","path":"/metadata/labels/golden","value":"json"}]']);
      await step(['patch', ...ibgu, '--subresource=status', '--type', 'merge', '-p', readyCondition('Progressing', 'InProgress')]);
      await step(['wait', ...ibgu, '--for=condition=Progressing', '--timeout=20s']);
      const stale = (await ok(['get', ...ibgu, '-o', 'json'], { env: goldenEnv })).stdout;
      await record(['get', ...ibgu, '-o', 'json']);
      await step(['annotate', ...ibgu, 'golden/step=stale-maker']);
      await step(['replace', '-f', '-'], { stdin: stale, expectFailure: true });
      await step(['patch', ...ibgu, '-p', '{"metadata":{"labels":{"golden":"strategic"}}}'], { expectFailure: true });
      await step(['delete', ...ibgu]);
      await step(['get', ...ibgu], { expectFailure: true });

      const watchArgs = ['get', 'mcl', '-w'];
      const watch = watchKubectl(kubectl, goldenEnv, watchArgs);
      await watch.linesReady(1 + CLUSTERS);
      await ok(['label', 'mcl', clusterName(2), 'golden-scenario=watched'], { env: goldenEnv });
      const seen = await watch.until((lines) => lines.length > 1 + CLUSTERS && lines.slice(1 + CLUSTERS).some((l) => l.startsWith(clusterName(2))));
      assert.ok(seen.matched, `the watch did not show the label change: ${JSON.stringify(seen)}`);
      // The watch and the label command in one entry: they overlap in time.
      await record([...watchArgs, '+', 'label', 'mcl', clusterName(2), 'golden-scenario=watched']);

      const actual = { kubectl: kubectl.version, commands };
      const file = goldenFile(kubectl.version);
      if (process.env.UPDATE_GOLDEN === '1') {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
        return;
      }
      assert.ok(existsSync(file), `${path.relative(repoRoot(), file)} is missing: create it with UPDATE_GOLDEN=1 (see the top of this file)`);
      const golden = JSON.parse(readFileSync(file, 'utf8'));
      for (let i = 0; i < Math.max(golden.commands.length, commands.length); i++) {
        assert.deepEqual(commands[i], golden.commands[i], `kubectl ${kubectl.version} sent other requests than ${path.relative(repoRoot(), file)} records, at command #${i + 1}; if intended, rerun with UPDATE_GOLDEN=1`);
      }
      assert.deepEqual(actual, golden);
    });

    test("the hub's kubeconfig records its time scale as a cluster extension kubectl keeps", async () => {
      const extensions = JSON.parse((await ok(['config', 'view', '-o', 'jsonpath={.clusters[0].cluster.extensions}'])).stdout);
      assert.deepEqual(extensions, [{ name: 'sandbox.ibgu.io', extension: { timeScale: 0.5 } }]);
    });

    test('api-resources and explain show the served types', async () => {
      const resources = (await ok(['api-resources'])).stdout;
      assert.match(resources, /^managedclusters\s+mcls?,?\S*\s+cluster\.open-cluster-management\.io\/v1\s+false\s+ManagedCluster\s*$/m);
      assert.match(resources, /^imagebasedgroupupgrades\s+ibgu\s+lcm\.openshift\.io\/v1alpha1\s+true\s+ImageBasedGroupUpgrade\s*$/m);
      assert.match(resources, /^configmaps\s+cm\s+v1\s+true\s+ConfigMap\s*$/m);
      const group = (await ok(['api-resources', '--api-group=lcm.openshift.io', '-o', 'name'])).stdout;
      assert.match(group, /^imagebasedgroupupgrades\.lcm\.openshift\.io$/m);

      const explain = (await ok(['explain', 'ibgu'])).stdout;
      assert.match(explain, /KIND:\s+ImageBasedGroupUpgrade/);
      assert.match(explain, /(GROUP|VERSION):\s+lcm\.openshift\.io/);
      const mcl = (await ok(['explain', 'managedclusters'])).stdout;
      assert.match(mcl, /KIND:\s+ManagedCluster/);
    });

    test('get: table, -o json, -o yaml, -o jsonpath, -o name', async () => {
      const table = (await ok(['get', 'managedclusters'])).stdout.trimEnd().split('\n');
      assert.match(table[0], /^NAME\s+HUB ACCEPTED\s+MANAGED CLUSTER URLS\s+JOINED\s+AVAILABLE\s+AGE$/);
      assert.deepEqual(table.slice(1).map((l) => l.split(/\s+/)[0]), Array.from({ length: CLUSTERS }, (_, i) => clusterName(i + 1)));
      for (const row of table.slice(1)) assert.match(row, /\s\d+[smhd]\S*$/, `the AGE cell is a duration: ${row}`);

      const list = JSON.parse((await ok(['get', 'mcl', '-o', 'json'])).stdout);
      assert.equal(list.kind, 'List');
      assert.equal(list.items.length, CLUSTERS);
      assert.equal(list.items[0].kind, 'ManagedCluster');
      assert.equal(list.items[0].apiVersion, 'cluster.open-cluster-management.io/v1');

      const one = parse((await ok(['get', 'mcl', clusterName(2), '-o', 'yaml'])).stdout);
      assert.equal(one.metadata.name, clusterName(2));
      assert.ok(one.metadata.uid && one.metadata.resourceVersion && one.metadata.creationTimestamp, 'server-set metadata');

      assert.equal(await jsonpath(['mcl', clusterName(3)], '{.kind}/{.metadata.name}'), `ManagedCluster/${clusterName(3)}`);
      const byName = (await ok(['get', 'mcl', clusterName(1), clusterName(4), '-o', 'name'])).stdout.trim().split('\n');
      assert.deepEqual(byName, [clusterName(1), clusterName(4)].map((n) => `managedcluster.cluster.open-cluster-management.io/${n}`));

      const missing = await fails(['get', 'mcl', 'sno-9999']);
      assert.match(missing.stderr, /NotFound.*"sno-9999" not found/);
    });

    test('label selectors: =, !=, in, notin, exists, does not exist', async () => {
      await ok(['label', 'mcl', clusterName(1), clusterName(2), 'tier=pilot']);
      await ok(['label', 'mcl', clusterName(3), 'tier=canary']);
      await ok(['label', 'mcl', clusterName(1), 'zone=east']);
      const [c1, c2, c3, c4] = [1, 2, 3, 4].map(clusterName);
      assert.deepEqual(await names('tier=pilot'), [c1, c2]);
      assert.deepEqual(await names('tier==canary'), [c3]);
      assert.deepEqual(await names('tier!=pilot'), [c3, c4]);
      assert.deepEqual(await names('tier in (pilot,canary)'), [c1, c2, c3]);
      assert.deepEqual(await names('tier notin (pilot)'), [c3, c4]);
      assert.deepEqual(await names('zone'), [c1]);
      assert.deepEqual(await names('!zone'), [c2, c3, c4]);
      assert.deepEqual(await names('tier=pilot,!zone'), [c2]);
      assert.deepEqual(await names('tier=nobody'), []);
    });

    test('label and annotate: set, refuse to overwrite, overwrite, remove', async () => {
      const c = clusterName(4);
      assert.match((await ok(['label', 'mcl', c, 'stage=one'])).stdout, /labeled/);
      const refused = await fails(['label', 'mcl', c, 'stage=two']);
      assert.match(refused.stderr, /already has a value \(one\)/);
      await ok(['label', 'mcl', c, 'stage=two', '--overwrite']);
      assert.equal(await jsonpath(['mcl', c], '{.metadata.labels.stage}'), 'two');
      await ok(['label', 'mcl', c, 'stage-']);
      assert.equal(await jsonpath(['mcl', c], '{.metadata.labels.stage}'), '');

      assert.match((await ok(['annotate', 'mcl', c, 'example.com/note=hello world'])).stdout, /annotated/);
      assert.equal(await jsonpath(['mcl', c], '{.metadata.annotations.example\\.com/note}'), 'hello world');
      await ok(['annotate', 'mcl', c, 'example.com/note-']);
      assert.equal(await jsonpath(['mcl', c], '{.metadata.annotations.example\\.com/note}'), '');
    });

    test('get -w prints a row for a change made by another command', async () => {
      const watch = watchKubectl(kubectl, env, ['get', 'managedclusters', '-w']);
      const initial = await watch.linesReady(1 + CLUSTERS);
      assert.equal(initial.length, 1 + CLUSTERS, `initial listing: ${JSON.stringify(initial)}`);
      await ok(['label', 'mcl', clusterName(3), 'watched=yes']);
      const seen = await watch.until((lines) => lines.slice(1 + CLUSTERS).some((l) => l.startsWith(`${clusterName(3)} `)));
      assert.ok(seen.matched, `no event row for ${clusterName(3)}: ${JSON.stringify(seen)}`);
      assert.equal(seen.exitedEarly, undefined, `kubectl ended by itself: ${seen.stderr}`);
      assert.equal(seen.lines.filter((l) => l.startsWith('NAME')).length, 1, `events are Table rows, not a second header: ${JSON.stringify(seen.lines)}`);

      // A namespaced resource, with the event types printed.
      const watching = sandbox.openWatches();
      const ibguWatch = watchKubectl(kubectl, env, ['get', 'ibgu', '-n', NS, '-w', '--output-watch-events']);
      // Created once kubectl's watch is open, so the row comes through the watch.
      await waitFor('kubectl get -w to open its watch', () => sandbox.openWatches() > watching);
      await createIbgu('watched');
      const created = await ibguWatch.until((lines) => lines.some((l) => /^ADDED\s+watched\s/.test(l)));
      assert.ok(created.matched, `no ADDED event: ${JSON.stringify(created)}`);
    });

    test('apply (client-side): created, unchanged, configured; built-ins too', async () => {
      const example = path.join(repoRoot(), 'examples', 'ibgu', 'wave1-one-step.yaml');
      assert.match((await ok(['apply', '-f', example])).stdout, new RegExp(`^${IBGU}/sno-4\\.18-wave1 created`, 'm'));
      assert.match((await ok(['apply', '-f', example])).stdout, new RegExp(`^${IBGU}/sno-4\\.18-wave1 unchanged`, 'm'));
      const lastApplied = await jsonpath(['ibgu', 'sno-4.18-wave1', '-n', NS], '{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}');
      assert.equal(JSON.parse(lastApplied).metadata.name, 'sno-4.18-wave1');
      const generation = Number(await jsonpath(['ibgu', 'sno-4.18-wave1', '-n', NS], '{.metadata.generation}'));

      // The example's plan cannot grow ([Prep, Upgrade, FinalizeUpgrade] is complete): a label change.
      const labeled = readFileSync(example, 'utf8').replace('  namespace: ztp-upgrades\n', '  namespace: ztp-upgrades\n  labels:\n    wave: "1"\n');
      assert.match((await ok(['apply', '-f', '-'], { stdin: labeled })).stdout, /sno-4\.18-wave1 configured/);
      assert.equal(await jsonpath(['ibgu', 'sno-4.18-wave1', '-n', NS], '{.metadata.labels.wave}'), '1');
      assert.equal(Number(await jsonpath(['ibgu', 'sno-4.18-wave1', '-n', NS], '{.metadata.generation}')), generation, 'metadata changes keep generation');
      // A spec change (a step appended) bumps it; changing an existing step is refused, as on a real hub.
      await createIbgu('growing');
      assert.match((await ok(['apply', '-f', '-'], { stdin: ibguManifest('growing', withUpgrade) })).stdout, /growing configured/);
      assert.equal(await jsonpath(['ibgu', 'growing', '-n', NS], '{.spec.plan[*].actions[0]}'), 'Prep Upgrade');
      assert.equal(await jsonpath(['ibgu', 'growing', '-n', NS], '{.metadata.generation}'), '2', 'a spec change bumps generation');
      const edited = await fails(['apply', '-f', '-'], { stdin: ibguManifest('growing', (o) => o.spec.plan.push({ ...upgradeStep, rolloutStrategy: { maxConcurrency: 1, timeout: 480 } })) });
      assert.match(edited.stderr, /plan is append only|invalid combinations of actions/);

      // A ConfigMap: a re-apply of a built-in is a strategic merge patch.
      const cm = (value: string) => stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied-cm', namespace: NS }, data: { key: value } });
      assert.match((await ok(['apply', '-f', '-'], { stdin: cm('one') })).stdout, /configmap\/applied-cm created/);
      assert.match((await ok(['apply', '-f', '-'], { stdin: cm('two') })).stdout, /configmap\/applied-cm configured/);
      assert.equal(await jsonpath(['cm', 'applied-cm', '-n', NS], '{.data.key}'), 'two');
    });

    test('apply --server-side: create, then update', async () => {
      const manifest = ibguManifest('server-side');
      assert.match((await ok(['apply', '--server-side', '-f', '-'], { stdin: manifest })).stdout, /server-side serverside-applied/);
      const updated = ibguManifest('server-side', withUpgrade);
      assert.match((await ok(['apply', '--server-side', '-f', '-'], { stdin: updated })).stdout, /server-side serverside-applied/);
      assert.equal(await jsonpath(['ibgu', 'server-side', '-n', NS], '{.spec.plan[1].actions[0]}'), 'Upgrade');
      const managers = await jsonpath(['ibgu', 'server-side', '-n', NS, '--show-managed-fields'], '{.metadata.managedFields[*].manager}');
      assert.match(managers, /\bkubectl\b/, 'the apply is recorded in managedFields');
    });

    test('patch: merge, json with a test op, status subresource; strategic on a CR is refused', async () => {
      await createIbgu('patched');
      const ibgu = ['ibgu', 'patched', '-n', NS];
      assert.match((await ok(['patch', ...ibgu, '--type', 'merge', '-p', '{"metadata":{"labels":{"patched":"merge"}}}'])).stdout, /patched/);
      assert.equal(await jsonpath(ibgu, '{.metadata.labels.patched}'), 'merge');
      const immutable = await fails(['patch', ...ibgu, '--type', 'merge', '-p', '{"spec":{"ibuSpec":{"seedImageRef":{"version":"4.18.10"}}}}']);
      assert.match(immutable.stderr, /is invalid: spec\.ibuSpec: .*ibuSpec is immutable/);
      assert.equal(await jsonpath(ibgu, '{.spec.ibuSpec.seedImageRef.version}'), '4.18.9');

      const jsonPatch = (expected: string) =>
        JSON.stringify([
          { op: 'test', path: '/spec/plan/0/actions/0', value: expected },
          { op: 'add', path: '/spec/plan/-', value: upgradeStep },
        ]);
      await fails(['patch', ...ibgu, '--type', 'json', '-p', jsonPatch('Upgrade')]);
      assert.equal(await jsonpath(ibgu, '{.spec.plan[*].actions[0]}'), 'Prep', 'a failed test op applies nothing');
      await ok(['patch', ...ibgu, '--type', 'json', '-p', jsonPatch('Prep')]);
      assert.equal(await jsonpath(ibgu, '{.spec.plan[*].actions[0]}'), 'Prep Upgrade');

      // .status through the main resource is ignored; through /status it is written, and generation stays.
      const generation = await jsonpath(ibgu, '{.metadata.generation}');
      const ignored = await ok(['patch', ...ibgu, '--type', 'merge', '-p', readyCondition('Ignored', 'Ignored')]);
      assert.match(ignored.stdout, /patched \(no change\)/);
      assert.match((await ok(['patch', ...ibgu, '--subresource=status', '--type', 'merge', '-p', readyCondition('Progressing', 'InProgress')])).stdout, /patched/);
      assert.equal(await jsonpath(ibgu, '{.status.conditions[*].type}'), 'Progressing');
      assert.equal(await jsonpath(ibgu, '{.metadata.generation}'), generation);

      // kubectl's default patch type; kubectl rewords the 415 Status as "… is not supported by …".
      const strategic = await fails(['patch', ...ibgu, '-p', '{"metadata":{"labels":{"a":"b"}}}']);
      assert.match(strategic.stderr, /strategic-merge-patch\+json is not supported by lcm\.openshift\.io\/v1alpha1, Kind=ImageBasedGroupUpgrade/);
      assert.match(strategic.stderr, /accepted media types include: .*application\/merge-patch\+json/);
      const refused = sandbox.requests().filter((e) => e.method === 'PATCH' && e.path.endsWith('/imagebasedgroupupgrades/patched') && /strategic/.test(e.contentType ?? ''));
      assert.deepEqual(refused.map((e) => e.status), [415]);
    });

    test('replace: a stale resourceVersion is a 409 conflict, a fresh one succeeds', async () => {
      await createIbgu('replaced');
      const ibgu = ['ibgu', 'replaced', '-n', NS];
      const stale = (await ok(['get', ...ibgu, '-o', 'json'])).stdout;
      await ok(['annotate', ...ibgu, 'example.com/bump=1']);
      const conflict = await fails(['replace', '-f', '-'], { stdin: stale });
      assert.match(conflict.stderr, /Conflict|the object has been modified/);
      const fresh = JSON.parse((await ok(['get', ...ibgu, '-o', 'json'])).stdout);
      fresh.metadata.labels = { ...fresh.metadata.labels, replaced: 'yes' };
      assert.match((await ok(['replace', '-f', '-'], { stdin: JSON.stringify(fresh) })).stdout, /replaced/);
      assert.equal(await jsonpath(ibgu, '{.metadata.labels.replaced}'), 'yes');
    });

    test('wait: --for=condition and --for=jsonpath after a status patch, and a timeout', async () => {
      await createIbgu('waited');
      const ibgu = ['ibgu', 'waited', '-n', NS];
      // Started before the condition holds: kubectl must see it arrive through its watch.
      const watching = sandbox.openWatches();
      const waiting = run(['wait', ...ibgu, '--for=condition=Progressing', '--timeout=30s']);
      await waitFor('kubectl wait to open its watch', () => sandbox.openWatches() > watching);
      await ok(['patch', ...ibgu, '--subresource=status', '--type', 'merge', '-p', readyCondition('Progressing', 'InProgress')]);
      const waited = await waiting;
      assert.equal(waited.code, 0, describeRun(['wait', '(background)'], waited));
      assert.match(waited.stdout, /condition met/);

      // Already true: returns at once.
      assert.match((await ok(['wait', ...ibgu, '--for=condition=Progressing', '--timeout=20s'])).stdout, /condition met/);
      assert.match((await ok(['wait', ...ibgu, '--for=jsonpath={.status.conditions[0].reason}=InProgress', '--timeout=20s'])).stdout, /condition met/);

      const started = Date.now();
      const timeout = await fails(['wait', ...ibgu, '--for=condition=Completed', '--timeout=2s'], { timeoutMs: 20_000 });
      assert.match(timeout.stderr, /timed out waiting for the condition/);
      assert.ok(Date.now() - started < 15_000, `wait --timeout=2s took ${Date.now() - started} ms`);
    });

    test('delete, then NotFound', async () => {
      await createIbgu('deleted');
      const ibgu = ['ibgu', 'deleted', '-n', NS];
      assert.match((await ok(['delete', ...ibgu])).stdout, new RegExp(`${IBGU.replace(/\./g, '\\.')} "deleted" deleted`));
      const gone = await fails(['get', ...ibgu]);
      assert.match(gone.stderr, /Error from server \(NotFound\): imagebasedgroupupgrades\.lcm\.openshift\.io "deleted" not found/);
      const again = await fails(['delete', ...ibgu]);
      assert.match(again.stderr, /NotFound/);
      assert.match((await ok(['delete', ...ibgu, '--ignore-not-found'])).stdout, /^$/);
    });
  });
}

forEachKubectl('kubectl against the sandbox hub', kubectlSuite);
