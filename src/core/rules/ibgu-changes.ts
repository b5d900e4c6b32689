import type { Node, YAMLMap } from 'yaml';
import { asMap, get, getSeq, items, pairOf, toPlain } from '../yaml/ast';
import { columnOf, replaceBlock, transplant } from '../yaml/edit';
import type { Resource } from '../yaml/parse';
import { DEFAULT_TIMEOUT_MINUTES } from '../schema/talm';
import { at, defineRule, specOf } from './helpers';
import type { Report, RuleContext } from './types';

/** The stored version of the same object, when `--previous` / the hub gave one. */
export function previousOf(resource: Resource, ctx: RuleContext): Resource | undefined {
  if (resource.yaml.embedding) return undefined;
  const previous = ctx.options.previous;
  if (!previous) return undefined;
  const found = previous.find(resource.type, resource.namespace, resource.name);
  if (found || resource.name === undefined) return found;
  // The IBU is cluster-scoped, so a namespace in one version means nothing; and a GitOps file often leaves
  // the namespace to kustomize or `oc -n` while `oc get -o yaml` always has it. A unique name decides.
  if (resource.type !== 'IBU' && resource.namespace !== undefined) return undefined;
  const candidates = previous.named(resource.type, resource.name);
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** Canonical JSON: key order does not matter for equality, as in CEL. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A plan step as the API server stores it: the timeout defaulted to 240. */
function storedStep(step: unknown): string {
  const s = (step ?? {}) as { rolloutStrategy?: Record<string, unknown> };
  const strategy = { ...(s.rolloutStrategy ?? {}) };
  strategy.timeout ??= DEFAULT_TIMEOUT_MINUTES;
  return canonical({ ...s, rolloutStrategy: strategy });
}

interface PlainStep {
  /** The step as stored, canonical: for comparison. */
  value: string;
  actions: string;
  plain: { actions?: unknown; rolloutStrategy?: Record<string, unknown> } | null;
  text: string;
  node: Node;
}

function plainSteps(resource: Resource): PlainStep[] {
  const seq = getSeq(specOf(resource), 'plan', resource.yaml.anchors);
  return items(seq, resource.yaml.anchors).map((node) => {
    const plain = toPlain(node, resource.yaml.anchors) as PlainStep['plain'];
    return { value: storedStep(plain), actions: canonical(plain?.actions), plain, text: describeStep(plain), node };
  });
}

function describeStep(step: unknown): string {
  const s = (step ?? {}) as { actions?: unknown[]; rolloutStrategy?: { maxConcurrency?: unknown; timeout?: unknown } };
  const actions = Array.isArray(s.actions) ? s.actions.join(', ') : '?';
  return `[${actions}] with maxConcurrency ${String(s.rolloutStrategy?.maxConcurrency ?? 'unset')}, timeout ${String(s.rolloutStrategy?.timeout ?? DEFAULT_TIMEOUT_MINUTES)}`;
}

/** A block mapping's range runs into the next line; its first key is a tidier place to point at. */
function firstKey(node: Node): Node {
  const map = asMap(node);
  return (map?.items[0]?.key as Node | undefined) ?? node;
}

/** Where a step differs from the stored one: its actions if they changed, else the first changed rolloutStrategy value. */
function changedNode(resource: Resource, step: PlainStep, old: PlainStep): Node {
  const anchors = resource.yaml.anchors;
  const map = asMap(step.node, anchors);
  const strategyPair = pairOf(map, 'rolloutStrategy');
  const strategy = asMap(strategyPair?.value, anchors);
  if (step.actions !== old.actions) {
    const actions = pairOf(map, 'actions');
    return ((actions?.value ?? actions?.key) as Node | undefined) ?? firstKey(step.node);
  }
  if (!strategy) return firstKey(step.node);
  const before = old.plain?.rolloutStrategy ?? {};
  const after = step.plain?.rolloutStrategy ?? {};
  for (const key of ['maxConcurrency', 'timeout']) {
    const a = after[key] ?? (key === 'timeout' ? DEFAULT_TIMEOUT_MINUTES : undefined);
    const b = before[key] ?? (key === 'timeout' ? DEFAULT_TIMEOUT_MINUTES : undefined);
    if (canonical(a) === canonical(b)) continue;
    const pair = pairOf(strategy, key);
    return ((pair?.value ?? pair?.key) as Node | undefined) ?? (strategyPair!.key as Node);
  }
  return strategyPair!.key as Node;
}

function restoreFix(target: Resource, current: Node, previous: Resource, old: Node, title: string) {
  const column = columnOf(target.yaml.text, current.range![0]);
  return { title, edits: [replaceBlock(target.yaml, current, transplant(previous.yaml, old, column))], preferred: true };
}

export const planAppendOnlyRule = defineRule({
  id: 'ibgu/plan-append-only',
  severity: 'error',
  title: 'An existing plan step was changed or removed',
  docs: 'The IBGU CRD only lets steps be appended: every existing step must still be present, identical in its actions and its rollout strategy (a changed `maxConcurrency` or `timeout` counts as a change). To change how the rest of the rollout runs, append a new step, or create a new IBGU.',
  appliesTo: ['IBGU'],
  scope: 'workspace',
  check(resource, ctx) {
    const previous = previousOf(resource, ctx);
    if (!previous) return [];
    // Like every CEL transition rule, this one runs only when both versions have a plan.
    if (!getSeq(specOf(resource), 'plan', resource.yaml.anchors) || !getSeq(specOf(previous), 'plan', previous.yaml.anchors)) return [];
    const before = plainSteps(previous);
    const now = plainSteps(resource);
    const present = new Set(now.map((s) => s.value));
    const stored = new Set(before.map((s) => s.value));
    const reports: Report[] = [];
    const planKey = pairOf(specOf(resource), 'plan')?.key ?? resource.root;
    before.forEach((old, i) => {
      if (present.has(old.value)) return;
      const replaced = now[i];
      // A step at the same place that is itself a stored step means this one was removed, not edited.
      if (replaced && !stored.has(replaced.value)) {
        reports.push(at(changedNode(resource, replaced, old), `plan is append only: step ${i + 1} is now ${replaced.text}, but the stored step is ${old.text}. Existing steps cannot be edited; append a new step instead.`, [
          restoreFix(resource, replaced.node, previous, old.node, `Restore step ${i + 1} as stored`),
        ]));
      } else {
        reports.push(at(planKey, `plan is append only: step ${i + 1} (${old.text}) was removed. Existing steps cannot be removed.`));
      }
    });
    return reports;
  },
});

/** Where two plain values first differ, in words, for messages: `after` is the new value. */
export function firstDifference(after: unknown, before: unknown, path: string): string | undefined {
  if (canonical(after) === canonical(before)) return undefined;
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (Array.isArray(after) && Array.isArray(before)) {
    if (after.length !== before.length) return `${path} has ${after.length} items, the stored IBGU ${before.length}`;
    for (let i = 0; i < after.length; i++) {
      const d = firstDifference(after[i], before[i], `${path}[${i}]`);
      if (d) return d;
    }
  }
  if (isObject(after) && isObject(before)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])]) {
      const d = firstDifference(after[key], before[key], `${path}.${key}`);
      if (d) return d;
    }
  }
  if (after === undefined || after === null) return `${path} was removed (stored: ${shown(before)})`;
  if (before === undefined || before === null) return `${path} was added (${shown(after)})`;
  return `${path} is ${shown(after)}, the stored IBGU has ${shown(before)}`;
}

