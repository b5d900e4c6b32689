/**
 * The rollout of an IBGU read back from what TALM wrote: the IBGU, its ClusterGroupUpgrades (one per
 * started plan step), their ManifestWorks and the ManagedClusters. Pure TALM semantics: no vscode, no
 * network, no hub. TALM's own `status.clusters` is not read: it omits clusters of batches that have not
 * started and says nothing of a failure until the step times out, while the ManifestWorks' status feedback
 * shows LCA's failure at once (facts §3.4–§3.6).
 */
import { findCondition, type KubeObject } from '../kube/object';
import { afterStep, rolloutInputFromIbgu, type ClusterTrack, type PlanStep } from './preview';
import { anySelectorMatches, sortClusterNames, stepSelectors, type LabelSelector, type Labels } from './select';
import { failureMessage, type Feedback } from './status';
import { actionOfTemplate, CGU_LABEL, CGU_NAMESPACE_LABEL, clusterGroupUpgradeName, fieldValueText, IBGU_OWNER_LABEL, safeResourceNameKey } from './wire';
import type { ClusterPhase, ClusterProgress, Rollout, RolloutState, StepProgress, StepState } from './readback-model';

/** The objects an IBGU's rollout is reduced from; others in the lists are ignored. */
export interface RolloutRelated {
  cgus: readonly KubeObject[];
  manifestWorks: readonly KubeObject[];
  managedClusters: readonly KubeObject[];
}

function manifestsOf(resourceStatus: any): any[] {
  return Array.isArray(resourceStatus?.manifests) ? resourceStatus.manifests : [];
}

/** Every status feedback value and every `Applied=False` message of a ManifestWork's resource status. */
function readResourceStatus(resourceStatus: any): { feedback: Feedback[]; appliedFalse: string[] } {
  const feedback: Feedback[] = [];
  const appliedFalse: string[] = [];
  for (const m of manifestsOf(resourceStatus)) {
    for (const v of Array.isArray(m?.statusFeedback?.values) ? m.statusFeedback.values : []) feedback.push({ name: String(v?.name ?? ''), value: fieldValueText(v?.fieldValue) });
    for (const c of Array.isArray(m?.conditions) ? m.conditions : []) if (c?.type === 'Applied' && c.status === 'False') appliedFalse.push(String(c.message ?? ''));
  }
  return { feedback, appliedFalse };
}

const STAGE_DONE = /^is(Prep|Upgrade|Rollback)Completed$/;
/** LCA's `<Stage>Completed=False` messages: `Prep failed`, `Upgrade failed`, `Rollback failed`, `Rollback requested`, `Rollback due to …`. */
const STAGE_FAILED = /failed|rollback/i;
/** LCA's `Idle=False` messages that never end by themselves: AbortFailed/FinalizeFailed and the refused transitions to Idle. */
const IDLE_FAILED = /Perform cleanup manually|not allowed|failed/i;

/**
 * LCA's failure as a running ManifestWork reports it, before TALM does at the step's timeout: the spoke
 * refused a manifest (`Applied=False`), or the IBU's `<Stage>Completed` condition is False with a failure
 * message, or its Idle condition is False with a cleanup failure or a refused transition. The message is
 * the one TALM will record at the timeout (`failureMessage` of the same feedback). `Aborting`,
 * `Finalizing`, `In progress` and a missing `is…Completed` value are work in progress, not failures.
 */
export function liveFailure(manifestWork: KubeObject): string | undefined {
  const { feedback, appliedFalse } = readResourceStatus(manifestWork.status?.resourceStatus);
  const value = (name: string) => feedback.find((f) => f.name === name)?.value ?? '';
  const failed = appliedFalse.length > 0 || feedback.some((f) => {
    const stage = STAGE_DONE.exec(f.name);
    if (stage) return f.value === 'False' && STAGE_FAILED.test(value(`${stage[1]!.toLowerCase()}CompletedConditionMessages`));
    return f.name === 'isIdle' && f.value === 'False' && IDLE_FAILED.test(value('idleConditionMessages'));
  });
  return failed ? failureMessage(feedback, appliedFalse) : undefined;
}

