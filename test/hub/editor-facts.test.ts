/**
 * What the editor's hub checks read from a hub (src/hub/editor-facts.ts over object-watches.ts), against the
 * sandbox hub, with the objects made and judged by the pinned kubectl: the answer follows the hub through
 * watches of the referenced objects alone (no list after the first, no polling), a status update of the live
 * IBGU sends nothing, and a token that may not read Secrets leaves those answers unknown, not "missing".
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseScenario, startSandbox, type Sandbox } from '../../src/sandbox';
import { kubeconfigText, writeKubeconfig } from '../../src/sandbox/kubeconfig';
import { EditorHubFacts } from '../../src/hub/editor-facts';
import { HubConnection, kubeconfigFor, readKubeconfig } from '../../src/hub';
import type { HubParams } from '../../src/shared/lsp-protocol';
import { repoRoot } from '../helpers/fixtures';
import { until } from '../helpers/client-node';
import { kubectlOrSkipReason, runKubectl, type Kubectl, type KubectlEnv } from '../helpers/kubectl';

const kubectl = kubectlOrSkipReason();
const NS = 'ztp-upgrades';
const LOOKUPS = {
  ibgus: [{ namespace: NS, name: 'wave-e' }],
  configMaps: [{ namespace: 'openshift-adp', name: 'oadp-e' }],
  secrets: [{ namespace: NS, name: 'seed-pull-e' }],
};

let hub: Sandbox;
let scratch: string;
let env: KubectlEnv;
let bin: Kubectl;
const disposables: { dispose(): void }[] = [];

async function k(...args: string[]): Promise<string> {
  const r = await runKubectl(bin, env, args, { timeoutMs: 20_000 });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function kApply(name: string, yaml: string): Promise<void> {
  const file = path.join(scratch, `${name}.yaml`);
  writeFileSync(file, yaml);
  await k('apply', '-f', file);
}

function connect(token: string, label: string): HubConnection {
  const file = writeKubeconfig(path.join(scratch, `${label}.kubeconfig`), kubeconfigText(hub.url, hub.caPem, token));
  const view = readKubeconfig({ pinnedFile: file });
  const context = view.contexts.find((c) => c.name === view.current)!;
  const conn = new HubConnection(context, kubeconfigFor(view, context.name), { backoff: { initialMs: 100, maxMs: 600 } });
  disposables.push(conn);
  conn.start();
  return conn;
}

function facts(conn: HubConnection): { facts: EditorHubFacts; sent: HubParams[] } {
  const sent: HubParams[] = [];
  const f = new EditorHubFacts(conn, (p) => sent.push(p), { debounceMs: 20, backoff: { initialMs: 100, maxMs: 400 } });
  disposables.push(f);
  return { facts: f, sent };
}

const last = (sent: HubParams[]) => sent[sent.length - 1];

const ibguYaml = (plan: string[]) => `apiVersion: lcm.openshift.io/v1alpha1
kind: ImageBasedGroupUpgrade
metadata:
  name: wave-e
  namespace: ${NS}
spec:
  clusterLabelSelectors:
  - matchLabels:
      upgrade-wave: nothing-selects-this
  ibuSpec:
    seedImageRef:
      image: quay.io/example/seed:4.18.9
      version: 4.18.9
      pullSecretRef:
        name: seed-pull-e
    oadpContent:
    - name: oadp-e
      namespace: openshift-adp
  plan:
${plan.map((a) => `  - actions: [${a}]\n    rolloutStrategy:\n      maxConcurrency: 1\n      timeout: 60\n`).join('')}`;

before(async () => {
  if (!('binaries' in kubectl)) return;
  bin = kubectl.binaries[0]!;
  scratch = mkdtempSync(path.join(tmpdir(), 'ibgu-editor-facts-'));
  const scenario = parseScenario(readFileSync(path.join(repoRoot(), 'examples', 'sandbox', 'failures.yaml'), 'utf8'));
  hub = await startSandbox({ scenario, timeScale: 0.02, kubeconfigPath: path.join(scratch, 'admin.kubeconfig') });
  env = { kubeconfig: hub.kubeconfigPath, home: scratch, cacheDir: path.join(scratch, 'kube-cache') };
});

after(async () => {
  for (const d of disposables) d.dispose();
  await hub?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('editor hub facts against the sandbox hub', { timeout: 60_000, ...('skip' in kubectl ? { skip: kubectl.skip } : {}) }, () => {
  test('the answers follow the hub through watches of the referenced objects alone', async () => {
    const conn = connect(hub.token, 'admin');
    const { facts: f, sent } = facts(conn);
    await until(() => sent.length > 0, () => 'a first answer');
    assert.deepEqual(last(sent), { context: last(sent)!.context, namespace: 'default', ibgus: [], configMaps: [], secrets: [] });
    f.setLookups(LOOKUPS);
    await until(() => last(sent)?.configMaps.length === 1 && last(sent)?.secrets.length === 1, () => `answers for both, last ${JSON.stringify(last(sent))}`);
    assert.deepEqual(last(sent)!.configMaps, [['openshift-adp/oadp-e', false]]);
    assert.deepEqual(last(sent)!.secrets, [[`${NS}/seed-pull-e`, false]]);
    assert.equal(f.watchCount, 2);

    // Created with kubectl: the watch brings it, with no list request from the layer after the first ones.
    const mark = hub.requestCount();
    await kApply('cm', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: oadp-e\n  namespace: openshift-adp\ndata:\n  backup.yaml: "{}"\n');
    await until(() => last(sent)?.configMaps[0]?.[1] === true, () => `the ConfigMap to exist, last ${JSON.stringify(last(sent))}`);
    await kApply('secret', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: seed-pull-e\n  namespace: ${NS}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{"auths":{}}'\n`);
    await until(() => last(sent)?.secrets[0]?.[1] === true, () => `the Secret to exist, last ${JSON.stringify(last(sent))}`);
    const layer = hub.requests(mark).filter((r) => r.userAgent?.startsWith('ibgu-tools/') && /\/(configmaps|secrets)$/.test(r.path));
    assert.deepEqual(layer.filter((r) => !r.query.includes('watch')), [], 'the layer listed again instead of watching');
    // Each request the layer made for these (the log has a request once it ended: the lists, so far) was for the
    // one object (a field selector; the log records the query's names), in its namespace, never every namespace.
    const all = hub.requests().filter((x) => x.userAgent?.startsWith('ibgu-tools/') && /\/(configmaps|secrets)$/.test(x.path));
    assert.ok(all.length >= 2, `a list of each: ${JSON.stringify(all)}`);
    for (const r of all) assert.ok(r.query.includes('fieldSelector') && /^\/api\/v1\/namespaces\/[^/]+\/(configmaps|secrets)$/.test(r.path), JSON.stringify(r));
    // ... and for its metadata alone: a Secret's data never reaches the extension.
    for (const r of all) assert.equal(r.accept, 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1', JSON.stringify(r));

    // The live IBGU: its spec is the stored version; a status update sends nothing, a spec change does.
    await kApply('ibgu', ibguYaml(['Prep']));
    await until(() => last(sent)?.ibgus.length === 1, () => `the live IBGU, last ${JSON.stringify(last(sent))}`);
    assert.match(last(sent)!.ibgus[0]!.yaml, /actions:\n\s*- Prep/);
    assert.doesNotMatch(last(sent)!.ibgus[0]!.yaml, /status:|resourceVersion|managedFields/);
    const before = sent.length;
    await k('patch', 'imagebasedgroupupgrades.lcm.openshift.io', 'wave-e', '-n', NS, '--subresource=status', '--type=merge', '-p', '{"status":{"observedGeneration":99}}');
    await k('patch', 'imagebasedgroupupgrades.lcm.openshift.io', 'wave-e', '-n', NS, '--type=json', '-p', '[{"op":"add","path":"/spec/plan/-","value":{"actions":["Upgrade"],"rolloutStrategy":{"maxConcurrency":1,"timeout":60}}}]');
    await until(() => /- Upgrade/.test(last(sent)?.ibgus[0]?.yaml ?? ''), () => 'the appended step');
    assert.equal(sent.length, before + 1, `only the spec change was sent: ${JSON.stringify(sent.slice(before))}`);

    // Deleted with kubectl: the answer says so.
    await k('delete', 'configmap', 'oadp-e', '-n', 'openshift-adp');
    await until(() => last(sent)?.configMaps[0]?.[1] === false, () => `the ConfigMap gone, last ${JSON.stringify(last(sent))}`);

    // No longer referenced: its watch stops, and it is no longer answered for.
    const watchesBefore = hub.openWatches();
    f.setLookups({ ...LOOKUPS, configMaps: [] });
    await until(() => last(sent)?.configMaps.length === 0, () => 'the ConfigMap dropped from the answer');
    assert.equal(f.watchCount, 1);
    await until(() => hub.openWatches() === watchesBefore - 1, () => `one watch fewer on the hub, ${hub.openWatches()} of ${watchesBefore}`);
    // The ended watch is in the request log now: it asked for metadata only too.
    const watches = hub.requests().filter((x) => x.userAgent?.startsWith('ibgu-tools/') && x.path.endsWith('/configmaps') && x.query.includes('watch'));
    assert.ok(watches.length >= 1, `the ended ConfigMap watch is logged, as the layer's: ${JSON.stringify(hub.requests().filter((x) => x.path.includes('configmaps')))}`);
    for (const r of watches) assert.equal(r.accept, 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1', JSON.stringify(r));
  });

  test('a token that may not list Secrets: those answers are unknown, never "missing"; the ConfigMaps are still answered', async () => {
    const { token } = (await (await fetchControl('tokens', { name: 'no-secrets', deny: [{ verb: 'list', resource: 'secrets' }, { verb: 'watch', resource: 'secrets' }] })).json()) as { token: string };
    const conn = connect(token, 'no-secrets');
    const { facts: f, sent } = facts(conn);
    f.setLookups(LOOKUPS);
    await until(() => last(sent)?.configMaps.length === 1 && f.failures().length === 1, () => `the ConfigMap answered and the Secret failed, last ${JSON.stringify(last(sent))}, failures ${JSON.stringify(f.failures())}`);
    assert.deepEqual(last(sent)!.secrets, []);
    assert.deepEqual(f.failures().map((x) => [x.kind, x.name]), [['Secret', 'seed-pull-e']]);
    assert.match(f.failures()[0]!.message, /secrets/);
  });
});

/** A call of the sandbox's control API with the admin token, over TLS with the sandbox's CA. */
async function fetchControl(what: string, body: unknown): Promise<Response> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = https.request(`${hub.url}/__sandbox/${what}`, { method: 'POST', headers: { Authorization: `Bearer ${hub.token}`, 'Content-Type': 'application/json' }, ca: hub.caPem, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(new Response(text, { status: res.statusCode ?? 0 })));
    });
    req.on('error', reject);
    req.end(payload);
  });
}
