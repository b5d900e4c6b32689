import { pairOf } from '../yaml/ast';
import { configMapRefs, ibuSpecOf } from '../lca/configmaps';
import { planOf } from './support/plan';
import { at, defineRule, describe } from './helpers';
import { directoryOf } from './facts';

export const extraManifestsOnSpokesRule = defineRule({
  id: 'ibgu/extra-manifests-on-spokes',
  severity: 'info',
  evidence: 'TALM `manifestworkreplicaset.go` (`getConfigMapManifests`) copies only `oadpContent` ConfigMaps and the seed pull secret to the spokes (advice)',
  title: 'An extraManifests ConfigMap kept next to the IBGU, which TALM does not copy to the clusters',
  docs: [
    'TALM copies the `oadpContent` ConfigMaps and the seed pull secret from the hub into the Prep ManifestWork, but not the `extraManifests` ConfigMaps (controllers/imagebasedgroupupgrade.go `getConfigMapManifests` reads `OADPContent` only): LCA reads those on each cluster, at Prep (validation) and at Upgrade, so they must already be there, for example from a ZTP policy.',
    'That is worth saying only where the files suggest otherwise: the rule reports an IBGU whose Prep or Upgrade reads an `extraManifests` ConfigMap that sits in the same folder as the IBGU, as if applied to the hub with it (which is how `oadpContent` ConfigMaps are delivered). A ConfigMap kept elsewhere (a policy source folder) or not in the files at all is not reported: reminding every valid IBGU of the same fact tells nothing new.',
  ].join('\n\n'),
  appliesTo: ['IBGU'],
  scope: 'workspace',
  check(resource, ctx) {
    if (resource.yaml.embedding) return [];
    const spec = ibuSpecOf(resource);
    const pair = pairOf(spec, 'extraManifests');
    if (!pair) return [];
    // LCA reads them at Prep (validation) and at Upgrade (applied after the pivot); other actions never do.
    const actions = (planOf(resource)?.steps ?? []).flatMap((s) => s.actions.map((a) => a.value));
    const first = actions.find((a) => a === 'Prep' || a === 'Upgrade');
    if (!first) return [];
    const here = directoryOf(resource);
    const beside = configMapRefs(resource, 'extraManifests')
      .map((ref) => ctx.workspace.find('ConfigMap', ref.namespace, ref.name))
      .filter((cm) => cm !== undefined && !cm.yaml.embedding && directoryOf(cm) === here);
    if (beside.length === 0) return [];
    const names = [...new Set(beside.map((cm) => cm!.name))].join(', ');
    return [at(pair.key, `${describe(resource)}: ConfigMap ${names} is next to the IBGU, but TALM does not copy extraManifests ConfigMaps to the clusters (only oadpContent); deliver it to every cluster (e.g. from a ZTP policy) before ${first}.`)];
  },
});