export const NEVER_STARTED_MESSAGE = "The step ended (timed out) before this cluster's batch started; TALM records nothing for it.";

/** A step's ManifestWorks by cluster (their namespace): a Map, or a view over an index kept elsewhere. */
export interface WorksByCluster {
  get(cluster: string): readonly KubeObject[] | undefined;
}

/** What one plan step's CGU says, read once per reduction. */
export interface StepFacts extends PlanStep {
  index: number;
  cgu?: KubeObject;
  state: StepState;
  message?: string;
  /** The CGU has a remediation plan: its selection is final. */
  started: boolean;
  finished: boolean;
  batches?: string[][];
  batchOf: Map<string, number>;
  currentBatch?: number;
  recorded: Map<string, any>;
  progress: Record<string, { state?: string; manifestWorkIndex?: number }>;
  /** This CGU's ManifestWorks by cluster (their namespace). */
  works: WorksByCluster;
}

/** How a cluster leaves a step, for predicting the later steps: succeeded, failed at an action index, or untouched. */
type Outcome = 'success' | 'untouched' | number;

/** One step's facts from its CGU (undefined before TALM created it) and the CGU's ManifestWorks. */
export function stepFacts(plan: PlanStep, index: number, cgu: KubeObject | undefined, works: WorksByCluster): StepFacts {
  const succeeded = findCondition(cgu, 'Succeeded');
  const selected = findCondition(cgu, 'ClustersSelected');
  const status = cgu?.status ?? {};
  const plannedBatches: string[][] | undefined = Array.isArray(status.remediationPlan) ? status.remediationPlan.map((b: unknown) => (Array.isArray(b) ? b.map(String) : [])) : undefined;
  const batchOf = new Map<string, number>();
  plannedBatches?.forEach((b, i) => b.forEach((c) => batchOf.set(c, i + 1)));
  const recorded = new Map<string, any>();
  for (const c of Array.isArray(status.clusters) ? status.clusters : []) if (typeof c?.name === 'string') recorded.set(c.name, c);
  let state: StepState = 'running';
  let message: string | undefined;
  if (!cgu) state = 'waiting';
  else if (succeeded?.status === 'True') state = 'completed';
  else if (succeeded) [state, message] = ['timed-out', succeeded.message];
  else if (selected?.status === 'False') [state, message] = ['blocked', selected.message];
  const currentBatch = typeof status.status?.currentBatch === 'number' ? status.status.currentBatch : undefined;
  return {
    ...plan, index, cgu, state, message, works, batchOf, recorded, currentBatch,
    started: plannedBatches !== undefined,
    finished: succeeded !== undefined,
    batches: plannedBatches,
    progress: status.status?.currentBatchRemediationProgress ?? {},
  };
}

/** The ManifestWork a cluster is on in a step: the one TALM named for the action's template, else the only one there. */
function currentWork(step: StepFacts, cluster: string, actionIndex: number): KubeObject | undefined {
  const works = step.works.get(cluster);
  if (!works?.length) return undefined;
  const template = step.cgu?.spec?.manifestWorkTemplates?.[actionIndex];
  const named = step.cgu?.status?.safeResourceNames?.[safeResourceNameKey(step.cgu.metadata.namespace ?? '', template)];
  return works.find((w) => w.metadata.name === named) ?? (works.length === 1 ? works[0] : undefined);
}

