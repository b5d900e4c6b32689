import { getSeq } from '../yaml/ast';
import { configMapRefs, ibuSpecOf } from '../lca/configmaps';
import { defineRule } from './helpers';
import type { Report } from './types';
import { atItem } from './support/ibu-spec';
import { hubKey, plansPrep } from './support/hub';

export const hubConfigMapMissingRule = defineRule({
  id: 'ibgu/hub-configmap-missing',
  severity: 'error',
  title: 'An `oadpContent` ConfigMap does not exist on the live hub (checked on a connected hub)',
  evidence: 'TALM `controllers/utils/manifestworkreplicaset.go`: at Prep each `oadpContent` ConfigMap is fetched from the hub and skipped with a log line when missing; LCA then fails Prep (`OADP configmap not found`)',
  docs: 'Checked against a live hub only: by `ibgu lint --hub` (the hub of the kubeconfig context), in the editor while a hub is connected (refreshed by a watch of the object), and before Apply: each ConfigMap an IBGU with a Prep step names in `ibuSpec.oadpContent` must exist on the hub, in the namespace the reference gives. TALM copies those ConfigMaps to every cluster at Prep and skips a missing one with only a log line, so nothing fails until LCA\'s Prep does, on every cluster of the step. Create the ConfigMap on the hub (or fix the reference) before applying the IBGU.',
  appliesTo: ['IBGU'],
  // Workspace-scoped: editors keep a document rule's result while the text is unchanged, and the hub's facts
  // change under an unchanged text (the ConfigMap is created). The facts key includes the hub facts.
  scope: 'workspace',
  needs: 'hub',
  check(resource, ctx) {
    const hub = ctx.options.hub;
    if (!hub || !plansPrep(resource)) return [];
    const seq = getSeq(ibuSpecOf(resource), 'oadpContent', resource.yaml.anchors);
    const reports: Report[] = [];
    configMapRefs(resource, 'oadpContent').forEach((ref, i) => {
      if (!ref.name || !ref.namespace || hub.configMaps.get(hubKey(ref.namespace, ref.name)) !== false) return;
      reports.push(atItem(resource, seq?.items[i], `ConfigMap ${ref.namespace}/${ref.name} (oadpContent) does not exist on the hub (context ${hub.context}). TALM skips a missing OADP ConfigMap at Prep with only a log line, and Prep then fails on every cluster with "OADP configmap not found".`));
    });
    return reports;
  },
});
