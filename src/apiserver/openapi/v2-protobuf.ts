// The protobuf form of /openapi/v2 (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`).
//
// kube-apiserver produces it by marshalling its Swagger document to JSON, parsing that JSON with gnostic's
// generated compiler (`openapi_v2.ParseDocument`, which reads it as YAML) and marshalling the resulting
// `openapi.v2.Document` message. kubectl 1.27/1.28 read nothing else for `explain` and for deciding how to
// validate, so this file reproduces that pipeline's observable result byte for byte:
//
// - Map entries (definitions, properties, paths, responses, vendor extensions, keys inside extension
//   values) come out in Go's sorted order, because kube-apiserver's JSON comes from Go maps.
// - Every `x-*` key becomes a NamedAny whose Any carries only `yaml`: the value re-emitted by yaml.v3 with
//   gnostic's style reset (4-space indent, block collections, literal blocks for multi-line strings,
//   quoting exactly where a plain scalar would be read back as something other than a string).
// - gnostic's validation decides which arm of every oneof is taken (the last arm that parses without
//   error wins), and any error anywhere fails the whole document, just as kube-apiserver then answers
//   503. Here that is a thrown OpenAPIv2ProtobufError, so a malformed document is caught at start-up.
// - proto3 rules: zero scalars are omitted, but a oneof scalar (additionalProperties: false) and a present
//   but empty message (`properties: {}`) are written.

import { Writer } from '../protobuf/writer.ts';

/** The JSON data model, as JSON.stringify would see the document (undefined members are dropped). */
export type Json = null | boolean | number | string | readonly Json[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: Json | undefined;
}

export class OpenAPIv2ProtobufError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `OpenAPI v2 document is not valid for gnostic (kube-apiserver would answer 503): ${problems.slice(0, 10).join('; ')}` +
        (problems.length > 10 ? ` (and ${problems.length - 10} more)` : ''),
    );
    this.name = 'OpenAPIv2ProtobufError';
  }
}

/**
 * Encodes a Swagger 2.0 document (the JSON served at /openapi/v2) as the gnostic `openapi.v2.Document`
 * protobuf message, the way kube-apiserver serves it to protobuf clients.
 * Throws OpenAPIv2ProtobufError where gnostic would reject the document.
 */
export function encodeOpenAPIv2Protobuf(doc: object): Buffer {
  const root = asYamlSees(doc as Json, '$root');
  const e = new Encoder();
  encodeDocument(e, root);
  if (e.errors.length > 0) throw new OpenAPIv2ProtobufError(e.messages());
  return e.w.finish();
}

// ---------------------------------------------------------------------------------------------------------
// The JSON as yaml.v3 sees it.

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isArray(v: Json | undefined): v is readonly Json[] {
  return Array.isArray(v);
}

// The characters yaml.v3's reader refuses in a stream. JSON.stringify escapes C0 controls but leaves these
// raw, and a lone surrogate becomes a \u escape that yaml.v3 also rejects, so kube-apiserver would fail on
// any of them.
const YAML_FORBIDDEN = /[\x7f-\x84\x86-\x9f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Rejects what is not JSON data, or what yaml.v3 could not read back, before anything is encoded.
 * Returns whether some string or key holds U+0085, the one line break Go's JSON encoder leaves raw.
 */
function checkJson(root: Json, rootPath: string): boolean {
  let nel = false;
  const stack: Array<[Json | undefined, string]> = [[root, rootPath]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v === 'boolean') continue;
    if (typeof v === 'string') {
      if (YAML_FORBIDDEN.test(v)) throw new OpenAPIv2ProtobufError([`${path}: string has a character YAML cannot carry`]);
      if (v.includes('\u0085')) nel = true;
      continue;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new OpenAPIv2ProtobufError([`${path}: ${v} is not a JSON number`]);
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push([v[i] as Json | undefined, path]);
      continue;
    }
    if (typeof v === 'object') {
      for (const k of Object.keys(v)) {
        if (YAML_FORBIDDEN.test(k)) throw new OpenAPIv2ProtobufError([`${path}: key has a character YAML cannot carry`]);
        // yaml.v3 reads a JSON key as a YAML simple key, which must stay on one line and end within 1024
        // characters of its opening quote.
        if (k.includes('\u0085')) throw new OpenAPIv2ProtobufError([`${path}: key ${JSON.stringify(k)} holds a line break`]);
        if (k.length > 170 && goJsonTokenLength(k) > 1024) throw new OpenAPIv2ProtobufError([`${path}: key longer than YAML allows`]);
        const child = (v as JsonObject)[k];
        if (child !== undefined) stack.push([child, `${path}.${k}`]);
      }
      continue;
    }
    // undefined inside an array is null in JSON; anything else (function, bigint, symbol) has no JSON form.
    if (v === undefined) continue;
    throw new OpenAPIv2ProtobufError([`${path}: ${typeof v} is not JSON data`]);
  }
  return nel;
}

/** Code points in Go's json.Marshal rendering of `s`, quotes included. */
function goJsonTokenLength(s: string): number {
  let n = 2;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\' || ch === '\n' || ch === '\r' || ch === '\t') n += 2;
    else if (cp < 0x20 || ch === '<' || ch === '>' || ch === '&' || cp === 0x2028 || cp === 0x2029) n += 6;
    else n += 1;
  }
  return n;
}

/**
 * What yaml.v3 makes of a JSON string holding a raw U+0085: inside a double-quoted scalar that is a line
 * break, so it is folded like one (spaces around it dropped; one break becomes a space, n breaks n-1
 * newlines). Go's JSON encoder escapes every other line break, and tabs, so only spaces count as blanks.
 */
function foldNel(s: string, path: string): string {
  let out = '';
  let i = 0;
  let lineStart = false;
  while (i < s.length) {
    if (lineStart && /^(?:---|\.\.\.)[ \u0085]/.test(s.slice(i, i + 4))) {
      throw new OpenAPIv2ProtobufError([`${path}: a YAML document marker follows U+0085`]);
    }
    lineStart = false;
    while (i < s.length && s[i] !== ' ' && s[i] !== '\u0085') out += s[i++];
    let spaces = '';
    let breaks = 0;
    while (i < s.length && (s[i] === ' ' || s[i] === '\u0085')) {
      if (s[i] === ' ') {
        if (breaks === 0) spaces += ' ';
        lineStart = false;
      } else {
        breaks++;
        lineStart = true;
      }
      i++;
    }
    if (breaks === 0) out += spaces;
    else out += breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
  }
  return out;
}

