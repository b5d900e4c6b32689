import { getMap, getString, pairOf } from '../yaml/ast';
import { ibuSpecOf } from '../lca/configmaps';
import { at, defineRule } from './helpers';
import { hubKey, hubNamespace, plansPrep } from './support/hub';

export const hubSecretMissingRule = defineRule({
  id: 'ibgu/hub-secret-missing',
  severity: 'error',
  title: 'The seed pull secret does not exist in the IBGU\'s namespace on the live hub (checked on a connected hub)',
  evidence: 'TALM `controllers/utils/manifestworkreplicaset.go`: at Prep the `seedImageRef.pullSecretRef` Secret is copied from the IBGU\'s namespace on the hub, and skipped when missing; LCA then cannot pull the seed image and Prep fails',
  docs: 'Checked against a live hub only: by `ibgu lint --hub` (the hub of the kubeconfig context), in the editor while a hub is connected (refreshed by a watch of the object), and before Apply: the Secret an IBGU with a Prep step names in `ibuSpec.seedImageRef.pullSecretRef.name` must exist on the hub in the IBGU\'s own namespace (TALM reads it there, whatever namespace the clusters use, and writes it to `openshift-lifecycle-agent` on each cluster). A missing one is skipped, and Prep fails later on every cluster when LCA pulls the seed image. Create the Secret in the IBGU\'s namespace on the hub before applying the IBGU.',
  appliesTo: ['IBGU'],
  // Workspace-scoped: editors keep a document rule's result while the text is unchanged, and the hub's facts
  // change under an unchanged text (the Secret is created). The facts key includes the hub facts.
  scope: 'workspace',
  needs: 'hub',
  check(resource, ctx) {
    const hub = ctx.options.hub;
    if (!hub || !plansPrep(resource)) return [];
    const anchors = resource.yaml.anchors;
    const pull = getMap(getMap(ibuSpecOf(resource), 'seedImageRef', anchors), 'pullSecretRef', anchors);
    const name = getString(pull, 'name', anchors);
    if (!name) return [];
    const namespace = hubNamespace(resource, hub);
    if (hub.secrets.get(hubKey(namespace, name)) !== false) return [];
    return [at(pairOf(pull, 'name')!.value, `Secret ${namespace}/${name} (seedImageRef.pullSecretRef) does not exist on the hub (context ${hub.context}), in the IBGU's namespace where TALM reads it. TALM skips it at Prep, and Prep then fails on every cluster when LCA pulls the seed image.`)];
  },
});
