import { isScalar, type Scalar } from 'yaml';
import { getMap, get, getString, pairOf } from '../yaml/ast';
import { removePair } from '../yaml/edit';
import type { Resource } from '../yaml/parse';
import { NAME_LENGTH_MESSAGE } from '../schema/talm';
import { planOf } from './ibgu-plan';
import { at, atKey, defineRule } from './helpers';
import type { Report } from './types';

interface Strategy {
  index: number;
  maxConcurrency?: Scalar;
  timeout?: Scalar;
}

function strategies(resource: Resource): Strategy[] {
  const plan = planOf(resource);
  if (!plan) return [];
  return plan.steps.map((step, index) => {
    const strategy = getMap(step.node, 'rolloutStrategy', resource.yaml.anchors);
    const pick = (key: string) => {
      const node = get(strategy, key, resource.yaml.anchors);
      return isScalar(node) && typeof node.value === 'number' ? node : undefined;
    };
    return { index, maxConcurrency: pick('maxConcurrency'), timeout: pick('timeout') };
  });
}

export const timeoutNonPositiveRule = defineRule({
  id: 'ibgu/timeout-nonpositive',
  severity: 'error',
  title: 'A step timeout of 0 or less times out at once',
  docs: 'The CRD has no minimum for `rolloutStrategy.timeout`. With 0 or a negative value the ClusterGroupUpgrade of that step times out immediately and every cluster is reported as failed. The unit is minutes; the default is 240.',
  appliesTo: ['IBGU'],
  scope: 'document',
  check(resource) {
    return strategies(resource)
      .filter((s) => s.timeout && (s.timeout.value as number) <= 0)
      .map((s) => at(s.timeout, `timeout ${s.timeout!.value} makes step ${s.index + 1} time out immediately: every cluster fails with "Action did not successfully complete before the timeout specified in the rolloutStrategy". The unit is minutes (default 240).`, [
        { title: 'Use the default, 240 minutes', edits: [{ start: s.timeout!.range![0], end: s.timeout!.range![1], newText: '240' }], preferred: true },
      ]));
  },
});

/** A day in minutes: timeouts at or past it that are whole minutes in seconds were most likely meant as seconds. */
const SECONDS_LIKE = 1440;

export const timeoutUnitsRule = defineRule({
  id: 'ibgu/timeout-units',
  severity: 'warning',
  title: 'A timeout that looks like seconds (the unit is minutes)',
  docs: '`rolloutStrategy.timeout` is in minutes and covers the whole step, across all its batches. A value of a day or more that is a whole number of minutes in seconds (3600, 7200…) was usually meant as seconds; whole days in minutes (1440, 2880) are taken as meant. If it really is minutes, suppress this with `# ibgu-disable-next-line ibgu/timeout-units`.',
  appliesTo: ['IBGU'],
  scope: 'document',
  check(resource) {
    const reports: Report[] = [];
    for (const s of strategies(resource)) {
      const value = s.timeout?.value as number | undefined;
      if (value === undefined || value < SECONDS_LIKE || value % 60 !== 0) continue;
      // Whole days in minutes (1440, 2880) are deliberate; a day in seconds (86400) is not.
      if (value % SECONDS_LIKE === 0 && value < SECONDS_LIKE * 60) continue;
      const hours = value / 60;
      reports.push(at(s.timeout, `timeout ${value} is in minutes: ${hours} hours for step ${s.index + 1}. If you meant ${value} seconds, write ${value / 60}.`, [
        { title: `Convert ${value} seconds to ${value / 60} minutes`, edits: [{ start: s.timeout!.range![0], end: s.timeout!.range![1], newText: String(value / 60) }], preferred: true },
      ]));
    }
    return reports;
  },
});

export const maxConcurrencyRule = defineRule({
  id: 'ibgu/max-concurrency',
  severity: 'warning',
  title: 'maxConcurrency of 0 or less means one batch of all clusters',
  docs: 'The CRD has no minimum for `maxConcurrency`. TALM treats 0 or a negative value like a value at least the number of clusters: every selected cluster runs the step at once, in one batch.',
  appliesTo: ['IBGU'],
  scope: 'document',
  check(resource) {
    return strategies(resource)
      .filter((s) => s.maxConcurrency && (s.maxConcurrency.value as number) <= 0)
      .map((s) => at(s.maxConcurrency, `maxConcurrency ${s.maxConcurrency!.value} runs step ${s.index + 1} on every selected cluster at once (one batch), not one at a time. Set the batch size you want.`));
  },
});