/** A cluster in a started step: undefined when the CGU did not select it. */
function startedResult(step: StepFacts, name: string): { progress: ClusterProgress; outcome: Outcome } | undefined {
  const batch = step.batchOf.get(name);
  if (batch === undefined && !step.recorded.has(name)) return undefined;
  const base = { name, ...(batch !== undefined ? { batch } : {}) };
  const record = step.recorded.get(name);
  if (record?.state === 'complete') return { progress: { ...base, phase: 'completed' }, outcome: 'success' };
  if (record?.state === 'timedout') {
    const current = record.currentManifestWork;
    const action = typeof current?.name === 'string' ? actionOfTemplate(current.name) : undefined;
    const { feedback, appliedFalse } = readResourceStatus(current?.status);
    const progress: ClusterProgress = { ...base, phase: 'failed', message: failureMessage(feedback, appliedFalse), ...(action ? { action } : {}) };
    // TALM records a failed action (and so a failed label) only when it knows the current ManifestWork.
    const at = action ? step.actions.indexOf(action) : -1;
    return { progress, outcome: at >= 0 ? at : 'untouched' };
  }
  const live = step.progress[name];
  if (live?.state === 'Completed') return { progress: { ...base, phase: 'completed' }, outcome: 'success' };
  if (live) {
    const at = live.manifestWorkIndex ?? 0;
    const action = step.actions[at];
    const work = live.state === 'InProgress' ? currentWork(step, name, at) : undefined;
    const failed = work ? liveFailure(work) : undefined;
    // The labels a failure leaves are predicted for a known action only (an index past the step's actions names none).
    if (failed !== undefined) return { progress: { ...base, phase: 'failed', action, message: failed, early: true }, outcome: Number.isInteger(at) && action !== undefined ? at : 'untouched' };
    return { progress: { ...base, phase: 'in-progress', action }, outcome: 'success' };
  }
  if (step.finished) return { progress: { ...base, phase: 'failed', message: NEVER_STARTED_MESSAGE }, outcome: 'untouched' };
  const phase: ClusterPhase = batch !== undefined && step.currentBatch !== undefined && batch <= step.currentBatch ? 'in-progress' : 'pending';
  return { progress: { ...base, phase }, outcome: 'success' };
}

/** Whether an IBGU's selectors pick a cluster with these labels; a selector Kubernetes cannot parse picks none. */
export function selectsCluster(selectors: readonly LabelSelector[], labels: Labels): boolean {
  try {
    return anySelectorMatches(selectors, labels);
  } catch {
    return false; // A selector Kubernetes cannot parse selects nothing (TALM reports the step blocked).
  }
}

/** The IBGU's plan and selectors; a malformed selector list selects nothing. */
export function readIbgu(ibgu: KubeObject): { plan: PlanStep[]; selectors: LabelSelector[] } {
  try {
    const input = rolloutInputFromIbgu(ibgu);
    return { plan: input.plan.map((s) => ({ ...s })), selectors: [...(input.selectors ?? [])] };
  } catch {
    const plan = rolloutInputFromIbgu({ ...ibgu, spec: { ...ibgu.spec, clusterLabelSelectors: undefined } }).plan;
    return { plan: [...plan], selectors: [] };
  }
}

const emptyCounts = (): Record<ClusterPhase, number> => ({ pending: 0, 'in-progress': 0, completed: 0, failed: 0 });

const RANK: Record<ClusterPhase, number> = { failed: 3, 'in-progress': 2, pending: 1, completed: 0 };

/** A cluster across the whole plan: its latest failure, else what runs, else what waits, else completed. */
function overall(name: string, perStep: readonly ClusterProgress[]): ClusterProgress {
  let best: ClusterProgress | undefined;
  for (const p of perStep) if (RANK[p.phase] > 0 && (!best || RANK[p.phase] >= RANK[best.phase])) best = p;
  return best ? { ...best } : { name, phase: 'completed' };
}

/** What a rollout's clusters are read against: the IBGU and its steps' CGUs and ManifestWorks, without the ManagedClusters. */
export interface RolloutFrame {
  ibgu: KubeObject;
  plan: PlanStep[];
  selectors: LabelSelector[];
  /** The name TALM gives each step's CGU (`<ibgu>-<actions>-<index>`). */
  cguNames: string[];
  steps: StepFacts[];
  narrowed: LabelSelector[][];
  lastPredicted: number;
}

/** One cluster across the plan: its progress in each step that has it (undefined where a step does not), and overall. */
export interface ClusterRow {
  perStep: (ClusterProgress | undefined)[];
  overall: ClusterProgress;
  done: boolean;
}

/** Labels only matter for predicting a step not started yet: tracks stop at the last such step. */
const lastPredictedOf = (steps: readonly StepFacts[]) => steps.reduce((last, s) => (s.started ? last : s.index), -1);

/**
 * The frame of an IBGU's rollout, each step's CGU and ManifestWorks given by `step` from the CGU's name
 * (the CGU only when it is in the IBGU's namespace with the IBGU's `ibgu` label).
 */
