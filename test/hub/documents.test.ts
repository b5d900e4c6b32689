/**
 * The editor-side hub helpers over plain objects: finding IBGUs in a file (for the lenses and apply), how many
 * clusters each step selects (TALM's rules: first action of the step, TALM's labels), what blocks an apply,
 * the diff text, the IBGU prefilled from chosen clusters, and which rollout changes are news.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { blockingFindings, diffText, ibgusInText, matchCounts } from '../../src/hub/documents';
import { newIbguText } from '../../src/hub/new-ibgu';
import { rolloutNews } from '../../src/hub/news';
import type { ClusterProgress, KubeObject, Rollout, StepProgress } from '../../src/hub/types';

const IBGU = `apiVersion: lcm.openshift.io/v1alpha1
kind: ImageBasedGroupUpgrade
metadata:
  name: wave-a
  namespace: ztp-upgrades
spec:
  clusterLabelSelectors:
  - matchLabels:
      upgrade-wave: a
  ibuSpec:
    seedImageRef:
      image: quay.io/example/seed:4.18.9
      version: 4.18.9
  plan:
  - actions: [Prep]
    rolloutStrategy: {maxConcurrency: 2, timeout: 240}
  - actions: [Upgrade]
    rolloutStrategy: {maxConcurrency: 2, timeout: 240}
`;

const cluster = (name: string, labels: Record<string, string>): KubeObject => ({ metadata: { name, labels } });

test('the IBGUs of a multi-document file, with the offsets of the document and of each step', () => {
  const text = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ztp-upgrades\n---\n${IBGU}---\n${IBGU.replace('wave-a', 'wave-b')}`;
  const found = ibgusInText(text);
  assert.deepEqual(found.map((f) => [f.document, f.name, f.namespace]), [[1, 'wave-a', 'ztp-upgrades'], [2, 'wave-b', 'ztp-upgrades']]);
  const second = found[1]!;
  assert.ok(text.slice(second.offset).startsWith('apiVersion: lcm.openshift.io'), 'the document offset is its first key');
  assert.deepEqual(second.steps.map((s) => s.actions), [['Prep'], ['Upgrade']]);
  for (const step of second.steps) assert.ok(text.slice(step.offset).startsWith('actions:'), `step offset at "${text.slice(step.offset, step.offset + 12)}"`);
  assert.equal(second.object.spec.plan.length, 2);
});

test('an IBGU inside a ConfigMap value is not offered for apply', () => {
  const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: policies, namespace: ztp}\ndata:\n  ibgu.yaml: |\n${IBGU.split('\n').map((l) => `    ${l}`).join('\n')}\n`;
  assert.deepEqual(ibgusInText(text), []);
});

test('match counts follow TALM: the first action of a step decides which of TALM\'s labels it needs', () => {
  const ibgu = parse(IBGU) as KubeObject;
  const clusters = [
    cluster('sno-0001', { 'upgrade-wave': 'a', 'lcm.openshift.io/ibgu-prep-completed': '' }),
    cluster('sno-0002', { 'upgrade-wave': 'a', 'lcm.openshift.io/ibgu-prep-failed': '' }),
    cluster('sno-0003', { 'upgrade-wave': 'a' }),
    cluster('sno-0004', { 'upgrade-wave': 'b', 'lcm.openshift.io/ibgu-prep-completed': '' }),
  ];
  const counts = matchCounts(ibgu, clusters);
  // Prep: every cluster of wave a. Upgrade: only those of wave a that completed Prep.
  assert.deepEqual(counts, [{ count: 3, names: ['sno-0001', 'sno-0002', 'sno-0003'] }, { count: 1, names: ['sno-0001'] }]);
});

test('a selector TALM cannot parse is reported instead of a count', () => {
  const ibgu = parse(IBGU.replace('  - matchLabels:\n      upgrade-wave: a', '  - matchExpressions:\n    - {key: upgrade-wave, operator: Equals, values: [a]}')) as KubeObject;
  const [first] = matchCounts(ibgu, [cluster('sno-0001', { 'upgrade-wave': 'a' })]);
  assert.ok(first && 'error' in first, JSON.stringify(first));
});

test('an apply is blocked by errors of its own document only, and by append-only against the hub\'s object', () => {
  const bad = IBGU.replace('- actions: [Prep]', '- actions: [Finalize]');
  const text = `${bad}---\n${IBGU.replace('wave-a', 'wave-b')}`;
  const first = blockingFindings('f.yaml', text, 0);
  assert.ok(first.length > 0 && first.every((f) => f.severity === 'error'), JSON.stringify(first));
  assert.deepEqual(blockingFindings('f.yaml', text, 1), [], 'the second document has no error of its own');
  // The hub already has a third step: the file would remove it.
  const live = parse(IBGU) as KubeObject;
  live.spec.plan.push({ actions: ['FinalizeUpgrade'], rolloutStrategy: { maxConcurrency: 2, timeout: 240 } });
  const vsHub = blockingFindings('f.yaml', IBGU, 0, live);
  assert.deepEqual(vsHub.map((f) => f.rule), ['ibgu/plan-append-only']);
});

test('the diff text leaves out what the server owns and keeps what the user wrote', () => {
  const object = parse(IBGU) as KubeObject;
  object.metadata = { ...object.metadata, uid: 'u-1', resourceVersion: '42', generation: 3, creationTimestamp: '2026-11-21T08:00:00Z', managedFields: [{ manager: 'x' }] };
  object.status = { conditions: [] };
  const text = diffText(object);
  for (const gone of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'status:']) assert.doesNotMatch(text, new RegExp(gone), gone);
  assert.deepEqual(parse(text).spec, parse(IBGU).spec);
  assert.equal(diffText(undefined), '');
});

test('a new IBGU from chosen clusters selects exactly them by name and is valid as written', () => {
  const text = newIbguText(['sno-0003', 'sno-0001', 'sno-0003'], { namespace: 'ztp-upgrades', now: new Date('2026-11-21T10:00:00Z') });
  const object = parse(text);
  assert.equal(object.metadata.namespace, 'ztp-upgrades');
  assert.deepEqual(object.spec.clusterLabelSelectors, [{ matchExpressions: [{ key: 'name', operator: 'In', values: ['sno-0001', 'sno-0003'] }] }]);
  assert.deepEqual(object.spec.plan.map((s: { actions: string[] }) => s.actions), [['Prep'], ['Upgrade'], ['FinalizeUpgrade']]);
  assert.deepEqual(blockingFindings('new.yaml', text, 0), []);
  const template = parse(IBGU) as KubeObject;
  const copied = parse(newIbguText(['sno-0001'], { namespace: 'ztp-upgrades', template }));
  assert.deepEqual(copied.spec.ibuSpec, template.spec.ibuSpec);
});

function step(index: number, state: StepProgress['state'], counts: Partial<Record<ClusterProgress['phase'], number>> = {}): StepProgress {
  return { index, actions: [['Prep'], ['Upgrade']][index]!, maxConcurrency: 2, timeoutMinutes: 240, state, clusters: [], counts: { pending: 0, 'in-progress': 0, completed: 0, failed: 0, ...counts } };
}

function rollout(steps: StepProgress[], clusters: ClusterProgress[]): Rollout {
  return { uid: 'u', namespace: 'ztp-upgrades', name: 'wave-a', plan: [['Prep'], ['Upgrade']], steps, clusters, done: 0, total: clusters.length, failed: 0, state: 'progressing' };
}

test('news: a step that ends and clusters that newly fail, once each', () => {
  const before = rollout([step(0, 'running'), step(1, 'waiting')], [{ name: 'a', phase: 'in-progress' }, { name: 'b', phase: 'failed', action: 'Prep' }]);
  const after = rollout([step(0, 'timed-out', { completed: 1, failed: 1 }), step(1, 'running')], [{ name: 'a', phase: 'failed', action: 'Prep', message: 'Prep failed', early: true }, { name: 'b', phase: 'failed', action: 'Prep' }]);
  const news = rolloutNews(before, after);
  assert.deepEqual(news.stepsEnded, [{ index: 0, actions: ['Prep'], state: 'timed-out', completed: 1, failed: 1 }]);
  assert.deepEqual(news.newlyFailed, [{ name: 'a', action: 'Prep', message: 'Prep failed', early: true }]);
  assert.deepEqual(rolloutNews(after, after), { stepsEnded: [], newlyFailed: [] }, 'nothing new when nothing changed');
});
