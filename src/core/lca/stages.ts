/**
 * LCA's ImageBasedUpgrade stage machine as pure functions on plain objects: which stages may come next,
 * the conditions LCA writes on each transition, and the `manual-cleanup-done` retry.
 */
import type { Condition } from '../kube/object';

export const IBU_STAGES = ['Idle', 'Prep', 'Upgrade', 'Rollback'] as const;
export type IbuStage = (typeof IBU_STAGES)[number];

export const MANUAL_CLEANUP_ANNOTATION = 'lca.openshift.io/manual-cleanup-done';

/** LCA's AbortFailed / FinalizeFailed message, quoted exactly after the cleanup errors. */
export function cleanupFailedMessage(errors: readonly string[]): string {
  return `${errors.join(' ')} Perform cleanup manually then add '${MANUAL_CLEANUP_ANNOTATION}' annotation to ibu CR to transition back to Idle`;
}

/** A condition of an IBU as read from any source: a hand-written status may carry an unquoted True, which YAML reads as a boolean. */
export type IbuCondition = Omit<Condition, 'status'> & { status: string | boolean };

export interface IbuObject {
  metadata?: { annotations?: Record<string, string> };
  spec?: { stage?: string };
  status?: {
    conditions?: IbuCondition[];
    validNextStages?: string[];
    history?: { stage?: string; phases?: { phase?: string }[] }[];
  };
}

const IN_PROGRESS_TYPE: Record<IbuStage, string | undefined> = { Idle: undefined, Prep: 'PrepInProgress', Upgrade: 'UpgradeInProgress', Rollback: 'RollbackInProgress' };
const COMPLETED_TYPE: Record<IbuStage, string> = { Idle: 'Idle', Prep: 'PrepCompleted', Upgrade: 'UpgradeCompleted', Rollback: 'RollbackCompleted' };
const IDLE_WORKING = ['Aborting', 'AbortFailed', 'Finalizing', 'FinalizeFailed'];

function find(ibu: IbuObject, type: string): IbuCondition | undefined {
  return ibu.status?.conditions?.find((c) => c.type === type);
}

/** Case-insensitive, so that a YAML boolean reads as the condition status it was meant to be. */
const statusIs = (c: IbuCondition | undefined, want: 'true' | 'false') => c !== undefined && String(c.status).toLowerCase() === want;
const isTrue = (c: IbuCondition | undefined) => statusIs(c, 'true');
const isFalse = (c: IbuCondition | undefined) => statusIs(c, 'false');

/** The stage LCA is working on, checked in LCA's order; undefined when none is. */
export function inProgressStage(ibu: IbuObject): IbuStage | undefined {
  const idle = find(ibu, 'Idle');
  if (isFalse(idle) && IDLE_WORKING.includes(idle!.reason ?? '')) return 'Idle';
  for (const stage of ['Prep', 'Upgrade', 'Rollback'] as const) if (isTrue(find(ibu, IN_PROGRESS_TYPE[stage]!))) return stage;
  return undefined;
}

/**
 * Whether the cluster runs the new stateroot. LCA asks the host; from the CR alone the best evidence is
 * an Upgrade history entry that reached its PostPivot phase.
 */
export function isAfterPivot(ibu: IbuObject): boolean {
  return (ibu.status?.history ?? []).some((h) => h.stage === 'Upgrade' && (h.phases ?? []).some((p) => p.phase === 'PostPivot'));
}

/** LCA's `status.validNextStages`, rule by rule in LCA's order; the CRD allows only these (or no change). */
export function validNextStages(ibu: IbuObject, afterPivot = isAfterPivot(ibu)): IbuStage[] {
  const working = inProgressStage(ibu);
  if (working === 'Idle' || working === 'Rollback' || isFalse(find(ibu, 'RollbackCompleted'))) return [];
  if (working === 'Prep' || isFalse(find(ibu, 'PrepCompleted'))) return ['Idle'];
  if (working === 'Upgrade' || isFalse(find(ibu, 'UpgradeCompleted'))) return afterPivot ? ['Rollback'] : ['Idle'];
  if (isTrue(find(ibu, 'RollbackCompleted'))) return ['Idle'];
  if (isTrue(find(ibu, 'UpgradeCompleted'))) return ['Idle', 'Rollback'];
  if (isTrue(find(ibu, 'PrepCompleted'))) return ['Idle', 'Upgrade'];
  const idle = find(ibu, 'Idle');
  if (isTrue(idle)) return ['Prep'];
  if (!idle) return ['Idle'];
  if (idle.reason === 'Blocked' && ibu.spec?.stage && (IBU_STAGES as readonly string[]).includes(ibu.spec.stage)) return [ibu.spec.stage as IbuStage];
  return [];
}