export function frameOf(ibgu: KubeObject, step: (cguName: string, index: number) => { cgu: KubeObject | undefined; works: WorksByCluster }): RolloutFrame {
  const { plan, selectors } = readIbgu(ibgu);
  const cguNames = plan.map((s, i) => clusterGroupUpgradeName(ibgu.metadata.name, s.actions, i));
  const steps = plan.map((s, i) => {
    const { cgu, works } = step(cguNames[i]!, i);
    return stepFacts(s, i, cgu, works);
  });
  const narrowed = plan.map((s) => stepSelectors(selectors, s.actions[0] ?? ''));
  return { ibgu, plan, selectors, cguNames, steps, narrowed, lastPredicted: lastPredictedOf(steps) };
}

/** The frame of an IBGU's rollout; `related.managedClusters` is not read. */
export function rolloutFrame(ibgu: KubeObject, related: Pick<RolloutRelated, 'cgus' | 'manifestWorks'>): RolloutFrame {
  const namespace = ibgu.metadata.namespace ?? '';
  const name = ibgu.metadata.name;
  const cgus = new Map<string, KubeObject>();
  for (const c of related.cgus) if ((c.metadata.namespace ?? '') === namespace && c.metadata.labels?.[IBGU_OWNER_LABEL] === name) cgus.set(c.metadata.name, c);
  const worksByCgu = new Map<string, Map<string, KubeObject[]>>();
  for (const w of related.manifestWorks) {
    const labels = w.metadata.labels ?? {};
    if (labels[CGU_NAMESPACE_LABEL] !== namespace || labels[CGU_LABEL] === undefined) continue;
    let byCluster = worksByCgu.get(labels[CGU_LABEL]);
    if (!byCluster) worksByCgu.set(labels[CGU_LABEL], (byCluster = new Map()));
    const cluster = w.metadata.namespace ?? '';
    const list = byCluster.get(cluster);
    if (list) list.push(w);
    else byCluster.set(cluster, [w]);
  }
  return frameOf(ibgu, (cguName) => ({ cgu: cgus.get(cguName), works: worksByCgu.get(cguName) ?? new Map() }));
}

/** The frame with one step's facts replaced (a CGU changed). */
export function withStep(frame: RolloutFrame, step: StepFacts): RolloutFrame {
  const steps = frame.steps.map((s) => (s.index === step.index ? step : s));
  return { ...frame, steps, lastPredicted: lastPredictedOf(steps) };
}

/** The clusters a frame names whatever their labels: those of the started steps' plans and records. */
export function namedClusters(frame: RolloutFrame): Set<string> {
  const names = new Set<string>();
  for (const s of frame.steps) {
    for (const c of s.batchOf.keys()) names.add(c);
    for (const c of s.recorded.keys()) names.add(c);
  }
  return names;
}

/** Whether a frame names this cluster (see namedClusters). */
export function isNamed(frame: RolloutFrame, cluster: string): boolean {
  return frame.steps.some((s) => s.batchOf.has(cluster) || s.recorded.has(cluster));
}

/** What startedResult reads of a recorded cluster: whether there is a record, its state, and for a timed-out one the ManifestWork it was on. */
function recordKey(record: any): string {
  if (record === undefined) return 'none';
  if (record?.state === 'complete') return 'complete';
  if (record?.state === 'timedout') return `timedout ${JSON.stringify([record.currentManifestWork?.name ?? null, record.currentManifestWork?.status ?? null])}`;
  return 'other';
}

function sameLive(a: any, b: any): boolean {
  return !a === !b && (!a || (a.state === b.state && a.manifestWorkIndex === b.manifestWorkIndex));
}

function sameBatches(a: string[][] | undefined, b: string[][] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((batch, i) => batch.length === b[i]!.length && batch.every((c, j) => c === b[i]![j]));
}

const sameJson = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * The clusters whose result in a step can differ between two readings of its CGU (what startedResult and
 * currentWork read: the batches, the current batch, the recorded clusters, the current batch's progress,
 * whether the step finished, the templates and their ManifestWork names), or 'all' when the step started
 * or stopped being started: then every cluster switches between the CGU's word and the prediction from
 * labels, and the frame's named clusters and lastPredicted move. A step not started reads nothing of its CGU
 * for the rows (only its state and message, which are the step's, not a cluster's).
 */