/** Kubernetes limit on a label value; TALM puts derived names into labels. */
const LABEL_VALUE_MAX = 63;

/** `<ibgu>-<lowercased actions joined by ->-<index>`: the ClusterGroupUpgrade TALM creates for a step. */
export function cguName(ibgu: string, actions: readonly string[], index: number): string {
  return `${ibgu}-${actions.map((a) => a.toLowerCase()).join('-')}-${index}`;
}

export const nameLengthRule = defineRule({
  id: 'ibgu/name-length',
  severity: 'error',
  title: 'IBGU name too long for the CRD or for the objects TALM derives from it',
  docs: 'The CRD rejects IBGU names of 230 characters or more, but much shorter names already fail at run time. TALM labels every ClusterGroupUpgrade it creates with `ibgu: <IBGU name>`, and names each step\'s ClusterGroupUpgrade `<ibgu>-<actions>-<index>` and puts that name in a label of every ManifestWork of the step. Label values are limited to 63 characters, so the API server rejects those objects and the step never runs.',
  appliesTo: ['IBGU'],
  scope: 'document',
  check(resource) {
    const name = resource.name;
    if (name === undefined) return [];
    const metadata = getMap(resource.root, 'metadata', resource.yaml.anchors);
    const node = pairOf(metadata, 'name')?.value;
    if (name.length >= 230) return [at(node, `${NAME_LENGTH_MESSAGE} (this one has ${name.length}).`)];
    if (name.length > LABEL_VALUE_MAX) {
      return [at(node, `The name has ${name.length} characters: TALM labels each ClusterGroupUpgrade it creates with "ibgu: <IBGU name>", and a label value is at most ${LABEL_VALUE_MAX} characters, so no step can start. Shorten the name to ${LABEL_VALUE_MAX} characters or fewer.`)];
    }
    const steps = (planOf(resource)?.steps ?? []).map((s, i) => ({ index: i, cgu: cguName(name, s.actions.map((a) => a.value), i) }));
    const worst = steps.reduce<(typeof steps)[number] | undefined>((a, b) => (b.cgu.length > (a?.cgu.length ?? LABEL_VALUE_MAX) ? b : a), undefined);
    if (!worst) return [];
    const fits = name.length - (worst.cgu.length - LABEL_VALUE_MAX);
    return [at(node, `TALM names the ClusterGroupUpgrade of step ${worst.index + 1} "${worst.cgu}" (${worst.cgu.length} characters) and puts that name in a label of each ManifestWork of the step; a label value is at most ${LABEL_VALUE_MAX} characters, so the ManifestWorks are rejected and the step never runs. Shorten the IBGU name to ${fits} characters or fewer.`)];
  },
});

export const ibuStageIgnoredRule = defineRule({
  id: 'ibgu/ibu-stage-ignored',
  severity: 'warning',
  title: 'ibuSpec.stage is ignored in an IBGU',
  docs: 'TALM sets the IBU stage itself for every action (Prep, Upgrade, Rollback, or Idle for Abort and Finalize), overwriting `ibuSpec.stage`. Setting it has no effect and suggests a misunderstanding of the plan.',
  appliesTo: ['IBGU'],
  // The API server drops the field: shown faded, like unused code.
  tags: ['unnecessary'],
  scope: 'document',
  check(resource) {
    const ibuSpec = getMap(getMap(resource.root, 'spec', resource.yaml.anchors), 'ibuSpec', resource.yaml.anchors);
    const pair = pairOf(ibuSpec, 'stage');
    if (!pair || !ibuSpec) return [];
    return [atKey(ibuSpec, 'stage', pair.key, `ibuSpec.stage (${getString(ibuSpec, 'stage') ?? 'empty'}) has no effect: TALM sets the stage for each action of the plan.`, [
      { title: 'Remove ibuSpec.stage', edits: [removePair(resource.yaml, ibuSpec, pair)], preferred: true, autofix: true },
    ])];
  },
});
