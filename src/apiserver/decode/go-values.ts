// Values with their own Go decoders (resource.Quantity, metav1.Time/MicroTime, []byte as base64), and
// the errors those decoders give, in their exact words.

// ---------------------------------------------------------------------------------------------------
// resource.ParseQuantity.

export const QUANTITY_FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const QUANTITY_SUFFIX = "unable to parse quantity's suffix";
const QUANTITY_SUFFIX_CHARS = 'eEinumkKMGTP';
const QUANTITY_SUFFIXES = new Set(['n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);

const isDigitCode = (c: number) => c >= 0x30 && c <= 0x39;

/** strings.TrimSpace: the white space of unicode.IsSpace. */
export function goTrimSpace(s: string): string {
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

const INT32_MIN = BigInt(-2147483648);
const INT32_MAX = BigInt(2147483647);
const INT64_MIN = -(BigInt(1) << BigInt(63));
const INT64_MAX = (BigInt(1) << BigInt(63)) - BigInt(1);

/** strconv.ParseInt(lit, 10, 64) succeeds and the value fits the Go integer of `bits`. */
export function fitsInt(lit: string, bits: 8 | 32 | 64, unsigned = false): boolean {
  if (!(unsigned ? /^\d+$/ : /^-?\d+$/).test(lit)) return false;
  if (bits === 8) return Number(lit) <= 255;
  const b = BigInt(lit);
  return bits === 32 ? b >= INT32_MIN && b <= INT32_MAX : b >= INT64_MIN && b <= INT64_MAX;
}
