import { isScalar } from 'yaml';
import type { Position, Range } from '../yaml/lines';
import type { ParsedFile, Resource, YamlDocument } from '../yaml/parse';
import { asSeq, items } from '../yaml/ast';
import type { Schema } from '../schema/types';
import { IBGU_ACTIONS, MAX_PLAN_STEPS } from '../schema/talm';
import { ALLOWED_PLANS, continuations, explainPlan, formatPlan, isAction, isAllowedPlan, type Plan } from '../talm/plan';
import { ACTIONS, keyDocs, lvmsDocs } from './knowledge';
import { hitAt, locate, nodeAtPath, outerRange, pathText, schemaAt, SCHEMAS, typeName, type Hit, type PathKey } from './locate';

export interface HoverResult {
  markdown: string;
  /** The key or value hovered, in the file's coordinates. */
  range: Range;
  /** Only the schema's description of a field: what any schema-driven YAML tool shows too. */
  schemaOnly: boolean;
  /** Inside a document embedded in a ConfigMap value, where other YAML tools see only a string. */
  embedded: boolean;
}

/** What the key or value under the cursor means, and what TALM or LCA do with it. */
export function hover(file: ParsedFile, position: Position): HoverResult | undefined {
  const loc = locate(file, position);
  if (!loc) return undefined;
  const hit = hitAt(loc.resource?.root ?? loc.yaml.doc.contents, loc.offset);
  const range = hit?.node.range;
  if (!hit || !range) return undefined;
  const described = describe(hit, loc.resource, loc.yaml);
  if (!described) return undefined;
  const markdown = typeof described === 'string' ? described : described.field;
  return markdown ? { markdown, range: outerRange(file, loc.yaml, range[0], range[1]), schemaOnly: typeof described !== 'string', embedded: !!loc.yaml.embedding } : undefined;
}

function describe(hit: Hit, resource: Resource | undefined, yaml: YamlDocument): string | { field: string | undefined } | undefined {
  const text = isScalar(hit.node) && hit.node.value !== null ? String(hit.node.value) : '';
  const { path } = hit;
  const last = path[path.length - 1];
  // Annotation and label keys mean the same wherever they are written; a matchExpressions `key` holds one as value.
  if (hit.onKey || last === 'key') {
    const docs = keyDocs(text, resource?.type);
    if (docs) return docs;
  }
  if (!resource) return undefined;
  const type = resource.type;
  if ((type === 'Backup' || type === 'Restore') && !hit.onKey && path[0] === 'spec' && typeof last === 'number') {
    const docs = lvmsDocs(text, type, path.slice(1, -1).join('.'));
    if (docs) return docs;
  }
  if (type === 'IBGU' && path[0] === 'spec' && path[1] === 'plan') {
    if (path.length === 2 && hit.onKey) return planDocs(resource, yaml);
    if (path.length === 5 && path[3] === 'actions' && !hit.onKey) return actionDocs(text, resource, yaml, path[2] as number, path[4] as number);
  }
  return { field: fieldDocs(SCHEMAS[type], path, hit.onKey ? undefined : text) };
}

function fieldDocs(root: Schema | undefined, path: PathKey[], value: string | undefined): string | undefined {
  const schema = schemaAt(root, path);
  if (!schema) return undefined;
  // A list item says what the list is for.
  const field = typeof path[path.length - 1] === 'number' ? path.slice(0, -1) : path;
  const owner = field === path ? schema : schemaAt(root, field);
  const parent = schemaAt(root, field.slice(0, -1));
  const key = field[field.length - 1];
  const facts: string[] = [typeName(owner ?? schema)];
  if (parent?.type === 'object' && typeof key === 'string' && parent.required?.includes(key)) facts.push('required');
  if (owner?.type === 'array' && owner.maxItems !== undefined) facts.push(`at most ${owner.maxItems}`);
  const lines = [`**\`${pathText(field)}\`** · ${facts.join(' · ')}`];
  const descriptions = [owner?.description, owner !== schema ? schema.description : undefined].filter((d): d is string => !!d);
  lines.push(...descriptions);
  if (schema.type === 'string' && schema.enum) {
    const known = value === undefined || schema.enum.includes(value);
    lines.push(`Allowed values: ${schema.enum.map((v) => `\`${v}\``).join(', ')}.${known ? '' : ` \`${value}\` is not one of them.`}`);
  }
  if (schema.type === 'integer' && schema.default !== undefined) lines.push(`Default: \`${schema.default}\`.`);
  return descriptions.length || lines.length > 1 ? lines.join('\n\n') : undefined;
}

/** The plan as written, by action names; non-string items are left out. */
export function currentPlan(resource: Resource, yaml: YamlDocument): Plan {
  const plan = asSeq(nodeAtPath(resource.root, ['spec', 'plan'], yaml), yaml.anchors);
  return items(plan, yaml.anchors).map((step) => {
    const actions = asSeq(nodeAtPath(step, ['actions'], yaml), yaml.anchors);
    return items(actions, yaml.anchors).filter(isScalar).map((a) => String(a.value));
  });
}

function planDocs(resource: Resource, yaml: YamlDocument): string {
  const plan = currentPlan(resource, yaml);
  const out = [fieldDocs(SCHEMAS.IBGU, ['spec', 'plan'], undefined) ?? ''];
  if (plan.length) {
    const allowed = isAllowedPlan(plan);
    out.push(`Current plan: \`${formatPlan(plan)}\` — ${allowed ? 'allowed.' : `not allowed. ${plan.flat().every(isAction) ? explainPlan(plan) : ''}`}`.trim());
    if (allowed) {
      const next = continuations(plan);
      out.push(next.length
        ? `Steps that can still be appended (one at a time, each intermediate plan must be allowed too):\n${next.map((p) => `- ${p.slice(plan.length).map((step) => `\`[${step.join(', ')}]\``).join(', then ')} → \`${formatPlan(p)}\``).join('\n')}`
        : 'Nothing can be appended to this plan: further actions need a new IBGU.');
    }
  } else {
    out.push('The plan is empty: start with one of the plans below.');
  }
  const list = ALLOWED_PLANS.map((p, i) => `${String(i + 1).padStart(2)} ${formatPlan(p)}`).join('\n');
  out.push(`The ${ALLOWED_PLANS.length} plans TALM accepts (at most ${MAX_PLAN_STEPS} steps):\n\n\`\`\`text\n${list}\n\`\`\``);
  return out.join('\n\n');
}

function actionDocs(name: string, resource: Resource, yaml: YamlDocument, stepIndex: number, actionIndex: number): string {
  if (!isAction(name)) {
    return `\`${name}\` is not an IBGU action. The actions are ${IBGU_ACTIONS.map((a) => `\`${a}\``).join(', ')}, spelt exactly so; with any other name the API server rejects the plan.`;
  }
  const info = ACTIONS[name];
  const step = currentPlan(resource, yaml)[stepIndex] ?? [];
  const first = step[0];
  const out = [`**${name}** — IBGU action ${actionIndex + 1} of step ${stepIndex + 1} · sends IBU stage \`${info.stage}\``, info.does];
  if (actionIndex === 0) {
    out.push(`**Clusters:** ${info.selects} TALM selects a step's clusters by its first action only.`);
  } else {
    const by = first && isAction(first) ? `, ${first},` : '';
    out.push(`**Clusters:** not chosen by this action. The step acts on the clusters its first action${by} selects; on each of them ${name} runs once the actions before it in the step completed there. A cluster that fails an action skips the rest of the step.`);
  }
  out.push(`**Labels:** ${info.leaves}`);
  return out.join('\n\n');
}

