/** How a plan step runs: batches, timeouts, and the ManagedCluster labels TALM writes afterwards. */
import { IBGU_LABEL, stageLabel } from './wire';
import { sortClusterNames, type Labels } from './select';
import type { ClusterStatus } from './status';

/**
 * The CGU's batch size: `maxConcurrency` when it is between 1 and the number of clusters, otherwise all
 * of them at once (the CRD has no minimum, so 0 and negatives mean one batch).
 */
export function batchSize(maxConcurrency: number, clusterCount: number): number {
  return maxConcurrency > 0 && maxConcurrency < clusterCount ? maxConcurrency : clusterCount;
}

/** The batches of a step, in the order TALM runs them: clusters sorted by name, then cut. */
export function batches(clusterNames: readonly string[], maxConcurrency: number): string[][] {
  const sorted = sortClusterNames(clusterNames);
  const size = batchSize(maxConcurrency, sorted.length);
  const out: string[][] = [];
  for (let i = 0; i < sorted.length; i += size) out.push(sorted.slice(i, i + size));
  return out;
}

/**
 * Minutes a batch may run: what is left of the step's timeout, shared evenly by the batches still to run
 * (the last gets all of it). A batch that finishes early leaves its time to the later ones.
 */
export function batchTimeoutMinutes(stepTimeoutMinutes: number, elapsedMinutes: number, remainingBatches: number): number {
  return Math.max(0, stepTimeoutMinutes - elapsedMinutes) / Math.max(1, remainingBatches);
}

/**
 * The longest a step can take: its timeout covers every batch, and a step that selects no cluster is
 * done at once. A timeout of 0 or less expires immediately.
 */
export function stepWorstCaseMinutes(timeoutMinutes: number, clusterCount: number): number {
  return clusterCount === 0 ? 0 : Math.max(0, timeoutMinutes);
}

/** Actions that return a cluster to Idle: once one completes, TALM clears the cluster's IBGU labels. */
export const CLEANUP_ACTIONS: readonly string[] = ['Abort', 'AbortOnFailure', 'FinalizeUpgrade', 'FinalizeRollback'];

/**
 * A cluster's labels after TALM syncs them with its `status.clusters` entry (`ensureClusterLabels`):
 * a completed cleanup action removes every IBGU label and adds none; otherwise each failed and completed
 * action adds its label (value ""). Nothing else is removed, so labels outlive the IBGU.
 */
export function labelsAfterStatus(labels: Labels, status: ClusterStatus): Record<string, string> {
  const out: Record<string, string> = { ...labels };
  if ((status.completedActions ?? []).some((a) => CLEANUP_ACTIONS.includes(a.action))) {
    for (const key of Object.keys(out)) if (IBGU_LABEL.test(key)) delete out[key];
    return out;
  }
  for (const a of status.failedActions ?? []) out[stageLabel(a.action, 'failed')] ??= '';
  for (const a of status.completedActions ?? []) out[stageLabel(a.action, 'completed')] ??= '';
  return out;
}

/** Only TALM's labels, for showing what a step changed. */
export function ibguLabels(labels: Labels): string[] {
  return Object.keys(labels).filter((k) => IBGU_LABEL.test(k)).sort();
}
