// Field validation and typed decoding of request bodies. Upstream decodes a body into Go structs
// (sigs.k8s.io/json), which drops the fields a struct does not declare, notices repeated keys, and
// refuses values of the wrong JSON type whatever `fieldValidation` says. Here JSON.parse does the
// decoding, so one walk over the parsed value against the resolved schema finds what the Go decoder
// would have: the unknown fields (removed, as decoding drops them) and the first decode error, worded
// as the Go decoder words it so clients see kube-apiserver's exact text.
import type { SchemaNode } from '../api/schema/types.ts';
import { invalid } from '../api/errors.ts';
import { fieldErrors } from '../api/field-errors.ts';
import { goTypeAt } from './decode/go-types.ts';
import { base64Error, fitsInt, goTimeError, goTrimSpace, quantityError, QUANTITY_FORMAT_WRONG, RFC3339, RFC3339_MICRO, type GoLayout } from './decode/go-values.ts';
import { scanJSON } from './decode/json-scan.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/**
 * The directive of a request; upstream's server default is Warn. Other values fail the options'
 * validation (`options` is the kind of the verb's options: CreateOptions, UpdateOptions, PatchOptions).
 */
export function fieldValidationDirective(value: string | undefined, options: string): FieldValidation {
  if (value === undefined || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw invalid(`${options}.meta.k8s.io`, '', [fieldErrors.notSupported('fieldValidation', value, ['Ignore', 'Strict', 'Warn'])]);
}

// ---------------------------------------------------------------------------------------------------
// The schema walk.

/**
 * Which Go decoder upstream runs over the value. `json` is sigs.k8s.io/json into the typed struct
 * (create, update, JSON and merge patches): type errors are remembered and decoding goes on, the first
 * one is reported unless an UnmarshalJSON method (Quantity, Time, IntOrString) fails, which ends it.
 * `unstructured` is runtime.DefaultUnstructuredConverter, which turns a strategic merge patch's result
 * map into the struct: the first mismatch ends it, in its own words and without a field path.
 */
export type Decoder = 'json' | 'unstructured';

export interface DecodeOptions {
  decoder?: Decoder;
  /** Number literals as written, by path (`JSONScan.numbers`); without them String(n) stands in. */
  numbers?: ReadonlyMap<string, string>;
}

export interface DecodeResult {
  /** Paths of fields the schema does not declare, in document order; they have been removed from the value. */
  unknown: string[];
  /** The error decoding stops with, as upstream's decoder words it; undefined when the value decodes. */
  error?: string;
}

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';

// What the walk does at a schema node.
const ANY = 0;
const STRUCT = 1;
const MAP = 2;
const LIST = 3;
const ANY_LIST = 4;
const STRING = 5;
const INT = 6;
const FLOAT = 7;
const BOOL = 8;
const BYTES = 9;
const QUANTITY_VALUE = 10;
const TIME = 11;
const INT_OR_STRING = 12;

/**
 * A schema node read once into one object shape. Schema nodes come in many shapes, so reading their
 * optional members in the hot loop is slow; plans are made on first use and kept per node.
 */
class Plan {
  readonly kind: number;
  private fieldPlans: Map<string, Plan> | undefined;
  private elemPlan: Plan | null | undefined;
  constructor(readonly node: SchemaNode) {
    this.kind = planKind(node);
  }
  /** The plan of a declared field; undefined for one the struct does not declare (a Map: no inherited members). */
  field(k: string): Plan | undefined {
    let fields = this.fieldPlans;
    if (fields === undefined) {
      fields = new Map();
      for (const [name, child] of Object.entries(this.node.properties ?? {})) fields.set(name, planFor(child));
      this.fieldPlans = fields;
    }
    return fields.get(k);
  }
  /** List items, map values, or the values of a struct's undeclared keys when it takes any key. */
  elem(): Plan | undefined {
    if (this.elemPlan === undefined) {
      const e = this.node.items ?? this.node.additionalProperties;
      this.elemPlan = e === undefined ? null : planFor(e);
    }
    return this.elemPlan ?? undefined;
  }
}

function planKind(node: SchemaNode): number {
  if (node.preserveUnknownFields) return ANY; // RawExtension, FieldsV1: any JSON
  if (node.properties !== undefined) return STRUCT;
  if (node.additionalProperties !== undefined) return MAP;
  if (node.items !== undefined) return LIST;
  if (node.intOrString) return INT_OR_STRING;
  switch (node.type) {
    case 'string':
      if (node.name === QUANTITY) return QUANTITY_VALUE;
      if (node.format === 'date-time') return TIME;
      return node.format === 'byte' ? BYTES : STRING;
    case 'integer':
      return INT;
    case 'number':
      return FLOAT;
    case 'boolean':
      return BOOL;
    case 'array':
      return ANY_LIST;
    default:
      return ANY;
  }
}

const plans = new WeakMap<SchemaNode, Plan>();

function planFor(node: SchemaNode): Plan {
  let plan = plans.get(node);
  if (plan === undefined) {
    plan = new Plan(node);
    plans.set(node, plan);
  }
  return plan;
}

class Walk {
  readonly unknown: string[] = [];
  /** Keys and indices from the root to the current value. */
  readonly path: (string | number)[] = [];
  /** encoding/json's error context: the struct fields from the root, without indices or map keys. */
  readonly fields: string[] = [];
  /** The first error decoding goes on past (json). */
  saved: string | undefined;
  /** The error that ends decoding. */
  stop: string | undefined;
  constructor(
    readonly json: boolean,
    readonly numbers: ReadonlyMap<string, string> | undefined,
  ) {}
}

/**
 * Walks `value` against `schema` once: removes the fields the schema does not declare, as decoding into
 * upstream's typed structs drops them, and finds the error upstream's decoder would stop with.
 */
export function decodeAgainstSchema(value: unknown, schema: SchemaNode | undefined, options: DecodeOptions = {}): DecodeResult {
  if (!schema) return { unknown: [] };
  const numbers = options.numbers && options.numbers.size > 0 ? options.numbers : undefined;
  const w = new Walk((options.decoder ?? 'json') === 'json', numbers);
  walk(w, value, planFor(schema), undefined, '', 0);
  const error = w.stop ?? w.saved;
  return error === undefined ? { unknown: w.unknown } : { unknown: w.unknown, error };
}

/**
 * Paths of fields the schema does not declare, in document order (`spec.foo`, `spec.containers[0].bar`),
 * removed from `value` as decoding into upstream's typed structs drops them.
 */
export function dropUnknownFields(value: unknown, schema: SchemaNode | undefined): string[] {
  return decodeAgainstSchema(value, schema).unknown;
}

function formatPath(path: readonly (string | number)[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s = s === '' ? p : `${s}.${p}`;
  }
  return s;
}

// `owner` is the struct whose field holds the value, `key` that field, and `hops` how many list
// elements or map values down from the field the value sits: enough to name its Go type, which is
// only needed once something fails.
function walk(w: Walk, v: unknown, plan: Plan, owner: Plan | undefined, key: string, hops: number): void {
  // null decodes to the zero value of any Go type.
  if (v === null) return;
  switch (plan.kind) {
    case STRUCT: {
      if (typeof v !== 'object' || Array.isArray(v)) return mismatch(w, v, plan, owner, key, hops, 'struct');
      const obj = v as Record<string, unknown>;
      for (const k in obj) {
        w.path.push(k);
        const child = plan.field(k);
        if (child !== undefined) {
          w.fields.push(k);
          member(w, obj, k, child, plan, k, 0);
          w.fields.pop();
        } else {
          const extra = plan.elem();
          if (extra !== undefined) member(w, obj, k, extra, owner, key, hops + 1);
          else {
            w.unknown.push(formatPath(w.path));
            delete obj[k];
          }
        }
        w.path.pop();
        if (w.stop !== undefined) return;
      }
      return;
    }
    case MAP: {
      if (typeof v !== 'object' || Array.isArray(v)) return mismatch(w, v, plan, owner, key, hops, 'map');
      const obj = v as Record<string, unknown>;
      const values = plan.elem()!;
      for (const k in obj) {
        w.path.push(k);
        member(w, obj, k, values, owner, key, hops + 1);
        w.path.pop();
        if (w.stop !== undefined) return;
      }
      return;
    }
    case LIST: {
      if (!Array.isArray(v)) return mismatch(w, v, plan, owner, key, hops, 'slice');
      const items = plan.elem()!;
      for (let i = 0; i < v.length; i++) {
        w.path.push(i);
        walk(w, v[i], items, owner, key, hops + 1);
        w.path.pop();
        if (w.stop !== undefined) return;
      }
      return;
    }
    case ANY:
      return;
    case ANY_LIST:
      if (!Array.isArray(v)) mismatch(w, v, plan, owner, key, hops, 'slice');
      return;
    case STRING:
      if (typeof v !== 'string') mismatch(w, v, plan, owner, key, hops, 'string');
      return;
    case INT:
      if (typeof v !== 'number') return mismatch(w, v, plan, owner, key, hops, 'int');
      return integer(w, v, plan, owner, key, hops);
    case FLOAT:
      if (typeof v !== 'number') return mismatch(w, v, plan, owner, key, hops, 'float');
      // Only a literal past float64's range (1e400) parses to Infinity; ParseFloat refuses it.
      if (!Number.isFinite(v) && w.json) save(w, `number ${literal(w, v)}`, plan, owner, key, hops);
      return;
    case BOOL:
      if (typeof v !== 'boolean') mismatch(w, v, plan, owner, key, hops, 'bool');
      return;
    case BYTES:
      if (typeof v !== 'string') return mismatch(w, v, plan, owner, key, hops, 'slice');
      return bytes(w, v);
    case QUANTITY_VALUE:
      return quantity(w, v);
    case TIME:
      return time(w, v, plan.node.name === MICRO_TIME ? RFC3339_MICRO : RFC3339, owner);
    case INT_OR_STRING:
      return intOrString(w, v, owner);
  }
}

/** One member of an object; a byte string sent as an array of numbers is stored in its base64 form, as Go re-encodes it. */
function member(w: Walk, parent: Record<string, unknown>, k: string, plan: Plan, owner: Plan | undefined, key: string, hops: number): void {
  const v = parent[k];
  if (plan.kind === BYTES && Array.isArray(v)) {
    const encoded = byteArray(w, v, owner);
    if (encoded !== undefined) parent[k] = encoded;
    return;
  }
  walk(w, v, plan, owner, key, hops);
}

type Target = 'struct' | 'map' | 'slice' | 'string' | 'int' | 'float' | 'bool';

/** encoding/json's word for a JSON value in UnmarshalTypeError. */
function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return Array.isArray(v) ? 'array' : 'object';
}

/** The reflect.Kind of what the unstructured converter holds for a JSON value (ints are int64, other numbers float64). */
function unstructuredKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return Array.isArray(v) ? 'slice' : 'map';
}

