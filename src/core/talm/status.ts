/** How TALM turns its per-step ClusterGroupUpgrades into `status.clusters` and the Progressing condition. */
import { ALL_STEPS_COMPLETED_MESSAGE, TIMEOUT_FAILURE_MESSAGE, waitingForStepMessage } from './wire';

export interface ActionMessage {
  action: string;
  message?: string;
}

/** One entry of `ibgu.status.clusters`. Empty lists are left out, as the API's `omitempty` does. */
export interface ClusterStatus {
  name: string;
  completedActions?: ActionMessage[];
  failedActions?: ActionMessage[];
  currentAction?: ActionMessage;
}

/** A status feedback value TALM read from the spoke's IBU through the ManifestWork. */
export interface Feedback {
  name: string;
  value: string;
}

/** A cluster the step's CGU has finished with: every action done, or out of time. */
export type StepClusterResult =
  | { name: string; state: 'complete' }
  | {
      name: string;
      state: 'timedout';
      /** The action whose ManifestWork was current when time ran out; absent when none was recorded. */
      action?: string;
      feedback?: readonly Feedback[];
      /** Messages of manifest conditions `Applied=False`, e.g. the spoke API server refusing the IBU. */
      appliedFalseMessages?: readonly string[];
    };

/** What one plan step's CGU reports. */
export interface StepOutcome {
  /** 0-based index in `spec.plan`. */
  index: number;
  actions: readonly string[];
  /** The CGU has a `Succeeded` condition, of any status: a timed-out step counts as finished too. */
  finished: boolean;
  clusters: readonly StepClusterResult[];
  /** Clusters of the running batch, by the index of the action they are on (cleared once finished). */
  inFlight?: Readonly<Record<string, number>>;
}

/**
 * The failure message TALM records: every feedback value whose name mentions `ConditionMessage` or
 * `ConditionReason`, then every `Applied=False` message, one per line; the fixed timeout text if none.
 */
export function failureMessage(feedback: readonly Feedback[] = [], appliedFalseMessages: readonly string[] = []): string {
  const parts = feedback.filter((f) => /ConditionMessage|ConditionReason/.test(f.name)).map((f) => f.value);
  parts.push(...appliedFalseMessages);
  const text = parts.filter((p) => p !== '').join('\n');
  return text === '' ? TIMEOUT_FAILURE_MESSAGE : text;
}

/**
 * `status.clusters` from the steps' outcomes, as `syncStatusWithCGUs` builds it: per step in plan order,
 * finished clusters gain all the step's actions or one failed action; in-flight clusters gain a current
 * action and the actions before it. Clusters in batches that have not started do not appear.
 */
export function aggregateClusters(steps: readonly StepOutcome[]): ClusterStatus[] {
  const byName = new Map<string, { completed: ActionMessage[]; failed: ActionMessage[]; current?: ActionMessage }>();
  const entry = (name: string) => {
    let e = byName.get(name);
    if (!e) byName.set(name, (e = { completed: [], failed: [] }));
    return e;
  };
  for (const step of [...steps].sort((a, b) => a.index - b.index)) {
    for (const cluster of step.clusters) {
      if (cluster.state === 'complete') entry(cluster.name).completed.push(...step.actions.map((action) => ({ action })));
      else if (cluster.action) entry(cluster.name).failed.push({ action: cluster.action, message: failureMessage(cluster.feedback, cluster.appliedFalseMessages) });
    }
    for (const [name, actionIndex] of Object.entries(step.inFlight ?? {})) {
      const e = entry(name);
      e.current = { action: step.actions[actionIndex] };
      e.completed.push(...step.actions.slice(0, actionIndex).map((action) => ({ action })));
    }
  }
  return [...byName.keys()].sort().map((name) => {
    const e = byName.get(name)!;
    const status: ClusterStatus = { name };
    if (e.completed.length) status.completedActions = e.completed;
    if (e.failed.length) status.failedActions = e.failed;
    if (e.current) status.currentAction = e.current;
    return status;
  });
}

export interface ProgressingCondition {
  type: 'Progressing';
  status: 'True' | 'False';
  reason: 'InProgress' | 'Completed';
  message: string;
}

/**
 * The IBGU's only condition. TALM waits on the first step (0-based, as TALM prints it) whose CGU has
 * not finished or does not exist yet; `finishedSteps` holds the plan indexes of the finished ones.
 */
export function progressingCondition(planLength: number, finishedSteps: ReadonlySet<number>): ProgressingCondition {
  for (let i = 0; i < planLength; i++) {
    if (!finishedSteps.has(i)) return { type: 'Progressing', status: 'True', reason: 'InProgress', message: waitingForStepMessage(i) };
  }
  return { type: 'Progressing', status: 'False', reason: 'Completed', message: ALL_STEPS_COMPLETED_MESSAGE };
}
