/**
 * The read-back rollout of an IBGU (src/core/talm/readback.ts): what the hub views, the dashboard and the
 * tree show. Types only: importing this file costs nothing, in a webview too.
 */


export type ClusterPhase = 'pending' | 'in-progress' | 'completed' | 'failed';

export interface ClusterProgress {
  name: string;
  phase: ClusterPhase;
  /** The action running, or the one that failed. */
  action?: string;
  /** The failure message (TALM's, or LCA's condition message read from ManifestWork feedback). */
  message?: string;
  /**
   * True when the failure was read from the ManifestWork's status feedback (the IBU reports a failed
   * condition) before TALM reported it: shown as "not yet reported by TALM".
   */
  early?: boolean;
  /** 1-based batch of the step this cluster is in, when known. */
  batch?: number;
}

export type StepState = 'waiting' | 'running' | 'completed' | 'timed-out' | 'blocked';

export interface StepProgress {
  index: number;
  actions: string[];
  maxConcurrency: number;
  timeoutMinutes: number;
  /** The CGU that runs the step, once TALM created it. */
  cgu?: string;
  state: StepState;
  /** Why the step is blocked or timed out (the CGU's condition message). */
  message?: string;
  /** 1-based current batch and the number of batches, once the CGU has a remediation plan. */
  batch?: number;
  batchCount?: number;
  /** The cluster names of each batch (the CGU's remediationPlan). */
  batches?: string[][];
  startedAt?: string;
  currentBatchStartedAt?: string;
  completedAt?: string;
  clusters: ClusterProgress[];
  counts: Record<ClusterPhase, number>;
}

export type RolloutState = 'waiting' | 'progressing' | 'completed' | 'failed';

export interface Rollout {
  uid: string;
  namespace: string;
  name: string;
  plan: string[][];
  steps: StepProgress[];
  /** One entry per selected cluster: its overall state across the plan. */
  clusters: ClusterProgress[];
  /** Clusters whose every step has ended (completed or failed), and the clusters selected. */
  done: number;
  total: number;
  failed: number;
  state: RolloutState;
  /** The IBGU's Progressing condition message. */
  message?: string;
  createdAt?: string;
}
