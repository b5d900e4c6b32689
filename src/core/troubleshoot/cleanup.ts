/**
 * The guide's "AbortFailed or FinalizeFailed error": what LCA failed to clean up, how to clean up by hand,
 * and the one annotation that makes LCA retry (`lca.openshift.io/manual-cleanup-done`).
 */
import { MANUAL_CLEANUP_ANNOTATION, type IbuCondition } from '../lca/stages';
import { annotationsOf, conditionOf } from './objects';

export type CleanupFailure = 'AbortFailed' | 'FinalizeFailed';

export interface CleanupAdvice {
  /** The IBU is in AbortFailed or FinalizeFailed: the only states in which LCA reads the annotation. */
  applies: boolean;
  reason?: CleanupFailure;
  /** LCA's Idle condition message, which names the cleanup steps that failed. */
  message?: string;
  /** What cleanup means here, from the guide. */
  explanation: string;
  /** Markdown bullets: what to check and remove by hand if the retry fails again. */
  manualSteps: string[];
}

const failureOf = (idle: IbuCondition | undefined): CleanupFailure | undefined =>
  idle && String(idle.status).toLowerCase() === 'false' && (idle.reason === 'AbortFailed' || idle.reason === 'FinalizeFailed') ? idle.reason : undefined;

const CLEANED = 'the stateroot that is no longer required, the precaching resources, the OADP Backup and Restore CRs LCA created, and the ImageBasedUpgrade CR back to Idle';

const STATEROOT_STEPS = (which: string): string[] => [
  `**Stateroot** (${which}): on the node, \`ostree admin status\` lists the deployments; remove each one of that stateroot with \`ostree admin undeploy <index_of_deployment>\`.`,
  'Then wipe the stateroot directory: `stateroot="<stateroot_to_delete>"` and `unshare -m /bin/sh -c "mount -o remount,rw /sysroot && rm -rf /sysroot/ostree/deploy/${stateroot}"`. **Warning:** make sure the booted deployment is not in this stateroot.',
];

const OADP_STEPS: string[] = [
  '**OADP**: check the connection to the S3 backend with `oc get backupstoragelocations.velero.io -n openshift-adp` (PHASE must be `Available`); a lost connection is the usual reason LCA cannot delete its Backups.',
  'Remove the remaining Backup resources in `openshift-adp`, then add the annotation again.',
];

/** What the guide says about this IBU's cleanup: whether the retry annotation applies, and the manual steps. */
export function cleanupAdvice(ibu: unknown): CleanupAdvice {
  const idle = conditionOf(ibu, 'Idle');
  const reason = failureOf(idle);
  if (!reason) {
    const state = idle ? `Idle is ${String(idle.status)}${idle.reason ? ` (${idle.reason})` : ''}` : 'the IBU has no Idle condition';
    return {
      applies: false,
      explanation: `LCA reads \`${MANUAL_CLEANUP_ANNOTATION}\` only while the IBU's Idle condition says AbortFailed or FinalizeFailed; here ${state}, so there is no cleanup to retry.`,
      manualSteps: [],
    };
  }
  const aborting = reason === 'AbortFailed';
  const explanation =
    `${aborting ? 'Stopping the upgrade before it finished (Abort)' : 'Finalizing the upgrade or rollback'} makes LCA clean up ${CLEANED}. ` +
    `One of these steps failed, so the IBU is stuck in ${reason}; the message says which. ` +
    `Adding \`${MANUAL_CLEANUP_ANNOTATION}\` makes LCA remove the annotation and run the cleanup again: on success the IBU returns to Idle, otherwise to ${reason}.`;
  return {
    applies: true,
    reason,
    ...(idle?.message !== undefined ? { message: idle.message } : {}),
    explanation,
    manualSteps: [
      'Inspect the LCA logs first (collect must-gather) to see why the step failed.',
      ...STATEROOT_STEPS(aborting ? 'an abort removes the new stateroot' : 'a finalize removes the old stateroot'),
      ...OADP_STEPS,
    ],
  };
}

/** The merge patch that adds only the annotation; its value is ignored by LCA. */
export function manualCleanupPatch(): Record<string, unknown> {
  return { metadata: { annotations: { [MANUAL_CLEANUP_ANNOTATION]: '' } } };
}

export type CleanupState = 'idle' | 'failed-again' | 'pending';

/**
 * Where the retry stands after the patch. LCA removes the annotation and reruns the cleanup in one
 * reconcile, so until the Idle condition shows Idle=True or a message other than `before`'s, the retry
 * is pending. A retry that fails with the very same message stays pending: the caller's timeout ends it.
 */
export function cleanupOutcome(ibu: unknown, before: { message?: string }): { state: CleanupState; message?: string } {
  const idle = conditionOf(ibu, 'Idle');
  const message = idle?.message;
  const withMessage = <S extends CleanupState>(state: S) => (message !== undefined ? { state, message } : { state });
  if (idle && String(idle.status).toLowerCase() === 'true') return withMessage('idle');
  const annotated = Object.prototype.hasOwnProperty.call(annotationsOf(ibu), MANUAL_CLEANUP_ANNOTATION);
  if (!annotated && failureOf(idle) && message !== before.message) return withMessage('failed-again');
  return withMessage('pending');
}
