// String formats a CRD schema may check (apiextensions-apiserver keeps only these and strips any other
// `format` before validating). Names are compared the way go-openapi's strfmt registry does: without
// dashes or underscores, so `date-time` and `datetime` are one format.
import { isIPv4, isIPv6 } from 'node:net';

export type FormatCheck = (s: string) => boolean;

const re = (src: string, flags = ''): FormatCheck => {
  const r = new RegExp(src, flags);
  return (s) => r.test(s);
};

const UUID = '[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}';
const HOST_LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?';
const DATE = '(\\d{4})-(\\d{2})-(\\d{2})';

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

const DATE_RE = new RegExp(`^${DATE}$`);
function isDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

// strfmt.ParseDateTime accepts RFC 3339 with or without fractional seconds and a few close variants.
const DATE_TIME_RE = new RegExp(
  `^${DATE}[Tt ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.\\d+)?)?(?:[Zz]|[+-]\\d{2}:?\\d{2})?$`,
);
function isDateTime(s: string): boolean {
  const m = DATE_TIME_RE.exec(s);
  if (!m) return false;
  if (!validDate(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  return Number(m[4]) < 24 && Number(m[5]) < 60 && (m[6] === undefined || Number(m[6]) < 61);
}

function isCIDR(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  const n = Number(bits);
  if (isIPv4(ip)) return n <= 32;
  if (isIPv6(ip)) return n <= 128;
  return false;
}

// net.ParseMAC: 6, 8 or 20 octets, colon- or dash-separated pairs, or dot-separated groups of four.
const MAC_RE =
  /^(?:[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){5}|[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){7}|[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){19}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){2}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){3}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){9})$/;

function isBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}

function isURI(s: string): boolean {
  if (s.startsWith('/')) return true;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

// time.ParseDuration units, or the Scala-style "<n> <unit>" form strfmt also accepts.
const GO_DURATION = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h)(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))*$/;
const SCALA_DURATION = /^\d+\s*(?:ns|us|µs|ms|s|m|h|d|w|nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?)$/i;

const CHECKS: Record<string, FormatCheck> = {
  bsonobjectid: re('^[0-9a-fA-F]{24}$'),
  uri: isURI,
  email: re('^[^@\\s<>]+@[^@\\s<>]+$'),
  hostname: (s) => s.length <= 255 && new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})*\\.?$`).test(s),
  ipv4: isIPv4,
  ipv6: isIPv6,
  cidr: isCIDR,
  mac: (s) => MAC_RE.test(s),
  uuid: re(`^${UUID}$`, 'i'),
  uuid3: re('^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$', 'i'),
  uuid4: re('^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$', 'i'),
  uuid5: re('^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$', 'i'),
  isbn: re('^(?:(?:97[89][- ]?)?\\d{1,5}[- ]?\\d+[- ]?\\d+[- ]?[\\dX])$'),
  isbn10: re('^(?:\\d[- ]?){9}[\\dX]$'),
  isbn13: re('^(?:97[89])[- ]?(?:\\d[- ]?){9}\\d$'),
  creditcard: re('^(?:\\d[ -]?){12,18}\\d$'),
  ssn: re('^\\d{3}[- ]?\\d{2}[- ]?\\d{4}$'),
  hexcolor: re('^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$'),
  rgbcolor: re('^rgb\\(\\s*\\d{1,3}\\s*,\\s*\\d{1,3}\\s*,\\s*\\d{1,3}\\s*\\)$'),
  byte: isBase64,
  password: () => true,
  date: isDate,
  duration: (s) => GO_DURATION.test(s) || SCALA_DURATION.test(s),
  datetime: isDateTime,
};

/** The check for a supported format; undefined for a format upstream strips (int32, float, …). */
export function formatChecker(format: string): FormatCheck | undefined {
  return CHECKS[format.replace(/[-_]/g, '').toLowerCase()];
}
