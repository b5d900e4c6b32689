import { IBGU_ACTIONS, type IbguAction } from '../schema/talm';

export type Plan = readonly (readonly string[])[];

/**
 * Every whole plan TALM accepts, in upstream order (the `spec.plan` CEL allow-list of the IBGU CRD).
 * The plan as a whole must equal one entry: grouping into steps and order both matter.
 */
export const ALLOWED_PLANS: readonly Plan[] = [
  [['Prep']],
  [['Prep'], ['Upgrade']],
  [['Prep', 'Upgrade']],
  [['Prep'], ['Upgrade'], ['FinalizeUpgrade']],
  [['Prep'], ['Upgrade', 'FinalizeUpgrade']],
  [['Prep', 'Upgrade'], ['FinalizeUpgrade']],
  [['Prep', 'Upgrade', 'FinalizeUpgrade']],
  [['Rollback']],
  [['Rollback'], ['FinalizeRollback']],
  [['Rollback', 'FinalizeRollback']],
  [['Upgrade']],
  [['Upgrade'], ['FinalizeUpgrade']],
  [['Upgrade', 'FinalizeUpgrade']],
  [['FinalizeUpgrade']],
  [['FinalizeRollback']],
  [['Abort']],
  [['AbortOnFailure']],
  [['Prep'], ['Abort']],
  [['Prep'], ['AbortOnFailure']],
  [['Prep'], ['AbortOnFailure'], ['Upgrade']],
  [['Prep'], ['AbortOnFailure'], ['Upgrade'], ['AbortOnFailure']],
  [['Prep'], ['Upgrade'], ['AbortOnFailure']],
  [['Prep', 'Upgrade'], ['AbortOnFailure']],
  [['Prep'], ['AbortOnFailure'], ['Upgrade'], ['AbortOnFailure'], ['FinalizeUpgrade']],
  [['Prep'], ['Upgrade'], ['AbortOnFailure'], ['FinalizeUpgrade']],
  [['Prep', 'Upgrade'], ['AbortOnFailure'], ['FinalizeUpgrade']],
];

/** The upstream rejection message, quoted exactly. */
export const INVALID_PLAN_MESSAGE = 'invalid combinations of actions in the plan';

export function planKey(plan: Plan): string {
  return plan.map((step) => step.join(',')).join('|');
}

const allowedKeys = new Set(ALLOWED_PLANS.map(planKey));

export function isAllowedPlan(plan: Plan): boolean {
  return allowedKeys.has(planKey(plan));
}

export function formatPlan(plan: Plan): string {
  return `[${plan.map((step) => `[${step.join(', ')}]`).join(', ')}]`;
}

export function isAction(name: string): name is IbguAction {
  return (IBGU_ACTIONS as readonly string[]).includes(name);
}

/** Allowed plans that start with the given plan: what can still be appended later. */
export function continuations(plan: Plan): Plan[] {
  const key = planKey(plan);
  return ALLOWED_PLANS.filter((p) => p.length > plan.length && planKey(p.slice(0, plan.length)) === key);
}

function tokens(plan: Plan): string[] {
  const out: string[] = [];
  plan.forEach((step, i) => {
    if (i > 0) out.push('|');
    out.push(...step);
  });
  return out;
}

/** Edit distance where adding is cheaper than dropping: a fix should keep what the user wrote. */
const INSERT = 1;
const DELETE = 1.5;
const SUBSTITUTE = 2;

/** Both cancel the upgrade and return to Idle: swapping one for the other is a small change of mind. */
const CANCELS = new Set(['Abort', 'AbortOnFailure']);

function substitution(a: string, b: string): number {
  if (a === b) return 0;
  return CANCELS.has(a) && CANCELS.has(b) ? SUBSTITUTE / 2 : SUBSTITUTE;
}

