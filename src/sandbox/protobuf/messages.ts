/**
 * The protobuf messages the sandbox reads and writes, as data: field number, JSON name and type, read from
 * Kubernetes' generated.proto files (kubernetes/api core/v1/generated.proto, kubernetes/apimachinery
 * pkg/apis/meta/v1/generated.proto and pkg/runtime/generated.proto). `pointer` marks a Go pointer field
 * (`*bool`, `*Time`, …): the gogo marshaller leaves it out when nil and writes every other field, zero or not.
 */

export type Scalar = 'string' | 'bytes' | 'int64' | 'int32' | 'bool';

/** `time`: metav1.Time (Time {seconds = 1, nanos = 2}); `fieldsV1`: metav1.FieldsV1 {Raw = 1}, JSON in its bytes. */
export type FieldType = Scalar | 'time' | 'fieldsV1' | { map: 'string' | 'bytes' } | { message: Message };

export interface Field {
  no: number;
  json: string;
  type: FieldType;
  repeated?: boolean;
  pointer?: boolean;
}

export interface Message {
  /** The Go type, named in wire-type errors as gogo names it (`ObjectMeta`). */
  name: string;
  fields: Field[];
}

const f = (no: number, json: string, type: FieldType, extra: Partial<Field> = {}): Field => ({ no, json, type, ...extra });
const message = (name: string, fields: Field[]): Message => ({ name, fields: [...fields].sort((a, b) => a.no - b.no) });

// meta/v1/generated.proto: message OwnerReference
const ownerReference = message('OwnerReference', [
  f(5, 'apiVersion', 'string'), f(1, 'kind', 'string'), f(3, 'name', 'string'), f(4, 'uid', 'string'),
  f(6, 'controller', 'bool', { pointer: true }), f(7, 'blockOwnerDeletion', 'bool', { pointer: true }),
]);

// meta/v1/generated.proto: message ManagedFieldsEntry (5 is unused there)
const managedFieldsEntry = message('ManagedFieldsEntry', [
  f(1, 'manager', 'string'), f(2, 'operation', 'string'), f(3, 'apiVersion', 'string'), f(4, 'time', 'time', { pointer: true }),
  f(6, 'fieldsType', 'string'), f(7, 'fieldsV1', 'fieldsV1', { pointer: true }), f(8, 'subresource', 'string'),
]);

// meta/v1/generated.proto: message ObjectMeta (15, clusterName, and 16 are gone)
export const objectMeta = message('ObjectMeta', [
  f(1, 'name', 'string'), f(2, 'generateName', 'string'), f(3, 'namespace', 'string'), f(4, 'selfLink', 'string'),
  f(5, 'uid', 'string'), f(6, 'resourceVersion', 'string'), f(7, 'generation', 'int64'), f(8, 'creationTimestamp', 'time'),
  f(9, 'deletionTimestamp', 'time', { pointer: true }), f(10, 'deletionGracePeriodSeconds', 'int64', { pointer: true }),
  f(11, 'labels', { map: 'string' }), f(12, 'annotations', { map: 'string' }),
  f(13, 'ownerReferences', { message: ownerReference }, { repeated: true }), f(14, 'finalizers', 'string', { repeated: true }),
  f(17, 'managedFields', { message: managedFieldsEntry }, { repeated: true }),
]);

// meta/v1/generated.proto: message ListMeta (5, shardInfo, is not served by the sandbox)
const listMeta = message('ListMeta', [
  f(1, 'selfLink', 'string'), f(2, 'resourceVersion', 'string'), f(3, 'continue', 'string'), f(4, 'remainingItemCount', 'int64', { pointer: true }),
]);

// core/v1/generated.proto: message ConfigMap
const configMap = message('ConfigMap', [
  f(1, 'metadata', { message: objectMeta }), f(2, 'data', { map: 'string' }), f(3, 'binaryData', { map: 'bytes' }), f(4, 'immutable', 'bool', { pointer: true }),
]);