/** UnmarshalTypeError.Error() with the decoder's error context (the innermost struct and the field path). */
function unmarshalText(w: Walk, value: string, goType: string, owner: Plan | undefined): string {
  const name = owner?.node.name;
  const struct = name === undefined ? '' : name.slice(name.lastIndexOf('.') + 1);
  if (struct === '' && w.fields.length === 0) return `json: cannot unmarshal ${value} into Go value of type ${goType}`;
  return `json: cannot unmarshal ${value} into Go struct field ${struct}.${w.fields.join('.')} of type ${goType}`;
}

/** The Go type of the value `hops` elements below field `key` of struct `owner`. */
function goTypeOf(plan: Plan, owner: Plan | undefined, key: string, hops: number): string {
  return goTypeAt(plan.node, owner?.node, key, hops);
}

/** A type error encoding/json remembers while it goes on decoding; only the first one is reported. */
function save(w: Walk, value: string, plan: Plan, owner: Plan | undefined, key: string, hops: number): void {
  if (w.saved === undefined) w.saved = unmarshalText(w, value, goTypeOf(plan, owner, key, hops), owner);
}

function mismatch(w: Walk, v: unknown, plan: Plan, owner: Plan | undefined, key: string, hops: number, target: Target): void {
  if (w.json) return save(w, jsonKind(v), plan, owner, key, hops);
  const msg = convertError(v, target, plan, owner, key, hops);
  if (msg !== undefined) w.stop = msg;
}

