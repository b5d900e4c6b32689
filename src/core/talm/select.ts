/** Which ManagedClusters a plan step selects: Kubernetes label selectors plus TALM's per-action filter. */
import { stageLabel } from './wire';

export interface SelectorRequirement {
  key: string;
  operator: string;
  values?: readonly string[];
}

/** A `metav1.LabelSelector` as plain data. */
export interface LabelSelector {
  matchLabels?: Readonly<Record<string, string>>;
  matchExpressions?: readonly SelectorRequirement[];
}

export type Labels = Readonly<Record<string, string>>;

/** A ManagedCluster reduced to what selection needs. */
export interface ClusterInfo {
  name: string;
  labels: Labels;
}

/** Thrown for a selector Kubernetes cannot parse; TALM then never starts the step. */
export class SelectorError extends Error {}

function requirementMatches(req: SelectorRequirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      if (values.length === 0) throw new SelectorError(`matchExpressions key "${req.key}": operator In needs at least one value`);
      return has && values.includes(labels[req.key]);
    case 'NotIn':
      if (values.length === 0) throw new SelectorError(`matchExpressions key "${req.key}": operator NotIn needs at least one value`);
      return !has || !values.includes(labels[req.key]);
    case 'Exists':
      if (values.length) throw new SelectorError(`matchExpressions key "${req.key}": operator Exists takes no values`);
      return has;
    case 'DoesNotExist':
      if (values.length) throw new SelectorError(`matchExpressions key "${req.key}": operator DoesNotExist takes no values`);
      return !has;
    default:
      throw new SelectorError(`matchExpressions key "${req.key}": "${req.operator}" is not a valid operator (In, NotIn, Exists, DoesNotExist)`);
  }
}

/**
 * Whether one selector matches, as apimachinery's `LabelSelectorAsSelector`: every matchLabels pair and
 * every expression must hold. An empty selector matches every cluster.
 */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((req) => requirementMatches(req, labels));
}

/** The CGU selects a cluster that matches any of its selectors; no selectors select nothing. */
export function anySelectorMatches(selectors: readonly LabelSelector[], labels: Labels): boolean {
  return selectors.some((s) => selectorMatches(s, labels));
}

/**
 * The selectors TALM gives a step's ClusterGroupUpgrade: the IBGU's own, each narrowed by the step's
 * first action (only the first action counts; the others run on whatever it selected).
 */
export function stepSelectors(selectors: readonly LabelSelector[], firstAction: string): LabelSelector[] {
  const withLabel = (s: LabelSelector, key: string): LabelSelector => ({ ...s, matchLabels: { ...s.matchLabels, [key]: '' } });
  switch (firstAction) {
    case 'Upgrade':
      return selectors.map((s) => withLabel(s, stageLabel('Prep', 'completed')));
    case 'FinalizeUpgrade':
    case 'Rollback':
      return selectors.map((s) => withLabel(s, stageLabel('Upgrade', 'completed')));
    case 'FinalizeRollback':
      return selectors.map((s) => withLabel(s, stageLabel('Rollback', 'completed')));
    case 'Abort':
      return selectors.map((s) => ({ ...s, matchExpressions: [...(s.matchExpressions ?? []), { key: stageLabel('Upgrade', 'completed'), operator: 'DoesNotExist' }] }));
    case 'AbortOnFailure':
      // Each selector twice, so a cluster that failed either Upgrade or Prep is picked up.
      return selectors.flatMap((s) => [withLabel(s, stageLabel('Upgrade', 'failed')), withLabel(s, stageLabel('Prep', 'failed'))]);
    default:
      return selectors.map((s) => ({ ...s }));
  }
}

/** What a step's first action asks of a cluster's labels, in words. */
export function stepRequirement(firstAction: string): string {
  switch (firstAction) {
    case 'Upgrade':
      return `clusters labelled ${stageLabel('Prep', 'completed')}`;
    case 'FinalizeUpgrade':
    case 'Rollback':
      return `clusters labelled ${stageLabel('Upgrade', 'completed')}`;
    case 'FinalizeRollback':
      return `clusters labelled ${stageLabel('Rollback', 'completed')}`;
    case 'Abort':
      return `clusters without ${stageLabel('Upgrade', 'completed')}`;
    case 'AbortOnFailure':
      return `clusters labelled ${stageLabel('Prep', 'failed')} or ${stageLabel('Upgrade', 'failed')}`;
    default:
      return 'every cluster the IBGU selects';
  }
}

/** De-duplicated and sorted by name, as the CGU orders its remediation plan. */
export function sortClusterNames(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The clusters a step selects, sorted by name. Throws SelectorError for a selector TALM cannot parse. */
export function selectForStep(clusters: readonly ClusterInfo[], selectors: readonly LabelSelector[], firstAction: string): string[] {
  const narrowed = stepSelectors(selectors, firstAction);
  return sortClusterNames(clusters.filter((c) => anySelectorMatches(narrowed, c.labels)).map((c) => c.name));
}
