// Format checks networking.k8s.io validation needs beyond src/api/names.ts, with the texts of
// k8s.io/apimachinery/pkg/util/validation (IsWildcardDNS1123Subdomain, IsDomainPrefixedPath,
// IsValidCIDR) and pkg/apis/core/validation's legacy-field CIDR check.
import { isIP } from 'node:net';
import { type FieldError, fieldErrors } from '../../api/field-errors.ts';
import { isDNS1123Subdomain, maxLenError, regexError, validatePathSegmentName } from '../../api/names.ts';

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const WILDCARD_FMT = `\\*\\.${LABEL}(\\.${LABEL})*`;
const WILDCARD_RE = new RegExp(`^${WILDCARD_FMT}$`);
const WILDCARD_MSG =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";
const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const HTTP_PATH_RE = new RegExp(`^${HTTP_PATH_FMT}$`);
export const CIDR_INVALID = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

export function isWildcardDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLenError(253));
  if (!WILDCARD_RE.test(v)) errs.push(regexError(WILDCARD_MSG, WILDCARD_FMT, '*.example.com'));
  return errs;
}

/** A host for rules and TLS entries: wildcard hosts follow their own rule. */
export function hostErrors(host: string): string[] {
  return host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
}

/** validation.IsDomainPrefixedPath (an IngressClass controller such as `example.com/ingress`). */
export function validateDomainPrefixedPath(field: string, value: string): FieldError[] {
  if (value === '') return [fieldErrors.required(field)];
  const slash = value.indexOf('/');
  if (slash <= 0 || slash === value.length - 1) {
    return [fieldErrors.invalid(field, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  }
  const host = value.slice(0, slash);
  const path = value.slice(slash + 1);
  const errs = isDNS1123Subdomain(host).map((m) => fieldErrors.invalid(field, host, m));
  if (!HTTP_PATH_RE.test(path)) errs.push(fieldErrors.invalid(field, path, regexError('Invalid path', HTTP_PATH_FMT)));
  return errs;
}

export interface ParsedCIDR {
  family: 4 | 6;
  /** The address bits as a bigint, and the prefix length. */
  bits: bigint;
  prefix: number;
  /** The CIDR as Go's net.IPNet prints it (host bits cleared). */
  canonical: string;
}

function ipv4Bits(ip: string): bigint {
  return ip.split('.').reduce((n, p) => (n << 8n) | BigInt(Number(p)), 0n);
}

function ipv6Bits(ip: string): bigint {
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4Bits(v4[1]!);
    text = `${text.slice(0, -v4[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

function formatBits(bits: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((bits >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((bits >> BigInt((7 - i) * 16)) & 0xffffn));
  // RFC 5952: the longest run (of two or more) of zero groups becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** A CIDR Go's netip.ParsePrefix accepts (no leading zeros in IPv4 octets), or undefined. */
export function parseCIDR(cidr: string): ParsedCIDR | undefined {
  const slash = cidr.indexOf('/');
  if (slash < 0) return undefined;
  const ip = cidr.slice(0, slash);
  const len = cidr.slice(slash + 1);
  const family = isIP(ip);
  if ((family !== 4 && family !== 6) || !/^\d{1,3}$/.test(len)) return undefined;
  if (family === 4 && ip.split('.').some((p) => p.length > 1 && p.startsWith('0'))) return undefined;
  const prefix = Number(len);
  const width = family === 4 ? 32 : 128;
  if (prefix > width) return undefined;
  const raw = family === 4 ? ipv4Bits(ip) : ipv6Bits(ip);
  const hostBits = BigInt(width - prefix);
  const bits = (raw >> hostBits) << hostBits;
  return { family, bits, prefix, canonical: `${formatBits(bits, family)}/${prefix}` };
}

/** validation.IsValidCIDR: a parseable CIDR in canonical form. */
export function validateCIDR(field: string, cidr: string): FieldError[] {
  const parsed = parseCIDR(cidr);
  if (!parsed) return [fieldErrors.invalid(field, cidr, CIDR_INVALID)];
  if (parsed.canonical !== cidr) return [fieldErrors.invalid(field, cidr, `must be in canonical form ("${parsed.canonical}")`)];
  return [];
}

/**
 * IsValidCIDRForLegacyField: fields that predate strict parsing keep accepting host bits and
 * non-canonical forms; values the old object already held stay allowed whatever they are.
 */
export function validateLegacyCIDR(field: string, cidr: string, allowed: readonly string[]): FieldError[] {
  if (allowed.includes(cidr)) return [];
  return parseCIDR(cidr) ? [] : [fieldErrors.invalid(field, cidr, CIDR_INVALID)];
}

/** Whether `inner` lies within `outer` and is strictly smaller. */
export function isStrictSubnet(inner: ParsedCIDR, outer: ParsedCIDR): boolean {
  if (inner.family !== outer.family || inner.prefix <= outer.prefix) return false;
  const width = BigInt(outer.family === 4 ? 32 : 128);
  const shift = width - BigInt(outer.prefix);
  return inner.bits >> shift === outer.bits >> shift;
}

/**
 * The reference checks networking shares (Ingress resource backends, IngressClass parameters, IPAddress
 * parentRef): an optional DNS-subdomain group under `groupKey`, then each required key a path segment.
 */
export function validateReference(ref: Record<string, unknown>, path: string, groupKey: string, required: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  const group = ref[groupKey];
  // An empty group is the core group (IPAddress parents are Services), so only a set one is checked.
  if (typeof group === 'string' && (group !== '' || groupKey === 'apiGroup')) {
    for (const m of isDNS1123Subdomain(group)) errs.push(fieldErrors.invalid(`${path}.${groupKey}`, group, m));
  }
  for (const key of required) {
    const v = typeof ref[key] === 'string' ? (ref[key] as string) : '';
    if (v === '') errs.push(fieldErrors.required(`${path}.${key}`));
    else for (const m of validatePathSegmentName(v, false)) errs.push(fieldErrors.invalid(`${path}.${key}`, v, m));
  }
  return errs;
}
