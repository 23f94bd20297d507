// ResourceList arithmetic of k8s.io/apiserver/pkg/quota/v1 (resources.go): sums, masks and
// comparisons over named quantities, plus the wire form (name → quantity string) both the admission
// plugin and the controller read and write.
import { type Quantity, add as addQ, cmp, format, parse, sub as subQ } from './quantity.ts';

export type ResourceList = Map<string, Quantity>;

/** A wire ResourceList (`{"requests.cpu": "500m"}`) as quantities; unparseable entries are skipped. */
export function fromWire(wire: unknown): ResourceList {
  const out: ResourceList = new Map();
  if (!wire || typeof wire !== 'object') return out;
  for (const [k, v] of Object.entries(wire as Record<string, unknown>)) {
    const q = parse(v);
    if (q) out.set(k, q);
  }
  return out;
}

export function toWire(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...list.keys()].sort()) out[k] = format(list.get(k)!);
  return out;
}

export function add(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map();
  for (const [k, v] of a) {
    const other = b.get(k);
    out.set(k, other ? addQ(v, other) : v);
  }
  for (const [k, v] of b) if (!out.has(k)) out.set(k, v);
  return out;
}

/** Subtract, dropping nothing: keys only in b come out negative. */
export function subtract(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map();
  for (const [k, v] of a) {
    const other = b.get(k);
    out.set(k, other ? subQ(v, other) : v);
  }
  for (const [k, v] of b) if (!out.has(k)) out.set(k, { nano: -v.nano, format: v.format });
  return out;
}

/** a − b per key of a, floored at zero (an update never gives quota back at admission time). */
export function subtractNonNegative(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = new Map();
  for (const [k, v] of a) {
    const other = b.get(k);
    const d = other ? subQ(v, other) : v;
    out.set(k, d.nano < 0n ? { nano: 0n, format: d.format } : d);
  }
  return out;
}

/** The entries whose names are in `names`. */
export function mask(list: ResourceList, names: Iterable<string>): ResourceList {
  const out: ResourceList = new Map();
  for (const n of names) {
    const v = list.get(n);
    if (v) out.set(n, v);
  }
  return out;
}

/** Whether every entry of a that b also names is ≤ b's; the names that are not. */
export function lessThanOrEqual(a: ResourceList, b: ResourceList): { ok: boolean; exceeded: string[] } {
  const exceeded: string[] = [];
  for (const [k, limit] of b) {
    const v = a.get(k);
    if (v && cmp(v, limit) > 0) exceeded.push(k);
  }
  return { ok: exceeded.length === 0, exceeded };
}

export function removeZeros(list: ResourceList): ResourceList {
  return new Map([...list].filter(([, v]) => v.nano !== 0n));
}

export function negativeNames(list: ResourceList): string[] {
  return [...list].filter(([, v]) => v.nano < 0n).map(([k]) => k);
}

/** Same names with equal values (formats aside). */
export function equals(a: ResourceList, b: ResourceList): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const o = b.get(k);
    if (!o || cmp(o, v) !== 0) return false;
  }
  return true;
}

/** `requests.cpu=500m,pods=1`, sorted by name, as the quota admission messages print lists. */
export function prettyPrint(list: ResourceList): string {
  return [...list.keys()]
    .sort()
    .map((k) => `${k}=${format(list.get(k)!)}`)
    .join(',');
}

export function prettyPrintNames(names: Iterable<string>): string {
  return [...new Set(names)].sort().join(',');
}
