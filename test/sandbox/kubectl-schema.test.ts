/**
 * The sandbox is as strict as kube-apiserver: every served kind is validated against its schema, unknown
 * fields are pruned (with a warning) or refused (fieldValidation=Strict, kubectl's default), defaults are
 * written, and `kubectl explain` reads the schema at any depth. Driven with both pinned kubectl versions.
 *
 * Expected texts are kube-apiserver's, written here from its source (not from src/):
 * - field errors: k8s.io/apimachinery pkg/util/validation/field/errors.go (1.32: Required value, Unsupported
 *   value … supported values, "Too long: may not be more than N bytes", Invalid value);
 * - schema messages: k8s.io/kube-openapi pkg/validation/errors/schema.go ("<path> in body must be of type
 *   integer: "string"", "should match '<pattern>'", "should have at least N items"), mapped to causes by
 *   apiextensions-apiserver pkg/apiserver/validation/validation.go kubeOpenAPIResultToFieldErrors;
 * - strict decoding: k8s.io/apiserver pkg/endpoints/handlers/rest.go transformDecodeError ("<Kind> in version
 *   "<v>" cannot be handled as a <Kind>: strict decoding error: unknown field "spec.foo""), 400 BadRequest;
 * - warnings: handlers/rest.go addStrictDecodingWarnings, printed by kubectl as `Warning: unknown field …`;
 * - built-in type errors: encoding/json's UnmarshalTypeError (sigs.k8s.io/json), 400 BadRequest.
 *
 * Without kubectl the suite is skipped with the reason; with CI=true it fails instead.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { kubeconfigText } from '../../src/sandbox/kubeconfig';
import { repoRoot } from '../helpers/fixtures';
import { forEachKubectl, runKubectl, type Kubectl, type KubectlEnv, type KubectlResult } from '../helpers/kubectl';

const NS = 'ztp-upgrades';
const SPOKE = 'sno-0001';
/** The cause has no field: kubectl prints it after an empty one. */
const NOT_CHECKED = '* : Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

