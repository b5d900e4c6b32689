/**
 * The OpenAPI v2 (Swagger 2.0) document, JSON only, made from the v3 documents: the same definitions with
 * v2's spelling (`#/definitions/` references, int-or-string as `format: int-or-string`, `x-nullable`), and
 * the operations with query and body parameters. kube-apiserver serves it at /openapi/v2; kubectl 1.32 and
 * 1.36 ask for it in protobuf only (client-side apply), which the sandbox does not speak: they get 404 and
 * use v3, as they do from a server without v2.
 */
type Json = Record<string, any>;

function schemaToV2(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(schemaToV2);
  if (!value || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    if (k === '$ref' && typeof v === 'string') out.$ref = v.replace('#/components/schemas/', '#/definitions/');
    else if (k === 'nullable') out['x-nullable'] = v;
    else if (k === 'anyOf' && (value as Json)['x-kubernetes-int-or-string']) {
      out.type = 'string';
      out.format = 'int-or-string';
    } else out[k] = schemaToV2(v);
  }
  return out;
}

function operationToV2(op: Json): Json {
  const parameters = (op.parameters ?? []).map((p: Json) => {
    const { schema, ...rest } = p;
    return { ...rest, ...(schema ?? {}) };
  });
  if (op.requestBody) {
    const content = op.requestBody.content as Json;
    const first = Object.values(content)[0] as Json;
    parameters.push({ name: 'body', in: 'body', required: true, schema: schemaToV2(first.schema) });
  }
  const responses: Json = {};
  for (const [code, r] of Object.entries(op.responses ?? {}) as [string, Json][]) {
    const schema = r.content?.['application/json']?.schema;
    responses[code] = { description: r.description, ...(schema ? { schema: schemaToV2(schema) } : {}) };
  }
  const { requestBody: _b, ...rest } = op;
  return {
    ...rest,
    consumes: op.requestBody ? Object.keys(op.requestBody.content) : ['*/*'],
    produces: ['application/json', 'application/yaml'],
    schemes: ['https'],
    parameters,
    responses,
  };
}

/** One v2 document from the v3 documents of every group version. */
export function swaggerDocument(v3Documents: Json[]): Json {
  const definitions: Json = {};
  const paths: Json = {};
  for (const doc of v3Documents) {
    for (const [name, schema] of Object.entries(doc.components.schemas as Json)) definitions[name] = schemaToV2(schema);
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      const v2: Json = {};
      for (const [key, value] of Object.entries(item as Json)) {
        if (key === 'parameters') v2.parameters = (value as Json[]).map((p) => {
          const { schema, ...rest } = p;
          return { ...rest, ...(schema ?? {}) };
        });
        else v2[key] = operationToV2(value as Json);
      }
      paths[path] = v2;
    }
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0-ibgu-sandbox' }, paths, definitions };
}
