import { isScalar, type Scalar } from 'yaml';
import { getMap, get } from '../../yaml/ast';
import type { Resource } from '../../yaml/parse';
import { planOf } from './plan';

export interface Strategy {
  index: number;
  maxConcurrency?: Scalar;
  timeout?: Scalar;
}

export function strategies(resource: Resource): Strategy[] {
  const plan = planOf(resource);
  if (!plan) return [];
  return plan.steps.map((step, index) => {
    const strategy = getMap(step.node, 'rolloutStrategy', resource.yaml.anchors);
    const pick = (key: string) => {
      const node = get(strategy, key, resource.yaml.anchors);
      return isScalar(node) && typeof node.value === 'number' ? node : undefined;
    };
    return { index, maxConcurrency: pick('maxConcurrency'), timeout: pick('timeout') };
  });
}
