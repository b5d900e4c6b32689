/**
 * A dry run of an IBGU's plan over a list of ManagedClusters: which clusters each step selects, in which
 * batches, and how long the plan can take. Starts from the labels the clusters carry now (labels from an
 * earlier IBGU decide what a resumed or abort plan selects), then follows TALM's label rules step by step.
 */
import { DEFAULT_TIMEOUT_MINUTES } from '../schema/talm';
import { clusterGroupUpgradeName, stageLabel } from './wire';
import { formatPlan, INVALID_PLAN_MESSAGE, isAction, isAllowedPlan } from './plan';
import { batches, batchTimeoutMinutes, labelsAfterStatus, stepWorstCaseMinutes } from './batches';
import { anySelectorMatches, SelectorError, sortClusterNames, stepRequirement, stepSelectors, type ClusterInfo, type LabelSelector, type Labels } from './select';

export interface PlanStep {
  actions: readonly string[];
  maxConcurrency: number;
  timeoutMinutes: number;
}

export interface RolloutInput {
  name: string;
  /** Absent when the IBGU has no `clusterLabelSelectors`. */
  selectors?: readonly LabelSelector[];
  plan: readonly PlanStep[];
}

export interface SkippedCluster {
  cluster: string;
  reason: string;
}

export interface StepPreview {
  /** 1-based, as people count; TALM's own messages count from 0. */
  step: number;
  actions: string[];
  /** The ClusterGroupUpgrade TALM creates for the step. */
  clusterGroupUpgrade: string;
  /** What the first action asks of a cluster's labels. */
  selects: string;
  maxConcurrency: number;
  timeoutMinutes: number;
  /** Selected when every earlier action succeeds, sorted by name. */
  clusters: string[];
  batches: string[][];
  /** The first batch's share of the timeout; later batches get at least as much. */
  batchTimeoutMinutes: number;
  /** Not selected when everything succeeds, but selected if some earlier action fails. */
  onFailure: string[];
  /** Matched by the IBGU's selectors, yet left out by the step's label requirement. */
  skipped: SkippedCluster[];
  /** The step's timeout when it can select any cluster at all, else 0. */
  worstCaseMinutes: number;
}

export interface RolloutPreview {
  ibgu: string;
  /** Clusters the IBGU's own selectors match. */
  clusters: string[];
  steps: StepPreview[];
  worstCaseMinutes: number;
  /** Why TALM would reject or stall on this IBGU; the preview is still shown. */
  problems: string[];
}

/** What TALM tracks per cluster across the steps of one IBGU. */
export interface ClusterTrack {
  labels: Labels;
  completed: readonly string[];
  failed: readonly string[];
}

const asMessages = (actions: readonly string[]) => actions.map((action) => ({ action }));

function withStatus(track: ClusterTrack, completed: readonly string[], failed: readonly string[]): ClusterTrack {
  const labels = labelsAfterStatus(track.labels, { name: '', completedActions: asMessages(completed), failedActions: asMessages(failed) });
  return { labels, completed, failed };
}

/**
 * A cluster's track after a step: labels follow each action as it completes (TALM labels while the step
 * runs, and never takes a label back except on cleanup), then the step's end. With `failAt`, that action
 * times out: it becomes failed, and the actions before it leave the status (their labels stay).
 */
export function afterStep(track: ClusterTrack, actions: readonly string[], failAt?: number): ClusterTrack {
  const lastStarted = failAt ?? actions.length - 1;
  let t = track;
  for (let j = 1; j <= lastStarted; j++) {
    t = withStatus(t, [...track.completed, ...actions.slice(0, j)], track.failed);
  }
  if (failAt === undefined) return withStatus(t, [...track.completed, ...actions], track.failed);
  return withStatus(t, track.completed, [...track.failed, actions[failAt]]);
}

/** The label TALM adds to the step's selection, as the reason a cluster lacks it. */
function skipReason(firstAction: string): string {
  switch (firstAction) {
    case 'Upgrade':
      return `no ${stageLabel('Prep', 'completed')} label: not prepared`;
    case 'FinalizeUpgrade':
    case 'Rollback':
      return `no ${stageLabel('Upgrade', 'completed')} label: not upgraded`;
    case 'FinalizeRollback':
      return `no ${stageLabel('Rollback', 'completed')} label: not rolled back`;
    case 'Abort':
      return `labelled ${stageLabel('Upgrade', 'completed')}: already upgraded, Abort leaves it alone`;
    case 'AbortOnFailure':
      return `no ${stageLabel('Prep', 'failed')} or ${stageLabel('Upgrade', 'failed')} label: nothing failed`;
    default:
      return 'not matched';
  }
}

function problemsOf(input: RolloutInput): string[] {
  const problems: string[] = [];
  if (!input.selectors || input.selectors.length === 0) {
    problems.push('spec.clusterLabelSelectors is missing or empty: no step selects any cluster, and TALM waits on the first step forever ("no cluster specified for remediation").');
  }
  const unknown = [...new Set(input.plan.flatMap((s) => s.actions).filter((a) => !isAction(a)))];
  if (unknown.length) problems.push(`Unknown action${unknown.length > 1 ? 's' : ''} ${unknown.map((a) => `"${a}"`).join(', ')} (names are case-sensitive).`);
  const plan = input.plan.map((s) => s.actions);
  if (!isAllowedPlan(plan)) problems.push(`The plan ${formatPlan(plan)} is not one TALM accepts: the API server answers "${INVALID_PLAN_MESSAGE}". Run ibgu lint for the nearest allowed plans.`);
  return problems;
}

