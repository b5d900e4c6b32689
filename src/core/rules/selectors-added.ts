import type { YAMLMap } from 'yaml';
import { get, pairOf } from '../yaml/ast';
import { clusterGroupUpgradeName } from '../talm/wire';
import { at, defineRule, specOf } from './helpers';
import { planOf } from './support/plan';
import { present, previousOf } from './support/changes';

/**
 * TALM (openshift-kni/cluster-group-upgrades-operator, controllers/imagebasedgroupupgrade.go):
 * `ensureManifests` walks the plan and stops at the first step whose CGU has no `Succeeded` condition;
 * `ensureCGUForPlanItem` creates a step's CGU only when none of that name exists, and for an existing one
 * only reads whether it completed — it never updates its spec. The CGU's `clusterLabelSelectors` are copied
 * from the IBGU when it is created (controllers/utils/manifestworkreplicaset.go
 * `GenerateClusterGroupUpgradeForPlanItem`). An IBGU stored without selectors got its first step's CGU at
 * once, with no cluster selection: ClustersSelected=False/ClusterNotFound, never Succeeded.
 */
export const selectorsAddedRule = defineRule({
  id: 'ibgu/selectors-added',
  severity: 'warning',
  title: 'clusterLabelSelectors added to a stored IBGU: its first step\'s ClusterGroupUpgrade keeps selecting no clusters',
  evidence: 'TALM `controllers/imagebasedgroupupgrade.go` `ensureCGUForPlanItem` never updates an existing CGU: one created without selectors stays `ClusterNotFound`',
  docs: 'The API server accepts adding `spec.clusterLabelSelectors` to an IBGU that had none (the CRD\'s `self == oldSelf` rule is a transition rule, evaluated only when the field exists in both versions). But TALM created the first step\'s ClusterGroupUpgrade when the IBGU was created, without selectors; it never updates an existing CGU, only waits for it to succeed, and a CGU that selects no clusters never does (ClusterNotFound). So the IBGU keeps waiting on that step. Delete that CGU (TALM recreates it from the IBGU, now with the selectors) or create a new IBGU.',
  appliesTo: ['IBGU'],
  scope: 'workspace',
  needs: 'previous',
  check(resource, ctx) {
    const previous = previousOf(resource, ctx);
    if (!previous) return [];
    if (present(get(specOf(previous), 'clusterLabelSelectors', previous.yaml.anchors))) return [];
    const newSpec = specOf(resource);
    if (!present(get(newSpec, 'clusterLabelSelectors', resource.yaml.anchors))) return [];
    const first = planOf(previous)?.steps[0];
    const actions = first?.actions.map((a) => a.value).filter((a): a is string => typeof a === 'string') ?? [];
    const name = previous.name ?? resource.name;
    const cgu = name && actions.length ? `ClusterGroupUpgrade ${clusterGroupUpgradeName(name, actions, 0)}` : 'the first step\'s ClusterGroupUpgrade';
    const ns = resource.namespace ?? previous.namespace;
    const remedy = name && actions.length ? ` (oc delete cgu -n ${ns ?? '<namespace>'} ${clusterGroupUpgradeName(name, actions, 0)})` : '';
    const key = pairOf(newSpec as YAMLMap<unknown, unknown>, 'clusterLabelSelectors')!.key;
    return [at(key, `spec.clusterLabelSelectors was added to a stored IBGU that had none: the API server accepts it, but TALM does not update ${cgu}, created without selectors: it selects no clusters (ClusterNotFound) and the IBGU keeps waiting on it. Delete it so TALM recreates it with these selectors${remedy}, or create a new IBGU.`)];
  },
});
