// A protobuf wire writer that builds a whole message tree in one growing buffer. Nested messages are
// opened and closed like brackets; each reserves one length byte up front and is shifted only when its
// body turns out to be 128 bytes or longer, so most submessages cost no copy at all.

import { WIRE_BYTES, WIRE_FIXED64, WIRE_VARINT } from './wire.ts';

/** A point to return to when a speculative encoding (e.g. one arm of a oneof) has to be undone. */
export interface WriterMark {
  readonly pos: number;
  readonly depth: number;
}

export class Writer {
  private buf: Buffer;
  private pos = 0;
  /** Start offsets (of the reserved length byte) of the submessages still open. */
  private readonly open: number[] = [];

  constructor(initialSize = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialSize));
  }

  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** An unsigned varint of a non-negative safe integer. */
  private rawVarint(n: number): void {
    this.ensure(10);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  /** int64/uint64 as a varint; negative values take ten bytes, as two's complement. */
  int64(field: number, v: number | bigint): void {
    this.tag(field, WIRE_VARINT);
    if (typeof v === 'number' && v >= 0 && Number.isSafeInteger(v)) {
      this.rawVarint(v);
      return;
    }
    let big = BigInt.asUintN(64, BigInt(v));
    this.ensure(10);
    while (big >= 0x80n) {
      this.buf[this.pos++] = Number(big & 0x7fn) | 0x80;
      big >>= 7n;
    }
    this.buf[this.pos++] = Number(big);
  }

  bool(field: number, v: boolean): void {
    this.tag(field, WIRE_VARINT);
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  double(field: number, v: number): void {
    this.tag(field, WIRE_FIXED64);
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  string(field: number, s: string): void {
    this.tag(field, WIRE_BYTES);
    // Worst case is 3 bytes per UTF-16 unit; reserve a 5-byte length and fix it up afterwards.
    this.ensure(5 + s.length * 3);
    const lenAt = this.pos;
    const n = s.length < 0x80 / 3 ? this.buf.write(s, lenAt + 1, 'utf8') : -1;
    if (n >= 0) {
      this.buf[lenAt] = n;
      this.pos = lenAt + 1 + n;
      return;
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.rawVarint(bytes);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, WIRE_BYTES);
    this.rawVarint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Opens a length-delimited submessage; every `begin` needs its `end`. */
  begin(field: number): void {
    this.tag(field, WIRE_BYTES);
    this.ensure(1);
    this.open.push(this.pos);
    this.pos += 1;
  }

  end(): void {
    const at = this.open.pop();
    if (at === undefined) throw new Error('protobuf writer: end() without begin()');
    const len = this.pos - at - 1;
    if (len < 0x80) {
      this.buf[at] = len;
      return;
    }
    let extra = 0;
    for (let n = len; n >= 0x80; n = Math.floor(n / 0x80)) extra++;
    this.ensure(extra);
    this.buf.copyWithin(at + 1 + extra, at + 1, this.pos);
    let n = len;
    let p = at;
    while (n >= 0x80) {
      this.buf[p++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[p] = n;
    this.pos += extra;
  }

  mark(): WriterMark {
    return { pos: this.pos, depth: this.open.length };
  }

  /** Discards everything written since `m`, including submessages opened since then. */
  reset(m: WriterMark): void {
    this.pos = m.pos;
    this.open.length = m.depth;
  }

  /** A copy of the bytes written so far; all submessages must be closed. */
  finish(): Buffer {
    if (this.open.length !== 0) throw new Error('protobuf writer: unclosed submessage');
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}
