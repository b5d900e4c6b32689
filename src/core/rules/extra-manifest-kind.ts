import type { Node } from 'yaml';
import { pairOf } from '../yaml/ast';
import { at, atKey, defineRule, sameQuoting } from './helpers';
import { replaceNode } from '../yaml/edit';
import type { RawFix, Report } from './types';
import { EMBEDDED_TYPES, inExtraManifests } from './support/extra-manifests';
import { unservedVersion } from './support/served-versions';

const REJECTED: Record<string, string[]> = {
  'machineconfiguration.openshift.io/v1': ['MachineConfig'],
  'operators.coreos.com/v1alpha1': ['ClusterServiceVersion', 'InstallPlan', 'Subscription'],
};

/**
 * A kind at a version the cluster does not serve (LCA `internal/extramanifest/extramanifest.go`): at Prep,
 * `ValidateExtraManifestConfigmaps` dry-runs each object, and a RESTMapping NoMatch error only adds the warning
 * "<Kind>[<name>] - CRD not deployed on cluster" (Prep goes on); after the pivot, `ApplyExtraManifests` gets the
 * same NoMatch error and returns an EMFailedError, so `controllers/upgrade_handlers.go` fails the Upgrade
 * ("Rollback due to failure applying config manifests: …" when auto-rollback is enabled).
 */
function versionReport(resource: Parameters<typeof inExtraManifests>[0]): Report | undefined {
  const served = unservedVersion(resource.group, resource.kind, resource.apiVersion);
  if (!served) return undefined;
  const node = pairOf(resource.root, 'apiVersion')?.value as Node | undefined;
  const fixes: RawFix[] = node ? served.map((v, i) => ({
    title: `Change to ${v}`,
    edits: [replaceNode(node, sameQuoting(node as { type?: string }, v))],
    // The versions' schemas may differ: the change is offered, not applied by --fix.
    preferred: i === 0,
    autofix: false,
  })) : [];
  const name = `${resource.kind}[${resource.name}]`;
  const message = `${resource.kind} is served as ${served.join(' or ')}, not ${resource.apiVersion}. LCA only warns at Prep ("${name} - CRD not deployed on cluster"), but applying the extra manifests after the pivot fails with "no matches for kind", so the Upgrade fails (and rolls back when auto-rollback is enabled).`;
  return at(node, message, fixes);
}

export const extraManifestKindRule = defineRule({
  id: 'ibgu/extra-manifest-kind',
  severity: 'error',
  evidence: 'LCA `internal/extramanifest/extramanifest.go`: `… in extramanifests is not allowed` at Prep; an unserved version fails `ApplyExtraManifests` after the pivot',
  title: 'MachineConfig and OLM objects, or a kind at a version no cluster serves, in extra manifests',
  docs: 'LCA rejects MachineConfig, ClusterServiceVersion, InstallPlan and Subscription objects in extra-manifests ConfigMaps, and Prep fails. Such changes belong in the seed image or in policies applied after the upgrade. A well-known kind at an apiVersion that does not serve it (a CatalogSource as `operators.coreos.com/v1`: it is served only as `v1alpha1`) passes Prep with a "CRD not deployed on cluster" warning, then fails the Upgrade after the pivot, when LCA applies it. Checked for core, apps, batch, RBAC and NetworkPolicy kinds, CatalogSource, OperatorGroup, KubeletConfig, ContainerRuntimeConfig, MachineConfigPool, PerformanceProfile, PtpConfig, PtpOperatorConfig and the SR-IOV kinds; the quick fix changes the apiVersion (not applied by `--fix`: versions may differ in fields).',
  appliesTo: EMBEDDED_TYPES,
  scope: 'workspace',
  check(resource, ctx) {
    // Without a name LCA stops at "resource name is empty" (ibgu/extra-manifest-name) and never looks at the kind.
    if (!resource.name || !inExtraManifests(resource, ctx)) return [];
    if (REJECTED[resource.apiVersion]?.includes(resource.kind)) {
      return [atKey(resource.root, 'kind', resource.root, `${resource.kind}[${resource.name}] in extramanifests is not allowed: Prep fails.`)];
    }
    const report = versionReport(resource);
    return report ? [report] : [];
  },
});
