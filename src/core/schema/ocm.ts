/**
 * Open Cluster Management's ManagedCluster and work API, as their CRDs state them (open-cluster-management-io/api:
 * `cluster/v1/types.go` with `cluster/v1/0000_00_clusters.open-cluster-management.io_managedclusters.crd.yaml`,
 * `work/v1/types.go` with `work/v1/0000_00_work.open-cluster-management.io_manifestworks.crd.yaml`, and
 * `work/v1alpha1/types_manifestworkreplicaset.go` with its `…_manifestworkreplicasets.crd.yaml`).
 */
import { manifestCondition } from './cgu';
import { conditions, quantity, resource } from './meta';
import { arr, bool, int, intOrString, mapOf, obj, openObj, str, strings, withAttrs, type ObjectSchema } from './types';

const QUALIFIED_NAME = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$';
const DNS_SUBDOMAIN = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$';

export const managedClusterSpec: ObjectSchema = obj({
  hubAcceptsClient: bool('Whether the hub accepts the cluster\'s agent: a cluster joins only once this is true.'),
  leaseDurationSeconds: int('How often, in seconds, the agent renews its lease; the hub marks the cluster unknown after five missed renewals.', { format: 'int32', default: 60 }),
  managedClusterClientConfigs: arr(obj({
    url: str('URL of the cluster\'s API server.'),
    caBundle: str('CA bundle of that API server, base64.', { format: 'byte' }),
  }, undefined, ['url']), 'How to reach the cluster\'s API server.'),
  taints: arr(obj({
    key: str('Taint key.', { maxLength: 316, pattern: QUALIFIED_NAME }),
    value: str('Taint value.', { maxLength: 1024 }),
    effect: str('What the taint does to placement: NoSelect, PreferNoSelect or NoSelectIfNew.', { enum: ['NoSelect', 'PreferNoSelect', 'NoSelectIfNew'] }),
    timeAdded: str('When the taint was added.', { format: 'date-time', nullable: true }),
  }, undefined, ['key', 'effect']), 'Taints that keep placements away from the cluster.'),
}, 'How the hub treats the cluster. TALM selects clusters by their labels (metadata.labels), not by this spec.');

