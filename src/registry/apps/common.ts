// Helpers shared by the workload strategies (apps, batch) and the other groups in this batch:
// reading plain-JSON objects, label/selector semantics and the small validators upstream keeps in
// k8s.io/apimachinery (validation, metav1 validation) and pkg/apis/core/validation.
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import type { LabelSelectorSpec } from '../printing.ts';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value as an object, or undefined. */
export function asObj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}

/** parent[key] as an object, created (and stored) when missing or not an object. */
export function ensureObj(parent: Obj, key: string): Obj {
  const cur = parent[key];
  if (isObj(cur)) return cur;
  const created: Obj = {};
  parent[key] = created;
  return created;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asObjArray(v: unknown): Obj[] {
  return asArray(v).filter(isObj);
}

export function asString(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function asNumber(v: unknown, dflt = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}

export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

export function spec(obj: KObject): Obj {
  return asObj(obj.spec) ?? {};
}

export function status(obj: KObject): Obj {
  return asObj(obj.status) ?? {};
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** apiequality.Semantic.DeepEqual over JSON values (null and a missing key are the same). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** A copy of a string map with keys sorted, the way Go's encoding/json prints maps. */
export function sortedMap(m: unknown): Record<string, string> | null {
  if (!isObj(m)) return null;
  const out: Record<string, string> = {};
  for (const k of Object.keys(m).sort()) out[k] = String(m[k]);
  return out;
}

/** A label selector as the bad value of a field error: Go field order, empty parts left out. */
export function selectorValue(sel: unknown): unknown {
  if (!isObj(sel)) return null;
  const out: Obj = {};
  const ml = sortedMap(sel.matchLabels);
  if (ml && Object.keys(ml).length > 0) out.matchLabels = ml;
  const me = asObjArray(sel.matchExpressions);
  if (me.length > 0) {
    out.matchExpressions = me.map((e) => {
      const r: Obj = { key: e.key, operator: e.operator };
      if (Array.isArray(e.values) && e.values.length > 0) r.values = e.values;
      return r;
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Field helpers

export const NONNEGATIVE = 'must be greater than or equal to 0';

/** apivalidation.ValidateNonnegativeField */
export function validateNonnegative(value: unknown, path: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [fieldErrors.invalid(path, value, NONNEGATIVE)] : [];
}

/** apivalidation.ValidateImmutableField */
export function validateImmutable(newV: unknown, oldV: unknown, path: string, badValue: unknown = newV): FieldError[] {
  return deepEqual(newV, oldV) ? [] : [fieldErrors.invalid(path, badValue ?? null, 'field is immutable')];
}

// ---------------------------------------------------------------------------------------------
// Name and label validation (k8s.io/apimachinery/pkg/util/validation)

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join('or ')}regex used for validation is '${fmt}')`;
}

function maxLenError(n: number): string {
  return `must be no more than ${n} characters`;
}

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const QNAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QNAME_RE = new RegExp(`^${QNAME_FMT}$`);
const LABEL_VALUE_FMT = `(${QNAME_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const QNAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

export function isDNS1123Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLenError(63));
  if (!DNS1123_LABEL_RE.test(v)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        DNS1123_LABEL_FMT,
        'my-name',
        '123-abc',
      ),
    );
  }
  return errs;
}

export function isDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN_RE.test(v)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FMT,
        'example.com',
      ),
    );
  }
  return errs;
}

/** validation.IsQualifiedName (label keys, condition types, reportingController). */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [
      `a qualified name ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!QNAME_RE.test(name)) errs.push(`name part ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE_RE.test(value)) {
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return errs;
}

/** metav1validation.ValidateLabels: keys and values reported on the map's own path. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(labels)) return errs;
  for (const [k, v] of Object.entries(labels)) {
    for (const m of isQualifiedName(k)) errs.push(fieldErrors.invalid(path, k, m));
    for (const m of isValidLabelValue(String(v ?? ''))) errs.push(fieldErrors.invalid(path, v, m));
  }
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Label selectors (metav1.LabelSelectorAsSelector and metav1validation.ValidateLabelSelector)

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** metav1validation.ValidateLabelSelector (nil selector: no errors). */
export function validateLabelSelector(sel: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(sel)) return errs;
  errs.push(...validateLabels(sel.matchLabels, `${path}.matchLabels`));
  asObjArray(sel.matchExpressions).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const op = asString(e.operator);
    const values = asArray(e.values);
    switch (op) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          errs.push(fieldErrors.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          errs.push(fieldErrors.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        }
        break;
      default:
        errs.push(fieldErrors.invalid(`${p}.operator`, e.operator ?? '', 'not a valid selector operator'));
    }
    for (const m of isQualifiedName(asString(e.key))) errs.push(fieldErrors.invalid(`${p}.key`, e.key ?? '', m));
    values.forEach((v, j) => {
      for (const m of isValidLabelValue(String(v ?? ''))) errs.push(fieldErrors.invalid(`${p}.values[${j}]`, v, m));
    });
  });
  return errs;
}

