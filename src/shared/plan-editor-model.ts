/**
 * The "Append step" plan editor's logic, pure (no vscode, no DOM): the editor text (the IBGU's steps read-only,
 * then the new step), the prefilled step, and the validation of what the user wrote, by the core's lint engine (lintPlanText).
 * The page runs it live for its markers; the host runs it again on every append before anything is written.
 */
import { Document, isMap, isSeq } from 'yaml';
import { DEFAULT_TIMEOUT_MINUTES, MAX_PLAN_STEPS, celEqual, formatPlan, lintPlanText, nextPlanSteps, nextPlanStepsNearest, planAppendOnlyRule, planCombinationRule, planStepJsonSchema, unknownFieldRule, withIbguDefaults, type Plan, type Range, type Severity } from '../core/index';

/**
 * Ids of core rules the editor reacts to: the finding of a plan TALM does not allow gets the editor's hint of
 * what can be appended; one of a changed existing step already says what the editor's read-only check would.
 */
const PLAN_COMBINATION = planCombinationRule.id;
const PLAN_APPEND_ONLY = planAppendOnlyRule.id;

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
  return actions ? nextPlanSteps(actions) : [];
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
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'ImageBasedGroupUpgrade plan',
    type: 'array',
    maxItems: MAX_PLAN_STEPS,
    items: planStepJsonSchema(),
  };
}

/** The core's severities, as markers have them (a hint is shown as info). */
const SEVERITY: Record<Severity, MarkerSeverity> = { error: 'error', warning: 'warning', info: 'info', hint: 'info' };

/**
 * The editor appends only what it can read into a NewPlanStep: a field the API server would drop (a typo such
 * as `timout`) would leave the step appended with other values than the ones written, so it blocks the append
 * here (the core's ibgu/unknown-field, raised from a warning to an error).
 */
const EDITOR_SEVERITIES = { [unknownFieldRule.id]: 'error' } as const;

/** A range of the editor text (0-based, as the core gives it) as monaco's 1-based one, at least one character wide. */
function marker(severity: MarkerSeverity, code: string, message: string, range: Range): PlanMarker {
  const { start, end } = range;
  const endColumn = end.line === start.line ? Math.max(end.character, start.character + 1) : end.character;
  return { severity, code, message, startLineNumber: start.line + 1, startColumn: start.character + 1, endLineNumber: end.line + 1, endColumn: endColumn + 1 };
}

function canonicalSteps(plan: readonly unknown[]): unknown[] {
  return withIbguDefaults({ spec: { plan: [...plan] } }).spec.plan;
}

/** The step read from a value the core found no error in: undefined unless it has exactly the shape the write sends. */
function readStep(value: unknown): NewPlanStep | undefined {
  if (!isRecord(value) || !Array.isArray(value.actions) || !value.actions.every((a) => typeof a === 'string') || !isRecord(value.rolloutStrategy)) return undefined;
  const { maxConcurrency, timeout = DEFAULT_TIMEOUT_MINUTES } = value.rolloutStrategy;
  if (!Number.isSafeInteger(maxConcurrency) || !Number.isSafeInteger(timeout)) return undefined;
  return { actions: [...(value.actions as string[])], rolloutStrategy: { maxConcurrency: maxConcurrency as number, timeout: timeout as number } };
}

/**
 * Validates the editor text against the IBGU's current plan (`existing`, as the hub has it). The core lints the
 * whole text as the IBGU's plan, with the IBGU as the hub has it as the previous version (lintPlanText): YAML,
 * schema, append-only, plan combination, action names and rollout rules, in the core's words. The editor adds
 * its own part: the existing steps stay first and as they are (the write appends after them), and exactly one
 * step is appended. Findings about the plan as a whole are shown on the new step (what the user can change).
 */
export function validateEditorText(existing: readonly unknown[], text: string): PlanValidation {
  const lint = lintPlanText(existing, text, { severities: EDITOR_SEVERITIES });
  const trimmed = text.trimEnd();
  const lines = trimmed.split('\n');
  const endRange: Range = { start: { line: lines.length - 1, character: Math.max(0, lines[lines.length - 1].length - 1) }, end: { line: lines.length - 1, character: lines[lines.length - 1].length } };
  const newStep = lint.steps[existing.length];
  const wholePlanRange = newStep ? (newStep.actions ?? newStep.range) : endRange;
  const existingActions = actionsOfPlan(existing);
  const markers: PlanMarker[] = [];
  for (const finding of lint.findings) {
    let message = finding.message;
    if (finding.rule === PLAN_COMBINATION && existingActions && lint.plan) {
      const written = actionsOfPlan(lint.plan);
      if (written) message += ` ${whatCanFollow(existingActions, written)}`;
    }
    markers.push(marker(SEVERITY[finding.severity], finding.rule, message, finding.range ?? wholePlanRange));
  }
  const hasErrors = () => markers.some((m) => m.severity === 'error');
  const values = lint.plan;
  if (!values) return { markers };
  const plan = actionsOfPlan(values);
  const done = (): PlanValidation => ({ markers, plan });

  // The existing steps, first and as they are: the write adds at the end, after testing the plan is still these.
  // The core's append-only rule reports a changed or removed step; a reordered one passes it (TALM tests
  // membership) but not the write.
  const before = canonicalSteps(existing);
  const after = canonicalSteps(values);
  const moved = before.findIndex((step, i) => i >= after.length || !celEqual(after[i] as never, step as never));
  if (moved >= 0) {
    if (!markers.some((m) => m.code === PLAN_APPEND_ONLY)) markers.push(marker('error', 'plan-editor/read-only', `Step ${moved + 1} must stay step ${moved + 1}: the existing steps are read-only and the new step is appended after them, as they are on the hub. Undo the change to the read-only steps.`, lint.steps[moved]?.range ?? endRange));
    return done();
  }

  const added = values.slice(existing.length);
  if (added.length === 0) {
    const message = existingActions && !nextPlanSteps(existingActions).length
      ? `Nothing can be appended to ${formatPlan(existingActions)}: no plan TALM allows starts with it. Start a new IBGU for what comes next.`
      : `Write the new step under "${NEW_STEP_HEADER}", e.g. "- actions: [${allowedNextSteps(existing)[0]?.join(', ') ?? 'Upgrade'}]" with its rolloutStrategy.`;
    markers.push(marker('error', 'plan-editor/no-new-step', message, endRange));
    return done();
  }
  for (let i = existing.length + 1; i < values.length; i++) {
    markers.push(marker('error', 'plan-editor/one-step', 'Only one step is appended at a time: remove this one (append it afterwards, if TALM allows it then).', lint.steps[i]?.range ?? endRange));
  }
  if (hasErrors()) return done();
  const step = readStep(added[0]);
  if (!step) {
    markers.push(marker('error', 'plan-editor/step-shape', 'The new step could not be read: it needs "actions" (a list of action names) and "rolloutStrategy" with whole numbers for maxConcurrency and timeout.', newStep?.range ?? endRange));
    return done();
  }
  return { markers, plan, step };
}

/** The allowed next steps, closest to what was written first, as a sentence. */
function whatCanFollow(existing: Plan, written: Plan): string {
  const next = nextPlanStepsNearest(existing, written);
  if (!next.length) return `Nothing can be appended to ${formatPlan(existing)}.`;
  return `After ${formatPlan(existing)} the new step can be ${quoteList(next.map((s) => `[${s.join(', ')}]`))}.`;
}

function quoteList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
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
