import type { CodeLens } from 'vscode-languageserver/node';
import type { ParsedFile } from '../core/index';
import { planOf, planValue } from '../core/rules/support/plan';
import { continuations, formatPlan, isAllowedPlan } from '../core/talm/plan';
import { pairOf } from '../core/yaml/ast';

/**
 * A lens above each IBGU: its plan in one line, whether TALM accepts it, and which steps can still be
 * appended. The hub features add their own lenses ("Apply to hub", "N clusters match") in the same place.
 */
export function planLenses(file: ParsedFile): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const resource of file.resources) {
    if (resource.type !== 'IBGU' || resource.yaml.embedding) continue;
    const kind = pairOf(resource.root, 'kind')?.key as { range?: [number, number, number] } | undefined;
    if (!kind?.range) continue;
    const start = file.lines.positionAt(resource.yaml.map.toOuter(kind.range[0]));
    const range = { start, end: start };
    const view = planOf(resource);
    const plan = view ? planValue(view) : [];
    let title: string;
    if (!view || plan.length === 0) title = 'IBGU without a plan';
    else if (!isAllowedPlan(plan)) title = `Plan ${formatPlan(plan)}: not allowed by TALM`;
    else {
      const next = continuations(plan).map((p) => formatPlan(p.slice(plan.length, plan.length + 1)).slice(1, -1));
      title = `Plan ${formatPlan(plan)}${next.length ? ` · can append ${[...new Set(next)].join(' or ')}` : ' · complete'}`;
    }
    lenses.push({ range, command: { title, command: '' }, data: { uri: file.path, namespace: resource.namespace, name: resource.name } });
  }
  return lenses;
}
