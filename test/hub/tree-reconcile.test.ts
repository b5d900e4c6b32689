/**
 * Rebuilding the hub tree refreshes only what changed, on the node objects VS Code already holds: built from
 * the real tree model, as the view rebuilds it on every batch of watch events.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHubTree } from '../../src/hub/tree-model';
import { reconcile } from '../../src/hub/tree-reconcile';
import type { ClusterProgress, ConnectionState, KubeObject, Rollout, StepProgress, TreeNode } from '../../src/hub/types';

const CONNECTED: ConnectionState = { phase: 'connected', lastEventAt: 1 };

function rollout(phases: Record<string, ClusterProgress['phase']>): Rollout {
  const clusters: ClusterProgress[] = Object.entries(phases).map(([name, phase]) => ({ name, phase, ...(phase === 'failed' ? { action: 'Prep', message: 'Prep failed' } : {}) }));
  const counts = { pending: 0, 'in-progress': 0, completed: 0, failed: 0 };
  for (const c of clusters) counts[c.phase]++;
  const step: StepProgress = { index: 0, actions: ['Prep'], maxConcurrency: 10, timeoutMinutes: 240, state: 'running', clusters, counts };
  return { uid: 'uid-wave', namespace: 'ztp', name: 'wave', plan: [['Prep']], steps: [step], clusters: [], done: counts.completed, total: clusters.length, failed: counts.failed, state: 'progressing' };
}

const mc = (name: string, labels: Record<string, string> = {}): KubeObject => ({ metadata: { name, uid: `mc-${name}`, labels } });

function build(r: Rollout, state: ConnectionState = CONNECTED, clusters = [mc('sno-1'), mc('sno-2'), mc('sno-3')]): TreeNode[] {
  return [buildHubTree({ context: 'hub', state, rollouts: [r], managedClusters: clusters, now: 1000 }, {})];
}

/** Every node reachable through children VS Code has fetched (recorded in `seen`), as the view would walk them. */
function expandAll(roots: readonly TreeNode[], seen: WeakSet<TreeNode>): TreeNode[] {
  const out: TreeNode[] = [];
  const walk = (n: TreeNode) => {
    out.push(n);
    if (n.collapsible === 'none') return;
    seen.add(n);
    for (const c of n.children ?? []) walk(c);
  };
  roots.forEach(walk);
  return out;
}

const find = (nodes: readonly TreeNode[], id: RegExp) => nodes.find((n) => id.test(n.id))!;

describe('reconcile', () => {
  test('a rebuild with nothing changed refreshes nothing and keeps every object', () => {
    const seen = new WeakSet<TreeNode>();
    const first = build(rollout({ 'sno-1': 'in-progress', 'sno-2': 'pending' }));
    const shown = expandAll(first, seen);
    const { roots, changed } = reconcile(first, build(rollout({ 'sno-1': 'in-progress', 'sno-2': 'pending' })), (n) => seen.has(n));
    assert.deepEqual(changed, []);
    assert.equal(roots[0], first[0]);
    const again = expandAll(roots, seen);
    assert.equal(again.length, shown.length);
    again.forEach((n, i) => assert.equal(n, shown[i], `${n.id} is the object VS Code holds`));
  });

  test('a cluster that changes phase refreshes its step, not the hub or the managed clusters', () => {
    const seen = new WeakSet<TreeNode>();
    const first = build(rollout({ 'sno-1': 'in-progress', 'sno-2': 'pending' }));
    const shown = expandAll(first, seen);
    const managed = find(shown, /\/managedCluster\/mc-sno-1$/);
    const { changed } = reconcile(first, build(rollout({ 'sno-1': 'failed', 'sno-2': 'pending' })), (n) => seen.has(n));
    assert.ok(changed !== 'all');
    const refreshed = changed.map((n) => n.id);
    assert.ok(refreshed.length > 0, 'something is refreshed');
    assert.ok(!refreshed.includes('hub'), `the hub row is left alone: ${refreshed.join(', ')}`);
    for (const id of refreshed) assert.ok(!id.includes('/managedCluster'), `${id} is not under Managed clusters`);
    // No refreshed node lies below another: each refresh already covers its subtree.
    for (const a of changed) for (const b of changed) if (a !== b) assert.ok(!b.id.startsWith(`${a.id}/`), `${b.id} is below ${a.id}`);
    assert.equal(find(expandAll(first, seen), /\/managedCluster\/mc-sno-1$/), managed, 'the managed cluster keeps its object');
  });

  test('a changed leaf refreshes only that leaf; its fields are carried onto the object VS Code holds', () => {
    const seen = new WeakSet<TreeNode>();
    const first = build(rollout({ 'sno-1': 'completed' }));
    const leaf = find(expandAll(first, seen), /\/managedCluster\/mc-sno-2$/);
    const { changed } = reconcile(first, build(rollout({ 'sno-1': 'completed' }), CONNECTED, [mc('sno-1'), mc('sno-2', { 'lcm.openshift.io/ibgu-prep-failed': '' }), mc('sno-3')]), (n) => seen.has(n));
    assert.deepEqual(changed, [leaf]);
    assert.match(leaf.description ?? '', /prep ✗|prep/i);
    assert.match(leaf.tooltip ?? '', /ibgu-prep-failed/);
  });

  test('a node that loses a field loses it on the kept object too', () => {
    const seen = new WeakSet<TreeNode>();
    const first = build(rollout({ 'sno-1': 'completed' }), CONNECTED, [mc('sno-1', { 'lcm.openshift.io/ibgu-prep-completed': '' })]);
    const leaf = find(expandAll(first, seen), /\/managedCluster\/mc-sno-1$/);
    assert.ok(leaf.description);
    reconcile(first, build(rollout({ 'sno-1': 'completed' }), CONNECTED, [mc('sno-1')]), (n) => seen.has(n));
    assert.equal(leaf.description, undefined);
  });

  test('children VS Code never fetched are not built, and change nothing', () => {
    const first = build(rollout({ 'sno-1': 'completed' }));
    let built = 0;
    const next = build(rollout({ 'sno-1': 'completed' }));
    const group = find(next[0]!.children!, /\/managedClusters$/);
    const lazy = Object.getOwnPropertyDescriptor(group, 'children')!;
    Object.defineProperty(group, 'children', { get: () => (built++, lazy.get!.call(group)), enumerable: true, configurable: true });
    const { changed } = reconcile(first, next, () => false);
    assert.deepEqual(changed, []);
    assert.equal(built, 0, 'the collapsed group of managed clusters was not built');
    assert.equal(find(first[0]!.children!, /\/managedClusters$/).children!.length, 3, 'it builds when read');
    assert.equal(built, 1);
  });

  test('a new or removed child refreshes its parent; another set of roots refreshes everything', () => {
    const seen = new WeakSet<TreeNode>();
    const first = build(rollout({ 'sno-1': 'completed' }));
    expandAll(first, seen);
    const more = reconcile(first, build(rollout({ 'sno-1': 'completed' }), CONNECTED, [mc('sno-1'), mc('sno-2'), mc('sno-3'), mc('sno-4')]), (n) => seen.has(n));
    assert.ok(more.changed !== 'all');
    assert.ok(more.changed.some((n) => /\/managedClusters$/.test(n.id)), 'Managed clusters is refreshed');
    const other = buildHubTree({ context: 'hub-2', state: CONNECTED, rollouts: [], managedClusters: [], now: 1000 }, {});
    assert.equal(reconcile(first, [...build(rollout({ 'sno-1': 'completed' })), other], (n) => seen.has(n)).changed, 'all');
  });
});
