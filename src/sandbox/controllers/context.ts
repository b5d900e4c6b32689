/** What the simulated controllers share: the hub, the spokes, simulated time, the scenario and a log. */
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

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export function findCondition(obj: KubeObject | undefined, type: string): Condition | undefined {
  return (obj?.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
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
