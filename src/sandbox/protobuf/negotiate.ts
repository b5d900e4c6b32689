/**
 * Protobuf on the sandbox's resource URLs, negotiated as kube-apiserver negotiates it
 * (kubernetes/apiserver pkg/endpoints/handlers/negotiation/negotiate.go, handlers/rest.go):
 * - bodies: a built-in type with a message in messages.ts is decoded; a custom resource's protobuf body is
 *   accepted by the negotiation (the CRD handler lists protobuf, kubernetes/apiextensions-apiserver
 *   pkg/apiserver/customresource_handler.go) and then fails to decode into an Unstructured, a 400;
 * - answers: the Accept header's clauses, by q, then in order; a clause without `as=` may pick protobuf only
 *   for a built-in type (a CRD's StandardSerializers leave protobuf out), and errors (Status) may always.
 */
import { deeperThan, MAX_JSON_DEPTH } from '../limits';
import type { ResourceType } from '../registry';
import { ApiError, badRequest } from '../status';
import { decodeEnvelope, decodeObject, type Envelope } from './codec';
import { deleteOptions, messageFor, type Message } from './messages';
import { ProtobufError } from './wire';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** The media types of the legacy scheme's codecs and of a CRD's serializer, in their order: what 406 and 415 list. */
const SERVED = ['application/json', 'application/yaml', PROTOBUF];

export type OutputFormat = 'json' | 'protobuf';

/** The built-in type has protobuf messages here (objects and lists). */
export const speaksProtobuf = (t: ResourceType) => t.builtin && messageFor(t.group ? `${t.group}/${t.version}` : t.version, t.kind) !== undefined;

interface Clause { type: string; subtype: string; q: number; params: Map<string, string>; specificity: number }

/** Accept's clauses ordered like goautoneg.ParseAccept: by q, then the more specific first, then as written. */
function parseAccept(header: string): Clause[] {
  const clauses: Clause[] = [];
  for (const part of header.split(',')) {
    const [range, ...rest] = part.split(';').map((s) => s.trim());
    if (!range) continue;
    const [type = '', subtype = ''] = range.toLowerCase().split('/');
    if (!type || !subtype) continue;
    const params = new Map<string, string>();
    let q = 1;
    for (const p of rest) {
      const eq = p.indexOf('=');
      const key = (eq < 0 ? p : p.slice(0, eq)).trim();
      const value = eq < 0 ? '' : p.slice(eq + 1).trim();
      if (key === 'q') q = Number(value);
      else if (key) params.set(key, value);
    }
    if (!(q > 0)) continue;
    clauses.push({ type, subtype, q, params, specificity: type === '*' ? 0 : subtype === '*' ? 1 : 2 });
  }
  return clauses.map((c, i) => ({ c, i })).sort((a, b) => b.c.q - a.c.q || b.c.specificity - a.c.specificity || a.i - b.i).map(({ c }) => c);
}

const matches = (c: Clause, media: string) => {
  const [type, subtype] = media.split('/');
  return (c.type === type && (c.subtype === subtype || c.subtype === '*')) || (c.type === '*' && c.subtype === '*');
};

/**
 * The first served media type the header accepts, protobuf only when `protobufAllowed`; undefined when none.
 * Clauses converting to another kind (`as=Table`, …) are left to the Table code, which answers in JSON.
 */
function negotiate(accept: string, protobufAllowed: boolean): OutputFormat | undefined {
  if (!accept.trim()) return 'json';
  for (const clause of parseAccept(accept)) {
    if (clause.params.has('as')) return 'json';
    for (const media of SERVED) {
      if (!matches(clause, media)) continue;
      if (media === PROTOBUF && !protobufAllowed) continue;
      return media === PROTOBUF ? 'protobuf' : 'json';
    }
  }
  return undefined;
}

const notAcceptable = () => new ApiError(406, 'NotAcceptable', `only the following media types are accepted: ${SERVED.join(', ')}`);

/**
 * The format of a resource URL's answers. 406 when the header accepts none of the served types, or only
 * protobuf for a type that cannot be written in it: a custom resource (as upstream) or a built-in without
 * a message here (a limit of the sandbox).
 */
export function resourceOutput(accept: string | undefined, t: ResourceType): OutputFormat {
  const format = negotiate(accept ?? '', speaksProtobuf(t));
  if (!format) throw notAcceptable();
  return format;
}

/** The format of a Status: errors are written with the request's preference whatever the resource (responsewriters.ErrorNegotiated). */
export function statusOutput(accept: string | undefined): OutputFormat {
  return negotiate(accept ?? '', true) ?? 'json';
}

/** handlers/rest.go transformDecodeError: names the kind the body claims, or summarizes the body when none. */
function decodeFailure(t: ResourceType, body: Uint8Array, envelope: Envelope | undefined, error: unknown): ApiError {
  const reason = error instanceof Error ? error.message : String(error);
  if (envelope) {
    const kind = envelope.kind || t.kind;
    const version = (envelope.apiVersion || t.version).split('/').pop();
    return badRequest(`${kind} in version ${JSON.stringify(version)} cannot be handled as a ${t.kind}: ${reason}`);
  }
  const hex = Buffer.from(body.subarray(0, 30)).toString('hex');
  return badRequest(`the object provided is unrecognized (must be of type ${t.kind}): ${reason} (${body.length ? `${hex}${body.length > 30 ? ' ...' : ''}` : '<empty>'})`);
}

/** A protobuf request body for resource `t` as the object the JSON decoder would give, or a 400. */
export function decodeProtobufBody(body: Uint8Array, t: ResourceType): Record<string, unknown> {
  let envelope: Envelope | undefined;
  try {
    envelope = decodeEnvelope(body);
    if (!t.builtin) {
      // The CRD handler decodes into an *unstructured.Unstructured, which has no protobuf form.
      throw new ProtobufError('object *unstructured.Unstructured does not implement the protobuf marshalling interface and cannot be encoded to a protobuf message');
    }
    const message: Message | undefined = messageFor(envelope.apiVersion, envelope.kind);
    if (!message) throw new ProtobufError(`no kind ${JSON.stringify(envelope.kind)} is registered for version ${JSON.stringify(envelope.apiVersion)}`);
    const obj = decodeObject(envelope, message);
    // The messages nest a few levels only, but managedFields carry JSON: bounded like a JSON body (resources.ts).
    if (deeperThan(obj, MAX_JSON_DEPTH)) throw new ProtobufError(`exceeded max depth of ${MAX_JSON_DEPTH}`);
    return obj;
  } catch (error) {
    if (error instanceof ProtobufError || error instanceof RangeError) throw decodeFailure(t, body, envelope, error);
    throw error;
  }
}

/** A protobuf DeleteOptions body (its envelope names meta.k8s.io/v1 or the resource's version), or a 400. */
export function decodeProtobufDeleteOptions(body: Uint8Array): Record<string, unknown> {
  try {
    const envelope = decodeEnvelope(body);
    if (envelope.kind !== 'DeleteOptions') throw new ProtobufError(`expected a DeleteOptions, got ${JSON.stringify(envelope.kind)} in version ${JSON.stringify(envelope.apiVersion)}`);
    return decodeObject(envelope, deleteOptions);
  } catch (error) {
    if (error instanceof ProtobufError || error instanceof RangeError) throw badRequest(`the body of the request could not be decoded as DeleteOptions: ${error.message}`);
    throw error;
  }
}
