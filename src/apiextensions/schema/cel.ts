// x-kubernetes-validations: CEL rules evaluated as apiextensions-apiserver's pkg/apiserver/schema/cel
// does, with @marcbachmann/cel-js as the evaluator. A rule sees the value at its schema node as `self`
// and, for transition rules on update, the correlated old value as `oldSelf`; a failed rule gives
// `<path>: Invalid value: "<schema type>": <message or "failed rule: <rule>">`.
//
// cel-js implements the CEL language and its standard functions, not Kubernetes' CEL libraries (lists,
// regex, URLs, quantities, IPs, format, authz): a rule calling one of those is not evaluated, which lets
// the object through rather than refusing objects upstream would accept.
import { parse, type ParseResult } from '@marcbachmann/cel-js';
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import type { CompiledSchema } from './compile.ts';
import type { ValidationRule } from './types.ts';

interface CompiledRule {
  rule: ValidationRule;
  program: ParseResult | undefined;
  messageProgram: ParseResult | undefined;
  usesOldSelf: boolean;
  /** The error detail when the rule fails without a message expression. */
  detail: string;
}

type JSONObject = Record<string, unknown>;
const isObject = (v: unknown): v is JSONObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function tryParse(src: string | undefined): ParseResult | undefined {
  if (src === undefined || src.trim() === '') return undefined;
  try {
    return parse(src);
  } catch {
    return undefined;
  }
}

const rulesBySchema = new WeakMap<CompiledSchema, CompiledRule[]>();

function rulesOf(s: CompiledSchema): CompiledRule[] {
  let rules = rulesBySchema.get(s);
  if (rules === undefined) {
    rules = s.validations.map((rule) => {
      const message = (rule.message ?? '').trim();
      return {
        rule,
        program: tryParse(rule.rule),
        messageProgram: tryParse(rule.messageExpression),
        usesOldSelf: /\boldSelf\b/.test(rule.rule),
        detail: message !== '' ? message : `failed rule: ${rule.rule.trim()}`,
      };
    });
    rulesBySchema.set(s, rules);
  }
  return rules;
}

/** JSON as CEL sees it: integers of integer-typed schemas are int64 (bigint), other numbers doubles. */
function toCel(v: unknown, s: CompiledSchema | undefined): unknown {
  if (typeof v === 'number') {
    const intTyped = s === undefined || s.types.length === 0 ? Number.isInteger(v) : s.types.includes('integer') && Number.isInteger(v);
    return intTyped ? BigInt(v) : v;
  }
  if (Array.isArray(v)) return v.map((e) => toCel(e, s?.items));
  if (isObject(v)) {
    const out: JSONObject = {};
    const additional = typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined;
    for (const [k, e] of Object.entries(v)) out[k] = toCel(e, s?.properties?.get(k) ?? additional);
    return out;
  }
  return v;
}

/** Errors from functions cel-js does not have (Kubernetes' libraries): the rule is not evaluated. */
function isMissingFunction(err: unknown): boolean {
  const m = err instanceof Error ? err.message : String(err);
  return /no matching overload|unknown function|is not a function|not supported/i.test(m);
}

function errorForReason(path: string, type: string, detail: string, reason: string | undefined): FieldError {
  switch (reason) {
    case 'FieldValueForbidden':
      return fieldErrors.forbidden(path, detail);
    case 'FieldValueRequired':
      return fieldErrors.required(path, detail);
    case 'FieldValueDuplicate':
      return fieldErrors.duplicate(path, type);
    default:
      return fieldErrors.invalid(path, type, detail);
  }
}

function ruleString(r: CompiledRule): string {
  const m = (r.rule.message ?? '').trim();
  return m !== '' ? m : r.rule.rule.trim();
}

function runRules(path: string, value: unknown, old: unknown, s: CompiledSchema, errs: FieldError[]): void {
  const type = s.types.length === 1 ? s.types[0]! : '';
  let self: unknown;
  let oldSelf: unknown;
  for (const r of rulesOf(s)) {
    if (r.program === undefined) continue;
    if (r.usesOldSelf && old === undefined && r.rule.optionalOldSelf !== true) continue;
    self ??= toCel(value, s);
    if (old !== undefined) oldSelf ??= toCel(old, s);
    const at = r.rule.fieldPath ? `${path}.${r.rule.fieldPath.replace(/^\./, '')}` : path;
    let result: unknown;
    try {
      result = r.program({ self, oldSelf });
    } catch (err) {
      if (isMissingFunction(err)) continue;
      const m = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      errs.push(fieldErrors.invalid(at, type, `${m.charAt(0).toLowerCase()}${m.slice(1)} evaluating rule: ${ruleString(r)}`));
      continue;
    }
    if (result === true) continue;
    let detail = r.detail;
    if (r.messageProgram !== undefined) {
      try {
        const msg: unknown = r.messageProgram({ self, oldSelf });
        if (typeof msg === 'string' && msg.trim() !== '' && !/[\n\r]/.test(msg)) detail = msg;
      } catch {
        // upstream falls back to the message (or the rule) when the message expression fails
      }
    }
    errs.push(errorForReason(at, type, detail, r.rule.reason));
  }
}

/** Old list items correlated with new ones: only list-type map items, by their keys. */
function correlatedItem(oldList: unknown, item: unknown, s: CompiledSchema): unknown {
  if (s.listType !== 'map' || !Array.isArray(oldList) || !isObject(item)) return undefined;
  return oldList.find((o) => isObject(o) && s.listMapKeys.every((k) => JSON.stringify(o[k]) === JSON.stringify(item[k])));
}

/** Runs every rule below `s` on `value`; `old` is the correlated old value (undefined on create). */
export function validateRules(path: string, value: unknown, old: unknown, s: CompiledSchema | undefined, errs: FieldError[]): void {
  if (s === undefined || !s.subtreeHasValidations || value === null || value === undefined) return;
  if (s.validations.length > 0) runRules(path, value, old, s, errs);
  const child = (k: string) => (path === '' ? k : `${path}.${k}`);
  if (Array.isArray(value)) {
    const items = s.items;
    if (items === undefined) return;
    value.forEach((e, i) => validateRules(`${path}[${i}]`, e, correlatedItem(old, e, s), items, errs));
    return;
  }
  if (!isObject(value)) return;
  const oldObj = isObject(old) ? old : undefined;
  const additional = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  for (const [k, e] of Object.entries(value)) {
    const prop = s.properties?.get(k);
    if (prop !== undefined) validateRules(child(k), e, oldObj?.[k], prop, errs);
    else if (additional !== undefined) {
      const correlated = s.mapType === 'atomic' ? undefined : oldObj?.[k];
      validateRules(`${path}[${k}]`, e, correlated, additional, errs);
    }
  }
}
