import { defineRule } from './helpers';
import { schemaResult, schemaTypes } from './support/crd';

export const schemaRule = defineRule({
  id: 'ibgu/schema',
  severity: 'error',
  title: 'The object does not match its CRD schema',
  evidence: 'API server: the CRD\'s OpenAPI schema (TALM and LCA `config/crd/bases/`, Velero CRDs) rejects the object',
  docs: 'Required fields, types, enums, patterns and list limits as the CRD defines them. The API server rejects such an object when it is applied. The `status` of an IBGU or IBU is not checked: both CRDs have a status subresource, so applying the object drops `status` (ZTP\'s IBU status templates, for instance, carry `$status` placeholders there).',
  appliesTo: schemaTypes,
  scope: 'document',
  check(resource) {
    return schemaResult(resource)?.errors ?? [];
  },
});
