/**
 * What to do with the clusters an IBGU failed on, as the guide allows it: append an AbortOnFailure step
 * when the plan can still take one, or start a new IBGU (Abort for clusters not upgraded, Rollback and
 * FinalizeRollback for upgraded ones, FinalizeRollback for rolled-back ones). Each proposal says which
 * clusters TALM would select with the labels they carry now.
 */
import { DEFAULT_TIMEOUT_MINUTES } from '../schema/talm';
import { IBGU_TYPE } from '../kube/types';
import { LCA_ANNOTATION_MARK, stageLabel } from '../talm/wire';
import { isAllowedPlan, type Plan } from '../talm/plan';
import { clusterFromManagedCluster, rolloutInputFromIbgu } from '../talm/preview';
import { selectForStep, SelectorError, sortClusterNames, type LabelSelector } from '../talm/select';
import { MANUAL_CLEANUP_ANNOTATION } from '../lca/stages';
import { isRecord, list, record, text } from './objects';

export interface RecoveryProposal {
  id: 'append-abort-on-failure' | 'new-ibgu-abort' | 'new-ibgu-rollback' | 'new-ibgu-finalize-rollback' | string;
  title: string;
  /** Markdown. */
  why: string;
  kind: 'append-step' | 'new-ibgu';
  /** For `append-step`: the step to append to the IBGU's plan. */
  step?: { actions: string[]; rolloutStrategy: { maxConcurrency: number; timeout: number } };
  /** For `new-ibgu`: the complete IBGU to create. */
  ibgu?: object;
  /** The clusters it would select now, by TALM's selection over the given ManagedClusters. */
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

/**
 * The allowed follow-ups for the failed clusters of an IBGU. Every proposal's resulting plan is one TALM
 * accepts; proposals that would select nobody and have nobody to select are left out.
 */
export function planRecovery(ibgu: IbguLike, managedClusters: readonly ManagedClusterLike[]): RecoveryProposal[] {
  const input = rolloutInputFromIbgu(ibgu);
  const plan: Plan = input.plan.map((s) => s.actions);
  const failed = failedClusters(ibgu.status);
  if (failed.size === 0) return [];
  const clusters = managedClusters.map(clusterFromManagedCluster);
  const labelsOf = (name: string) => clusters.find((c) => c.name === name)?.labels ?? {};
  const has = (name: string, key: string) => Object.prototype.hasOwnProperty.call(labelsOf(name), key);
  const failedNames = sortClusterNames(failed.keys());
  const timeout = Math.max(DEFAULT_TIMEOUT_MINUTES, ...input.plan.map((s) => s.timeoutMinutes));
  const progressing = list(record(ibgu.status).conditions).some((c) => isRecord(c) && c.type === 'Progressing' && String(c.status) === 'True');
  const wait = progressing ? ' The IBGU is still progressing: wait until its steps complete or fail before adding one.' : '';
  const out: RecoveryProposal[] = [];

  const appended: Plan = [...plan, ['AbortOnFailure']];
  if (isAllowedPlan(appended)) {
    const selects = selecting(clusters, input.selectors ?? [], 'AbortOnFailure');
    const last = input.plan[input.plan.length - 1];
    if (selects.length) {
      out.push({
        id: 'append-abort-on-failure',
        title: `Append an AbortOnFailure step to ${ibgu.metadata.name}`,
        why: `AbortOnFailure returns clusters labelled \`${stageLabel('Prep', 'failed')}\` or \`${stageLabel('Upgrade', 'failed')}\` to Idle and leaves the others alone; the plan stays one TALM accepts. It would select ${codeList(selects)}.${wait}`,
        kind: 'append-step',
        step: { actions: ['AbortOnFailure'], rolloutStrategy: { maxConcurrency: last?.maxConcurrency ?? selects.length, timeout: last?.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES } },
        selects,
      });
    }
  }

  // Labels accumulate: a rolled-back cluster usually still carries upgrade-completed, and rolled back is what counts.
  const rolledBack = failedNames.filter((n) => has(n, stageLabel('Rollback', 'completed')));
  const upgraded = failedNames.filter((n) => !rolledBack.includes(n) && has(n, stageLabel('Upgrade', 'completed')));
  const notUpgraded = failedNames.filter((n) => !upgraded.includes(n) && !rolledBack.includes(n));
  const proposal = (id: string, suffix: string, names: string[], actions: string[], title: string, why: string) => {
    if (!names.length) return;
    const created = newIbgu(ibgu, suffix, names, actions, timeout) as { spec: { clusterLabelSelectors: LabelSelector[] } };
    out.push({ id, title, why, kind: 'new-ibgu', ibgu: created, selects: selecting(clusters, created.spec.clusterLabelSelectors, actions[0]) });
  };
  const upgradeFailed = notUpgraded.filter((n) => failed.get(n)!.includes('Upgrade'));
  proposal('new-ibgu-abort', 'abort', notUpgraded, ['Abort'], `New IBGU: Abort on ${notUpgraded.length} cluster${notUpgraded.length === 1 ? '' : 's'} not upgraded`,
    `Abort cancels the upgrade on clusters without \`${stageLabel('Upgrade', 'completed')}\` and returns their IBU to Idle (LCA removes the new stateroot). It runs from a new IBGU with plan [[Abort]], selecting ${codeList(notUpgraded)} by name.` +
      (upgradeFailed.length ? ` Only for an Upgrade that failed **before the pivot**: after it LCA refuses Idle ("Rollback first") — check the IBU's validNextStages on ${codeList(upgradeFailed)}.` : ''));
  proposal('new-ibgu-rollback', 'rollback', upgraded, ['Rollback', 'FinalizeRollback'], `New IBGU: Rollback and FinalizeRollback on ${upgraded.length} upgraded cluster${upgraded.length === 1 ? '' : 's'}`,
    `These clusters carry \`${stageLabel('Upgrade', 'completed')}\`: Rollback boots them back into the old stateroot and FinalizeRollback then cleans up. Rollback cannot share a plan with the upgrade, so it runs from a new IBGU with plan [[Rollback, FinalizeRollback]], selecting ${codeList(upgraded)} by name.`);
  proposal('new-ibgu-finalize-rollback', 'finalize-rollback', rolledBack, ['FinalizeRollback'], `New IBGU: FinalizeRollback on ${rolledBack.length} rolled-back cluster${rolledBack.length === 1 ? '' : 's'}`,
    `These clusters carry \`${stageLabel('Rollback', 'completed')}\`: FinalizeRollback returns their IBU to Idle. It runs from a new IBGU with plan [[FinalizeRollback]], selecting ${codeList(rolledBack)} by name.`);
  return out;
}