/** runtime.DefaultUnstructuredConverter's refusal of `v` for a field of kind `target`, if it refuses. */
function convertError(v: unknown, target: Target, plan: Plan, owner: Plan | undefined, key: string, hops: number): string | undefined {
  const from = unstructuredKind(v);
  switch (target) {
    case 'struct':
      return `cannot restore struct from: ${from}`;
    case 'map':
      return `cannot restore map from ${from}`;
    case 'slice':
      return `cannot restore slice from ${from}`;
    case 'string':
      // Go converts an integer to a string (a rune), which the converter refuses by name.
      if (from === 'int64') return `cannot convert int64 to ${goTypeOf(plan, owner, key, hops)}`;
      return 'unrecognized type: string';
    case 'int':
      if (from === 'float64') return `cannot convert float64 to ${goTypeOf(plan, owner, key, hops)}`;
      if (from === 'int64') return undefined;
      return `unrecognized type: ${plan.node.format === 'int32' ? 'int32' : 'int64'}`;
    case 'float':
      return from === 'int64' || from === 'float64' ? undefined : 'unrecognized type: float64';
    case 'bool':
      return 'unrecognized type: bool';
  }
}

/** The number as written when the text was scanned, else as JSON.parse left it. */
function literal(w: Walk, v: number): string {
  if (w.numbers !== undefined) {
    const lit = w.numbers.get(formatPath(w.path));
    if (lit !== undefined) return lit;
  }
  return String(v);
}


