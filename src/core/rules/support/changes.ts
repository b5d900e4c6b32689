import { isScalar, type Node, type YAMLMap } from 'yaml';
import { get, pairOf, toPlain } from '../../yaml/ast';
import { columnOf, replaceBlock, transplant } from '../../yaml/edit';
import type { Resource } from '../../yaml/parse';
import { at, defineRule, specOf } from '../helpers';
import type { RuleContext } from '../types';

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

export function restoreFix(target: Resource, current: Node, previous: Resource, old: Node, title: string) {
  const column = columnOf(target.yaml.text, current.range![0]);
  return { title, edits: [replaceBlock(target.yaml, current, transplant(previous.yaml, old, column))], preferred: true };
}

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

/**
 * A field as the API server sees it: `null` (`field:`, `field: ~`) is pruned before validation for a field
 * that is not `nullable` (none of the IBGU's are), so it counts as absent.
 */
export function present(node: Node | undefined): Node | undefined {
  return node === undefined || (isScalar(node) && node.value === null) ? undefined : node;
}

export function immutableRule(id: string, field: 'ibuSpec' | 'clusterLabelSelectors', message: string, docs: string, evidence: string) {
  return defineRule({
    id,
    severity: 'error',
    title: `${field} cannot change after the IBGU is created`,
    evidence,
    docs,
    appliesTo: ['IBGU'],
    scope: 'workspace',
    needs: 'previous',
    check(resource, ctx) {
      const previous = previousOf(resource, ctx);
      if (!previous) return [];
      const oldSpec = specOf(previous);
      const newSpec = specOf(resource);
      const oldNode = present(get(oldSpec, field, previous.yaml.anchors));
      const newNode = present(get(newSpec, field, resource.yaml.anchors));
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
