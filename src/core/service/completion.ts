import { isScalar } from 'yaml';
import type { Position, Range } from '../yaml/lines';
import type { Embedding, ParsedFile, ResourceType } from '../yaml/parse';
import { getMap, pairOf } from '../yaml/ast';
import type { Schema } from '../schema/types';
import { IBGU_ACTIONS } from '../schema/talm';
import { BACKUP_TYPE, CONFIG_MAP_TYPE, IBGU_TYPE, IBU_TYPE, RESTORE_TYPE } from '../kube/types';
import { formatPlan } from '../talm/plan';
import { SELECTOR_OPERATORS } from '../talm/labels';
import { textContext, type TextContext } from './context';
import { currentPlan } from './hover';
import { ACTIONS, annotationsFor, lvmsDocs, stageLabelDocs, STAGE_LABELS, type KeyTarget } from './knowledge';
import { locate, schemaAt, SCHEMAS, typeName, typeOf, type Located, type PathKey } from './locate';
import { actionFits, describeSteps, planSnippets, type SnippetStart } from './plan-snippets';

export interface CompletionItem {
  label: string;
  kind: 'field' | 'value' | 'snippet' | 'keyword';
  /**
   * Replaces `range`. Multi-line texts already carry the indentation they need in the file (including a
   * ConfigMap block scalar's): insert them as they are (LSP `InsertTextMode.asIs`).
   */
  insertText: string;
  /** `insertText` has tab stops (`${1:10}`). */
  snippet?: boolean;
  detail?: string;
  documentation?: string;
  sortText?: string;
  /** Text to filter by when it differs from the label. */
  filterText?: string;
  /** What the item replaces: the partial word before the cursor (empty at the cursor), in file coordinates. */
  range: Range;
  /** A field name straight from the schema: what any schema-driven YAML tool offers too. */
  fromSchema?: boolean;
  /** Inside a document embedded in a ConfigMap value, where other YAML tools see only a string. */
  embedded?: boolean;
}

/** A candidate in the coordinates of the document's own text, before it is placed in the file. */
type Candidate = Omit<CompletionItem, 'range' | 'insertText'> & { text: string; start?: number };

interface Env {
  loc: Located;
  ctx: TextContext;
  type?: ResourceType;
  schema?: Schema;
}

export function complete(file: ParsedFile, position: Position): CompletionItem[] {
  const loc = locate(file, position);
  if (!loc) return [];
  const ctx = textContext(loc.yaml.text, loc.offset, loc.regionStart, loc.regionEnd);
  if (!ctx) return [];
  const type = typeOf(ctx.apiVersion, ctx.kind) ?? loc.resource?.type;
  const env: Env = { loc, ctx, type, schema: type && SCHEMAS[type] };
  const out: CompletionItem[] = [];
  for (const c of candidates(env)) {
    const item = place(file, env, c);
    if (item) out.push(loc.yaml.embedding ? { ...item, embedded: true } : item);
  }
  return out;
}

function candidates(env: Env): Candidate[] {
  const { ctx } = env;
  if (ctx.mode === 'flow') return listValues(env, [...ctx.path, ctx.key!], ctx.siblings);
  if (ctx.mode === 'value') return scalarValues(env, [...ctx.path, ctx.key!]);
  const path = ctx.path;
  const at = (...pattern: (string | null)[]) => pattern.length === path.length && pattern.every((p, i) => p === null ? typeof path[i] === 'number' : p === path[i]);
  if (at('metadata', 'annotations')) return annotationKeys(env);
  if (env.type === 'IBGU' && at('spec', 'clusterLabelSelectors', null, 'matchLabels')) return stageLabelKeys(ctx.siblings);
  const schema = schemaAt(env.schema, path);
  if (!env.schema && path.length === 0) return rootFallback(ctx);
  // A list whose dashes line up with its key: the cursor there may start a sibling key or the next item.
  const items = ctx.compactList ? listStart(env, ctx.compactList, ctx.listItems) : [];
  if (!schema) return items;
  if (schema.type === 'object') {
    const fields = [...fieldNames(env, schema), ...items];
    if (env.type === 'IBGU' && at('spec', 'plan', null) && ctx.dashed && ctx.siblings.size === 0) {
      return [...fields, ...planItems(env, path[2] as number, 'item')];
    }
    return fields;
  }
  if (schema.type === 'array' && !ctx.dashed) return listStart(env, path, ctx.siblings);
  if (ctx.dashed && typeof path[path.length - 1] === 'number') return listValues(env, path.slice(0, -1), ctx.listItems);
  return items;
}

/** Items that start a new entry of the list at `listPath`, dash included. */
function listStart(env: Env, listPath: PathKey[], present: Set<string>): Candidate[] {
  if (env.type === 'IBGU' && listPath.length === 2 && listPath[0] === 'spec' && listPath[1] === 'plan') return planItems(env, Number.MAX_SAFE_INTEGER, 'dash');
  return listValues(env, listPath, present).map((c) => ({ ...c, text: `- ${c.text}` }));
}