function shown(value: unknown): string {
  return value && typeof value === 'object' ? canonical(value) : String(value);
}

function immutableRule(id: string, field: 'ibuSpec' | 'clusterLabelSelectors', message: string, docs: string) {
  return defineRule({
    id,
    severity: 'error',
    title: `${field} cannot change after the IBGU is created`,
    docs,
    appliesTo: ['IBGU'],
    scope: 'workspace',
    check(resource, ctx) {
      const previous = previousOf(resource, ctx);
      if (!previous) return [];
      const oldSpec = specOf(previous);
      const newSpec = specOf(resource);
      const oldNode = get(oldSpec, field, previous.yaml.anchors);
      const newNode = get(newSpec, field, resource.yaml.anchors);
      // A CEL transition rule runs only when the field exists in both versions.
      if (!oldNode || !newNode) return [];
      if (canonical(toPlain(oldNode, previous.yaml.anchors)) === canonical(toPlain(newNode, resource.yaml.anchors))) return [];
      const keyNode = pairOf(newSpec as YAMLMap<unknown, unknown>, field)!.key;
      const detail = firstDifference(toPlain(newNode, resource.yaml.anchors), toPlain(oldNode, previous.yaml.anchors), `spec.${field}`);
      return [at(keyNode, `${message}: ${detail}. Create a new IBGU for a different ${field === 'ibuSpec' ? 'seed image or OADP content' : 'set of clusters'}.`, [
        restoreFix(resource, newNode, previous, oldNode, `Restore spec.${field} as stored`),
      ])];
    },
  });
}

export const ibuSpecImmutableRule = immutableRule('ibgu/ibuspec-immutable', 'ibuSpec', 'ibuSpec is immutable', 'The IBGU CRD refuses any change to `spec.ibuSpec` once the IBGU exists: seed image, version, OADP content and extra manifests are fixed for its lifetime.');
export const selectorsImmutableRule = immutableRule('ibgu/selectors-immutable', 'clusterLabelSelectors', 'clusterLabelSelectors is immutable', 'The IBGU CRD refuses changes to an existing `spec.clusterLabelSelectors` list. (Adding the list to an IBGU that had none, or removing it entirely, is not blocked by the API server, but an IBGU without selectors never completes.)');