// core/v1/generated.proto: message Secret
const secret = message('Secret', [
  f(1, 'metadata', { message: objectMeta }), f(2, 'data', { map: 'bytes' }), f(3, 'type', 'string'), f(4, 'stringData', { map: 'string' }), f(5, 'immutable', 'bool', { pointer: true }),
]);

// core/v1/generated.proto: messages Namespace, NamespaceSpec, NamespaceStatus, NamespaceCondition (3 is unused)
const namespaceCondition = message('NamespaceCondition', [
  f(1, 'type', 'string'), f(2, 'status', 'string'), f(4, 'lastTransitionTime', 'time'), f(5, 'reason', 'string'), f(6, 'message', 'string'),
]);
const namespace = message('Namespace', [
  f(1, 'metadata', { message: objectMeta }),
  f(2, 'spec', { message: message('NamespaceSpec', [f(1, 'finalizers', 'string', { repeated: true })]) }),
  f(3, 'status', { message: message('NamespaceStatus', [f(1, 'phase', 'string'), f(2, 'conditions', { message: namespaceCondition }, { repeated: true })]) }),
]);

/** ConfigMapList, SecretList, NamespaceList: {metadata = 1 (ListMeta), items = 2} in core/v1/generated.proto. */
const listOf = (item: Message) => message(`${item.name}List`, [f(1, 'metadata', { message: listMeta }), f(2, 'items', { message: item }, { repeated: true })]);

// meta/v1/generated.proto: messages Status, StatusDetails, StatusCause
const statusCause = message('StatusCause', [f(1, 'reason', 'string'), f(2, 'message', 'string'), f(3, 'field', 'string')]);
const statusDetails = message('StatusDetails', [
  f(1, 'name', 'string'), f(2, 'group', 'string'), f(3, 'kind', 'string'), f(6, 'uid', 'string'),
  f(4, 'causes', { message: statusCause }, { repeated: true }), f(5, 'retryAfterSeconds', 'int32'),
]);
const status = message('Status', [
  f(1, 'metadata', { message: listMeta }), f(2, 'status', 'string'), f(3, 'message', 'string'), f(4, 'reason', 'string'),
  f(5, 'details', { message: statusDetails }, { pointer: true }), f(6, 'code', 'int32'),
]);

// meta/v1/generated.proto: messages DeleteOptions, Preconditions
const preconditions = message('Preconditions', [f(1, 'uid', 'string', { pointer: true }), f(2, 'resourceVersion', 'string', { pointer: true })]);
export const deleteOptions = message('DeleteOptions', [
  f(1, 'gracePeriodSeconds', 'int64', { pointer: true }), f(2, 'preconditions', { message: preconditions }, { pointer: true }),
  f(3, 'orphanDependents', 'bool', { pointer: true }), f(4, 'propagationPolicy', 'string', { pointer: true }),
  f(5, 'dryRun', 'string', { repeated: true }), f(6, 'ignoreStoreReadErrorWithClusterBreakingPotential', 'bool', { pointer: true }),
]);

/** The messages by "apiVersion/kind", as the envelope's TypeMeta names them. */
export const MESSAGES: ReadonlyMap<string, Message> = new Map([
  ['v1/ConfigMap', configMap], ['v1/ConfigMapList', listOf(configMap)],
  ['v1/Secret', secret], ['v1/SecretList', listOf(secret)],
  ['v1/Namespace', namespace], ['v1/NamespaceList', listOf(namespace)],
  ['v1/Status', status],
  // DeleteOptions is registered in every group version; clients send meta.k8s.io/v1 or the resource's.
  ['meta.k8s.io/v1/DeleteOptions', deleteOptions], ['v1/DeleteOptions', deleteOptions],
]);

export const messageFor = (apiVersion: string, kind: string): Message | undefined => MESSAGES.get(`${apiVersion}/${kind}`);
