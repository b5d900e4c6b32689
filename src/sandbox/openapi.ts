/**
 * OpenAPI documents generated from the registry and the core schemas: v3 per group version (what kubectl
 * reads for `explain`, for `apply`, and to see that the server validates fields) and one v2 document (JSON)
 * for older tools. Every kind is described to its leaves by the same schema the sandbox validates with, in
 * the shape kube-apiserver publishes a CRD's schema (apiextensions-apiserver `pkg/controller/openapi/builder`):
 * x-kubernetes-* extensions kept, metadata as a reference to ObjectMeta.
 */
import { createHash } from 'node:crypto';
import type { Schema as CoreSchema } from '../core/schema/types';
import { objectMeta } from '../core/schema/meta';
import { apiVersionOf, groupVersionPath, type ApiTypes, type ResourceType } from './registry';
import { swaggerDocument } from './openapi-v2';

type Schema = Record<string, unknown>;

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
const PATCH = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';

/** Schema names the way the real server spells them: reversed group, version, kind. */
export function schemaName(t: ResourceType): string {
  if (!t.group) return `io.k8s.api.core.${t.version}.${t.kind}`;
  if (t.group === 'apps') return `io.k8s.api.apps.${t.version}.${t.kind}`;
  if (t.group === 'rbac.authorization.k8s.io') return `io.k8s.api.rbac.${t.version}.${t.kind}`;
  return `${t.group.split('.').reverse().join('.')}.${t.version}.${t.kind}`;
}

/** One schema of our language as OpenAPI v3, with the structural-schema extensions kube-apiserver publishes. */
export function toOpenApi(schema: CoreSchema): Schema {
  const out: Schema = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined) out[key] = value;
  };
  switch (schema.type) {
    case 'object':
      out.type = 'object';
      if (Object.keys(schema.properties).length) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, toOpenApi(v)]));
      if (schema.required?.length) out.required = schema.required;
      if (schema.preserveUnknown) out['x-kubernetes-preserve-unknown-fields'] = true;
      if (schema.embedded) out['x-kubernetes-embedded-resource'] = true;
      set('x-kubernetes-map-type', schema.mapType);
      break;
    case 'map':
      out.type = 'object';
      out.additionalProperties = toOpenApi(schema.values);
      set('maxProperties', schema.maxProperties);
      break;
    case 'array':
      out.type = 'array';
      out.items = toOpenApi(schema.items);
      set('minItems', schema.minItems);
      set('maxItems', schema.maxItems);
      set('x-kubernetes-list-type', schema.listType);
      set('x-kubernetes-list-map-keys', schema.listMapKeys);
      break;
    case 'string':
      out.type = 'string';
      set('format', schema.format === 'duration' ? undefined : schema.format);
      set('enum', schema.enum);
      set('pattern', schema.pattern);
      set('minLength', schema.minLength);
      set('maxLength', schema.maxLength);
      break;
    case 'integer':
    case 'number':
      out.type = schema.type;
      if (schema.type === 'integer') set('format', schema.format);
      set('minimum', schema.minimum);
      set('maximum', schema.maximum);
      break;
    case 'boolean':
      out.type = 'boolean';
      break;
    case 'int-or-string':
      out.anyOf = [{ type: 'integer' }, { type: 'string' }];
      out['x-kubernetes-int-or-string'] = true;
      set('pattern', schema.pattern);
      break;
    case 'any':
      out['x-kubernetes-preserve-unknown-fields'] = true;
      break;
  }
  set('description', schema.description);
  set('default', schema.default);
  if (schema.nullable) out.nullable = true;
  return out;
}

const str = (description: string): Schema => ({ type: 'string', description });
const open = (description: string): Schema => ({ type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true });

function kindSchema(t: ResourceType): Schema {
  const body = toOpenApi(t.schema);
  const properties = { ...(body.properties as Record<string, Schema>) };
  properties.metadata = { allOf: [{ $ref: `#/components/schemas/${OBJECT_META}` }], default: {}, description: "Standard object's metadata." };
  return {
    ...body,
    description: t.schema.description ?? `${t.kind} (${apiVersionOf(t)}).`,
    properties,
    'x-kubernetes-group-version-kind': [{ group: t.group, version: t.version, kind: t.kind }],
  };
}

