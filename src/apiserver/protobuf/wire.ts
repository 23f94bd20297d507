// A minimal reader for the protobuf wire format (proto2/proto3 share it): varints (up to 64 bits),
// fixed32/fixed64 and length-delimited fields. Groups (wire types 3/4) are only skipped.

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

export class WireError extends Error {}

/** One field occurrence as found on the wire. `value` is a bigint for varint/fixed, a Buffer for bytes. */
export interface RawField {
  field: number;
  wire: number;
  value: bigint | Buffer;
}

export class Reader {
  pos = 0;
  readonly end: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** An unsigned varint of up to 64 bits (10 bytes). */
  varint(): bigint {
    let small = 0;
    let shift = 0;
    // Fast path: the first four bytes fit in 28 bits of a JS number.
    while (shift < 28) {
      if (this.pos >= this.end) throw new WireError('truncated varint');
      const b = this.buf[this.pos++]!;
      small |= (b & 0x7f) << shift;
      if (b < 0x80) return BigInt(small >>> 0);
      shift += 7;
    }
    let big = BigInt(small >>> 0);
    for (let i = 4; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('truncated varint');
      const b = this.buf[this.pos++]!;
      big |= BigInt(b & 0x7f) << BigInt(shift);
      if (b < 0x80) return BigInt.asUintN(64, big);
      shift += 7;
    }
    throw new WireError('varint longer than 10 bytes');
  }

  /** A varint used as a length or tag: must fit a safe JS number. */
  uint(): number {
    const v = this.varint();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new WireError('length out of range');
    return Number(v);
  }

  fixed32(): bigint {
    if (this.pos + 4 > this.end) throw new WireError('truncated fixed32');
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return BigInt(v);
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.end) throw new WireError('truncated fixed64');
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  bytes(): Buffer {
    const n = this.uint();
    if (this.pos + n > this.end) throw new WireError('truncated length-delimited field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Reads the next field; groups are skipped (returned with an empty value). */
  next(): RawField {
    const tag = this.uint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 0) throw new WireError('field number 0 is invalid');
    switch (wire) {
      case WIRE_VARINT:
        return { field, wire, value: this.varint() };
      case WIRE_FIXED64:
        return { field, wire, value: this.fixed64() };
      case WIRE_BYTES:
        return { field, wire, value: this.bytes() };
      case WIRE_FIXED32:
        return { field, wire, value: this.fixed32() };
      case WIRE_START_GROUP:
        this.skipGroup(field);
        return { field, wire, value: Buffer.alloc(0) };
      default:
        throw new WireError(`unexpected wire type ${wire} for field ${field}`);
    }
  }

  /** Skips to the end group matching `field` (iteratively: nesting depth is attacker-controlled). */
  private skipGroup(field: number): void {
    const open = [field];
    while (open.length > 0) {
      if (this.done()) throw new WireError('unterminated group');
      const tag = this.uint();
      const f = Math.floor(tag / 8);
      const wire = tag & 7;
      if (wire === WIRE_END_GROUP) {
        if (f !== open.pop()) throw new WireError('mismatched end group');
      } else if (wire === WIRE_START_GROUP) open.push(f);
      else if (wire === WIRE_VARINT) this.varint();
      else if (wire === WIRE_FIXED64) this.fixed64();
      else if (wire === WIRE_BYTES) this.bytes();
      else if (wire === WIRE_FIXED32) this.fixed32();
      else throw new WireError(`unexpected wire type ${wire}`);
    }
  }
}

/** All fields of one message, in wire order. */
export function readFields(buf: Buffer): RawField[] {
  const r = new Reader(buf);
  const out: RawField[] = [];
  while (!r.done()) out.push(r.next());
  return out;
}

/** Decodes a packed run of varints (a repeated scalar sent with wire type 2). */
export function unpackVarints(buf: Buffer): bigint[] {
  const r = new Reader(buf);
  const out: bigint[] = [];
  while (!r.done()) out.push(r.varint());
  return out;
}
