// additionalPrinterColumns cells as apiextensions-apiserver's table convertor computes them
// (pkg/registry/customresource/tableconvertor): the column's JSONPath, wrapped in `{}`, is evaluated the
// way k8s.io/client-go/util/jsonpath does with missing keys allowed; only the first value found fills the
// cell, and a missing value gives null, which kubectl prints as <none>.
import { humanDuration } from '../registry/printing.ts';
import { canonicalJSON } from './schema/compile.ts';
import { goFloat } from './schema/openapi-validate.ts';

type Step =
  | { kind: 'field'; names: string[] }
  | { kind: 'recursive' }
  | { kind: 'wildcard' }
  | { kind: 'index'; indices: number[] }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'filter'; left: Operand; op: string | undefined; right: Operand | undefined };

type Operand = { kind: 'path'; steps: Step[] } | { kind: 'literal'; value: unknown };

class PathSyntaxError extends Error {}

// ---------------------------------------------------------------- parsing

const FIELD_END = new Set(['.', '[', ']', ' ', ',', '}', '{', ')', '(', '=', '!', '<', '>', '\t']);

class Parser {
  pos = 0;
  constructor(readonly src: string) {}

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private fail(msg: string): never {
    throw new PathSyntaxError(msg);
  }

  parsePath(stopAt?: string): Step[] {
    const steps: Step[] = [];
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (stopAt !== undefined && stopAt.includes(c)) break;
      if (c === ' ' || c === '\t') {
        if (stopAt !== undefined) break;
        this.pos++;
        continue;
      }
      if (c === '$' && steps.length === 0) {
        this.pos++;
        continue;
      }
      if (c === '.') {
        this.pos++;
        if (this.peek() === '.') {
          this.pos++;
          steps.push({ kind: 'recursive' });
        }
        if (this.peek() === '*') {
          this.pos++;
          steps.push({ kind: 'wildcard' });
          continue;
        }
        const name = this.readField();
        if (name !== '') steps.push({ kind: 'field', names: [name] });
        continue;
      }
      if (c === '[') {
        steps.push(this.readBracket());
        continue;
      }
      this.fail(`unrecognized character in action: ${JSON.stringify(c)}`);
    }
    return steps;
  }

  private readField(): string {
    let out = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '\\' && this.src[this.pos + 1] === '.') {
        out += '.';
        this.pos += 2;
        continue;
      }
      if (FIELD_END.has(c)) break;
      out += c;
      this.pos++;
    }
    return out;
  }

  private readQuoted(): string {
    const q = this.src[this.pos]!;
    this.pos++;
    let out = '';
    while (this.pos < this.src.length && this.src[this.pos] !== q) {
      if (this.src[this.pos] === '\\' && this.pos + 1 < this.src.length) this.pos++;
      out += this.src[this.pos];
      this.pos++;
    }
    if (this.pos >= this.src.length) this.fail('unterminated quoted string');
    this.pos++;
    return out;
  }

  private readBracket(): Step {
    this.pos++; // [
    const close = this.src.indexOf(']', this.pos);
    if (close < 0) this.fail('unterminated array');
    const c = this.peek();
    if (c === '?') {
      this.pos++;
      if (this.peek() !== '(') this.fail('unrecognized filter');
      this.pos++;
      const step = this.readFilter();
      this.skipSpaces();
      if (this.peek() !== ')') this.fail('unterminated filter');
      this.pos++;
      if (this.peek() !== ']') this.fail('unterminated filter');
      this.pos++;
      return step;
    }
    if (c === "'" || c === '"') {
      const names: string[] = [];
      for (;;) {
        this.skipSpaces();
        const q = this.peek();
        if (q !== "'" && q !== '"') this.fail('invalid array index');
        names.push(this.readQuoted());
        this.skipSpaces();
        if (this.peek() === ',') {
          this.pos++;
          continue;
        }
        if (this.peek() !== ']') this.fail('unterminated array');
        this.pos++;
        return { kind: 'field', names };
      }
    }
    const body = this.src.slice(this.pos, close).trim();
    this.pos = close + 1;
    if (body === '*') return { kind: 'wildcard' };
    if (body.includes(':')) {
      const parts = body.split(':');
      if (parts.length > 3) this.fail(`invalid array index ${body}`);
      const num = (p: string | undefined): number | undefined => {
        if (p === undefined || p.trim() === '') return undefined;
        if (!/^-?\d+$/.test(p.trim())) this.fail(`invalid array index ${body}`);
        return Number(p);
      };
      return { kind: 'slice', start: num(parts[0]), end: num(parts[1]), step: num(parts[2]) };
    }
    const indices = body.split(',').map((p) => {
      if (!/^-?\d+$/.test(p.trim())) this.fail(`invalid array index ${body}`);
      return Number(p);
    });
    return { kind: 'index', indices };
  }

  private skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  private readOperand(): Operand {
    this.skipSpaces();
    const c = this.peek();
    if (c === '@') {
      this.pos++;
      return { kind: 'path', steps: this.parsePath(' )=!<>') };
    }
    if (c === "'" || c === '"') return { kind: 'literal', value: this.readQuoted() };
    const m = /^(-?\d+(?:\.\d+)?|true|false|null)/.exec(this.src.slice(this.pos));
    if (!m) this.fail('unrecognized filter operand');
    this.pos += m[0].length;
    return { kind: 'literal', value: JSON.parse(m[0]) as unknown };
  }

  private readFilter(): Step {
    const left = this.readOperand();
    this.skipSpaces();
    const m = /^(==|!=|<=|>=|<|>)/.exec(this.src.slice(this.pos));
    if (!m) return { kind: 'filter', left, op: undefined, right: undefined };
    this.pos += m[0].length;
    const right = this.readOperand();
    return { kind: 'filter', left, op: m[0], right };
  }
}

