/**
 * Object sizes kube-apiserver refuses: its validation's byte limits (422, as field.TooLong) and etcd's
 * request limit on what is stored (a 500). Messages as kube-apiserver 1.32 words them: field.TooLong says
 * "may not be more than N bytes" since kubernetes/kubernetes#128553 (older servers: "must have at most N bytes").
 */
import type { ResourceType } from './registry';
import { MAX_ANNOTATION_BYTES, MAX_CONFIG_DATA_BYTES, MAX_STORED_OBJECT_BYTES } from './limits';
import { ApiError } from './status';
import type { KubeObject } from './kube-object';

/** One field.Error as a metav1.StatusCause: `message` is its ErrorBody ("Too long: …"), `field` its path. */
export interface FieldCause { reason: string; message: string; field?: string }

const tooLong = (field: string, max: number): FieldCause => ({ reason: 'FieldValueTooLong', message: `Too long: may not be more than ${max} bytes`, field });

const utf8Bytes = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : Buffer.byteLength(JSON.stringify(v) ?? ''));
/** Bytes a base64 value holds: data of Secrets and binaryData of ConfigMaps are []byte, counted decoded. */
const decodedBytes = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v, 'base64') : utf8Bytes(v));

const entries = (map: unknown): [string, unknown][] => (map && typeof map === 'object' && !Array.isArray(map) ? Object.entries(map) : []);

/**
 * The size limits an object breaks, in kube-apiserver's order: ValidateObjectMeta's annotation total, then
 * ValidateConfigMap's data + binaryData total (reported on the path "" that prints as `[]`) or
 * ValidateSecret's data total (with stringData, which the API server merges into data first).
 */
export function sizeViolations(t: ResourceType, obj: KubeObject): FieldCause[] {
  const causes: FieldCause[] = [];
  const annotations = entries(obj.metadata?.annotations).reduce((n, [k, v]) => n + utf8Bytes(k) + utf8Bytes(v), 0);
  if (annotations > MAX_ANNOTATION_BYTES) causes.push(tooLong('metadata.annotations', MAX_ANNOTATION_BYTES));
  if (t.builtin && t.kind === 'ConfigMap') {
    const total = entries(obj.data).reduce((n, [, v]) => n + utf8Bytes(v), 0) + entries(obj.binaryData).reduce((n, [, v]) => n + decodedBytes(v), 0);
    if (total > MAX_CONFIG_DATA_BYTES) causes.push(tooLong('[]', MAX_CONFIG_DATA_BYTES));
  }
  if (t.builtin && t.kind === 'Secret') {
    const merged = new Map<string, number>(entries(obj.data).map(([k, v]) => [k, decodedBytes(v)]));
    for (const [k, v] of entries(obj.stringData)) merged.set(k, utf8Bytes(v));
    const total = [...merged.values()].reduce((n, b) => n + b, 0);
    if (total > MAX_CONFIG_DATA_BYTES) causes.push(tooLong('data', MAX_CONFIG_DATA_BYTES));
  }
  return causes;
}

/**
 * etcd's refusal of a put larger than its request limit. kube-apiserver has no Status for it and answers as
 * for any error it does not know (responsewriters.ErrorToAPIStatus): 500, no reason, etcd's message (still
 * so: kubernetes/kubernetes#112152). The size is the object's JSON, the form custom resources are stored in.
 */
export function checkStorable(obj: KubeObject): void {
  if (Buffer.byteLength(JSON.stringify(obj)) > MAX_STORED_OBJECT_BYTES) throw new ApiError(500, undefined, 'etcdserver: request is too large');
}
