/**
 * Server-side Table output (meta.k8s.io/v1 Table), which kubectl asks for on get, list and watch.
 * Cells follow each type's printer columns; dates are rendered as ages, as the real server does for CRDs.
 */
import type { PrinterColumn, ResourceType } from './registry';
import type { KubeObject } from './store';

/** The Accept value kubectl sends for tables: the first acceptable media type decides. */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  for (const part of accept.split(',')) {
    const params = part.split(';').map((p) => p.trim());
    const type = params[0];
    if (type !== 'application/json' && type !== '*/*') continue;
    const as = params.find((p) => p.startsWith('as='));
    if (!as) return false;
    if (as === 'as=Table' && params.includes('g=meta.k8s.io') && (params.includes('v=v1') || params.includes('v=v1beta1'))) return true;
  }
  return false;
}

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  const y = Math.floor(h / 24 / 365);
  const d = Math.floor(h / 24) % 365;
  return y < 8 && d ? `${y}y${d}d` : `${y}y`;
}

/**
 * The JSONPath subset printer columns use: `.a.b`, `[*]`, `[n]`, `[-1:]`, `[?(@.k=="v")]`.
 * Returns every match, so `[*].url` can yield several values.
 */
export function evalJsonPath(obj: unknown, path: string): unknown[] {
  let current: unknown[] = [obj];
  const tokens = path.match(/\[[^\]]*\]|\.[^.[]+/g) ?? [];
  for (const tok of tokens) {
    const next: unknown[] = [];
    for (const v of current) {
      if (tok.startsWith('.')) {
        if (v && typeof v === 'object' && !Array.isArray(v) && tok.slice(1) in (v as object)) next.push((v as Record<string, unknown>)[tok.slice(1)]);
        continue;
      }
      if (!Array.isArray(v)) continue;
      const inner = tok.slice(1, -1);
      const filter = /^\?\(@\.([\w.]+)\s*==\s*["'](.*)["']\)$/.exec(inner);
      if (inner === '*') next.push(...v);
      else if (filter) next.push(...v.filter((item) => evalJsonPath(item, `.${filter[1]}`)[0] === filter[2]));
      else if (/^-?\d+:$/.test(inner)) next.push(...v.slice(Number(inner.slice(0, -1))));
      else if (/^-?\d+$/.test(inner)) {
        const i = Number(inner);
        const item = v[i < 0 ? v.length + i : i];
        if (item !== undefined) next.push(item);
      }
    }
    current = next;
  }
  return current;
}

function cell(obj: KubeObject, col: PrinterColumn, now: number): unknown {
  const values = evalJsonPath(obj, col.jsonPath);
  if (values.length === 0) return col.type === 'date' ? '<unknown>' : null;
  const v = values[0];
  if (col.type === 'date') return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? humanDuration(now - Date.parse(v)) : '<unknown>';
  // Built-in printers count map entries (ConfigMap/Secret DATA).
  if (col.type === 'integer' && v && typeof v === 'object') return Object.keys(v).length;
  if (values.length > 1) return values.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(',');
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : v;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function tableRow(t: ResourceType, obj: KubeObject, include: IncludeObject, now = Date.now()): Record<string, unknown> {
  const row: Record<string, unknown> = { cells: [obj.metadata?.name, ...t.printerColumns.map((c) => cell(obj, c, now))] };
  const o = rowObject(obj, include);
  if (o !== undefined) row.object = o;
  return row;
}

export function toTable(t: ResourceType, objects: KubeObject[], include: IncludeObject, listMeta: Record<string, unknown>, withColumns = true): Record<string, unknown> {
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    // Watch events after the first carry no column definitions, as the real server does.
    columnDefinitions: withColumns
      ? [
          { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
          ...t.printerColumns.map((c) => ({ name: c.name, type: c.type === 'date' ? 'date' : c.type, format: '', description: c.description ?? '', priority: c.priority ?? 0 })),
        ]
      : [],
    rows: objects.map((o) => tableRow(t, o, include, now)),
  };
}
