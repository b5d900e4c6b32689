import { isMap, isPair, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Range } from '../yaml/lines';
import type { ParsedFile, Resource, YamlDocument } from '../yaml/parse';
import { asMap, asSeq, get, getMap, getString, items, keyOf, pairOf } from '../yaml/ast';
import { DEFAULT_TIMEOUT_MINUTES } from '../schema/talm';
import { isAction } from '../talm/plan';
import { ACTIONS } from './knowledge';

export interface DocSymbol {
  name: string;
  detail?: string;
  kind: 'object' | 'array' | 'key' | 'event' | 'string';
  /** The whole construct; contains `selectionRange`. */
  range: Range;
  /** What to reveal when the symbol is picked: a name or a key. */
  selectionRange: Range;
  children: DocSymbol[];
}

/** One symbol per resource; an IBGU shows its plan step by step, a ConfigMap the resources in its values. */
export function documentSymbols(file: ParsedFile): DocSymbol[] {
  return file.resources.filter((r) => !r.yaml.embedding).map((r) => resourceSymbol(file, r));
}

/** A node's span without the line breaks and blank lines the parser counts into it. */
export function span(yaml: YamlDocument, node: unknown, from?: unknown): [number, number] {
  const start = (from as Node | undefined)?.range?.[0] ?? (node as Node | undefined)?.range?.[0] ?? 0;
  let end = (node as Node | undefined)?.range?.[1] ?? start;
  while (end > start && /\s/.test(yaml.text[end - 1])) end--;
  return [start, end];
}

function symbol(file: ParsedFile, yaml: YamlDocument, name: string, kind: DocSymbol['kind'], whole: [number, number], selection: [number, number], detail?: string, children: DocSymbol[] = []): DocSymbol {
  const range = (s: number, e: number) => file.lines.range(yaml.map.toOuter(s), yaml.map.toOuter(e));
  // Clients reject a selection outside the range.
  const sel: [number, number] = selection[0] >= whole[0] && selection[1] <= whole[1] ? selection : [whole[0], whole[0]];
  return { name, ...(detail ? { detail } : {}), kind, range: range(...whole), selectionRange: range(...sel), children };
}

function resourceSymbol(file: ParsedFile, r: Resource): DocSymbol {
  const { yaml } = r;
  const nameNode = get(getMap(r.root, 'metadata', yaml.anchors), 'name', yaml.anchors);
  const kindNode = pairOf(r.root, 'kind')?.value;
  const whole = span(yaml, r.root);
  const selection = span(yaml, isScalar(nameNode) ? nameNode : kindNode ?? r.root);
  const children = r.type === 'IBGU' ? ibguChildren(file, r) : r.type === 'ConfigMap' ? configMapChildren(file, r) : [];
  return symbol(file, yaml, `${r.kind} ${r.name ?? '(no name)'}`, 'object', whole, selection, r.namespace ? `namespace ${r.namespace}` : undefined, children);
}

function pairSpan(yaml: YamlDocument, pair: Pair<unknown, unknown>): [number, number] {
  return span(yaml, pair.value ?? pair.key, pair.key);
}

function ibguChildren(file: ParsedFile, r: Resource): DocSymbol[] {
  const { yaml } = r;
  const spec = getMap(r.root, 'spec', yaml.anchors);
  const out: DocSymbol[] = [];
  const ibuSpec = pairOf(spec, 'ibuSpec');
  if (ibuSpec) {
    const version = getString(getMap(asMap(ibuSpec.value, yaml.anchors), 'seedImageRef', yaml.anchors), 'version', yaml.anchors);
    out.push(symbol(file, yaml, 'ibuSpec', 'object', pairSpan(yaml, ibuSpec), span(yaml, ibuSpec.key), version ? `seed ${version}` : undefined));
  }
  const plan = pairOf(spec, 'plan');
  if (plan) {
    const steps = items(asSeq(plan.value, yaml.anchors), yaml.anchors).filter(isMap).map((step, i) => stepSymbol(file, yaml, step, i));
    out.push(symbol(file, yaml, 'plan', 'array', pairSpan(yaml, plan), span(yaml, plan.key), `${steps.length} step${steps.length === 1 ? '' : 's'}`, steps));
  }
  return out;
}

function stepSymbol(file: ParsedFile, yaml: YamlDocument, step: YAMLMap<unknown, unknown>, index: number): DocSymbol {
  const actionsPair = pairOf(step, 'actions');
  const actions = items(asSeq(actionsPair?.value, yaml.anchors), yaml.anchors).filter(isScalar);
  const names = actions.map((a) => String(a.value));
  const strategy = getMap(step, 'rolloutStrategy', yaml.anchors);
  const concurrency = getString(strategy, 'maxConcurrency', yaml.anchors);
  const timeout = getString(strategy, 'timeout', yaml.anchors) ?? `${DEFAULT_TIMEOUT_MINUTES}`;
  const detail = `maxConcurrency ${concurrency ?? '?'}, timeout ${timeout} min`;
  const children = actions.map((a) => {
    const name = String(a.value);
    const s = span(yaml, a);
    return symbol(file, yaml, name, 'event', s, s, isAction(name) ? `IBU stage ${ACTIONS[name].stage}` : 'unknown action');
  });
  const whole = span(yaml, step);
  return symbol(file, yaml, `Step ${index + 1}: ${names.join(', ') || '(no actions)'}`, 'object', whole, actionsPair ? span(yaml, actionsPair.key) : whole, detail, children);
}

function configMapChildren(file: ParsedFile, r: Resource): DocSymbol[] {
  const { yaml } = r;
  const data = getMap(r.root, 'data', yaml.anchors);
  if (!data) return [];
  const embedded = file.resources.filter((e) => e.yaml.embedding?.configMap === r);
  return data.items.filter(isPair).flatMap((pair) => {
    const key = keyOf(pair);
    if (key === undefined) return [];
    const inside = embedded.filter((e) => e.yaml.embedding?.key === key).map((e) => resourceSymbol(file, e));
    const detail = inside.length ? `${inside.length} resource${inside.length === 1 ? '' : 's'}` : undefined;
    return [symbol(file, yaml, key, 'key', pairSpan(yaml, pair), span(yaml, pair.key), detail, inside)];
  });
}