function listSchema(t: ResourceType): Schema {
  return {
    type: 'object',
    required: ['items'],
    description: `${t.kind}List is a list of ${t.kind}.`,
    properties: {
      apiVersion: str('APIVersion of the list.'),
      kind: str('Kind of the list.'),
      metadata: { allOf: [{ $ref: `#/components/schemas/${LIST_META}` }], default: {} },
      items: { type: 'array', items: { allOf: [{ $ref: `#/components/schemas/${schemaName(t)}` }], default: {} } },
    },
    'x-kubernetes-group-version-kind': [{ group: t.group, version: t.version, kind: `${t.kind}List` }],
  };
}

const META_SCHEMAS: Record<string, Schema> = {
  [OBJECT_META]: { ...toOpenApi(objectMeta), description: 'Metadata every stored object has: name, namespace, labels, annotations and what the server sets.' },
  [LIST_META]: { type: 'object', properties: { resourceVersion: str('Version of the list.'), continue: str('Token for the next page.'), remainingItemCount: { type: 'integer', format: 'int64' } } },
  [STATUS]: { type: 'object', properties: { apiVersion: str(''), kind: str(''), status: str(''), message: str(''), reason: str(''), code: { type: 'integer', format: 'int32' }, details: open('') }, 'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Status' }] },
  [PATCH]: { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' },
};

