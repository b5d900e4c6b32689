/**
 * The wording of a conflict (src/hub/seen.ts): what changed since the user looked, in the part of
 * the object the decision rests on, and nothing when only other parts changed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changeSince, specView } from '../../src/hub/seen';
import type { KubeObject } from '../../src/hub/types';

const mc = (labels: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'cluster.open-cluster-management.io/v1',
  kind: 'ManagedCluster',
  metadata: { name: 'sno-1', uid: 'u1', resourceVersion: '10', labels },
  ...extra,
});

test('status, resourceVersion and managedFields are outside the default view', () => {
  const before = mc({ a: '1' }, { status: { conditions: [] } });
  const after = { ...mc({ a: '1' }, { status: { conditions: [{ type: 'Available' }] } }), metadata: { ...before.metadata, resourceVersion: '11', managedFields: [{}] } };
  assert.equal(changeSince({ object: before }, after), undefined);
  assert.deepEqual(Object.keys(specView(before) as object).sort(), ['apiVersion', 'kind', 'metadata']);
});

test('a deletion, and a deletion followed by a creation under the same name, are said as such', () => {
  assert.equal(changeSince({ object: mc({}) }, undefined), 'it was deleted');
  assert.equal(changeSince({ object: mc({}) }, { ...mc({}), metadata: { ...mc({}).metadata, uid: 'u2' } }), 'it was deleted and created again (a new uid)');
});

test('labels added, removed and changed are named with their keys, in order, at most four', () => {
  const before = mc({ 'lcm.openshift.io/ibgu-prep-completed': '', keep: 'x', gone: 'y' });
  const after = mc({ 'lcm.openshift.io/ibgu-prep-completed': '', keep: 'z', 'lcm.openshift.io/ibgu-upgrade-failed': '' });
  assert.equal(
    changeSince({ object: before }, after),
    'metadata.labels.gone was removed (was "y"); metadata.labels.keep: "x" → "z"; metadata.labels["lcm.openshift.io/ibgu-upgrade-failed"] was added ("")',
  );
  const many = mc(Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => [k, '1'])));
  assert.match(changeSince({ object: mc({}) }, many) ?? '', /; and 2 more$/);
});

test('a view narrows what counts: a change elsewhere is no change', () => {
  const view = (o: KubeObject) => ({ labels: o.metadata.labels });
  const before = mc({ a: '1' });
  assert.equal(changeSince({ object: before, view }, { ...before, metadata: { ...before.metadata, annotations: { x: 'y' } } }), undefined);
  assert.equal(changeSince({ object: before, view }, mc({ a: '2' })), 'labels.a: "1" → "2"');
});

test('a step appended to a plan is named by its index, with the step shortened', () => {
  const step = (actions: string[]) => ({ actions, rolloutStrategy: { maxConcurrency: 1, timeout: 30 } });
  const ibgu = (plan: unknown[]): KubeObject => ({ kind: 'ImageBasedGroupUpgrade', metadata: { name: 'w', uid: 'u' }, spec: { plan } });
  const said = changeSince({ object: ibgu([step(['Prep'])]) }, ibgu([step(['Prep']), step(['Upgrade', 'FinalizeUpgrade'])]));
  assert.match(said ?? '', /^spec\.plan\[1\] was added \(\{"actions":\["Upgrade","FinalizeUpgrade"\],"rolloutStrategy…\)$/);
});
