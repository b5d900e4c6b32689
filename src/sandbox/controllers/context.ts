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
 * lastTransitionTime unless the status changes. A condition that is already there as it would be written
 * leaves the list as it was (the same array): stored objects are shared, never changed, so an unchanged
 * part stays the same reference, which is what makes comparing versions and computing ownership cheap.
 */
export function putCondition(conditions: readonly Condition[] | undefined, next: Condition, now: string): Condition[] {
  const list = conditions ?? [];
  const at = list.findIndex((c) => c.type === next.type);
  const old = at >= 0 ? list[at] : undefined;
  const merged: Condition = { ...next, lastTransitionTime: old && old.status === next.status ? (old.lastTransitionTime ?? now) : now };
  if (old && sameFields(old, merged)) return list as Condition[];
  const out = [...list];
  if (at >= 0) out[at] = merged;
  else out.push(merged);
  return out;
}

/** The same keys with the same scalar values (conditions hold scalars only). */
export function sameFields(a: object, b: object): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k] && Object.prototype.hasOwnProperty.call(b, k));
}

/** JSON equality for deciding whether a status write would change anything. */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export const TALM_MANAGER = 'cluster-group-upgrades-operator';
