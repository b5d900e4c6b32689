import { isMap, isScalar, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { getSeq, items } from '../../yaml/ast';
import type { Resource } from '../../yaml/parse';
import { perResource } from '../../yaml/memo';
import type { Plan } from '../../talm/plan';
import { specOf } from '../helpers';

export interface PlanStep {
  node: YAMLMap<unknown, unknown> | undefined;
  actionsNode: YAMLSeq<unknown> | undefined;
  actions: { value: string; node: Scalar }[];
}

export interface PlanView {
  node: YAMLSeq<unknown>;
  steps: PlanStep[];
}

/**
 * The plan of an IBGU as nodes, or undefined when `spec.plan` is not a list. Six rules read it for every IBGU,
 * so it is read once per resource; callers must not change what it returns.
 */
export const planOf = perResource(readPlan);

function readPlan(resource: Resource): PlanView | undefined {
  const anchors = resource.yaml.anchors;
  const node = getSeq(specOf(resource), 'plan', anchors);
  if (!node) return undefined;
  const steps = items(node, anchors).map((item) => {
    const map = isMap(item) ? item : undefined;
    const actionsNode = getSeq(map, 'actions', anchors);
    // A null item is ibgu/schema's to report; it is not an action name.
    const actions = items(actionsNode, anchors).filter((n): n is Scalar => isScalar(n) && n.value !== null).map((n) => ({ value: String(n.value), node: n }));
    return { node: map, actionsNode, actions };
  });
  return { node, steps };
}

export function planValue(view: PlanView): Plan {
  return view.steps.map((s) => s.actions.map((a) => a.value));
}
