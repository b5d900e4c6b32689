/**
 * Label and field selectors with the grammar of k8s.io/apimachinery: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x)`, `a`, `!a`, `a>1`, `a<1`, comma-joined (AND). Parsing errors become 400s at the caller.
 */

export type Requirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'gt' | 'lt'; value: number };

export class SelectorError extends Error {}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string): string {
  if (!KEY.test(key) || key.length > 317) throw new SelectorError(`invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (!VALUE.test(value) || value.length > 63) throw new SelectorError(`invalid label value: "${value}"`);
  return value;
}

/** Splits on commas that are not inside parentheses. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

export function parseLabelSelector(text: string | undefined | null): Requirement[] {
  if (!text || !text.trim()) return [];
  return splitTop(text).map((raw) => {
    const part = raw.trim();
    if (!part) throw new SelectorError(`found '', expected: identifier in selector "${text}"`);
    let m = /^!\s*(\S+)$/.exec(part);
    if (m) return { key: checkKey(m[1]!), op: 'notexists' };
    m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(part);
    if (m) {
      const values = m[3]!.split(',').map((v) => checkValue(v.trim()));
      return { key: checkKey(m[1]!), op: m[2] as 'in' | 'notin', values };
    }
    m = /^([^=!<>\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (m) return { key: checkKey(m[1]!), op: m[2] === '!=' ? 'notin' : 'in', values: [checkValue(m[3]!.trim())] };
    m = /^([^=!<>\s]+)\s*([<>])\s*(.*)$/.exec(part);
    if (m) {
      const value = Number(m[3]!.trim());
      if (!Number.isInteger(value)) throw new SelectorError(`for 'gt', 'lt' operators, exactly one value is required and it must be an integer: "${part}"`);
      return { key: checkKey(m[1]!), op: m[2] === '>' ? 'gt' : 'lt', value };
    }
    if (/^\S+$/.test(part)) return { key: checkKey(part), op: 'exists' };
    throw new SelectorError(`unable to parse requirement "${part}"`);
  });
}

export function matchesLabels(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists': return has;
      case 'notexists': return !has;
      case 'in': return has && r.values.includes(l[r.key]!);
      case 'notin': return !has || !r.values.includes(l[r.key]!);
      case 'gt': return has && Number.isInteger(Number(l[r.key])) && Number(l[r.key]) > r.value;
      case 'lt': return has && Number.isInteger(Number(l[r.key])) && Number(l[r.key]) < r.value;
    }
  });
}

export interface FieldRequirement { field: string; value: string; negate: boolean }

/** Field selectors only know `=`, `==` and `!=`; which fields are allowed is decided per type by the caller. */
export function parseFieldSelector(text: string | undefined | null): FieldRequirement[] {
  if (!text || !text.trim()) return [];
  return text.split(',').map((raw) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
    if (!m) throw new SelectorError(`invalid selector: '${text}'; can't understand '${raw}'`);
    return { field: m[1]!, value: m[3]!, negate: m[2] === '!=' };
  });
}

/** Reads a dotted field path (metadata.name, involvedObject.kind, type) from an object as a string. */
export function fieldValue(obj: Record<string, unknown>, field: string): string {
  let cur: unknown = obj;
  for (const part of field.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
  return cur === undefined || cur === null ? '' : String(cur);
}

export function matchesFields(reqs: FieldRequirement[], obj: Record<string, unknown>): boolean {
  return reqs.every((r) => (fieldValue(obj, r.field) === r.value) !== r.negate);
}
