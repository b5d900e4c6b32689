import type { Rollout } from './types';

/** What changed in a rollout between two looks at it that is worth telling someone about. */
export interface RolloutNews {
  /** Steps that ended since the last look: index and final state. */
  stepsEnded: { index: number; actions: string[]; state: 'completed' | 'timed-out'; completed: number; failed: number }[];
  /** Clusters that failed since the last look. */
  newlyFailed: { name: string; action?: string; message?: string; early?: boolean }[];
}

/** Compares two snapshots of one rollout (pure, so the notification rules are testable without VS Code). */
export function rolloutNews(before: Rollout, after: Rollout): RolloutNews {
  const stepsEnded: RolloutNews['stepsEnded'] = [];
  for (const step of after.steps) {
    const old = before.steps[step.index];
    if ((step.state === 'completed' || step.state === 'timed-out') && old && old.state !== step.state && old.state !== 'completed' && old.state !== 'timed-out') {
      stepsEnded.push({ index: step.index, actions: step.actions, state: step.state, completed: step.counts.completed, failed: step.counts.failed });
    }
  }
  const failedBefore = new Set(before.clusters.filter((c) => c.phase === 'failed').map((c) => c.name));
  const newlyFailed = after.clusters
    .filter((c) => c.phase === 'failed' && !failedBefore.has(c.name))
    .map((c) => ({ name: c.name, ...(c.action ? { action: c.action } : {}), ...(c.message ? { message: c.message } : {}), ...(c.early ? { early: true } : {}) }));
  return { stepsEnded, newlyFailed };
}
