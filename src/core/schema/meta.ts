import { any, arr, int, obj, str, stringMap, strings, type ObjectSchema } from './types';

export const objectMeta: ObjectSchema = obj({
  name: str('Name of the object, unique in its namespace.'),
  generateName: str('Prefix for a server-generated name.'),
  namespace: str('Namespace of the object.'),
  labels: stringMap('Labels: string keys and string values, used by selectors.'),
  annotations: stringMap('Annotations: string keys and string values. LCA reads several `lca.openshift.io/*` annotations (apply-wave, apply-label, manual-cleanup-done, …).'),
  uid: str(), resourceVersion: str(), generation: int(), creationTimestamp: any(), deletionTimestamp: any(),
  deletionGracePeriodSeconds: int(), selfLink: str(),
  ownerReferences: arr(any()), finalizers: strings(), managedFields: arr(any()),
});

export const labelSelector: ObjectSchema = obj({
  matchLabels: stringMap('Every label must be present with exactly this value.'),
  matchExpressions: arr(obj({
    key: str('The label key.'),
    operator: str('How the key is compared: In, NotIn, Exists or DoesNotExist. Any other value makes the selector unusable: TALM then selects no cluster and the step waits forever.'),
    values: strings('Values for In and NotIn; must be empty for Exists and DoesNotExist.'),
  }, undefined, ['key', 'operator']), 'Requirements that must all hold.'),
}, 'A Kubernetes label selector.');

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