export function stepChanges(before: StepFacts, after: StepFacts): Set<string> | 'all' {
  if (before.started !== after.started) return 'all';
  const out = new Set<string>();
  if (!after.started) return out;
  const addNamed = (s: StepFacts) => {
    for (const c of s.batchOf.keys()) out.add(c);
    for (const c of s.recorded.keys()) out.add(c);
  };
  const templates = (s: StepFacts) => s.cgu?.spec?.manifestWorkTemplates;
  const safeNames = (s: StepFacts) => s.cgu?.status?.safeResourceNames;
  if (before.finished !== after.finished || (before.cgu?.metadata.namespace ?? '') !== (after.cgu?.metadata.namespace ?? '') || !sameBatches(before.batches, after.batches)
    || !sameJson(templates(before), templates(after)) || !sameJson(safeNames(before), safeNames(after))) {
    addNamed(before);
    addNamed(after);
    return out;
  }
  if (before.currentBatch !== after.currentBatch) {
    // A cluster without a record or progress is in progress once its batch is at most the current one.
    if (before.currentBatch === undefined || after.currentBatch === undefined) addNamed(before), addNamed(after);
    else {
      const [low, high] = before.currentBatch < after.currentBatch ? [before.currentBatch, after.currentBatch] : [after.currentBatch, before.currentBatch];
      for (const [c, b] of after.batchOf) if (b > low && b <= high) out.add(c);
    }
  }
  for (const [c, r] of before.recorded) if (recordKey(r) !== recordKey(after.recorded.get(c))) out.add(c);
  for (const c of after.recorded.keys()) if (!before.recorded.has(c)) out.add(c);
  const progressBefore = before.progress && typeof before.progress === 'object' ? before.progress : {};
  const progressAfter = after.progress && typeof after.progress === 'object' ? after.progress : {};
  for (const c of Object.keys(progressBefore)) if (!sameLive(progressBefore[c], progressAfter[c])) out.add(c);
  for (const c of Object.keys(progressAfter)) if (!sameLive(progressBefore[c], progressAfter[c])) out.add(c);
  return out;
}

/**
 * One cluster's row, from the frame and the cluster's labels (undefined when it is not a ManagedCluster);
 * undefined when no step has it. Depends on nothing else, so a changed cluster changes only its row.
 */
export function clusterRow(frame: RolloutFrame, cluster: string, labels: Labels | undefined, named: boolean): ClusterRow | undefined {
  if (!named && !(labels && selectsCluster(frame.selectors, labels))) return undefined;
  let track: ClusterTrack = { labels: labels ?? {}, completed: [], failed: [] };
  const perStep: (ClusterProgress | undefined)[] = [];
  let any = false;
  let done = true;
  for (const step of frame.steps) {
    const result = step.started
      ? startedResult(step, cluster)
      : selectsCluster(frame.narrowed[step.index]!, track.labels) ? { progress: { name: cluster, phase: 'pending' as const }, outcome: 'success' as const } : undefined;
    perStep.push(result?.progress);
    if (!result) continue;
    any = true;
    if (result.progress.phase === 'pending' || result.progress.phase === 'in-progress') done = false;
    if (step.index >= frame.lastPredicted) continue;
    if (result.outcome === 'success') track = afterStep(track, step.actions);
    else if (result.outcome !== 'untouched') track = afterStep(track, step.actions, result.outcome);
  }
  if (!any) return undefined;
  return { perStep, overall: overall(cluster, perStep.filter((p): p is ClusterProgress => p !== undefined)), done };
}

/**
 * The rollout of one IBGU. Started steps take their clusters from the CGU (remediation plan, recorded
 * results, the current batch's progress and its ManifestWorks); steps not started yet select with the
 * core's model (the IBGU's selectors, narrowed by the step's first action) on each cluster's labels as
 * TALM will have written them by then: current labels, then each earlier step's outcome (failures as
 * known, running work assumed to succeed). A cluster is done when no step has work left for it.
 */
