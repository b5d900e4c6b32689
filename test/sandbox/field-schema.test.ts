/**
 * Server-side apply reads list and map types from the schema the core states for each kind (the one admission
 * and OpenAPI use). These are the facts of the upstream CRDs and k8s.io/api markers that our flows touch; each
 * must come out of the schemas. A schema that drops one (a conditions list no longer keyed by type) fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldSchemaOf, type ListType } from '../../src/sandbox/field-schema';

const keyed = (...keys: string[]): ListType => ({ type: 'map', keys });
const SET: ListType = { type: 'set' };
const ATOMIC: ListType = { type: 'atomic' };

const LISTS: [kind: string, path: string, type: ListType][] = [
  // k8s.io/apimachinery/pkg/apis/meta/v1/types.go: ObjectMeta, typed in custom resources too.
  ['ImageBasedGroupUpgrade', 'metadata.finalizers', SET],
  ['ConfigMap', 'metadata.ownerReferences', keyed('uid')],
  // clusters.open-cluster-management.io_managedclusters.yaml
  ['ManagedCluster', 'status.conditions', keyed('type')],
  ['ManagedCluster', 'status.managedNamespaces', keyed('clusterSet', 'name')],
  ['ManagedCluster', 'status.managedNamespaces[].conditions', keyed('type')],
  // TALM's ibgu-crd.yaml: every list atomic.
  ['ImageBasedGroupUpgrade', 'spec.plan', ATOMIC],
  ['ImageBasedGroupUpgrade', 'spec.plan[].actions', ATOMIC],
  ['ImageBasedGroupUpgrade', 'spec.clusterLabelSelectors', ATOMIC],
  // cgu-crd.yaml
  ['ClusterGroupUpgrade', 'status.clusters[].currentManifestWork.status.manifests[].conditions', keyed('type')],
  ['ClusterGroupUpgrade', 'status.clusters[].currentManifestWork.status.manifests[].statusFeedback.values', keyed('name')],
  // work.open-cluster-management.io_manifestworks.yaml
  ['ManifestWork', 'spec.manifestConfigs[].conditionRules', keyed('condition')],
  ['ManifestWork', 'spec.manifestConfigs[].feedbackRules[].jsonPaths', keyed('name')],
  ['ManifestWork', 'status.conditions', keyed('type')],
  ['ManifestWork', 'status.resourceStatus.manifests[].conditions', keyed('type')],
  ['ManifestWork', 'status.resourceStatus.manifests[].statusFeedback.values', keyed('name')],
  // k8s.io/api/core/v1/types.go NamespaceSpec.Finalizers `+listType=atomic`.
  ['Namespace', 'spec.finalizers', ATOMIC],
];

const ATOMIC_MAPS: [string, string][] = [
  // ibgu-crd.yaml and cgu-crd.yaml: each selector `x-kubernetes-map-type: atomic`; LabelSelector `+structType=atomic`.
  ['ImageBasedGroupUpgrade', 'spec.clusterLabelSelectors[]'],
  ['ClusterGroupUpgrade', 'spec.clusterLabelSelectors[]'],
  ['Deployment', 'spec.selector'],
];

const FREE_MAPS: [string, string][] = [
  ['ImageBasedGroupUpgrade', 'metadata.labels'], ['ImageBasedGroupUpgrade', 'metadata.annotations'],
  ['ImageBasedGroupUpgrade', 'spec.clusterLabelSelectors[].matchLabels'],
  ['ManagedCluster', 'status.allocatable'], ['ManagedCluster', 'status.capacity'],
  ['ClusterGroupUpgrade', 'spec.clusterLabelSelectors[].matchLabels'],
  ['ClusterGroupUpgrade', 'spec.actions.beforeEnable.addClusterLabels'],
  // A ManifestWork's manifests keep unknown fields: below them every object is a free-form map.
  ['ManifestWork', 'spec.workload.manifests[]'], ['ManifestWork', 'spec.workload.manifests[].spec.anything'],
  ['ConfigMap', 'data'], ['ConfigMap', 'binaryData'], ['Secret', 'data'], ['Secret', 'stringData'],
];

test('list types come from the schemas: keyed maps, sets and atomic lists as upstream declares them', () => {
  for (const [kind, path, type] of LISTS) assert.deepEqual(fieldSchemaOf(kind).list(path), type, `${kind} ${path}`);
});

test('atomic and free-form maps come from the schemas; named fields stay granular', () => {
  for (const [kind, path] of ATOMIC_MAPS) assert.equal(fieldSchemaOf(kind).atomicMap(path), true, `${kind} ${path}`);
  for (const [kind, path] of FREE_MAPS) assert.equal(fieldSchemaOf(kind).freeFormMap(path), true, `${kind} ${path}`);
  for (const [kind, path] of [['ImageBasedGroupUpgrade', 'spec'], ['ImageBasedGroupUpgrade', 'spec.ibuSpec'], ['ManagedCluster', 'spec'], ['ConfigMap', 'metadata']] as const) {
    assert.equal(fieldSchemaOf(kind).freeFormMap(path), false, `${kind} ${path}`);
    assert.equal(fieldSchemaOf(kind).atomicMap(path), false, `${kind} ${path}`);
  }
  // A kind no surface serves: every list atomic, every object granular.
  assert.deepEqual(fieldSchemaOf('Unknown').list('spec.items'), ATOMIC);
  assert.equal(fieldSchemaOf('Unknown').freeFormMap('spec'), false);
});
