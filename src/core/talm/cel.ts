/**
 * What the API server itself does with an ImageBasedGroupUpgrade on create and update: the CRD's default
 * for `rolloutStrategy.timeout` and its CEL rules, on plain objects. The sandbox hub enforces these the way
 * a real hub does; the messages are the CRD's, exactly.
 */
import { DEFAULT_TIMEOUT_MINUTES } from '../schema/talm';
import { NAME_LENGTH_MESSAGE } from '../schema/talm';
import { INVALID_PLAN_MESSAGE, isAllowedPlan } from './plan';

export const APPEND_ONLY_MESSAGE = 'plan is append only';
export const IBU_SPEC_IMMUTABLE_MESSAGE = 'ibuSpec is immutable';
export const SELECTORS_IMMUTABLE_MESSAGE = 'clusterLabelSelectors is immutable';
export { NAME_LENGTH_MESSAGE, INVALID_PLAN_MESSAGE };

/** One failed rule: the field it is attached to ('' for the object itself) and the CEL type of that field. */
export interface CelViolation {
  field: string;
  type: 'object' | 'array';
  message: string;
}

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** CEL equality on JSON values: deep, key order irrelevant. */
export function celEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => celEqual(x, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && celEqual(a[k], b[k]));
}

/** The object with the CRD's defaults applied (a plan step's `rolloutStrategy.timeout` is 240 when absent). */
export function withIbguDefaults<T>(ibgu: T): T {
  const spec = isObject(ibgu) ? ibgu.spec : undefined;
  if (!isObject(spec) || !Array.isArray(spec.plan)) return ibgu;
  const plan = spec.plan.map((step) => {
    if (!isObject(step) || !isObject(step.rolloutStrategy) || step.rolloutStrategy.timeout !== undefined) return step;
    return { ...step, rolloutStrategy: { ...step.rolloutStrategy, timeout: DEFAULT_TIMEOUT_MINUTES } };
  });
  return { ...ibgu, spec: { ...spec, plan } } as T;
}

function actionsOf(plan: Json[]): string[][] | undefined {
  const out: string[][] = [];
  for (const step of plan) {
    if (!isObject(step) || !Array.isArray(step.actions) || !step.actions.every((a) => typeof a === 'string')) return undefined;
    out.push(step.actions as string[]);
  }
  return out;
}

/**
 * The CRD's CEL rules for `next` (after defaulting); `old` is the stored object on update. Transition rules
 * (`self == oldSelf`, append-only) run on update only, and only when the field exists in both objects.
 */
export function ibguCelViolations(next: Json, old?: Json): CelViolation[] {
  const out: CelViolation[] = [];
  const meta = isObject(next) ? next.metadata : undefined;
  if (isObject(meta) && typeof meta.name === 'string' && meta.name.length >= 230) out.push({ field: '', type: 'object', message: NAME_LENGTH_MESSAGE });
  const spec = isObject(next) && isObject(next.spec) ? next.spec : undefined;
  const oldSpec = isObject(old) && isObject(old.spec) ? old.spec : undefined;
  if (spec && Array.isArray(spec.plan)) {
    const plan = spec.plan;
    if (oldSpec && Array.isArray(oldSpec.plan) && !oldSpec.plan.every((step) => plan.some((s) => celEqual(s, step)))) {
      out.push({ field: 'spec.plan', type: 'array', message: APPEND_ONLY_MESSAGE });
    }
    const actions = actionsOf(plan);
    if (actions && !isAllowedPlan(actions)) out.push({ field: 'spec.plan', type: 'array', message: INVALID_PLAN_MESSAGE });
  }
  if (spec && oldSpec) {
    // A null is pruned before validation (the fields are not nullable), so it is as absent as a missing key:
    // adding clusterLabelSelectors to an IBGU that had none, or removing it, passes.
    const has = (v: Json) => v !== undefined && v !== null;
    if (has(spec.ibuSpec) && has(oldSpec.ibuSpec) && !celEqual(spec.ibuSpec, oldSpec.ibuSpec)) {
      out.push({ field: 'spec.ibuSpec', type: 'object', message: IBU_SPEC_IMMUTABLE_MESSAGE });
    }
    if (has(spec.clusterLabelSelectors) && has(oldSpec.clusterLabelSelectors) && !celEqual(spec.clusterLabelSelectors, oldSpec.clusterLabelSelectors)) {
      out.push({ field: 'spec.clusterLabelSelectors', type: 'array', message: SELECTORS_IMMUTABLE_MESSAGE });
    }
  }
  return out;
}
