/**
 * What to do with the clusters an IBGU failed on, proposing only what LCA and TALM accept. When the
 * cluster's IBU could be read from the spoke, its state decides (LCA's `validNextStages`, facts §4.5):
 * cleanup retry (`manual-cleanup-done`, §4.6) for AbortFailed/FinalizeFailed, nothing for an IBU already
 * Idle, Rollback (+ FinalizeRollback) only where the IBU accepts Rollback, FinalizeRollback after a
 * completed rollback, Abort (an appended AbortOnFailure step or a new IBGU) only where it accepts Idle
 * before the pivot. When it could not be read, the IBGU status and the ManagedCluster labels decide, and
 * the proposal says so. Each IBGU proposal says which clusters TALM would select with the labels they
 * carry now.
 */
import { DEFAULT_TIMEOUT_MINUTES } from '../schema/talm';
import { IBGU_TYPE } from '../kube/types';
import { LCA_ANNOTATION_MARK, stageLabel } from '../talm/wire';
import { isAllowedPlan, type Plan } from '../talm/plan';
import { clusterFromManagedCluster, rolloutInputFromIbgu } from '../talm/preview';
import { selectForStep, SelectorError, sortClusterNames, type LabelSelector } from '../talm/select';
import { inProgressStage, isAfterPivot, MANUAL_CLEANUP_ANNOTATION, validNextStages, type IbuObject } from '../lca/stages';
import { isRecord, list, record, text } from './objects';

export interface RecoveryProposal {
  id: 'append-abort-on-failure' | 'new-ibgu-abort' | 'new-ibgu-rollback' | 'new-ibgu-finalize-rollback' | `retry-cleanup-${string}` | 'no-action-idle' | 'no-action-busy' | 'no-action-stuck' | string;
  title: string;
  /** Markdown. */
  why: string;
  /**
   * `retry-cleanup`: the Retry Cleanup command on the one cluster in `selects`; `no-action`: nothing to
   * apply, the proposal only says why (e.g. "no action needed: Idle").
   */
  kind: 'append-step' | 'new-ibgu' | 'retry-cleanup' | 'no-action';
  /** For `append-step`: the step to append to the IBGU's plan. */
  step?: { actions: string[]; rolloutStrategy: { maxConcurrency: number; timeout: number } };
  /** For `new-ibgu`: the complete IBGU to create. */
  ibgu?: object;
  /** The clusters it would select now, by TALM's selection over the given ManagedClusters (retry-cleanup, no-action: the clusters it is about). */
  selects: string[];
}

interface IbguLike {
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec: any;
  status?: any;
}

type ManagedClusterLike = { metadata: { name: string; labels?: Record<string, string> } };

const IBGU_API = IBGU_TYPE.apiVersion;
/** Kubernetes object names stay below 253 characters; the IBGU CRD wants < 230. */
const MAX_NAME = 229;

/** Clusters with a failed action in the IBGU's status, with those actions. */
function failedClusters(status: unknown): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const entry of list(record(status).clusters)) {
    const name = text(record(entry).name);
    const failed = list(record(entry).failedActions).map((a) => text(record(a).action)).filter((a): a is string => !!a);
    if (name && failed.length) out.set(name, failed);
  }
  return out;
}

/** Runs the core's selection; a selector TALM cannot parse selects nothing (TALM stalls on it). */
function selecting(clusters: ReturnType<typeof clusterFromManagedCluster>[], selectors: readonly LabelSelector[], firstAction: string): string[] {
  try {
    return selectForStep(clusters, selectors, firstAction);
  } catch (error) {
    if (error instanceof SelectorError) return [];
    throw error;
  }
}

function recoveryName(base: string, suffix: string): string {
  return `${base.slice(0, MAX_NAME - suffix.length - 1).replace(/[-.]+$/, '')}-${suffix}`;
}

