/**
 * The "Append step" plan editor's logic, pure (no vscode, no DOM): the editor text (the IBGU's steps read-only,
 * then the new step), the prefilled step, and the validation of what the user wrote with the core's TALM rules.
 * The page runs it live for its markers; the host runs it again on every append before anything is written.
 */
import { Document, LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { toJsonSchema } from '../core/schema/json-schema';
import { DEFAULT_TIMEOUT_MINUTES, IBGU_ACTIONS, MAX_PLAN_STEPS, MAX_STEP_ACTIONS, planItem } from '../core/schema/talm';
import { continuations, explainPlan, formatPlan, isAction, nearestAllowedPlans, planKey, type Plan } from '../core/talm/plan';
import { APPEND_ONLY_MESSAGE, INVALID_PLAN_MESSAGE, celEqual, ibguCelViolations, withIbguDefaults } from '../core/talm/cel';
import { actionSuggestions, planOf } from '../core/rules/ibgu-plan';
import { maxConcurrencyRule, timeoutNonPositiveRule, timeoutUnitsRule } from '../core/rules/ibgu-rollout';
import type { Rule } from '../core/rules/types';
import { parseFile } from '../core/yaml/parse';
import { Workspace } from '../core/yaml/workspace';

/** The step the host appends: what the write layer sends, with the CRD's default timeout filled in. */
export interface NewPlanStep {
  actions: string[];
  rolloutStrategy: { maxConcurrency: number; timeout: number };
}

export type MarkerSeverity = 'error' | 'warning' | 'info';

/** A problem in the editor text: 1-based lines and columns (monaco's), end exclusive. */
export interface PlanMarker {
  severity: MarkerSeverity;
  message: string;
  /** The core rule that found it, or `plan-editor/<what>` for the editor's own checks. */
  code: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

export interface PlanValidation {
  markers: PlanMarker[];
  /** The step to append, when there is exactly one and nothing is an error. */
  step?: NewPlanStep;
  /** Actions of the whole plan after the append, when they could be read. */
  plan?: Plan;
}

export const EXISTING_HEADER = '# Existing steps (read-only)';
export const NEW_STEP_HEADER = '# New step';

/** The editor's read-only part for the IBGU's current plan: the headers and each step in flow style, one step per two lines. */
export function readOnlyPrefix(existing: readonly unknown[]): string {
  if (existing.length === 0) return `${EXISTING_HEADER}: none\n${NEW_STEP_HEADER}\n`;
  const doc = new Document(existing);
  // Flow style for each step's values keeps the part that cannot be edited short.
  if (isSeq(doc.contents)) {
    for (const item of doc.contents.items) {
      if (!isMap(item)) continue;
      for (const pair of item.items) if (isMap(pair.value) || isSeq(pair.value)) pair.value.flow = true;
    }
  }
  return `${EXISTING_HEADER}\n${doc.toString({ flowCollectionPadding: false, lineWidth: 0 })}${NEW_STEP_HEADER}\n`;
}

/** How many lines the read-only part has: lines 1..n of the editor. */
export function readOnlyLineCount(prefix: string): number {
  return prefix.split('\n').length - 1;
}

/** The whole editor text. */
export function composeEditorText(existing: readonly unknown[], newStepText: string): string {
  return readOnlyPrefix(existing) + newStepText;
}

/** What the user wrote: the text after the read-only part (the lines after it, should that part have been edited). */
export function newStepPart(text: string, prefix: string): string {
  if (text.startsWith(prefix)) return text.slice(prefix.length);
  return text.split('\n').slice(readOnlyLineCount(prefix)).join('\n');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The action lists of a plan as the hub has it, or undefined when a step has none readable. */
function actionsOfPlan(plan: readonly unknown[]): Plan | undefined {
  const out: string[][] = [];
  for (const step of plan) {
    if (!isRecord(step) || !Array.isArray(step.actions) || !step.actions.every((a): a is string => typeof a === 'string')) return undefined;
    out.push(step.actions);
  }
  return out;
}

/** The next steps TALM allows after `existing`, most likely first (upstream order: the usual flow before its variants). */
export function allowedNextSteps(existing: readonly unknown[]): string[][] {
  const actions = actionsOfPlan(existing);
  return actions ? nextSteps(actions) : [];
}

function nextSteps(actions: Plan): string[][] {
  if (actions.length >= MAX_PLAN_STEPS) return [];
  const out: string[][] = [];
  for (const plan of continuations(actions)) {
    const next = [...plan[actions.length]];
    if (!out.some((s) => s.join() === next.join())) out.push(next);
  }
  return out;
}

/** The prefilled new step: the most likely continuation with the last step's rollout strategy; '' when nothing can follow. */
export function prefillStep(existing: readonly unknown[]): string {
  const next = allowedNextSteps(existing)[0];
  if (!next) return '';
  const last = existing[existing.length - 1];
  const strategy = isRecord(last) && isRecord(last.rolloutStrategy) ? last.rolloutStrategy : {};
  const maxConcurrency = Number.isSafeInteger(strategy.maxConcurrency) ? (strategy.maxConcurrency as number) : 1;
  const timeout = Number.isSafeInteger(strategy.timeout) ? (strategy.timeout as number) : DEFAULT_TIMEOUT_MINUTES;
  return `- actions: [${next.join(', ')}]\n  rolloutStrategy:\n    maxConcurrency: ${maxConcurrency}\n    timeout: ${timeout}\n`;
}

/**
 * The JSON schema monaco-yaml completes and hovers with: the editor holds a list of plan steps. Derived from
 * the core's plan step schema, closed (the CRD prunes unknown fields) and with the action names as an enum.
 */
export function planEditorJsonSchema(): Record<string, unknown> {
  const step = toJsonSchema(planItem) as { properties: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  const actions = step.properties.actions as { items: Record<string, unknown> };
  const strategy = step.properties.rolloutStrategy;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'ImageBasedGroupUpgrade plan',
    type: 'array',
    maxItems: MAX_PLAN_STEPS,
    items: {
      ...step,
      additionalProperties: false,
      properties: {
        ...step.properties,
        actions: { ...actions, items: { ...actions.items, enum: [...IBGU_ACTIONS] } },
        rolloutStrategy: { ...strategy, additionalProperties: false },
      },
    },
  };
}

class Markers {
  readonly list: PlanMarker[] = [];
  constructor(private readonly lines: LineCounter, private readonly textLength: number) {}

  add(severity: MarkerSeverity, code: string, start: number, end: number, message: string): void {
    const from = this.lines.linePos(Math.min(start, this.textLength));
    const to = this.lines.linePos(Math.min(Math.max(end, start + 1), this.textLength));
    this.list.push({ severity, code, message, startLineNumber: from.line, startColumn: from.col, endLineNumber: to.line, endColumn: to.line === from.line ? Math.max(to.col, from.col + 1) : to.col });
  }

  at(severity: MarkerSeverity, code: string, node: Node | Pair | null | undefined, fallback: [number, number], message: string): void {
    const range = (node && 'range' in node && node.range) || fallback;
    this.add(severity, code, range[0], range[1], message);
  }

  get hasErrors(): boolean {
    return this.list.some((m) => m.severity === 'error');
  }
}

const STEP_FIELDS = ['actions', 'rolloutStrategy'];
const STRATEGY_FIELDS = ['maxConcurrency', 'timeout'];

function keyName(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function pairNamed(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => keyName(p) === key);
}

function quoteList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** Fields the CRD does not know: the API server would drop them without a word. */
function unknownFields(map: YAMLMap, allowed: string[], where: string, markers: Markers): void {
  for (const pair of map.items) {
    const name = keyName(pair);
    if (allowed.includes(name)) continue;
    markers.at('error', 'plan-editor/unknown-field', pair.key as Node, [0, 0], `"${name}" is not a field of ${where} (${allowed.join(', ')}): the API server would drop it.`);
  }
}

function integerField(map: YAMLMap, key: string, markers: Markers, fallback: [number, number], meaning: string): number | undefined {
  const pair = pairNamed(map, key);
  if (!pair) return undefined;
  const node = pair.value;
  if (isScalar(node) && typeof node.value === 'number' && Number.isSafeInteger(node.value)) return node.value;
  markers.at('error', 'plan-editor/integer', node as Node, fallback, `${key} must be a whole number (${meaning}).`);
  return undefined;
}

/** The new step read from its node, with markers for every shape problem (the CRD's schema, and action names). */
function readStep(node: unknown, markers: Markers, fallback: [number, number]): { step?: NewPlanStep; actionsNode?: Node } {
  if (!isMap(node)) {
    markers.at('error', 'plan-editor/step-shape', node as Node, fallback, 'A step is a map with "actions" and "rolloutStrategy", e.g. "- actions: [Upgrade]".');
    return {};
  }
  const range: [number, number] = [node.range?.[0] ?? fallback[0], node.range?.[1] ?? fallback[1]];
  unknownFields(node, STEP_FIELDS, 'a plan step', markers);
  let actionsOk = true;

  const actionsPair = pairNamed(node, 'actions');
  const actionsNode = actionsPair?.value as Node | undefined;
  const actions: string[] = [];
  if (!actionsPair) {
    actionsOk = false;
    markers.add('error', 'plan-editor/required', range[0], range[1], 'The step needs "actions": the actions to run, e.g. [Upgrade].');
  } else if (!isSeq(actionsNode)) {
    actionsOk = false;
    markers.at('error', 'plan-editor/step-shape', actionsNode, range, 'actions must be a list of action names, e.g. [Upgrade].');
  } else {
    if (actionsNode.items.length > MAX_STEP_ACTIONS) actionsOk = false;
    if (actionsNode.items.length === 0) markers.at('error', 'plan-editor/no-actions', actionsNode, range, 'The step has no actions; it needs at least one.');
    if (actionsNode.items.length > MAX_STEP_ACTIONS) markers.at('error', 'plan-editor/too-many-actions', actionsNode, range, `A step has at most ${MAX_STEP_ACTIONS} actions (the CRD's maxItems).`);
    for (const item of actionsNode.items) {
      const name = isScalar(item) && typeof item.value === 'string' ? item.value : undefined;
      if (name !== undefined && isAction(name)) {
        actions.push(name);
        continue;
      }
      actionsOk = false;
      const written = isScalar(item) ? String(item.value) : 'this';
      const suggestions = name === undefined ? [] : actionSuggestions(name);
      const hint = suggestions.length ? ` Did you mean ${quoteList(suggestions)}?` : ` The actions are ${quoteList(IBGU_ACTIONS)} (case matters).`;
      markers.at('error', 'ibgu/action-name', item as Node, range, `"${written}" is not an action.${hint}`);
    }
  }

  const strategyPair = pairNamed(node, 'rolloutStrategy');
  const strategyNode = strategyPair?.value;
  let maxConcurrency: number | undefined;
  let timeout: number | undefined = DEFAULT_TIMEOUT_MINUTES;
  if (!strategyPair) markers.add('error', 'plan-editor/required', range[0], range[1], 'The step needs "rolloutStrategy" with maxConcurrency (the batch size) and timeout (minutes).');
  else if (!isMap(strategyNode)) markers.at('error', 'plan-editor/step-shape', strategyNode as Node, range, 'rolloutStrategy must be a map with maxConcurrency and timeout.');
  else {
    unknownFields(strategyNode, STRATEGY_FIELDS, 'rolloutStrategy', markers);
    const strategyRange: [number, number] = [strategyNode.range?.[0] ?? range[0], strategyNode.range?.[1] ?? range[1]];
    maxConcurrency = integerField(strategyNode, 'maxConcurrency', markers, strategyRange, 'how many clusters run the step at once');
    if (!pairNamed(strategyNode, 'maxConcurrency')) markers.add('error', 'plan-editor/required', strategyRange[0], strategyRange[1], 'rolloutStrategy needs maxConcurrency: how many clusters run the step at once.');
    if (pairNamed(strategyNode, 'timeout')) timeout = integerField(strategyNode, 'timeout', markers, strategyRange, 'minutes for the whole step');
  }
  if (!actionsOk || maxConcurrency === undefined || timeout === undefined) return { actionsNode };
  return { step: { actions, rolloutStrategy: { maxConcurrency, timeout } }, actionsNode };
}

/** The allowed next steps, closest to what was written first, as a sentence. */
function whatCanFollow(existing: Plan, written: Plan): string {
  const next = nextSteps(existing);
  if (!next.length) return `Nothing can be appended to ${formatPlan(existing)}: no plan TALM allows starts with it.`;
  const ranked = nearestAllowedPlans(written, Infinity)
    .filter((p) => p.length === existing.length + 1 && planKey(p.slice(0, existing.length)) === planKey(existing))
    .map((p) => p[existing.length].join());
  const order = (s: string[]) => (ranked.includes(s.join()) ? ranked.indexOf(s.join()) : ranked.length);
  const sorted = [...next].sort((a, b) => order(a) - order(b));
  return `After ${formatPlan(existing)} the new step can be ${quoteList(sorted.map((s) => `[${s.join(', ')}]`))}.`;
}

/** The core's rollout rules (timeout units, timeout ≤ 0, maxConcurrency ≤ 0) on the plan after the append, for the new step. */
function rolloutFindings(existing: readonly unknown[], step: NewPlanStep, strategy: YAMLMap, markers: Markers): void {
  const ibgu = { apiVersion: 'lcm.openshift.io/v1alpha1', kind: 'ImageBasedGroupUpgrade', metadata: { name: 'plan-editor' }, spec: { plan: [...existing, step] } };
  const file = parseFile('plan-editor.yaml', new Document(ibgu).toString());
  const resource = file.resources[0];
  const newStep = resource && planOf(resource)?.steps[existing.length]?.node;
  if (!resource || !newStep?.range) return;
  const [from, to] = newStep.range;
  const ctx = { workspace: new Workspace([file]), options: {} };
  const fieldOf: [Rule, string][] = [[timeoutNonPositiveRule, 'timeout'], [timeoutUnitsRule, 'timeout'], [maxConcurrencyRule, 'maxConcurrency']];
  for (const [rule, field] of fieldOf) {
    for (const report of rule.check(resource, ctx)) {
      if (report.start < from || report.end > to) continue;
      const severity: MarkerSeverity = rule.severity === 'error' ? 'error' : rule.severity === 'warning' ? 'warning' : 'info';
      markers.at(severity, rule.id, pairNamed(strategy, field)?.value as Node, strategy.range ? [strategy.range[0], strategy.range[1]] : [0, 0], report.message);
    }
  }
}

/**
 * Validates the editor text against the IBGU's current plan (`existing`, as the hub has it): the text must
 * be YAML, list the existing steps unchanged, then exactly one new step that TALM would accept after them.
 */
export function validateEditorText(existing: readonly unknown[], text: string): PlanValidation {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const markers = new Markers(lines, text.length);
  const end: [number, number] = [Math.max(0, text.trimEnd().length - 1), text.trimEnd().length];
  for (const error of doc.errors) markers.add('error', 'ibgu/yaml-syntax', error.pos[0], error.pos[1], `YAML: ${error.message.split('\n')[0]}`);
  if (doc.errors.length) return { markers: markers.list };

  const root = doc.contents;
  if (root !== null && !isSeq(root)) {
    markers.at('error', 'plan-editor/not-a-list', root as Node, end, 'The plan is a list of steps: write the new step as "- actions: [...]" under "# New step".');
    return { markers: markers.list };
  }
  let values: unknown[];
  try {
    values = (doc.toJS({ maxAliasCount: 50 }) as unknown[] | null) ?? [];
  } catch (error) {
    markers.add('error', 'ibgu/yaml-alias-bomb', 0, text.length, `YAML: ${(error as Error).message}`);
    return { markers: markers.list };
  }
  const items = root?.items ?? [];

  // The existing steps, in place and unchanged: the write only adds at the end, after testing the plan is still these.
  const before = withIbguDefaults({ spec: { plan: [...existing] } });
  const after = withIbguDefaults({ spec: { plan: values } });
  const oldSteps = before.spec.plan;
  const newSteps = after.spec.plan;
  const appendOnly = ibguCelViolations(after, before).some((v) => v.message === APPEND_ONLY_MESSAGE);
  for (let i = 0; i < oldSteps.length; i++) {
    if (i < newSteps.length && celEqual(newSteps[i], oldSteps[i])) continue;
    // Reordering passes TALM's append-only rule (it tests membership) but not the write, which appends in place.
    const why = appendOnly ? `TALM refuses it: "${APPEND_ONLY_MESSAGE}".` : 'The write appends after the existing steps as they are on the hub.';
    markers.at('error', 'ibgu/plan-append-only', items[i] as Node | undefined, [0, Math.max(1, readOnlyPrefix(existing).length - 1)], `Step ${i + 1} is already in the plan and cannot be changed, moved or removed: ${why} Undo the change to the read-only steps.`);
    return { markers: markers.list };
  }

  const added = items.slice(oldSteps.length);
  if (added.length === 0) {
    const existingActions = actionsOfPlan(existing);
    const message = existingActions && !nextSteps(existingActions).length
      ? `Nothing can be appended to ${formatPlan(existingActions)}: no plan TALM allows starts with it. Start a new IBGU for what comes next.`
      : `Write the new step under "${NEW_STEP_HEADER}", e.g. "- actions: [${allowedNextSteps(existing)[0]?.join(', ') ?? 'Upgrade'}]" with its rolloutStrategy.`;
    markers.add('error', 'plan-editor/no-new-step', end[0], end[1], message);
    return { markers: markers.list };
  }
  for (const extra of added.slice(1)) {
    markers.at('error', 'plan-editor/one-step', extra as Node, end, 'Only one step is appended at a time: remove this one (append it afterwards, if TALM allows it then).');
  }
  if (oldSteps.length >= MAX_PLAN_STEPS) {
    markers.at('error', 'plan-editor/plan-full', added[0] as Node, end, `The plan already has ${MAX_PLAN_STEPS} steps, the most the CRD allows: nothing can be appended.`);
  }
  const { step, actionsNode } = readStep(added[0], markers, end);
  const existingActions = actionsOfPlan(existing);
  if (!step || !existingActions) return { markers: markers.list };
  const plan: Plan = [...existingActions, step.actions];

  const violations = ibguCelViolations(withIbguDefaults({ spec: { plan: [...existing, step] } }), before);
  if (violations.some((v) => v.message === INVALID_PLAN_MESSAGE)) {
    markers.at('error', 'ibgu/plan-combination', actionsNode, end, `TALM rejects this plan: "${INVALID_PLAN_MESSAGE}" (${formatPlan(plan)}). ${explainPlan(plan)} ${whatCanFollow(existingActions, plan)}`);
  }
  // A step was read, so the item and its rolloutStrategy are maps.
  const strategy = pairNamed(added[0] as YAMLMap, 'rolloutStrategy')!.value as YAMLMap;
  rolloutFindings(existing, step, strategy, markers);
  return markers.hasErrors ? { markers: markers.list, plan } : { markers: markers.list, plan, step };
}

/**
 * The host's check of a step the page asks to append, by the same rules as the editor: the error messages,
 * none when it may be sent.
 */
export function appendErrors(existing: readonly unknown[], step: NewPlanStep): string[] {
  const text = composeEditorText(existing, new Document([step]).toString());
  const result = validateEditorText(existing, text);
  const errors = result.markers.filter((m) => m.severity === 'error').map((m) => m.message);
  return errors.length || result.step ? errors : ['The step could not be read.'];
}
