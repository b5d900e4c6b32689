/**
 * The editor against a connected hub, at the protocol: the client says which hub is connected and what it
 * answered (ibgu/hub); the server asks for what the open documents reference (ibgu/hubLookups), and its
 * diagnostics follow the hub's answers without an edit or a reopen.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { HUB_LOOKUPS_NOTIFICATION, HUB_NOTIFICATION, type HubParams } from '../../src/shared/lsp-protocol';
import { LspClient } from '../helpers/lsp';

const URI = 'file:///work/wave.yaml';
const step = (action: string) => `  - actions: [${action}]\n    rolloutStrategy:\n      maxConcurrency: 2\n      timeout: 240\n`;
const ibgu = (steps: string[], oadp = 'oadp-cm') => `apiVersion: lcm.openshift.io/v1alpha1
kind: ImageBasedGroupUpgrade
metadata:
  name: wave
  namespace: ztp-upgrades
spec:
  clusterLabelSelectors:
  - matchLabels:
      upgrade-wave: one
  ibuSpec:
    seedImageRef:
      image: quay.io/example/seed:4.18.9
      version: 4.18.9
      pullSecretRef:
        name: seed-pull-secret
    oadpContent:
    - name: ${oadp}
      namespace: openshift-adp
  plan:
${steps.map(step).join('')}`;

const live = (steps: string[]) => stringify({
  apiVersion: 'lcm.openshift.io/v1alpha1',
  kind: 'ImageBasedGroupUpgrade',
  metadata: { name: 'wave', namespace: 'ztp-upgrades' },
  spec: {
    clusterLabelSelectors: [{ matchLabels: { 'upgrade-wave': 'one' } }],
    ibuSpec: { seedImageRef: { image: 'quay.io/example/seed:4.18.9', version: '4.18.9', pullSecretRef: { name: 'seed-pull-secret' } }, oadpContent: [{ name: 'oadp-cm', namespace: 'openshift-adp' }] },
    plan: steps.map((action) => ({ actions: [action], rolloutStrategy: { maxConcurrency: 2, timeout: 240 } })),
  },
});

const hubParams = (over: Partial<HubParams> = {}): HubParams => ({ context: 'hub-a', namespace: 'default', ibgus: [], configMaps: [], secrets: [], ...over });

async function started(t: { after: (f: () => Promise<void>) => void }, text: string) {
  const client = new LspClient();
  t.after(() => client.close());
  await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
  client.notify('initialized', {});
  client.notify('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'yaml', version: 1, text } });
  await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === URI && p.version === 1);
  return client;
}

const codes = (p: any) => p.diagnostics.map((d: any) => d.code).sort();

test('a connected hub is asked for what the open IBGU references, and again when an edit references more', async (t) => {
  const client = await started(t, ibgu(['Prep', 'Upgrade']));
  client.notify(HUB_NOTIFICATION, hubParams());
  const lookups = await client.waitFor(HUB_LOOKUPS_NOTIFICATION);
  assert.deepEqual(lookups, {
    ibgus: [{ namespace: 'ztp-upgrades', name: 'wave' }],
    configMaps: [{ namespace: 'openshift-adp', name: 'oadp-cm' }],
    secrets: [{ namespace: 'ztp-upgrades', name: 'seed-pull-secret' }],
  });
  client.notify('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: ibgu(['Prep', 'Upgrade'], 'oadp-two') }] });
  const next = await client.waitFor(HUB_LOOKUPS_NOTIFICATION);
  assert.deepEqual(next.configMaps, [{ namespace: 'openshift-adp', name: 'oadp-two' }]);
  // A change that references nothing new asks for nothing.
  client.notify('textDocument/didChange', { textDocument: { uri: URI, version: 3 }, contentChanges: [{ text: `# a comment\n${ibgu(['Prep', 'Upgrade'], 'oadp-two')}` }] });
  await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === URI && p.version === 3);
  await assert.rejects(client.waitFor(HUB_LOOKUPS_NOTIFICATION, () => true, 1000));
});

test("the hub's answer about a ConfigMap shows and clears the diagnostic without an edit", async (t) => {
  const client = await started(t, ibgu(['Prep', 'Upgrade']));
  client.notify(HUB_NOTIFICATION, hubParams({ configMaps: [['openshift-adp/oadp-cm', false]], secrets: [['ztp-upgrades/seed-pull-secret', true]] }));
  const missing = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === URI && codes(p).includes('ibgu/hub-configmap-missing'));
  const d = missing.diagnostics.find((x: any) => x.code === 'ibgu/hub-configmap-missing');
  assert.equal(d.severity, 1);
  assert.match(d.message, /ConfigMap openshift-adp\/oadp-cm \(oadpContent\) does not exist on the hub \(context hub-a\)/);
  assert.equal(d.range.start.line, 16);
  // The ConfigMap is created: the client reports it, and the finding goes with no edit.
  client.notify(HUB_NOTIFICATION, hubParams({ configMaps: [['openshift-adp/oadp-cm', true]], secrets: [['ztp-upgrades/seed-pull-secret', true]] }));
  const cleared = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === URI && !codes(p).includes('ibgu/hub-configmap-missing'));
  assert.equal(cleared.version, 1);
  assert.deepEqual(codes(cleared), []);
  // The secret goes missing.
  client.notify(HUB_NOTIFICATION, hubParams({ configMaps: [['openshift-adp/oadp-cm', true]], secrets: [['ztp-upgrades/seed-pull-secret', false]] }));
  await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === URI && codes(p).includes('ibgu/hub-secret-missing'));
  // The hub disconnects: nothing from it stays.
  client.notify(HUB_NOTIFICATION, null);
  const gone = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === URI && !codes(p).includes('ibgu/hub-secret-missing'));
  assert.deepEqual(codes(gone), []);
});

test('a plan step removed as you type is checked against the live IBGU, and the finding names the hub', async (t) => {
  const client = await started(t, ibgu(['Prep', 'Upgrade']));
  client.notify(HUB_NOTIFICATION, hubParams({ ibgus: [{ namespace: 'ztp-upgrades', name: 'wave', yaml: live(['Prep', 'Upgrade']) }] }));
  await client.waitFor(HUB_LOOKUPS_NOTIFICATION);
  client.notify('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: ibgu(['Prep']) }] });
  const removed = await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === URI && p.version === 2);
  const d = removed.diagnostics.find((x: any) => x.code === 'ibgu/plan-append-only');
  assert.ok(d, JSON.stringify(removed));
  assert.match(d.message, /live one on hub hub-a/);
  // The live IBGU is replaced by a one-step one (deleted and created again): the file now equals it, and the finding goes.
  client.notify(HUB_NOTIFICATION, hubParams({ ibgus: [{ namespace: 'ztp-upgrades', name: 'wave', yaml: live(['Prep']) }] }));
  await client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === URI && p.version === 2 && !codes(p).includes('ibgu/plan-append-only'));
});
