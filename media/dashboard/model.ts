/**
 * What the dashboard shows, computed from a Rollout without touching the DOM: the grid's order and states,
 * the counts said aloud, and the failed clusters. Pure, so unit tests run it on plain objects.
 */
import type { ClusterPhase, ClusterProgress, Rollout } from '../../src/core/talm/readback-model';

/** How a grid cell is drawn: the four phases, plus failures only the ManifestWork feedback shows yet. */
export type CellKind = ClusterPhase | 'failed-early';

export const CELL_KINDS: readonly CellKind[] = ['completed', 'failed', 'failed-early', 'in-progress', 'pending'];

/** The words of each kind, as the legend, tooltips and the spoken summary say them. */
export const KIND_LABELS: Readonly<Record<CellKind, string>> = {
  completed: 'completed',
  failed: 'failed',
  'failed-early': 'failed (not yet reported by TALM)',
  'in-progress': 'in progress',
  pending: 'pending',
};

export function cellKind(cluster: ClusterProgress): CellKind {
  return cluster.phase === 'failed' && cluster.early ? 'failed-early' : cluster.phase;
}

/**
 * The clusters in the order TALM runs them: each step's batches in turn (a cluster where it first appears),
 * then those no batch names yet, by name. A cluster is listed once, with its overall progress.
 */
export function gridOrder(rollout: Rollout): ClusterProgress[] {
  const byName = new Map(rollout.clusters.map((c) => [c.name, c]));
  const out: ClusterProgress[] = [];
  const placed = new Set<string>();
  for (const step of rollout.steps) {
    for (const batch of step.batches ?? []) {
      for (const name of batch) {
        const cluster = byName.get(name);
        if (cluster && !placed.has(name)) {
          placed.add(name);
          out.push(cluster);
        }
      }
    }
  }
  const rest = rollout.clusters.filter((c) => !placed.has(c.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out.concat(rest);
}

export function countKinds(clusters: readonly ClusterProgress[]): Record<CellKind, number> {
  const counts: Record<CellKind, number> = { completed: 0, failed: 0, 'failed-early': 0, 'in-progress': 0, pending: 0 };
  for (const c of clusters) counts[cellKind(c)]++;
  return counts;
}

const numberFormat = new Intl.NumberFormat('en-US');

/** Thousands separated, as the summary and bars print counts. */
export function formatCount(n: number): string {
  return numberFormat.format(n);
}

/** The one-line summary a screen reader announces, e.g. "3,412 completed, 5 failed, 83 pending of 3,500". */
export function summaryText(clusters: readonly ClusterProgress[]): string {
  const counts = countKinds(clusters);
  const parts = CELL_KINDS.filter((k) => counts[k] > 0).map((k) => `${formatCount(counts[k])} ${KIND_LABELS[k]}`);
  return `${parts.length ? parts.join(', ') : 'no clusters'} of ${formatCount(clusters.length)} clusters`;
}

/** A cluster's tooltip, one fact per line. */
export function tooltipLines(cluster: ClusterProgress): string[] {
  const lines = [cluster.name, KIND_LABELS[cellKind(cluster)]];
  if (cluster.action) lines.push(`action: ${cluster.action}`);
  if (cluster.batch !== undefined) lines.push(`batch ${cluster.batch}`);
  if (cluster.message) lines.push(cluster.message);
  return lines;
}

/** One row of the failed clusters' table. `step` is 1-based, when a step reports the failure. */
export interface FailedRow {
  name: string;
  step?: number;
  action?: string;
  message?: string;
  early: boolean;
}

/** Every failed cluster, by name, with the first step whose progress has it failed. */
export function failedRows(rollout: Rollout): FailedRow[] {
  const stepOf = new Map<string, number>();
  rollout.steps.forEach((step, i) => {
    for (const c of step.clusters) if (c.phase === 'failed' && !stepOf.has(c.name)) stepOf.set(c.name, i + 1);
  });
  return rollout.clusters
    .filter((c) => c.phase === 'failed')
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((c) => {
      const row: FailedRow = { name: c.name, early: c.early === true };
      const step = stepOf.get(c.name);
      if (step !== undefined) row.step = step;
      if (c.action) row.action = c.action;
      if (c.message) row.message = c.message;
      return row;
    });
}

/** The rows matching a filter (words in any order, case-insensitive, against name, action and message). */
export function filterRows(rows: readonly FailedRow[], filter: string): FailedRow[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return rows.slice();
  return rows.filter((r) => {
    const text = `${r.name} ${r.action ?? ''} ${r.message ?? ''}${r.early ? ' early' : ''}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
