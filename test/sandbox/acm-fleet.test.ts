/**
 * The `fleet: acm` scenario: what an ACM hub keeps per cluster, read back with the pinned kubectl binaries
 * (names, counts, shapes and status as upstream ACM, the governance propagator and ZTP leave them; the expected
 * values are written here from those sources, not computed with src/), and TALM's simulated rollout on such a
 * hub: the ManifestWorks TALM creates carry its label, and nothing of the ACM content is taken for TALM's or
 * touched by the simulated work agent.
 *
 * Without kubectl the kubectl suite is skipped with the reason; with CI=true it fails instead.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { hubContents, parseScenario, startSandbox, type KubeObject, type Sandbox } from '../../src/sandbox';
import { forEachKubectl, runKubectl, type Kubectl, type KubectlEnv } from '../helpers/kubectl';
import { waitFor } from '../helpers/wait';

const TALM_LABEL = 'openshift-cluster-group-upgrades/clusterGroupUpgrade';
const ADDONS = ['application-manager', 'cert-policy-controller', 'cluster-proxy', 'config-policy-controller', 'governance-policy-framework', 'managed-serviceaccount', 'search-collector', 'work-manager'];
const addonWorks = (cluster: string) => [...ADDONS.map((a) => `addon-${a}-deploy-0`), `${cluster}-klusterlet`, `${cluster}-klusterlet-crds`].sort();
/** Sites rotate east, west, central by cluster number (seed.ts's `sites` label); sno-0004 is in east. */
const policiesOf = (site: string) => ['ztp-common.common-config-policy', 'ztp-common.common-subscriptions-policy', 'ztp-group.group-du-sno-config-policy', 'ztp-group.group-du-sno-validator-du-policy', `ztp-site.site-${site}-config-policy`];

const FIVE = 'kind: SandboxScenario\nclusters: 5\nfleet: acm\n';