/** The document as gnostic receives it once yaml.v3 has read kube-apiserver's JSON rendering of it. */
function foldedCopy(v: Json | undefined, path: string): Json {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v.includes('\u0085') ? foldNel(v, path) : v;
  if (typeof v !== 'object') return v;
  if (isArray(v)) return v.map((x) => foldedCopy(x, path));
  const out: Record<string, Json> = {};
  for (const k of Object.keys(v)) {
    if (v[k] === undefined) continue;
    out[k] = foldedCopy(v[k], `${path}.${k}`);
  }
  return out;
}

/** The JSON value gnostic works on: checked, and with raw line breaks folded as yaml.v3 folds them. */
function asYamlSees(v: Json, path: string): Json {
  return checkJson(v, path) ? foldedCopy(v, path) : v;
}

/** Array items as JSON.stringify writes them. */
function items(v: readonly Json[]): Json[] {
  return v.map((x) => (x === undefined ? null : x));
}

/** Go orders map keys by UTF-8 bytes; UTF-16 order differs only once surrogates are involved. */
function goKeyCompare(a: string, b: string): number {
  if (a === b) return 0;
  if (/[\ud800-\udfff]/.test(a) || /[\ud800-\udfff]/.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : 1;
}

/** A mapping's entries in the order kube-apiserver's JSON has them; anything else reads as an empty map. */
function entries(v: Json | undefined): Array<[string, Json]> {
  if (!isObject(v)) return [];
  const keys = Object.keys(v).filter((k) => v[k] !== undefined);
  keys.sort(goKeyCompare);
  return keys.map((k) => [k, v[k] as Json]);
}

function lookup(m: Json | undefined, key: string): Json | undefined {
  if (!isObject(m)) return undefined;
  return Object.prototype.hasOwnProperty.call(m, key) ? m[key] : undefined;
}

type ScalarTag = 'str' | 'int' | 'float' | 'bool' | 'null';

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** The text JSON.stringify gives a number, which is what yaml.v3 would read. */
function numberText(n: number): string {
  return JSON.stringify(n);
}

function numberTag(text: string): 'int' | 'float' {
  if (!/^-?\d+$/.test(text)) return 'float';
  const b = BigInt(text);
  return b >= INT64_MIN && b <= UINT64_MAX ? 'int' : 'float';
}

function scalarTag(v: Json): ScalarTag | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return numberTag(numberText(v));
    default:
      return undefined;
  }
}

/** yaml.Node.Value of a scalar. */
function scalarText(v: Json): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return numberText(v);
    default:
      return undefined;
  }
}

/** gnostic's StringForScalarNode: strings, integers (as written) and null (as ""). */
function stringFor(v: Json): string | undefined {
  const tag = scalarTag(v);
  if (tag === 'str') return v as string;
  if (tag === 'int') return numberText(v as number);
  if (tag === 'null') return '';
  return undefined;
}

function boolFor(v: Json): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

function intFor(v: Json): number | bigint | undefined {
  if (typeof v !== 'number') return undefined;
  const text = numberText(v);
  if (numberTag(text) !== 'int') return undefined;
  const b = BigInt(text);
  if (b > 2n ** 63n - 1n) return undefined;
  return Number.isSafeInteger(v) ? v : b;
}

function floatFor(v: Json): number | undefined {
  if (typeof v !== 'number') return undefined;
  // -0 is written "0" in JSON.
  return v === 0 ? 0 : v;
}

function stringArrayFor(seq: readonly Json[]): string[] {
  const out: string[] = [];
  for (const item of items(seq)) {
    const s = stringFor(item);
    if (s !== undefined) out.push(s);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// YAML as gnostic stores it in Any.yaml: yaml.v3's emitter over a node tree whose styles were cleared.
// Lines are never wrapped (yaml.v3's default width is unlimited), and nothing carries a tag, anchor or comment.

const BEST_INDENT = 4;

const RESOLVE_NON_STR = new Set([
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
]);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.\d+(?:_\d+)*(?:[eE][-+]?\d+(?:_\d+)*)?$/;

/** Go's strconv.ParseInt(s, 0, 64) or ParseUint(s, 0, 64) succeeding (underscores already removed). */
function goParsesAsInteger(s: string): boolean {
  let sign = '';
  let body = s;
  if (body[0] === '+' || body[0] === '-') {
    sign = body[0];
    body = body.slice(1);
  }
  if (body === '') return false;
  let digits: RegExp = /^[0-9]+$/;
  let radix = 10;
  if (body[0] === '0') {
    const p = body[1]?.toLowerCase();
    if (body.length >= 3 && (p === 'b' || p === 'o' || p === 'x')) {
      radix = p === 'b' ? 2 : p === 'o' ? 8 : 16;
      digits = radix === 2 ? /^[01]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/;
      body = body.slice(2);
    } else {
      radix = 8;
      digits = /^[0-7]*$/;
      body = body.slice(1);
    }
  }
  if (!digits.test(body)) return false;
  let n = 0n;
  for (const ch of body) n = n * BigInt(radix) + BigInt(parseInt(ch, radix));
  if (sign === '-') return -n >= INT64_MIN;
  // ParseInt takes up to 2^63-1 with or without '+'; ParseUint takes up to 2^64-1 but no sign.
  return n <= 2n ** 63n - 1n || (sign === '' && n <= UINT64_MAX);
}

const TIMESTAMP_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const TIMESTAMP_ZONED = /^(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;
const TIMESTAMP_LOCAL = /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?$/;

/** yaml.v3's four accepted timestamp layouts, with Go's time.Parse range checks. */
function isYamlTimestamp(s: string): boolean {
  const m = TIMESTAMP_DATE.exec(s) ?? TIMESTAMP_ZONED.exec(s) ?? TIMESTAMP_LOCAL.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day > days) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59)) return false;
  if (m[7] !== undefined && (Number(m[7]) > 24 || Number(m[8]) > 60)) return false;
  return true;
}

/** Whether yaml.v3 would read `s`, written plain, back as a string (its `resolve`). */
function resolvesToString(s: string): boolean {
  if (s === '') return false;
  const c = s[0]!;
  let hint: 'S' | 'D' | 'M' | '.' | undefined;
  if (c === '+' || c === '-') hint = 'S';
  else if (c >= '0' && c <= '9') hint = 'D';
  else if ('yYnNtTfFoO~'.includes(c)) hint = 'M';
  else if (c === '.') hint = '.';
  if (hint === undefined) return true;
  if (RESOLVE_NON_STR.has(s)) return false;
  if (hint === 'M') return true;
  if (hint === '.') return !(DOT_FLOAT.test(s) && Number.isFinite(Number(s.replaceAll('_', ''))));
  if (hint === 'D' && s.length > 4 && s[4] === '-' && isYamlTimestamp(s)) return false;
  const plain = s.replaceAll('_', '');
  if (goParsesAsInteger(plain)) return false;
  if (YAML_FLOAT.test(plain) && Number.isFinite(Number(plain))) return false;
  return true;
}