/** A new IBGU for `names`: the old one's ibuSpec and LCA annotations, selecting the clusters by their `name` label. */
function newIbgu(old: IbguLike, suffix: string, names: readonly string[], actions: string[], timeout: number): object {
  const annotations = Object.fromEntries(Object.entries(old.metadata.annotations ?? {}).filter(([k]) => k.includes(LCA_ANNOTATION_MARK) && k !== MANUAL_CLEANUP_ANNOTATION));
  return {
    apiVersion: IBGU_API,
    kind: 'ImageBasedGroupUpgrade',
    metadata: {
      name: recoveryName(old.metadata.name, suffix),
      ...(old.metadata.namespace !== undefined ? { namespace: old.metadata.namespace } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    spec: {
      clusterLabelSelectors: [{ matchExpressions: [{ key: 'name', operator: 'In', values: [...names] }] }],
      ibuSpec: structuredClone(old.spec?.ibuSpec ?? {}),
      plan: [{ actions, rolloutStrategy: { maxConcurrency: names.length, timeout } }],
    },
  };
}

const codeList = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');

/** Per cluster, its IBU as read from the spoke; a cluster left out, or mapped to undefined, could not be read. */
export type SpokeIbus = ReadonlyMap<string, IbuObject | undefined> | Readonly<Record<string, IbuObject | undefined>>;

/** What a failed cluster needs, and why (Markdown, one sentence or two). */
type Need = 'cleanup' | 'idle' | 'busy' | 'stuck' | 'abort' | 'rollback' | 'finalize-rollback';
interface Fate { need: Need; why: string; read: boolean }

/** The actions whose MW sets `spec.stage: Idle`: once one completed, the IBU is Idle (facts §3.2, §3.3). */
const TO_IDLE = ['Abort', 'AbortOnFailure', 'FinalizeUpgrade', 'FinalizeRollback'];

function ibuCondition(ibu: IbuObject, type: string) {
  return ibu.status?.conditions?.find((c) => c.type === type);
}
const conditionIs = (ibu: IbuObject, type: string, want: 'true' | 'false') => {
  const c = ibuCondition(ibu, type);
  return c !== undefined && String(c.status).toLowerCase() === want;
};

/** What LCA accepts next for the IBU as read: its own `validNextStages` when it has them, else LCA's rule from its conditions. */
function nextStagesOf(ibu: IbuObject): string[] {
  return Array.isArray(ibu.status?.validNextStages) ? [...ibu.status!.validNextStages!] : validNextStages(ibu);
}

/** The need of a cluster whose IBU was read: LCA's stage machine decides (facts §4.5, §4.6). */
function fateFromIbu(ibu: IbuObject): Fate {
  const idle = ibuCondition(ibu, 'Idle');
  const next = nextStagesOf(ibu);
  const shown = `validNextStages ${next.length ? `[${next.join(', ')}]` : '[] (none)'}`;
  if (idle && conditionIs(ibu, 'Idle', 'false') && (idle.reason === 'AbortFailed' || idle.reason === 'FinalizeFailed')) {
    return { need: 'cleanup', read: true, why: `its IBU's Idle condition is False/${idle.reason} and LCA accepts no next stage (${shown}); ${idle.reason === 'FinalizeFailed' ? 'after a finalize the old stateroot is gone, so Rollback is no longer possible; ' : ''}LCA retries the cleanup when \`${MANUAL_CLEANUP_ANNOTATION}\` is added` };
  }
  const working = inProgressStage(ibu);
  if (working) return { need: 'busy', read: true, why: `LCA is still working on ${working === 'Idle' ? `returning to Idle (${idle?.reason ?? 'in progress'})` : working} (${shown}); wait for it to end` };
  if (conditionIs(ibu, 'Idle', 'true')) return { need: 'idle', read: true, why: 'its IBU is Idle (Idle=True, no stage in progress)' };
  if (conditionIs(ibu, 'RollbackCompleted', 'true') && next.includes('Idle')) return { need: 'finalize-rollback', read: true, why: `its IBU has RollbackCompleted=True (${shown})` };
  if (next.includes('Rollback')) {
    const completed = conditionIs(ibu, 'UpgradeCompleted', 'true');
    return { need: 'rollback', read: true, why: `${completed ? 'its upgrade completed and was not finalized' : 'its upgrade failed after the pivot'} (${shown})` };
  }
  if (next.includes('Idle') && !isAfterPivot(ibu)) return { need: 'abort', read: true, why: `its IBU accepts Idle before the pivot (${shown})` };
  return { need: 'stuck', read: true, why: `LCA accepts none of the stages a recovery would set (${shown})${conditionIs(ibu, 'RollbackCompleted', 'false') ? ': the rollback failed; see the guide on recovering a failed rollback' : ''}` };
}

/** The need of a cluster whose IBU could not be read: the IBGU status and the labels TALM wrote decide. */
function fateFromHub(failed: readonly string[], completed: readonly string[], has: (key: string) => boolean): Fate {
  const unread = 'its IBU could not be read (spoke unreachable, or no IBU there), so from the IBGU status and labels: ';
  const done = completed.find((a) => TO_IDLE.includes(a));
  if (done) return { need: 'idle', read: false, why: `${unread}the IBGU status shows ${done} completed, which returns the IBU to Idle` };
  const cleanup = failed.find((a) => TO_IDLE.includes(a));
  if (cleanup) return { need: 'cleanup', read: false, why: `${unread}${cleanup} failed; LCA accepts no next stage after AbortFailed/FinalizeFailed, only the cleanup retry — check that the IBU's Idle condition says AbortFailed or FinalizeFailed` };
  if (has(stageLabel('Rollback', 'completed'))) return { need: 'finalize-rollback', read: false, why: `${unread}it carries \`${stageLabel('Rollback', 'completed')}\`` };
  if (has(stageLabel('Upgrade', 'completed'))) return { need: 'rollback', read: false, why: `${unread}it carries \`${stageLabel('Upgrade', 'completed')}\`` };
  return { need: 'abort', read: false, why: `${unread}it has no \`${stageLabel('Upgrade', 'completed')}\`` };
}

function ibuOf(ibus: SpokeIbus | undefined, name: string): IbuObject | undefined {
  if (!ibus) return undefined;
  if (ibus instanceof Map) return ibus.get(name) ?? undefined;
  return Object.prototype.hasOwnProperty.call(ibus, name) ? (ibus as Record<string, IbuObject | undefined>)[name] ?? undefined : undefined;
}

/** Clusters with the actions the IBGU's status lists as completed for them. */
function completedOf(status: unknown): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const entry of list(record(status).clusters)) {
    const name = text(record(entry).name);
    if (name) out.set(name, list(record(entry).completedActions).map((a) => text(record(a).action)).filter((a): a is string => !!a));
  }
  return out;
}