/**
 * Sets a condition as LCA's `SetStatusCondition` does: replaced in place, except that a condition whose
 * status flips (or any Idle condition) moves to the end unless it is already last. The last condition
 * is what `oc get ibu` shows as State and Details.
 */
export function setCondition(conditions: readonly IbuCondition[], next: IbuCondition): IbuCondition[] {
  const out = [...conditions];
  const at = out.findIndex((c) => c.type === next.type);
  if (at === -1) return [...out, next];
  const moves = (String(out[at].status) !== String(next.status) || next.type === 'Idle') && out[out.length - 1].type !== next.type;
  if (moves) return [...out.filter((c) => c.type !== next.type), next];
  out[at] = next;
  return out;
}

const RESET: IbuCondition[] = [{ type: 'Idle', status: 'True', reason: 'Idle', message: 'Idle' }];

/** Something that happens to an IBU: the user (or TALM) sets `spec.stage`, or LCA's work ends. */
export type IbuEvent =
  | { type: 'setStage'; stage: IbuStage; afterPivot?: boolean }
  | { type: 'stageSucceeded'; message?: string }
  | { type: 'stageFailed'; message: string }
  | { type: 'cleanupFailed'; errors: readonly string[] };

function withConditions(ibu: IbuObject, conditions: IbuCondition[], afterPivot?: boolean): IbuObject {
  const next: IbuObject = { ...ibu, status: { ...ibu.status, conditions } };
  next.status!.validNextStages = validNextStages(next, afterPivot);
  return next;
}

/** LCA's reaction to `spec.stage` changing: the first conditions of the stage, or an InvalidTransition. */
function setStage(ibu: IbuObject, stage: IbuStage, afterPivot: boolean): IbuObject {
  let c = ibu.status?.conditions ?? [];
  const spec = { ...ibu.spec, stage };
  const base = { ...ibu, spec };
  const invalid = (type: string, message: string) => withConditions(base, setCondition(c, { type, status: 'False', reason: 'InvalidTransition', message }), afterPivot);
  const inProgress = (s: IbuStage) => setCondition(c, { type: IN_PROGRESS_TYPE[s]!, status: 'True', reason: 'InProgress', message: 'In progress' });
  if (stage === 'Idle') {
    if (isTrue(find(ibu, 'UpgradeCompleted')) || isTrue(find(ibu, 'RollbackCompleted'))) {
      return withConditions(base, setCondition(c, { type: 'Idle', status: 'False', reason: 'Finalizing', message: 'Finalizing' }), afterPivot);
    }
    const idle = find(ibu, 'Idle');
    if (!idle) return withConditions(base, RESET, afterPivot);
    if (isFalse(find(ibu, 'RollbackCompleted'))) return invalid('Idle', 'Transition to Idle not allowed - Rollback failed');
    if (isFalse(idle) && !afterPivot && !find(ibu, 'RollbackInProgress')) {
      return withConditions(base, setCondition(c, { type: 'Idle', status: 'False', reason: 'Aborting', message: 'Aborting' }), afterPivot);
    }
    if (!afterPivot) return invalid('Idle', 'Abort or finalize not allowed');
    return invalid('Idle', isTrue(find(ibu, 'RollbackInProgress')) ? 'Transition to Idle not allowed - Rollback is in progress' : 'Transition to Idle not allowed - Rollback first');
  }
  if (stage === 'Rollback') {
    if (!validNextStages(ibu, afterPivot).includes('Rollback')) return invalid('RollbackInProgress', 'Upgrade not started or already finalized');
    c = setCondition(c, { type: 'UpgradeInProgress', status: 'False', reason: 'Failed', message: 'Rollback requested' });
    c = setCondition(c, { type: 'UpgradeCompleted', status: 'False', reason: 'Failed', message: 'Rollback requested' });
    return withConditions(base, inProgress('Rollback'), afterPivot);
  }
  const previous = stage === 'Prep' ? 'Idle' : 'PrepCompleted';
  if (!isTrue(find(ibu, previous))) return invalid(IN_PROGRESS_TYPE[stage]!, 'Previous stage not succeeded');
  if (stage === 'Prep') c = setCondition(c, { type: 'Idle', status: 'False', reason: 'InProgress', message: 'In progress' });
  return withConditions(base, inProgress(stage), afterPivot);
}

