// Decodes Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`) into the plain JSON
// form of the same object, so the rest of the server never sees protobuf.
//
// Envelope: the 4 magic bytes `k8s\0`, then a runtime.Unknown message
//   { 1: typeMeta { 1: apiVersion, 2: kind }, 2: raw (the object's own message), 3: contentEncoding, 4: contentType }.
// The object message is decoded with the field tables in schema.ts and shaped the way Go's encoding/json
// would print the typed object (omitempty, pointers, inline structs, Time/Quantity/IntOrString forms).
import { badRequest, unsupportedMediaType } from '../../api/errors.ts';
import { MESSAGES, isScalar, messageForKind, type FieldDef, type MessageDef } from './schema.ts';
import { WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT, WireError, readFields, unpackVarints, type RawField } from './wire.ts';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

/** Why decoding failed: the envelope names a kind we have no schema for, or the bytes are malformed. */
export class ProtobufDecodeError extends Error {
  constructor(
    message: string,
    readonly reason: 'unsupported-kind' | 'malformed',
  ) {
    super(message);
    this.name = 'ProtobufDecodeError';
  }
}

export interface DecodedObject {
  object: Record<string, unknown>;
  apiVersion: string;
  kind: string;
  /** Fields present on the wire that the schema does not know, as `path#fieldNumber` (they are dropped). */
  unknownFields: string[];
}

/** Decodes a protobuf-framed object into its JSON form; throws ProtobufDecodeError. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  return decodeProtobufObjectDetailed(body).object;
}

export function decodeProtobufObjectDetailed(body: Buffer): DecodedObject {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ProtobufDecodeError('the protobuf body does not start with the Kubernetes magic prefix "k8s\\x00"', 'malformed');
  }
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  let contentEncoding = '';
  let contentType = '';
  try {
    for (const f of readFields(body.subarray(MAGIC.length))) {
      if (f.wire !== WIRE_BYTES) continue;
      const v = f.value as Buffer;
      if (f.field === 1) {
        for (const t of readFields(v)) {
          if (t.wire !== WIRE_BYTES) continue;
          if (t.field === 1) apiVersion = (t.value as Buffer).toString('utf8');
          else if (t.field === 2) kind = (t.value as Buffer).toString('utf8');
        }
      } else if (f.field === 2) raw = v;
      else if (f.field === 3) contentEncoding = v.toString('utf8');
      else if (f.field === 4) contentType = v.toString('utf8');
    }
  } catch (err) {
    throw malformed(err);
  }
  if (!kind) throw new ProtobufDecodeError('the protobuf envelope has no kind', 'malformed');
  if (contentEncoding) {
    throw new ProtobufDecodeError(`unsupported content encoding ${JSON.stringify(contentEncoding)} in protobuf envelope`, 'malformed');
  }
  // An envelope may carry another serialization; JSON is the only other one clients use.
  if (contentType && contentType !== PROTOBUF_MEDIA_TYPE) {
    if (contentType.split(';')[0]!.trim() !== 'application/json') {
      throw new ProtobufDecodeError(`unsupported content type ${JSON.stringify(contentType)} in protobuf envelope`, 'malformed');
    }
    let obj: unknown;
    try {
      obj = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw malformed(err);
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new ProtobufDecodeError('embedded JSON is not an object', 'malformed');
    return { object: withTypeMeta(obj as Record<string, unknown>, apiVersion, kind), apiVersion, kind, unknownFields: [] };
  }

  const message = messageForKind(apiVersion, kind);
  if (!message) {
    throw new ProtobufDecodeError(
      `no protobuf schema for ${apiVersion ? `${apiVersion}, Kind=${kind}` : `Kind=${kind}`}; send it as application/json`,
      'unsupported-kind',
    );
  }
  const unknownFields: string[] = [];
  let object: Record<string, unknown>;
  try {
    object = decodeMessage(raw, message, '', unknownFields);
  } catch (err) {
    throw malformed(err);
  }
  return { object: withTypeMeta(object, apiVersion, kind), apiVersion, kind, unknownFields };
}

/** What to do with fields on the wire that the schema does not know. */
export interface RequestDecodeOptions {
  /** Reject the body (400) instead of dropping unknown fields. */
  strict?: boolean;
  /** Called once per dropped field (e.g. to emit a `Warning:` header), as `unknown field "path#number"`. */
  warn?: (message: string) => void;
}

/**
 * For the HTTP layer: decode a request body or throw the StatusError the API server would answer with
 * (415 for kinds without a schema, 400 for malformed bytes). Unknown fields are dropped by default, as
 * upstream's protobuf decoder does.
 */
