// Field selectors with the semantics and error texts of k8s.io/apimachinery/pkg/fields
// (ParseSelector, EscapeValue/UnescapeValue). A missing field reads as "", as upstream's
// Fields.Get does.
import { SelectorParseError } from './labels.ts';

export interface FieldRequirement {
  field: string;
  /** upstream reports `==` terms as `=` (selection.Equals), and so does this */
  operator: '=' | '==' | '!=';
  value: string;
}

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  empty(): boolean;
  matches(get: (field: string) => string | undefined): boolean;
  toString(): string;
  /** value required by an exact = / == requirement on `field`, for index lookups */
  exactValue(field: string): string | undefined;
}

/** fields.EscapeValue: backslash-escapes \ , and = so a value parses back unambiguously. */
export function escapeFieldValue(s: string): string {
  return /[\\,=]/.test(s) ? s.replace(/[\\,=]/g, '\\$&') : s;
}

/** fields.UnescapeValue; throws SelectorParseError with upstream's messages. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=')
        throw new SelectorParseError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Go formats the rune with %v, i.e. as its code point number
      throw new SelectorParseError(`invalid field selector: unescaped character in value: ${c.charCodeAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new SelectorParseError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas not escaped by a backslash; escapes stay in the terms. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inSlash) inSlash = false;
    else if (c === 0x5c) inSlash = true;
    else if (c === 0x2c) {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

class Term implements FieldRequirement {
  constructor(
    readonly field: string,
    readonly operator: '=' | '!=',
    readonly value: string,
  ) {}
  toString(): string {
    return `${this.field}${this.operator}${escapeFieldValue(this.value)}`;
  }
}

class AndSelector implements FieldSelector {
  private str: string | undefined;
  constructor(readonly requirements: readonly Term[]) {}
  empty(): boolean {
    return this.requirements.length === 0;
  }
  matches(get: (field: string) => string | undefined): boolean {
    const reqs = this.requirements;
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i]!;
      const v = get(r.field) ?? '';
      if ((v === r.value) !== (r.operator === '=')) return false;
    }
    return true;
  }
  exactValue(field: string): string | undefined {
    for (const r of this.requirements) if (r.operator === '=' && r.field === field) return r.value;
    return undefined;
  }
  toString(): string {
    return (this.str ??= this.requirements.map((r) => r.toString()).join(','));
  }
}

const EVERYTHING: FieldSelector = new AndSelector([]);

/** fields.Everything() */
export function everythingFields(): FieldSelector {
  return EVERYTHING;
}

/**
 * fields.ParseSelector: comma-separated `field=value`, `field==value` or `field!=value` terms,
 * sorted; values may escape \ , = with a backslash. Terms with empty field and value drop out.
 */
export function parseFieldSelector(s: string): FieldSelector {
  const parts = splitTerms(s).sort();
  const terms: Term[] = [];
  for (const part of parts) {
    if (part === '') continue;
    // the first operator occurrence splits the term; "!=" and "==" win over "=" at a position
    let i = 0;
    let opLen = 0;
    let op: '=' | '!=' = '=';
    for (; i < part.length; i++) {
      const c = part.charCodeAt(i);
      const next = part.charCodeAt(i + 1);
      if (c === 0x21 && next === 0x3d) {
        op = '!=';
        opLen = 2;
        break;
      }
      if (c === 0x3d) {
        opLen = next === 0x3d ? 2 : 1;
        break;
      }
    }
    if (opLen === 0) throw new SelectorParseError(`invalid selector: '${s}'; can't understand '${part}'`);
    const field = part.slice(0, i);
    const value = unescapeFieldValue(part.slice(i + opLen));
    if (field === '' && value === '') continue;
    terms.push(new Term(field, op, value));
  }
  return terms.length === 0 ? EVERYTHING : new AndSelector(terms);
}
