import type { Node } from 'yaml';
import { asMap, getSeq, items, pairOf, toPlain } from '../yaml/ast';
import type { Resource } from '../yaml/parse';
import { DEFAULT_TIMEOUT_MINUTES } from '../schema/talm';
import { at, defineRule, specOf } from './helpers';
import type { Report } from './types';
import { canonical, previousOf, restoreFix } from './support/changes';

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

export const planAppendOnlyRule = defineRule({
  id: 'ibgu/plan-append-only',
  severity: 'error',
  title: 'An existing plan step was changed or removed',
  evidence: 'TALM CRD `spec.plan` CEL transition rule `oldSelf.all(element, element in self)` (`plan is append only`)',
  docs: 'The IBGU CRD only lets steps be appended: every existing step must still be present, identical in its actions and its rollout strategy (a changed `maxConcurrency` or `timeout` counts as a change). To change how the rest of the rollout runs, append a new step, or create a new IBGU.',
  appliesTo: ['IBGU'],
  scope: 'workspace',
  needs: 'previous',
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