function acmSuite(kubectl: Kubectl): void {
  describe(`an ACM fleet read back with kubectl ${kubectl.version}`, { timeout: 120_000 }, () => {
    let home: string;
    let sandbox: Sandbox;
    let env: KubectlEnv;

    before(async () => {
      home = mkdtempSync(path.join(tmpdir(), 'ibgu-acm-fleet-'));
      sandbox = await startSandbox({ scenario: parseScenario(FIVE), kubeconfigPath: path.join(home, 'hub.kubeconfig') });
      env = { kubeconfig: sandbox.kubeconfigPath, home, cacheDir: path.join(home, 'cache') };
    });

    after(async () => {
      await sandbox?.stop();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    const ok = async (args: string[], stdin?: string) => {
      const r = await runKubectl(kubectl, env, args, stdin === undefined ? {} : { stdin });
      assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const json = async (...args: string[]) => JSON.parse(await ok(['get', ...args, '-o', 'json']));

    test('each cluster namespace holds the add-on and klusterlet ManifestWorks, none with TALM\'s label, applied and available', async () => {
      const list = await json('manifestworks', '-n', 'sno-0001');
      assert.deepEqual(list.items.map((w: KubeObject) => w.metadata.name).sort(), addonWorks('sno-0001'));
      for (const w of list.items) {
        assert.equal(w.metadata.labels?.[TALM_LABEL], undefined, w.metadata.name);
        const conditions = Object.fromEntries(w.status.conditions.map((c: KubeObject) => [c.type, c.status]));
        assert.deepEqual(conditions, { Applied: 'True', Available: 'True' }, w.metadata.name);
        assert.equal(w.status.resourceStatus.manifests.length, w.spec.workload.manifests.length, `${w.metadata.name}: one status per manifest`);
      }
      assert.match(await ok(['get', 'manifestworks', '-n', 'sno-0001', '-l', TALM_LABEL]), /^$/, 'no work of TALM\'s');
      const config = list.items.find((w: KubeObject) => w.metadata.name === 'addon-config-policy-controller-deploy-0');
      assert.equal(config.metadata.labels['open-cluster-management.io/addon-name'], 'config-policy-controller');
      assert.deepEqual(config.metadata.ownerReferences.map((o: KubeObject) => [o.kind, o.name]), [['ManagedClusterAddOn', 'config-policy-controller']]);
      const kinds = config.spec.workload.manifests.map((m: KubeObject) => m.kind);
      assert.deepEqual(config.spec.workload.manifests.filter((m: KubeObject) => m.kind === 'CustomResourceDefinition').map((m: KubeObject) => m.metadata.name), ['configurationpolicies.policy.open-cluster-management.io', 'operatorpolicies.policy.open-cluster-management.io']);
      assert.ok(kinds.includes('Deployment') && kinds.includes('ClusterRole') && kinds.includes('ServiceAccount'), kinds.join());
      const deployment = config.spec.workload.manifests.find((m: KubeObject) => m.kind === 'Deployment');
      assert.ok(deployment.spec.template.spec.containers[0].args.includes('--cluster-name=sno-0001'));
      // The chart of config-policy-controller is about 43.5 KB of JSON upstream; with status the work is more.
      const bytes = JSON.stringify(config).length;
      assert.ok(bytes > 43_000 && bytes < 90_000, `config-policy-controller's work is ${bytes} bytes`);
      const other = await json('manifestwork', 'addon-config-policy-controller-deploy-0', '-n', 'sno-0003');
      assert.ok(other.spec.workload.manifests.find((m: KubeObject) => m.kind === 'Deployment').spec.template.spec.containers[0].args.includes('--cluster-name=sno-0003'));
    });

    test('ManagedClusterAddOns: one per add-on per cluster, listed with their printer columns and short name', async () => {
      const table = (await ok(['get', 'managedclusteraddons', '-A'])).trim().split('\n');
      assert.match(table[0]!, /^NAMESPACE\s+NAME\s+AVAILABLE\s+DEGRADED\s+PROGRESSING$/);
      assert.equal(table.length - 1, 5 * ADDONS.length);
      assert.match(table.find((l) => l.startsWith('sno-0003') && / work-manager /.test(l))!, /^sno-0003\s+work-manager\s+True\s+False$/);
      assert.deepEqual((await ok(['get', 'mca', '-n', 'sno-0002', '-o', 'name'])).trim().split('\n'), ADDONS.map((a) => `managedclusteraddon.addon.open-cluster-management.io/${a}`));
      const addon = await json('managedclusteraddon', 'governance-policy-framework', '-n', 'sno-0002');
      assert.equal(addon.spec.installNamespace, 'open-cluster-management-agent-addon');
      assert.equal(addon.status.registrations[0].subject.user, 'system:open-cluster-management:cluster:sno-0002:addon:governance-policy-framework:agent:governance-policy-framework-agent');
    });

    test('policies are replicated into each cluster namespace with the propagator\'s labels; root policies list every cluster', async () => {
      const replicated = await json('policies', '-n', 'sno-0004');
      assert.deepEqual(replicated.items.map((p: KubeObject) => p.metadata.name).sort(), policiesOf('east'));
      for (const p of replicated.items) {
        assert.deepEqual([p.metadata.labels['policy.open-cluster-management.io/root-policy'], p.metadata.labels['policy.open-cluster-management.io/cluster-name'], p.metadata.labels['policy.open-cluster-management.io/cluster-namespace']], [p.metadata.name, 'sno-0004', 'sno-0004']);
        assert.equal(p.status.compliant, 'Compliant');
      }
      assert.deepEqual((await json('policies', '-n', 'sno-0002')).items.map((p: KubeObject) => p.metadata.name).sort(), policiesOf('west'));
      const table = (await ok(['get', 'plc', '-n', 'ztp-common'])).trim().split('\n');
      assert.match(table[0]!, /^NAME\s+REMEDIATION ACTION\s+COMPLIANCE STATE\s+AGE$/);
      assert.match(table[1]!, /^common-config-policy\s+inform\s+Compliant\s/);
      const root = await json('policy', 'common-config-policy', '-n', 'ztp-common');
      assert.deepEqual(root.status.status.map((s: KubeObject) => s.clustername), ['sno-0001', 'sno-0002', 'sno-0003', 'sno-0004', 'sno-0005']);
    });

    test('ZTP\'s day-0 CGUs: one per cluster in ztp-install, policies by wave, completed, owned by the ManagedCluster and by no IBGU', async () => {
      const cgus = (await json('cgu', '-n', 'ztp-install')).items;
      assert.deepEqual(cgus.map((c: KubeObject) => c.metadata.name), ['sno-0001', 'sno-0002', 'sno-0003', 'sno-0004', 'sno-0005']);
      const c = cgus[3];
      assert.deepEqual(c.spec.clusters, ['sno-0004']);
      assert.deepEqual(c.spec.managedPolicies, ['common-config-policy', 'common-subscriptions-policy', 'group-du-sno-config-policy', 'site-east-config-policy']);
      assert.equal(c.spec.remediationStrategy.maxConcurrency, 1);
      assert.deepEqual(c.spec.actions.afterCompletion.addClusterLabels, { 'ztp-done': '' });
      assert.deepEqual(c.metadata.ownerReferences.map((o: KubeObject) => [o.kind, o.name]), [['ManagedCluster', 'sno-0004']]);
      assert.equal(c.metadata.labels?.ibgu, undefined);
      assert.equal(c.status.conditions.find((x: KubeObject) => x.type === 'Succeeded').status, 'True');
    });

    test('ManagedClusters carry the status ACM writes: claims, version, capacity, allocatable, conditions', async () => {
      const mc = await json('managedcluster', 'sno-0003');
      const claims = Object.fromEntries(mc.status.clusterClaims.map((c: KubeObject) => [c.name, c.value]));
      assert.equal(claims['version.openshift.io'], '4.16.15');
      assert.equal(claims['controlplanetopology.openshift.io'], 'SingleReplica');
      assert.equal(claims['product.open-cluster-management.io'], 'OpenShift');
      assert.match(mc.status.version.kubernetes, /^v1\.\d+\.\d+/);
      assert.ok(mc.status.capacity.cpu && mc.status.allocatable.memory);
      assert.equal(mc.status.conditions.find((x: KubeObject) => x.type === 'ManagedClusterConditionAvailable').status, 'True');
      assert.equal(mc.metadata.labels['ztp-done'], '');
      const version = await ok(['get', 'managedcluster', 'sno-0001', '-o', 'jsonpath={.status.clusterClaims[?(@.name=="version.openshift.io")].value}']);
      assert.equal(version, '4.16.12');
    });

    test('client writes of the new kinds are validated against their schema', async () => {
      const bad = 'apiVersion: policy.open-cluster-management.io/v1\nkind: Policy\nmetadata: {name: try, namespace: ztp-common}\nspec: {disabled: false, remediationAction: sometimes}\n';
      const r = await runKubectl(kubectl, env, ['apply', '-f', '-'], { stdin: bad });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /spec\.remediationAction: Unsupported value: "sometimes"/);
    });
  });
}

forEachKubectl('an ACM fleet read back with kubectl', acmSuite);

describe('TALM on an ACM fleet', { timeout: 120_000 }, () => {
  const started: Sandbox[] = [];
  after(async () => {
    await Promise.all(started.map((s) => s.stop()));
  });

  test('an IBGU rollout completes; only TALM\'s works carry its label; the ACM content is left as it was', async () => {
    const s = await startSandbox({ scenario: parseScenario(FIVE), timeScale: 0.01 });
    started.push(s);
    const kind = (k: string) => s.store.types.kind(k);
    const versions = (k: string) => new Map(s.store.list(kind(k)).map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o.metadata.resourceVersion]));
    const before = { works: versions('ManifestWork'), addons: versions('ManagedClusterAddOn'), policies: versions('Policy'), cgus: versions('ClusterGroupUpgrade') };
    assert.equal(before.works.size, 50);
    const added: KubeObject[] = [];
    const touched = new Set<string>();
    s.store.subscribe((e) => {
      const k = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
      if (e.resource.kind === 'ManifestWork' && e.type === 'ADDED') added.push(e.object);
      if (['ManifestWork', 'ManagedClusterAddOn', 'Policy', 'ClusterGroupUpgrade'].includes(e.resource.kind) && (before.works.has(k) || before.addons.has(k) || before.policies.has(k) || before.cgus.has(k))) touched.add(`${e.resource.kind} ${k} ${e.type}`);
    });
    s.store.create(kind('ImageBasedGroupUpgrade'), 'ztp-upgrades', {
      metadata: { name: 'up', namespace: 'ztp-upgrades' },
      spec: {
        clusterLabelSelectors: [{ matchLabels: { common: 'true' } }],
        ibuSpec: { seedImageRef: { image: 'registry.hub.example.com:8443/ibu/seed:4.18.9', version: '4.18.9', pullSecretRef: { name: 'seed-pull-secret' } } },
        plan: [{ actions: ['Prep'], rolloutStrategy: { maxConcurrency: 5, timeout: 240 } }, { actions: ['Upgrade'], rolloutStrategy: { maxConcurrency: 5, timeout: 240 } }, { actions: ['FinalizeUpgrade'], rolloutStrategy: { maxConcurrency: 5, timeout: 60 } }],
      },
    });
    const done = await waitFor('the IBGU to finish', () => {
      const o = s.store.get(kind('ImageBasedGroupUpgrade'), 'ztp-upgrades', 'up');
      return o?.status?.conditions?.find((c: KubeObject) => c.type === 'Progressing')?.status === 'False' && o;
    }, 60_000);
    assert.deepEqual(done.status.conditions.map((c: KubeObject) => c.reason), ['Completed']);
    for (const c of done.status.clusters) assert.deepEqual(c.completedActions, [{ action: 'Prep' }, { action: 'Upgrade' }, { action: 'FinalizeUpgrade' }], c.name);
    assert.equal(done.status.clusters.length, 5);

    assert.equal(added.length, 15, 'three steps, five clusters: one work per cluster and step');
    for (const w of added) assert.match(w.metadata.labels?.[TALM_LABEL] ?? '', /^up-(prep|upgrade|finalizeupgrade)-\d$/, w.metadata.name);
    assert.deepEqual([...touched], [], 'no add-on work, ManagedClusterAddOn, policy or ZTP CGU was written');
    assert.deepEqual(versions('ManifestWork'), before.works, 'TALM\'s works are gone, the ACM works are as they were');
    assert.deepEqual(s.store.list(kind('ClusterGroupUpgrade'), 'ztp-upgrades').map((c) => c.metadata.name).sort(), ['up-finalizeupgrade-2', 'up-prep-0', 'up-upgrade-1']);
    const contents = hubContents(s.store);
    assert.equal(contents.objects.ClusterGroupUpgrade, 5 + 3);
    assert.equal(contents.objects.ManagedClusterAddOn, 40);
    assert.ok(contents.manifestWorkBytes > 5 * 200_000, `${contents.manifestWorkBytes} bytes of ManifestWorks for 5 clusters`);
  });
});