function describeRun(args: string[], r: KubectlResult): string {
  return `kubectl ${args.join(' ')} → exit ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
}

/** examples/ibgu/wave1-one-step.yaml under another name, changed by `change`. */
function ibgu(name: string, change: (obj: any) => void = () => {}): string {
  const obj = parse(readFileSync(path.join(repoRoot(), 'examples', 'ibgu', 'wave1-one-step.yaml'), 'utf8'));
  obj.metadata.name = name;
  change(obj);
  return stringify(obj);
}

const managedCluster = (name: string, spec: unknown) => stringify({ apiVersion: 'cluster.open-cluster-management.io/v1', kind: 'ManagedCluster', metadata: { name }, spec });
const cgu = (name: string, spec: unknown) => stringify({ apiVersion: 'ran.openshift.io/v1alpha1', kind: 'ClusterGroupUpgrade', metadata: { name, namespace: NS }, spec });
const manifestWork = (name: string, spec: unknown) => stringify({ apiVersion: 'work.open-cluster-management.io/v1', kind: 'ManifestWork', metadata: { name, namespace: SPOKE }, spec });
const mwrs = (name: string, spec: unknown) => stringify({ apiVersion: 'work.open-cluster-management.io/v1alpha1', kind: 'ManifestWorkReplicaSet', metadata: { name, namespace: NS }, spec });
const ibu = (spec: unknown) => stringify({ apiVersion: 'lca.openshift.io/v1', kind: 'ImageBasedUpgrade', metadata: { name: 'upgrade' }, spec });
const velero = (kind: string, name: string, spec: unknown) => stringify({ apiVersion: 'velero.io/v1', kind, metadata: { name, namespace: 'openshift-adp' }, spec });
const logicalVolume = (name: string, spec: unknown) => stringify({ apiVersion: 'topolvm.io/v1', kind: 'LogicalVolume', metadata: { name }, spec });
const configMap = (name: string, extra: Record<string, unknown>) => stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, ...extra });

function schemaSuite(kubectl: Kubectl): void {
  describe(`schema admission and explain with kubectl ${kubectl.version}`, { timeout: 5 * 60_000 }, () => {
    let home: string;
    let sandbox: Sandbox;
    let hub: KubectlEnv;
    let spoke: KubectlEnv;

    before(async () => {
      home = mkdtempSync(path.join(tmpdir(), 'ibgu-kubectl-schema-'));
      sandbox = await startSandbox({ clusters: 1, controllers: false, kubeconfigPath: path.join(home, 'hub.kubeconfig') });
      hub = { kubeconfig: sandbox.kubeconfigPath, home, cacheDir: path.join(home, 'hub-cache') };
      const access = sandbox.spokeAccess(SPOKE);
      const spokeConfig = path.join(home, 'spoke.kubeconfig');
      writeFileSync(spokeConfig, kubeconfigText(access.url, sandbox.caPem, access.token));
      spoke = { kubeconfig: spokeConfig, home, cacheDir: path.join(home, 'spoke-cache') };
      // (`kubectl create namespace` sends protobuf, which the sandbox does not speak: apply a manifest.)
      const namespace = (name: string) => stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      for (const ns of [NS, SPOKE]) assert.equal((await run(hub, ['apply', '-f', '-'], namespace(ns))).code, 0);
      assert.equal((await run(spoke, ['apply', '-f', '-'], namespace('openshift-adp'))).code, 0);
    });

    after(async () => {
      await sandbox?.stop();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    const run = (env: KubectlEnv, args: string[], stdin?: string) => runKubectl(kubectl, env, args, stdin === undefined ? {} : { stdin });
    /** The status the server answered the last write with (from its request log). */
    const lastWriteStatus = () => sandbox.requests().filter((e) => ['POST', 'PUT', 'PATCH'].includes(e.method)).pop()?.status;

    /** `kubectl apply` that the server refuses with 422, listing exactly these causes (kubectl prints each). */
    async function refused422(env: KubectlEnv, manifest: string, causes: string[]): Promise<void> {
      const args = ['apply', '-f', '-'];
      const r = await run(env, args, manifest);
      assert.notEqual(r.code, 0, describeRun(args, r));
      assert.equal(lastWriteStatus(), 422, describeRun(args, r));
      for (const cause of causes) assert.ok(r.stderr.includes(cause), `missing ${JSON.stringify(cause)}\n${describeRun(args, r)}`);
    }

    test('a wrong type is refused with the API server\'s 422 and wording, and the CEL rules are reported unchecked', async () => {
      await refused422(hub, ibgu('bad-type', (o) => (o.spec.plan[0].rolloutStrategy.maxConcurrency = 'ten')), [
        'The ImageBasedGroupUpgrade "bad-type" is invalid',
        'spec.plan[0].rolloutStrategy.maxConcurrency: Invalid value: "string": spec.plan[0].rolloutStrategy.maxConcurrency in body must be of type integer: "string"',
        NOT_CHECKED,
      ]);
      assert.equal((await run(hub, ['get', 'ibgu', 'bad-type', '-n', NS])).code, 1, 'nothing was created');
    });

    test('missing required fields, for the IBGU, CGU, ManagedCluster taints, LogicalVolume and BackupStorageLocation', async () => {
      await refused422(hub, ibgu('no-plan', (o) => delete o.spec.plan), ['spec.plan: Required value']);
      await refused422(hub, cgu('no-max', { clusters: ['a'], remediationStrategy: { timeout: 10 } }), ['spec.remediationStrategy.maxConcurrency: Required value']);
      await refused422(hub, managedCluster('taint-no-effect', { hubAcceptsClient: true, taints: [{ key: 'a' }] }), ['spec.taints[0].effect: Required value']);
      await refused422(spoke, logicalVolume('lv-no-size', { name: 'lv', nodeName: 'node' }), ['spec.size: Required value']);
      await refused422(spoke, velero('BackupStorageLocation', 'bsl-no-provider', { objectStorage: { bucket: 'b' } }), ['spec.provider: Required value']);
    });

    test('enums, lengths, patterns and item counts', async () => {
      await refused422(spoke, ibu({ stage: 'Nope', seedImageRef: { image: 'quay.io/a/b:1', version: '4.18.1' } }), [
        'spec.stage: Unsupported value: "Nope": supported values: "Idle", "Prep", "Upgrade", "Rollback"',
      ]);
      await refused422(hub, manifestWork('bad-policy', { workload: { manifests: [] }, deleteOption: { propagationPolicy: 'Later' } }), [
        'spec.deleteOption.propagationPolicy: Unsupported value: "Later": supported values: "Foreground", "Orphan", "SelectivelyOrphan"',
      ]);
      await refused422(hub, managedCluster('long-taint', { taints: [{ key: 'a', effect: 'NoSelect', value: 'x'.repeat(1025) }] }), [
        'spec.taints[0].value: Too long: may not be more than 1024 bytes',
      ]);
      await refused422(hub, managedCluster('bad-key', { taints: [{ key: 'bad key!', effect: 'NoSelect' }] }), [
        'spec.taints[0].key: Invalid value: "bad key!": spec.taints[0].key in body should match \'^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$\'',
      ]);
      await refused422(hub, mwrs('no-placements', { placementRefs: [], manifestWorkTemplate: {} }), [
        'spec.placementRefs: Invalid value: 0: spec.placementRefs in body should have at least 1 items',
      ]);
      await refused422(hub, ibgu('seven-steps', (o) => (o.spec.plan = Array.from({ length: 7 }, () => ({ actions: ['Prep'], rolloutStrategy: { maxConcurrency: 1 } })))), [
        'spec.plan: Too many: 7: must have at most 6 items',
      ]);
      await refused422(spoke, velero('Backup', 'ttl-number', { ttl: 720 }), ['spec.ttl: Invalid value: "integer": spec.ttl in body must be of type string: "integer"']);
    });

    test('unknown fields: refused by kubectl\'s default (Strict), pruned with a warning under --validate=warn', async () => {
      const typo = ibgu('typo', (o) => (o.spec.plan[0].rolloutStrategy.maxConcurrncy = 3));
      const strict = await run(hub, ['apply', '-f', '-'], typo);
      assert.notEqual(strict.code, 0, describeRun(['apply'], strict));
      assert.equal(lastWriteStatus(), 400);
      assert.match(strict.stderr, /ImageBasedGroupUpgrade in version "v1alpha1" cannot be handled as a ImageBasedGroupUpgrade: strict decoding error: unknown field "spec\.plan\[0\]\.rolloutStrategy\.maxConcurrncy"/);

      const extra = ibgu('extra-field', (o) => (o.spec.foo = 'bar'));
      const warned = await run(hub, ['apply', '--validate=warn', '-f', '-'], extra);
      assert.equal(warned.code, 0, describeRun(['apply', '--validate=warn'], warned));
      assert.match(warned.stderr, /Warning: unknown field "spec\.foo"/);
      const stored = JSON.parse((await run(hub, ['get', 'ibgu', 'extra-field', '-n', NS, '-o', 'json'])).stdout);
      assert.equal(stored.spec.foo, undefined, 'the unknown field is pruned');

      const ignored = await run(hub, ['apply', '--validate=false', '-f', '-'], ibgu('ignored-field', (o) => (o.spec.bar = 1)));
      assert.equal(ignored.code, 0, describeRun(['apply', '--validate=false'], ignored));
      assert.doesNotMatch(ignored.stderr, /Warning/);

      const cm = await run(hub, ['apply', '-f', '-'], configMap('cm-extra', { data: { a: 'b' }, datta: { c: 'd' } }));
      assert.notEqual(cm.code, 0);
      assert.match(cm.stderr, /ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "datta"/);
    });

    test('built-in types: a number in ConfigMap data is a decoding error (400), as Go decodes it', async () => {
      const r = await run(hub, ['apply', '-f', '-'], configMap('cm-number', { data: { replicas: 3 } }));
      assert.notEqual(r.code, 0);
      assert.equal(lastWriteStatus(), 400);
      assert.match(r.stderr, /ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap\.data of type string/);
    });

    test('schema defaults are written: rollout timeout 240, CGU enable and timeout, ManagedCluster lease', async () => {
      assert.equal((await run(hub, ['apply', '-f', '-'], ibgu('defaults', (o) => delete o.spec.plan[0].rolloutStrategy.timeout))).code, 0);
      assert.equal((await run(hub, ['get', 'ibgu', 'defaults', '-n', NS, '-o', 'jsonpath={.spec.plan[0].rolloutStrategy.timeout}'])).stdout, '240');
      assert.equal((await run(hub, ['apply', '-f', '-'], cgu('cgu-defaults', { clusters: ['a'], remediationStrategy: { maxConcurrency: 1 } }))).code, 0);
      assert.equal((await run(hub, ['get', 'cgu', 'cgu-defaults', '-n', NS, '-o', 'jsonpath={.spec.enable} {.spec.remediationStrategy.timeout}'])).stdout, 'true 240');
      assert.equal((await run(hub, ['apply', '-f', '-'], managedCluster('lease', { hubAcceptsClient: true }))).code, 0);
      assert.equal((await run(hub, ['get', 'managedcluster', 'lease', '-o', 'jsonpath={.spec.leaseDurationSeconds}'])).stdout, '60');
    });

    test('ManifestWork manifests keep every field (x-kubernetes-preserve-unknown-fields), but must name apiVersion and kind', async () => {
      const manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm', namespace: 'default' }, data: { a: 'b' }, anything: { goes: true } };
      assert.equal((await run(hub, ['apply', '-f', '-'], manifestWork('keeps', { workload: { manifests: [manifest] } }))).code, 0);
      const stored = JSON.parse((await run(hub, ['get', 'manifestwork', 'keeps', '-n', SPOKE, '-o', 'json'])).stdout);
      assert.deepEqual(stored.spec.workload.manifests[0], manifest);
      assert.equal(stored.spec.deleteOption, undefined, 'no default where the parent is absent');
      await refused422(hub, manifestWork('no-kind', { workload: { manifests: [{ apiVersion: 'v1', metadata: { name: 'm' } }] } }), ['spec.workload.manifests[0].kind: Required value']);
    });

    test('kubectl explain reads the schema at any depth', async () => {
      const explain = async (env: KubectlEnv, what: string) => {
        const r = await run(env, ['explain', what]);
        assert.equal(r.code, 0, describeRun(['explain', what], r));
        return r.stdout;
      };
      const rollout = await explain(hub, 'imagebasedgroupupgrades.spec.plan.rolloutStrategy');
      assert.match(rollout, /maxConcurrency\s+<integer> -required-/);
      assert.match(rollout, /timeout\s+<integer>/);
      assert.match(rollout, /Minutes \(not seconds\)/);
      assert.match(await explain(hub, 'ibgu.spec.ibuSpec.seedImageRef.image'), /FIELD: image <string>/);
      assert.match(await explain(hub, 'configmap.data'), /FIELD: data <map\[string\]string>/);
      const mcl = await explain(hub, 'managedclusters.spec');
      assert.match(mcl, /hubAcceptsClient\s+<boolean>/);
      assert.match(mcl, /taints\s+<\[\]Object>/);
      assert.match(await explain(hub, 'manifestworks.spec.workload.manifests'), /FIELD: manifests <\[\]Object>/);
      assert.match(await explain(hub, 'cgu.spec.remediationStrategy'), /maxConcurrency\s+<integer> -required-/);
      assert.match(await explain(spoke, 'imagebasedupgrades.spec.stage'), /enum: Idle, Prep, Upgrade, Rollback|Idle, Prep, Upgrade or Rollback/);
      assert.match(await explain(spoke, 'logicalvolumes.spec.size'), /FIELD: size/);
      assert.match(await explain(spoke, 'backupstoragelocations.spec.objectStorage'), /bucket\s+<string> -required-/);
    });
  });
}

forEachKubectl('sandbox schema admission with kubectl', schemaSuite);
