import { ibuSpec } from './lca';
import { labelSelector, resource } from './meta';
import { any, arr, int, obj, str, type ObjectSchema } from './types';

export const IBGU_ACTIONS = ['Prep', 'Upgrade', 'FinalizeUpgrade', 'Rollback', 'FinalizeRollback', 'Abort', 'AbortOnFailure'] as const;
export type IbguAction = (typeof IBGU_ACTIONS)[number];

export const MAX_PLAN_STEPS = 6;
export const MAX_STEP_ACTIONS = 4;
export const DEFAULT_TIMEOUT_MINUTES = 240;

/** Name limit of the IBGU, from the CRD's CEL rule (message quoted exactly). */
export const NAME_LENGTH_MESSAGE = 'Name length must be less than 230 characters';

export const rolloutStrategy: ObjectSchema = obj({
  maxConcurrency: int('How many clusters run the step at once (batch size). TALM sorts the selected clusters by name and splits them into batches of this size; 0, a negative number, or at least the number of clusters means a single batch of all of them.'),
  timeout: int('Minutes (not seconds) the whole step may take, across all its batches; each batch gets a share of what is left. Clusters still running when it expires count as failed for their current action, and the next step starts anyway. Default 240.', { default: DEFAULT_TIMEOUT_MINUTES }),
}, 'Batch size and timeout of the step. Cannot be edited once the step is in the plan.', ['maxConcurrency']);

export const planItem: ObjectSchema = obj({
  actions: arr(str('An action: Prep, Upgrade, FinalizeUpgrade, Rollback, FinalizeRollback, Abort or AbortOnFailure.'), 'Actions run one after another on each cluster, with one rollout strategy; a cluster that fails one skips the rest of the step. The first action alone decides which clusters the step selects.', { maxItems: MAX_STEP_ACTIONS }),
  rolloutStrategy,
}, 'One step of the plan. TALM runs it as one ClusterGroupUpgrade, named after the IBGU, the actions and the step index.', ['actions', 'rolloutStrategy']);

const actionMessage = obj({ action: str(), message: str() }, undefined, ['action']);

export const ibguStatus: ObjectSchema = obj({
  observedGeneration: int('The generation of the spec TALM last acted on.'),
  startedAt: any('Never set by TALM.'),
  completedAt: any('Never set by TALM.'),
  conditions: arr(any(), 'Only `Progressing`: which step TALM is waiting for (0-based), or that all steps completed.'),
  clusters: arr(obj({
    name: str('Name of the managed cluster.'),
    completedActions: arr(actionMessage, 'Actions that completed on the cluster.'),
    failedActions: arr(actionMessage, 'Actions that failed, with what LCA reported; a failure shows only once the step times out.'),
    currentAction: { ...actionMessage, description: 'The action running on the cluster now.' },
  }, undefined, ['name']), 'Per-cluster progress, for clusters in started batches only.'),
});

export const ibguSpec: ObjectSchema = obj({
  ibuSpec: { ...ibuSpec, description: 'The ImageBasedUpgrade spec that TALM sends to every selected cluster, as the IBU named `upgrade`, with `stage` set by each action. Immutable once created.' },
  clusterLabelSelectors: arr(labelSelector, 'Which managed clusters take part (a cluster matching any selector). Without selectors, no step selects a cluster and the IBGU waits forever on its first step. Immutable once set.'),
  plan: arr(planItem, 'The steps, in order: TALM starts a step when the previous one has finished, even if it timed out. Only the 26 combinations TALM allows are accepted, and steps can only be appended, never edited or removed.', { maxItems: MAX_PLAN_STEPS }),
}, 'What to upgrade, where, and in which steps.', ['ibuSpec', 'plan']);

export const ibguSchema: ObjectSchema = resource(ibguSpec, ibguStatus);
