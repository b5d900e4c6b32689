/**
 * The hub tree model on hand-written rollouts: stable unique ids whatever the input order, clusters grouped
 * by phase, the filters, the disconnected hub's message and stale data, and the contextValues menus use.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHubTree } from '../../src/hub/tree-model';
import type { ClusterPhase, ClusterProgress, ConnectionState, KubeObject, Rollout, StepProgress, TreeNode } from '../../src/hub/types';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const CONNECTED: ConnectionState = { phase: 'connected', lastEventAt: NOW - 7_000 };

function step(index: number, actions: string[], clusters: ClusterProgress[], extra: Partial<StepProgress> = {}): StepProgress {
  const counts: Record<ClusterPhase, number> = { pending: 0, 'in-progress': 0, completed: 0, failed: 0 };
  for (const c of clusters) counts[c.phase]++;
  return { index, actions, maxConcurrency: 10, timeoutMinutes: 240, state: 'running', clusters, counts, ...extra };
}

function rollout(name: string, steps: StepProgress[], extra: Partial<Rollout> = {}): Rollout {
  const names = [...new Set(steps.flatMap((s) => s.clusters.map((c) => c.name)))];
  const failed = names.filter((n) => steps.some((s) => s.clusters.some((c) => c.name === n && c.phase === 'failed'))).length;
  return { uid: `uid-${name}`, namespace: 'ztp', name, plan: steps.map((s) => s.actions), steps, clusters: [], done: 0, total: names.length, failed, state: 'progressing', ...extra };
}

const mc = (name: string, labels: Record<string, string> = {}): KubeObject => ({ metadata: { name, uid: `mc-${name}`, labels: { common: 'true', ...labels } } });

/** wave: a Prep step with one of each phase (in batches), and an Upgrade step that waits. */
function wave(): Rollout {
  return rollout('wave', [
    step(0, ['Prep', 'Upgrade'], [
      { name: 'sno-a', phase: 'completed', batch: 1 },
      { name: 'sno-b', phase: 'failed', action: 'Prep', message: 'Prep failed', early: true, batch: 1 },
      { name: 'sno-c', phase: 'in-progress', action: 'Upgrade', batch: 2 },
      { name: 'sno-d', phase: 'pending', batch: 3 },
      { name: 'sno-e', phase: 'failed', action: 'Prep', message: 'Action did not successfully complete before the timeout specified in the rolloutStrategy\nsecond line', batch: 1 },
    ], { batch: 2, batchCount: 5, cgu: 'wave-prep-upgrade-0' }),
    step(1, ['FinalizeUpgrade'], [{ name: 'sno-a', phase: 'pending' }], { state: 'waiting', maxConcurrency: 0, timeoutMinutes: 60 }),
  ], { message: 'Waiting for plan step 0 to be completed' });
}

function healthy(): Rollout {
  return rollout('calm', [step(0, ['Prep'], [{ name: 'sno-z', phase: 'completed' }], { state: 'completed' })], { state: 'completed', done: 1 });
}

function build(rollouts: Rollout[], filter = {}, state: ConnectionState = CONNECTED, clusters: KubeObject[] = [mc('sno-a', { 'lcm.openshift.io/ibgu-prep-completed': '' }), mc('sno-b', { 'lcm.openshift.io/ibgu-upgrade-failed': '', 'lcm.openshift.io/ibgu-prep-completed': '' })]): TreeNode {
  return buildHubTree({ context: 'hub-1', server: 'https://api.hub-1.example.com:6443', state, rollouts, managedClusters: clusters, now: NOW }, filter);
}

function all(node: TreeNode): TreeNode[] {
  return [node, ...(node.children ?? []).flatMap(all)];
}

const child = (node: TreeNode, label: string | RegExp) => node.children!.find((c) => (typeof label === 'string' ? c.label === label : label.test(c.label)))!;
const labels = (node: TreeNode | undefined) => (node?.children ?? []).map((c) => c.label);

