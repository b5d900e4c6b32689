import { isMap, isScalar } from 'yaml';
import { get, keyOf } from '../yaml/ast';
import type { Resource } from '../yaml/parse';
import { configMapRole } from '../oadp';
import { at, atKey, defineRule } from './helpers';
import type { Report, RuleContext } from './types';

function inExtraManifests(resource: Resource, ctx: RuleContext): boolean {
  const host = resource.yaml.embedding?.configMap;
  return !!host && configMapRole(ctx.workspace, host) === 'extraManifests';
}

const REJECTED: Record<string, string[]> = {
  'machineconfiguration.openshift.io/v1': ['MachineConfig'],
  'operators.coreos.com/v1alpha1': ['ClusterServiceVersion', 'InstallPlan', 'Subscription'],
};

const EMBEDDED_TYPES = ['Other', 'Backup', 'Restore', 'IBGU', 'IBU', 'ConfigMap', 'ManagedCluster'] as const;

export const extraManifestKindRule = defineRule({
  id: 'ibgu/extra-manifest-kind',
  severity: 'error',
  title: 'MachineConfig and OLM objects are not allowed in extra manifests',
  docs: 'LCA rejects MachineConfig, ClusterServiceVersion, InstallPlan and Subscription objects in extra-manifests ConfigMaps, and Prep fails. Such changes belong in the seed image or in policies applied after the upgrade.',
  appliesTo: EMBEDDED_TYPES,
  check(resource, ctx) {
    if (!inExtraManifests(resource, ctx) || !REJECTED[resource.apiVersion]?.includes(resource.kind)) return [];
    return [atKey(resource.root, 'kind', resource.root, `${resource.kind}[${resource.name ?? ''}] in extramanifests is not allowed: Prep fails.`)];
  },
});

export const extraManifestNameRule = defineRule({
  id: 'ibgu/extra-manifest-name',
  severity: 'error',
  title: 'An extra manifest without metadata.name',
  docs: 'LCA refuses extra manifests without a name, and Prep fails.',
  appliesTo: EMBEDDED_TYPES,
  check(resource, ctx) {
    if (!inExtraManifests(resource, ctx) || resource.name) return [];
    return [atKey(resource.root, 'metadata', resource.root, `${resource.kind} resource name is empty: Prep fails.`)];
  },
});

export const extraManifestDecodeRule = defineRule({
  id: 'ibgu/extra-manifest-decode',
  severity: 'error',
  title: 'A value of an extra-manifests ConfigMap that does not decode into objects',
  docs: 'LCA decodes every value of an extra-manifests ConfigMap as Kubernetes objects. A value that is not YAML or JSON objects with `apiVersion` and `kind` fails Prep with "failed to decode".',
  appliesTo: ['ConfigMap'],
  check(resource, ctx) {
    if (configMapRole(ctx.workspace, resource) !== 'extraManifests') return [];
    const data = get(resource.root, 'data', resource.yaml.anchors);
    if (!isMap(data)) return [];
    const reports: Report[] = [];
    for (const pair of data.items) {
      const key = keyOf(pair) ?? '';
      const docs = resource.embedded.filter((d) => d.embedding?.key === key);
      const failed = `failed to decode ${key} in the configMap ${resource.name ?? ''}`;
      if (docs.length === 0) {
        if (isScalar(pair.value) && typeof pair.value.value === 'string' && pair.value.value.trim() === '') continue;
        reports.push(at(pair.key, `${failed}: the value is not Kubernetes objects (no apiVersion and kind). Prep fails.`));
        continue;
      }
      for (const doc of docs) {
        const root = doc.doc.contents;
        if (root === null || doc.problems.some((p) => p.severity === 'error')) continue; // empty documents are skipped; syntax errors are reported by ibgu/embedded-yaml
        const ok = isMap(root) && get(root, 'apiVersion', doc.anchors) && get(root, 'kind', doc.anchors);
        if (!ok) reports.push(at(pair.key, `${failed}: document ${doc.index + 1} has no apiVersion or kind. Prep fails.`));
      }
    }
    return reports;
  },
});