export function reduceRollout(ibgu: KubeObject, related: RolloutRelated): Rollout {
  const frame = rolloutFrame(ibgu, related);
  // Labels as they came (strings, from the API server): copying 3,500 label maps per reduction costs more than the rest.
  const labelsOf = new Map<string, Labels>();
  for (const mc of related.managedClusters) labelsOf.set(mc.metadata.name, mc.metadata.labels ?? {});
  const named = namedClusters(frame);
  const candidates = new Set(named);
  for (const [cluster, labels] of labelsOf) if (selectsCluster(frame.selectors, labels)) candidates.add(cluster);
  const rows: ClusterRow[] = [];
  for (const cluster of sortClusterNames(candidates)) {
    const row = clusterRow(frame, cluster, labelsOf.get(cluster), named.has(cluster));
    if (row) rows.push(row);
  }
  return assembleRollout(frame, rows);
}

/** One step as the views show it, from its facts and its clusters (in name order) with their counts. */
function stepProgressOf(s: StepFacts, clusters: ClusterProgress[], counts: Record<ClusterPhase, number>): StepProgress {
  const st = s.cgu?.status?.status ?? {};
  const out: StepProgress = { index: s.index, actions: [...s.actions], maxConcurrency: s.maxConcurrency, timeoutMinutes: s.timeoutMinutes, state: s.state, clusters, counts };
  if (s.cgu) out.cgu = s.cgu.metadata.name;
  if (s.message) out.message = s.message;
  if (s.batches) Object.assign(out, { batches: s.batches, batchCount: s.batches.length });
  if (s.currentBatch !== undefined) out.batch = s.currentBatch;
  for (const k of ['startedAt', 'currentBatchStartedAt', 'completedAt'] as const) if (typeof st[k] === 'string') out[k] = st[k];
  return out;
}

/** The rollout from its steps and clusters, with the totals over them. */
function rolloutOfParts(frame: RolloutFrame, stepProgress: StepProgress[], clusters: ClusterProgress[], done: number, failed: number): Rollout {
  const { ibgu, plan, steps } = frame;
  const namespace = ibgu.metadata.namespace ?? '';
  const name = ibgu.metadata.name;
  let state: RolloutState = 'progressing';
  if (!steps.some((s) => s.cgu)) state = 'waiting';
  else if (steps.some((s) => s.state === 'blocked')) state = 'failed';
  else if (steps.every((s) => s.finished)) state = failed ? 'failed' : 'completed';
  const rollout: Rollout = {
    uid: ibgu.metadata.uid ?? `${namespace}/${name}`,
    namespace,
    name,
    plan: plan.map((s) => [...s.actions]),
    steps: stepProgress,
    clusters,
    done,
    total: clusters.length,
    failed,
    state,
  };
  const progressing = findCondition(ibgu, 'Progressing')?.message;
  if (progressing) rollout.message = progressing;
  if (ibgu.metadata.creationTimestamp) rollout.createdAt = ibgu.metadata.creationTimestamp;
  return rollout;
}

/** The rollout from a frame and its clusters' rows, in cluster-name order. */
export function assembleRollout(frame: RolloutFrame, rows: Iterable<ClusterRow>): Rollout {
  const stepClusters = frame.steps.map((): ClusterProgress[] => []);
  const clusters: ClusterProgress[] = [];
  let done = 0;
  for (const row of rows) {
    row.perStep.forEach((p, i) => p && stepClusters[i]!.push(p));
    clusters.push(row.overall);
    if (row.done) done++;
  }
  const stepProgress = frame.steps.map((s) => {
    const counts = emptyCounts();
    for (const c of stepClusters[s.index]!) counts[c.phase]++;
    return stepProgressOf(s, stepClusters[s.index]!, counts);
  });
  return rolloutOfParts(frame, stepProgress, clusters, done, clusters.filter((c) => c.phase === 'failed').length);
}

/** Where `name` is, or would go, in a list sorted by name (the order of sortClusterNames). */
function place(list: readonly ClusterProgress[], name: string): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (list[mid]!.name < name) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Puts `value` in the sorted list in place of the entry named `name`, or removes that entry (value undefined). */
function upsert(list: ClusterProgress[], name: string, value: ClusterProgress | undefined): void {
  const at = place(list, name);
  const found = list[at]?.name === name;
  if (found && value) list[at] = value;
  else if (found) list.splice(at, 1);
  else if (value) list.splice(at, 0, value);
}