const isInt32 = (v: number) => Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;

function integer(w: Walk, v: number, plan: Plan, owner: Plan | undefined, key: string, hops: number): void {
  const int32 = plan.node.format === 'int32';
  if (w.json) {
    // Without scanned literals a whole number in range is what was written (JSON.parse kept it exactly).
    if (w.numbers === undefined && (int32 ? isInt32(v) : Number.isSafeInteger(v))) return;
    const lit = literal(w, v);
    if (!fitsInt(lit, int32 ? 32 : 64)) save(w, `number ${lit}`, plan, owner, key, hops);
    return;
  }
  // The converter narrows integers without a range check and takes a float only when it is whole.
  if (!Number.isInteger(v)) w.stop = `cannot convert float64 to ${goTypeOf(plan, owner, key, hops)}`;
}

/** intstr.IntOrString.UnmarshalJSON: a string, or whatever encoding/json puts into an int32. */
function intOrString(w: Walk, v: unknown, owner: Plan | undefined): void {
  if (typeof v === 'string') return;
  let value: string;
  if (typeof v === 'number') {
    if ((w.numbers === undefined || !w.json) && isInt32(v)) return;
    const lit = w.json ? literal(w, v) : String(v);
    if (fitsInt(lit, 32)) return;
    value = `number ${lit}`;
  } else {
    value = jsonKind(v);
  }
  // The method's own json.Unmarshal fails; the outer decoder then adds its context, since the error is
  // an UnmarshalTypeError (sigs.k8s.io/json aliases encoding/json's). The converter adds none.
  w.stop = w.json ? unmarshalText(w, value, 'int32', owner) : `json: cannot unmarshal ${value} into Go value of type int32`;
}

/** resource.Quantity.UnmarshalJSON: any JSON number parses; a string must be a quantity; anything else is not one. */
function quantity(w: Walk, v: unknown): void {
  if (typeof v === 'number') return;
  const err = typeof v === 'string' ? quantityError(goTrimSpace(v)) : QUANTITY_FORMAT_WRONG;
  if (err !== undefined) w.stop = err;
}

/** metav1.Time and MicroTime.UnmarshalJSON: json.Unmarshal into a string, then time.Parse with the type's layout. */
function time(w: Walk, v: unknown, layout: GoLayout, owner: Plan | undefined): void {
  if (typeof v === 'string') {
    const err = goTimeError(layout, v);
    if (err !== undefined) w.stop = err;
    return;
  }
  const value = jsonKind(v);
  w.stop = w.json ? unmarshalText(w, value, 'string', owner) : `json: cannot unmarshal ${value} into Go value of type string`;
}

/** A []byte field: a base64 string (StdEncoding). */
function bytes(w: Walk, s: string): void {
  const err = base64Error(s);
  if (err === undefined) return;
  // encoding/json reports the base64 error as is and goes on; the converter wraps it and stops.
  if (w.json) {
    if (w.saved === undefined) w.saved = err;
  } else {
    w.stop = `error decoding from json: ${err}`;
  }
}