export function decodeProtobufRequestBody(body: Buffer | undefined, opts: RequestDecodeOptions = {}): Record<string, unknown> {
  if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest('the body of the request was empty');
  let decoded: DecodedObject;
  try {
    decoded = decodeProtobufObjectDetailed(body);
  } catch (err) {
    if (err instanceof ProtobufDecodeError) {
      // No schema for this kind: the client can resend it as JSON or YAML.
      if (err.reason === 'unsupported-kind') throw unsupportedMediaType(['application/json', 'application/yaml', PROTOBUF_MEDIA_TYPE]);
      throw badRequest(`the object provided is unrecognized: ${err.message}`);
    }
    throw err;
  }
  if (decoded.unknownFields.length > 0) {
    const fields = decoded.unknownFields.map((f) => `unknown field "${f}"`);
    if (opts.strict) throw badRequest(`strict decoding error: ${fields.join(', ')}`);
    for (const f of fields) opts.warn?.(f);
  }
  return decoded.object;
}

function withTypeMeta(obj: Record<string, unknown>, apiVersion: string, kind: string): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return { ...(apiVersion ? { apiVersion } : {}), kind, ...rest };
}

function malformed(err: unknown): ProtobufDecodeError {
  if (err instanceof ProtobufDecodeError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new ProtobufDecodeError(`malformed protobuf: ${msg}`, 'malformed');
}

// ---------------------------------------------------------------------------------------------------
// Message decoding.

function decodeMessage(buf: Buffer, message: string, path: string, unknown: string[]): Record<string, unknown> {
  const def = MESSAGES[message];
  if (!def) throw new Error(`internal: no schema for message ${message}`);
  const byField = new Map<number, RawField[]>();
  for (const f of readFields(buf)) {
    if (!def.has(f.field)) {
      unknown.push(`${path || '<root>'}#${f.field}`);
      continue;
    }
    let list = byField.get(f.field);
    if (!list) byField.set(f.field, (list = []));
    list.push(f);
  }
  const out: Record<string, unknown> = {};
  for (const [num, fd] of def) {
    const occurrences = byField.get(num) ?? [];
    const fieldPath = fd.inline ? path : path ? `${path}.${fd.name}` : fd.name;
    if (fd.inline) {
      // Embedded struct: merge its fields (several occurrences of a message merge, as in protobuf).
      if (occurrences.length === 0) continue;
      Object.assign(out, decodeMessage(concatBytes(occurrences, fieldPath), fd.type, fieldPath, unknown));
      continue;
    }
    const value = decodeField(fd, occurrences, fieldPath, unknown);
    if (value !== OMIT) out[fd.name] = value;
  }
  return out;
}

const OMIT = Symbol('omit');

function decodeField(fd: FieldDef, occ: RawField[], path: string, unknown: string[]): unknown {
  if (fd.map) {
    if (occ.length === 0) return OMIT;
    const m: Record<string, unknown> = {};
    for (const o of occ) {
      let key = '';
      let val: unknown = OMIT;
      for (const e of readFields(asBytes(o, path))) {
        if (e.field === 1) key = scalarValue('s', e, `${path} key`) as string;
        else if (e.field === 2) val = singleValue(fd.type, [e], `${path}[${key}]`, unknown);
      }
      m[key] = val === OMIT ? zeroValue(fd.type, path, unknown) : val;
    }
    return m;
  }
  if (fd.repeated) {
    if (occ.length === 0) return OMIT;
    const items: unknown[] = [];
    if (isScalar(fd.type)) {
      for (const o of occ) {
        if (o.wire === WIRE_BYTES && fd.type !== 's' && fd.type !== 'by') {
          // Packed encoding.
          for (const v of unpackPacked(fd.type, o.value as Buffer)) items.push(v);
        } else {
          items.push(scalarValue(fd.type, o, path));
        }
      }
    } else {
      occ.forEach((o, i) => items.push(singleValue(fd.type, [o], `${path}[${i}]`, unknown)));
    }
    return items.length ? items : OMIT;
  }
  if (occ.length === 0) return fd.always ? zeroValue(fd.type, path, unknown) : OMIT;
  if (isScalar(fd.type)) {
    const v = scalarValue(fd.type, occ[occ.length - 1]!, path);
    if (fd.pointer || fd.always) return v;
    return isZero(v) ? OMIT : v;
  }
  return singleValue(fd.type, occ, path, unknown);
}

/** One singular value of scalar, special or message type (message occurrences merge). */
function singleValue(type: string, occ: RawField[], path: string, unknown: string[]): unknown {
  if (isScalar(type)) return scalarValue(type, occ[occ.length - 1]!, path);
  const bytes = concatBytes(occ, path);
  switch (type) {
    case 'T':
      return timeValue(bytes, false);
    case 'MT':
      return timeValue(bytes, true);
    case 'Q':
      return quantityValue(bytes);
    case 'IOS':
      return intOrStringValue(bytes);
    case 'F1':
    case 'RAW':
      return rawJSONValue(bytes, path);
    default:
      return decodeMessage(bytes, type, path, unknown);
  }
}

function zeroValue(type: string, path: string, unknown: string[]): unknown {
  switch (type) {
    case 's':
      return '';
    case 'i32':
    case 'i64':
    case 'f64':
      return 0;
    case 'b':
      return false;
    case 'by':
      return '';
    case 'T':
    case 'MT':
      return null;
    case 'Q':
      return '0';
    case 'IOS':
      return 0;
    case 'F1':
    case 'RAW':
      return null;
    default:
      return decodeMessage(Buffer.alloc(0), type, path, unknown);
  }
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

function asBytes(f: RawField, path: string): Buffer {
  if (f.wire !== WIRE_BYTES) throw new WireError(`${path || 'field'}: expected a length-delimited field, got wire type ${f.wire}`);
  return f.value as Buffer;
}

function concatBytes(occ: RawField[], path: string): Buffer {
  if (occ.length === 1) return asBytes(occ[0]!, path);
  return Buffer.concat(occ.map((o) => asBytes(o, path)));
}

function unpackPacked(type: string, buf: Buffer): unknown[] {
  if (type === 'f64') {
    const out: number[] = [];
    for (let i = 0; i + 8 <= buf.length; i += 8) out.push(buf.readDoubleLE(i));
    return out;
  }
  return unpackVarints(buf).map((v) => intFromVarint(type, v));
}

function intFromVarint(type: string, v: bigint): number | boolean {
  switch (type) {
    case 'i32':
      return Number(BigInt.asIntN(32, v));
    case 'i64':
      return Number(BigInt.asIntN(64, v));
    case 'b':
      return v !== 0n;
    default:
      return Number(v);
  }
}

function scalarValue(type: string, f: RawField, path: string): unknown {
  switch (type) {
    case 's':
      return asBytes(f, path).toString('utf8');
    case 'by':
      return asBytes(f, path).toString('base64');
    case 'i32':
    case 'i64':
    case 'b':
      if (f.wire === WIRE_VARINT || f.wire === WIRE_FIXED64 || f.wire === WIRE_FIXED32) return intFromVarint(type, f.value as bigint);
      throw new WireError(`${path}: expected a varint, got wire type ${f.wire}`);
    case 'f64': {
      if (f.wire !== WIRE_FIXED64) throw new WireError(`${path}: expected a double, got wire type ${f.wire}`);
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(f.value as bigint);
      return b.readDoubleLE(0);
    }
    default:
      throw new Error(`internal: ${type} is not a scalar`);
  }
}

// metav1.Time / MicroTime: { 1: seconds int64, 2: nanos int32 }. An empty message is the zero time,
// which Go prints as null. Time is second-precision in JSON (Go also drops the nanos when decoding);
// MicroTime prints six fractional digits.
function timeValue(buf: Buffer, micro: boolean): string | null {
  if (buf.length === 0) return null;
  let seconds = 0n;
  let nanos = 0;
  for (const f of readFields(buf)) {
    if (f.field === 1 && f.wire === WIRE_VARINT) seconds = BigInt.asIntN(64, f.value as bigint);
    else if (f.field === 2 && f.wire === WIRE_VARINT) nanos = Number(BigInt.asIntN(32, f.value as bigint));
  }
  return formatTime(seconds, micro ? nanos : 0, micro);
}

export function formatTime(seconds: bigint, nanos: number, micro: boolean): string {
  const ms = Number(seconds) * 1000;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new WireError(`time out of range: ${seconds}s`);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const year = d.getUTCFullYear();
  const y = year >= 0 && year <= 9999 ? pad(year, 4) : String(year);
  const base = `${y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (!micro) return `${base}Z`;
  const micros = Math.floor(Math.max(0, Math.min(nanos, 999_999_999)) / 1000);
  return `${base}.${pad(micros, 6)}Z`;
}

// resource.Quantity: { 1: string }. An empty message is the zero quantity, printed "0".
function quantityValue(buf: Buffer): string {
  let s = '';
  for (const f of readFields(buf)) if (f.field === 1 && f.wire === WIRE_BYTES) s = (f.value as Buffer).toString('utf8');
  return s === '' ? '0' : s;
}

// intstr.IntOrString: { 1: type (0 int, 1 string), 2: intVal int32, 3: strVal string }.
function intOrStringValue(buf: Buffer): number | string {
  let type = 0n;
  let intVal = 0;
  let strVal = '';
  for (const f of readFields(buf)) {
    if (f.field === 1 && f.wire === WIRE_VARINT) type = f.value as bigint;
    else if (f.field === 2 && f.wire === WIRE_VARINT) intVal = Number(BigInt.asIntN(32, f.value as bigint));
    else if (f.field === 3 && f.wire === WIRE_BYTES) strVal = (f.value as Buffer).toString('utf8');
  }
  return type === 1n ? strVal : intVal;
}

// metav1.FieldsV1 { 1: Raw } and runtime.RawExtension { 1: raw }: the raw bytes are JSON.
function rawJSONValue(buf: Buffer, path: string): unknown {
  let raw: Buffer | undefined;
  for (const f of readFields(buf)) if (f.field === 1 && f.wire === WIRE_BYTES) raw = f.value as Buffer;
  if (!raw || raw.length === 0) return null;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new WireError(`${path}: embedded raw value is not JSON`);
  }
}

/** The message definition for a kind's top-level message (exported for tests). */
export function schemaFor(apiVersion: string, kind: string): MessageDef | undefined {
  const m = messageForKind(apiVersion, kind);
  return m ? MESSAGES[m] : undefined;
}
