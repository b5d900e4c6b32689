import { pairOf } from '../yaml/ast';
import { configMapRefs, ibuSpecOf } from '../lca/configmaps';
import { planOf } from './support/plan';
import { at, defineRule, describe } from './helpers';

export const extraManifestsOnSpokesRule = defineRule({
  id: 'ibgu/extra-manifests-on-spokes',
  severity: 'info',
  title: 'TALM does not copy extraManifests ConfigMaps to the clusters',
  evidence: 'TALM `manifestworkreplicaset.go` copies only `oadpContent` ConfigMaps and the seed pull secret to the spokes (advice)',
  docs: 'TALM copies the `oadpContent` ConfigMaps and the seed pull secret to each cluster, but not the `extraManifests` ConfigMaps: those must already exist on every cluster (for example through a ZTP policy) before Prep, or before Upgrade for a plan that resumes at Upgrade. Plans without Prep or Upgrade do not read them.',
  appliesTo: ['IBGU'],
  scope: 'document',
  check(resource) {
    const spec = ibuSpecOf(resource);
    const pair = pairOf(spec, 'extraManifests');
    if (!pair || configMapRefs(resource, 'extraManifests').length === 0) return [];
    // LCA reads them at Prep (validation) and at Upgrade (applied after the pivot); other actions never do.
    const actions = (planOf(resource)?.steps ?? []).flatMap((s) => s.actions.map((a) => a.value));
    const first = actions.find((a) => a === 'Prep' || a === 'Upgrade');
    if (!first) return [];
    return [at(pair.key, `${describe(resource)}: TALM does not copy extraManifests ConfigMaps to the clusters; make sure they exist on every cluster (e.g. from a ZTP policy) before ${first}.`)];
  },
});