interface Requirement {
  key: string;
  op: string;
  values: string[];
}

/**
 * The selector's requirements, or null when LabelSelectorAsSelector would fail.
 * `undefined` selector (nil) selects nothing; an empty one selects everything.
 */
function selectorRequirements(sel: LabelSelectorSpec): Requirement[] | null {
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (isQualifiedName(k).length || isValidLabelValue(String(v)).length) return null;
    reqs.push({ key: k, op: 'In', values: [String(v)] });
  }
  for (const e of sel.matchExpressions ?? []) {
    if (!SELECTOR_OPERATORS.includes(e.operator)) return null;
    const values = e.values ?? [];
    if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0) return null;
    if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0) return null;
    if (isQualifiedName(e.key).length) return null;
    if (values.some((v) => isValidLabelValue(v).length)) return null;
    reqs.push({ key: e.key, op: e.operator, values });
  }
  return reqs;
}

export type SelectorKind = 'nothing' | 'everything' | 'invalid' | 'requirements';

/** How a selector behaves: nil selects nothing, {} everything, an invalid one fails to convert. */
export function selectorKind(sel: unknown): SelectorKind {
  if (!isObj(sel)) return 'nothing';
  const reqs = selectorRequirements(sel as LabelSelectorSpec);
  if (reqs === null) return 'invalid';
  return reqs.length === 0 ? 'everything' : 'requirements';
}

/** labels.Selector.Matches for a converted selector (false for nil or invalid selectors). */
export function selectorMatches(sel: unknown, labels: unknown): boolean {
  if (!isObj(sel)) return false;
  const reqs = selectorRequirements(sel as LabelSelectorSpec);
  if (reqs === null) return false;
  const set = isObj(labels) ? labels : {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(set, r.key);
    const val = has ? String(set[r.key]) : undefined;
    switch (r.op) {
      case 'In':
        return has && r.values.includes(val!);
      case 'NotIn':
        return !has || !r.values.includes(val!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}

/** `spec.selector` emptiness as validation sees it: no matchLabels and no matchExpressions. */
export function selectorIsEmpty(sel: Obj): boolean {
  return Object.keys(asObj(sel.matchLabels) ?? {}).length + asArray(sel.matchExpressions).length === 0;
}

export const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

// ---------------------------------------------------------------------------------------------
// IntOrString (maxSurge / maxUnavailable)

const PERCENT_FMT = '[0-9]+%';
const PERCENT_RE = /^[0-9]+%$/;

/** ValidatePositiveIntOrPercent */
export function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') {
    if (!PERCENT_RE.test(v)) {
      return [
        fieldErrors.invalid(
          path,
          v,
          regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, '1%', '93%'),
        ),
      ];
    }
    return [];
  }
  if (typeof v === 'number') return validateNonnegative(v, path);
  if (v === undefined || v === null) return [];
  return [fieldErrors.invalid(path, v, "must be an integer or percentage (e.g '5%')")];
}

function percentValue(v: unknown): number | undefined {
  if (typeof v !== 'string' || !PERCENT_RE.test(v)) return undefined;
  return Number.parseInt(v.slice(0, -1), 10);
}

/** getIntOrPercentValue */
export function intOrPercentValue(v: unknown): number {
  const p = percentValue(v);
  if (p !== undefined) return p;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Number.parseInt(v, 10);
    return Number.isNaN(n) ? 0 : n;
  }
  return 0;
}

/** IsNotMoreThan100Percent */
export function isNotMoreThan100Percent(v: unknown, path: string): FieldError[] {
  const p = percentValue(v);
  return p !== undefined && p > 100 ? [fieldErrors.invalid(path, v, 'must not be greater than 100%')] : [];
}

// ---------------------------------------------------------------------------------------------
// Time formats

const RFC3339_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

function parseRfc3339(v: string): { seconds: number; fraction: string } | undefined {
  const m = RFC3339_RE.exec(v.trim());
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]!.toUpperCase()}`);
  if (Number.isNaN(ms)) return undefined;
  return { seconds: Math.floor(ms / 1000), fraction: m[2] ?? '' };
}

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19);
}

/** metav1.MicroTime as the server writes it: UTC with exactly six fractional digits. */
export function normalizeMicroTime(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const p = parseRfc3339(v);
  if (!p) return v;
  return `${isoSeconds(p.seconds)}.${(p.fraction + '000000').slice(0, 6)}Z`;
}

/** metav1.Time as the server writes it: UTC, whole seconds. */
export function normalizeTime(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const p = parseRfc3339(v);
  if (!p) return v;
  return `${isoSeconds(p.seconds)}Z`;
}
