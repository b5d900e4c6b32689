import { any, arr, bool, int, intOrString, obj, str, stringMap, strings, withAttrs, type ObjectSchema } from './types';

export const objectMeta: ObjectSchema = obj({
  name: str('Name of the object, unique in its namespace.'),
  generateName: str('Prefix for a server-generated name.'),
  namespace: str('Namespace of the object.'),
  labels: stringMap('Labels: string keys and string values, used by selectors.'),
  annotations: stringMap('Annotations: string keys and string values. LCA reads several `lca.openshift.io/*` annotations (apply-wave, apply-label, manual-cleanup-done, …).'),
  uid: str('Unique ID, set by the server.'),
  resourceVersion: str('Version of the object, set by the server; a write that names an older one is refused (409).'),
  generation: int('Generation of the desired state, set by the server.', { format: 'int64' }),
  creationTimestamp: str('When the object was created, set by the server.', { format: 'date-time' }),
  deletionTimestamp: str('When deletion was requested, set by the server.', { format: 'date-time' }),
  deletionGracePeriodSeconds: int('Seconds left for a graceful deletion.', { format: 'int64' }),
  selfLink: str('Deprecated, never set.'),
  ownerReferences: arr(obj({
    apiVersion: str(), kind: str(), name: str(), uid: str(),
    controller: bool('Whether the owner is the managing controller.'),
    blockOwnerDeletion: bool('Whether the owner waits for this object on foreground deletion.'),
  }, 'An object this one belongs to: deleting the owner deletes it.', ['apiVersion', 'kind', 'name', 'uid']), 'Objects this one belongs to.', { listType: 'map', listMapKeys: ['uid'] }),
  finalizers: { ...strings('Finalizers that must be gone before the object is.'), listType: 'set' },
  managedFields: arr(any(), 'Which manager owns which fields (server-side apply).'),
}, 'Standard object metadata.');

/**
 * (k8s.io/apimachinery/pkg/apis/meta/v1/types.go: `LabelSelector` is `+structType=atomic`, which the CRDs write as
 * `x-kubernetes-map-type: atomic`; ObjectMeta's `OwnerReferences` is `+listType=map` `+listMapKey=uid`, its
 * `Finalizers` `+listType=set`.)
 */
export const labelSelector: ObjectSchema = withAttrs(obj({
  matchLabels: stringMap('Every label must be present with exactly this value.'),
  matchExpressions: arr(obj({
    key: str('The label key.'),
    operator: str('How the key is compared: In, NotIn, Exists or DoesNotExist. Any other value makes the selector unusable: TALM then selects no cluster and the step waits forever.'),
    values: strings('Values for In and NotIn; must be empty for Exists and DoesNotExist.'),
  }, undefined, ['key', 'operator']), 'Requirements that must all hold.'),
}, 'A Kubernetes label selector.'), { mapType: 'atomic' });

export const configMapRef = (what: string): ObjectSchema => obj({
  name: str(`Name of the ${what} ConfigMap.`),
  namespace: str(`Namespace of the ${what} ConfigMap.`),
}, undefined, ['name', 'namespace']);

/** Top-level fields every object has; `spec` and `status` are given by the kind. */
export function resource(spec: ObjectSchema, status: ObjectSchema | undefined, extra: Record<string, ObjectSchema['properties'][string]> = {}): ObjectSchema {
  return obj({
    apiVersion: str('API group and version.'),
    kind: str('Kind of the object.'),
    metadata: objectMeta,
    spec,
    ...(status ? { status } : {}),
    ...extra,
  });
}

/** A DNS-1123 label or prefixed-name pattern, as `metav1.Condition.type` states it. */
const QUALIFIED_NAME = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$';

/**
 * `metav1.Condition` (k8s.io/apimachinery pkg/apis/meta/v1/types.go, as controller-gen writes it into the OCM
 * and TALM CRDs): every field but observedGeneration is required, reason is CamelCase.
 */
export const metaCondition: ObjectSchema = obj({
  type: str('Kind of condition, in CamelCase or as a prefixed name.', { maxLength: 316, pattern: QUALIFIED_NAME }),
  status: str('True, False or Unknown.', { enum: ['True', 'False', 'Unknown'] }),
  observedGeneration: int('The generation the condition was set for.', { minimum: 0, format: 'int64' }),
  lastTransitionTime: str('When the status last changed.', { format: 'date-time' }),
  reason: str('Machine-readable CamelCase reason of the last transition.', { minLength: 1, maxLength: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
  message: str('Human-readable details of the last transition.', { maxLength: 32768 }),
}, undefined, ['type', 'status', 'lastTransitionTime', 'reason', 'message']);

/** Conditions as a list keyed by type (`x-kubernetes-list-type: map`). */
export const conditions = (description: string) => arr(metaCondition, description, { listType: 'map', listMapKeys: ['type'] });

/** A `resource.Quantity`: an integer or a string such as `10Gi`. */
export const quantity = (description?: string) => intOrString(description, { pattern: '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$' });