describe('buildHubTree', () => {
  test('hub → IBGUs → steps → phases → clusters, with descriptions, icons and contextValues', () => {
    const root = build([wave(), healthy()]);
    assert.deepEqual([root.id, root.label, root.kind, root.contextValue, root.description], ['hub-1', 'hub-1', 'hub', 'hub.connected', 'connected']);
    assert.match(root.tooltip!, /https:\/\/api\.hub-1\.example\.com:6443/);
    assert.doesNotMatch(root.tooltip!, /Last event/, 'while connected, nothing in the row changes with each event');
    assert.deepEqual(labels(root), ['Image-based group upgrades', 'Managed clusters']);
    const ibgus = root.children![0]!;
    assert.deepEqual(labels(ibgus), ['ztp/calm', 'ztp/wave'], 'sorted by namespace/name');
    const w = child(ibgus, 'ztp/wave');
    assert.deepEqual([w.id, w.description, w.contextValue, w.icon?.id], ['hub-1/ibgu/uid-wave', '0/5 · 2 failed', 'ibgu.progressing', 'sync~spin']);
    assert.ok(w.tooltip!.replace(/\\/g, '').includes('Waiting for Step 1: Prep, Upgrade — TALM: "Waiting for plan step 0 to be completed"'), w.tooltip);
    assert.deepEqual(w.ref, { context: 'hub-1', namespace: 'ztp', name: 'wave', uid: 'uid-wave' });
    assert.deepEqual(child(ibgus, 'ztp/calm').icon, { id: 'pass', color: 'testing.iconPassed' });
    const [prep, finalize] = w.children!;
    assert.ok(prep!.tooltip!.replace(/\\/g, '').startsWith('**Step 1: Prep, Upgrade** — running'), prep!.tooltip);
    assert.deepEqual([prep!.label, prep!.description, prep!.contextValue, prep!.icon?.id], ['Step 1: Prep, Upgrade', 'maxConcurrency 10 · timeout 240 min · batch 2/5', 'step.running', 'sync~spin']);
    assert.deepEqual([finalize!.label, finalize!.description, finalize!.contextValue, finalize!.icon?.id], ['Step 2: FinalizeUpgrade', 'all at once · timeout 60 min', 'step.waiting', 'clock']);
    assert.deepEqual(labels(prep), ['Failed (2)', 'In progress (1)', 'Completed (1)', 'Pending (1)']);
    assert.deepEqual(prep!.children!.map((p) => [p.contextValue, p.collapsible]), [['phase.failed', 'expanded'], ['phase.in-progress', 'collapsed'], ['phase.completed', 'collapsed'], ['phase.pending', 'collapsed']]);
    const failed = prep!.children![0]!;
    assert.deepEqual(labels(failed), ['sno-b', 'sno-e']);
    const b = failed.children![0]!;
    assert.deepEqual([b.id, b.kind, b.description, b.contextValue, b.collapsible], ['hub-1/ibgu/uid-wave/step/0/cluster/sno-b', 'cluster', 'Prep: Prep failed', 'cluster.failed', 'none']);
    assert.match(b.tooltip!, /not yet reported by TALM/);
    assert.deepEqual(b.ref, { context: 'hub-1', namespace: 'ztp', name: 'wave', uid: 'uid-wave', step: 0, cluster: 'sno-b' });
    const e = failed.children![1]!;
    assert.equal(e.description, `Prep: ${'Action did not successfully complete before the timeout specified in the rolloutStrategy'.slice(0, 79)}…`, 'first line, cut to 80 characters');
    assert.match(e.tooltip!, /second line/);
    assert.doesNotMatch(e.tooltip!, /not yet reported/);
    assert.equal(child(prep!, /^In progress/).children![0]!.description, 'Upgrade · batch 2');
    assert.equal(child(prep!, /^Pending/).children![0]!.description, 'batch 3');
    assert.equal(child(prep!, /^Completed/).children![0]!.contextValue, 'cluster.completed');

    const mcs = root.children![1]!;
    assert.deepEqual([mcs.contextValue, mcs.description], ['managedClusters', '2']);
    const [a, bb] = mcs.children!;
    assert.deepEqual([a!.label, a!.description, a!.contextValue, a!.id], ['sno-a', 'prep ✓', 'managedCluster', 'hub-1/managedCluster/mc-sno-a']);
    assert.deepEqual([bb!.description, bb!.icon?.color], ['prep ✓ · upgrade ✗', 'testing.iconFailed']);
    assert.match(bb!.tooltip!, /lcm\.openshift\.io\/ibgu-upgrade-failed=/);
    assert.match(bb!.tooltip!, /common=true/);
  });

  test('ids are unique and stable when the input comes in another order', () => {
    const one = build([wave(), healthy()]);
    const shuffled = wave();
    shuffled.steps[0]!.clusters.reverse();
    const two = build([healthy(), shuffled], {}, CONNECTED, [mc('sno-b', { 'lcm.openshift.io/ibgu-upgrade-failed': '' }), mc('sno-a')]);
    const ids = all(one).map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, 'unique');
    assert.deepEqual(all(two).map((n) => n.id), ids, 'same ids in the same (sorted) places');
    // A cluster moving from Pending to In progress keeps its id.
    const moved = wave();
    moved.steps[0]!.clusters[3] = { name: 'sno-d', phase: 'in-progress', action: 'Prep', batch: 3 };
    moved.steps[0]!.counts = { pending: 0, 'in-progress': 2, completed: 1, failed: 2 };
    const d = all(build([moved])).find((n) => n.label === 'sno-d' && n.kind === 'cluster')!;
    assert.equal(d.id, 'hub-1/ibgu/uid-wave/step/0/cluster/sno-d');
    assert.equal(d.contextValue, 'cluster.in-progress');
  });

  test('thousands are written with separators', () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({ name: `sno-${String(i).padStart(4, '0')}`, phase: 'completed' as const }));
    const root = build([rollout('big', [step(0, ['Prep'], many)])]);
    assert.deepEqual(labels(root.children![0]!.children![0]!.children![0]!), ['Completed (3,000)']);
  });

  test('failedOnly keeps IBGUs, steps and clusters with failures, and ManagedClusters with a failed label', () => {
    const root = build([wave(), healthy()], { failedOnly: true });
    const ibgus = root.children![0]!;
    assert.deepEqual(labels(ibgus), ['ztp/wave']);
    assert.equal(ibgus.description, '1 of 2');
    const w = ibgus.children![0]!;
    assert.deepEqual(labels(w), ['Step 1: Prep, Upgrade']);
    assert.deepEqual(labels(w.children![0]), ['Failed (2)']);
    assert.deepEqual(labels(root.children![1]), ['sno-b']);
  });

  test('text matches cluster names, or an IBGU name (then all of it shows), case-insensitively', () => {
    const byCluster = build([wave(), healthy()], { text: 'SNO-C' });
    assert.deepEqual(labels(byCluster), ['Image-based group upgrades'], 'no ManagedCluster is called sno-c');
    const w = byCluster.children![0]!.children![0]!;
    assert.deepEqual([w.label, labels(w)], ['ztp/wave', ['Step 1: Prep, Upgrade']]);
    assert.deepEqual(labels(w.children![0]), ['In progress (1)']);
    const byIbgu = build([wave(), healthy()], { text: 'Wave' });
    const whole = byIbgu.children![0]!.children!;
    assert.deepEqual(labels({ children: whole } as TreeNode), ['ztp/wave']);
    assert.deepEqual(labels(whole[0]), ['Step 1: Prep, Upgrade', 'Step 2: FinalizeUpgrade']);
    assert.deepEqual(labels(whole[0]!.children![0]), ['Failed (2)', 'In progress (1)', 'Completed (1)', 'Pending (1)']);
    const both = build([wave(), healthy()], { text: 'wave', failedOnly: true });
    assert.deepEqual(labels(both.children![0]!.children![0]!.children![0]), ['Failed (2)']);
  });

  test('a filter that hides everything says so', () => {
    const none = build([healthy()], { failedOnly: true }, CONNECTED, [mc('sno-z')]);
    assert.deepEqual(none.children!.map((c) => [c.kind, c.label]), [['message', 'No failed clusters']]);
    const text = build([healthy()], { text: 'nothing-like-this' });
    assert.deepEqual(text.children!.map((c) => [c.kind, c.label]), [['message', 'Nothing matches "nothing-like-this"']]);
    const empty = build([], {}, CONNECTED, []);
    assert.deepEqual(empty.children![0]!.children!.map((c) => [c.kind, c.label]), [['message', 'No image-based group upgrades on this hub']], 'no filter: the empty hub says so');
  });

  test('disconnected: a message child says why, the last known IBGUs stay, marked stale', () => {
    const state: ConnectionState = { phase: 'unauthorised', message: 'The token for hub-1 has expired: run `oc login` again', lastEventAt: NOW - 60_000, retryAt: NOW + 5_000 };
    const root = build([wave()], {}, state);
    assert.deepEqual([root.contextValue, root.description], ['hub.unauthorised', 'not authorised · retry in 5 s']);
    assert.deepEqual([root.children![0]!.kind, root.children![0]!.label], ['message', state.message]);
    assert.match(root.tooltip!, /oc login/);
    assert.deepEqual([root.label, root.description?.split(' · ')[0]], ['hub-1', 'not authorised'], 'the row starts with the context; the phase is the description');
    assert.match(root.tooltip!, /Last event: /, 'how old the data is: in the tooltip, not the row');
    const long = build([], {}, { ...state, message: `connect ECONNREFUSED 127.0.0.1:6443 while listing ImageBasedGroupUpgrades in every namespace\nsecond line` });
    const row = long.children![0]!;
    assert.equal(row.label, 'connect ECONNREFUSED 127.0.0.1:6443 while listing ImageBase…', 'a long message: its first line, cut to 60 characters');
    assert.match(row.tooltip!, /second line/, 'the whole message in the tooltip');
    assert.match(root.tooltip!, /Last event: 2025-06-01T11:59:00\.000Z/, 'how old the stale data is');
    const ibgus = root.children![1]!;
    assert.deepEqual([ibgus.kind, ibgus.description], ['ibgus', '1 · stale']);
    assert.match(ibgus.children![0]!.description!, /stale$/);
    const forbidden = build([], {}, { phase: 'forbidden', message: 'You may not watch ManifestWorks', permission: 'watch manifestworks.work.open-cluster-management.io' }, []);
    assert.deepEqual(forbidden.children!.map((c) => c.kind), ['message'], 'nothing known yet: only the message');
    assert.match(forbidden.children![0]!.tooltip!, /watch manifestworks\.work\.open-cluster-management\.io/);
    const idle = build([], {}, { phase: 'idle' }, []);
    assert.deepEqual([idle.contextValue, idle.collapsible, idle.children], ['hub.idle', 'expanded', []]);
  });

  test('3,500 clusters × 3 steps: a node for every cluster of every step (its time is in npm run bench:hub)', () => {
    const names = Array.from({ length: 3500 }, (_, i) => `sno-${String(i).padStart(4, '0')}`);
    const phase = (i: number): ClusterProgress['phase'] => (i % 100 === 0 ? 'failed' : i < 3000 ? 'completed' : i < 3100 ? 'in-progress' : 'pending');
    const steps = [0, 1, 2].map((s) => step(s, [['Prep'], ['Upgrade'], ['FinalizeUpgrade']][s]!, names.map((name, i) => ({ name, phase: phase(i), action: 'Prep', message: 'Prep failed', batch: 1 + Math.floor(i / 100) }))));
    const big = rollout('big', steps);
    const clusters = names.map((n) => mc(n, { 'lcm.openshift.io/ibgu-prep-completed': '' }));
    const root = build([big], {}, CONNECTED, clusters);
    assert.equal(all(root).filter((n) => n.kind === 'cluster').length, 10_500);
  });
});
