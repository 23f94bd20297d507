// resource.Quantity parsing, enough to compare and sum values (QoS class, quota checks, the
// scheduler's fit and the node agent's capacity). Values are kept as JavaScript numbers: exact for
// everything a real manifest carries. Pure, so every layer (clients included) may use it.

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
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
};

const QUANTITY_RE = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(.*)$/;

/** The numeric value of a quantity string (or number), or undefined when it does not parse. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q !== 'string') return undefined;
  const m = QUANTITY_RE.exec(q.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  const suffix = m[2]!;
  if (suffix in BINARY) return base * BINARY[suffix]!;
  if (suffix in DECIMAL) return base * DECIMAL[suffix]!;
  const exp = /^[eE]([+-]?[0-9]+)$/.exec(suffix);
  if (exp) return base * 10 ** Number(exp[1]);
  return undefined;
}

/** Quantity.String() for display: the stored text, or "0" when absent (a zero Quantity). */
export function quantityString(q: unknown): string {
  if (typeof q === 'string' && q !== '') return q;
  if (typeof q === 'number') return String(q);
  return '0';
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