function distance(a: string[], b: string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j * INSERT);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i * DELETE];
    for (let j = 1; j <= b.length; j++) {
      cur.push(Math.min(prev[j] + DELETE, cur[j - 1] + INSERT, prev[j - 1] + substitution(a[i - 1], b[j - 1])));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** Whether `plan` keeps every action of `mine` (as many times). */
function keepsActions(mine: Plan, plan: Plan): boolean {
  const count = new Map<string, number>();
  for (const a of plan.flat()) count.set(a, (count.get(a) ?? 0) + 1);
  for (const a of mine.flat()) {
    const n = count.get(a) ?? 0;
    if (n === 0) return false;
    count.set(a, n - 1);
  }
  return true;
}

const FLOW_RANK: Record<string, number> = { Prep: 0, Upgrade: 1, FinalizeUpgrade: 2, Rollback: 0, FinalizeRollback: 1 };

/**
 * Repairs the edit distance cannot see as cheap: steps written in the wrong order (a swap costs two
 * substitutions), and an action repeated by mistake. Abort and AbortOnFailure are left alone: where
 * they go is a choice, not a slip.
 */
function obviousRepairs(plan: Plan): Plan[] {
  const out: Plan[] = [];
  if (plan.flat().every((a) => a in FLOW_RANK)) {
    const rank = (a: string) => FLOW_RANK[a];
    const sorted = plan.map((step) => [...step].sort((a, b) => rank(a) - rank(b))).sort((a, b) => rank(a[0] ?? '') - rank(b[0] ?? ''));
    out.push(sorted);
  }
  const seen = new Set<string>();
  const deduped = plan.map((step) => step.filter((a) => a === 'AbortOnFailure' || (!seen.has(a) && !!seen.add(a)))).filter((step) => step.length);
  out.push(deduped);
  // A plan that both upgrades and rolls back is two IBGUs: keep each half that stands on its own.
  if (mixesFamilies(plan)) {
    for (const family of [UPGRADE_FAMILY, ROLLBACK_FAMILY]) out.push(plan.map((step) => step.filter((a) => family.has(a))).filter((step) => step.length));
  }
  return out.filter((p) => planKey(p) !== planKey(plan) && isAllowedPlan(p));
}

function mixesFamilies(plan: Plan): boolean {
  const flat = plan.flat();
  return flat.some((a) => ROLLBACK_FAMILY.has(a)) && flat.some((a) => UPGRADE_FAMILY.has(a));
}

/** What a plan that loses some of the user's actions costs on top of its edit distance. */
const DROP_PENALTY = 2;

/** The allowed plans closest to a rejected one (fewest action or step-boundary changes), best first. */
export function nearestAllowedPlans(plan: Plan, limit = 3): Plan[] {
  const mine = tokens(plan);
  const written = new Set(plan.flat());
  // Never turn a rollback into a finalize or the reverse: with both families, only offer the user's own actions.
  const candidates = mixesFamilies(plan) ? ALLOWED_PLANS.filter((p) => p.flat().every((a) => written.has(a))) : ALLOWED_PLANS;
  const ranked = candidates.map((p) => ({ p, index: ALLOWED_PLANS.indexOf(p), d: distance(mine, tokens(p)) + (keepsActions(plan, p) ? 0 : DROP_PENALTY) }))
    .sort((x, y) => x.d - y.d || Math.abs(x.p.length - plan.length) - Math.abs(y.p.length - plan.length) || x.index - y.index)
    .map((s) => s.p);
  const out: Plan[] = [];
  for (const p of [...obviousRepairs(plan), ...ranked]) if (!out.some((q) => planKey(q) === planKey(p))) out.push(p);
  return out.slice(0, limit);
}

const ROLLBACK_FAMILY = new Set(['Rollback', 'FinalizeRollback']);
const UPGRADE_FAMILY = new Set(['Prep', 'Upgrade', 'FinalizeUpgrade', 'Abort', 'AbortOnFailure']);
const ORDER: Record<string, number> = { Prep: 0, Upgrade: 1, FinalizeUpgrade: 2 };

/** Why a plan is not allowed, in plain words. Assumes every action name is valid. */
export function explainPlan(plan: Plan): string {
  if (plan.length === 0) return 'The plan has no steps; it needs at least one.';
  const emptyStep = plan.findIndex((s) => s.length === 0);
  if (emptyStep !== -1) return `Step ${emptyStep + 1} has no actions.`;
  const flat = plan.flat();
  const hasRollback = flat.some((a) => ROLLBACK_FAMILY.has(a));
  const hasUpgrade = flat.some((a) => UPGRADE_FAMILY.has(a));
  if (hasRollback && hasUpgrade) {
    return 'Rollback and FinalizeRollback cannot share a plan with Prep, Upgrade, FinalizeUpgrade, Abort or AbortOnFailure: roll back from a separate IBGU ([[Rollback], [FinalizeRollback]] or [[Rollback, FinalizeRollback]]).';
  }
  for (const [i, step] of plan.entries()) {
    const seen = new Set<string>();
    for (const action of step) {
      if (seen.has(action)) return `Step ${i + 1} lists ${action} twice.`;
      seen.add(action);
    }
  }
  const abortAt = plan.findIndex((s) => s.includes('Abort'));
  if (abortAt !== -1 && plan[abortAt].length > 1) return `Abort must be a step of its own (step ${abortAt + 1} combines it with ${plan[abortAt].filter((a) => a !== 'Abort').join(', ')}).`;
  if (abortAt !== -1 && abortAt < plan.length - 1) return `Nothing may follow an Abort step: Abort returns the clusters to Idle and ends the plan (step ${abortAt + 1} is followed by ${plan.length - abortAt - 1} more).`;
  if (abortAt > 1 || (abortAt === 1 && planKey(plan.slice(0, 1)) !== 'Prep')) return 'Abort can only follow a single Prep step, or stand alone in a new IBGU.';
  const aofAt = plan.findIndex((s) => s.includes('AbortOnFailure') && s.length > 1);
  if (aofAt !== -1) return `AbortOnFailure must be a step of its own (step ${aofAt + 1} combines it with ${plan[aofAt].filter((a) => a !== 'AbortOnFailure').join(', ')}).`;
  for (let i = 1; i < plan.length; i++) {
    if (plan[i][0] === 'AbortOnFailure' && plan[i - 1][0] === 'AbortOnFailure') return `Steps ${i} and ${i + 1} are both AbortOnFailure; one is enough.`;
  }
  // Order of the upgrade flow.
  const order = flat.filter((a) => a in ORDER);
  for (let i = 1; i < order.length; i++) {
    if (ORDER[order[i]] < ORDER[order[i - 1]]) return `${order[i]} cannot come after ${order[i - 1]}: the flow is Prep, then Upgrade, then FinalizeUpgrade.`;
    if (ORDER[order[i]] === ORDER[order[i - 1]]) return `${order[i]} appears twice in the plan.`;
  }
  const rollbackOrder = flat.filter((a) => ROLLBACK_FAMILY.has(a));
  if (rollbackOrder.length > 1 && rollbackOrder[0] !== 'Rollback') return 'FinalizeRollback cannot come before Rollback.';
  if (rollbackOrder.length > 2 || new Set(rollbackOrder).size !== rollbackOrder.length) return 'Rollback and FinalizeRollback may each appear only once.';
  const finalizeStep = plan.findIndex((s) => s.includes('FinalizeUpgrade'));
  if (finalizeStep !== -1 && finalizeStep < plan.length - 1) {
    return `FinalizeUpgrade ends the upgrade, so it belongs in the last step (step ${finalizeStep + 1} is followed by ${plan.length - finalizeStep - 1} more).`;
  }
  if (finalizeStep !== -1 && flat.includes('Prep') && !flat.includes('Upgrade')) {
    return 'FinalizeUpgrade can only follow Upgrade: add an Upgrade step before it, or finalize from a new IBGU ([[FinalizeUpgrade]]) once the clusters are upgraded.';
  }
  const aofSteps = plan.map((s, i) => (s[0] === 'AbortOnFailure' ? i : -1)).filter((i) => i >= 0);
  // With AbortOnFailure in the plan, the allowed plans all end in [..., [AbortOnFailure], [FinalizeUpgrade]].
  if (finalizeStep !== -1 && aofSteps.length && (plan[finalizeStep].length > 1 || plan[finalizeStep - 1]?.[0] !== 'AbortOnFailure')) {
    return 'Once the plan has an AbortOnFailure step, FinalizeUpgrade must come in its own step right after an AbortOnFailure step, so that clusters that failed Upgrade are cleaned up first.';
  }
  if (aofSteps.length && aofSteps[0] === 0) return 'AbortOnFailure as the first step is only allowed alone, in a new IBGU ([[AbortOnFailure]]).';
  if (aofSteps.length && plan[0][0] !== 'Prep') {
    return 'A plan with AbortOnFailure steps must start with Prep; to clean up clusters that failed in an earlier IBGU, use [[AbortOnFailure]] alone in a new IBGU.';
  }
  return 'This exact sequence of steps is not one of the 26 plans TALM accepts.';
}