/**
 * The follow-ups LCA and TALM accept for the failed clusters of an IBGU. `ibus` holds each failed
 * cluster's IBU as read from the spoke; without one, the cluster is judged from the IBGU status and its
 * labels and the proposal says that its IBU could not be read. Every IBGU proposal's resulting plan is one
 * TALM accepts; proposals that would select nobody and have nobody to select are left out.
 */
export function planRecovery(ibgu: IbguLike, managedClusters: readonly ManagedClusterLike[], ibus?: SpokeIbus): RecoveryProposal[] {
  const input = rolloutInputFromIbgu(ibgu);
  const plan: Plan = input.plan.map((s) => s.actions);
  const failed = failedClusters(ibgu.status);
  if (failed.size === 0) return [];
  const completed = completedOf(ibgu.status);
  const clusters = managedClusters.map(clusterFromManagedCluster);
  const labelsOf = (name: string) => clusters.find((c) => c.name === name)?.labels ?? {};
  const has = (name: string, key: string) => Object.prototype.hasOwnProperty.call(labelsOf(name), key);
  const failedNames = sortClusterNames(failed.keys());
  const fates = new Map(failedNames.map((n) => {
    const ibu = ibuOf(ibus, n);
    return [n, ibu ? fateFromIbu(ibu) : fateFromHub(failed.get(n)!, completed.get(n) ?? [], (k) => has(n, k))] as const;
  }));
  const needing = (need: Need) => failedNames.filter((n) => fates.get(n)!.need === need);
  const reasons = (names: readonly string[]) => names.map((n) => `\`${n}\`: ${fates.get(n)!.why}.`).join('\n');
  const timeout = Math.max(DEFAULT_TIMEOUT_MINUTES, ...input.plan.map((s) => s.timeoutMinutes));
  const progressing = list(record(ibgu.status).conditions).some((c) => isRecord(c) && c.type === 'Progressing' && String(c.status) === 'True');
  const wait = progressing ? ' The IBGU is still progressing: wait until its steps complete or fail before adding one.' : '';
  const out: RecoveryProposal[] = [];
  const abortable = needing('abort');
  const unreadUpgradeFailed = abortable.filter((n) => !fates.get(n)!.read && failed.get(n)!.includes('Upgrade'));
  const pivotWarning = unreadUpgradeFailed.length ? ` Only for an Upgrade that failed **before the pivot**: after it LCA refuses Idle ("Rollback first") — the IBU of ${codeList(unreadUpgradeFailed)} could not be read to check its validNextStages.` : '';

  const appended: Plan = [...plan, ['AbortOnFailure']];
  if (abortable.length && isAllowedPlan(appended)) {
    const selects = selecting(clusters, input.selectors ?? [], 'AbortOnFailure');
    const last = input.plan[input.plan.length - 1];
    // Failed clusters TALM would pick by their labels although LCA would refuse Idle: their MW would wait for the timeout.
    const refused = selects.filter((n) => fates.has(n) && fates.get(n)!.need !== 'abort');
    if (selects.some((n) => abortable.includes(n))) {
      out.push({
        id: 'append-abort-on-failure',
        title: `Append an AbortOnFailure step to ${ibgu.metadata.name}`,
        why: `AbortOnFailure returns clusters labelled \`${stageLabel('Prep', 'failed')}\` or \`${stageLabel('Upgrade', 'failed')}\` to Idle and leaves the others alone; the plan stays one TALM accepts. It would select ${codeList(selects)}.${pivotWarning}` +
          (refused.length ? ` LCA would not accept Idle on ${codeList(refused)} (${refused.map((n) => fates.get(n)!.why).join('; ')}): their step would fail at its timeout.` : '') + wait,
        kind: 'append-step',
        step: { actions: ['AbortOnFailure'], rolloutStrategy: { maxConcurrency: last?.maxConcurrency ?? selects.length, timeout: last?.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES } },
        selects,
      });
    }
  }

  const proposal = (id: string, suffix: string, names: string[], actions: string[], title: string, why: string) => {
    if (!names.length) return;
    const created = newIbgu(ibgu, suffix, names, actions, timeout) as { spec: { clusterLabelSelectors: LabelSelector[] } };
    const selects = selecting(clusters, created.spec.clusterLabelSelectors, actions[0]);
    const missed = names.filter((n) => !selects.includes(n));
    const note = missed.length ? `\n\nTALM's ${actions[0]} step would not select ${codeList(missed)} with the labels they carry now (facts §3.3): ${actions[0] === 'Abort' ? `Abort skips clusters labelled \`${stageLabel('Upgrade', 'completed')}\`` : 'repair their labels first, or set the IBU stage on the spoke'}.` : '';
    out.push({ id, title, why: `${why}\n\n${reasons(names)}${note}`, kind: 'new-ibgu', ibgu: created, selects });
  };
  proposal('new-ibgu-abort', 'abort', abortable, ['Abort'], `New IBGU: Abort on ${abortable.length} cluster${abortable.length === 1 ? '' : 's'} not upgraded`,
    `Abort cancels the upgrade on clusters whose IBU accepts Idle before the pivot and returns their IBU to Idle (LCA removes the new stateroot). It runs from a new IBGU with plan [[Abort]], selecting ${codeList(abortable)} by name.${pivotWarning}`);
  const upgraded = needing('rollback');
  proposal('new-ibgu-rollback', 'rollback', upgraded, ['Rollback', 'FinalizeRollback'], `New IBGU: Rollback and FinalizeRollback on ${upgraded.length} upgraded cluster${upgraded.length === 1 ? '' : 's'}`,
    `LCA accepts Rollback on these clusters: Rollback boots them back into the old stateroot and FinalizeRollback then cleans up. Rollback cannot share a plan with the upgrade, so it runs from a new IBGU with plan [[Rollback, FinalizeRollback]], selecting ${codeList(upgraded)} by name.`);
  const rolledBack = needing('finalize-rollback');
  proposal('new-ibgu-finalize-rollback', 'finalize-rollback', rolledBack, ['FinalizeRollback'], `New IBGU: FinalizeRollback on ${rolledBack.length} rolled-back cluster${rolledBack.length === 1 ? '' : 's'}`,
    `These clusters are rolled back: FinalizeRollback returns their IBU to Idle. It runs from a new IBGU with plan [[FinalizeRollback]], selecting ${codeList(rolledBack)} by name.`);

  for (const name of needing('cleanup')) {
    out.push({
      id: `retry-cleanup-${name}`,
      title: `Retry the cleanup on ${name}`,
      why: `Clean up by hand what LCA reports, then Retry Cleanup adds \`${MANUAL_CLEANUP_ANNOTATION}\` to the IBU and LCA runs the cleanup again (facts §4.6).\n\n${reasons([name])}`,
      kind: 'retry-cleanup',
      selects: [name],
    });
  }
  const info = (need: Need, id: string, title: string) => {
    const names = needing(need);
    if (names.length) out.push({ id, title: `${title}: ${names.join(', ')}`, why: reasons(names), kind: 'no-action', selects: names });
  };
  info('idle', 'no-action-idle', 'No action needed: Idle');
  info('busy', 'no-action-busy', 'No action now: LCA is still working');
  info('stuck', 'no-action-stuck', 'No transition LCA accepts');
  return out;
}