function isBreak(cp: number): boolean {
  return cp === 0x0a || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
}

function isBlankOrEnd(cp: number | undefined): boolean {
  return cp === undefined || cp === 0x20 || cp === 0x09;
}

function isBlankz(cp: number): boolean {
  return cp === 0x20 || cp === 0x09 || isBreak(cp) || cp === 0;
}

/** libyaml's is_printable, restated over code points (it is written over UTF-8 bytes). */
function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

interface ScalarAnalysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

function analyzeScalar(cps: readonly number[]): ScalarAnalysis {
  if (cps.length === 0) {
    return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  }
  let blockIndicators = false;
  let lineBreaks = false;
  let special = false;
  let tabs = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;

  if (cps.length >= 3) {
    const [a, b, c] = cps as [number, number, number];
    if ((a === 0x2d && b === 0x2d && c === 0x2d) || (a === 0x2e && b === 0x2e && c === 0x2e)) blockIndicators = true;
  }
  const last = cps.length - 1;
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i]!;
    const followedByWhitespace = isBlankOrEnd(cps[i + 1]);
    const ch = String.fromCodePoint(cp);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      else if ((ch === '?' || ch === ':' || ch === '-') && followedByWhitespace) blockIndicators = true;
    } else if ((ch === ':' && followedByWhitespace) || (ch === '#' && precededByWhitespace)) {
      blockIndicators = true;
    }
    if (cp === 0x09) tabs = true;
    else if (!isPrintable(cp)) special = true;
    if (cp === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(cp)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankz(cp);
  }

  const r: ScalarAnalysis = { multiline: lineBreaks, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) r.blockPlainAllowed = false;
  if (trailingSpace) r.blockAllowed = false;
  if (breakSpace) {
    r.blockPlainAllowed = false;
    r.singleQuotedAllowed = false;
  }
  if (spaceBreak || tabs || special) {
    r.blockPlainAllowed = false;
    r.singleQuotedAllowed = false;
  }
  if (spaceBreak || special) r.blockAllowed = false;
  if (lineBreaks || blockIndicators) r.blockPlainAllowed = false;
  return r;
}

const enum Style {
  Plain,
  Single,
  Double,
  Literal,
}

const DOUBLE_ESCAPES: Record<number, string> = {
  0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
  0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
};

/** Where a node sits; decides how far its block content is indented. */
const enum Parent {
  Root,
  SequenceItem,
  Other,
}

class YamlEmitter {
  private out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent = -1;

  static emit(v: Json): string {
    const e = new YamlEmitter();
    e.node(v, Parent.Root, false);
    // Document end.
    e.indent = -1;
    e.writeIndent();
    return e.out;
  }

  private put(s: string): void {
    this.out += s;
    this.column += 1;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
    this.indention = true;
  }

  private writeBreak(cp: number): void {
    if (cp === 0x0a) {
      this.putBreak();
      return;
    }
    this.out += String.fromCodePoint(cp);
    this.column = 0;
    this.indention = true;
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    if (this.column < indent) {
      this.out += ' '.repeat(indent - this.column);
      this.column = indent;
    }
    this.whitespace = true;
  }