export const managedClusterStatus: ObjectSchema = obj({
  conditions: conditions('HubAcceptedManagedCluster, ManagedClusterJoined, ManagedClusterConditionAvailable: TALM only rolls out to available clusters.'),
  capacity: mapOf(quantity(), 'Total resources of the cluster.'),
  allocatable: mapOf(quantity(), 'Resources left for workloads.'),
  version: obj({ kubernetes: str('Kubernetes version of the cluster.') }),
  clusterClaims: arr(obj({
    name: str(undefined, { minLength: 1, maxLength: 253 }),
    value: str(undefined, { minLength: 1, maxLength: 1024 }),
  }), 'Facts the cluster reports about itself (version.openshift.io, …).'),
  managedNamespaces: arr(obj({
    clusterSet: str(),
    name: str(undefined, { maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' }),
    conditions: conditions('Conditions of the namespace.'),
  }, undefined, ['clusterSet', 'name']), 'Namespaces managed for cluster sets.', { listType: 'map', listMapKeys: ['clusterSet', 'name'] }),
}, 'What the hub and the agent report about the cluster.');

export const managedClusterSchema: ObjectSchema = resource(managedClusterSpec, managedClusterStatus);

const resourceIdentifier = obj({
  group: str(), resource: str('Plural resource name.'), name: str(), namespace: str(),
}, 'Which manifest the settings are for.', ['resource', 'name']);

const serviceAccountName = (what: string) => str(`The service account's ${what}.`, { minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN });

/** `ManifestWorkSpec`: also the template of a ManifestWorkReplicaSet. */
export const manifestWorkSpec: ObjectSchema = obj({
  workload: obj({
    // Upstream keeps every field of a manifest (x-kubernetes-preserve-unknown-fields with
    // x-kubernetes-embedded-resource): they are objects for the cluster's API server, not for the hub's.
    manifests: arr(openObj({}, 'A whole object (apiVersion, kind, metadata, …) applied on the cluster; the hub keeps its fields as they are.', { embedded: true }), 'Objects the work agent applies on the cluster.'),
  }, 'What to apply on the managed cluster.'),
  deleteOption: obj({
    propagationPolicy: str('What happens to the applied objects when the ManifestWork goes: Foreground, Orphan or SelectivelyOrphan.', { enum: ['Foreground', 'Orphan', 'SelectivelyOrphan'], default: 'Foreground' }),
    selectivelyOrphans: obj({
      orphaningRules: arr(obj({ group: str(), resource: str(), name: str(), namespace: str() }, undefined, ['resource', 'name']), 'Objects left in place.'),
    }),
    ttlSecondsAfterFinished: int('Seconds after completion before the ManifestWork is deleted.', { format: 'int64' }),
  }, 'Deletion of the applied objects.'),
  manifestConfigs: arr(obj({
    resourceIdentifier,
    feedbackRules: arr(obj({
      type: str('WellKnownStatus or JSONPaths.', { enum: ['WellKnownStatus', 'JSONPaths'] }),
      jsonPaths: arr(obj({ name: str(), path: str(), version: str() }, undefined, ['name', 'path']), 'Values read with JSON paths.', { listType: 'map', listMapKeys: ['name'] }),
    }, undefined, ['type']), 'Status values the agent reads back; TALM reads the IBU\'s conditions this way.'),
    feedbackScrapeType: str('Poll or Watch.', { enum: ['Poll', 'Watch'], default: 'Poll' }),
    updateStrategy: obj({
      type: str('Update, CreateOnly, ServerSideApply or ReadOnly.', { enum: ['Update', 'CreateOnly', 'ServerSideApply', 'ReadOnly'], default: 'Update' }),
      serverSideApply: obj({
        fieldManager: str('Field manager of the apply.', { pattern: '^work-agent', default: 'work-agent' }),
        force: bool('Take over conflicting fields.'),
        ignoreFields: arr(obj({
          condition: str('OnSpokePresent or OnSpokeChange.', { enum: ['OnSpokePresent', 'OnSpokeChange'], default: 'OnSpokePresent' }),
          jsonPaths: strings(), jsonPointers: strings(), jqPathExpressions: strings(),
        }, undefined, ['condition']), 'Fields the agent leaves alone.', { listType: 'map', listMapKeys: ['condition'] }),
      }),
    }, 'How the agent updates the object.', ['type']),
    conditionRules: arr(obj({
      condition: str('Condition type set on the manifest.'),
      type: str('WellKnownConditions or CEL.', { enum: ['WellKnownConditions', 'CEL'] }),
      celExpressions: strings(), message: str(), messageExpression: str(),
    }, undefined, ['condition', 'type']), 'Conditions computed from the applied object.', { listType: 'map', listMapKeys: ['condition'] }),
  }, undefined, ['resourceIdentifier']), 'Per-manifest settings: status feedback and update strategy.'),
  executor: obj({
    subject: obj({
      type: str('Only ServiceAccount.', { enum: ['ServiceAccount'] }),
      serviceAccount: obj({ name: serviceAccountName('name'), namespace: serviceAccountName('namespace') }, undefined, ['name', 'namespace']),
    }, undefined, ['type']),
  }, 'The identity the agent applies the manifests as.'),
}, 'Objects to apply on one managed cluster (the ManifestWork\'s namespace names the cluster), and how.');

export const manifestWorkStatus: ObjectSchema = obj({
  conditions: conditions('Applied, Available, Degraded, Progressing.'),
  resourceStatus: obj({ manifests: arr(manifestCondition, 'One entry per manifest.') }, 'Status of each manifest on the cluster.'),
});

export const manifestWorkSchema: ObjectSchema = resource(manifestWorkSpec, manifestWorkStatus);

const percentOrCount = (description: string, extra = {}) => intOrString(description, { pattern: '^((100|[0-9]{1,2})%|[0-9]+)$', ...extra });
const rolloutTiming = {
  minSuccessTime: str('How long a cluster must succeed before it counts.', { default: '0' }),
  progressDeadline: str('How long a cluster may take, or None.', { pattern: '^(([0-9])+[h|m|s])|None$', default: 'None' }),
  maxFailures: percentOrCount('Failures tolerated, as a count or a percentage.', { default: 0 }),
};
const decisionGroups = arr(obj({ groupName: str(), groupIndex: int(undefined, { format: 'int32' }) }), 'Decision groups rolled out first.');
const summary = obj({ total: int(), desiredTotal: int(), applied: int(), available: int(), degraded: int(), progressing: int(), updated: int() });

export const manifestWorkReplicaSetSpec: ObjectSchema = obj({
  manifestWorkTemplate: withAttrs(manifestWorkSpec, { description: 'The ManifestWork created in the namespace of each selected cluster.' }),
  placementRefs: arr(obj({
    name: str('Placement name.', { minLength: 1 }),
    rolloutStrategy: withAttrs(obj({
      type: str('All, Progressive or ProgressivePerGroup.', { enum: ['All', 'Progressive', 'ProgressivePerGroup'], default: 'All' }),
      all: obj(rolloutTiming),
      progressive: obj({ ...rolloutTiming, mandatoryDecisionGroups: decisionGroups, maxConcurrency: percentOrCount('Clusters at once.') }),
      progressivePerGroup: obj({ ...rolloutTiming, mandatoryDecisionGroups: decisionGroups }),
    }, 'How the ManifestWorks roll out over the placement.'), { default: { type: 'All', all: { progressDeadline: 'None' } } }),
  }, undefined, ['name']), 'Placements choosing the clusters.', { minItems: 1 }),
  cascadeDeletionPolicy: str('Background or Foreground deletion of the ManifestWorks.', { enum: ['Background', 'Foreground'], default: 'Background' }),
}, 'A ManifestWork template and the placements it goes to. TALM creates one per IBGU action and lists it in the step\'s ClusterGroupUpgrade (its placement is a placeholder).', ['placementRefs', 'cascadeDeletionPolicy']);

export const manifestWorkReplicaSetStatus: ObjectSchema = obj({
  conditions: conditions('PlacementVerified, ManifestworkApplied.'),
  summary,
  placementSummary: arr(obj({ name: str(), availableDecisionGroups: str(), summary })),
});

export const manifestWorkReplicaSetSchema: ObjectSchema = resource(manifestWorkReplicaSetSpec, manifestWorkReplicaSetStatus);

