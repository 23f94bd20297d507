// Exact resource.Quantity arithmetic for quota and limit ranges. Usage is summed over many objects and
// printed back to users (`requests.cpu: 1500m/2`), so values are kept as whole nano-units in a bigint
// (no float drift) together with the format upstream keeps: DecimalSI, BinarySI or DecimalExponent.
// Pure, so the API server's admission and the controller manager share it.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** Value × 10⁹, rounded up as upstream rounds to its nano scale. */
  nano: bigint;
  format: QuantityFormat;
}

const NANO = 1_000_000_000n;
const DECIMAL_EXP: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXP: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_SUFFIX: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const QUANTITY_RE = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([a-zA-Z]*|[eE][+-]?[0-9]+)$/;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Division rounding away from zero, as Quantity rounds values finer than its nano scale up. */
function divCeil(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b === 0n ? q : a > 0n ? q + 1n : q - 1n;
}

export function zero(format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nano: 0n, format };
}

/** Parse a quantity (string or number); undefined when it is not one. */
export function parse(input: unknown): Quantity | undefined {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return undefined;
    input = String(input);
  }
  if (typeof input !== 'string') return undefined;
  const m = QUANTITY_RE.exec(input.trim());
  if (!m) return undefined;
  const [, sign, whole = '', frac = '', suffix = ''] = m;
  if (whole === '' && frac === '') return undefined;
  const digits = BigInt(`${whole}${frac}` || '0') * (sign === '-' ? -1n : 1n);
  const scale = frac.length;
  let nano: bigint;
  let format: QuantityFormat;
  if (suffix in BINARY_EXP) {
    format = 'BinarySI';
    nano = divCeil(digits * (1n << BigInt(BINARY_EXP[suffix]!)) * NANO, pow10(scale));
  } else {
    let exp: number;
    if (suffix in DECIMAL_EXP) {
      format = 'DecimalSI';
      exp = DECIMAL_EXP[suffix]!;
    } else if (/^[eE]/.test(suffix)) {
      format = 'DecimalExponent';
      exp = Number(suffix.slice(1));
    } else return undefined;
    const shift = exp + 9 - scale;
    nano = shift >= 0 ? digits * pow10(shift) : divCeil(digits, pow10(-shift));
  }
  return { nano, format };
}

function formatDecimal(nano: bigint, exponentStyle: boolean): string {
  if (nano === 0n) return '0';
  const neg = nano < 0n;
  let abs = neg ? -nano : nano;
  // The largest power of 1000 that leaves a whole mantissa.
  let exp = -9;
  while (exp < 18 && abs % 1000n === 0n) {
    abs /= 1000n;
    exp += 3;
  }
  const suffix = exponentStyle ? (exp === 0 ? '' : `e${exp}`) : DECIMAL_SUFFIX[exp]!;
  return `${neg ? '-' : ''}${abs}${suffix}`;
}

/** Quantity.String(): the canonical text upstream prints (`1500m`, `1Gi`, `2k`). */
export function format(q: Quantity): string {
  if (q.format === 'BinarySI') {
    const abs = q.nano < 0n ? -q.nano : q.nano;
    // Small or fractional binary values print as decimal ones, as upstream's CanonicalizeBytes does.
    if (abs >= 1024n * NANO && abs % NANO === 0n) {
      let v = abs / NANO;
      let i = 0;
      while (i < BINARY_SUFFIX.length - 1 && v % 1024n === 0n) {
        v /= 1024n;
        i++;
      }
      return `${q.nano < 0n ? '-' : ''}${v}${BINARY_SUFFIX[i]}`;
    }
  }
  return formatDecimal(q.nano, q.format === 'DecimalExponent');
}

/** Quantity.Add: a zero receiver takes the other's format. */
export function add(a: Quantity, b: Quantity): Quantity {
  return { nano: a.nano + b.nano, format: a.nano === 0n ? b.format : a.format };
}

export function sub(a: Quantity, b: Quantity): Quantity {
  return { nano: a.nano - b.nano, format: a.nano === 0n ? b.format : a.format };
}

export function cmp(a: Quantity, b: Quantity): number {
  return a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0;
}

export function fromInt(n: number): Quantity {
  return { nano: BigInt(n) * NANO, format: 'DecimalSI' };
}

/** Quantity.Value(): whole units, rounded up. */
export function units(q: Quantity): bigint {
  return divCeil(q.nano, NANO);
}

/** Quantity.MilliValue(): thousandths, rounded up. */
export function milli(q: Quantity): bigint {
  return divCeil(q.nano, 1_000_000n);
}
