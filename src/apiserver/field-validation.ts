// Field validation and typed decoding of request bodies. Upstream decodes a body into Go structs
// (sigs.k8s.io/json), which drops the fields a struct does not declare, notices repeated keys, and
// refuses values of the wrong JSON type whatever `fieldValidation` says. Here JSON.parse does the
// decoding, so one walk over the parsed value against the resolved schema finds what the Go decoder
// would have: the unknown fields (removed, as decoding drops them) and the first decode error, worded
// as the Go decoder words it so clients see kube-apiserver's exact text.
import type { SchemaNode } from '../api/schema/types.ts';
import { invalid } from '../api/errors.ts';
import { fieldErrors } from '../api/field-errors.ts';

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
// The JSON text: what JSON.parse hides.

/** What one pass over a JSON text finds that the parsed value no longer shows. */
export interface JSONScan {
  /** Paths of keys that appear twice in one object, in document order (`data.a`, `spec.containers[0].name`). */
  duplicates: string[];
  /**
   * Number literals whose text JSON.parse loses (`1.0`, `1e3`, integers past 15 digits), by path. Go
   * decodes the literal itself, so `1.0` is no int32 and a 20-digit count overflows an int64.
   */
  numbers: Map<string, string>;
}

// Literals JSON.parse gives back exactly through String(): most numbers in real bodies.
const PLAIN_INTEGER = /^-?(?:0|[1-9]\d{0,14})$/;

/** Duplicate keys and lossy number literals of a text that must already be valid JSON. */
export function scanJSON(text: string): JSONScan {
  // One linear pass that tracks the keys of each open object and the path to it; most bodies have no
  // duplicates and no string holding a brace.
  const duplicates: string[] = [];
  const numbers = new Map<string, string>();
  interface Frame {
    keys?: Set<string>;
    index: number; // element index for arrays
    path: string;
    pendingKey?: string;
  }
  const stack: Frame[] = [];
  let i = 0;
  const n = text.length;
  const childPath = (f: Frame | undefined, key: string | number): string => {
    if (!f) return '';
    if (typeof key === 'number') return `${f.path}[${key}]`;
    return f.path === '' ? key : `${f.path}.${key}`;
  };
  const valuePath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    return top.keys ? childPath(top, top.pendingKey ?? '') : childPath(top, top.index);
  };
  let expectKey = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i + 1;
      let j = start;
      let escaped = false;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) {
          escaped = true;
          j++;
        } else if (d === 0x22) break;
      }
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const key = escaped ? (JSON.parse(text.slice(start - 1, j + 1)) as string) : text.slice(start, j);
        if (top.keys.has(key)) duplicates.push(childPath(top, key));
        else top.keys.add(key);
        top.pendingKey = key;
        expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      let plain = true;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d >= 0x30 && d <= 0x39) continue;
        if (d !== 0x2e && d !== 0x65 && d !== 0x45 && d !== 0x2b && d !== 0x2d) break;
        plain = false;
      }
      if (!plain || j - i > 15) {
        const literal = text.slice(i, j);
        if (!PLAIN_INTEGER.test(literal)) numbers.set(valuePath(), literal);
      }
      i = j;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const path = valuePath();
      stack.push(c === 0x7b ? { keys: new Set(), index: 0, path } : { index: 0, path });
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.keys) expectKey = true;
      else if (top) top.index++;
    }
    i++;
  }
  return { duplicates, numbers };
}

