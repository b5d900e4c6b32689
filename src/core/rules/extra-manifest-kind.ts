import { atKey, defineRule } from './helpers';
import { EMBEDDED_TYPES, inExtraManifests } from './support/extra-manifests';

const REJECTED: Record<string, string[]> = {
  'machineconfiguration.openshift.io/v1': ['MachineConfig'],
  'operators.coreos.com/v1alpha1': ['ClusterServiceVersion', 'InstallPlan', 'Subscription'],
};

export const extraManifestKindRule = defineRule({
  id: 'ibgu/extra-manifest-kind',
  severity: 'error',
  title: 'MachineConfig and OLM objects are not allowed in extra manifests',
  evidence: 'LCA `internal/extramanifest/extramanifest.go` `ValidateExtraManifestConfigmaps`: `… in extramanifests is not allowed`',
  docs: 'LCA rejects MachineConfig, ClusterServiceVersion, InstallPlan and Subscription objects in extra-manifests ConfigMaps, and Prep fails. Such changes belong in the seed image or in policies applied after the upgrade.',
  appliesTo: EMBEDDED_TYPES,
  scope: 'workspace',
  check(resource, ctx) {
    // Without a name LCA stops at "resource name is empty" (ibgu/extra-manifest-name) and never looks at the kind.
    if (!resource.name || !inExtraManifests(resource, ctx) || !REJECTED[resource.apiVersion]?.includes(resource.kind)) return [];
    return [atKey(resource.root, 'kind', resource.root, `${resource.kind}[${resource.name}] in extramanifests is not allowed: Prep fails.`)];
  },
});