function fieldNames(env: Env, schema: Extract<Schema, { type: 'object' }>): Candidate[] {
  const { ctx } = env;
  const out: Candidate[] = [];
  for (const [name, child] of Object.entries(schema.properties)) {
    if (ctx.siblings.has(name)) continue;
    // Written by controllers, or bookkeeping nobody types by hand.
    if (ctx.path.length === 0 && name === 'status') continue;
    if (ctx.path[0] === 'metadata' && !child.description) continue;
    const required = !!schema.required?.includes(name);
    let text = `${name}: `;
    if (child.type === 'object' || child.type === 'map') text = `${name}:\n${' '.repeat(ctx.column + 2)}`;
    else if (child.type === 'array' && child.items.type === 'object') text = `${name}:\n${' '.repeat(ctx.column + ctx.sequenceIndent)}- `;
    out.push({ label: name, kind: 'field', text, detail: `${typeName(child)}${required ? ' · required' : ''}`, documentation: child.description, sortText: `${required ? 0 : 1}${name}`, fromSchema: true });
  }
  return out;
}

/** Items of a list of strings; `present` are left out. */
function listValues(env: Env, listPath: PathKey[], present: Set<string>): Candidate[] {
  const field = listPath.filter((k) => typeof k === 'string').join('.');
  const values = (list: string[], docs: (v: string) => string | undefined, detail?: string): Candidate[] =>
    list.filter((v) => !present.has(v)).map((v, i) => ({ label: v, kind: 'value', text: v, documentation: docs(v), detail, sortText: String(i).padStart(2, '0') }));
  if (env.type === 'IBGU' && field === 'spec.plan.actions') return actionValues(env, listPath[2] as number, present);
  if (env.type === 'Backup' && field === 'spec.includedClusterScopedResources') {
    return values(['logicalvolumes.topolvm.io', 'persistentVolumes'], (v) => lvmsDocs(v, 'Backup', 'includedClusterScopedResources'), 'needed with LVM Storage');
  }
  if (env.type === 'Restore' && field === 'spec.restoreStatus.includedResources') {
    return values(['logicalvolumes'], (v) => lvmsDocs(v, 'Restore', 'restoreStatus.includedResources'), 'needed with LVM Storage');
  }
  const items = schemaAt(env.schema, [...listPath, 0]);
  return items?.type === 'string' && items.enum ? values(items.enum, () => items.description) : [];
}

function actionValues(env: Env, stepIndex: number, present: Set<string>): Candidate[] {
  const resource = env.loc.resource;
  const plan = resource?.type === 'IBGU' ? currentPlan(resource, env.loc.yaml) : [];
  const before = plan.slice(0, stepIndex);
  const typed = [...present].filter((a) => (IBGU_ACTIONS as readonly string[]).includes(a));
  return IBGU_ACTIONS.filter((a) => !present.has(a)).map((a, i) => {
    const fits = actionFits(before, typed, a);
    return {
      label: a, kind: 'value', text: a,
      detail: fits ? `IBU stage ${ACTIONS[a].stage}` : 'no allowed plan continues this way',
      documentation: `${ACTIONS[a].does}\n\n**Clusters (as a step's first action):** ${ACTIONS[a].selects}`,
      sortText: `${fits ? 0 : 1}${i}`,
    };
  });
}

function scalarValues(env: Env, fieldPath: PathKey[]): Candidate[] {
  const { ctx } = env;
  const last = fieldPath[fieldPath.length - 1];
  const parentKey = fieldPath[fieldPath.length - 3];
  const simple = (list: readonly string[], kind: Candidate['kind'], docs?: (v: string) => string | undefined, quote = false): Candidate[] =>
    list.map((v, i) => ({ label: v, kind, text: quote ? `"${v}"` : v, documentation: docs?.(v), sortText: String(i).padStart(2, '0') }));
  if (fieldPath.length === 1 && last === 'kind') return simple(KINDS.filter((k) => !ctx.apiVersion || KIND_GROUP[k] === ctx.apiVersion), 'value');
  if (fieldPath.length === 1 && last === 'apiVersion') return simple([...new Set(Object.entries(KIND_GROUP).filter(([k]) => !ctx.kind || k === ctx.kind).map(([, v]) => v))], 'value');
  if (env.type === 'IBGU' && fieldPath[1] === 'clusterLabelSelectors' && parentKey === 'matchExpressions' && last === 'key') return simple(STAGE_LABELS.map((l) => l.key), 'value', stageLabelDocs);
  if (parentKey === 'matchExpressions' && last === 'operator') return simple(SELECTOR_OPERATORS, 'value');
  if (env.type === 'IBGU' && fieldPath.length === 2 && fieldPath[0] === 'spec' && last === 'plan') {
    const hasSteps = env.loc.resource && currentPlan(env.loc.resource, env.loc.yaml).length > 0;
    return ctx.prefix === '' && !hasSteps ? planItems(env, 0, 'newline') : [];
  }
  const schema = schemaAt(env.schema, fieldPath);
  if (schema?.type === 'string' && schema.enum) return simple(schema.enum, 'value', () => schema.description);
  if (schema?.type === 'boolean') {
    const lvms = env.type === 'Restore' && last === 'restorePVs';
    return simple(['true', 'false'], 'keyword', (v) => (lvms && v === 'true' ? `${schema.description}` : undefined));
  }
  return [];
}

