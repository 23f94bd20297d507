// Schema validation of custom resources as kube-openapi's SchemaValidator does it (pkg/validation/validate),
// with its results turned into field errors the way apiextensions-apiserver's kubeOpenAPIResultToFieldErrors
// does. Per schema node the validators run in kube-openapi's order: type, allOf/anyOf/oneOf/not, string,
// format, number, array, enum, object. Names are kube-openapi's paths (`spec.replicas`, `spec.items[0]`),
// the root being the empty name, and messages say "<name> in body ...".
import { FieldError, fieldErrors } from '../../api/field-errors.ts';
import { canonicalJSON, type CompiledSchema } from './compile.ts';

type JSONType = 'null' | 'boolean' | 'string' | 'integer' | 'number' | 'array' | 'object';

function jsonType(v: unknown): JSONType {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return Number.isInteger(v) ? 'integer' : 'number';
    default:
      return Array.isArray(v) ? 'array' : 'object';
  }
}

/** Go's %v of a float64: shortest digits, exponent form below 1e-4 and from 1e+06. */
export function goFloat(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
  if (v === 0) return '0';
  const [mant, e] = v.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return String(v);
}

/** A bound or factor as kube-openapi prints it: as an int64 when checking an integer, else as a float64. */
function bound(b: number, dataIsInt: boolean): string {
  return dataIsInt ? String(Math.trunc(b)) : goFloat(b);
}

function runeCountExceeds(s: string, max: number): boolean {
  if (s.length <= max) return false;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++;
    if (++n > max) return true;
  }
  return false;
}

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++;
    n++;
  }
  return n;
}

/** The Go format kube-openapi infers for a non-string value, shown when a `format` rejects it. */
function goFormatOf(t: JSONType): string {
  return t === 'integer' ? 'int64' : t === 'number' ? 'float64' : '';
}

/**
 * One validation pass. `prefix` is the field path the result is reported under (undefined: none, which
 * upstream prints as "<nil>" for errors that have no name of their own).
 */
export class OpenAPIValidation {
  readonly errs: FieldError[] = [];
  constructor(readonly prefix: string | undefined) {}

  private path(name: string): string {
    const n = name.startsWith('.') ? name.slice(1) : name;
    if (n === '' || name === '.') return this.prefix ?? '<nil>';
    return this.prefix === undefined ? n : `${this.prefix}.${n}`;
  }

  private where(name: string): string {
    return `${name} in body`;
  }

  private typeError(name: string, expected: string, actual: string): void {
    this.errs.push(
      fieldErrors.typeInvalid(this.path(name), actual, `${this.where(name)} must be of type ${expected}: ${JSON.stringify(actual)}`),
    );
  }

  private invalid(name: string, value: unknown, detail: string): void {
    this.errs.push(fieldErrors.invalid(this.path(name), value, detail));
  }

  /** Errors that are not kube-openapi Validation values: reported at the prefix with an empty value. */
  private plain(detail: string): void {
    this.errs.push(fieldErrors.invalid(this.prefix ?? '<nil>', '', detail));
  }

  validate(v: unknown, s: CompiledSchema, name: string): void {
    const t = jsonType(v);
    if (t === 'null') {
      if (s.types.length > 0 && !s.nullable) this.typeError(name, s.typeLabel, 'null');
      this.checkEnum(v, s, name);
      return;
    }
    this.checkType(v, t, s, name);
    if (s.allOf.length > 0 || s.anyOf.length > 0 || s.oneOf.length > 0 || s.not !== undefined) this.checkJunctions(v, s, name);
    if (t === 'string') {
      this.checkString(v as string, s, name);
      if (s.formatCheck !== undefined && !s.formatCheck(v as string)) {
        this.errs.push(
          fieldErrors.typeInvalid(this.path(name), v, `${this.where(name)} must be of type ${s.format}: ${JSON.stringify(v)}`),
        );
      }
    } else if (t === 'integer' || t === 'number') {
      this.checkNumber(v as number, t === 'integer', s, name);
    } else if (t === 'array') {
      this.checkArray(v as unknown[], s, name);
    }
    this.checkEnum(v, s, name);
    if (t === 'object') this.checkObject(v as Record<string, unknown>, s, name);
  }

