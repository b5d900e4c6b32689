import type { Node, Pair, YAMLMap } from 'yaml';
import { getMap, nodeEnd, nodeStart, pairOf } from '../yaml/ast';
import type { Resource } from '../yaml/parse';
import type { RawFix, Report, Rule } from './types';

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** A report spanning a node. */
export function at(node: unknown, message: string, fixes?: RawFix[]): Report {
  const start = nodeStart(node);
  return { start, end: Math.max(nodeEnd(node), start + 1), message, fixes };
}

/** A report on the key of a `key: value` entry, falling back to the map itself. */
export function atKey(map: YAMLMap<unknown, unknown> | undefined, key: string, fallback: unknown, message: string, fixes?: RawFix[]): Report {
  const pair = pairOf(map, key);
  return at(pair ? (pair.key as Node) : fallback, message, fixes);
}

export function keyNode(pair: Pair<unknown, unknown> | undefined): Node | undefined {
  return pair?.key as Node | undefined;
}

export function specOf(resource: Resource): YAMLMap<unknown, unknown> | undefined {
  return getMap(resource.root, 'spec', resource.yaml.anchors);
}

/** Where a resource is anchored when a finding is about it as a whole: its `kind` line. */
export function atResource(resource: Resource, message: string, fixes?: RawFix[]): Report {
  return atKey(resource.root, 'metadata', resource.root, message, fixes);
}

export function describe(resource: Resource): string {
  return `${resource.kind} ${resource.name ?? '(unnamed)'}`;
}

export { sameQuoting } from '../yaml/edit';
