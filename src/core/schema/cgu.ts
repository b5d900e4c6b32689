/**
 * TALM's ClusterGroupUpgrade, as its CRD states it (openshift-kni/cluster-group-upgrades-operator,
 * `api/v1alpha1/clustergroupupgrade_types.go` and the generated
 * `bundle/manifests/ran.openshift.io_clustergroupupgrades.yaml`). An IBGU step becomes one of these.
 */
import { conditions, labelSelector, metaCondition, resource } from './meta';
import { arr, bool, int, mapOf, obj, str, stringMap, strings, withAttrs, type ObjectSchema } from './types';

const nameNamespace = (what: string) => obj({ name: str(`Name of the ${what}.`), namespace: str(`Namespace of the ${what}.`) });

const clusterChanges = (when: string) => ({
  addClusterLabels: stringMap(`Labels put on each cluster ${when}.`),
  deleteClusterLabels: stringMap(`Labels taken off each cluster ${when} (deprecated form).`),
  removeClusterLabels: strings(`Label keys taken off each cluster ${when}.`),
  addClusterAnnotations: stringMap(`Annotations put on each cluster ${when}.`),
  removeClusterAnnotations: strings(`Annotation keys taken off each cluster ${when}.`),
});

export const cguSpec: ObjectSchema = obj({
  clusters: strings('Managed clusters taken by name.'),
  clusterSelector: strings('Deprecated label selectors as strings.'),
  clusterLabelSelectors: arr(withAttrs(labelSelector, { mapType: 'atomic' }), 'Managed clusters matching any of these selectors take part.'),
  managedPolicies: strings('Policies the upgrade enforces, in order.'),
  manifestWorkTemplates: strings('ManifestWorkReplicaSets whose template TALM sends to each cluster, in order (how an IBGU step runs).'),
  enable: bool('Whether TALM starts the rollout; false holds it.', { default: true }),
  backup: bool('Whether a recovery backup is taken on each cluster first.', { default: false }),
  preCaching: bool('Whether images are pre-cached on each cluster first.', { default: false }),
  preCachingConfigRef: nameNamespace('PreCachingConfig'),
  remediationStrategy: obj({
    canaries: strings('Clusters updated first, alone, before the batches.'),
    maxConcurrency: int('Clusters updated at once.'),
    timeout: int('Minutes the whole rollout may take.', { default: 240 }),
  }, 'Batch size, canaries and timeout.', ['maxConcurrency']),
  batchTimeoutAction: str('What happens when a batch times out: Continue or Abort.'),
  blockingCRs: arr(nameNamespace('ClusterGroupUpgrade'), 'ClusterGroupUpgrades that must complete before this one starts.'),
  actions: obj({
    beforeEnable: obj(clusterChanges('before the rollout starts'), 'Changes to the clusters before enabling.'),
    afterCompletion: obj({
      ...clusterChanges('once it completes'),
      deleteObjects: bool('Whether TALM deletes what it created once the cluster completes.', { default: true }),
    }, 'Changes to each cluster once it completes.'),
  }, 'Label and annotation changes around the rollout.'),
}, 'Which clusters, which policies or ManifestWork templates, and how fast.', ['remediationStrategy']);

const resourceMeta = obj({
  ordinal: int('Index of the manifest in the ManifestWork.', { format: 'int32' }),
  group: str(), version: str(), kind: str(), resource: str(), name: str(), namespace: str(),
}, undefined, ['ordinal']);

/** A feedback value of OCM's work API: one of integer, string, boolean or raw JSON. */
export const feedbackValues = arr(obj({
  name: str('Name of the value.'),
  fieldValue: obj({
    type: str('Which of the fields holds the value.', { enum: ['Integer', 'String', 'Boolean', 'JsonRaw'] }),
    integer: int(undefined, { format: 'int64' }),
    string: str(),
    boolean: bool(),
    jsonRaw: str(undefined, { maxLength: 1024 }),
  }, undefined, ['type']),
}, undefined, ['name', 'fieldValue']), 'Values read back from the manifest on the cluster.', { listType: 'map', listMapKeys: ['name'] });

/** One manifest's status in a ManifestWork (shared with the work API). */
export const manifestCondition = obj({
  resourceMeta,
  statusFeedback: obj({ values: feedbackValues }, 'Status feedback of the manifest.'),
  conditions: conditions('Conditions of the manifest on the cluster.'),
}, undefined, ['resourceMeta', 'conditions']);

const timestamp = (description?: string) => str(description, { format: 'date-time' });

export const cguStatus: ObjectSchema = obj({
  conditions: arr(metaCondition, 'ClustersSelected, Validated, Progressing, Succeeded: what TALM is doing and why.'),
  clusters: arr(obj({
    name: str('Cluster name.'),
    state: str('complete or timedout.'),
    currentPolicy: obj({ name: str(), status: str() }, undefined, ['name']),
    currentManifestWork: obj({ name: str(), status: obj({ manifests: arr(manifestCondition) }) }, undefined, ['name']),
  }, undefined, ['name', 'state']), 'Clusters that finished, with how.'),
  status: obj({
    startedAt: timestamp(), completedAt: timestamp(), currentBatch: int(), currentBatchStartedAt: timestamp(),
    currentBatchRemediationProgress: mapOf(obj({
      state: str(), policyIndex: int(), manifestWorkIndex: int(), firstCompliantAt: timestamp(),
    }), 'Progress of each cluster of the current batch.'),
  }, 'Timing and the current batch.'),
  remediationPlan: arr(strings(), 'The batches: cluster names per batch.'),
  computedMaxConcurrency: int('The batch size TALM computed.'),
  copiedPolicies: strings(), placements: strings(), placementBindings: strings(),
  managedPoliciesForUpgrade: arr(nameNamespace('policy')),
  managedPoliciesCompliantBeforeUpgrade: strings(),
  managedPoliciesContent: stringMap(), managedPoliciesNs: stringMap(), safeResourceNames: stringMap(),
  backup: obj({ clusters: strings(), startedAt: timestamp(), status: stringMap() }),
  precaching: obj({
    clusters: strings(),
    spec: obj({
      platformImage: str(), operatorsIndexes: strings(), operatorsPackagesAndChannels: strings(),
      excludePrecachePatterns: strings(), additionalImages: strings(), spaceRequired: str(),
    }),
    status: stringMap(),
  }),
}, 'What TALM reports about the rollout.');

export const cguSchema: ObjectSchema = resource(cguSpec, cguStatus);
