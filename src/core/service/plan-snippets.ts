import { ALLOWED_PLANS, continuations, isAction, planKey, type Plan } from '../talm/plan';
import { ACTIONS } from './knowledge';

export interface PlanSnippet {
  /** The whole plan it makes, e.g. `[[Prep], [Upgrade]]`. */
  plan: Plan;
  /** The steps it writes (the plan minus the steps already there). */
  steps: Plan;
  /** Snippet text, `\n` line breaks, indented for the columns given. */
  text: string;
  /** Position in the upstream list, for sorting. */
  index: number;
}

/**
 * How the first line of the snippet begins: `newline` after `plan:` (the list goes on the next lines),
 * `dash` where a list item starts, `item` right after a typed `- `.
 */
export type SnippetStart = 'newline' | 'dash' | 'item';

/** Snippets for the allowed plans that start with `existing`: all 26 when the plan is empty. */
export function planSnippets(existing: Plan, start: SnippetStart, dashColumn: number): PlanSnippet[] {
  const plans = existing.length ? continuations(existing) : [...ALLOWED_PLANS];
  return plans.map((plan) => {
    const steps = plan.slice(existing.length);
    return { plan, steps, text: stepsText(steps, start, dashColumn), index: ALLOWED_PLANS.findIndex((p) => planKey(p) === planKey(plan)) };
  });
}

function stepsText(steps: Plan, start: SnippetStart, dashColumn: number): string {
  const pad = (n: number) => ' '.repeat(n);
  const lines: string[] = [];
  steps.forEach((step, i) => {
    const dash = i === 0 && start === 'item' ? '' : `${i === 0 && start === 'dash' ? '' : pad(dashColumn)}- `;
    lines.push(`${dash}actions: [${step.join(', ')}]`);
    lines.push(`${pad(dashColumn + 2)}rolloutStrategy: {maxConcurrency: \${${i + 1}:10}}`);
  });
  return (start === 'newline' ? '\n' : '') + lines.join('\n');
}

/** A few words per step on which clusters it acts, for the snippet's documentation. */
export function describeSteps(plan: Plan, from: number): string {
  return plan.slice(from).map((step, i) => {
    const first = step[0];
    const who = first && isAction(first) ? ACTIONS[first].selects : '';
    return `${from + i + 1}. \`[${step.join(', ')}]\` — ${who}`;
  }).join('\n');
}

/** Whether an allowed plan continues `before` with a step that starts with `stepSoFar` then `action`. */
export function actionFits(before: Plan, stepSoFar: readonly string[], action: string): boolean {
  const key = planKey(before);
  const wanted = [...stepSoFar, action];
  return ALLOWED_PLANS.some((p) => p.length > before.length
    && planKey(p.slice(0, before.length)) === key
    && wanted.every((a, i) => p[before.length][i] === a));
}
