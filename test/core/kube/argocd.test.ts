import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argoCdTracking, argoCdWarning } from '../../../src/core/kube/argocd';

test('annotation tracking names the Application, with its namespace when the id carries one', () => {
  const id = (v: string) => ({ metadata: { annotations: { 'argocd.argoproj.io/tracking-id': v } } });
  assert.deepEqual(argoCdTracking(id('ztp-ibgus:lcm.openshift.io/ImageBasedGroupUpgrade:ztp-upgrades/wave-a')), { application: 'ztp-ibgus', by: 'annotation' });
  assert.deepEqual(argoCdTracking(id('gitops_ztp-ibgus:lcm.openshift.io/ImageBasedGroupUpgrade:ztp-upgrades/wave-a')), { application: 'gitops/ztp-ibgus', by: 'annotation' });
  assert.equal(argoCdTracking(id('no-colon')), undefined);
});

test('label tracking is recognised, and said to be weaker evidence', () => {
  const labelled = { metadata: { labels: { 'app.kubernetes.io/instance': 'clusters' } } };
  assert.deepEqual(argoCdTracking(labelled), { application: 'clusters', by: 'label' });
  assert.match(argoCdWarning(labelled, 'ManagedCluster sno-1'), /Argo CD Application clusters tracks ManagedCluster sno-1 .*Helm and other tools set it too/);
});

test('an untracked object gets no warning', () => {
  assert.equal(argoCdTracking({ metadata: { labels: { app: 'x' } } }), undefined);
  assert.equal(argoCdWarning({ metadata: {} }, 'x'), '');
  assert.equal(argoCdWarning(undefined, 'x'), '');
});

test('a cluster\'s text is data: a tracking id that is not a name is not shown as one (no markup, no link)', () => {
  const hostile = { metadata: { annotations: { 'argocd.argoproj.io/tracking-id': '[Open](https\u200b//x.example) **now**:x/y:z/w' } } };
  const tracking = argoCdTracking(hostile);
  assert.equal(tracking?.application, '(a name that is not a valid Kubernetes name)');
  assert.doesNotMatch(argoCdWarning(hostile, 'x'), /\[|\*\*/);
});