  private writeIndicator(s: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.out += s;
    this.column += s.length;
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  /** yaml_emitter_increase_indent, given what the parent pushed on the state stack. */
  private increaseIndent(flow: boolean, parent: Parent): number {
    const saved = this.indent;
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (parent === Parent.SequenceItem) this.indent += 2;
    else this.indent = BEST_INDENT * Math.floor((this.indent + BEST_INDENT) / BEST_INDENT);
    return saved;
  }

  private node(v: Json, parent: Parent, simpleKey: boolean): void {
    if (isArray(v)) {
      const list = items(v);
      if (list.length === 0) {
        this.writeIndicator('[', true, true, false);
        this.writeIndicator(']', false, false, false);
        return;
      }
      const saved = this.increaseIndent(false, parent);
      for (const item of list) {
        this.writeIndent();
        this.writeIndicator('-', true, false, true);
        this.node(item, Parent.SequenceItem, false);
      }
      this.indent = saved;
      return;
    }
    if (isObject(v)) {
      const pairs = entries(v);
      if (pairs.length === 0) {
        this.writeIndicator('{', true, true, false);
        this.writeIndicator('}', false, false, false);
        return;
      }
      const saved = this.increaseIndent(false, parent);
      for (const [k, val] of pairs) {
        this.writeIndent();
        const cps = codePoints(k);
        if (!analyzeScalar(cps).multiline && Buffer.byteLength(k) <= 128) {
          this.scalar(k, true, Parent.Other, true);
          this.writeIndicator(':', false, false, false);
        } else {
          this.writeIndicator('?', true, false, true);
          this.scalar(k, true, Parent.Other, false);
          this.writeIndent();
          this.writeIndicator(':', true, false, true);
        }
        this.node(val, Parent.Other, false);
      }
      this.indent = saved;
      return;
    }
    this.scalar(scalarText(v)!, typeof v === 'string', parent, simpleKey);
  }

  private scalar(value: string, isString: boolean, parent: Parent, simpleKey: boolean): void {
    const cps = codePoints(value);
    const a = analyzeScalar(cps);
    let style = Style.Plain;
    if (value.includes('\n')) style = Style.Literal;
    else if (isString && !resolvesToString(value)) style = Style.Double;
    if (simpleKey && a.multiline) style = Style.Double;
    if (style === Style.Plain && (!a.blockPlainAllowed || (value === '' && simpleKey))) style = Style.Single;
    if (style === Style.Single && !a.singleQuotedAllowed) style = Style.Double;
    if (style === Style.Literal && (!a.blockAllowed || simpleKey)) style = Style.Double;

    const saved = this.increaseIndent(true, parent);
    switch (style) {
      case Style.Plain:
        if (cps.length > 0 && !this.whitespace) this.put(' ');
        this.out += value;
        this.column += cps.length;
        if (cps.length > 0) this.whitespace = false;
        this.indention = false;
        break;
      case Style.Single:
        this.writeSingleQuoted(cps);
        break;
      case Style.Double:
        this.writeDoubleQuoted(cps);
        break;
      case Style.Literal:
        this.writeLiteral(cps);
        break;
    }
    this.indent = saved;
  }

  private writeSingleQuoted(cps: readonly number[]): void {
    this.writeIndicator("'", true, false, false);
    let breaks = false;
    for (const cp of cps) {
      if (cp === 0x20) {
        this.put(' ');
      } else if (isBreak(cp)) {
        if (!breaks && cp === 0x0a) this.putBreak();
        this.writeBreak(cp);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (cp === 0x27) this.put("'");
        this.put(String.fromCodePoint(cp));
        this.indention = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(cps: readonly number[]): void {
    this.writeIndicator('"', true, false, false);
    // libyaml tests for a byte-order mark at the start of the value, not at the current character.
    const bom = cps[0] === 0xfeff;
    for (const cp of cps) {
      if (bom || !isPrintable(cp) || isBreak(cp) || cp === 0x22 || cp === 0x5c) {
        const named = DOUBLE_ESCAPES[cp];
        let esc: string;
        if (named !== undefined) esc = named;
        else if (cp <= 0xff) esc = 'x' + cp.toString(16).toUpperCase().padStart(2, '0');
        else if (cp <= 0xffff) esc = 'u' + cp.toString(16).toUpperCase().padStart(4, '0');
        else esc = 'U' + cp.toString(16).toUpperCase().padStart(8, '0');
        this.out += '\\' + esc;
        this.column += 1 + esc.length;
      } else {
        this.put(String.fromCodePoint(cp));
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(cps: readonly number[]): void {
    this.writeIndicator('|', true, false, false);
    if (cps[0] === 0x20 || isBreak(cps[0]!)) this.writeIndicator(String(BEST_INDENT), false, false, false);
    const n = cps.length;
    let chomp = '';
    if (!isBreak(cps[n - 1]!)) chomp = '-';
    else if (n === 1 || isBreak(cps[n - 2]!)) chomp = '+';
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.whitespace = true;
    let breaks = true;
    for (const cp of cps) {
      if (isBreak(cp)) {
        this.writeBreak(cp);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(String.fromCodePoint(cp));
        this.indention = false;
        breaks = false;
      }
    }
  }
}

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

/** The `yaml` field of gnostic's Any for a JSON value (exported for tests). */
export function gnosticYaml(v: Json): string {
  return YamlEmitter.emit(asYamlSees(v, '$value'));
}

// ---------------------------------------------------------------------------------------------------------
// gnostic's compiler, message by message.

interface Ctx {
  readonly parent: Ctx | undefined;
  readonly name: string;
}

function ctxPath(c: Ctx | undefined): string {
  const parts: string[] = [];
  for (let x = c; x; x = x.parent) parts.push(x.name);
  return parts.reverse().join('.');
}

class Encoder {
  readonly w = new Writer(256 * 1024);
  /** Paths are spelled out only if the document is rejected; oneof arms that fail discard theirs. */
  readonly errors: Array<{ ctx: Ctx; message: string }> = [];

  err(ctx: Ctx, message: string): void {
    this.errors.push({ ctx, message });
  }

  messages(): string[] {
    return this.errors.map((x) => `${ctxPath(x.ctx)} ${x.message}`);
  }

  /** Runs `attempt`; if it reported errors, undoes its output and its errors and returns false. */
  tryEncode(attempt: () => void): boolean {
    const mark = this.w.mark();
    const before = this.errors.length;
    attempt();
    if (this.errors.length === before) return true;
    this.w.reset(mark);
    this.errors.length = before;
    return false;
  }
}

/** Encodes `v` as a submessage in field `no` of the message being written. */
type MessageEncoder = (e: Encoder, no: number, v: Json, ctx: Ctx) => void;

type FieldSpec =
  | { key: string; no: number; kind: 'string'; oneOf?: readonly string[] }
  | { key: string; no: number; kind: 'bool' | 'int64' | 'double' | 'any' | 'anys' | 'type' }
  | { key: string; no: number; kind: 'strings'; allOf?: readonly string[] }
  | { key: string; no: number; kind: 'message' | 'messages'; enc: () => MessageEncoder };

interface MessageSpec {
  fields: readonly FieldSpec[];
  required?: readonly string[];
  /** Keys allowed besides the `x-` extensions; absent means gnostic does not check keys. */
  allowed?: readonly string[];
  /** Field number of `repeated NamedAny vendor_extension`, written after all other fields. */
  extensions?: number;
}

const X_PREFIX = 'x-';

function checkKeys(e: Encoder, v: Json, ctx: Ctx, required: readonly string[] | undefined, allowed: ReadonlySet<string> | undefined, patterns: readonly RegExp[]): void {
  if (required) {
    const missing = required.filter((k) => lookup(v, k) === undefined);
    if (missing.length > 0) e.err(ctx, `is missing required ${missing.length === 1 ? 'property' : 'properties'}: ${missing.join(', ')}`);
  }
  if (allowed && isObject(v)) {
    const invalid = Object.keys(v).filter((k) => v[k] !== undefined && !allowed.has(k) && !patterns.some((p) => p.test(k)));
    if (invalid.length > 0) e.err(ctx, `has invalid ${invalid.length === 1 ? 'property' : 'properties'}: ${invalid.join(', ')}`);
  }
}

const PATTERN_EXTENSION = /^x-/;
const PATTERN_PATH = /^\//;
const PATTERN_RESPONSE_CODE = /^([0-9]{3})$|^(default)$/;

function writeAny(e: Encoder, no: number, v: Json): void {
  e.w.begin(no);
  e.w.string(2, YamlEmitter.emit(v));
  e.w.end();
}

function writeExtensions(e: Encoder, no: number, v: Json): void {
  if (!isObject(v)) return;
  const keys = Object.keys(v).filter((k) => k.startsWith(X_PREFIX) && v[k] !== undefined);
  if (keys.length === 0) return;
  keys.sort(goKeyCompare);
  for (const k of keys) {
    e.w.begin(no);
    e.w.string(1, k);
    writeAny(e, 2, v[k] as Json);
    e.w.end();
  }
}

function message(spec: MessageSpec): MessageEncoder {
  const allowed = spec.allowed ? new Set(spec.allowed) : undefined;
  return (e, no, v, ctx) => {
    e.w.begin(no);
    writeMessageBody(e, spec, allowed, v, ctx);
    e.w.end();
  };
}

function writeMessageBody(e: Encoder, spec: MessageSpec, allowed: ReadonlySet<string> | undefined, v: Json, ctx: Ctx): void {
  checkKeys(e, v, ctx, spec.required, allowed, [PATTERN_EXTENSION]);
  const w = e.w;
  for (const f of spec.fields) {
    const fv = lookup(v, f.key);
    if (fv === undefined) continue;
    switch (f.kind) {
      case 'string': {
        const s = stringFor(fv);
        if (s === undefined) {
          e.err(ctx, `has unexpected value for ${f.key}`);
          break;
        }
        if (f.oneOf && !f.oneOf.includes(s)) e.err(ctx, `has unexpected value for ${f.key}: ${s}`);
        if (s !== '') w.string(f.no, s);
        break;
      }
      case 'bool': {
        const b = boolFor(fv);
        if (b === undefined) e.err(ctx, `has unexpected value for ${f.key}`);
        else if (b) w.bool(f.no, true);
        break;
      }
      case 'int64': {
        const n = intFor(fv);
        if (n === undefined) e.err(ctx, `has unexpected value for ${f.key}`);
        else if (n !== 0 && n !== 0n) w.int64(f.no, n);
        break;
      }
      case 'double': {
        const d = floatFor(fv);
        if (d === undefined) e.err(ctx, `has unexpected value for ${f.key}`);
        else if (d !== 0) w.double(f.no, d);
        break;
      }
      case 'strings': {
        if (!isArray(fv)) {
          e.err(ctx, `has unexpected value for ${f.key}`);
          break;
        }
        const list = stringArrayFor(fv);
        if (f.allOf && !list.every((s) => f.allOf!.includes(s))) e.err(ctx, `has unexpected value for ${f.key}`);
        for (const s of list) w.string(f.no, s);
        break;
      }
      case 'any':
        writeAny(e, f.no, fv);
        break;
      case 'anys':
        if (isArray(fv)) for (const item of items(fv)) writeAny(e, f.no, item);
        break;
      case 'type':
        writeTypeItem(e, f.no, fv, { parent: ctx, name: f.key });
        break;
      case 'message':
        f.enc()(e, f.no, fv, { parent: ctx, name: f.key });
        break;
      case 'messages':
        if (isArray(fv)) {
          const enc = f.enc();
          for (const item of items(fv)) enc(e, f.no, item, { parent: ctx, name: f.key });
        }
        break;
    }
  }
  if (spec.extensions !== undefined) writeExtensions(e, spec.extensions, v);
}

function writeTypeItem(e: Encoder, no: number, v: Json, ctx: Ctx): void {
  e.w.begin(no);
  if (isArray(v)) {
    for (const item of items(v)) {
      const s = isArray(item) || isObject(item) ? undefined : scalarText(item);
      if (s === undefined) e.err(ctx, 'has unexpected value for string array element');
      else e.w.string(1, s);
    }
  } else if (isObject(v)) {
    e.err(ctx, 'has unexpected value for string array');
  } else {
    e.w.string(1, scalarText(v)!);
  }
  e.w.end();
}

/** A `map<string, T>` message: `repeated Named<T> additional_properties = 1`, every key taken. */
function namedMap(value: (e: Encoder, no: number, v: Json, ctx: Ctx) => void): MessageEncoder {
  return (e, no, v, ctx) => {
    e.w.begin(no);
    for (const [k, val] of entries(v)) {
      e.w.begin(1);
      if (k !== '') e.w.string(1, k);
      value(e, 2, val, { parent: ctx, name: k });
      e.w.end();
    }
    e.w.end();
  };
}

/** A oneof message: the arms are tried last first, because gnostic keeps the last arm that parsed. */
function oneOf(name: string, arms: ReadonlyArray<readonly [number, () => MessageEncoder]>, pick?: (v: Json) => readonly number[]): MessageEncoder {
  return (e, no, v, ctx) => {
    e.w.begin(no);
    const order = pick ? pick(v) : arms.map(([n]) => n).reverse();
    let matched = false;
    for (const n of order) {
      const arm = arms.find(([an]) => an === n)!;
      if (e.tryEncode(() => arm[1]()(e, n, v, { parent: ctx, name }))) {
        matched = true;
        break;
      }
    }
    if (!matched) e.err(ctx, `contains an invalid ${name}`);
    e.w.end();
  };
}

const primitiveFieldNames = [
  'type', 'format', 'items', 'collectionFormat', 'default', 'maximum', 'exclusiveMaximum', 'minimum',
  'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'enum', 'multipleOf',
] as const;

/** The run of validation fields shared by non-body parameters, headers and primitive items. */
function primitiveFields(first: number, types: readonly string[], collectionFormats: readonly string[]): FieldSpec[] {
  const kinds: Record<(typeof primitiveFieldNames)[number], FieldSpec['kind']> = {
    type: 'string', format: 'string', items: 'message', collectionFormat: 'string', default: 'any', maximum: 'double',
    exclusiveMaximum: 'bool', minimum: 'double', exclusiveMinimum: 'bool', maxLength: 'int64', minLength: 'int64',
    pattern: 'string', maxItems: 'int64', minItems: 'int64', uniqueItems: 'bool', enum: 'anys', multipleOf: 'double',
  };
  return primitiveFieldNames.map((key, i): FieldSpec => {
    const no = first + i;
    const kind = kinds[key];
    if (key === 'type') return { key, no, kind: 'string', oneOf: types };
    if (key === 'collectionFormat') return { key, no, kind: 'string', oneOf: collectionFormats };
    if (kind === 'message') return { key, no, kind: 'message', enc: () => primitivesItems };
    return { key, no, kind } as FieldSpec;
  });
}

const PRIMITIVE_TYPES = ['string', 'number', 'integer', 'boolean', 'array'];
const COLLECTION_FORMATS = ['csv', 'ssv', 'tsv', 'pipes'];
const PARAMETER_COLLECTION_FORMATS = [...COLLECTION_FORMATS, 'multi'];
const PRIMITIVE_KEYS = [...primitiveFieldNames];

const externalDocs = message({
  required: ['url'],
  allowed: ['description', 'url'],
  fields: [
    { key: 'description', no: 1, kind: 'string' },
    { key: 'url', no: 2, kind: 'string' },
  ],
  extensions: 3,
});

const xml = message({
  allowed: ['attribute', 'name', 'namespace', 'prefix', 'wrapped'],
  fields: [
    { key: 'name', no: 1, kind: 'string' },
    { key: 'namespace', no: 2, kind: 'string' },
    { key: 'prefix', no: 3, kind: 'string' },
    { key: 'attribute', no: 4, kind: 'bool' },
    { key: 'wrapped', no: 5, kind: 'bool' },
  ],
  extensions: 6,
});

const primitivesItems: MessageEncoder = message({
  allowed: PRIMITIVE_KEYS,
  fields: primitiveFields(1, PRIMITIVE_TYPES, COLLECTION_FORMATS),
  extensions: 18,
});

const header = message({
  required: ['type'],
  allowed: [...PRIMITIVE_KEYS, 'description'],
  fields: [
    ...primitiveFields(1, PRIMITIVE_TYPES, COLLECTION_FORMATS),
    { key: 'description', no: 18, kind: 'string' },
  ],
  extensions: 19,
});

const SCHEMA_KEYS = [
  '$ref', 'additionalProperties', 'allOf', 'default', 'description', 'discriminator', 'enum', 'example',
  'exclusiveMaximum', 'exclusiveMinimum', 'externalDocs', 'format', 'items', 'maxItems', 'maxLength',
  'maxProperties', 'maximum', 'minItems', 'minLength', 'minProperties', 'minimum', 'multipleOf', 'pattern',
  'properties', 'readOnly', 'required', 'title', 'type', 'uniqueItems', 'xml',
];

const schemaSpec: MessageSpec = {
  allowed: SCHEMA_KEYS,
  fields: [
    { key: '$ref', no: 1, kind: 'string' },
    { key: 'format', no: 2, kind: 'string' },
    { key: 'title', no: 3, kind: 'string' },
    { key: 'description', no: 4, kind: 'string' },
    { key: 'default', no: 5, kind: 'any' },
    { key: 'multipleOf', no: 6, kind: 'double' },
    { key: 'maximum', no: 7, kind: 'double' },
    { key: 'exclusiveMaximum', no: 8, kind: 'bool' },
    { key: 'minimum', no: 9, kind: 'double' },
    { key: 'exclusiveMinimum', no: 10, kind: 'bool' },
    { key: 'maxLength', no: 11, kind: 'int64' },
    { key: 'minLength', no: 12, kind: 'int64' },
    { key: 'pattern', no: 13, kind: 'string' },
    { key: 'maxItems', no: 14, kind: 'int64' },
    { key: 'minItems', no: 15, kind: 'int64' },
    { key: 'uniqueItems', no: 16, kind: 'bool' },
    { key: 'maxProperties', no: 17, kind: 'int64' },
    { key: 'minProperties', no: 18, kind: 'int64' },
    { key: 'required', no: 19, kind: 'strings' },
    { key: 'enum', no: 20, kind: 'anys' },
    { key: 'additionalProperties', no: 21, kind: 'message', enc: () => additionalPropertiesItem },
    { key: 'type', no: 22, kind: 'type' },
    { key: 'items', no: 23, kind: 'message', enc: () => itemsItem },
    { key: 'allOf', no: 24, kind: 'messages', enc: () => schema },
    { key: 'properties', no: 25, kind: 'message', enc: () => properties },
    { key: 'discriminator', no: 26, kind: 'string' },
    { key: 'readOnly', no: 27, kind: 'bool' },
    { key: 'xml', no: 28, kind: 'message', enc: () => xml },
    { key: 'externalDocs', no: 29, kind: 'message', enc: () => externalDocs },
    { key: 'example', no: 30, kind: 'any' },
  ],
  extensions: 31,
};

const schema: MessageEncoder = message(schemaSpec);

const properties: MessageEncoder = namedMap((e, no, v, ctx) => schema(e, no, v, ctx));

// additionalProperties: a boolean, else a schema (gnostic tries the schema first, then lets a boolean win).
const additionalPropertiesItem: MessageEncoder = (e, no, v, ctx) => {
  e.w.begin(no);
  const b = boolFor(v);
  if (b !== undefined) {
    // A oneof member is written even when it holds the zero value.
    e.w.bool(2, b);
  } else if (!e.tryEncode(() => schema(e, 1, v, { parent: ctx, name: 'schema' }))) {
    e.err(ctx, 'contains an invalid AdditionalPropertiesItem');
  }
  e.w.end();
};

// items: gnostic reads exactly one schema, whatever the JSON holds.
const itemsItem: MessageEncoder = (e, no, v, ctx) => {
  const mark = e.w.mark();
  const before = e.errors.length;
  e.w.begin(no);
  schema(e, 1, v, { parent: ctx, name: '<array>' });
  e.w.end();
  // On error gnostic drops the whole ItemsItem.
  if (e.errors.length !== before) {
    const kept = e.errors.slice(before);
    e.w.reset(mark);
    e.errors.length = before;
    e.errors.push(...kept);
  }
};

const fileSchema = message({
  required: ['type'],
  allowed: ['default', 'description', 'example', 'externalDocs', 'format', 'readOnly', 'required', 'title', 'type'],
  fields: [
    { key: 'format', no: 1, kind: 'string' },
    { key: 'title', no: 2, kind: 'string' },
    { key: 'description', no: 3, kind: 'string' },
    { key: 'default', no: 4, kind: 'any' },
    { key: 'required', no: 5, kind: 'strings' },
    { key: 'type', no: 6, kind: 'string', oneOf: ['file'] },
    { key: 'readOnly', no: 7, kind: 'bool' },
    { key: 'externalDocs', no: 8, kind: 'message', enc: () => externalDocs },
    { key: 'example', no: 9, kind: 'any' },
  ],
  extensions: 10,
});

// Only `type: file` can parse as a FileSchema; when it does, it wins over the Schema arm.
const schemaItem = oneOf(
  'SchemaItem',
  [
    [1, () => schema],
    [2, () => fileSchema],
  ],
  (v) => (lookup(v, 'type') === 'file' ? [2, 1] : [1]),
);

/** A JsonReference needs `$ref`, and the other arm never accepts that key: without it only that arm can parse. */
const refOr = (v: Json): readonly number[] => (lookup(v, '$ref') !== undefined ? [2, 1] : [1]);

const jsonReference = message({
  required: ['$ref'],
  fields: [
    { key: '$ref', no: 1, kind: 'string' },
    { key: 'description', no: 2, kind: 'string' },
  ],
});

const bodyParameter = message({
  required: ['in', 'name', 'schema'],
  allowed: ['description', 'in', 'name', 'required', 'schema'],
  fields: [
    { key: 'description', no: 1, kind: 'string' },
    { key: 'name', no: 2, kind: 'string' },
    { key: 'in', no: 3, kind: 'string', oneOf: ['body'] },
    { key: 'required', no: 4, kind: 'bool' },
    { key: 'schema', no: 5, kind: 'message', enc: () => schema },
  ],
  extensions: 6,
});

function parameterHead(withAllowEmpty: boolean, location: string): FieldSpec[] {
  const head: FieldSpec[] = [
    { key: 'required', no: 1, kind: 'bool' },
    { key: 'in', no: 2, kind: 'string', oneOf: [location] },
    { key: 'description', no: 3, kind: 'string' },
    { key: 'name', no: 4, kind: 'string' },
  ];
  if (withAllowEmpty) head.push({ key: 'allowEmptyValue', no: 5, kind: 'bool' });
  return head;
}

const NON_BODY_KEYS = [...PRIMITIVE_KEYS, 'description', 'in', 'name', 'required'];

const headerParameterSubSchema = message({
  allowed: NON_BODY_KEYS,
  fields: [...parameterHead(false, 'header'), ...primitiveFields(5, PRIMITIVE_TYPES, COLLECTION_FORMATS)],
  extensions: 22,
});

const formDataParameterSubSchema = message({
  allowed: [...NON_BODY_KEYS, 'allowEmptyValue'],
  fields: [...parameterHead(true, 'formData'), ...primitiveFields(6, [...PRIMITIVE_TYPES, 'file'], PARAMETER_COLLECTION_FORMATS)],
  extensions: 23,
});

const queryParameterSubSchema = message({
  allowed: [...NON_BODY_KEYS, 'allowEmptyValue'],
  fields: [...parameterHead(true, 'query'), ...primitiveFields(6, PRIMITIVE_TYPES, PARAMETER_COLLECTION_FORMATS)],
  extensions: 23,
});

const pathParameterSubSchema = message({
  required: ['required'],
  allowed: NON_BODY_KEYS,
  fields: [...parameterHead(false, 'path'), ...primitiveFields(5, PRIMITIVE_TYPES, COLLECTION_FORMATS)],
  extensions: 22,
});

const NON_BODY_ARMS: Record<string, number> = { header: 1, formData: 2, query: 3, path: 4 };

const nonBodyParameter = oneOf(
  'NonBodyParameter',
  [
    [1, () => headerParameterSubSchema],
    [2, () => formDataParameterSubSchema],
    [3, () => queryParameterSubSchema],
    [4, () => pathParameterSubSchema],
  ],
  (v) => {
    // Each arm insists on its own `in`, so with `in` present at most that arm can parse.
    const where = lookup(v, 'in');
    if (where === undefined) return [4, 3, 2, 1];
    const s = stringFor(where);
    const arm = s === undefined ? undefined : NON_BODY_ARMS[s];
    return arm === undefined ? [] : [arm];
  },
);

const parameter = oneOf(
  'Parameter',
  [
    [1, () => bodyParameter],
    [2, () => nonBodyParameter],
  ],
  // The arms exclude each other (only the body arm accepts in: body), so the likely one goes first.
  (v) => (lookup(v, 'in') === 'body' ? [1, 2] : [2, 1]),
);

const parametersItem = oneOf(
  'ParametersItem',
  [
    [1, () => parameter],
    [2, () => jsonReference],
  ],
  refOr,
);

const response = message({
  required: ['description'],
  allowed: ['description', 'examples', 'headers', 'schema'],
  fields: [
    { key: 'description', no: 1, kind: 'string' },
    { key: 'schema', no: 2, kind: 'message', enc: () => schemaItem },
    { key: 'headers', no: 3, kind: 'message', enc: () => headers },
    { key: 'examples', no: 4, kind: 'message', enc: () => examples },
  ],
  extensions: 5,
});

const headers: MessageEncoder = namedMap((e, no, v, ctx) => header(e, no, v, ctx));
const examples: MessageEncoder = namedMap((e, no, v) => writeAny(e, no, v));

const responseValue = oneOf(
  'ResponseValue',
  [
    [1, () => response],
    [2, () => jsonReference],
  ],
  refOr,
);

const responses: MessageEncoder = (e, no, v, ctx) => {
  e.w.begin(no);
  checkKeys(e, v, ctx, undefined, new Set(), [PATTERN_RESPONSE_CODE, PATTERN_EXTENSION]);
  for (const [k, val] of entries(v)) {
    if (!PATTERN_RESPONSE_CODE.test(k)) continue;
    e.w.begin(1);
    e.w.string(1, k);
    responseValue(e, 2, val, { parent: ctx, name: k });
    e.w.end();
  }
  writeExtensions(e, 2, v);
  e.w.end();
};

// A security requirement's scopes: gnostic takes every scalar below the key, failures as "".
function writeStringArray(e: Encoder, no: number, v: Json): void {
  e.w.begin(no);
  const flat: Json[] = isArray(v) ? items(v) : entries(v).flat();
  for (const item of flat) e.w.string(1, stringFor(item) ?? '');
  e.w.end();
}

const securityRequirement: MessageEncoder = namedMap((e, no, v) => writeStringArray(e, no, v));

const operation = message({
  required: ['responses'],
  allowed: ['consumes', 'deprecated', 'description', 'externalDocs', 'operationId', 'parameters', 'produces', 'responses', 'schemes', 'security', 'summary', 'tags'],
  fields: [
    { key: 'tags', no: 1, kind: 'strings' },
    { key: 'summary', no: 2, kind: 'string' },
    { key: 'description', no: 3, kind: 'string' },
    { key: 'externalDocs', no: 4, kind: 'message', enc: () => externalDocs },
    { key: 'operationId', no: 5, kind: 'string' },
    { key: 'produces', no: 6, kind: 'strings' },
    { key: 'consumes', no: 7, kind: 'strings' },
    { key: 'parameters', no: 8, kind: 'messages', enc: () => parametersItem },
    { key: 'responses', no: 9, kind: 'message', enc: () => responses },
    { key: 'schemes', no: 10, kind: 'strings' },
    { key: 'deprecated', no: 11, kind: 'bool' },
    { key: 'security', no: 12, kind: 'messages', enc: () => securityRequirement },
  ],
  extensions: 13,
});

const pathItem = message({
  allowed: ['$ref', 'delete', 'get', 'head', 'options', 'parameters', 'patch', 'post', 'put'],
  fields: [
    { key: '$ref', no: 1, kind: 'string' },
    { key: 'get', no: 2, kind: 'message', enc: () => operation },
    { key: 'put', no: 3, kind: 'message', enc: () => operation },
    { key: 'post', no: 4, kind: 'message', enc: () => operation },
    { key: 'delete', no: 5, kind: 'message', enc: () => operation },
    { key: 'options', no: 6, kind: 'message', enc: () => operation },
    { key: 'head', no: 7, kind: 'message', enc: () => operation },
    { key: 'patch', no: 8, kind: 'message', enc: () => operation },
    { key: 'parameters', no: 9, kind: 'messages', enc: () => parametersItem },
  ],
  extensions: 10,
});

const paths: MessageEncoder = (e, no, v, ctx) => {
  e.w.begin(no);
  checkKeys(e, v, ctx, undefined, new Set(), [PATTERN_EXTENSION, PATTERN_PATH]);
  writeExtensions(e, 1, v);
  for (const [k, val] of entries(v)) {
    if (!k.startsWith('/')) continue;
    e.w.begin(2);
    e.w.string(1, k);
    pathItem(e, 2, val, { parent: ctx, name: k });
    e.w.end();
  }
  e.w.end();
};

const contact = message({
  allowed: ['email', 'name', 'url'],
  fields: [
    { key: 'name', no: 1, kind: 'string' },
    { key: 'url', no: 2, kind: 'string' },
    { key: 'email', no: 3, kind: 'string' },
  ],
  extensions: 4,
});

const license = message({
  required: ['name'],
  allowed: ['name', 'url'],
  fields: [
    { key: 'name', no: 1, kind: 'string' },
    { key: 'url', no: 2, kind: 'string' },
  ],
  extensions: 3,
});

const info = message({
  required: ['title', 'version'],
  allowed: ['contact', 'description', 'license', 'termsOfService', 'title', 'version'],
  fields: [
    { key: 'title', no: 1, kind: 'string' },
    { key: 'version', no: 2, kind: 'string' },
    { key: 'description', no: 3, kind: 'string' },
    { key: 'termsOfService', no: 4, kind: 'string' },
    { key: 'contact', no: 5, kind: 'message', enc: () => contact },
    { key: 'license', no: 6, kind: 'message', enc: () => license },
  ],
  extensions: 7,
});

const oauth2Scopes: MessageEncoder = namedMap((e, no, v) => {
  const s = stringFor(v) ?? '';
  if (s !== '') e.w.string(no, s);
});

/** An OAuth2 flow's security scheme: its keys in field order, then vendor extensions. */
function oauth2(flow: string, keys: readonly string[], required: readonly string[]): MessageEncoder {
  return message({
    required,
    allowed: keys,
    fields: keys.map((key, i): FieldSpec => {
      const no = i + 1;
      if (key === 'type') return { key, no, kind: 'string', oneOf: ['oauth2'] };
      if (key === 'flow') return { key, no, kind: 'string', oneOf: [flow] };
      if (key === 'scopes') return { key, no, kind: 'message', enc: () => oauth2Scopes };
      return { key, no, kind: 'string' };
    }),
    extensions: keys.length + 1,
  });
}

const basicAuthenticationSecurity = message({
  required: ['type'],
  allowed: ['description', 'type'],
  fields: [
    { key: 'type', no: 1, kind: 'string', oneOf: ['basic'] },
    { key: 'description', no: 2, kind: 'string' },
  ],
  extensions: 3,
});

const apiKeySecurity = message({
  required: ['in', 'name', 'type'],
  allowed: ['description', 'in', 'name', 'type'],
  fields: [
    { key: 'type', no: 1, kind: 'string', oneOf: ['apiKey'] },
    { key: 'name', no: 2, kind: 'string' },
    { key: 'in', no: 3, kind: 'string', oneOf: ['header', 'query'] },
    { key: 'description', no: 4, kind: 'string' },
  ],
  extensions: 5,
});

const oauth2Implicit = oauth2('implicit', ['type', 'flow', 'scopes', 'authorizationUrl', 'description'], ['authorizationUrl', 'flow', 'type']);
const oauth2Password = oauth2('password', ['type', 'flow', 'scopes', 'tokenUrl', 'description'], ['flow', 'tokenUrl', 'type']);
const oauth2Application = oauth2('application', ['type', 'flow', 'scopes', 'tokenUrl', 'description'], ['flow', 'tokenUrl', 'type']);
const oauth2AccessCode = oauth2(
  'accessCode',
  ['type', 'flow', 'scopes', 'authorizationUrl', 'tokenUrl', 'description'],
  ['authorizationUrl', 'flow', 'tokenUrl', 'type'],
);

const securityDefinitionsItem = oneOf('SecurityDefinitionsItem', [
  [1, () => basicAuthenticationSecurity],
  [2, () => apiKeySecurity],
  [3, () => oauth2Implicit],
  [4, () => oauth2Password],
  [5, () => oauth2Application],
  [6, () => oauth2AccessCode],
]);

const tag = message({
  required: ['name'],
  allowed: ['description', 'externalDocs', 'name'],
  fields: [
    { key: 'name', no: 1, kind: 'string' },
    { key: 'description', no: 2, kind: 'string' },
    { key: 'externalDocs', no: 3, kind: 'message', enc: () => externalDocs },
  ],
  extensions: 4,
});

const documentSpec: MessageSpec = {
  required: ['info', 'paths', 'swagger'],
  allowed: ['basePath', 'consumes', 'definitions', 'externalDocs', 'host', 'info', 'parameters', 'paths', 'produces', 'responses', 'schemes', 'security', 'securityDefinitions', 'swagger', 'tags'],
  fields: [
    { key: 'swagger', no: 1, kind: 'string', oneOf: ['2.0'] },
    { key: 'info', no: 2, kind: 'message', enc: () => info },
    { key: 'host', no: 3, kind: 'string' },
    { key: 'basePath', no: 4, kind: 'string' },
    { key: 'schemes', no: 5, kind: 'strings', allOf: ['http', 'https', 'ws', 'wss'] },
    { key: 'consumes', no: 6, kind: 'strings' },
    { key: 'produces', no: 7, kind: 'strings' },
    { key: 'paths', no: 8, kind: 'message', enc: () => paths },
    { key: 'definitions', no: 9, kind: 'message', enc: () => properties },
    { key: 'parameters', no: 10, kind: 'message', enc: () => namedMap((e, no, v, ctx) => parameter(e, no, v, ctx)) },
    { key: 'responses', no: 11, kind: 'message', enc: () => namedMap((e, no, v, ctx) => response(e, no, v, ctx)) },
    { key: 'security', no: 12, kind: 'messages', enc: () => securityRequirement },
    { key: 'securityDefinitions', no: 13, kind: 'message', enc: () => namedMap((e, no, v, ctx) => securityDefinitionsItem(e, no, v, ctx)) },
    { key: 'tags', no: 14, kind: 'messages', enc: () => tag },
    { key: 'externalDocs', no: 15, kind: 'message', enc: () => externalDocs },
  ],
  extensions: 16,
};
const documentAllowed = new Set(documentSpec.allowed);

function encodeDocument(e: Encoder, doc: Json): void {
  writeMessageBody(e, documentSpec, documentAllowed, doc, { parent: undefined, name: '$root' });
}
