/**
 * `ibgu lint --hub` against an in-process sandbox hub (API only, no controllers): the live IBGU as the
 * previous version, the OADP ConfigMaps and the seed pull secret looked for on the hub, and the one-line
 * failures (unreachable, 401). The hub objects are created and read back with kubectl when it is available
 * (judged by kubectl, as the issue asks); without it the suite is skipped with the reason.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { CONTEXT_NAME, kubeconfigText, writeKubeconfig } from '../../src/sandbox/kubeconfig';
import { runCli } from '../helpers/run';
import { repoRoot } from '../helpers/fixtures';
import { kubectlOrSkipReason, runKubectl, type KubectlEnv } from '../helpers/kubectl';

const kubectl = kubectlOrSkipReason();
const skip = 'skip' in kubectl ? kubectl.skip : false;

const ibgu = (opts: { plan: string[]; secret?: string; name?: string }) => `apiVersion: lcm.openshift.io/v1alpha1
kind: ImageBasedGroupUpgrade
metadata:
  name: ${opts.name ?? 'wave-1'}
  namespace: ztp-upgrades
spec:
  clusterLabelSelectors:
    - matchLabels:
        upgrade-wave: "1"
  ibuSpec:
    seedImageRef:
      image: quay.io/example/seed:4.18.1
      version: 4.18.1
      pullSecretRef:
        name: ${opts.secret ?? 'seed-pull-secret'}
    oadpContent:
      - name: oadp-cm
        namespace: openshift-adp
  plan:
${opts.plan.map((a) => `    - actions: [${a}]\n      rolloutStrategy:\n        maxConcurrency: 2\n        timeout: 30`).join('\n')}
`;

/** The Namespace and the OADP ConfigMap of examples/oadp (clean: `ibgu lint` finds nothing in it). */
const OADP_CM = `apiVersion: v1
kind: Namespace
metadata:
  name: openshift-adp
---
${readFileSync(path.join(repoRoot(), 'examples', 'oadp', 'rendered', 'oadp-cm.yaml'), 'utf8')}`;

/** A Restore of a Backup that no OADP ConfigMap holds. */
const STRAY_RESTORE = `apiVersion: velero.io/v1
kind: Restore
metadata:
  name: restore-stray
  namespace: openshift-adp
  annotations:
    lca.openshift.io/apply-wave: "9"
spec:
  backupName: no-such-backup
`;

let hub: Sandbox;
let scratch: string;
let env: KubectlEnv;

async function kc(args: string[], stdin?: string) {
  if (!('binaries' in kubectl)) throw new Error('no kubectl');
  const r = await runKubectl(kubectl.binaries[0], env, args, { stdin });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A token of the sandbox's control API (`POST /__sandbox/tokens`), denied what `deny` says. */
function mintToken(name: string, deny: { verb: string; resource?: string }[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${hub.url}/__sandbox/tokens`, { method: 'POST', ca: hub.caPem, agent: false, headers: { Authorization: `Bearer ${hub.token}`, 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text).token) : reject(new Error(`tokens: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ name, deny }));
  });
}

function write(name: string, text: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, text);
  return file;
}

type Json = { version: number; files: { path: string; diagnostics: { rule: string; severity: string; message: string; range: unknown; fixes: unknown[] }[] }[]; summary: Record<string, number> };

async function lintJson(file: string, kubeconfig = hub.kubeconfigPath) {
  const r = await runCli(['lint', '--hub', '--kubeconfig', kubeconfig, '--format', 'json', path.relative(scratch, file)], { cwd: scratch });
  assert.ok(!r.stdout.includes(hub.token) && !r.stderr.includes(hub.token), 'the token is never printed');
  return { ...r, json: r.stdout ? (JSON.parse(r.stdout) as Json) : undefined };
}

const rulesOf = (json: Json | undefined) => (json?.files ?? []).flatMap((f) => f.diagnostics.map((d) => d.rule));

