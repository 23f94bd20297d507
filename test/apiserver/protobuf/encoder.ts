// A tiny protobuf *encoder* for building test vectors by hand, following the upstream field numbers.
// Each helper returns the bytes of one field (tag + payload); `msg(...)` concatenates fields into a message.

export type Field = Buffer;

export function varint(v: bigint | number): Buffer {
  let n = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) b |= 0x80;
    out.push(b);
  } while (n > 0n);
  return Buffer.from(out);
}

function tag(field: number, wire: number): Buffer {
  return varint((field << 3) | wire);
}

export function msg(...fields: (Field | undefined | false)[]): Buffer {
  return Buffer.concat(fields.filter((f): f is Buffer => Buffer.isBuffer(f)));
}

/** Length-delimited field: a string, bytes or an embedded message. */
export function ld(field: number, payload: Buffer | string): Field {
  const b = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([tag(field, 2), varint(b.length), b]);
}
export const str = ld;
export const sub = ld;

/** Varint field (int32/int64/bool/enum). Negative numbers are sign-extended to 64 bits, as Go does. */
export function int(field: number, v: number | bigint | boolean): Field {
  const n = typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v);
  return Buffer.concat([tag(field, 0), varint(n)]);
}

export function fixed64(field: number, v: bigint): Field {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, v));
  return Buffer.concat([tag(field, 1), b]);
}

export function fixed32(field: number, v: number): Field {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return Buffer.concat([tag(field, 5), b]);
}

export function packed(field: number, values: (number | bigint)[]): Field {
  return ld(field, Buffer.concat(values.map((v) => varint(BigInt(v)))));
}

/** One map<string, X> entry (a repeated message {1: key, 2: value}). */
export function entry(field: number, key: string, value: Buffer | string | undefined): Field {
  return sub(field, msg(str(1, key), value === undefined ? undefined : ld(2, value)));
}

export function entries(field: number, m: Record<string, string>): Field {
  return msg(...Object.entries(m).map(([k, v]) => entry(field, k, v)));
}

export function quantity(s: string): Buffer {
  return msg(str(1, s));
}

export function intOrString(v: number | string): Buffer {
  return typeof v === 'number' ? msg(int(1, 0), int(2, v)) : msg(int(1, 1), str(3, v));
}

export function time(seconds: number, nanos = 0): Buffer {
  return msg(int(1, seconds), nanos ? int(2, nanos) : undefined);
}

/** The `k8s\0` + runtime.Unknown envelope around an object message. */
export function envelope(apiVersion: string, kind: string, raw: Buffer, contentType?: string): Buffer {
  return Buffer.concat([
    Buffer.from('k8s\0', 'binary'),
    msg(sub(1, msg(str(1, apiVersion), str(2, kind))), ld(2, raw), str(3, ''), str(4, contentType ?? '')),
  ]);
}