function param(name: string, description: string, type = 'string'): Schema {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

const PARAMS = {
  dryRun: param('dryRun', 'When present, indicates that modifications should not be persisted.'),
  fieldManager: param('fieldManager', 'A name associated with the actor or entity that is making these changes.'),
  fieldValidation: param('fieldValidation', 'Instructs the server how to handle objects with unknown or duplicate fields: Ignore, Warn or Strict.'),
  force: param('force', 'Force is going to "force" Apply requests.', 'boolean'),
  labelSelector: param('labelSelector', 'A selector to restrict the list of returned objects by their labels.'),
  fieldSelector: param('fieldSelector', 'A selector to restrict the list of returned objects by their fields.'),
  limit: param('limit', 'Maximum number of responses to return for a list call.', 'integer'),
  continue: param('continue', 'The continue option should be set when retrieving more results from the server.'),
  resourceVersion: param('resourceVersion', 'Constrains which resource versions a request may be served from.'),
  resourceVersionMatch: param('resourceVersionMatch', 'Determines how resourceVersion is applied to list calls.'),
  watch: param('watch', 'Watch for changes to the described resources.', 'boolean'),
  timeoutSeconds: param('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  allowWatchBookmarks: param('allowWatchBookmarks', 'Requests watch events with type "BOOKMARK".', 'boolean'),
  sendInitialEvents: param('sendInitialEvents', 'Sends synthetic ADDED events for the current state, then a bookmark.', 'boolean'),
};

function ref(name: string): Schema {
  return { $ref: `#/components/schemas/${name}` };
}

function jsonContent(schema: Schema): Schema {
  return { content: { 'application/json': { schema }, 'application/yaml': { schema } } };
}

function operation(t: ResourceType, action: string, verb: string, extra: Schema): Schema {
  const scope = t.namespaced ? 'Namespaced' : '';
  const opName = { get: 'read', list: 'list', post: 'create', put: 'replace', patch: 'patch', delete: 'delete', deletecollection: 'deletecollection' }[verb] ?? verb;
  return {
    tags: [apiVersionOf(t).replace(/[./]/g, '_')],
    operationId: `${opName}${scope}${t.kind}${action === 'status' ? 'Status' : ''}`,
    'x-kubernetes-action': verb,
    'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind },
    ...extra,
    responses: { '200': { description: 'OK', ...jsonContent(ref(verb === 'list' || verb === 'deletecollection' ? (verb === 'list' ? `${schemaName(t)}List` : STATUS) : schemaName(t))) }, '401': { description: 'Unauthorized' } },
  };
}

function pathsFor(t: ResourceType): Record<string, Schema> {
  const base = groupVersionPath(t) + (t.namespaced ? '/namespaces/{namespace}' : '');
  const pathParams: Schema[] = [
    ...(t.namespaced ? [{ name: 'namespace', in: 'path', required: true, description: 'object name and auth scope', schema: { type: 'string', uniqueItems: true } }] : []),
  ];
  const nameParam = { name: 'name', in: 'path', required: true, description: `name of the ${t.kind}`, schema: { type: 'string', uniqueItems: true } };
  const body = { requestBody: { required: true, ...jsonContent(ref(schemaName(t))) } };
  const patchBody = {
    requestBody: {
      required: true,
      content: Object.fromEntries(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml', ...(t.builtin ? ['application/strategic-merge-patch+json'] : [])].map((m) => [m, { schema: ref(PATCH) }])),
    },
  };
  const writeParams = [PARAMS.dryRun, PARAMS.fieldManager, PARAMS.fieldValidation];
  const paths: Record<string, Schema> = {
    [`${base}/${t.plural}`]: {
      parameters: pathParams,
      get: operation(t, '', 'list', { parameters: [PARAMS.labelSelector, PARAMS.fieldSelector, PARAMS.limit, PARAMS.continue, PARAMS.resourceVersion, PARAMS.resourceVersionMatch, PARAMS.watch, PARAMS.timeoutSeconds, PARAMS.allowWatchBookmarks, PARAMS.sendInitialEvents] }),
      post: operation(t, '', 'post', { parameters: writeParams, ...body }),
      delete: operation(t, '', 'deletecollection', { parameters: [PARAMS.labelSelector, PARAMS.fieldSelector, PARAMS.dryRun] }),
    },
    [`${base}/${t.plural}/{name}`]: {
      parameters: [nameParam, ...pathParams],
      get: operation(t, '', 'get', {}),
      put: operation(t, '', 'put', { parameters: writeParams, ...body }),
      patch: operation(t, '', 'patch', { parameters: [...writeParams, PARAMS.force], ...patchBody }),
      delete: operation(t, '', 'delete', { parameters: [PARAMS.dryRun] }),
    },
  };
  if (t.statusSubresource) {
    paths[`${base}/${t.plural}/{name}/status`] = {
      parameters: [nameParam, ...pathParams],
      get: operation(t, 'status', 'get', {}),
      put: operation(t, 'status', 'put', { parameters: writeParams, ...body }),
      patch: operation(t, 'status', 'patch', { parameters: [...writeParams, PARAMS.force], ...patchBody }),
    };
  }
  return paths;
}

export function groupVersionDocument(types: ApiTypes, group: string, version: string): Schema | undefined {
  const gv = types.groupVersions().find((g) => g.group === group && g.version === version);
  if (!gv) return undefined;
  const schemas: Record<string, Schema> = { ...META_SCHEMAS };
  let paths: Record<string, Schema> = {};
  for (const t of gv.types) {
    schemas[schemaName(t)] = kindSchema(t);
    schemas[`${schemaName(t)}List`] = listSchema(t);
    paths = { ...paths, ...pathsFor(t) };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0-ibgu-sandbox' }, paths, components: { schemas } };
}

/** Serialized documents with their content hashes, computed once: the registry never changes at run time. */
export class OpenApiCache {
  private readonly docs = new Map<string, { body: string; hash: string }>();
  private v2Body?: string;

  constructor(private readonly types: ApiTypes) {
    for (const gv of types.groupVersions()) {
      const body = JSON.stringify(groupVersionDocument(types, gv.group, gv.version));
      this.docs.set(groupVersionPath(gv).slice(1), { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() });
    }
  }

  index(): string {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [path, doc] of this.docs) paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${doc.hash}` };
    return JSON.stringify({ paths });
  }

  /** The OpenAPI v2 document (JSON), made on first request. */
  v2(): string {
    return (this.v2Body ??= JSON.stringify(swaggerDocument(this.types.groupVersions().map((gv) => groupVersionDocument(this.types, gv.group, gv.version)!))));
  }

  /** `path` is e.g. "api/v1" or "apis/lcm.openshift.io/v1alpha1". */
  document(path: string): { body: string; hash: string } | undefined {
    return this.docs.get(path);
  }
}
