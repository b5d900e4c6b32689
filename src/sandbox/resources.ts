/**
 * The REST verbs on resource URLs: get, list (+watch), create, replace, patch, delete, deletecollection,
 * each with the Kubernetes rules a client relies on (preconditions, dry run, status subresource, Table output).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { apiVersionOf, type ResourceType } from './registry';
import { ApiError, badRequest, entityTooLarge, notFound, status } from './status';
import { conflict, type KubeObject, type Store, type WriteOptions } from './store';
import { jsonPatch, mergePatch, PatchError, strategicMergePatch, type Json } from './patch';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, SelectorError, type FieldRequirement } from './selectors';
import { toTable, wantsTable, type IncludeObject } from './table';
import type { WatchHub } from './watch';
import { deeperThan, MAX_JSON_DEPTH } from './limits';
import { checkApplyIntent, decodeObject, fieldValidationOf } from './structural/admission';
import { decodeProtobufBody, decodeProtobufDeleteOptions, PROTOBUF, speaksProtobuf } from './protobuf/negotiate';
import { applyConfiguration } from './managed-fields';
import { asPartialList, asPartialObject, metadataTarget } from './partial-metadata';

export interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  query: URLSearchParams;
  resource: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: 'status';
  body: Buffer;
}

/** `warnings`: texts for `Warning: 299` headers (unknown and duplicate fields under fieldValidation=Warn). */
export type Reply = (code: number, body: unknown, warnings?: string[]) => void;

