/** The ImageBasedUpgrade CRD's CEL rules, as pure functions on plain objects (messages quoted exactly). */
import type { Condition as KubeCondition } from '../kube/object';

export const SINGLETON_MESSAGE = "ibu is a singleton, metadata.name must be 'upgrade'";
export const TRANSITION_MESSAGE =
  'the stage transition is not permitted. Please refer to status.validNextStages for valid transitions. If status.validNextStages is not present, it indicates that no transitions are currently allowed';
export const GUARDED_FIELDS = ['seedImageRef', 'oadpContent', 'extraManifests', 'autoRollbackOnFailure'] as const;
export type GuardedField = (typeof GUARDED_FIELDS)[number];
export const inProgressMessage = (field: GuardedField) => `can not change spec.${field} while ibu is in progress`;

/** A status condition as a hand-written IBU may carry it: fields may be missing, and YAML reads an unquoted True as a boolean. */
type Condition = Partial<Omit<KubeCondition, 'status'>> & { status?: KubeCondition['status'] | boolean };

export interface PlainIbu {
  metadata?: { name?: string };
  spec?: Record<string, unknown> & { stage?: string };
  status?: { conditions?: Condition[]; validNextStages?: string[] };
}

export interface IbuViolation {
  /** `stage` or a guarded field name. */
  field: 'stage' | GuardedField;
  message: string;
}

function condition(ibu: PlainIbu, type: string): Condition | undefined {
  return ibu.status?.conditions?.find((c) => c.type === type);
}

/** Rules 2–6 of the CRD: evaluated on update against the stored object and its status. */
export function ibuUpdateViolations(old: PlainIbu, next: PlainIbu, equal: (a: unknown, b: unknown) => boolean): IbuViolation[] {
  if (!old.status) return [];
  const out: IbuViolation[] = [];
  // A hand-written status may carry an unquoted True, which YAML reads as a boolean.
  const idle = String(condition(old, 'Idle')?.status) === 'True';
  const toIdle = next.spec?.stage === 'Idle';
  for (const field of GUARDED_FIELDS) {
    if (idle || toIdle || equal(old.spec?.[field], next.spec?.[field])) continue;
    out.push({ field, message: inProgressMessage(field) });
  }
  const stage = next.spec?.stage;
  const allowed = stage !== undefined && !!old.status.validNextStages?.includes(stage);
  const unchanged = old.spec?.stage !== undefined && stage !== undefined && old.spec.stage === stage;
  if (!allowed && !unchanged) out.push({ field: 'stage', message: TRANSITION_MESSAGE });
  return out;
}