  private checkType(v: unknown, t: JSONType, s: CompiledSchema, name: string): void {
    if (s.types.length === 0 && s.formatCheck === undefined) return;
    const matches = s.types.includes(t) || (t === 'integer' && s.types.includes('number'));
    if (s.formatCheck !== undefined && t !== 'string' && t !== 'array' && !matches) {
      this.typeError(name, s.format ?? '', goFormatOf(t));
      return;
    }
    const numeric = s.types.includes('number') || s.types.includes('integer');
    if (!numeric && s.formatCheck !== undefined && (t === 'string' || t === 'array')) return;
    if (!matches) this.typeError(name, s.typeLabel, t);
  }

  private checkJunctions(v: unknown, s: CompiledSchema, name: string): void {
    const quoted = JSON.stringify(name);
    const trial = (branch: CompiledSchema): FieldError[] => {
      const sub = new OpenAPIValidation(this.prefix);
      sub.validate(v, branch, name);
      return sub.errs;
    };
    if (s.anyOf.length > 0) {
      let firstFailure: FieldError[] | undefined;
      let ok = false;
      for (const b of s.anyOf) {
        const e = trial(b);
        if (e.length === 0) {
          ok = true;
          break;
        }
        firstFailure ??= e;
      }
      if (!ok) {
        this.plain(`${quoted} must validate at least one schema (anyOf)`);
        this.errs.push(...(firstFailure ?? []));
      }
    }
    if (s.oneOf.length > 0) {
      let valid = 0;
      let firstFailure: FieldError[] | undefined;
      for (const b of s.oneOf) {
        const e = trial(b);
        if (e.length === 0) valid++;
        else firstFailure ??= e;
      }
      if (valid !== 1) {
        const found = valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`;
        this.plain(`${quoted} must validate one and only one schema (oneOf). ${found}`);
        if (valid === 0) this.errs.push(...(firstFailure ?? []));
      }
    }
    if (s.allOf.length > 0) {
      let valid = 0;
      const failures: FieldError[] = [];
      for (const b of s.allOf) {
        const e = trial(b);
        if (e.length === 0) valid++;
        else failures.push(...e);
      }
      if (valid !== s.allOf.length) {
        this.plain(`${quoted} must validate all the schemas (allOf)${valid === 0 ? '. None validated' : ''}`);
        this.errs.push(...failures);
      }
    }
    if (s.not !== undefined && trial(s.not).length === 0) {
      this.plain(`${quoted} must not validate the schema (not)`);
    }
  }

  private checkString(v: string, s: CompiledSchema, name: string): void {
    // kube-openapi's string validator stops at its first failure.
    if (s.maxLength !== undefined && runeCountExceeds(v, s.maxLength)) {
      this.errs.push(new FieldError('FieldValueTooLong', this.path(name), '', 'value is too long'));
      return;
    }
    if (s.minLength !== undefined && runeCount(v) < s.minLength) {
      this.invalid(name, v, `${this.where(name)} should be at least ${s.minLength} chars long`);
      return;
    }
    if (s.patternSource !== undefined) {
      if (s.patternError !== undefined) {
        this.invalid(name, v, `${this.where(name)} should match '${s.patternSource}, but pattern is invalid: ${s.patternError}'`);
      } else if (s.pattern !== undefined && !s.pattern.test(v)) {
        this.invalid(name, v, `${this.where(name)} should match '${s.patternSource}'`);
      }
    }
  }

  private checkNumber(v: number, isInt: boolean, s: CompiledSchema, name: string): void {
    if (s.multipleOf !== undefined && s.multipleOf > 0) {
      let ok: boolean;
      if (isInt && Number.isInteger(s.multipleOf)) ok = v % s.multipleOf === 0;
      else {
        const mult = s.multipleOf < 1 ? (1 / s.multipleOf) * v : v / s.multipleOf;
        ok = Number.isInteger(mult);
      }
      if (!ok) {
        const factorIsInt = isInt && Number.isInteger(s.multipleOf);
        this.invalid(name, v, `${this.where(name)} should be a multiple of ${bound(s.multipleOf, factorIsInt)}`);
      }
    }
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
      const rel = s.exclusiveMaximum ? 'less than' : 'less than or equal to';
      this.invalid(name, v, `${this.where(name)} should be ${rel} ${bound(s.maximum, isInt)}`);
    }
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
      const rel = s.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      this.invalid(name, v, `${this.where(name)} should be ${rel} ${bound(s.minimum, isInt)}`);
    }
  }

  private checkArray(v: unknown[], s: CompiledSchema, name: string): void {
    const items = s.items;
    if (items !== undefined) {
      for (let i = 0; i < v.length; i++) this.validate(v[i], items, `${name}[${i}]`);
    }
    if (s.minItems !== undefined && v.length < s.minItems) {
      this.invalid(name, v.length, `${this.where(name)} should have at least ${s.minItems} items`);
    }
    if (s.maxItems !== undefined && v.length > s.maxItems) {
      this.errs.push(new FieldError('FieldValueTooMany', this.path(name), v.length, 'has too many items'));
    }
    if (s.uniqueItems && v.length > 1) {
      const seen = new Set<string>();
      for (const e of v) {
        const k = canonicalJSON(e);
        if (seen.has(k)) {
          this.invalid(name, '', `${this.where(name)} shouldn't contain duplicates`);
          break;
        }
        seen.add(k);
      }
    }
  }

  private checkEnum(v: unknown, s: CompiledSchema, name: string): void {
    if (s.enumKeys === undefined || s.enumKeys.has(canonicalJSON(v))) return;
    const values = (s.enumValues ?? []).map((e) => (typeof e === 'string' ? e : canonicalJSON(e)));
    this.errs.push(fieldErrors.notSupported(this.path(name), v, values));
  }

  private checkObject(v: Record<string, unknown>, s: CompiledSchema, name: string): void {
    if (s.minProperties !== undefined || s.maxProperties !== undefined) {
      const n = Object.keys(v).length;
      // kube-openapi reports a property count error alone, without looking at the properties.
      if (s.minProperties !== undefined && n < s.minProperties) {
        this.invalid(name, n, `${this.where(name)} should have at least ${s.minProperties} properties`);
        return;
      }
      if (s.maxProperties !== undefined && n > s.maxProperties) {
        const items = s.maxProperties === 1 ? 'item' : 'items';
        this.errs.push(fieldErrors.withoutValue('FieldValueTooMany', this.path(name), `must have at most ${s.maxProperties} ${items}`));
        return;
      }
    }
    const props = s.properties;
    const additional = s.additionalProperties;
    if (additional === false) {
      for (const k of Object.keys(v)) {
        if (props?.has(k)) continue;
        this.invalid(name, k, `${name}.${k} in body is a forbidden property`);
      }
    } else if (typeof additional === 'object') {
      for (const k of Object.keys(v)) {
        if (props?.has(k)) continue;
        this.validate(v[k], additional, `${name}.${k}`);
      }
    }
    if (props !== undefined) {
      for (const [k, prop] of props) {
        const child = v[k];
        if (child === undefined) continue;
        this.validate(child, prop, name === '' ? k : `${name}.${k}`);
      }
    }
    for (const k of s.required) {
      if (!(k in v)) this.errs.push(fieldErrors.required(this.path(`${name}.${k}`)));
    }
  }
}
