/**
 * Repairing a ManagedCluster's TALM labels after a manual recovery. The guide asks that
 * `lcm.openshift.io/ibgu-<stage>-completed|failed` tell the truth once a cluster was fixed by hand,
 * because the next IBGU step selects clusters by them (facts §3.3).
 */
import { inProgressStage, type IbuObject } from '../lca/stages';
import { stageLabel } from '../talm/wire';
import { IBGU_LABEL } from '../talm/wire';
import { labelsAfterStatus } from '../talm/batches';
import { conditionOf, conditionsOf, labelsOf, list, nameOf, namespaceOf, record, statusIs, text } from './objects';

export interface LabelRepair {
  /** Label keys to add (value ""). */
  add: string[];
  /** Label keys to remove. */
  remove: string[];
  /** One sentence per change: why. */
  reasons: string[];
  /** The cluster's `lcm.openshift.io/ibgu-*` keys now. */
  current: string[];
}

export interface ClusterActions {
  completedActions?: { action: string }[];
  failedActions?: { action: string; message?: string }[];
}

/** What a label means to TALM's selection: the sentence a reason builds on. */
const EFFECT: Record<string, string> = {
  [stageLabel('Prep', 'completed')]: 'an Upgrade step selects clusters by it',
  [stageLabel('Prep', 'failed')]: 'an AbortOnFailure step selects clusters by it',
  [stageLabel('Upgrade', 'completed')]: 'FinalizeUpgrade and Rollback steps select clusters by it and Abort skips them',
  [stageLabel('Upgrade', 'failed')]: 'an AbortOnFailure step selects clusters by it',
  [stageLabel('Rollback', 'completed')]: 'a FinalizeRollback step selects clusters by it',
};
const effect = (key: string) => EFFECT[key] ?? 'TALM keeps it until a cleanup action completes';

type Truth = { want: boolean; why: string };

/**
 * What the IBU says each stage label should be; keys left out are not decided by the IBU (e.g. the labels
 * of a stage LCA is still working on).
 */
function truthFromIbu(ibu: unknown, current: readonly string[]): Map<string, Truth> {
  const truth = new Map<string, Truth>();
  const idle = conditionOf(ibu, 'Idle');
  const working = inProgressStage({ status: { conditions: conditionsOf(ibu) } } as IbuObject);
  if (statusIs(idle, 'true') && working === undefined) {
    for (const key of current) truth.set(key, { want: false, why: 'the IBU is back in Idle (Idle=True, no stage in progress)' });
    return truth;
  }
  const stage = (name: 'Prep' | 'Upgrade' | 'Rollback') => {
    if (working === name) return;
    const done = conditionOf(ibu, `${name}Completed`);
    const completed = stageLabel(name, 'completed');
    const failed = stageLabel(name, 'failed');
    // "Rollback requested" marks an Upgrade that is being undone, not one that failed on its own.
    const rolledBack = name === 'Upgrade' && done?.message === 'Rollback requested';
    if (statusIs(done, 'true')) {
      truth.set(completed, { want: true, why: `the IBU has ${name}Completed=True` });
      truth.set(failed, { want: false, why: `the IBU has ${name}Completed=True` });
    } else if (statusIs(done, 'false') && done?.reason === 'Failed' && !rolledBack) {
      truth.set(failed, { want: true, why: `the IBU has ${name}Completed=False (${done.message ?? 'Failed'})` });
      truth.set(completed, { want: false, why: `the IBU has ${name}Completed=False (${done.message ?? 'Failed'})` });
    } else if (!done && working !== 'Idle') {
      // A stage LCA never ran (no condition at all) cannot have completed or failed.
      truth.set(completed, { want: false, why: `the IBU has no ${name}Completed condition` });
      truth.set(failed, { want: false, why: `the IBU has no ${name}Completed condition` });
    }
  };
  stage('Prep');
  stage('Upgrade');
  stage('Rollback');
  return truth;
}

/** The labels TALM would derive from the IBGU's status for the cluster (`ensureClusterLabels`). */
function truthFromStatus(labels: Record<string, string>, current: readonly string[], status: ClusterActions | undefined): Map<string, Truth> {
  const truth = new Map<string, Truth>();
  if (!status) return truth;
  const after = Object.keys(labelsAfterStatus(labels, { name: '', ...status })).filter((k) => IBGU_LABEL.test(k));
  for (const key of current) if (!after.includes(key)) truth.set(key, { want: false, why: "the IBGU's status shows a completed Abort, AbortOnFailure or Finalize action for the cluster" });
  for (const key of after) if (!current.includes(key)) truth.set(key, { want: true, why: "the IBGU's status lists the matching action for the cluster" });
  return truth;
}

/** Whether the IBGU's status still carries the action behind `key`: TALM would re-add the label on its next reconcile. */
function statusKeeps(key: string, status: ClusterActions | undefined): string | undefined {
  if (!status) return undefined;
  const failed = (status.failedActions ?? []).find((a) => stageLabel(a.action, 'failed') === key);
  const completed = (status.completedActions ?? []).find((a) => stageLabel(a.action, 'completed') === key);
  const entry = failed ?? completed;
  if (!entry) return undefined;
  return ` Note: the IBGU still lists ${entry.action} as ${failed ? 'failed' : 'completed'} for this cluster, so TALM adds the label back whenever it reconciles that IBGU (e.g. when a step is appended).`;
}

/**
 * What the guide asks after a manual recovery: the cluster's TALM labels made true to its IBU (and, when
 * the spoke cannot be read, to the IBGU's status for it). Labels are only changed where the IBU decides.
 */
