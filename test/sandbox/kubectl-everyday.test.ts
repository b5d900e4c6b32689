/**
 * Everyday kubectl commands against the sandbox hub, each result as kube-apiserver gives it, with both pinned
 * kubectl versions: generateName (the API server's own alphabet and length rule), field selectors (supported
 * and refused), chunked lists, diff exit codes, and wait --for=delete. The wording and codes come from
 * Kubernetes' source, cited where the sandbox implements them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseScenario, startSandbox, type Sandbox } from '../../src/sandbox';
import { repoRoot } from '../helpers/fixtures';
import { waitFor } from '../helpers/wait';
import { forEachKubectl, runKubectl, type Kubectl, type KubectlEnv } from '../helpers/kubectl';

/** k8s.io/apimachinery/pkg/util/rand: no vowels, no 0, 1 or 3. */
const GENERATED_SUFFIX = /^[bcdfghjklmnpqrstvwxz2456789]{5}$/;

forEachKubectl('everyday kubectl against the sandbox hub', (kubectl: Kubectl) => {
  describe(`everyday kubectl ${kubectl.version} against the sandbox hub`, { timeout: 3 * 60_000 }, () => {
    let sandbox: Sandbox;
    let home: string;
    let env: KubectlEnv;
    const run = (args: string[], options: { stdin?: string; timeoutMs?: number } = {}) => runKubectl(kubectl, env, args, options);
    const ok = async (args: string[], options: { stdin?: string; timeoutMs?: number } = {}) => {
      const r = await run(args, options);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const file = (name: string, text: string) => {
      const f = path.join(home, name);
      writeFileSync(f, text);
      return f;
    };

    before(async () => {
      const scenario = parseScenario(readFileSync(path.join(repoRoot(), 'examples', 'sandbox', 'failures.yaml'), 'utf8'));
      sandbox = await startSandbox({ port: 0, scenario, controllers: false });
      home = mkdtempSync(path.join(tmpdir(), 'ibgu-kubectl-everyday-'));
      env = { kubeconfig: sandbox.kubeconfigPath, home, cacheDir: path.join(home, 'cache') };
    });

    after(async () => {
      await sandbox?.stop();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    test('generateName: the base and five characters of the API server\'s alphabet; a base over 58 characters is cut; a server dry run stores nothing', async () => {
      const short = file('gen.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: gen-\n  namespace: default\ndata:\n  a: b\n');
      const names = new Set<string>();
      for (let i = 0; i < 6; i++) names.add((await ok(['create', '-f', short, '-o', 'jsonpath={.metadata.name}'])).trim());
      assert.equal(names.size, 6);
      for (const name of names) {
        assert.ok(name.startsWith('gen-'), name);
        assert.match(name.slice(4), GENERATED_SUFFIX, name);
      }
      const base = `${'x'.repeat(60)}-`;
      const long = file('gen-long.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: ${base}\n  namespace: default\n`);
      const longName = (await ok(['create', '-f', long, '-o', 'jsonpath={.metadata.name}'])).trim();
      assert.equal(longName.length, 63);
      assert.equal(longName.slice(0, 58), base.slice(0, 58));
      assert.match(longName.slice(58), GENERATED_SUFFIX);
      const before = (await ok(['get', 'configmaps', '-n', 'default', '-o', 'name'])).trim().split('\n').length;
      const dry = (await ok(['create', '-f', short, '--dry-run=server', '-o', 'jsonpath={.metadata.name}'])).trim();
      assert.match(dry.slice(4), GENERATED_SUFFIX, 'a server dry run names the object too');
      assert.equal((await ok(['get', 'configmaps', '-n', 'default', '-o', 'name'])).trim().split('\n').length, before);
    });

    test('field selectors: metadata.name = and !=, metadata.namespace across namespaces; an unknown field is a 400 naming it', async () => {
      assert.equal((await ok(['get', 'managedclusters', '--field-selector', 'metadata.name=sno-0002', '-o', 'name'])).trim(), 'managedcluster.cluster.open-cluster-management.io/sno-0002');
      const others = (await ok(['get', 'managedclusters', '--field-selector', 'metadata.name!=sno-0002', '-o', 'name'])).trim().split('\n');
      assert.equal(others.length, 11);
      assert.ok(!others.some((n) => n.endsWith('/sno-0002')));
      await ok(['apply', '-f', file('selected.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: everyday-selected\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: only-here\n  namespace: everyday-selected\n')]);
      assert.equal((await ok(['get', 'configmaps', '-A', '--field-selector', 'metadata.namespace=everyday-selected', '-o', 'name'])).trim(), 'configmap/only-here');
      const refused = await run(['get', 'managedclusters', '--field-selector', 'spec.foo=x']);
      assert.equal(refused.code, 1);
      // k8s.io/apiserver/pkg/registry/generic/registry/store.go ListPredicate wraps the selector's error so.
      assert.match(refused.stderr, /Error from server \(BadRequest\): Unable to find "cluster\.open-cluster-management\.io\/v1, Resource=managedclusters" that match label selector "", field selector "spec\.foo=x": field label not supported: spec\.foo/);
    });

    test('chunked lists: --chunk-size pages through every object with continue tokens', async () => {
      const mark = sandbox.requestCount();
      const names = (await ok(['get', 'managedclusters', '--chunk-size=5', '-o', 'name'])).trim().split('\n');
      assert.equal(names.length, 12);
      assert.equal(new Set(names).size, 12);
      const lists = sandbox.requests(mark).filter((r) => r.path === '/apis/cluster.open-cluster-management.io/v1/managedclusters' && r.method === 'GET');
      assert.equal(lists.length, 3, JSON.stringify(lists));
      assert.deepEqual(lists.map((r) => r.query.includes('continue')), [false, true, true]);
      assert.ok(lists.every((r) => r.query.includes('limit')));
    });

    test('diff: 0 when the file is what is stored, 1 with a change, above 1 with the CEL refusal of an edited step; a label added by another command is not a difference', async () => {
      const ibgu = path.join(repoRoot(), 'examples', 'ibgu', 'wave2-manual.yaml');
      const fresh = await run(['diff', '-f', ibgu]);
      assert.equal(fresh.code, 1, 'a new object is a difference');
      assert.match(fresh.stdout, /\+\s+name: sno-4\.18-wave2/);
      await ok(['apply', '-f', ibgu]);
      assert.equal((await run(['diff', '-f', ibgu])).code, 0);
      await ok(['label', 'imagebasedgroupupgrades.lcm.openshift.io', 'sno-4.18-wave2', '-n', 'ztp-upgrades', 'seen-by=someone']);
      assert.equal((await run(['diff', '-f', ibgu])).code, 0);
      const labelled = file('wave2-labelled.yaml', readFileSync(ibgu, 'utf8').replace(/^  namespace: ztp-upgrades$/m, '  namespace: ztp-upgrades\n  labels:\n    team: ran'));
      const diff = await run(['diff', '-f', labelled]);
      assert.equal(diff.code, 1, diff.stderr);
      assert.match(diff.stdout, /^\+\s+team: ran$/m);
      // The dry run behind diff goes through admission: an edited step is the CRD's CEL refusal, exit status above 1.
      const edited = await run(['diff', '-f', file('wave2-edited.yaml', readFileSync(ibgu, 'utf8').replace(/timeout: (\d+)/, 'timeout: 7'))]);
      assert.ok((edited.code ?? 0) > 1, `exit ${edited.code}`);
      assert.match(edited.stderr, /The ImageBasedGroupUpgrade "sno-4\.18-wave2" is invalid: spec\.plan: Invalid value: "array": plan is append only/);
    });

    test('wait --for=delete returns once the object is deleted', async () => {
      await ok(['create', 'namespace', 'everyday-wait', '--dry-run=client', '-o', 'yaml']).then((y) => ok(['apply', '-f', file('ns.yaml', y)]));
      const cm = file('wait-cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: waited\n  namespace: everyday-wait\n');
      await ok(['apply', '-f', cm]);
      const watches = sandbox.openWatches();
      let ended = false;
      const waiting = run(['wait', 'configmap/waited', '-n', 'everyday-wait', '--for=delete', '--timeout=60s'], { timeoutMs: 70_000 }).finally(() => (ended = true));
      // Deleted only once kubectl is watching it (both versions watch), so the delete is what it sees.
      await waitFor('kubectl wait to open its watch', () => sandbox.openWatches() > watches || ended, 30_000);
      assert.equal(ended, false, 'kubectl wait ended before the object was deleted');
      await ok(['delete', '-f', cm]);
      const r = await waiting;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /configmap\/waited condition met|deleted/);
    });
  });
});
