/**
 * Writes conditional on what the user saw. Every write the extension makes names the object as the user
 * saw it (`Seen`): its uid and resourceVersion are the write's precondition, so a hub that changed the
 * object in between refuses the write (409) and nothing is written. Then the object is read again and
 * compared, in the part the user's decision rests on (`view`), with what was seen:
 * - that part changed (or the object was deleted, or deleted and created again): the write fails with a
 *   conflict that says what changed;
 * - only other parts changed (TALM rewrites an IBGU's status, ACM a ManagedCluster's conditions, every few
 *   seconds during a rollout): the decision still stands, and the write is sent again on the new
 *   resourceVersion, itself conditional.
 * Pure: no requests here, only the comparison and its wording.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from './types';

export interface Seen {
  /** The object as the user saw it: its uid and resourceVersion are the precondition of the write. */
  object: KubeObject;
  /**
   * The part of the object the user's decision rests on (what the diff or the question showed). Default:
   * everything but status and the metadata the server keeps (resourceVersion, managedFields, generation).
   */
  view?: (object: KubeObject) => unknown;
}

/** How many changed places a conflict message names before it says "and N more". */
const SHOWN = 4;

/** The default view: the object without status and without the metadata the server alone changes. */
export function specView(object: KubeObject): unknown {
  const { resourceVersion: _r, managedFields: _m, generation: _g, ...metadata } = object.metadata ?? ({} as KubeObject['metadata']);
  const { status: _s, ...rest } = object;
  return { ...rest, metadata };
}

/**
 * What changed between the object the user saw and the object now on the hub, in the part the decision
 * rests on, as a sentence; undefined when that part is the same (only other fields changed).
 */
export function changeSince(seen: Seen, now: KubeObject | undefined): string | undefined {
  const before = seen.object;
  if (!now) return 'it was deleted';
  if (before.metadata?.uid && now.metadata?.uid && before.metadata.uid !== now.metadata.uid) return 'it was deleted and created again (a new uid)';
  const view = seen.view ?? specView;
  const a = view(before);
  const b = view(now);
  if (isDeepStrictEqual(a, b)) return undefined;
  const places = differences(a, b, '');
  const shown = places.slice(0, SHOWN).join('; ');
  const more = places.length > SHOWN ? `; and ${places.length - SHOWN} more` : '';
  return `${shown}${more}`;
}

/** The places where two JSON values differ, as "path: before → after" (values shortened), depth-first. */
function differences(a: unknown, b: unknown, path: string): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  const objects = isObject(a) && isObject(b);
  const arrays = Array.isArray(a) && Array.isArray(b);
  if (objects) {
    const out: string[] = [];
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      out.push(...differences(a[key], b[key], join(path, key)));
    }
    return out;
  }
  if (arrays) {
    // Items compared in place; those past the shorter list were added (a plan step appended) or removed.
    const out: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...differences(a[i], b[i], `${path}[${i}]`));
    return out;
  }
  const where = path || 'the object';
  if (a === undefined) return [`${where} was added (${short(b)})`];
  if (b === undefined) return [`${where} was removed (was ${short(a)})`];
  return [`${where}: ${short(a)} → ${short(b)}`];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A path as kubectl's JSONPath would write it: dots, and brackets with quotes for keys with dots or slashes. */
function join(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

function short(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
