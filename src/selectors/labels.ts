// Label selectors with the semantics and error texts of k8s.io/apimachinery/pkg/labels (Parse,
// NewRequirement) and metav1.LabelSelectorAsSelector. Selectors are parsed once into compiled
// requirements; matching is a tight loop that allocates nothing.
import { isQualifiedName, isValidLabelValue } from '../api/names.ts';

/** A selector string or spec that upstream rejects; `message` is upstream's error text. */
export class SelectorParseError extends Error {
  override name = 'SelectorParseError';
}

export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  empty(): boolean;
  matches(labels: Record<string, string> | undefined): boolean;
  toString(): string;
}

/** Go's strconv.Quote (printable non-ASCII is kept as is). */
export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c !== 0x7f) out += s[i];
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0b) out += '\\v';
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** fmt %#v of a []string (nil when `vals` is null). */
function goStringSlice(vals: readonly string[] | null): string {
  return vals === null ? '[]string(nil)' : `[]string{${vals.map(goQuote).join(', ')}}`;
}

const invalid = (path: string, shownValue: string, detail: string) => `${path}: Invalid value: ${shownValue}: ${detail}`;

/** utilerrors.NewAggregate(...).Error() over already-formatted messages. */
function aggregate(msgs: string[]): string {
  const uniq = [...new Set(msgs)];
  return uniq.length === 1 ? uniq[0]! : `[${uniq.join(', ')}]`;
}