describe('ibgu lint --hub', { skip }, () => {
  before(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'ibgu-lint-hub-'));
    hub = await startSandbox({ controllers: false, kubeconfigPath: path.join(scratch, 'hub.kubeconfig') });
    env = { kubeconfig: hub.kubeconfigPath, home: scratch, cacheDir: path.join(scratch, 'kube-cache') };
    // The live IBGU: Prep then Upgrade.
    await kc(['apply', '-f', '-'], ibgu({ plan: ['Prep', 'Upgrade'] }));
    const live = JSON.parse(await kc(['get', 'ibgu', '-n', 'ztp-upgrades', 'wave-1', '-o', 'json']));
    assert.deepEqual(live.spec.plan.map((s: { actions: string[] }) => s.actions), [['Prep'], ['Upgrade']]);
  });

  after(async () => {
    await hub?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('a file that removes a step of the live IBGU: plan-append-only, against the hub', async () => {
    const file = write('removed-step.yaml', ibgu({ plan: ['Prep'] }));
    const r = await lintJson(file);
    assert.equal(r.code, 1, r.stderr);
    const finding = r.json!.files.find((f) => f.path.endsWith('removed-step.yaml'))!.diagnostics.find((d) => d.rule === 'ibgu/plan-append-only');
    assert.ok(finding, JSON.stringify(r.json));
    assert.equal(finding.severity, 'error');
    // The same file without --hub knows nothing of the live plan.
    const plain = await runCli(['lint', '--format', 'json', path.relative(scratch, file)], { cwd: scratch });
    assert.ok(!rulesOf(JSON.parse(plain.stdout)).includes('ibgu/plan-append-only'));
  });

  test('an oadpContent ConfigMap missing on the hub is an error until kubectl creates it', async () => {
    const file = write('same.yaml', ibgu({ plan: ['Prep', 'Upgrade'] }));
    const before = await lintJson(file);
    assert.equal(before.code, 1, before.stderr);
    const missing = before.json!.files[0].diagnostics.filter((d) => d.rule === 'ibgu/hub-configmap-missing');
    assert.equal(missing.length, 1, JSON.stringify(before.json));
    assert.match(missing[0].message, /ConfigMap openshift-adp\/oadp-cm \(oadpContent\) does not exist on the hub \(context ibgu-sandbox\)/);
    assert.ok(!rulesOf(before.json).includes('ibgu/plan-append-only'), 'the file equals the live IBGU');

    await kc(['apply', '-f', '-'], OADP_CM);
    assert.equal(await kc(['get', 'configmap', '-n', 'openshift-adp', 'oadp-cm', '-o', 'jsonpath={.metadata.name}']), 'oadp-cm');
    const afterCreate = await lintJson(file);
    assert.ok(!rulesOf(afterCreate.json).includes('ibgu/hub-configmap-missing'), JSON.stringify(afterCreate.json));
    assert.equal(afterCreate.code, 0, JSON.stringify(afterCreate.json) + afterCreate.stderr);
    // A clean hub ConfigMap is not listed as a file.
    assert.deepEqual(afterCreate.json!.files.map((f) => f.path), ['same.yaml']);
    // --disable turns the hub rule off like any rule.
    await kc(['delete', 'configmap', '-n', 'openshift-adp', 'oadp-cm']);
    const disabled = await runCli(['lint', '--hub', '--kubeconfig', hub.kubeconfigPath, '--disable', 'ibgu/hub-configmap-missing', file], { cwd: scratch });
    assert.equal(disabled.code, 0, disabled.stdout + disabled.stderr);
    await kc(['apply', '-f', '-'], OADP_CM);
  });

  test('the hub\'s OADP ConfigMap is linted with the files; its findings are under its hub: path', async () => {
    // A Restore whose Backup is in no ConfigMap: ibgu/restore-backup-name, on the hub's ConfigMap.
    await kc(['patch', 'configmap', '-n', 'openshift-adp', 'oadp-cm', '--type=merge', '-p', JSON.stringify({ data: { 'restore-stray.yaml': STRAY_RESTORE } })]);
    assert.match(await kc(['get', 'configmap', '-n', 'openshift-adp', 'oadp-cm', '-o', 'jsonpath={.data.restore-stray\\.yaml}']), /no-such-backup/);
    const file = write('same2.yaml', ibgu({ plan: ['Prep', 'Upgrade'] }));
    const r = await lintJson(file);
    const hubFile = r.json!.files.find((f) => f.path === 'hub:ibgu-sandbox/openshift-adp/configmaps/oadp-cm');
    assert.ok(hubFile, JSON.stringify(r.json));
    assert.ok(hubFile.diagnostics.some((d) => d.rule === 'ibgu/restore-backup-name'), JSON.stringify(hubFile));
    assert.equal(r.code, 1);
    await kc(['patch', 'configmap', '-n', 'openshift-adp', 'oadp-cm', '--type=json', '-p', '[{"op":"remove","path":"/data/restore-stray.yaml"}]']);
    const clean = await lintJson(file);
    assert.equal(clean.code, 0, JSON.stringify(clean.json));
  });

  test('a seed pull secret missing from the IBGU\'s namespace is an error', async () => {
    const file = write('secret.yaml', ibgu({ plan: ['Prep'], name: 'wave-2', secret: 'no-such-pull-secret' }));
    const mark = hub.requestCount();
    const r = await lintJson(file);
    assert.equal(r.code, 1, r.stderr);
    const d = r.json!.files[0].diagnostics.filter((x) => x.rule === 'ibgu/hub-secret-missing');
    assert.equal(d.length, 1, JSON.stringify(r.json));
    assert.match(d[0].message, /Secret ztp-upgrades\/no-such-pull-secret \(seedImageRef\.pullSecretRef\) does not exist on the hub/);
    // The sandbox's seed-pull-secret exists (kubectl says so), and is not reported.
    assert.equal(await kc(['get', 'secret', '-n', 'ztp-upgrades', 'seed-pull-secret', '-o', 'jsonpath={.metadata.name}']), 'seed-pull-secret');
    const ok = await lintJson(write('secret-ok.yaml', ibgu({ plan: ['Prep'], name: 'wave-2' })));
    assert.ok(!rulesOf(ok.json).includes('ibgu/hub-secret-missing'), JSON.stringify(ok.json));
    // Both Secrets were asked for as their metadata alone: a pull secret's data never reaches the CLI.
    const reads = hub.requests(mark).filter((x) => x.userAgent?.startsWith('ibgu-tools/') && /\/secrets\//.test(x.path));
    assert.deepEqual(reads.map((x) => [x.path, x.status]), [
      ['/api/v1/namespaces/ztp-upgrades/secrets/no-such-pull-secret', 404],
      ['/api/v1/namespaces/ztp-upgrades/secrets/seed-pull-secret', 200],
    ]);
    for (const x of reads) assert.equal(x.accept, 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1', JSON.stringify(x));
  });

  test('JSON keeps its shape: hub findings are findings', async () => {
    const r = await lintJson(write('shape.yaml', ibgu({ plan: ['Prep'], secret: 'no-such-pull-secret' })));
    const json = r.json!;
    assert.deepEqual(Object.keys(json), ['version', 'files', 'summary']);
    assert.equal(json.version, 1);
    for (const f of json.files) for (const d of f.diagnostics) assert.deepEqual(Object.keys(d).sort(), ['fixes', 'message', 'range', 'rule', 'severity']);
    assert.deepEqual(Object.keys(json.summary).sort(), ['errors', 'files', 'hints', 'infos', 'warnings']);
    assert.equal(json.summary.files, 1);
  });

  test('without --kubeconfig: KUBECONFIG and its current context, as kubectl; --context picks one', async () => {
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = hub.kubeconfigPath;
    try {
      write('env.yaml', ibgu({ plan: ['Prep'] }));
      for (const extra of [[], ['--context', CONTEXT_NAME]]) {
        const r = await runCli(['lint', '--hub', ...extra, 'env.yaml'], { cwd: scratch });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stdout, /^env\.yaml:\d+:\d+ error ibgu\/plan-append-only /m);
      }
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  test('an unreachable hub: exit 2 and one line', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const kubeconfig = writeKubeconfig(path.join(scratch, 'closed.kubeconfig'), kubeconfigText(`https://127.0.0.1:${port}`, hub.caPem, hub.token));
    const r = await lintJson(write('u.yaml', ibgu({ plan: ['Prep'] })), kubeconfig);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^ibgu: hub ${CONTEXT_NAME}: unreachable: Cannot reach the hub at https://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)\\.\\n$`));
  });

  test('a wrong token: exit 2, unauthorised, in one line', async () => {
    const kubeconfig = writeKubeconfig(path.join(scratch, 'wrong.kubeconfig'), kubeconfigText(hub.url, hub.caPem, 'not-the-token'));
    const r = await lintJson(write('w.yaml', ibgu({ plan: ['Prep'] })), kubeconfig);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^ibgu: hub ibgu-sandbox: unauthorised: .*401 Unauthorized.*\n$/);
    assert.ok(!r.stderr.includes('not-the-token'));
  });

  test('a token that may not read Secrets: exit 2, forbidden, with the permission', async () => {
    const token = await mintToken('no-secrets', [{ verb: 'get', resource: 'secrets' }]);
    const kubeconfig = writeKubeconfig(path.join(scratch, 'forbidden.kubeconfig'), kubeconfigText(hub.url, hub.caPem, token));
    const r = await lintJson(write('f.yaml', ibgu({ plan: ['Prep'] })), kubeconfig);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^ibgu: hub ibgu-sandbox: forbidden: Your user may not get secrets on https:\/\/127\.0\.0\.1:\d+ \(403 Forbidden\)\..*\n$/);
    assert.ok(!r.stderr.includes(token));
  });

  test('a kubeconfig that cannot be used, and an unknown context: exit 2, one line', async () => {
    const bad = write('bad.kubeconfig', 'clusters: [\n');
    const r1 = await lintJson(write('k.yaml', ibgu({ plan: ['Prep'] })), bad);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /^ibgu: hub \(none\): kubeconfig .*bad\.kubeconfig is not valid YAML.*\n$/);
    const r2 = await runCli(['lint', '--hub', '--kubeconfig', hub.kubeconfigPath, '--context', 'nope', 'k.yaml'], { cwd: scratch });
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /^ibgu: hub nope: the kubeconfig \(.*\) has no context named "nope"\n$/);
  });
});