/** Paths of keys that appear twice in one JSON object, in document order. */
export function duplicateFields(text: string): string[] {
  return scanJSON(text).duplicates;
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

const INT32_MIN = BigInt(-2147483648);
const INT32_MAX = BigInt(2147483647);
const INT64_MIN = -(BigInt(1) << BigInt(63));
const INT64_MAX = (BigInt(1) << BigInt(63)) - BigInt(1);

/** strconv.ParseInt(lit, 10, 64) succeeds and the value fits the Go integer of `bits`. */
function fitsInt(lit: string, bits: 8 | 32 | 64, unsigned = false): boolean {
  if (!(unsigned ? /^\d+$/ : /^-?\d+$/).test(lit)) return false;
  if (bits === 8) return Number(lit) <= 255;
  const b = BigInt(lit);
  return bits === 32 ? b >= INT32_MIN && b <= INT32_MAX : b >= INT64_MIN && b <= INT64_MAX;
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
// Go type names, as reflect.Type.String() prints them in UnmarshalTypeError.

/** The Go type of the value `hops` elements below field `key` of struct `owner`, by schema node. */
function goTypeAt(node: SchemaNode, owner: SchemaNode | undefined, key: string, hops: number): string {
  const fields = owner?.name === undefined ? undefined : GO_FIELD_TYPES[owner.name];
  const named = fields !== undefined && Object.hasOwn(fields, key) ? fields[key] : undefined;
  if (named !== undefined) {
    const t = elementType(named, hops);
    if (t !== undefined) return t;
  }
  return goType(node);
}

function elementType(t: string, hops: number): string | undefined {
  for (let i = 0; i < hops; i++) {
    if (t.startsWith('[]')) t = t.slice(2);
    else if (t.startsWith('map[')) t = t.slice(t.indexOf(']') + 1);
    else return undefined; // a named slice or map type: its element is read from the schema
  }
  return t;
}

/** The Go type a schema node stands for, where the schema can tell (a named field type needs GO_FIELD_TYPES). */
export function goType(node: SchemaNode): string {
  if (node.intOrString) return 'intstr.IntOrString';
  if (node.name !== undefined) {
    // Definitions are named after the Go package and type: io.k8s.api.apps.v1.DeploymentSpec is v1.DeploymentSpec.
    const parts = node.name.split('.');
    return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
  }
  if (node.items !== undefined) return `[]${goType(node.items)}`;
  if (node.additionalProperties !== undefined) return `map[string]${goType(node.additionalProperties)}`;
  switch (node.type) {
    case 'string':
      return node.format === 'byte' ? '[]uint8' : 'string';
    case 'integer':
      return node.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return node.format === 'float' ? 'float32' : 'float64';
    case 'boolean':
      return 'bool';
    case 'object':
      return 'map[string]interface {}';
    default:
      return 'interface {}';
  }
}

/**
 * Fields whose Go type has a name the schema does not carry: string types such as v1.PullPolicy,
 * types.UID and slices and maps of them, by definition and JSON field name, from the Go types of
 * k8s.io/api and k8s.io/apimachinery for the release Wheelhouse serves.
 */
const GO_FIELD_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = namedTypes({
  'io.k8s.api.core.v1.': {
    AppArmorProfile: { type: 'v1.AppArmorProfileType' },
    AttachedVolume: { name: 'v1.UniqueVolumeName' },
    AzureDiskVolumeSource: { cachingMode: 'v1.AzureDataDiskCachingMode', kind: 'v1.AzureDataDiskKind' },
    Capabilities: { add: '[]v1.Capability', drop: '[]v1.Capability' },
    ConfigMapNodeConfigSource: { uid: 'types.UID' },
    Container: { imagePullPolicy: 'v1.PullPolicy', restartPolicy: 'v1.ContainerRestartPolicy', terminationMessagePolicy: 'v1.TerminationMessagePolicy' },
    ContainerPort: { protocol: 'v1.Protocol' },
    ContainerResizePolicy: { resourceName: 'v1.ResourceName', restartPolicy: 'v1.ResourceResizeRestartPolicy' },
    ContainerRestartRule: { action: 'v1.ContainerRestartRuleAction' },
    ContainerRestartRuleOnExitCodes: { operator: 'v1.ContainerRestartRuleOnExitCodesOperator' },
    ContainerStatus: { allocatedResources: 'v1.ResourceList', stopSignal: 'v1.Signal' },
    EmptyDirVolumeSource: { medium: 'v1.StorageMedium' },
    EndpointPort: { protocol: 'v1.Protocol' },
    EphemeralContainer: { imagePullPolicy: 'v1.PullPolicy', restartPolicy: 'v1.ContainerRestartPolicy', terminationMessagePolicy: 'v1.TerminationMessagePolicy' },
    HTTPGetAction: { scheme: 'v1.URIScheme' },
    HostPathVolumeSource: { type: 'v1.HostPathType' },
    ImageVolumeSource: { pullPolicy: 'v1.PullPolicy' },
    Lifecycle: { stopSignal: 'v1.Signal' },
    LimitRangeItem: {
      type: 'v1.LimitType',
      default: 'v1.ResourceList',
      defaultRequest: 'v1.ResourceList',
      max: 'v1.ResourceList',
      maxLimitRequestRatio: 'v1.ResourceList',
      min: 'v1.ResourceList',
    },
    LoadBalancerIngress: { ipMode: 'v1.LoadBalancerIPMode' },
    ModifyVolumeStatus: { status: 'v1.PersistentVolumeClaimModifyVolumeStatus' },
    NamespaceCondition: { type: 'v1.NamespaceConditionType', status: 'v1.ConditionStatus' },
    NamespaceSpec: { finalizers: '[]v1.FinalizerName' },
    NamespaceStatus: { phase: 'v1.NamespacePhase' },
    NodeAddress: { type: 'v1.NodeAddressType' },
    NodeCondition: { type: 'v1.NodeConditionType', status: 'v1.ConditionStatus' },
    NodeSelectorRequirement: { operator: 'v1.NodeSelectorOperator' },
    NodeStatus: { allocatable: 'v1.ResourceList', capacity: 'v1.ResourceList', phase: 'v1.NodePhase', volumesInUse: '[]v1.UniqueVolumeName' },
    ObjectReference: { uid: 'types.UID' },
    PersistentVolumeClaimCondition: { type: 'v1.PersistentVolumeClaimConditionType', status: 'v1.ConditionStatus' },
    PersistentVolumeClaimSpec: { accessModes: '[]v1.PersistentVolumeAccessMode', volumeMode: 'v1.PersistentVolumeMode' },
    PersistentVolumeClaimStatus: {
      accessModes: '[]v1.PersistentVolumeAccessMode',
      allocatedResourceStatuses: 'map[v1.ResourceName]v1.ClaimResourceStatus',
      allocatedResources: 'v1.ResourceList',
      capacity: 'v1.ResourceList',
      phase: 'v1.PersistentVolumeClaimPhase',
    },
    PersistentVolumeSpec: {
      accessModes: '[]v1.PersistentVolumeAccessMode',
      capacity: 'v1.ResourceList',
      persistentVolumeReclaimPolicy: 'v1.PersistentVolumeReclaimPolicy',
      volumeMode: 'v1.PersistentVolumeMode',
    },
    PersistentVolumeStatus: { phase: 'v1.PersistentVolumePhase' },
    PodCondition: { type: 'v1.PodConditionType', status: 'v1.ConditionStatus' },
    PodOS: { name: 'v1.OSName' },
    PodReadinessGate: { conditionType: 'v1.PodConditionType' },
    PodSecurityContext: {
      fsGroupChangePolicy: 'v1.PodFSGroupChangePolicy',
      seLinuxChangePolicy: 'v1.PodSELinuxChangePolicy',
      supplementalGroupsPolicy: 'v1.SupplementalGroupsPolicy',
    },
    PodSpec: { dnsPolicy: 'v1.DNSPolicy', overhead: 'v1.ResourceList', preemptionPolicy: 'v1.PreemptionPolicy', restartPolicy: 'v1.RestartPolicy' },
    PodStatus: { allocatedResources: 'v1.ResourceList', phase: 'v1.PodPhase', qosClass: 'v1.PodQOSClass', resize: 'v1.PodResizeStatus' },
    PortStatus: { protocol: 'v1.Protocol' },
    ReplicationControllerCondition: { type: 'v1.ReplicationControllerConditionType', status: 'v1.ConditionStatus' },
    ResourceHealth: { health: 'v1.ResourceHealthStatus', resourceID: 'v1.ResourceID' },
    ResourceQuotaSpec: { hard: 'v1.ResourceList', scopes: '[]v1.ResourceQuotaScope' },
    ResourceQuotaStatus: { hard: 'v1.ResourceList', used: 'v1.ResourceList' },
    ResourceRequirements: { limits: 'v1.ResourceList', requests: 'v1.ResourceList' },
    ResourceStatus: { name: 'v1.ResourceName' },
    ScopedResourceSelectorRequirement: { operator: 'v1.ScopeSelectorOperator', scopeName: 'v1.ResourceQuotaScope' },
    SeccompProfile: { type: 'v1.SeccompProfileType' },
    Secret: { type: 'v1.SecretType' },
    SecurityContext: { procMount: 'v1.ProcMountType' },
    ServicePort: { protocol: 'v1.Protocol' },
    ServiceSpec: {
      externalTrafficPolicy: 'v1.ServiceExternalTrafficPolicy',
      internalTrafficPolicy: 'v1.ServiceInternalTrafficPolicy',
      ipFamilies: '[]v1.IPFamily',
      ipFamilyPolicy: 'v1.IPFamilyPolicy',
      sessionAffinity: 'v1.ServiceAffinity',
      type: 'v1.ServiceType',
    },
    Taint: { effect: 'v1.TaintEffect' },
    Toleration: { effect: 'v1.TaintEffect', operator: 'v1.TolerationOperator' },
    TopologySpreadConstraint: {
      nodeAffinityPolicy: 'v1.NodeInclusionPolicy',
      nodeTaintsPolicy: 'v1.NodeInclusionPolicy',
      whenUnsatisfiable: 'v1.UnsatisfiableConstraintAction',
    },
    VolumeMount: { mountPropagation: 'v1.MountPropagationMode', recursiveReadOnly: 'v1.RecursiveReadOnlyMode' },
    VolumeMountStatus: { recursiveReadOnly: 'v1.RecursiveReadOnlyMode' },
    VolumeResourceRequirements: { limits: 'v1.ResourceList', requests: 'v1.ResourceList' },
  },
  'io.k8s.api.apps.v1.': {
    DaemonSetCondition: { type: 'v1.DaemonSetConditionType', status: 'v1.ConditionStatus' },
    DaemonSetUpdateStrategy: { type: 'v1.DaemonSetUpdateStrategyType' },
    DeploymentCondition: { type: 'v1.DeploymentConditionType', status: 'v1.ConditionStatus' },
    DeploymentStrategy: { type: 'v1.DeploymentStrategyType' },
    ReplicaSetCondition: { type: 'v1.ReplicaSetConditionType', status: 'v1.ConditionStatus' },
    StatefulSetCondition: { type: 'v1.StatefulSetConditionType', status: 'v1.ConditionStatus' },
    StatefulSetPersistentVolumeClaimRetentionPolicy: {
      whenDeleted: 'v1.PersistentVolumeClaimRetentionPolicyType',
      whenScaled: 'v1.PersistentVolumeClaimRetentionPolicyType',
    },
    StatefulSetSpec: { podManagementPolicy: 'v1.PodManagementPolicyType' },
    StatefulSetUpdateStrategy: { type: 'v1.StatefulSetUpdateStrategyType' },
  },
  'io.k8s.api.batch.v1.': {
    CronJobSpec: { concurrencyPolicy: 'v1.ConcurrencyPolicy' },
    JobCondition: { type: 'v1.JobConditionType', status: 'v1.ConditionStatus' },
    JobSpec: { completionMode: 'v1.CompletionMode', podReplacementPolicy: 'v1.PodReplacementPolicy' },
    PodFailurePolicyOnExitCodesRequirement: { operator: 'v1.PodFailurePolicyOnExitCodesOperator' },
    PodFailurePolicyOnPodConditionsPattern: { type: 'v1.PodConditionType', status: 'v1.ConditionStatus' },
    PodFailurePolicyRule: { action: 'v1.PodFailurePolicyAction' },
    UncountedTerminatedPods: { failed: '[]types.UID', succeeded: '[]types.UID' },
  },
  'io.k8s.api.coordination.v1.': {
    LeaseSpec: { strategy: 'v1.CoordinatedLeaseStrategy' },
  },
  'io.k8s.api.discovery.v1.': {
    EndpointPort: { protocol: 'v1.Protocol' },
    EndpointSlice: { addressType: 'v1.AddressType' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.': {
    Condition: { status: 'v1.ConditionStatus' },
    DeleteOptions: { propagationPolicy: 'v1.DeletionPropagation' },
    LabelSelectorRequirement: { operator: 'v1.LabelSelectorOperator' },
    ManagedFieldsEntry: { operation: 'v1.ManagedFieldsOperationType' },
    ObjectMeta: { uid: 'types.UID' },
    OwnerReference: { uid: 'types.UID' },
    Preconditions: { uid: 'types.UID' },
    Status: { reason: 'v1.StatusReason' },
    StatusCause: { reason: 'v1.CauseType' },
    StatusDetails: { uid: 'types.UID' },
  },
});

/** Keys the table above by full definition name; it is written per package for reading. */
function namedTypes(byPackage: Record<string, Record<string, Record<string, string>>>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [pkg, types] of Object.entries(byPackage)) for (const [t, fields] of Object.entries(types)) out[pkg + t] = fields;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// resource.ParseQuantity.

const QUANTITY_FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const QUANTITY_SUFFIX = "unable to parse quantity's suffix";
const QUANTITY_SUFFIX_CHARS = 'eEinumkKMGTP';
const QUANTITY_SUFFIXES = new Set(['n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);

const isDigitCode = (c: number) => c >= 0x30 && c <= 0x39;

/** strings.TrimSpace: the white space of unicode.IsSpace. */
function goTrimSpace(s: string): string {
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  // Quantities seldom carry spaces; skip the expression when neither end can be one.
  if (first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80) return s;
  return s.replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g, '');
}

/** Why resource.ParseQuantity refuses `s`, or undefined when it parses. */
export function quantityError(s: string): string | undefined {
  if (s.length === 0) return QUANTITY_FORMAT_WRONG;
  const end = s.length;
  let pos = 0;
  if (s[0] === '-' || s[0] === '+') pos++;
  // Leading zeros, the integer digits, then an optional fraction: running out of text there is a plain number.
  while (pos < end && s[pos] === '0') pos++;
  if (pos >= end) return undefined;
  while (pos < end && isDigitCode(s.charCodeAt(pos))) pos++;
  if (pos >= end) return undefined;
  if (s[pos] === '.') {
    pos++;
    while (pos < end && isDigitCode(s.charCodeAt(pos))) pos++;
    if (pos >= end) return undefined;
  }
  const suffixStart = pos;
  while (pos < end && QUANTITY_SUFFIX_CHARS.includes(s[pos]!)) pos++;
  if (pos < end) {
    if (s[pos] === '-' || s[pos] === '+') pos++;
    while (pos < end && isDigitCode(s.charCodeAt(pos))) pos++;
    if (pos < end) return QUANTITY_FORMAT_WRONG;
  }
  const suffix = s.slice(suffixStart);
  if (QUANTITY_SUFFIXES.has(suffix)) return undefined;
  // A decimal exponent: e or E, then what strconv.ParseInt takes as an int64 (a sign is allowed).
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const exponent = suffix[1] === '+' ? suffix.slice(2) : suffix.slice(1);
    if (fitsInt(exponent, 64)) return undefined;
  }
  return QUANTITY_SUFFIX;
}

// ---------------------------------------------------------------------------------------------------
// time.Parse for the two layouts metav1 uses, with Go's error texts. Go works on bytes, so the value is
// handled as UTF-8 bytes in a latin1 string (one char per byte), which also makes Go's quoting (\x..
// for every byte of a non-ASCII character) a per-char rule.

/** The layouts of metav1.Time (time.RFC3339) and metav1.MicroTime (RFC3339Micro). */
export type GoLayout = typeof RFC3339 | typeof RFC3339_MICRO;
export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

type Std = 'year' | 'zmonth' | 'zday' | 'hour' | 'zminute' | 'zsecond' | 'frac6' | 'tz' | '';
interface Chunk {
  prefix: string;
  std: Std;
  /** The layout text of the element, as errors quote it. */
  text: string;
}
const chunk = (prefix: string, std: Std, text: string): Chunk => ({ prefix, std, text });
const LAYOUT_CHUNKS: Record<GoLayout, Chunk[]> = {
  [RFC3339]: [
    chunk('', 'year', '2006'),
    chunk('-', 'zmonth', '01'),
    chunk('-', 'zday', '02'),
    chunk('T', 'hour', '15'),
    chunk(':', 'zminute', '04'),
    chunk(':', 'zsecond', '05'),
    chunk('', 'tz', 'Z07:00'),
    chunk('', '', ''),
  ],
  [RFC3339_MICRO]: [
    chunk('', 'year', '2006'),
    chunk('-', 'zmonth', '01'),
    chunk('-', 'zday', '02'),
    chunk('T', 'hour', '15'),
    chunk(':', 'zminute', '04'),
    chunk(':', 'zsecond', '05'),
    chunk('', 'frac6', '.000000'),
    chunk('', 'tz', 'Z07:00'),
    chunk('', '', ''),
  ],
};

/** The quote() of Go's time package over a byte string. */
function goTimeQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x80) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c === 0x22 || c === 0x5c) out += `\\${s[i]}`;
    else out += s[i];
  }
  return `${out}"`;
}