export function proposeLabelRepair(labels: Record<string, string>, ibu: unknown | undefined, status?: ClusterActions): LabelRepair {
  const current = Object.keys(labels).filter((k) => IBGU_LABEL.test(k)).sort();
  const truth = ibu === undefined ? truthFromStatus(labels, current, status) : truthFromIbu(ibu, current);
  const add: string[] = [];
  const remove: string[] = [];
  const reasons: string[] = [];
  const source = ibu === undefined ? 'The spoke could not be read, so from the IBGU status alone: ' : '';
  for (const [key, { want, why }] of [...truth].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const has = current.includes(key);
    if (want && !has) {
      add.push(key);
      reasons.push(`${source}add ${key} because ${why}; ${effect(key)}.`);
    } else if (!want && has) {
      remove.push(key);
      reasons.push(`${source}remove ${key} because ${why}; ${effect(key)}, so it would pick this cluster wrongly.${ibu === undefined ? '' : statusKeeps(key, status) ?? ''}`);
    }
  }
  return { add, remove, reasons, current };
}

/** The merge patch for the ManagedCluster: added keys with value "", removed keys as null. */
export function labelRepairPatch(repair: LabelRepair): Record<string, unknown> {
  const labels: Record<string, string | null> = {};
  for (const key of repair.add) labels[key] = '';
  for (const key of repair.remove) labels[key] = null;
  return { metadata: { labels } };
}

/** TALM still working on a cluster's step: its labels for that step are written when the step ends. */
export interface TalmRunningStep {
  /** The IBGU whose step it is. */
  ibgu: string;
  /** 1-based plan step (the CGU's plan index + 1); undefined when only the IBGU status told (its currentAction). */
  step?: number;
  /** The step's actions (or the current action). */
  actions: string[];
}

const IBGU_ACTIONS = ['Prep', 'Upgrade', 'Rollback', 'Abort', 'AbortOnFailure', 'FinalizeUpgrade', 'FinalizeRollback'];
/** An action's name from the last `-` token of a template or CGU name, as TALM reads it (facts §3.5). */
const actionOf = (name: string) => IBGU_ACTIONS.find((a) => a.toLowerCase() === name.slice(name.lastIndexOf('-') + 1).toLowerCase());

/** The IBGU actions of a CGU: its manifestWorkTemplates' names (facts §3.2, §3.5). */
function cguActions(cgu: unknown): string[] {
  return list(record(record(cgu).spec).manifestWorkTemplates).map((t) => (typeof t === 'string' ? actionOf(t) : undefined)).filter((a): a is string => !!a);
}

/** Whether the CGU's rollout involves the cluster: in its remediation plan, its batch progress, or its clusters. */
function cguHas(cgu: unknown, cluster: string): boolean {
  const status = record(record(cgu).status);
  if (list(status.remediationPlan).some((batch) => list(batch).includes(cluster))) return true;
  if (Object.prototype.hasOwnProperty.call(record(record(status.status).currentBatchRemediationProgress), cluster)) return true;
  return list(status.clusters).some((c) => text(record(c).name) === cluster);
}

/**
 * Whether TALM is still running a step for the cluster, so that a label repair now would race it: TALM
 * records a failure only at the step's timeout (facts §3.4) and writes the labels from the IBGU status
 * then (§3.3, §3.5). A step is finished for the cluster once its CGU has a `Succeeded` condition (any
 * status), or once the IBGU status lists the step's actions as completed — or one of them as failed — for
 * the cluster. `ibgus` and `cgus` are the hub's (CGUs are matched to their IBGU by the `ibgu` label and
 * namespace). Without a CGU, an IBGU status `currentAction` for the cluster still means running.
 */
export function talmRunningStep(cluster: string, ibgus: readonly unknown[], cgus: readonly unknown[]): TalmRunningStep | undefined {
  const entryOf = (ibgu: unknown) => list(record(record(ibgu).status).clusters).find((c) => text(record(c).name) === cluster);
  const ibguNamed = (name: string, namespace: string | undefined) => ibgus.find((i) => nameOf(i) === name && namespaceOf(i) === namespace);
  for (const cgu of cgus) {
    const owner = labelsOf(cgu).ibgu;
    if (!owner || !cguHas(cgu, cluster)) continue;
    if (conditionOf(cgu, 'Succeeded')) continue;
    const actions = cguActions(cgu);
    const entry = record(entryOf(ibguNamed(owner, namespaceOf(cgu))));
    const names = (v: unknown) => list(v).map((a) => text(record(a).action)).filter((a): a is string => !!a);
    const completed = names(entry.completedActions);
    const failed = names(entry.failedActions);
    if (actions.length && (actions.every((a) => completed.includes(a)) || actions.some((a) => failed.includes(a)))) continue;
    const index = /-(\d+)$/.exec(nameOf(cgu))?.[1];
    return { ibgu: owner, ...(index !== undefined ? { step: Number(index) + 1 } : {}), actions };
  }
  for (const ibgu of ibgus) {
    const current = text(record(record(record(entryOf(ibgu)).currentAction)).action);
    if (current && !cgus.some((c) => labelsOf(c).ibgu === nameOf(ibgu) && namespaceOf(c) === namespaceOf(ibgu) && cguHas(c, cluster))) return { ibgu: nameOf(ibgu), actions: [current] };
  }
  return undefined;
}

/** The sentence shown instead of a label repair while TALM runs the cluster's step. */
export function talmRunningMessage(running: TalmRunningStep): string {
  const step = running.step !== undefined ? `step ${running.step}` : 'a step';
  const actions = running.actions.length ? ` (${running.actions.join(', ')})` : '';
  return `TALM is still running ${step}${actions}${running.ibgu ? ` of IBGU ${running.ibgu}` : ''} for this cluster; its labels will be written at the step's end.`;
}