const MEDIA = {
  json: 'application/json',
  yaml: 'application/yaml',
  jsonPatch: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The body's text when it is JSON, for the duplicate-field check of strict decoding. */
function jsonText(r: ResourceRequest): string | undefined {
  const type = mediaType(r.req);
  return !type || type === MEDIA.json ? r.body.toString('utf8') : undefined;
}

/** Request bodies come as JSON, YAML for the media types that allow it, or protobuf where `protobuf` decodes it (protobuf/). */
export function decodeBody(req: IncomingMessage, body: Buffer, allowed: string[], protobuf?: (body: Buffer) => unknown): unknown {
  const type = mediaType(req) || MEDIA.json;
  if (!allowed.includes(type)) {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${allowed.join(', ')}`);
  }
  if (type === PROTOBUF && protobuf) return protobuf(body);
  const text = body.toString('utf8');
  if (!text.trim()) throw badRequest('the request body is empty');
  const tooDeep = () => badRequest(`the body of the request could not be decoded: exceeded max depth of ${MAX_JSON_DEPTH}`);
  let value: unknown;
  try {
    value = type === MEDIA.yaml || type === MEDIA.apply ? parseYaml(text, { maxAliasCount: 100 }) : JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The YAML parser recurses, and runs out of stack (reporting it as its error) on nesting past a few hundred levels.
    if (/Maximum call stack size exceeded/.test(message)) throw tooDeep();
    throw badRequest(`the body of the request could not be decoded: ${message}`);
  }
  // Every walk after this (copies, comparisons, patches, JSON.stringify) recurses: the depth is bounded here.
  if (deeperThan(value, MAX_JSON_DEPTH)) throw tooDeep();
  return value;
}

function parseSelectors(resource: ResourceType, query: URLSearchParams): { labels: ReturnType<typeof parseLabelSelector>; fields: FieldRequirement[] } {
  try {
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = parseFieldSelector(query.get('fieldSelector'));
    for (const f of fields) {
      const allowed = f.field === 'metadata.name' || (f.field === 'metadata.namespace' && resource.namespaced) || (resource.builtin && builtinField(resource, f.field));
      if (!allowed) throw new ApiError(400, 'BadRequest', `field label not supported: ${f.field}`);
    }
    return { labels, fields };
  } catch (error) {
    if (error instanceof SelectorError) throw badRequest(`unable to parse requirement: ${error.message}`);
    throw error;
  }
}

/** The extra selectable fields of the built-ins (events: involvedObject.*, reason, type, source; secrets: type). */
function builtinField(t: ResourceType, field: string): boolean {
  if (t.kind === 'Event') return field.startsWith('involvedObject.') || ['reason', 'type', 'source', 'reportingComponent'].includes(field);
  if (t.kind === 'Secret') return field === 'type';
  if (t.kind === 'Namespace') return field === 'status.phase';
  return false;
}

function writeOptions(query: URLSearchParams, extra: Partial<WriteOptions> = {}): WriteOptions {
  const dryRun = query.getAll('dryRun');
  for (const d of dryRun) if (d !== 'All') throw badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  const fieldValidation = query.get('fieldValidation');
  if (fieldValidation && !['Ignore', 'Warn', 'Strict'].includes(fieldValidation)) throw badRequest(`fieldValidation: Unsupported value: "${fieldValidation}"`);
  const opts: WriteOptions = { dryRun: dryRun.length > 0, fromClient: true, ...extra };
  const manager = query.get('fieldManager') || fieldManagerFromAgent();
  if (manager) opts.fieldManager = manager;
  return opts;
}

/**
 * Like the real server: no fieldManager means the User-Agent's program name (k8s.io/apiserver
 * pkg/endpoints/handlers/rest.go managerOrUserAgent, prefixFromUserAgent: up to the first '/', printable
 * characters only, at most 128 bytes): `node-fetch/1.0` gives `node-fetch`.
 */
let currentAgent = '';
function fieldManagerFromAgent(): string | undefined {
  let out = '';
  for (const ch of currentAgent.split('/')[0]!) {
    if (/\p{C}/u.test(ch)) continue;
    if (Buffer.byteLength(out + ch) > 128) break;
    out += ch;
  }
  return out || undefined;
}

function includeObject(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

interface ContinueToken { rv: number; after: string }

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof parsed.rv !== 'number' || typeof parsed.after !== 'string') throw new Error('bad token');
    return parsed;
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

export class ResourceHandlers {
  constructor(private readonly store: Store, private readonly watches: WatchHub) {}

  handle(r: ResourceRequest, reply: Reply): void {
    currentAgent = String(r.req.headers['user-agent'] ?? '');
    const { method, name } = r;
    if (method === 'GET' && name) return this.get(r, reply);
    if (method === 'GET') return this.list(r, reply);
    if (method === 'POST' && !name) return this.create(r, reply);
    if (method === 'PUT' && name) return this.replace(r, reply);
    if (method === 'PATCH' && name) return this.patch(r, reply);
    if (method === 'DELETE' && name) return this.remove(r, reply);
    if (method === 'DELETE') return this.removeCollection(r, reply);
    throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }

  private current(r: ResourceRequest): KubeObject {
    const obj = this.store.get(r.resource, r.namespace, r.name!);
    if (!obj) throw notFound(r.resource.plural, r.resource.group, r.name!);
    return obj;
  }

  private single(r: ResourceRequest, obj: KubeObject): unknown {
    const metadata = metadataTarget(r.req.headers.accept);
    if (metadata) return asPartialObject(r.resource, metadata, obj);
    if (!wantsTable(String(r.req.headers.accept ?? ''))) return obj;
    return toTable(r.resource, [obj], includeObject(r.query), { resourceVersion: obj.metadata?.resourceVersion });
  }

  private get(r: ResourceRequest, reply: Reply): void {
    reply(200, this.single(r, this.current(r)));
  }

  private list(r: ResourceRequest, reply: Reply): void {
    const { resource: t, query } = r;
    const { labels, fields } = parseSelectors(t, query);
    const watch = query.get('watch') === 'true' || query.get('watch') === '1';
    const sendInitialEvents = query.get('sendInitialEvents') === 'true';
    const rv = query.get('resourceVersion') ?? undefined;
    const rvMatch = query.get('resourceVersionMatch') ?? undefined;
    if (rv && rv !== '' && !/^\d+$/.test(rv)) throw new ApiError(400, 'BadRequest', `resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
    if (rvMatch && !['NotOlderThan', 'Exact'].includes(rvMatch)) throw badRequest(`resourceVersionMatch: Unsupported value: "${rvMatch}"`);
    if (watch) {
      if (query.get('sendInitialEvents') !== null) {
        if (rvMatch !== 'NotOlderThan') throw new ApiError(422, 'Invalid', 'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
        if (query.get('allowWatchBookmarks') !== 'true') throw new ApiError(422, 'Invalid', 'allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true');
      }
      const accept = String(r.req.headers.accept ?? '');
      const metadata = metadataTarget(accept);
      const timeout = query.get('timeoutSeconds');
      this.watches.serve(r.req, r.res, {
        resource: t, namespace: r.namespace, labels, fields, resourceVersion: rv, sendInitialEvents,
        allowBookmarks: query.get('allowWatchBookmarks') === 'true',
        timeoutSeconds: timeout ? Number(timeout) : undefined,
        table: !metadata && wantsTable(accept) ? { include: includeObject(query) } : undefined,
        // A watch converts each event's object, so it asks for the object form (handlers/watch.go).
        ...(metadata ? { transform: (o: KubeObject) => asPartialObject(t, metadata, o) } : {}),
      });
      return;
    }
    if (sendInitialEvents) throw new ApiError(422, 'Invalid', 'sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list');
    if (rvMatch && !rv) throw new ApiError(422, 'Invalid', 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
    const current = this.store.currentRv();
    if (rv && Number(rv) > current) {
      throw new ApiError(504, 'Timeout', `Too large resource version: ${rv}, current: ${current}`, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] });
    }
    if (rv && rvMatch === 'Exact' && Number(rv) !== current) {
      // The store keeps no snapshots: an exact read of the past is "too old", as after a compaction.
      throw new ApiError(410, 'Expired', `too old resource version: ${rv} (${current})`);
    }

    let listRv = current;
    let after: string | undefined;
    const token = query.get('continue');
    if (token) {
      const c = decodeContinue(token);
      if (c.rv < this.store.oldestServableRv()) {
        throw new ApiError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      listRv = c.rv;
      after = c.after;
    }
    const limit = Number(query.get('limit') ?? 0);
    // Only the page is copied out of the store, not every object of the type.
    const match = labels.length || fields.length ? (o: KubeObject) => matchesLabels(labels, o.metadata?.labels) && matchesFields(fields, o) : undefined;
    const page = this.store.page(t, r.namespace, { after, limit: limit > 0 ? limit : 0, match });
    const items = page.items;
    const meta: Record<string, unknown> = { resourceVersion: String(listRv) };
    if (limit > 0 && page.remaining > 0) {
      const last = items[items.length - 1]!;
      meta.continue = Buffer.from(JSON.stringify({ rv: listRv, after: `${last.metadata.namespace ?? ''}/${last.metadata.name}` } satisfies ContinueToken)).toString('base64url');
      meta.remainingItemCount = page.remaining;
    }
    const metadata = metadataTarget(r.req.headers.accept);
    if (metadata) return reply(200, asPartialList(t, metadata, meta, items));
    if (wantsTable(String(r.req.headers.accept ?? ''))) return reply(200, toTable(t, items, includeObject(query), meta));
    reply(200, { apiVersion: apiVersionOf(t), kind: `${t.kind}List`, metadata: meta, items });
  }

  private create(r: ResourceRequest, reply: Reply): void {
    if (r.subresource) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const body = this.objectBody(r);
    const opts = writeOptions(r.query);
    const warnings = decodeObject(r.resource, body, { verb: 'create', directive: fieldValidationOf(r.query), json: jsonText(r) });
    reply(201, this.store.create(r.resource, r.namespace, body, opts), warnings);
  }

  private objectBody(r: ResourceRequest): KubeObject {
    // A custom resource's handler lists protobuf too, and then cannot decode it (decodeProtobufBody says so).
    const protobuf = speaksProtobuf(r.resource) || !r.resource.builtin ? [PROTOBUF] : [];
    const body = decodeBody(r.req, r.body, [MEDIA.json, MEDIA.yaml, ...protobuf], (b) => decodeProtobufBody(b, r.resource));
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the request body must be a JSON object');
    const obj = body as KubeObject;
    // Typed clients (client-node's CoreV1Api) omit apiVersion/kind: the URL decides, as on a real server.
    if (obj.kind !== undefined && obj.kind !== r.resource.kind) throw badRequest(`the kind of the body (${obj.kind}) does not match the resource (${r.resource.kind})`);
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(r.resource)) throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(r.resource)})`);
    return obj;
  }

  private replace(r: ResourceRequest, reply: Reply): void {
    const body = this.objectBody(r);
    const opts = { ...writeOptions(r.query), subresource: r.subresource, requireRv: !r.resource.builtin };
    const warnings = decodeObject(r.resource, body, { verb: 'update', directive: fieldValidationOf(r.query), json: jsonText(r) });
    const { object } = this.store.update(r.resource, r.namespace, r.name!, body, opts);
    reply(200, object, warnings);
  }

  private patch(r: ResourceRequest, reply: Reply): void {
    const t = r.resource;
    const type = mediaType(r.req);
    const accepted = [MEDIA.jsonPatch, MEDIA.merge, MEDIA.apply, ...(t.builtin ? [MEDIA.strategic] : [])];
    if (!accepted.includes(type)) decodeBody(r.req, r.body, accepted);
    if (type === MEDIA.apply) return this.apply(r, reply);
    const patch = decodeBody(r.req, r.body, accepted) as Json;
    const current = this.current(r);
    let patched: Json;
    try {
      if (type === MEDIA.jsonPatch) patched = jsonPatch(current as Json, patch);
      else if (type === MEDIA.merge) patched = mergePatch(current as Json, patch);
      else patched = strategicMergePatch(current as Json, patch);
    } catch (error) {
      if (error instanceof PatchError) throw patchFailure(t, r.name!, error);
      throw error;
    }
    if (!patched || typeof patched !== 'object' || Array.isArray(patched)) throw badRequest('the patch result is not an object');
    const opts = { ...writeOptions(r.query), subresource: r.subresource };
    const warnings = decodeObject(t, patched as KubeObject, { verb: 'patch', directive: fieldValidationOf(r.query) });
    const { object } = this.store.update(t, r.namespace, r.name!, patched as KubeObject, opts);
    reply(200, object, warnings);
  }

  /**
   * Server-side apply: fieldManager is required; a missing object is created (201). Ownership, pruning and
   * conflicts are managed-fields.ts applyConfiguration; the store only keeps its result.
   */
  private apply(r: ResourceRequest, reply: Reply): void {
    const t = r.resource;
    if (!r.query.get('fieldManager')) {
      throw new ApiError(400, 'BadRequest', 'PATCH requests with apply content type require a fieldManager: fieldManager: Required value: is required for apply patch');
    }
    const force = r.query.get('force');
    if (force !== null && force !== 'true' && force !== 'false') throw badRequest(`force: Invalid value: "${force}"`);
    const intent = decodeBody(r.req, r.body, [MEDIA.apply]) as KubeObject;
    if (!intent || typeof intent !== 'object' || Array.isArray(intent)) throw badRequest('the apply body must be an object');
    if (intent.apiVersion !== apiVersionOf(t) || intent.kind !== t.kind) throw badRequest(`apply body must have apiVersion "${apiVersionOf(t)}" and kind "${t.kind}"`);
    if (intent.metadata?.name !== undefined && intent.metadata.name !== r.name) throw badRequest(`the name of the object (${intent.metadata.name}) does not match the name on the URL (${r.name})`);
    checkApplyIntent(t, intent, r.namespace, r.name!);
    const current = this.store.get(t, r.namespace, r.name!);
    if (!current && r.subresource) throw notFound(t.plural, t.group, r.name!);
    if (current && intent.metadata?.resourceVersion && intent.metadata.resourceVersion !== current.metadata.resourceVersion) throw conflict(t, r.name!);
    // A missing object is applied to the empty object of its type (handlers/patch.go with createIfNotFound).
    const live = current ?? { apiVersion: apiVersionOf(t), kind: t.kind, metadata: {} };
    const { object, managedFields } = applyConfiguration({
      type: { kind: t.kind, apiVersion: apiVersionOf(t), statusSubresource: t.statusSubresource },
      live, config: intent, manager: r.query.get('fieldManager')!, force: force === 'true', subresource: r.subresource,
    });
    const opts = writeOptions(r.query, { subresource: r.subresource, appliedManagedFields: managedFields ?? null });
    if (!current) {
      object.metadata = { ...(object.metadata ?? {}), name: r.name };
      decodeObject(t, object, { verb: 'create', directive: 'Ignore' });
      return reply(201, this.store.create(t, r.namespace, object, opts));
    }
    object.metadata.resourceVersion = current.metadata.resourceVersion;
    decodeObject(t, object, { verb: 'patch', directive: 'Ignore' });
    reply(200, this.store.update(t, r.namespace, r.name!, object, opts).object);
  }

  private deleteOptions(r: ResourceRequest): { dryRun: boolean; preconditions?: { uid?: string; resourceVersion?: string } } {
    let options: KubeObject = {};
    if (r.body.length && r.body.toString('utf8').trim()) options = decodeBody(r.req, r.body, [MEDIA.json, MEDIA.yaml, PROTOBUF], decodeProtobufDeleteOptions) as KubeObject;
    const dryRun = r.query.getAll('dryRun').includes('All') || (Array.isArray(options?.dryRun) && options.dryRun.includes('All'));
    return { dryRun, preconditions: options?.preconditions };
  }

  private remove(r: ResourceRequest, reply: Reply): void {
    if (r.subresource) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const t = r.resource;
    const { object, pending } = this.store.delete(t, r.namespace, r.name!, this.deleteOptions(r));
    if (pending) return reply(200, object);
    reply(200, { ...status(200, undefined, ''), details: { name: r.name, group: t.group, kind: t.plural, uid: object.metadata?.uid } });
  }

  private removeCollection(r: ResourceRequest, reply: Reply): void {
    const t = r.resource;
    const { labels, fields } = parseSelectors(t, r.query);
    const opts = this.deleteOptions(r);
    const items = this.store.list(t, r.namespace).filter((o) => matchesLabels(labels, o.metadata?.labels) && matchesFields(fields, o));
    const deleted = items.map((o) => this.store.delete(t, o.metadata.namespace, o.metadata.name, { dryRun: opts.dryRun }).object);
    reply(200, { apiVersion: apiVersionOf(t), kind: `${t.kind}List`, metadata: { resourceVersion: String(this.store.currentRv()) }, items: deleted });
  }
}

function patchFailure(t: ResourceType, name: string, error: PatchError): ApiError {
  if (error.code === 400) return badRequest(error.message);
  if (error.code === 413) return entityTooLarge(error.message);
  return new ApiError(422, 'Invalid', `${t.kind} "${name}" is invalid: the server rejected our request due to an error in our request: ${error.message}`, { name, group: t.group, kind: t.kind });
}