const isDigitAt = (s: string, i: number) => i < s.length && isDigitCode(s.charCodeAt(i));

/** time's getnum: one or two digits (two when fixed); undefined for errBad. */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigitAt(s, 0)) return undefined;
  if (!isDigitAt(s, 1)) return fixed ? undefined : [s.charCodeAt(0) - 0x30, s.slice(1)];
  return [(s.charCodeAt(0) - 0x30) * 10 + (s.charCodeAt(1) - 0x30), s.slice(2)];
}

/** time's atoi: an optional sign and digits only; an empty string is 0. */
function goAtoi(s: string): number | undefined {
  const m = /^([+-]?)(\d*)$/.exec(s);
  if (!m) return undefined;
  const n = m[2] === '' ? 0 : Number(m[2]);
  return m[1] === '-' ? -n : n;
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** The error time.Parse(layout, value) returns, or undefined when it parses. */
export function goTimeError(layout: GoLayout, text: string): string | undefined {
  const value = Buffer.from(text, 'utf8').toString('latin1');
  const chunks = LAYOUT_CHUNKS[layout];
  const cannot = (layoutElem: string, valueElem: string) =>
    `parsing time ${goTimeQuote(value)} as ${goTimeQuote(layout)}: cannot parse ${goTimeQuote(valueElem)} as ${goTimeQuote(layoutElem)}`;
  const message = (msg: string) => `parsing time ${goTimeQuote(value)}${msg}`;
  let year = 0;
  let month = -1;
  let day = -1;
  let rest = value;
  for (let ci = 0; ; ci++) {
    const c = chunks[ci]!;
    for (const p of c.prefix) {
      if (rest.length === 0 || rest[0] !== p) return cannot(c.prefix, rest);
      rest = rest.slice(1);
    }
    if (c.std === '') {
      if (rest.length !== 0) return message(`: extra text: ${goTimeQuote(rest)}`);
      break;
    }
    const hold = rest;
    let bad = false;
    let range = '';
    switch (c.std) {
      case 'year': {
        if (rest.length < 4 || !isDigitAt(rest, 0)) {
          bad = true;
          break;
        }
        const y = goAtoi(rest.slice(0, 4));
        rest = rest.slice(4);
        if (y === undefined) bad = true;
        else year = y;
        break;
      }
      case 'zmonth': {
        const r = getnum(rest, true);
        if (!r) bad = true;
        else {
          [month, rest] = r;
          if (month <= 0 || month > 12) range = 'month';
        }
        break;
      }
      case 'zday': {
        const r = getnum(rest, true);
        if (!r) bad = true;
        else [day, rest] = r;
        break;
      }
      case 'hour': {
        const r = getnum(rest, false);
        if (!r) bad = true;
        else {
          rest = r[1];
          if (r[0] >= 24) range = 'hour';
        }
        break;
      }
      case 'zminute': {
        const r = getnum(rest, true);
        if (!r) bad = true;
        else {
          rest = r[1];
          if (r[0] >= 60) range = 'minute';
        }
        break;
      }
      case 'zsecond': {
        const r = getnum(rest, true);
        if (!r) {
          bad = true;
          break;
        }
        rest = r[1];
        if (r[0] >= 60) {
          range = 'second';
          break;
        }
        // A fraction the layout does not ask for is still taken, when a digit follows the separator.
        if (rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigitAt(rest, 1) && chunks[ci + 1]!.std !== 'frac6') {
          let n = 2;
          while (isDigitAt(rest, n)) n++;
          rest = rest.slice(n);
        }
        break;
      }
      case 'frac6': {
        if (rest.length < 7) {
          bad = true;
          break;
        }
        if (rest[0] !== '.' && rest[0] !== ',') bad = true;
        else {
          const ns = goAtoi(rest.slice(1, 7));
          if (ns === undefined) bad = true;
          else if (ns < 0) range = 'fractional second';
        }
        rest = rest.slice(7);
        break;
      }
      case 'tz': {
        if (rest.length >= 1 && rest[0] === 'Z') {
          rest = rest.slice(1);
          break;
        }
        if (rest.length < 6 || rest[3] !== ':') {
          bad = true;
          break;
        }
        const sign = rest[0];
        const hh = getnum(rest.slice(1, 3), true);
        const mm = hh ? getnum(rest.slice(4, 6), true) : undefined;
        rest = rest.slice(6);
        if (!hh || !mm) bad = true;
        if ((hh?.[0] ?? 0) > 24) range = 'time zone offset hour';
        if ((mm?.[0] ?? 0) > 60) range = 'time zone offset minute';
        if (sign !== '+' && sign !== '-') bad = true;
        break;
      }
    }
    if (range !== '') return message(`: ${range} out of range`);
    if (bad) return cannot(c.text, hold);
  }
  if (day < 1 || day > daysIn(month, year)) return message(': day out of range');
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// base64.StdEncoding.Decode, for the offset of its CorruptInputError.

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const isBase64Code = (c: number) =>
  (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
const isNewline = (c: number | undefined) => c === 0x0a || c === 0x0d;

/** `illegal base64 data at input byte N` as Go's padded standard decoder reports it, or undefined. */
export function base64Error(s: string): string | undefined {
  if (BASE64.test(s)) return undefined;
  const src = Buffer.from(s, 'utf8');
  const len = src.length;
  const corrupt = (at: number) => `illegal base64 data at input byte ${at}`;
  let si = 0;
  // One quantum (four symbols, newlines skipped) at a time, as decodeQuantum reads them.
  while (si < len) {
    for (let j = 0; j < 4; j++) {
      if (si === len) {
        if (j === 0) return undefined;
        return corrupt(si - j);
      }
      const c = src[si]!;
      si++;
      if (isBase64Code(c)) continue;
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d /* = */ || j < 2) return corrupt(si - 1);
      if (j === 2) {
        while (si < len && isNewline(src[si])) si++;
        if (si === len) return corrupt(len);
        if (src[si] !== 0x3d) return corrupt(si - 1);
        si++;
      }
      while (si < len && isNewline(src[si])) si++;
      if (si < len) return corrupt(si);
      return undefined;
    }
  }
  return undefined;
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
  return `299 - "${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
