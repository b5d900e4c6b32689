/** What the simulated controllers share: the hub, the spokes, simulated time, the scenario and a log. */
import { findCondition, type Condition } from '../../core/kube/object';
import type { Scenario } from '../scenario';
import type { KubeObject, Store } from '../store';
import type { Spokes } from '../surface';
import type { SimClock } from './clock';

export interface ControllerContext {
  hub: Store;
  spokes: Spokes;
  clock: SimClock;
  scenario: Scenario;
  log: (line: string) => void;
}

export { findCondition, type Condition };

/** A stored object's `namespace/name`, the key of the controllers' work queues. */
export function objectKey(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

/** `namespace/name` back into its two parts. */
export function splitKey(k: string): [string, string] {
  const i = k.indexOf('/');
  return [k.slice(0, i), k.slice(i + 1)];
}

/**
 * `meta.SetStatusCondition`: replaces the condition of the same type in place, keeping its
 * lastTransitionTime unless the status changes.
 */
export function putCondition(conditions: readonly Condition[] | undefined, next: Condition, now: string): Condition[] {
  const out = [...(conditions ?? [])];
  const at = out.findIndex((c) => c.type === next.type);
  const old = at >= 0 ? out[at] : undefined;
  const merged: Condition = { ...next, lastTransitionTime: old && old.status === next.status ? (old.lastTransitionTime ?? now) : now };
  if (at >= 0) out[at] = merged;
  else out.push(merged);
  return out;
}

/** JSON equality for deciding whether a status write would change anything. */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export const TALM_MANAGER = 'cluster-group-upgrades-operator';