const INT64_RE = /^[+-]?[0-9]+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64), or undefined when that fails. */
function parseInt64(s: string): bigint | undefined {
  if (!INT64_RE.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

// ---------------------------------------------------------------------------------------------
// Requirements

const K_IN = 0; // in, =, ==
const K_NOTIN = 1; // notin, !=
const K_EXISTS = 2;
const K_NOT_EXISTS = 3;
const K_GT = 4;
const K_LT = 5;

const SET_THRESHOLD = 8;

class Requirement implements LabelRequirement {
  readonly kind: number;
  /** the single value, for one-value requirements */
  private readonly one: string;
  /** lookup set for large value lists */
  private readonly set: ReadonlySet<string> | undefined;
  private readonly bound: bigint;
  private readonly boundNum: number;

  constructor(
    readonly key: string,
    readonly operator: LabelOperator,
    readonly values: string[],
  ) {
    switch (operator) {
      case 'in':
      case '=':
      case '==':
        this.kind = K_IN;
        break;
      case 'notin':
      case '!=':
        this.kind = K_NOTIN;
        break;
      case 'exists':
        this.kind = K_EXISTS;
        break;
      case '!':
        this.kind = K_NOT_EXISTS;
        break;
      case 'gt':
        this.kind = K_GT;
        break;
      case 'lt':
        this.kind = K_LT;
        break;
    }
    this.one = values.length === 1 ? values[0]! : '';
    this.set = values.length > SET_THRESHOLD ? new Set(values) : undefined;
    this.bound = this.kind === K_GT || this.kind === K_LT ? (parseInt64(this.one) ?? 0n) : 0n;
    this.boundNum = Number(this.bound);
  }

  private hasValue(v: string): boolean {
    const vals = this.values;
    if (vals.length === 1) return this.one === v;
    if (this.set !== undefined) return this.set.has(v);
    for (let i = 0; i < vals.length; i++) if (vals[i] === v) return true;
    return false;
  }

  matches(labels: Record<string, string> | undefined): boolean {
    // typeof guards against inherited Object.prototype members ("constructor", ...).
    const v = labels == null ? undefined : labels[this.key];
    const has = typeof v === 'string';
    switch (this.kind) {
      case K_IN:
        return has && this.hasValue(v);
      case K_NOTIN:
        return !has || !this.hasValue(v);
      case K_EXISTS:
        return has;
      case K_NOT_EXISTS:
        return !has;
      default:
        return has && this.compare(v);
    }
  }

  private compare(v: string): boolean {
    const gt = this.kind === K_GT;
    // Fast path: up to 15 digits is exact as a double and well inside int64.
    const n = v.length;
    let i = 0;
    let neg = false;
    if (n > 0 && (v.charCodeAt(0) === 0x2b || v.charCodeAt(0) === 0x2d)) {
      neg = v.charCodeAt(0) === 0x2d;
      i = 1;
    }
    if (n - i > 0 && n - i <= 15) {
      let x = 0;
      for (; i < n; i++) {
        const d = v.charCodeAt(i) - 0x30;
        if (d < 0 || d > 9) return false;
        x = x * 10 + d;
      }
      if (neg) x = -x;
      return gt ? x > this.boundNum : x < this.boundNum;
    }
    const big = parseInt64(v);
    if (big === undefined) return false;
    return gt ? big > this.bound : big < this.bound;
  }

  toString(): string {
    const op = this.operator;
    if (op === 'exists') return this.key;
    if (op === '!') return `!${this.key}`;
    let vals: string;
    if (this.values.length === 1) vals = this.one;
    else vals = (isSorted(this.values) ? this.values : [...this.values].sort()).join(',');
    switch (op) {
      case 'in':
        return `${this.key} in (${vals})`;
      case 'notin':
        return `${this.key} notin (${vals})`;
      case 'gt':
        return `${this.key}>${vals}`;
      case 'lt':
        return `${this.key}<${vals}`;
      default:
        return `${this.key}${op}${vals}`;
    }
  }
}

function isSorted(a: readonly string[]): boolean {
  for (let i = 1; i < a.length; i++) if (a[i]! < a[i - 1]!) return false;
  return true;
}

/**
 * labels.NewRequirement with a nil path. `vals` null stands for a Go nil slice (only shows in
 * messages). Throws SelectorParseError with the aggregated field errors.
 */
function newRequirement(key: string, op: LabelOperator, vals: string[] | null): Requirement {
  const values = vals ?? [];
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) errs.push(invalid('key', goQuote(key), keyErrs.join('; ')));
  switch (op) {
    case 'in':
    case 'notin':
      if (values.length === 0)
        errs.push(invalid('values', goStringSlice(vals), "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1)
        errs.push(invalid('values', goStringSlice(vals), 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0)
        errs.push(invalid('values', goStringSlice(vals), 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1)
        errs.push(invalid('values', goStringSlice(vals), "for 'Gt', 'Lt' operators, exactly one value is required"));
      for (let i = 0; i < values.length; i++) {
        if (parseInt64(values[i]!) === undefined)
          errs.push(
            invalid(`values[${i}]`, goQuote(values[i]!), "for 'Gt', 'Lt' operators, the value must be an integer"),
          );
      }
      break;
  }
  for (let i = 0; i < values.length; i++) {
    const ve = isValidLabelValue(values[i]!);
    if (ve.length > 0) errs.push(invalid(`values[${i}][${key}]`, goQuote(values[i]!), ve.join('; ')));
  }
  if (errs.length > 0) throw new SelectorParseError(aggregate(errs));
  return new Requirement(key, op, values);
}

// ---------------------------------------------------------------------------------------------
// Selectors

class InternalSelector implements LabelSelector {
  private str: string | undefined;
  constructor(readonly requirements: readonly Requirement[]) {}
  empty(): boolean {
    return this.requirements.length === 0;
  }
  matches(labels: Record<string, string> | undefined): boolean {
    const reqs = this.requirements;
    for (let i = 0; i < reqs.length; i++) if (!reqs[i]!.matches(labels)) return false;
    return true;
  }
  toString(): string {
    return (this.str ??= this.requirements.map((r) => r.toString()).join(','));
  }
}

class NothingSelector implements LabelSelector {
  readonly requirements: readonly LabelRequirement[] = [];
  empty(): boolean {
    return false;
  }
  matches(): boolean {
    return false;
  }
  toString(): string {
    return '';
  }
}

const EVERYTHING: LabelSelector = new InternalSelector([]);
const NOTHING: LabelSelector = new NothingSelector();

/** labels.Everything() */
export function everythingLabels(): LabelSelector {
  return EVERYTHING;
}

/** labels.Nothing() */
export function nothingLabels(): LabelSelector {
  return NOTHING;
}

function byKey(reqs: Requirement[]): Requirement[] {
  // Array.prototype.sort is stable, like Go's sort.Sort on the short lists selectors have.
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Lexer

const T_EOS = 0;
const T_CLOSE = 1;
const T_COMMA = 2;
const T_NOT = 3;
const T_DEQ = 4;
const T_EQ = 5;
const T_GT = 6;
const T_ID = 7;
const T_IN = 8;
const T_LT = 9;
const T_NEQ = 10;
const T_NOTIN = 11;
const T_OPEN = 12;

const SYMBOLS: Record<string, number> = {
  ')': T_CLOSE,
  ',': T_COMMA,
  '!': T_NOT,
  '==': T_DEQ,
  '=': T_EQ,
  '>': T_GT,
  '<': T_LT,
  '!=': T_NEQ,
  '(': T_OPEN,
};

const isWhitespace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
// = ! ( ) , > <
const isSpecial = (c: number) =>
  c === 0x3d || c === 0x21 || c === 0x28 || c === 0x29 || c === 0x2c || c === 0x3e || c === 0x3c;

/**
 * Tokenizes like upstream's byte lexer, including its quirk that a NUL character ends the
 * current token (and, where whitespace is expected, the input).
 */
function lex(s: string): { toks: number[]; lits: string[] } {
  const toks: number[] = [];
  const lits: string[] = [];
  const n = s.length;
  let pos = 0;
  // read(): 0 at end of input without advancing; a NUL character also reads as 0 but advances.
  const read = () => (pos < n ? s.charCodeAt(pos++) : 0);
  for (;;) {
    let c = read();
    while (isWhitespace(c)) c = read();
    if (c === 0) {
      toks.push(T_EOS);
      lits.push('');
      return { toks, lits };
    }
    if (isSpecial(c)) {
      let lit = String.fromCharCode(c);
      const c2 = read();
      if (c2 !== 0) {
        if (isSpecial(c2) && SYMBOLS[lit + String.fromCharCode(c2)] !== undefined) {
          lit += String.fromCharCode(c2);
          // no three-character symbol exists; consume a trailing NUL as upstream does
          if (read() !== 0) pos--;
        } else {
          pos--;
        }
      }
      toks.push(SYMBOLS[lit]!);
      lits.push(lit);
      continue;
    }
    const start = pos - 1;
    let end = pos;
    for (;;) {
      const ch = read();
      if (ch === 0) break;
      if (isSpecial(ch) || isWhitespace(ch)) {
        pos--;
        break;
      }
      end = pos;
    }
    const lit = s.slice(start, end);
    toks.push(lit === 'in' ? T_IN : lit === 'notin' ? T_NOTIN : T_ID);
    lits.push(lit);
  }
}

// ---------------------------------------------------------------------------------------------
// Parser

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

class Parser {
  private p = 0;
  constructor(
    private readonly toks: number[],
    private readonly lits: string[],
  ) {}

  /** Token at the cursor; in a values context the keywords in/notin are plain identifiers. */
  private peek(values: boolean): number {
    const t = this.toks[this.p]!;
    return values && (t === T_IN || t === T_NOTIN) ? T_ID : t;
  }
  private get lit(): string {
    return this.lits[this.p]!;
  }
  private next(values: boolean): number {
    const t = this.peek(values);
    this.p++;
    return t;
  }
  private get prevLit(): string {
    return this.lits[this.p - 1]!;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const t = this.peek(true);
      if (t === T_EOS) return reqs;
      if (t !== T_ID && t !== T_NOT)
        throw new SelectorParseError(`found '${this.lit}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (e) {
        if (e instanceof SelectorParseError) throw new SelectorParseError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const after = this.next(true);
      if (after === T_EOS) return reqs;
      if (after !== T_COMMA) throw new SelectorParseError(`found '${this.prevLit}', expected: ',' or 'end of string'`);
      const t2 = this.peek(true);
      if (t2 !== T_ID && t2 !== T_NOT) throw new SelectorParseError(`found '${this.lit}', expected: identifier after ','`);
    }
  }

  private requirement(): Requirement {
    let t = this.next(true);
    let notExists = false;
    if (t === T_NOT) {
      notExists = true;
      t = this.next(true);
    }
    const key = this.prevLit;
    if (t !== T_ID) throw new SelectorParseError(`found '${key}', expected: identifier`);
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length > 0) throw new SelectorParseError(invalid('<nil>', goQuote(key), keyErrs.join('; ')));
    if (notExists) return newRequirement(key, '!', []);
    const la = this.peek(true);
    if (la === T_EOS || la === T_COMMA) return newRequirement(key, 'exists', []);

    let op: LabelOperator;
    switch (this.next(false)) {
      case T_IN:
        op = 'in';
        break;
      case T_NOTIN:
        op = 'notin';
        break;
      case T_EQ:
        op = '=';
        break;
      case T_DEQ:
        op = '==';
        break;
      case T_NEQ:
        op = '!=';
        break;
      case T_GT:
        op = 'gt';
        break;
      case T_LT:
        op = 'lt';
        break;
      default:
        throw new SelectorParseError(`found '${this.prevLit}', expected: ${BINARY_OPERATORS}`);
    }
    const vals = op === 'in' || op === 'notin' ? this.valueSet() : [this.exactValue()];
    // sets.String.List(): de-duplicated and sorted
    const list = vals.length > 1 ? [...new Set(vals)].sort() : vals;
    return newRequirement(key, op, list);
  }

  private valueSet(): string[] {
    if (this.next(true) !== T_OPEN) throw new SelectorParseError(`found '${this.prevLit}' expected: '('`);
    const t = this.peek(true);
    if (t === T_CLOSE) {
      this.p++;
      return [''];
    }
    if (t !== T_ID && t !== T_COMMA)
      throw new SelectorParseError(`found '${this.lit}', expected: ',', ')' or identifier`);
    const vals = this.identifierList();
    this.p++; // the ')' identifierList stopped at
    return vals;
  }

  /** A comma-separated list of possibly empty identifiers, up to (not including) ')'. */
  private identifierList(): string[] {
    const vals: string[] = [];
    for (;;) {
      const t = this.next(true);
      if (t === T_ID) {
        vals.push(this.prevLit);
        const t2 = this.peek(true);
        if (t2 === T_CLOSE) return vals;
        if (t2 !== T_COMMA) throw new SelectorParseError(`found '${this.lit}', expected: ',' or ')'`);
      } else if (t === T_COMMA) {
        if (vals.length === 0) vals.push('');
        const t2 = this.peek(true);
        if (t2 === T_CLOSE) {
          vals.push('');
          return vals;
        }
        if (t2 === T_COMMA) vals.push('');
      } else {
        throw new SelectorParseError(`found '${this.prevLit}', expected: ',', or identifier`);
      }
    }
  }

  private exactValue(): string {
    const t = this.peek(true);
    if (t === T_EOS || t === T_COMMA) return '';
    if (this.next(true) === T_ID) return this.prevLit;
    throw new SelectorParseError(`found '${this.prevLit}', expected: identifier`);
  }
}

/**
 * labels.Parse: '' (or only whitespace) selects everything. Requirements are sorted by key.
 * Throws SelectorParseError carrying upstream's message.
 */
export function parseLabelSelector(s: string): LabelSelector {
  const { toks, lits } = lex(s);
  if (toks.length === 1) return EVERYTHING;
  return new InternalSelector(byKey(new Parser(toks, lits).parse()));
}

export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

const SPEC_OPERATORS: Record<string, LabelOperator> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * metav1.LabelSelectorAsSelector: null/undefined selects nothing, an empty spec everything.
 * Throws SelectorParseError on an unknown operator or an invalid requirement.
 */
export function labelSelectorFromSpec(spec: LabelSelectorSpec | null | undefined): LabelSelector {
  if (spec == null) return NOTHING;
  const ml = spec.matchLabels ?? {};
  const mlKeys = Object.keys(ml);
  const exprs = spec.matchExpressions ?? [];
  if (mlKeys.length + exprs.length === 0) return EVERYTHING;
  const reqs: Requirement[] = [];
  for (const k of mlKeys) reqs.push(newRequirement(k, '=', [ml[k]!]));
  for (const e of exprs) {
    const op = Object.hasOwn(SPEC_OPERATORS, e.operator) ? SPEC_OPERATORS[e.operator] : undefined;
    if (op === undefined)
      throw new SelectorParseError(`${goQuote(String(e.operator ?? ''))} is not a valid label selector operator`);
    reqs.push(newRequirement(e.key, op, e.values && e.values.length > 0 ? [...e.values] : null));
  }
  return new InternalSelector(byKey(reqs));
}
