/** The shape of a Kubernetes object and its status conditions, as the product reads them: types and one finder. */

/** The part of a Kubernetes object the product reads; everything else is kept as it came. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { uid?: string; kind?: string; name?: string }[];
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
  [key: string]: unknown;
}

/**
 * A status condition as `metav1.Condition` serialises it (apimachinery `pkg/apis/meta/v1/types.go`): the
 * type TALM writes on IBGUs and CGUs, LCA on the IBU, and OCM on ManifestWorks and their manifests.
 */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** The condition of this type in `status.conditions`, if the object has one. */
export function findCondition(obj: { status?: any } | undefined, type: string): Condition | undefined {
  const list: unknown = obj?.status?.conditions;
  return Array.isArray(list) ? list.find((c) => c?.type === type) : undefined;
}
