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
  works: Map<string, KubeObject[]>;
}

/** How a cluster leaves a step, for predicting the later steps: succeeded, failed at an action index, or untouched. */
type Outcome = 'success' | 'untouched' | number;

function stepFacts(plan: PlanStep, index: number, cgu: KubeObject | undefined, works: Map<string, KubeObject[]>): StepFacts {
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

/** The frame of an IBGU's rollout; `related.managedClusters` is not read. */
export function rolloutFrame(ibgu: KubeObject, related: Pick<RolloutRelated, 'cgus' | 'manifestWorks'>): RolloutFrame {
  const namespace = ibgu.metadata.namespace ?? '';
  const name = ibgu.metadata.name;
  const { plan, selectors } = readIbgu(ibgu);
  const cgus = new Map<string, KubeObject>();
  for (const c of related.cgus) if ((c.metadata.namespace ?? '') === namespace && c.metadata.labels?.[IBGU_OWNER_LABEL] === name) cgus.set(c.metadata.name, c);
  const cguNames = plan.map((s, i) => clusterGroupUpgradeName(name, s.actions, i));
  const worksByStep = cguNames.map(() => new Map<string, KubeObject[]>());
  const stepOfCgu = new Map(cguNames.map((n, i) => [n, i]));
  for (const w of related.manifestWorks) {
    const labels = w.metadata.labels ?? {};
    const i = labels[CGU_NAMESPACE_LABEL] === namespace ? stepOfCgu.get(labels[CGU_LABEL] ?? '') : undefined;
    if (i === undefined) continue;
    const cluster = w.metadata.namespace ?? '';
    const list = worksByStep[i]!.get(cluster);
    if (list) list.push(w);
    else worksByStep[i]!.set(cluster, [w]);
  }
  const steps = plan.map((s, i) => stepFacts(s, i, cgus.get(cguNames[i]!), worksByStep[i]!));
  const narrowed = plan.map((s) => stepSelectors(selectors, s.actions[0] ?? ''));
  // Labels only matter for predicting a step not started yet: tracks stop at the last such step.
  const lastPredicted = steps.reduce((last, s) => (s.started ? last : s.index), -1);
  return { ibgu, plan, selectors, steps, narrowed, lastPredicted };
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

/** The rollout from a frame and its clusters' rows, in cluster-name order. */
export function assembleRollout(frame: RolloutFrame, rows: Iterable<ClusterRow>): Rollout {
  const { ibgu, plan, steps } = frame;
  const namespace = ibgu.metadata.namespace ?? '';
  const name = ibgu.metadata.name;
  const stepClusters = steps.map((): ClusterProgress[] => []);
  const clusters: ClusterProgress[] = [];
  let done = 0;
  for (const row of rows) {
    row.perStep.forEach((p, i) => p && stepClusters[i]!.push(p));
    clusters.push(row.overall);
    if (row.done) done++;
  }

  const stepProgress: StepProgress[] = steps.map((s) => {
    const counts = emptyCounts();
    for (const c of stepClusters[s.index]!) counts[c.phase]++;
    const st = s.cgu?.status?.status ?? {};
    const out: StepProgress = { index: s.index, actions: [...s.actions], maxConcurrency: s.maxConcurrency, timeoutMinutes: s.timeoutMinutes, state: s.state, clusters: stepClusters[s.index]!, counts };
    if (s.cgu) out.cgu = s.cgu.metadata.name;
    if (s.message) out.message = s.message;
    if (s.batches) Object.assign(out, { batches: s.batches, batchCount: s.batches.length });
    if (s.currentBatch !== undefined) out.batch = s.currentBatch;
    for (const k of ['startedAt', 'currentBatchStartedAt', 'completedAt'] as const) if (typeof st[k] === 'string') out[k] = st[k];
    return out;
  });

  const failed = clusters.filter((c) => c.phase === 'failed').length;
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
