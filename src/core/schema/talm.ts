import { ibuSpec } from './lca';
import { labelSelector, resource } from './meta';
import { any, arr, int, obj, str, type ObjectSchema } from './types';

export const IBGU_ACTIONS = ['Prep', 'Upgrade', 'FinalizeUpgrade', 'Rollback', 'FinalizeRollback', 'Abort', 'AbortOnFailure'] as const;
export type IbguAction = (typeof IBGU_ACTIONS)[number];

export const MAX_PLAN_STEPS = 6;
export const MAX_STEP_ACTIONS = 4;
export const DEFAULT_TIMEOUT_MINUTES = 240;

export const rolloutStrategy: ObjectSchema = obj({
  maxConcurrency: int('How many clusters run the step at once (batch size). 0, negative, or at least the number of clusters means one batch of all clusters.'),
  timeout: int('Minutes (not seconds) the whole step may take, across all its batches. Default 240.', { default: DEFAULT_TIMEOUT_MINUTES }),
}, 'Batch size and timeout of the step.', ['maxConcurrency']);

export const planItem: ObjectSchema = obj({
  actions: arr(str('An action: Prep, Upgrade, FinalizeUpgrade, Rollback, FinalizeRollback, Abort or AbortOnFailure.'), 'Actions run one after another on each cluster, with one rollout strategy.', { maxItems: MAX_STEP_ACTIONS }),
  rolloutStrategy,
}, 'One step of the plan.', ['actions', 'rolloutStrategy']);

const actionMessage = obj({ action: str(), message: str() }, undefined, ['action']);

export const ibguStatus: ObjectSchema = obj({
  observedGeneration: int(),
  startedAt: any(),
  completedAt: any(),
  conditions: arr(any()),
  clusters: arr(obj({
    name: str(),
    completedActions: arr(actionMessage),
    failedActions: arr(actionMessage),
    currentAction: actionMessage,
  }, undefined, ['name'])),
});

export const ibguSpec: ObjectSchema = obj({
  ibuSpec: { ...ibuSpec, description: 'The ImageBasedUpgrade spec that TALM sends to every selected cluster. Immutable once created.' },
  clusterLabelSelectors: arr(labelSelector, 'Which managed clusters take part (any selector may match). Immutable once set.'),
  plan: arr(planItem, 'The steps, in order. Only the combinations TALM allows are accepted, and steps can only be appended.', { maxItems: MAX_PLAN_STEPS }),
}, 'What to upgrade, where, and in which steps.', ['ibuSpec', 'plan']);

export const ibguSchema: ObjectSchema = resource(ibguSpec, ibguStatus);