/**
 * A rollout kept up to date row by row: the caller sets the rows that changed (and the frame, when a step's
 * facts or the IBGU changed), and `rollout()` folds only those changes in: each changed row's old progress is
 * taken out of the counts and totals and its new one put in, at its place by name (binary search). The
 * Rollout objects it hands out are never changed afterwards (the views keep the previous one to tell what
 * changed: src/hub/news.ts), so a list or counts object that changes is copied once per `rollout()` call:
 * a copy of its references, not a recomputation; lists and steps that did not change are shared with the
 * previous Rollout. When more than 64 rows and more than an eighth of them changed, it assembles the whole
 * (assembleRollout) instead.
 */
export class IncrementalRollout {
  readonly rows = new Map<string, ClusterRow>();
  /** The rows changed since the last `rollout()`, with their row then. */
  private readonly pending = new Map<string, ClusterRow | undefined>();
  private readonly stepsChanged = new Set<number>();
  private frameChanged = false;
  private current: Rollout | undefined;
  private done = 0;
  private failed = 0;

  constructor(public frame: RolloutFrame) {}

  /** A new frame: the same plan and selectors, with the facts of `steps` changed (the IBGU itself may have changed too). */
  setFrame(frame: RolloutFrame, steps: Iterable<number>): void {
    this.frame = frame;
    this.frameChanged = true;
    for (const i of steps) this.stepsChanged.add(i);
  }

  /** A cluster's row now (undefined: the rollout does not have it). */
  setRow(name: string, row: ClusterRow | undefined): void {
    const before = this.rows.get(name);
    if (!this.pending.has(name)) this.pending.set(name, before);
    if (row) this.rows.set(name, row);
    else this.rows.delete(name);
  }

  rollout(): Rollout {
    const current = this.current;
    if (current && !this.frameChanged && ![...this.pending].some(([name, before]) => before !== this.rows.get(name))) {
      this.pending.clear();
      return current;
    }
    if (!current || (this.pending.size > 64 && this.pending.size * 8 > this.rows.size)) this.assembleWhole();
    else this.fold(current);
    this.pending.clear();
    this.stepsChanged.clear();
    this.frameChanged = false;
    return this.current!;
  }

  private assembleWhole(): void {
    const rows = this.rows;
    this.current = assembleRollout(this.frame, sortClusterNames(rows.keys()).map((n) => rows.get(n)!));
    this.done = this.current.done;
    this.failed = this.current.failed;
  }

  private fold(previous: Rollout): void {
    let clusters: ClusterProgress[] | undefined;
    const stepClusters: (ClusterProgress[] | undefined)[] = [];
    const counts: (Record<ClusterPhase, number> | undefined)[] = [];
    for (const [name, before] of this.pending) {
      const after = this.rows.get(name);
      if (before === after) continue;
      if (before?.done) this.done--;
      if (after?.done) this.done++;
      if (before?.overall.phase === 'failed') this.failed--;
      if (after?.overall.phase === 'failed') this.failed++;
      upsert((clusters ??= previous.clusters.slice()), name, after?.overall);
      for (let i = 0; i < previous.steps.length; i++) {
        const was = before?.perStep[i];
        const now = after?.perStep[i];
        if (was === now) continue;
        const tally = (counts[i] ??= { ...previous.steps[i]!.counts });
        if (was) tally[was.phase]--;
        if (now) tally[now.phase]++;
        upsert((stepClusters[i] ??= previous.steps[i]!.clusters.slice()), name, now);
      }
    }
    const steps = previous.steps.map((old, i) => {
      if (!stepClusters[i] && !this.stepsChanged.has(i)) return old;
      return stepProgressOf(this.frame.steps[i]!, stepClusters[i] ?? old.clusters, counts[i] ?? old.counts);
    });
    this.current = rolloutOfParts(this.frame, steps, clusters ?? previous.clusters, this.done, this.failed);
  }
}
