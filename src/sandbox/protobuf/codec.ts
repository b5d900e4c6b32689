/**
 * Kubernetes objects to and from protobuf, driven by the message tables of messages.ts, and the envelope
 * every protobuf body travels in: the magic "k8s\0" and a runtime.Unknown {typeMeta = 1 {apiVersion = 1,
 * kind = 2}, raw = 2, contentEncoding = 3, contentType = 4} (kubernetes/apimachinery
 * pkg/runtime/generated.proto; the magic is protoEncodingPrefix in pkg/runtime/serializer/protobuf/protobuf.go).
 *
 * Decoding gives the object as the JSON decoder would: Go's zero values (empty strings, 0, false, empty maps)
 * are left out, since every such field is `omitempty`, except pointer fields, which keep what was sent.
 */
import { type Field, type Message, messageFor } from './messages';
import { ProtobufError, Reader, WireType, Writer } from './wire';

export const PROTOBUF_MAGIC = Uint8Array.from([0x6b, 0x38, 0x73, 0x00]);

type JsonObject = Record<string, unknown>;

const goFieldName = (json: string) => ({ apiVersion: 'APIVersion', uid: 'UID', fieldsV1: 'FieldsV1' })[json] ?? json[0]!.toUpperCase() + json.slice(1);

const wireOf = (field: Field): WireType =>
  typeof field.type === 'string' && field.type !== 'string' && field.type !== 'bytes' && field.type !== 'time' && field.type !== 'fieldsV1' ? WireType.Varint : WireType.Bytes;

// ---- decoding ------------------------------------------------------------------------------------------

function decodeTime(bytes: Uint8Array): string | undefined {
  // metav1.Time: an empty message is the zero time (JSON null); nanoseconds are dropped (time_proto.go).
  if (!bytes.length) return undefined;
  const r = new Reader(bytes);
  let seconds = 0;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WireType.Varint) seconds = r.int64();
    else if (field === 2 && wire === WireType.Varint) r.int32();
    else if (field <= 2) throw new ProtobufError(`proto: wrong wireType = ${wire} for field ${field === 1 ? 'Seconds' : 'Nanos'}`);
    else r.skip(wire);
  }
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) throw new ProtobufError(`proto: Time: seconds ${seconds} out of range`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function decodeFieldsV1(bytes: Uint8Array): unknown {
  const r = new Reader(bytes);
  let raw: Uint8Array = new Uint8Array();
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WireType.Bytes) raw = r.bytes();
    else if (field === 1) throw new ProtobufError(`proto: wrong wireType = ${wire} for field Raw`);
    else r.skip(wire);
  }
  try {
    return JSON.parse(new TextDecoder().decode(raw));
  } catch (error) {
    throw new ProtobufError(`metadata.managedFields: fieldsV1 is not JSON: ${(error as Error).message}`);
  }
}

function decodeMapEntry(bytes: Uint8Array, values: 'string' | 'bytes'): [string, string] {
  const r = new Reader(bytes);
  let key = '';
  let value = '';
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WireType.Bytes) key = r.string();
    else if (field === 2 && wire === WireType.Bytes) value = values === 'string' ? r.string() : Buffer.from(r.bytes()).toString('base64');
    else if (field <= 2) throw new ProtobufError(`proto: wrong wireType = ${wire} for map entry field ${field}`);
    else r.skip(wire);
  }
  return [key, value];
}

function decodeValue(r: Reader, field: Field): unknown {
  const t = field.type;
  switch (t) {
    case 'string': return r.string();
    case 'bytes': return Buffer.from(r.bytes()).toString('base64');
    case 'int64': return r.int64();
    case 'int32': return r.int32();
    case 'bool': return r.bool();
    case 'time': return decodeTime(r.bytes());
    case 'fieldsV1': return decodeFieldsV1(r.bytes());
    default: return 'map' in t ? decodeMapEntry(r.bytes(), t.map) : decodeMessage(r.bytes(), t.message);
  }
}

const isZero = (v: unknown) => v === undefined || v === '' || v === 0 || v === false || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

export function decodeMessage(bytes: Uint8Array, message: Message): JsonObject {
  const byNumber = new Map(message.fields.map((fd) => [fd.no, fd]));
  const out: JsonObject = {};
  const r = new Reader(bytes);
  while (!r.done) {
    const { field: no, wire } = r.tag();
    const field = byNumber.get(no);
    // Unknown fields are skipped, as the generated Unmarshal does (skipGenerated).
    if (!field) {
      r.skip(wire);
      continue;
    }
    if (wire !== wireOf(field)) throw new ProtobufError(`proto: wrong wireType = ${wire} for field ${goFieldName(field.json)}`);
    const value = decodeValue(r, field);
    if (typeof field.type === 'object' && 'map' in field.type) {
      const [key, entry] = value as [string, string];
      ((out[field.json] ??= {}) as Record<string, string>)[key] = entry;
    } else if (field.repeated) {
      ((out[field.json] ??= []) as unknown[]).push(value);
    } else if (typeof field.type === 'object' && typeof out[field.json] === 'object') {
      // A message field sent twice is merged, as proto2 decoders do.
      Object.assign(out[field.json] as JsonObject, value);
    } else {
      out[field.json] = value;
    }
  }
  for (const field of message.fields) {
    if (field.pointer && out[field.json] !== undefined && typeof field.type === 'string') continue;
    if (isZero(out[field.json])) delete out[field.json];
  }
  return out;
}

