/**
 * Appending steps to the plan of an IBGU that exists (the extension's "Append step" editor): the text of a
 * plan (a YAML list of steps) is linted as the `spec.plan` of that IBGU, with the IBGU as it is stored as the
 * previous version, so the same rules as in any file run (append-only, plan combination, action names,
 * schema, rollout) and say it in the same words. Also what may come next, for prefilling and hints.
 */
import { Document, isMap, isSeq, type Node } from 'yaml';
import { lintFile } from '../lint/lint';
import { toJsonSchema } from '../schema/json-schema';
import { DEFAULT_TIMEOUT_MINUTES, IBGU_ACTIONS, MAX_PLAN_STEPS, planItem } from '../schema/talm';
import { continuations, formatPlan, nearestAllowedPlans, planKey, type Plan } from '../talm/plan';
import type { Finding, LintOptions } from '../rules/types';
import type { Position, Range } from '../yaml/lines';
import { parseFile } from '../yaml/parse';
import { Workspace } from '../yaml/workspace';
import { IBGU_TYPE } from '../kube/types';

export { DEFAULT_TIMEOUT_MINUTES, MAX_PLAN_STEPS, formatPlan, type Plan };

/** A finding of the plan text, in the plan text's coordinates (0-based, as in LSP). */
export interface PlanTextFinding extends Omit<Finding, 'range'> {
  /**
   * Where in the plan text; undefined when the finding is about the plan as a whole (the core reports those at
   * the `plan:` key, which the plan text does not have), e.g. ibgu/plan-combination.
   */
  range?: Range;
}

/** Where one item of the plan list is in the plan text, and its `actions` value when it has one. */
export interface PlanTextStep {
  range: Range;
  actions?: Range;
}

export interface PlanTextLint {
  findings: PlanTextFinding[];
  /** The items of the plan list (when it is one), for the caller's own checks. */
  steps: PlanTextStep[];
  /** The plan's value when it was read (no error of YAML syntax or aliases): steps as plain values. */
  plan?: unknown[];
}

const KIND = { apiVersion: IBGU_TYPE.apiVersion, kind: IBGU_TYPE.kind };
/** The text the plan text is set into; its last line is the `plan:` key, the plan text follows indented. */
const HEADER = `apiVersion: ${KIND.apiVersion}\nkind: ${KIND.kind}\nmetadata:\n  name: plan\n  namespace: plan\nspec:\n  plan:\n`;
const HEADER_LINES = HEADER.split('\n').length - 1;
const INDENT = 4;

/**
 * Lints `planText` (a YAML list of steps) as the plan of the IBGU whose stored plan is `stored`. Findings
 * outside the plan (the IBGU around it is made up here: its missing ibuSpec and selectors are not the
 * plan's problems) are left out; those on the `plan:` key are kept without a range.
 */
export function lintPlanText(stored: readonly unknown[], planText: string, options: Pick<LintOptions, 'severities'> = {}): PlanTextLint {
  const lines = planText.split('\n');
  const text = HEADER + lines.map((line) => (line ? ' '.repeat(INDENT) + line : line)).join('\n');
  const file = parseFile('plan.yaml', text);
  const previousText = new Document({ ...KIND, metadata: { name: 'plan', namespace: 'plan' }, spec: { plan: [...stored] } }).toString();
  const previous = new Workspace([parseFile('stored.yaml', previousText)]);
  // Back to the plan text: the lines after the header, less the indent the non-empty ones were given.
  const at = (p: Position): Position => ({ line: p.line - HEADER_LINES, character: Math.max(0, p.character - (lines[p.line - HEADER_LINES] ? INDENT : 0)) });
  const rangeOf = (node: Node): Range => ({ start: at(file.lines.positionAt(node.range![0])), end: at(file.lines.positionAt(node.range![1])) });
  const findings: PlanTextFinding[] = [];
  for (const finding of lintFile(file, new Workspace([file]), { ...options, previous })) {
    const { start, end } = finding.range;
    if (start.line >= HEADER_LINES) {
      findings.push({ ...finding, range: { start: at(start), end: end.line >= HEADER_LINES ? at(end) : at(start) } });
    } else if (start.line === HEADER_LINES - 1) {
      findings.push({ ...finding, range: undefined });
    }
  }
  const resource = file.resources[0];
  const spec = resource?.root.get('spec', true);
  const seq = isMap(spec) ? spec.get('plan', true) : undefined;
  const steps = (isSeq(seq) ? (seq.items as Node[]) : []).map((item) => {
    const actions = isMap(item) ? (item.get('actions', true) as Node | undefined) : undefined;
    return { range: rangeOf(item?.range ? item : (seq as Node)), actions: actions?.range ? rangeOf(actions) : undefined };
  });
  const yaml = file.documents[0];
  const readable = file.documents.length === 1 && yaml && !yaml.problems.some((p) => p.severity === 'error') && !yaml.aliasBomb && !yaml.tooDeep;
  let plan: unknown[] | undefined;
  if (readable && resource) {
    const value = resource.root.toJSON() as { spec?: { plan?: unknown } };
    plan = Array.isArray(value.spec?.plan) ? value.spec.plan : value.spec?.plan == null ? [] : undefined;
  }
  return { findings, steps, plan };
}

/** The steps that may follow `existing` (as action lists), most likely first (upstream order); none at the limit. */
export function nextPlanSteps(existing: Plan): string[][] {
  if (existing.length >= MAX_PLAN_STEPS) return [];
  const out: string[][] = [];
  for (const plan of continuations(existing)) {
    const next = [...plan[existing.length]];
    if (!out.some((s) => s.join() === next.join())) out.push(next);
  }
  return out;
}

/** The steps that may follow `existing`, closest to the one in `written` (the whole plan as written) first. */
export function nextPlanStepsNearest(existing: Plan, written: Plan): string[][] {
  const ranked = nearestAllowedPlans(written, Infinity)
    .filter((p) => p.length === existing.length + 1 && planKey(p.slice(0, existing.length)) === planKey(existing))
    .map((p) => p[existing.length].join());
  const order = (s: string[]) => (ranked.includes(s.join()) ? ranked.indexOf(s.join()) : ranked.length);
  return [...nextPlanSteps(existing)].sort((a, b) => order(a) - order(b));
}

/** The JSON schema of one plan step (from the core's schema), closed as the CRD prunes unknown fields, actions as an enum. */
export function planStepJsonSchema(): Record<string, unknown> {
  const step = toJsonSchema(planItem) as { properties: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  const actions = step.properties.actions as { items: Record<string, unknown> };
  const strategy = step.properties.rolloutStrategy;
  return {
    ...step,
    additionalProperties: false,
    properties: {
      ...step.properties,
      actions: { ...actions, items: { ...actions.items, enum: [...IBGU_ACTIONS] } },
      rolloutStrategy: { ...strategy, additionalProperties: false },
    },
  };
}
