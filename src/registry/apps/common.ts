// Helpers shared by the strategies of apps, batch, coordination, discovery and events: reading
// plain-JSON objects, selector semantics, Go-style rendering of bad values in field errors, and
// the small validators upstream keeps in pkg/apis/core/validation and apps/validation.
import { FieldError, fieldErrors, type FieldErrorType } from '../../api/field-errors.ts';
import type { KObject } from '../../api/types.ts';
import { labelSelectorFromSpec, SelectorParseError, type LabelSelector, type LabelSelectorSpec } from '../../selectors/labels.ts';
import { validateLabels as validateLabelMap } from '../validation/objectmeta.ts';
import { isQualifiedName, isValidLabelValue } from '../../api/names.ts';

export { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from '../../api/names.ts';

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

// ---------------------------------------------------------------------------------------------
// Go-style bad values. field.Error prints ints, bools and strings plainly, and everything else
// (maps, structs) with Go's %#v, e.g. `map[string]string{"app":"web"}`. These renderers produce
// that text for the value shapes the strategies here report.

/** strconv.Quote, for the ASCII texts found in names, labels and enum values. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** %#v of a map[string]string: keys sorted; nil when absent. */
export function goStringMap(m: unknown): string {
  if (!isObj(m)) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(String(m[k] ?? ''))}`).join(', ')}}`;
}

/** %#v of a []string. */
export function goStringSlice(s: unknown): string {
  if (!Array.isArray(s)) return '[]string(nil)';
  return `[]string{${s.map((x) => goQuote(String(x))).join(', ')}}`;
}

/** %#v of a metav1.LabelSelector value (field errors dereference the *LabelSelector). */
export function goLabelSelector(sel: unknown): string {
  if (!isObj(sel)) return 'null';
  const exprs = Array.isArray(sel.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${asObjArray(sel.matchExpressions)
        .map(
          (e) =>
            `v1.LabelSelectorRequirement{Key:${goQuote(asString(e.key))}, Operator:${goQuote(asString(e.operator))}, Values:${goStringSlice(e.values)}}`,
        )
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${exprs}}`;
}

/** %#v of an intstr.IntOrString value. */
export function goIntOrString(v: unknown): string {
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`;
  return `intstr.IntOrString{Type:0, IntVal:${asNumber(v)}, StrVal:""}`;
}

/** A Go pointer field inside a %#v struct: `(*T)(nil)` when unset, else an address. */
export function goPointer(type: string, v: unknown): string {
  return isSet(v) ? `(*${type})(0xc000000000)` : `(*${type})(nil)`;
}

/** A field error whose bad value is rendered text (Go's %#v), printed without JSON quoting. */
export class GoValueFieldError extends FieldError {
  constructor(
    type: FieldErrorType,
    field: string,
    readonly rendered: string,
    detail: string,
  ) {
    super(type, field, rendered, detail);
  }

  override bodyText(): string {
    const word = this.type === 'FieldValueNotSupported' ? 'Unsupported value' : this.type === 'FieldValueDuplicate' ? 'Duplicate value' : 'Invalid value';
    return this.detail ? `${word}: ${this.rendered}: ${this.detail}` : `${word}: ${this.rendered}`;
  }
}

export function goInvalid(field: string, rendered: string, detail: string): FieldError {
  return new GoValueFieldError('FieldValueInvalid', field, rendered, detail);
}

export function goNotSupported(field: string, rendered: string, valid: string[]): FieldError {
  const detail = valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : '';
  return new GoValueFieldError('FieldValueNotSupported', field, rendered, detail);
}

// ---------------------------------------------------------------------------------------------
// Field helpers

export const NONNEGATIVE = 'must be greater than or equal to 0';
export const IMMUTABLE = 'field is immutable';

/** apivalidation.ValidateNonnegativeField */
export function validateNonnegative(value: unknown, path: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [fieldErrors.invalid(path, value, NONNEGATIVE)] : [];
}

/** apivalidation.ValidateImmutableField for values that print plainly (numbers, strings). */
export function validateImmutable(newV: unknown, oldV: unknown, path: string): FieldError[] {
  return deepEqual(newV, oldV) ? [] : [fieldErrors.invalid(path, newV ?? null, IMMUTABLE)];
}

/** metav1validation.ValidateLabels over a JSON map. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  if (!isObj(labels)) return [];
  return validateLabelMap(labels as Record<string, string>, path);
}

// ---------------------------------------------------------------------------------------------
// Label selectors

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
        errs.push(fieldErrors.invalid(`${p}.operator`, op, 'not a valid selector operator'));
    }
    for (const m of isQualifiedName(asString(e.key))) errs.push(fieldErrors.invalid(`${p}.key`, asString(e.key), m));
    values.forEach((v, j) => {
      for (const m of isValidLabelValue(String(v ?? ''))) errs.push(fieldErrors.invalid(`${p}.values[${j}]`, String(v ?? ''), m));
    });
  });
  return errs;
}

/** metav1.LabelSelectorAsSelector, or undefined when the selector does not convert. */
export function convertSelector(sel: unknown): LabelSelector | undefined {
  try {
    return labelSelectorFromSpec(isObj(sel) ? (sel as LabelSelectorSpec) : null);
  } catch (err) {
    if (err instanceof SelectorParseError) return undefined;
    throw err;
  }
}

export type SelectorKind = 'nothing' | 'everything' | 'invalid' | 'requirements';

/** How a selector behaves: nil selects nothing, {} everything, an invalid one fails to convert. */
export function selectorKind(sel: unknown): SelectorKind {
  if (!isObj(sel)) return 'nothing';
  const s = convertSelector(sel);
  if (!s) return 'invalid';
  return s.empty() ? 'everything' : 'requirements';
}

/** labels.Selector.Matches for a converted selector (false for nil or invalid selectors). */
export function selectorMatches(sel: unknown, labels: unknown): boolean {
  const s = convertSelector(sel);
  if (!s) return false;
  return s.matches(isObj(labels) ? (labels as Record<string, string>) : {});
}

/** `spec.selector` emptiness as validation sees it: no matchLabels and no matchExpressions. */
export function selectorIsEmpty(sel: Obj): boolean {
  return Object.keys(asObj(sel.matchLabels) ?? {}).length + asArray(sel.matchExpressions).length === 0;
}

/** labels.Selector.String() of a converted selector: "" for nil or empty, "<invalid>" if it fails. */
export function selectorString(sel: unknown): string {
  const s = convertSelector(sel);
  return s ? s.toString() : '<invalid>';
}

/** metav1.FormatLabelSelector for a cell: "<none>" when empty or nil, "<error>" when invalid. */
export function formatSelectorCell(sel: unknown): string {
  const s = convertSelector(sel);
  if (!s) return '<error>';
  const text = s.toString();
  return text === '' ? '<none>' : text;
}

export const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

// ---------------------------------------------------------------------------------------------
// IntOrString (maxSurge / maxUnavailable)

const PERCENT_RE = /^[0-9]+%$/;
const PERCENT_MSG =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** ValidatePositiveIntOrPercent */
export function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') return PERCENT_RE.test(v) ? [] : [goInvalid(path, goIntOrString(v), PERCENT_MSG)];
  if (typeof v === 'number') return validateNonnegative(v, path);
  return [];
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
  return p !== undefined && p > 100 ? [goInvalid(path, goIntOrString(v), 'must not be greater than 100%')] : [];
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

/** metav1.MicroTime as the server writes it: UTC with exactly six fractional digits (truncated). */
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
