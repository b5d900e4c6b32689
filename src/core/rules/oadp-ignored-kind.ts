import { configMapRole } from '../lca/configmaps';
import { atKey, defineRule } from './helpers';

export const oadpIgnoredKindRule = defineRule({
  id: 'ibgu/oadp-ignored-kind',
  severity: 'warning',
  title: 'An object in an OADP ConfigMap that LCA ignores',
  evidence: 'LCA `ValidateOadpConfigmaps` keeps only `velero.io/v1` Backup and Restore and ignores the rest silently',
  docs: 'LCA reads only `velero.io/v1` Backup and Restore objects from OADP ConfigMaps and ignores everything else without a word. Objects that must reach the cluster belong in an extra-manifests ConfigMap.',
  appliesTo: ['Other', 'IBGU', 'IBU', 'ConfigMap', 'ManagedCluster'],
  scope: 'workspace',
  check(resource, ctx) {
    const host = resource.yaml.embedding?.configMap;
    if (!host || configMapRole(ctx.workspace, host) !== 'oadp') return [];
    // Other Velero kinds have no place in an upgrade; anything else may belong in the extra manifests.
    const advice = resource.group === 'velero.io' ? '' : ' Move it to an extra-manifests ConfigMap if the new stateroot needs it.';
    return [atKey(resource.root, 'kind', resource.root, `LCA ignores ${resource.kind} (${resource.apiVersion}) in OADP ConfigMap ${host.name}: only velero.io/v1 Backup and Restore are read.${advice}`)];
  },
});
