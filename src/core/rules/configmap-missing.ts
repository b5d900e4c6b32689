import { getSeq } from '../yaml/ast';
import { configMapRefs, ibuSpecOf } from '../lca/configmaps';
import { defineRule } from './helpers';
import type { Report } from './types';
import { atItem } from './support/ibu-spec';
import { hubKey } from './support/hub';

export const configMapMissingRule = defineRule({
  id: 'ibgu/configmap-missing',
  severity: 'warning',
  title: 'A referenced ConfigMap is not among the files given',
  evidence: 'TALM copies `oadpContent` ConfigMaps to the spokes and skips a missing one with a log line; LCA then fails Prep (`configmaps "…" not found`)',
  docs: 'When the files include ConfigMaps, the ConfigMaps an IBGU\'s `oadpContent` (which TALM copies from the hub) or an IBU\'s `oadpContent` and `extraManifests` refer to should be among them. A missing OADP ConfigMap is skipped by TALM with only a log line, and Prep then fails on the cluster with "OADP configmap not found". An IBGU\'s `extraManifests` ConfigMaps live on the clusters, not the hub, so they are not looked for (see ibgu/extra-manifests-on-spokes). Against a live hub (`ibgu lint --hub`, or the editor while a hub is connected), an IBGU\'s OADP ConfigMap the hub answered for is looked for there instead (ibgu/hub-configmap-missing).',
  appliesTo: ['IBGU', 'IBU'],
  scope: 'workspace',
  check(resource, ctx) {
    if (ctx.workspace.ofType('ConfigMap').length === 0) return [];
    const reports: Report[] = [];
    const spec = ibuSpecOf(resource);
    const fields = resource.type === 'IBGU' ? (['oadpContent'] as const) : (['oadpContent', 'extraManifests'] as const);
    for (const field of fields) {
      const seq = getSeq(spec, field, resource.yaml.anchors);
      configMapRefs(resource, field).forEach((ref, i) => {
        if (!ref.name || !ref.namespace || ctx.workspace.find('ConfigMap', ref.namespace, ref.name)) return;
        // Where a live hub answered for an IBGU's OADP ConfigMap, ibgu/hub-configmap-missing says whether it is there.
        if (resource.type === 'IBGU' && ctx.options.hub?.configMaps.has(hubKey(ref.namespace, ref.name))) return;
        // A ConfigMap written without a namespace gets one when it is applied (oc -n, kustomize): it may be this one.
        if (ctx.workspace.find('ConfigMap', undefined, ref.name)) return;
        const elsewhere = ctx.workspace.named('ConfigMap', ref.name).filter((c) => c.namespace).map((c) => c.namespace!);
        const hint = elsewhere.length ? ` A ConfigMap of that name is in namespace ${[...new Set(elsewhere)].join(', ')}.` : '';
        const consequence = field === 'extraManifests'
          ? 'Prep fails with "the extraManifests configMap is not found".'
          : resource.type === 'IBGU'
            ? 'TALM skips a missing OADP ConfigMap with only a log line, and Prep fails on the cluster with "OADP configmap not found".'
            : 'Prep fails with "OADP configmap not found".';
        reports.push(atItem(resource, seq?.items[i], `ConfigMap ${ref.namespace}/${ref.name} (${field}) is not in the files given.${hint} ${consequence}`));
      });
    }
    return reports;
  },
});
