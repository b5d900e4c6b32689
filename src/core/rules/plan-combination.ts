import type { Node } from 'yaml';
import { get, nodeEnd, nodeStart, pairOf, toPlain } from '../yaml/ast';
import { columnOf, blockStyle } from '../yaml/edit';
import type { Resource } from '../yaml/parse';
import { INVALID_PLAN_MESSAGE, explainPlan, formatPlan, isAction, isAllowedPlan, nearestAllowedPlans, type Plan } from '../talm/plan';
import { at, defineRule, specOf } from './helpers';
import type { RawFix } from './types';
import { planOf, planValue, type PlanView } from './support/plan';

/** Matches new steps to original ones with equal actions, in order (longest common subsequence). */
function alignSteps(old: Plan, next: Plan): (number | undefined)[] {
  const key = (step: readonly string[]) => step.join(',');
  const n = old.length;
  const m = next.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = key(old[i]) === key(next[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out: (number | undefined)[] = new Array(m).fill(undefined);
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (key(old[i]) === key(next[j])) out[j++] = i++;
    else if (lcs[i + 1][j] >= lcs[i][j + 1]) i++;
    else j++;
  }
  return out;
}

/**
 * Renders a plan: steps kept from the original are copied as written (comments included); new steps
 * take the rollout strategy of the original step before them.
 */
function renderPlan(resource: Resource, view: PlanView, plan: Plan): string | undefined {
  const text = resource.yaml.text;
  if (view.node.flow || view.steps.some((s) => !s.node)) return undefined;
  const style = blockStyle(resource.yaml);
  const dashes = view.node.items.map((item) => text.lastIndexOf('-', nodeStart(item)));
  const column = columnOf(text, dashes[0]);
  const pad = ' '.repeat(column);
  const inner = ' '.repeat(column + 2);
  const quote = view.steps.flatMap((s) => s.actions).some((a) => a.node.type === 'QUOTE_DOUBLE');
  const original = planValue(view);
  const aligned = alignSteps(original, plan);
  const lines: string[] = [];
  let lastOriginal = 0;
  plan.forEach((step, j) => {
    const i = aligned[j];
    if (i !== undefined) {
      lastOriginal = i;
      let end = nodeEnd(view.node.items[i]);
      while (end > dashes[i] && /\s/.test(text[end - 1])) end--;
      lines.push(pad + text.slice(dashes[i], end).replace(/\r\n/g, '\n'));
      return;
    }
    const source = view.steps[lastOriginal].node!;
    const strategy = toPlain(get(source, 'rolloutStrategy', resource.yaml.anchors), resource.yaml.anchors) as Record<string, unknown> | null;
    lines.push(`${pad}- actions: [${step.map((a) => (quote ? JSON.stringify(a) : a)).join(', ')}]`);
    lines.push(`${inner}rolloutStrategy:`);
    for (const [key, value] of Object.entries(strategy ?? { maxConcurrency: 1 })) lines.push(`${inner}${' '.repeat(style.indent)}${key}: ${String(value)}`);
  });
  return lines.join('\n');
}

function planFix(resource: Resource, view: PlanView, plan: Plan, preferred: boolean): RawFix | undefined {
  // Same number of steps: rewrite only the actions lists, keeping every comment and strategy as written.
  if (plan.length === view.steps.length && view.steps.every((s) => s.actionsNode)) {
    const edits = [];
    for (const [i, step] of view.steps.entries()) {
      if (step.actions.map((a) => a.value).join(',') === plan[i].join(',')) continue;
      const seq = step.actionsNode!;
      const quote = step.actions.some((a) => a.node.type === 'QUOTE_DOUBLE');
      const rendered = plan[i].map((a) => (quote ? JSON.stringify(a) : a));
      if (seq.flow) edits.push({ start: nodeStart(seq), end: nodeEnd(seq), newText: `[${rendered.join(', ')}]` });
      else {
        const dash = resource.yaml.text.lastIndexOf('-', nodeStart(seq.items[0]));
        const pad = ' '.repeat(columnOf(resource.yaml.text, dash));
        edits.push({ start: dash, end: nodeEnd(seq.items[seq.items.length - 1]), newText: rendered.map((a, k) => `${k ? pad : ''}- ${a}`).join('\n') });
      }
    }
    return { title: `Change the plan to ${formatPlan(plan)}`, edits, preferred };
  }
  const text = renderPlan(resource, view, plan);
  if (text === undefined) return undefined;
  const start = resource.yaml.text.lastIndexOf('\n', nodeStart(view.node.items[0])) + 1;
  const last = view.node.items[view.node.items.length - 1] as Node;
  let end = nodeEnd(last);
  while (end > start && /\s/.test(resource.yaml.text[end - 1])) end--;
  return { title: `Change the plan to ${formatPlan(plan)}`, edits: [{ start, end, newText: text }], preferred };
}

export const planCombinationRule = defineRule({
  id: 'ibgu/plan-combination',
  severity: 'error',
  title: 'The plan is not one of the combinations TALM allows',
  evidence: 'TALM CRD `spec.plan` CEL rule: the plan must equal one of 26 lists (`invalid combinations of actions in the plan`)',
  docs: 'The IBGU CRD accepts a plan only if the whole list of steps equals one of 26 allowed plans; how actions are grouped into steps and their order both matter. Every intermediate plan of one that is built up step by step must be allowed too. Rollback and FinalizeRollback belong in a separate IBGU.',
  appliesTo: ['IBGU'],
  scope: 'document',
  check(resource) {
    const view = planOf(resource);
    if (!view) return [];
    const plan = planValue(view);
    if (plan.some((s) => s.some((a) => !isAction(a)))) return []; // ibgu/action-name reports those
    if (view.steps.some((s) => !s.actionsNode)) return []; // ibgu/schema reports missing actions
    if (isAllowedPlan(plan)) return [];
    const nearest = nearestAllowedPlans(plan);
    const fixes = nearest.map((p, i) => planFix(resource, view, p, i === 0)).filter((f): f is RawFix => !!f);
    const message = `${INVALID_PLAN_MESSAGE}: ${formatPlan(plan)}. ${explainPlan(plan)} Closest allowed: ${nearest.map(formatPlan).join('; ')}.`;
    return [at(pairOf(specOf(resource), 'plan')?.key ?? view.node, message, fixes)];
  },
});