const parsed = new Map<string, Step[]>();

function parse(jsonPath: string): Step[] {
  let steps = parsed.get(jsonPath);
  if (steps === undefined) {
    let src = jsonPath.trim();
    // A column's path may already carry the template braces.
    if (src.startsWith('{') && src.endsWith('}')) src = src.slice(1, -1);
    steps = new Parser(src).parsePath();
    parsed.set(jsonPath, steps);
  }
  return steps;
}

/** Whether client-go's parser would accept the path (the table convertor refuses a CRD whose column does not parse). */
export function parsePrinterColumnPath(jsonPath: string): string | undefined {
  try {
    parse(jsonPath);
    return undefined;
  } catch (err) {
    if (err instanceof PathSyntaxError) return err.message;
    throw err;
  }
}

// ---------------------------------------------------------------- evaluation

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function descendants(v: unknown, out: unknown[]): void {
  out.push(v);
  if (Array.isArray(v)) for (const e of v) descendants(e, out);
  else if (isObject(v)) for (const e of Object.values(v)) descendants(e, out);
}

function compare(l: unknown, op: string, r: unknown): boolean {
  if (op === '==') return l === r;
  if (op === '!=') return l !== r;
  if (typeof l === 'number' && typeof r === 'number') {
    return op === '<' ? l < r : op === '>' ? l > r : op === '<=' ? l <= r : l >= r;
  }
  if (typeof l === 'string' && typeof r === 'string') {
    return op === '<' ? l < r : op === '>' ? l > r : op === '<=' ? l <= r : l >= r;
  }
  return false;
}

function operandValues(o: Operand, current: unknown): unknown[] {
  return o.kind === 'literal' ? [o.value] : evaluate(o.steps, [current]);
}

function applyStep(step: Step, inputs: unknown[]): unknown[] {
  const out: unknown[] = [];
  switch (step.kind) {
    case 'field':
      for (const v of inputs) {
        if (!isObject(v)) continue;
        for (const n of step.names) if (n in v) out.push(v[n]);
      }
      return out;
    case 'recursive':
      for (const v of inputs) descendants(v, out);
      return out;
    case 'wildcard':
      for (const v of inputs) {
        if (Array.isArray(v)) out.push(...v);
        else if (isObject(v)) out.push(...Object.values(v));
      }
      return out;
    case 'index':
      for (const v of inputs) {
        if (!Array.isArray(v)) continue;
        for (const i of step.indices) {
          const j = i < 0 ? v.length + i : i;
          if (j >= 0 && j < v.length) out.push(v[j]);
        }
      }
      return out;
    case 'slice':
      for (const v of inputs) {
        if (!Array.isArray(v)) continue;
        const norm = (i: number | undefined, dflt: number) => {
          if (i === undefined) return dflt;
          const j = i < 0 ? v.length + i : i;
          return Math.min(Math.max(j, 0), v.length);
        };
        const start = norm(step.start, 0);
        const end = norm(step.end, v.length);
        const by = step.step && step.step > 0 ? step.step : 1;
        for (let i = start; i < end; i += by) out.push(v[i]);
      }
      return out;
    case 'filter':
      for (const v of inputs) {
        const elems = Array.isArray(v) ? v : isObject(v) ? Object.values(v) : [];
        for (const e of elems) {
          const lefts = operandValues(step.left, e);
          if (step.op === undefined || step.right === undefined) {
            if (lefts.length > 0) out.push(e);
            continue;
          }
          const rights = operandValues(step.right, e);
          if (lefts.length === 0 || rights.length === 0) continue;
          if (compare(lefts[0], step.op, rights[0])) out.push(e);
        }
      }
      return out;
  }
}

function evaluate(steps: Step[], inputs: unknown[]): unknown[] {
  let values = inputs;
  for (const step of steps) {
    values = applyStep(step, values);
    if (values.length === 0) break;
  }
  return values;
}

/** How client-go's PrintResults shows a value: lists and maps as compact JSON, scalars as Go's fmt.Fprint. */
function printValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === 'boolean') return String(v);
  return canonicalJSON(v);
}

// metav1.Time's query-parameter form: RFC 3339 to the second, with an optional fraction.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

function dateCell(s: string, now: number): string {
  if (s === '' || s === 'null') return '<unknown>';
  if (!RFC3339.test(s)) return '<invalid>';
  const t = Date.parse(s);
  return Number.isNaN(t) ? '<invalid>' : humanDuration(now - t);
}

/**
 * One additionalPrinterColumns cell. `type` is the column's type; the result is what the Table row
 * carries: a string, number or boolean, or null when the path finds nothing or the value does not fit
 * the type. A `date` column holds the age (`5m`), computed against `now`.
 */
export function evaluatePrinterColumn(obj: unknown, jsonPath: string, type: string, format: string, now = Date.now()): unknown {
  void format; // upstream's table convertor shows every format the same way
  let values: unknown[];
  try {
    values = evaluate(parse(jsonPath), [obj]);
  } catch (err) {
    if (err instanceof PathSyntaxError) return null;
    throw err;
  }
  if (values.length === 0) return null;
  const value = values[0];
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'string':
      return printValue(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return typeof value === 'string' ? dateCell(value, now) : null;
    default:
      return null;
  }
}

/** CRD validation of a column's JSONPath (validateSimpleJSONPath): an error detail, or undefined. */
export function validatePrinterColumnPath(jsonPath: string): string | undefined {
  if (jsonPath.length === 0) return 'must not be empty';
  if (jsonPath[0] !== '.') return 'must be a simple json path starting with .';
  return undefined;
}