/** The preview. Throws SelectorError when a selector cannot be evaluated (TALM would stall on it). */
export function previewRollout(input: RolloutInput, clusters: readonly ClusterInfo[]): RolloutPreview {
  const selectors = input.selectors ?? [];
  const candidates = clusters.filter((c) => anySelectorMatches(selectors, c.labels));
  const narrowed = input.plan.map((step) => stepSelectors(selectors, step.actions[0] ?? ''));
  const isSelected = (i: number, labels: Labels) => anySelectorMatches(narrowed[i], labels);

  // Every outcome per cluster (each action of a selected step succeeds, or one times out): at most a few dozen paths.
  const possible = input.plan.map(() => new Set<string>());
  const explore = (name: string, i: number, track: ClusterTrack): void => {
    if (i === input.plan.length) return;
    if (!isSelected(i, track.labels)) return explore(name, i + 1, track);
    possible[i].add(name);
    const actions = input.plan[i].actions;
    explore(name, i + 1, afterStep(track, actions));
    for (let k = 0; k < actions.length; k++) explore(name, i + 1, afterStep(track, actions, k));
  };
  const start = (c: ClusterInfo): ClusterTrack => ({ labels: c.labels, completed: [], failed: [] });
  for (const c of candidates) explore(c.name, 0, start(c));

  const tracks = new Map(candidates.map((c) => [c.name, start(c)]));
  const steps: StepPreview[] = input.plan.map((step, i) => {
    const selected: string[] = [];
    const skipped: SkippedCluster[] = [];
    for (const [name, track] of tracks) {
      if (isSelected(i, track.labels)) selected.push(name);
      else skipped.push({ cluster: name, reason: skipReason(step.actions[0] ?? '') });
    }
    for (const name of selected) tracks.set(name, afterStep(tracks.get(name)!, step.actions));
    const clustersSorted = sortClusterNames(selected);
    const stepBatches = batches(clustersSorted, step.maxConcurrency);
    const onFailure = sortClusterNames([...possible[i]].filter((n) => !selected.includes(n)));
    return {
      step: i + 1,
      actions: [...step.actions],
      clusterGroupUpgrade: clusterGroupUpgradeName(input.name, step.actions, i),
      selects: stepRequirement(step.actions[0] ?? ''),
      maxConcurrency: step.maxConcurrency,
      timeoutMinutes: step.timeoutMinutes,
      clusters: clustersSorted,
      batches: stepBatches,
      batchTimeoutMinutes: stepBatches.length ? batchTimeoutMinutes(step.timeoutMinutes, 0, stepBatches.length) : 0,
      onFailure,
      skipped: skipped.sort((a, b) => (a.cluster < b.cluster ? -1 : 1)),
      worstCaseMinutes: stepWorstCaseMinutes(step.timeoutMinutes, possible[i].size),
    };
  });
  return {
    ibgu: input.name,
    clusters: sortClusterNames(candidates.map((c) => c.name)),
    steps,
    worstCaseMinutes: steps.reduce((sum, s) => sum + s.worstCaseMinutes, 0),
    problems: problemsOf(input),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, val] of Object.entries(v)) out[k] = val === null || val === undefined ? '' : String(val);
  return out;
}

/** A LabelSelector from plain data; malformed parts become what Kubernetes would refuse to parse. */
function toSelector(v: unknown, where: string): LabelSelector {
  if (!isRecord(v)) throw new SelectorError(`${where} is not a label selector (matchLabels / matchExpressions)`);
  const expressions = Array.isArray(v.matchExpressions) ? v.matchExpressions : [];
  return {
    matchLabels: stringMap(v.matchLabels),
    matchExpressions: expressions.map((e, i) => {
      if (!isRecord(e)) throw new SelectorError(`${where}.matchExpressions[${i}] is not a requirement (key, operator, values)`);
      return { key: String(e.key ?? ''), operator: String(e.operator ?? ''), values: Array.isArray(e.values) ? e.values.map(String) : [] };
    }),
  };
}

const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** The rollout-relevant part of an IBGU given as plain data (e.g. a YAML node's `toJSON()`). */
export function rolloutInputFromIbgu(ibgu: unknown): RolloutInput {
  const root = isRecord(ibgu) ? ibgu : {};
  const metadata = isRecord(root.metadata) ? root.metadata : {};
  const spec = isRecord(root.spec) ? root.spec : {};
  const selectors = Array.isArray(spec.clusterLabelSelectors)
    ? spec.clusterLabelSelectors.map((s, i) => toSelector(s, `spec.clusterLabelSelectors[${i}]`))
    : undefined;
  const plan = (Array.isArray(spec.plan) ? spec.plan : []).map((item) => {
    const step = isRecord(item) ? item : {};
    const strategy = isRecord(step.rolloutStrategy) ? step.rolloutStrategy : {};
    return {
      actions: Array.isArray(step.actions) ? step.actions.map(String) : [],
      maxConcurrency: num(strategy.maxConcurrency, 0),
      timeoutMinutes: num(strategy.timeout, DEFAULT_TIMEOUT_MINUTES),
    };
  });
  return { name: typeof metadata.name === 'string' ? metadata.name : '', selectors, plan };
}

/** A ManagedCluster given as plain data. */
export function clusterFromManagedCluster(mc: unknown): ClusterInfo {
  const metadata = isRecord(mc) && isRecord(mc.metadata) ? mc.metadata : {};
  return { name: typeof metadata.name === 'string' ? metadata.name : '', labels: stringMap(metadata.labels) };
}