// ---- encoding ------------------------------------------------------------------------------------------

const asString = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const asInt = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : 0);
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function encodeTime(value: unknown): Uint8Array {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) return new Uint8Array();
  // Timestamp {seconds = 1, nanos = 2}; metav1.Time carries whole seconds only.
  return new Writer().varintField(1, Math.floor(ms / 1000)).varintField(2, 0).finish();
}

function encodeValue(w: Writer, field: Field, value: unknown): void {
  const t = field.type;
  switch (t) {
    case 'string': w.stringField(field.no, asString(value)); return;
    case 'bytes': w.bytesField(field.no, Buffer.from(asString(value), 'base64')); return;
    case 'int64': case 'int32': w.varintField(field.no, asInt(value)); return;
    case 'bool': w.varintField(field.no, value === true); return;
    case 'time': w.bytesField(field.no, encodeTime(value)); return;
    case 'fieldsV1': w.bytesField(field.no, new Writer().bytesField(1, new TextEncoder().encode(JSON.stringify(value ?? {}))).finish()); return;
    default:
      if ('message' in t) w.bytesField(field.no, encodeMessage(isObject(value) ? value : {}, t.message));
  }
}

export function encodeMessage(obj: JsonObject, message: Message): Uint8Array {
  const w = new Writer();
  for (const field of message.fields) {
    const value = obj[field.json];
    const t = field.type;
    if (typeof t === 'object' && 'map' in t) {
      if (!isObject(value)) continue;
      // gogo writes map entries sorted by key, each with both key and value.
      for (const key of Object.keys(value).sort()) {
        const entry = new Writer().stringField(1, key);
        if (t.map === 'bytes') entry.bytesField(2, Buffer.from(asString(value[key]), 'base64'));
        else entry.stringField(2, asString(value[key]));
        w.bytesField(field.no, entry.finish());
      }
    } else if (field.repeated) {
      if (Array.isArray(value)) for (const item of value) encodeValue(w, field, item);
    } else if (!(field.pointer && (value === undefined || value === null))) {
      encodeValue(w, field, value);
    }
  }
  return w.finish();
}

// ---- the envelope --------------------------------------------------------------------------------------

export interface Envelope { apiVersion: string; kind: string; raw: Uint8Array }

const EXPECTED_PREFIX = `[${[...PROTOBUF_MAGIC].join(' ')}]`;

/** The envelope of a protobuf body; errors worded as pkg/runtime/serializer/protobuf/protobuf.go's Decode. */
export function decodeEnvelope(body: Uint8Array): Envelope {
  if (!body.length) throw new ProtobufError('empty data');
  if (body.length < PROTOBUF_MAGIC.length || PROTOBUF_MAGIC.some((b, i) => body[i] !== b)) {
    throw new ProtobufError(`provided data does not appear to be a protobuf message, expected prefix ${EXPECTED_PREFIX}`);
  }
  if (body.length === PROTOBUF_MAGIC.length) throw new ProtobufError('empty body');
  const r = new Reader(body.subarray(PROTOBUF_MAGIC.length));
  const envelope: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array() };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field >= 1 && field <= 4 && wire !== WireType.Bytes) throw new ProtobufError(`proto: wrong wireType = ${wire} for field ${['TypeMeta', 'Raw', 'ContentEncoding', 'ContentType'][field - 1]}`);
    if (field === 1) {
      const meta = new Reader(r.bytes());
      while (!meta.done) {
        const t = meta.tag();
        if (t.field <= 2 && t.wire !== WireType.Bytes) throw new ProtobufError(`proto: wrong wireType = ${t.wire} for field ${t.field === 1 ? 'APIVersion' : 'Kind'}`);
        if (t.field === 1) envelope.apiVersion = meta.string();
        else if (t.field === 2) envelope.kind = meta.string();
        else meta.skip(t.wire);
      }
    } else if (field === 2) envelope.raw = r.bytes();
    else r.skip(wire);
  }
  return envelope;
}

/** The object as a protobuf body, or undefined when its apiVersion and kind have no message here. */
export function encodeObject(obj: unknown): Uint8Array | undefined {
  if (!isObject(obj) || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return undefined;
  const message = messageFor(obj.apiVersion, obj.kind);
  if (!message) return undefined;
  const typeMeta = new Writer().stringField(1, obj.apiVersion).stringField(2, obj.kind).finish();
  // The real server writes contentEncoding and contentType too, empty (runtime.Unknown's non-pointer strings).
  const unknown = new Writer().bytesField(1, typeMeta).bytesField(2, encodeMessage(obj, message)).stringField(3, '').stringField(4, '');
  return new Writer().raw(PROTOBUF_MAGIC).raw(unknown.finish()).finish();
}

/** A protobuf body as the object the JSON decoder would have given, apiVersion and kind from its envelope. */
export function decodeObject(envelope: Envelope, message: Message): JsonObject {
  return { apiVersion: envelope.apiVersion, kind: envelope.kind, ...decodeMessage(envelope.raw, message) };
}