const KIND_GROUP: Record<string, string> = {
  [IBGU_TYPE.kind]: IBGU_TYPE.apiVersion,
  [IBU_TYPE.kind]: IBU_TYPE.apiVersion,
  [BACKUP_TYPE.kind]: BACKUP_TYPE.apiVersion,
  [RESTORE_TYPE.kind]: RESTORE_TYPE.apiVersion,
  [CONFIG_MAP_TYPE.kind]: CONFIG_MAP_TYPE.apiVersion,
};
const KINDS = Object.keys(KIND_GROUP);

function rootFallback(ctx: TextContext): Candidate[] {
  return ['apiVersion', 'kind'].filter((k) => !ctx.siblings.has(k)).map((k) => ({ label: k, kind: 'field', text: `${k}: `, sortText: `0${k}`, fromSchema: true }));
}

function annotationKeys(env: Env): Candidate[] {
  const target: KeyTarget | undefined = env.type === 'Other' ? (env.loc.yaml.embedding ? 'extra' : undefined) : (env.type as KeyTarget | undefined);
  if (!target) return [];
  return annotationsFor(target).filter((k) => !env.ctx.siblings.has(k.key)).map((k, i) => ({
    label: k.key, kind: 'field', text: `${k.key}: ${k.value ?? '""'}`, snippet: /\$\{/.test(k.value ?? ''),
    documentation: k.docs, detail: 'LCA annotation', sortText: String(i).padStart(2, '0'),
  }));
}

function stageLabelKeys(present: Set<string>): Candidate[] {
  return STAGE_LABELS.filter((l) => !present.has(l.key)).map((l, i) => ({
    label: l.key, kind: 'field', text: `${l.key}: ""`, detail: `TALM stage label (${l.action} ${l.outcome})`,
    documentation: stageLabelDocs(l.key), sortText: String(i).padStart(2, '0'),
  }));
}

/** Allowed plans (or the rest of them after the steps before `stepIndex`) as snippets. */
function planItems(env: Env, stepIndex: number, start: SnippetStart): Candidate[] {
  const { ctx, loc } = env;
  const written = loc.resource?.type === 'IBGU' ? currentPlan(loc.resource, loc.yaml) : [];
  const existing = written.slice(0, stepIndex).filter((step) => step.length > 0);
  const dashColumn = start === 'newline' ? ctx.column + ctx.sequenceIndent : start === 'item' ? ctx.dashColumn ?? ctx.column - 2 : ctx.column;
  return planSnippets(existing, start, dashColumn).map((s) => ({
    label: formatPlan(s.plan),
    kind: 'snippet',
    text: s.text,
    snippet: true,
    detail: existing.length ? `appends ${s.steps.map((step) => `[${step.join(', ')}]`).join(', ')}` : `${s.plan.length} step${s.plan.length > 1 ? 's' : ''}`,
    documentation: `Allowed plan ${s.index + 1} of 26.\n\n${describeSteps(s.plan, existing.length)}`,
    filterText: s.plan.flat().join(' '),
    sortText: `2${String(s.index).padStart(2, '0')}`,
  }));
}

/** Puts a candidate into the file: its range, and its text re-indented for a block scalar or encoded for a quoted one. */
function place(file: ParsedFile, env: Env, c: Candidate): CompletionItem | undefined {
  const { loc } = env;
  const { yaml } = loc;
  const start = c.start ?? env.ctx.prefixStart;
  const { text: _text, start: _start, ...rest } = c;
  const outerStart = yaml.map.toOuter(start);
  const outerEnd = yaml.map.toOuter(loc.offset);
  const eol = file.lines.eol();
  if (!yaml.embedding) {
    return { ...rest, insertText: c.text.replace(/\n/g, eol), range: file.lines.range(outerStart, outerEnd) };
  }
  if (isBlockEmbedding(yaml.embedding)) {
    // The scalar's indentation: outer column minus inner column at the same place.
    const innerColumn = start - (yaml.text.lastIndexOf('\n', start - 1) + 1);
    const pad = ' '.repeat(Math.max(file.lines.positionAt(outerStart).character - innerColumn, 0));
    const insertText = c.text.split('\n').map((line, i) => (i === 0 || line === '' ? line : pad + line)).join(eol);
    return { ...rest, insertText, range: file.lines.range(outerStart, outerEnd) };
  }
  if (c.text.includes('\n')) return undefined;
  const edit = yaml.map.edit({ start, end: loc.offset, newText: c.text });
  return edit ? { ...rest, insertText: edit.newText, range: file.lines.range(edit.start, edit.end) } : undefined;
}

/** Only literal block scalars map line by line (see offset-map.ts); folded ones never locate inside. */
function isBlockEmbedding(embedding: Embedding): boolean {
  const value = pairOf(getMap(embedding.configMap.root, 'data', embedding.configMap.yaml.anchors), embedding.key)?.value;
  return isScalar(value) && value.type === 'BLOCK_LITERAL';
}
