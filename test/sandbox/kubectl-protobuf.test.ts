/**
 * kubectl's typed sub-commands against the sandbox hub, with the pinned kubectl binaries of scripts/kubectl.sh:
 * `create configmap|secret|namespace` send protobuf bodies and ask for protobuf answers
 * (`Accept: application/vnd.kubernetes.protobuf,application/json`). Each test checks in the sandbox's request
 * log that the request really went as protobuf, so none of them can pass over JSON.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { startSandbox, type RequestLogEntry, type Sandbox } from '../../src/sandbox';
import { forEachKubectl, runKubectl, type Kubectl, type KubectlEnv, type KubectlResult } from '../helpers/kubectl';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const NS = 'oadp-test';

/** The OADP ConfigMap content of the LCA docs' shape: a DataProtectionApplication the upgrade restores. */
const OADP_DPA = `apiVersion: oadp.openshift.io/v1alpha1
kind: DataProtectionApplication
metadata:
  name: dataprotectionapplication
  namespace: openshift-adp
spec:
  configuration:
    velero:
      defaultPlugins: [aws, openshift]
  backupLocations:
    - velero:
        provider: aws
        default: true
        objectStorage: { bucket: ibu, prefix: \${CLUSTER_NAME} }
`;

function describeRun(args: string[], r: KubectlResult): string {
  return `kubectl ${args.join(' ')} → exit ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
}

function suite(kubectl: Kubectl): void {
  describe(`kubectl ${kubectl.version}: protobuf bodies and answers`, { timeout: 3 * 60_000 }, () => {
    let sandbox: Sandbox;
    let home: string;
    let env: KubectlEnv;

    /** Runs kubectl and returns its result with the writes it made (POST, PUT, PATCH, DELETE) from the request log. */
    async function run(args: string[]): Promise<KubectlResult & { writes: RequestLogEntry[] }> {
      const mark = sandbox.requestCount();
      const r = await runKubectl(kubectl, env, args);
      assert.ok(!r.timedOut, describeRun(args, r));
      return { ...r, writes: sandbox.requests(mark).filter((e) => e.method !== 'GET') };
    }
    async function ok(args: string[]) {
      const r = await run(args);
      assert.equal(r.code, 0, describeRun(args, r));
      return r;
    }
    /** The one write of a typed create, which must have gone as protobuf, asking for protobuf first. */
    function protobufCreate(r: { writes: RequestLogEntry[] }, status: number): void {
      assert.equal(r.writes.length, 1, JSON.stringify(r.writes));
      const [write] = r.writes;
      assert.equal(write!.method, 'POST');
      assert.equal(write!.contentType, PROTOBUF);
      assert.match(write!.accept ?? '', /^application\/vnd\.kubernetes\.protobuf,application\/json$/);
      assert.equal(write!.status, status);
    }
    const getYaml = async (args: string[]) => parse((await ok(['get', ...args, '-o', 'yaml'])).stdout);

    before(async () => {
      sandbox = await startSandbox({ port: 0, clusters: 1, controllers: false });
      home = mkdtempSync(path.join(tmpdir(), 'ibgu-kubectl-pb-'));
      env = { kubeconfig: sandbox.kubeconfigPath, home, cacheDir: path.join(home, 'cache') };
      await ok(['create', 'namespace', NS]);
    });

    after(async () => {
      await sandbox?.stop();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    test('create configmap --from-file --from-literal (the OADP ConfigMap of the LCA docs): exactly the data sent', async () => {
      const dpa = path.join(home, 'dpa.yaml');
      const binary = path.join(home, 'blob.bin');
      writeFileSync(dpa, OADP_DPA);
      writeFileSync(binary, Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a]));
      const r = await ok(['create', 'configmap', 'oadp-cm', '-n', NS, `--from-file=${dpa}`, `--from-file=renamed.yaml=${dpa}`, `--from-file=${binary}`, '--from-literal=note=über ✓', '-v=8']);
      assert.match(r.stdout, /^configmap\/oadp-cm created$/m);
      protobufCreate(r, 201);
      // The answer was protobuf too: kubectl -v=8 dumps the response body, which starts with the magic "k8s\0".
      assert.match(r.stderr, /Response Body"? body=<\n\s*00000000\s+6b 38 73 00/);
      const cm = await getYaml(['configmap', 'oadp-cm', '-n', NS]);
      assert.deepEqual(cm.data, { 'dpa.yaml': OADP_DPA, 'renamed.yaml': OADP_DPA, note: 'über ✓' });
      // Not UTF-8: kubectl puts the file in binaryData (map<string, bytes>, base64 in JSON).
      assert.deepEqual(cm.binaryData, { 'blob.bin': Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a]).toString('base64') });
      assert.equal(cm.metadata.namespace, NS);
      assert.match(cm.metadata.uid, /^[0-9a-f-]{36}$/);
    });

    test('AlreadyExists comes back as a protobuf Status that kubectl prints as it prints upstream\'s', async () => {
      await ok(['create', 'configmap', 'twice', '-n', NS, '--from-literal=a=b']);
      const again = await run(['create', 'configmap', 'twice', '-n', NS, '--from-literal=a=c']);
      assert.equal(again.code, 1);
      assert.equal(again.stderr.trim(), 'error: failed to create configmap: configmaps "twice" already exists');
      protobufCreate(again, 409);
      assert.equal((await getYaml(['configmap', 'twice', '-n', NS])).data.a, 'b');

      await ok(['create', 'namespace', 'dup']);
      const ns = await run(['create', 'namespace', 'dup']);
      assert.equal(ns.stderr.trim(), 'Error from server (AlreadyExists): namespaces "dup" already exists');
      protobufCreate(ns, 409);

      const missing = await run(['create', 'configmap', 'x', '-n', 'no-such-ns', '--from-literal=a=b']);
      assert.equal(missing.stderr.trim(), 'error: failed to create configmap: namespaces "no-such-ns" not found');
      protobufCreate(missing, 404);
    });

    test('create secret generic and docker-registry: bytes and type as sent', async () => {
      const r = await ok(['create', 'secret', 'generic', 'creds', '-n', NS, '--from-literal=user=admin', '--from-literal=password=s3cr3t', '--type=example.com/basic']);
      assert.match(r.stdout, /^secret\/creds created$/m);
      protobufCreate(r, 201);
      const secret = await getYaml(['secret', 'creds', '-n', NS]);
      assert.equal(secret.type, 'example.com/basic');
      assert.deepEqual(secret.data, { user: Buffer.from('admin').toString('base64'), password: Buffer.from('s3cr3t').toString('base64') });

      const pull = await ok(['create', 'secret', 'docker-registry', 'pull-secret', '-n', NS, '--docker-server=quay.io', '--docker-username=u', '--docker-password=p@ss']);
      protobufCreate(pull, 201);
      const docker = await getYaml(['secret', 'pull-secret', '-n', NS]);
      assert.equal(docker.type, 'kubernetes.io/dockerconfigjson');
      assert.deepEqual(JSON.parse(Buffer.from(docker.data['.dockerconfigjson'], 'base64').toString()),
        { auths: { 'quay.io': { username: 'u', password: 'p@ss', auth: Buffer.from('u:p@ss').toString('base64') } } });

      const twice = await run(['create', 'secret', 'generic', 'creds', '-n', NS, '--from-literal=a=b']);
      assert.equal(twice.code, 1);
      assert.match(twice.stderr, /secrets "creds" already exists/);
      protobufCreate(twice, 409);
    });

    test('create namespace, and --dry-run=server stores nothing', async () => {
      const dry = await ok(['create', 'namespace', 'dry-ns', '--dry-run=server']);
      assert.match(dry.stdout, /^namespace\/dry-ns created \(server dry run\)$/m);
      protobufCreate(dry, 201);
      const absent = await run(['get', 'namespace', 'dry-ns']);
      assert.equal(absent.code, 1);
      assert.match(absent.stderr, /namespaces "dry-ns" not found/);

      const real = await ok(['create', 'namespace', 'real-ns']);
      protobufCreate(real, 201);
      const ns = await getYaml(['namespace', 'real-ns']);
      assert.equal(ns.metadata.name, 'real-ns');
      assert.equal(ns.status.phase, 'Active');
    });

    test('label and annotate an object created over protobuf (kubectl patches those in JSON)', async () => {
      await ok(['create', 'configmap', 'labelled', '-n', NS, '--from-literal=a=b']);
      const label = await ok(['label', 'configmap', 'labelled', '-n', NS, 'lcm.openshift.io/ibgu=wave1']);
      const annotate = await ok(['annotate', 'configmap', 'labelled', '-n', NS, 'note=kept']);
      for (const r of [label, annotate]) assert.deepEqual(r.writes.map((e) => e.contentType), ['application/merge-patch+json']);
      const cm = await getYaml(['configmap', 'labelled', '-n', NS]);
      assert.deepEqual(cm.metadata.labels, { 'lcm.openshift.io/ibgu': 'wave1' });
      assert.deepEqual(cm.metadata.annotations, { note: 'kept' });
      assert.deepEqual(cm.data, { a: 'b' });
      const del = await ok(['delete', 'configmap', 'labelled', '-n', NS]);
      assert.deepEqual(del.writes.map((e) => [e.method, e.contentType, e.status]), [['DELETE', 'application/json', 200]]);
    });
  });
}

forEachKubectl('kubectl protobuf requests against the sandbox hub', suite);
