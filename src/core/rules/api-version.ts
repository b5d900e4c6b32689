import type { Node } from 'yaml';
import { keyOf, nodeEnd, nodeStart } from '../yaml/ast';
import { defineRule, at, sameQuoting } from './helpers';
import { SERVED_VERSIONS, schemaTypes } from './support/crd';

export const apiVersionRule = defineRule({
  id: 'ibgu/api-version',
  severity: 'error',
  title: 'The kind is not served at this API version',
  evidence: 'API server: each CRD serves one version (TALM `config/crd/bases/lcm.openshift.io_imagebasedgroupupgrades.yaml`, LCA `lca.openshift.io_imagebasedupgrades.yaml`, Velero `velero.io/v1`)',
  docs: 'ImageBasedGroupUpgrade is served only as `lcm.openshift.io/v1alpha1`, ImageBasedUpgrade as `lca.openshift.io/v1`, Velero Backup and Restore as `velero.io/v1`. Any other version is rejected with "no matches for kind".',
  appliesTo: schemaTypes,
  scope: 'document',
  check(resource) {
    const served = SERVED_VERSIONS[resource.type]!;
    if (resource.apiVersion === served) return [];
    const pair = resource.root.items.find((p) => keyOf(p) === 'apiVersion');
    const node = pair?.value as Node;
    return [at(node, `no matches for kind "${resource.kind}" in version "${resource.apiVersion}": it is served only as ${served}.`, [
      { title: `Change to ${served}`, edits: [{ start: nodeStart(node), end: nodeEnd(node), newText: sameQuoting(node as { type?: string }, served) }], preferred: true, autofix: true },
    ])];
  },
});
