// resource.Quantity values as numbers: what the scheduler and the node agent need to add up requests
// and compare them with allocatable (MilliValue for cpu, Value for the others, both rounded up).

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/;

/** The value of a quantity in base units, or undefined when it does not parse. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  return n * SUFFIX[m[3] ?? '']!;
}

/** Quantity.MilliValue(): thousandths, rounded up. */
export function milliValue(q: unknown): number {
  const v = parseQuantity(q);
  if (v === undefined) return 0;
  return Math.ceil(Math.round(v * 1e9) / 1e6);
}

/** Quantity.Value(): whole units, rounded up. */
export function value(q: unknown): number {
  const v = parseQuantity(q);
  if (v === undefined) return 0;
  return Math.ceil(Math.round(v * 1e6) / 1e6);
}

/** Canonical text for a byte count in binary units, as resource.Quantity prints BinarySI values. */
export function formatBinary(bytes: number): string {
  const units = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
  let suffix = '';
  let v = bytes;
  for (const u of units) {
    if (v % 1024 !== 0 || v === 0) break;
    v /= 1024;
    suffix = u;
  }
  return `${v}${suffix}`;
}
