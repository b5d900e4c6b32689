import { get, toPlain } from '../yaml/ast';
import type { Resource } from '../yaml/parse';
import { at, defineRule, specOf } from './helpers';
import type { Report } from './types';
import { strategies } from './support/rollout';

const DAY = 1440;
/** Without a bound on the step's clusters: more than 30 days for one step, in minutes. */
const UNBOUNDED_LIMIT = 30 * DAY;
/** With a bound on the step's clusters: more than 2 days for each batch. */
const PER_BATCH_LIMIT = 2 * DAY;

/**
 * At most how many clusters the IBGU selects, when every selector pins cluster names (ACM sets the
 * ManagedCluster label `name` to the cluster's name): `name: x` or `{key: name, operator: In, values: […]}`.
 * The selectors are ORed (TALM passes each one to the CGU, which unions them), so the bound is the sum.
 */
export function clusterBound(resource: Resource): number | undefined {
  const selectors = toPlain(get(specOf(resource), 'clusterLabelSelectors', resource.yaml.anchors), resource.yaml.anchors);
  if (!Array.isArray(selectors) || selectors.length === 0) return undefined;
  let total = 0;
  for (const selector of selectors) {
    if (!selector || typeof selector !== 'object') return undefined;
    const s = selector as { matchLabels?: Record<string, unknown>; matchExpressions?: unknown };
    const bounds: number[] = [];
    if (s.matchLabels && typeof s.matchLabels === 'object' && typeof s.matchLabels.name === 'string') bounds.push(1);
    if (Array.isArray(s.matchExpressions)) {
      for (const e of s.matchExpressions as { key?: unknown; operator?: unknown; values?: unknown }[]) {
        if (e && e.key === 'name' && e.operator === 'In' && Array.isArray(e.values)) bounds.push(new Set(e.values).size);
      }
    }
    if (bounds.length === 0) return undefined;
    total += Math.min(...bounds);
  }
  return total;
}

function duration(minutes: number): string {
  if (minutes >= DAY && minutes % 60 === 0) return `${+(minutes / DAY).toFixed(1)} days`;
  return minutes >= 60 ? `${+(minutes / 60).toFixed(1)} hours` : `${minutes} minutes`;
}

export const timeoutUnitsRule = defineRule({
  id: 'ibgu/timeout-units',
  severity: 'warning',
  title: 'A timeout that can only have been meant in seconds (the unit is minutes)',
  evidence: 'TALM CGU controller: `time.Duration(timeout) * time.Minute` for the whole step, divided among batches (`utils.CalculateBatchTimeout`)',
  docs: [
    '`rolloutStrategy.timeout` is in minutes (TALM: `time.Duration(timeout) * time.Minute`) and covers the whole step: TALM gives each batch of `maxConcurrency` clusters an equal share of what is left. Large values are normal; TALM\'s own sample and kuttl tests use `timeout: 2400` (40 hours) for a Prep step across many clusters, so a large number alone is no evidence.',
    'The rule warns only where minutes cannot be what was meant, because a too-long timeout is not harmless: TALM reports a failed cluster only when its step times out, so the next step (e.g. AbortOnFailure) waits that long. It warns when the value is a whole number of minutes in seconds and:',
    '- the selectors name the clusters (`name: …` or `name In […]`), so the batches are known, and each batch would get more than 2 days; or',
    '- the clusters are not known and the step would last more than 30 days and the value is a whole number of hours in seconds (43200, 86400…).',
    'A plain `3600` on a selector like `common: "true"` is not reported: for a large fleet 60 hours for the step can be right. The quick fix that reads the value as seconds is offered but never applied by `--fix`.',
  ].join('\n\n'),
  appliesTo: ['IBGU'],
  scope: 'document',
  check(resource) {
    const reports: Report[] = [];
    const bound = clusterBound(resource);
    for (const s of strategies(resource)) {
      const value = s.timeout?.value as number | undefined;
      if (value === undefined || !Number.isInteger(value) || value <= 0 || value % 60 !== 0) continue;
      let why: string;
      if (bound !== undefined && bound > 0) {
        const max = s.maxConcurrency?.value as number | undefined;
        const batches = max !== undefined && max > 0 && max < bound ? Math.ceil(bound / max) : 1;
        const perBatch = value / batches;
        if (perBatch <= PER_BATCH_LIMIT) continue;
        why = `the ${bound} named cluster${bound === 1 ? '' : 's'} of step ${s.index + 1} get ${duration(perBatch)} per batch (${batches} batch${batches === 1 ? '' : 'es'})`;
      } else {
        if (value <= UNBOUNDED_LIMIT || value % 3600 !== 0) continue;
        why = `step ${s.index + 1} may last ${duration(value)}`;
      }
      reports.push(at(s.timeout, `timeout ${value} is in minutes: ${why}, and a failed cluster is reported only when the step times out. If you meant ${value} seconds, write ${value / 60}.`, [
        { title: `Read ${value} as seconds: write ${value / 60} (minutes)`, edits: [{ start: s.timeout!.range![0], end: s.timeout!.range![1], newText: String(value / 60) }], preferred: false },
      ]));
    }
    return reports;
  },
});
