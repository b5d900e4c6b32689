/**
 * Kubernetes object names, as the API server checks them: k8s.io/apimachinery
 * `pkg/api/validation/objectmeta.go` (`ValidateObjectMeta`: the name through the kind's name function, the
 * namespace of a namespaced object through `ValidateNamespaceName`), `pkg/api/validation/generic.go`
 * (`NameIsDNSSubdomain`, `NameIsDNSLabel`) and `pkg/util/validation/validation.go` (`IsDNS1123Subdomain`:
 * at most 253 characters; `IsDNS1123Label`: at most 63). Custom resources and ConfigMaps use
 * `NameIsDNSSubdomain` (apiextensions-apiserver `pkg/registry/customresource/validator.go`, later
 * `pkg/registry/customresource/resourcevalidator/validator.go` `nameValidator`, which exempts only the
 * rbac.authorization.k8s.io group; kubernetes `pkg/apis/core/validation/validation.go`
 * `ValidateConfigMapName`); namespaces `NameIsDNSLabel`.
 */

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** `<seed_pull_secret>`, `<filename>`: a value to fill in, copied from an example. */
export function isPlaceholder(value: string): boolean {
  return /^<.*>$/.test(value);
}

export const PLACEHOLDER = 'it is a placeholder left from an example';

/** Why a name cannot be the name of an object whose names are DNS subdomains (most kinds), or undefined. */
export function objectNameProblem(name: string): string | undefined {
  if (name.length > 253) return 'it is longer than 253 characters';
  if (!SUBDOMAIN.test(name)) return isPlaceholder(name) ? PLACEHOLDER : 'it is not a lowercase DNS subdomain (letters, digits, "-" and ".")';
  return undefined;
}

/** Why a name cannot be a namespace (a DNS label), or undefined. */
export function namespaceProblem(namespace: string): string | undefined {
  if (namespace.length > 63) return 'it is longer than 63 characters';
  if (!LABEL.test(namespace)) return isPlaceholder(namespace) ? PLACEHOLDER : 'it is not a lowercase DNS label (letters, digits and "-")';
  return undefined;
}
