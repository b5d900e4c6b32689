/**
 * ObjectMeta as the API server stores it: k8s.io/apimachinery/pkg/apis/meta/v1/types.go tags `labels`,
 * `annotations`, `ownerReferences`, `finalizers` and `managedFields` `omitempty`, so an empty map or list is
 * not stored and not served. Custom resources too: apiextensions-apiserver decodes their metadata into the
 * typed ObjectMeta and back (pkg/apiserver/schema/objectmeta/coerce.go Coerce, GetObjectMeta/SetObjectMeta).
 */
import type { KubeObject } from './kube-object';

const OMIT_EMPTY = ['labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields'] as const;

/** Drops the empty (or null) omitempty fields of `metadata`, in place. */
export function omitEmptyMetadata(metadata: KubeObject): void {
  for (const f of OMIT_EMPTY) {
    const v = metadata[f];
    if (v === null || (Array.isArray(v) && !v.length) || (v && typeof v === 'object' && !Array.isArray(v) && !Object.keys(v).length)) delete metadata[f];
  }
}