/** A []byte field sent as a JSON array: Go decodes each element as a uint8. The base64 form, or undefined on error. */
function byteArray(w: Walk, arr: unknown[], owner: Plan | undefined): string | undefined {
  const out = new Uint8Array(arr.length);
  let failed = false;
  for (let i = 0; i < arr.length; i++) {
    const e = arr[i];
    if (e === null) continue;
    w.path.push(i);
    if (w.json) {
      let value: string | undefined;
      if (typeof e !== 'number') value = jsonKind(e);
      else {
        const lit = literal(w, e);
        if (fitsInt(lit, 8, true)) out[i] = e;
        else value = `number ${lit}`;
      }
      if (value !== undefined) {
        failed = true;
        if (w.saved === undefined) w.saved = unmarshalText(w, value, 'uint8', owner);
      }
    } else if (typeof e === 'number' && Number.isInteger(e)) {
      // reflect's int64 -> uint8 conversion keeps the low byte.
      out[i] = ((e % 256) + 256) % 256;
    } else {
      w.stop = typeof e === 'number' ? 'cannot convert float64 to uint8' : 'unrecognized type: uint8';
    }
    w.path.pop();
    if (w.stop !== undefined) return undefined;
  }
  return failed ? undefined : Buffer.from(out).toString('base64');
}

// ---------------------------------------------------------------------------------------------------
// The request body as a whole.

// reflect's String() of the anonymous struct SimpleMetaFactory.Interpret decodes a body into.
const TYPE_META_STRUCT = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/**
 * Why upstream cannot read apiVersion and kind from a body (not an object, or either of them not a
 * string): `couldn't get version/kind; json parse error: ...`. Undefined when it can.
 */
export function typeMetaError(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  let err: string | undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    err = `json: cannot unmarshal ${jsonKind(value)} into Go value of type ${TYPE_META_STRUCT}`;
  } else {
    const obj = value as Record<string, unknown>;
    for (const k in obj) {
      // encoding/json (not the case-sensitive decoder) reads these two, so `Kind` counts as well.
      const lower = k.toLowerCase();
      const field = lower === 'apiversion' ? 'apiVersion' : lower === 'kind' ? 'kind' : undefined;
      const v = obj[k];
      if (field === undefined || v === null || typeof v === 'string') continue;
      err = `json: cannot unmarshal ${jsonKind(v)} into Go struct field .${field} of type string`;
      break;
    }
  }
  return err === undefined ? undefined : `couldn't get version/kind; json parse error: ${err}`;
}

/** summarizeData(body, 30) of upstream's decode errors: an object's first 30 bytes, anything else's in hex. */
export function summarizeBody(data: Uint8Array): string {
  if (data.length === 0) return '<empty>';
  const head = Buffer.from(data.subarray(0, 30));
  const more = data.length > 30 ? ' ...' : '';
  return (data[0] === 0x7b ? head.toString('utf8') : head.toString('hex')) + more;
}

export interface BodyCheck {
  /** The decode error upstream answers with, whatever `fieldValidation` says; undefined when the body decodes. */
  decodeError?: string;
  /** Strict-decoding problems as upstream words them: duplicates first, then unknown fields. */
  strict: string[];
}

/**
 * A create or update body against its kind's schema: the decode error, and the strict-decoding problems
 * (duplicates only when `duplicates` is set and the JSON text is known). Unknown fields are removed from
 * `value` whatever the directive.
 */
export function checkBody(text: string | undefined, value: unknown, schema: SchemaNode | undefined, duplicates = true): BodyCheck {
  const scan = text === undefined ? undefined : scanJSON(text);
  const decoded = decodeAgainstSchema(value, schema, { numbers: scan?.numbers });
  const dups = duplicates && scan ? scan.duplicates.map((p) => `duplicate field "${p}"`) : [];
  const strict = [...dups, ...decoded.unknown.map((p) => `unknown field "${p}"`)];
  return decoded.error === undefined ? { strict } : { decodeError: decoded.error, strict };
}

/**
 * Strict-decoding messages as upstream words them, duplicates first as the decoder meets them. Unknown
 * fields are dropped from `value` whatever the directive; the text is only scanned when `text` is given.
 */
export function strictDecodingErrors(text: string | undefined, value: unknown, schema: SchemaNode | undefined): string[] {
  return checkBody(text, value, schema).strict;
}

/** The `Warning` header value for one problem: code 299, agent "-", and the text as a quoted string. */
export function warningHeader(text: string): string {
  const quoted = `299 - "${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  // Node refuses header values with control or non-Latin-1 characters (a 500); Go writes line breaks as
  // spaces and the UTF-8 bytes as they are, which is what the Latin-1 view of those bytes sends.
  // eslint-disable-next-line no-control-regex
  return Buffer.from(quoted.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, ' '), 'utf8').toString('latin1');
}
