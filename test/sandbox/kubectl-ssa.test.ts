/**
 * Server-side apply and metadata as the pinned kubectl versions see them against the sandbox. What
 * kube-apiserver answers for the same commands, from its source:
 * - a conflict: 409 with `Apply failed with 1 conflict: conflict with "alice": .data.owner`
 *   (k8s.io/apimachinery pkg/util/managedfields/internal/conflict.go getConflictMessage), which kubectl prints
 *   after `error: ` with its own advice about --force-conflicts (kubectl pkg/cmd/apply/apply.go);
 * - managedFields: one Apply entry per manager with the leaves it applied (structured-merge-diff
 *   typed/tofieldset.go), an Update entry with the maps it created ("."), sorted Apply first
 *   (internal/managedfields.go sortEncodedManagedFields);
 * - a field the manager applied before and omits now is removed (merge/update.go prune);
 * - `kubectl label x a-` of the last label leaves no `labels: {}` (ObjectMeta's `labels,omitempty`);
 * - a server-side apply of a ConfigMap over 1 MiB of data: 422 from ValidateConfigMap, as for a create.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { forEachKubectl, runKubectl, type Kubectl, type KubectlEnv, type KubectlResult } from '../helpers/kubectl';

const NS = 'default';


function suite(kubectl: Kubectl): void {
  describe(`kubectl ${kubectl.version}: server-side apply and field ownership`, { timeout: 3 * 60_000 }, () => {
    let sandbox: Sandbox;
    let home: string;
    let env: KubectlEnv;
    const run = (args: string[], stdin?: string): Promise<KubectlResult> => runKubectl(kubectl, env, args, stdin === undefined ? {} : { stdin });
    const ok = async (args: string[], stdin?: string) => {
      const r = await run(args, stdin);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r;
    };
    const yamlOf = async (kind: string, name: string) => parse((await ok(['get', kind, name, '-n', NS, '-o', 'yaml', '--show-managed-fields'])).stdout);
    const entries = (obj: any) => (obj.metadata.managedFields ?? []).map((e: any) => ({ manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, fieldsV1: e.fieldsV1, timed: typeof e.time === 'string' }));
    const configMap = (name: string, data: Record<string, string>, extra: object = {}) => stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, ...extra }, data });

    before(async () => {
      sandbox = await startSandbox({ port: 0, clusters: 1, controllers: false });
      home = mkdtempSync(path.join(tmpdir(), 'ibgu-kubectl-ssa-'));
      env = { kubeconfig: sandbox.kubeconfigPath, home, cacheDir: path.join(home, 'cache') };
    });

    after(async () => {
      await sandbox?.stop();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    test('two field managers: a conflict as kubectl prints it, --force-conflicts takes over, managedFields per manager', async () => {
      const applyAs = (manager: string, data: Record<string, string>, ...flags: string[]) => run(['apply', '--server-side', `--field-manager=${manager}`, ...flags, '-f', '-'], configMap('owned', data));
      assert.match((await applyAs('alice', { owner: 'alice', shared: 'x' })).stdout, /^configmap\/owned serverside-applied/m);

      const refused = await applyAs('bob', { owner: 'bob' });
      assert.notEqual(refused.code, 0);
      const lines = refused.stderr.trim().split('\n');
      assert.equal(lines[0], 'error: Apply failed with 1 conflict: conflict with "alice": .data.owner');
      assert.match(refused.stderr, /--force-conflicts/);
      assert.equal((await yamlOf('cm', 'owned')).data.owner, 'alice', 'a refused apply changes nothing');

      assert.match((await applyAs('bob', { owner: 'bob' }, '--force-conflicts')).stdout, /serverside-applied/);
      const taken = await yamlOf('cm', 'owned');
      assert.deepEqual(taken.data, { owner: 'bob', shared: 'x' });
      assert.deepEqual(entries(taken), [
        { manager: 'alice', operation: 'Apply', apiVersion: 'v1', fieldsV1: { 'f:data': { 'f:shared': {} } }, timed: true },
        { manager: 'bob', operation: 'Apply', apiVersion: 'v1', fieldsV1: { 'f:data': { 'f:owner': {} } }, timed: true },
      ]);

      // alice no longer applies `shared`, which nobody else owns: it is removed; bob's field stays.
      await applyAs('alice', { note: 'only this' });
      const pruned = await yamlOf('cm', 'owned');
      assert.deepEqual(pruned.data, { owner: 'bob', note: 'only this' });
      // (Entries sort by time, to the second: alice's new apply may come after bob's.)
      const byManager = entries(pruned).map((e: any) => [e.manager, e.fieldsV1]).sort();
      assert.deepEqual(byManager, [['alice', { 'f:data': { 'f:note': {} } }], ['bob', { 'f:data': { 'f:owner': {} } }]]);
    });

    test('client-side apply, then server-side apply of a changed value: no conflict, kubectl ends up owning the field', async () => {
      assert.match((await ok(['apply', '-f', '-'], configMap('migrated', { a: '1' }))).stdout, /configmap\/migrated created/);
      const created = await yamlOf('cm', 'migrated');
      assert.deepEqual(entries(created), [{
        manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', timed: true,
        fieldsV1: { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} } } },
      }]);
      assert.match((await ok(['apply', '--server-side', '-f', '-'], configMap('migrated', { a: '2' }))).stdout, /serverside-applied/);
      const applied = await yamlOf('cm', 'migrated');
      assert.equal(applied.data.a, '2');
      const kubectlEntry = applied.metadata.managedFields.find((e: any) => e.manager === 'kubectl');
      assert.equal(kubectlEntry.operation, 'Apply');
      assert.deepEqual(kubectlEntry.fieldsV1['f:data'], { 'f:a': {} });
      for (const e of applied.metadata.managedFields.filter((x: any) => x.manager !== 'kubectl')) assert.equal(e.fieldsV1['f:data']?.['f:a'], undefined, `${e.manager} no longer owns data.a`);
    });

    test('an IBGU applied server-side: the plan is one atomic field, a label removed from the manifest goes', async () => {
      const ibgu = (labels: Record<string, string> | undefined) => stringify({
        apiVersion: 'lcm.openshift.io/v1alpha1', kind: 'ImageBasedGroupUpgrade', metadata: { name: 'ssa-ibgu', namespace: NS, ...(labels ? { labels } : {}) },
        spec: {
          ibuSpec: { seedImageRef: { image: 'quay.io/seed:4.18.9', version: '4.18.9' }, oadpContent: [{ name: 'oadp-cm', namespace: 'openshift-adp' }] },
          clusterLabelSelectors: [{ matchLabels: { 'group-du-sno': '' } }],
          plan: [{ actions: ['Prep'], rolloutStrategy: { maxConcurrency: 2, timeout: 240 } }],
        },
      });
      await ok(['apply', '--server-side', '-f', '-'], ibgu({ wave: '1', team: 'ran' }));
      const first = await yamlOf('ibgu', 'ssa-ibgu');
      const fields = first.metadata.managedFields.find((e: any) => e.manager === 'kubectl').fieldsV1;
      assert.deepEqual(fields['f:spec']['f:plan'], {}, 'an atomic list is owned as one field');
      assert.deepEqual(fields['f:metadata'], { 'f:labels': { 'f:team': {}, 'f:wave': {} } });
      await ok(['apply', '--server-side', '-f', '-'], ibgu({ wave: '1' }));
      assert.deepEqual((await yamlOf('ibgu', 'ssa-ibgu')).metadata.labels, { wave: '1' });
      await ok(['apply', '--server-side', '-f', '-'], ibgu(undefined));
      assert.equal('labels' in (await yamlOf('ibgu', 'ssa-ibgu')).metadata, false, 'no labels: {} left behind');
    });

    test('kubectl label x a- of the last label leaves no labels: {}, on a ConfigMap and on a custom resource', async () => {
      await ok(['apply', '--server-side', '--field-manager=creator', '-f', '-'], configMap('labelled', { k: 'v' }, { labels: { a: 'b' } }));
      await ok(['label', 'cm', 'labelled', '-n', NS, 'a-']);
      const cm = await yamlOf('cm', 'labelled');
      assert.equal('labels' in cm.metadata, false, stringify(cm.metadata));
      await ok(['label', 'managedcluster', 'sno-0001', 'extra=1']);
      const before = parse((await ok(['get', 'managedcluster', 'sno-0001', '-o', 'yaml', '--show-managed-fields'])).stdout);
      // kubectl names its manager (fieldManager=kubectl-label); the entry owns the label it added, nothing more.
      const labeller = before.metadata.managedFields.find((e: any) => e.manager === 'kubectl-label');
      assert.deepEqual([labeller.operation, labeller.fieldsV1], ['Update', { 'f:metadata': { 'f:labels': { 'f:extra': {} } } }]);
      await ok(['annotate', 'managedcluster', 'sno-0001', 'note=x']);
      await ok(['annotate', 'managedcluster', 'sno-0001', 'note-']);
      const mc = parse((await ok(['get', 'managedcluster', 'sno-0001', '-o', 'yaml'])).stdout);
      assert.equal('annotations' in mc.metadata, 'annotations' in before.metadata, 'no annotations: {} left behind');
    });

    test('a ConfigMap over 1 MiB applied server-side is refused as for a create', async () => {
      const big = configMap('too-big', { f: 'a'.repeat(1024 * 1024 + 1) });
      const r = await run(['apply', '--server-side', '-f', '-'], big);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr.trim(), /The ConfigMap "too-big" is invalid: \[\]: Too long: may not be more than 1048576 bytes$/);
      assert.equal((await run(['get', 'cm', 'too-big', '-n', NS])).code, 1);
    });

    test('past etcd\'s 1.5 MiB only with its managedFields: a create is stored without them, a server-side apply is refused', async () => {
      // About 1.45 MB as JSON; the create's managedFields (one entry per key) would add about 0.7 MB.
      const data = Object.fromEntries(Array.from({ length: 14_000 }, (_, i) => [`key-${String(i).padStart(36, '0')}`, 'v'.repeat(60)]));
      const manifest = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data });
      const applied = await run(['apply', '--server-side', '-f', '-'], manifest('etcd-applied'));
      assert.notEqual(applied.code, 0);
      // A 500 with no reason: kubectl prints the Status message after "Error from server: ".
      assert.equal(applied.stderr.trim(), 'Error from server: etcdserver: request is too large');
      assert.equal((await run(['get', 'cm', 'etcd-applied', '-n', NS])).code, 1);
      await ok(['create', '-f', '-'], manifest('etcd-created'));
      const created = JSON.parse((await ok(['get', 'cm', 'etcd-created', '-n', NS, '-o', 'json', '--show-managed-fields'])).stdout);
      assert.equal(Object.keys(created.data).length, 14_000);
      assert.equal(created.metadata.managedFields, undefined, 'stored without managedFields, as create.go retries');
    });
  });
}

forEachKubectl('kubectl server-side apply against the sandbox hub', suite);
