/**
 * The Kubernetes built-in types the sandbox serves, stated as far as the product reads or writes them
 * (k8s.io/api `core/v1/types.go`, `apps/v1/types.go`, `rbac/v1/types.go`). ConfigMap, Secret, Namespace and
 * Event are complete at the top level; the specs of PersistentVolume, PersistentVolumeClaim, Deployment and
 * the rules of a ClusterRole are kept as given (`any`): nothing the product does depends on their inside.
 */
import { labelSelector, objectMeta } from './meta';
import { any, arr, bool, int, mapOf, obj, str, stringMap, strings, type ObjectSchema, type Schema } from './types';

const top = (fields: Record<string, Schema>, description: string): ObjectSchema => obj({
  apiVersion: str('API group and version.'),
  kind: str('Kind of the object.'),
  metadata: objectMeta,
  ...fields,
}, description);

const immutable = bool('When true, the data can no longer change: only deleting the object does.');

export const configMapSchema = top({
  data: stringMap('Configuration data: string keys and UTF-8 string values. LCA reads OADP Backups and Restores, and extra manifests, from here.'),
  binaryData: mapOf(str(undefined, { format: 'byte' }), 'Binary data, base64-encoded.'),
  immutable,
}, 'A ConfigMap: configuration data as key-value pairs.');

export const secretSchema = top({
  data: mapOf(str(undefined, { format: 'byte' }), 'Secret data, base64-encoded.'),
  stringData: stringMap('Write-only: plain-text values merged into data on write.'),
  type: str('How the data is used, e.g. kubernetes.io/dockerconfigjson for a pull secret.'),
  immutable,
}, 'A Secret: sensitive data such as the seed image\'s pull secret.');

export const namespaceSchema = top({
  spec: obj({ finalizers: strings('Finalizers the namespace waits for before it goes.') }, 'Namespace settings.'),
  status: obj({ phase: str('Active or Terminating.'), conditions: arr(any()) }, 'Lifecycle of the namespace.'),
}, 'A Namespace.');

const objectReference = obj({
  kind: str(), namespace: str(), name: str(), uid: str(), apiVersion: str(), resourceVersion: str(), fieldPath: str(),
}, 'The object the event is about.');

export const eventSchema = top({
  involvedObject: objectReference,
  reason: str('Short CamelCase reason.'),
  message: str('What happened.'),
  source: obj({ component: str(), host: str() }, 'Who reported it.'),
  firstTimestamp: str('First time it happened.', { format: 'date-time' }),
  lastTimestamp: str('Last time it happened.', { format: 'date-time' }),
  count: int('Times it happened.', { format: 'int32' }),
  type: str('Normal or Warning.'),
  eventTime: str('When it happened, with microseconds.'),
  series: any('Series data of repeated events.'),
  action: str('What was done.'),
  related: { ...objectReference, description: 'A second object involved.' },
  reportingComponent: str('Controller that reported it.'),
  reportingInstance: str('Instance of that controller.'),
}, 'An Event: something that happened to an object.');

const kept = (what: string) => any(`${what} (kept as given).`);

export const persistentVolumeSchema = top({ spec: kept('The volume\'s spec'), status: kept('The volume\'s status') }, 'A PersistentVolume.');
export const persistentVolumeClaimSchema = top({ spec: kept('The claim\'s spec'), status: kept('The claim\'s status') }, 'A PersistentVolumeClaim.');
export const deploymentSchema = top({
  spec: obj({
    replicas: int('Desired pods.', { format: 'int32' }),
    selector: labelSelector,
    template: kept('The pod template'),
    strategy: kept('The update strategy'),
    minReadySeconds: int(), revisionHistoryLimit: int(), progressDeadlineSeconds: int(), paused: bool(),
  }, 'The desired Deployment.'),
  status: kept('The Deployment\'s status'),
}, 'A Deployment; must-gather reads the LCA operator\'s image from it.');
export const clusterRoleSchema = top({ rules: arr(any(), 'Policy rules.'), aggregationRule: kept('The aggregation rule') }, 'A ClusterRole.');