const DONE_MESSAGE: Record<Exclude<IbuStage, 'Idle'>, string> = { Prep: 'Prep completed', Upgrade: 'Upgrade completed', Rollback: 'Rollback completed' };

/** The conditions LCA writes when the stage it works on ends, well or badly. */
function finish(ibu: IbuObject, ok: boolean, detail: string | undefined): IbuObject {
  const stage = inProgressStage(ibu);
  if (!stage) return ibu;
  if (stage === 'Idle') return ok ? withConditions(ibu, RESET) : withConditions(ibu, setCondition(ibu.status?.conditions ?? [], idleFailure(ibu, [detail ?? ''])));
  let c = ibu.status?.conditions ?? [];
  if (ok) {
    c = setCondition(c, { type: IN_PROGRESS_TYPE[stage]!, status: 'False', reason: 'Completed', message: DONE_MESSAGE[stage] });
    const completed = stage === 'Prep' ? (detail ?? 'Prep stage completed successfully') : DONE_MESSAGE[stage];
    c = setCondition(c, { type: COMPLETED_TYPE[stage], status: 'True', reason: 'Completed', message: completed });
  } else {
    c = setCondition(c, { type: COMPLETED_TYPE[stage], status: 'False', reason: 'Failed', message: `${stage} failed` });
    c = setCondition(c, { type: IN_PROGRESS_TYPE[stage]!, status: 'False', reason: 'Failed', message: detail ?? '' });
  }
  return withConditions(ibu, c);
}

/** AbortFailed after an abort, FinalizeFailed after a finalize: the operator must clean up by hand. */
function idleFailure(ibu: IbuObject, errors: readonly string[]): IbuCondition {
  const finalizing = /^Finaliz/.test(find(ibu, 'Idle')?.reason ?? '');
  return { type: 'Idle', status: 'False', reason: finalizing ? 'FinalizeFailed' : 'AbortFailed', message: cleanupFailedMessage(errors) };
}

/** The IBU after an event, with conditions and validNextStages as LCA would leave them. */
export function nextStatus(ibu: IbuObject, event: IbuEvent): IbuObject {
  switch (event.type) {
    case 'setStage':
      return setStage(ibu, event.stage, event.afterPivot ?? isAfterPivot(ibu));
    case 'stageSucceeded':
      return finish(ibu, true, event.message);
    case 'stageFailed':
      return finish(ibu, false, event.message);
    case 'cleanupFailed':
      return inProgressStage(ibu) === 'Idle' ? withConditions(ibu, setCondition(ibu.status?.conditions ?? [], idleFailure(ibu, event.errors))) : ibu;
  }
}

/**
 * Whether LCA acts on `manual-cleanup-done` now: the key is present (its value does not matter) and the
 * Idle condition says AbortFailed or FinalizeFailed. In any other state LCA does not read it.
 */
export function manualCleanupApplies(ibu: IbuObject): boolean {
  const annotations = ibu.metadata?.annotations ?? {};
  const reason = find(ibu, 'Idle')?.reason;
  return Object.prototype.hasOwnProperty.call(annotations, MANUAL_CLEANUP_ANNOTATION) && (reason === 'AbortFailed' || reason === 'FinalizeFailed');
}

/**
 * LCA's handling of `manual-cleanup-done`: it removes the annotation and runs the cleanup again; success
 * returns the IBU to Idle, failure to the same failed reason with the new errors. Unchanged when the
 * annotation does not apply.
 */
export function retryCleanup(ibu: IbuObject, cleanupErrors: readonly string[]): IbuObject {
  if (!manualCleanupApplies(ibu)) return ibu;
  const annotations = { ...ibu.metadata!.annotations };
  delete annotations[MANUAL_CLEANUP_ANNOTATION];
  const cleared: IbuObject = { ...ibu, metadata: { ...ibu.metadata, annotations } };
  if (cleanupErrors.length === 0) return withConditions(cleared, RESET);
  return withConditions(cleared, setCondition(ibu.status?.conditions ?? [], idleFailure(ibu, cleanupErrors)));
}
