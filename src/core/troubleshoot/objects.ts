/** Reading Kubernetes objects given as unknown plain data (informer caches, YAML), without trusting their shape. */
import type { IbuCondition } from '../lca/stages';

export type Obj = Record<string, unknown>;

export const isRecord = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const record = (v: unknown): Obj => (isRecord(v) ? v : {});
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const metadataOf = (o: unknown): Obj => record(record(o).metadata);
export const nameOf = (o: unknown): string => text(metadataOf(o).name) ?? '';
export const namespaceOf = (o: unknown): string | undefined => text(metadataOf(o).namespace);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(record(v))) out[k] = val === null || val === undefined ? '' : String(val);
  return out;
}

export const labelsOf = (o: unknown): Record<string, string> => stringMap(metadataOf(o).labels);
export const annotationsOf = (o: unknown): Record<string, string> => stringMap(metadataOf(o).annotations);

/** The IBU's conditions, keeping only entries that have a type. */
export function conditionsOf(o: unknown): IbuCondition[] {
  return list(record(record(o).status).conditions)
    .filter((c): c is Obj => isRecord(c) && typeof c.type === 'string')
    .map((c) => ({
      type: c.type as string,
      status: typeof c.status === 'boolean' ? c.status : String(c.status ?? ''),
      ...(typeof c.reason === 'string' ? { reason: c.reason } : {}),
      ...(typeof c.message === 'string' ? { message: c.message } : {}),
    }));
}

export const conditionOf = (o: unknown, type: string): IbuCondition | undefined => conditionsOf(o).find((c) => c.type === type);

/** A condition's status compared case-insensitively: YAML may have turned `True` into a boolean. */
export const statusIs = (c: IbuCondition | undefined, want: 'true' | 'false'): boolean => c !== undefined && String(c.status).toLowerCase() === want;
