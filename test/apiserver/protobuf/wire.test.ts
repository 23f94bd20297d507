// The protobuf wire reader: varints up to 64 bits, fixed widths, length-delimited fields, groups, errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reader, WireError, readFields, unpackVarints } from '../../../src/apiserver/protobuf/wire.ts';
import { fixed32, fixed64, int, ld, msg, varint } from './encoder.ts';

describe('protobuf wire reader', () => {
  it('reads varints of every length, including 64-bit values', () => {
    for (const v of [0n, 1n, 127n, 128n, 300n, 16383n, 16384n, 2n ** 28n - 1n, 2n ** 28n, 2n ** 35n + 5n, 2n ** 53n + 1n, 2n ** 64n - 1n]) {
      const r = new Reader(varint(v));
      assert.equal(r.varint(), v, `varint ${v}`);
      assert.ok(r.done());
    }
  });

  it('reads negative int32/int64 as 10-byte sign-extended varints', () => {
    const r = new Reader(varint(-1));
    assert.equal(r.buf.length, 10);
    assert.equal(BigInt.asIntN(64, r.varint()), -1n);
    assert.equal(BigInt.asIntN(32, new Reader(varint(-2147483648)).varint()), -2147483648n);
  });

  it('splits a message into fields of each wire type, in order', () => {
    const buf = msg(int(1, 150), ld(2, 'testing'), fixed64(3, 0x0102030405060708n), fixed32(4, 0xdeadbeef), int(1, 7));
    const fields = readFields(buf);
    assert.deepEqual(
      fields.map((f) => [f.field, f.wire]),
      [
        [1, 0],
        [2, 2],
        [3, 1],
        [4, 5],
        [1, 0],
      ],
    );
    assert.equal(fields[0]!.value, 150n);
    assert.equal((fields[1]!.value as Buffer).toString(), 'testing');
    assert.equal(fields[2]!.value, 0x0102030405060708n);
    assert.equal(fields[3]!.value, 0xdeadbeefn);
    // The canonical example from the protobuf docs: field 1 = 150 is 08 96 01.
    assert.deepEqual([...int(1, 150)], [0x08, 0x96, 0x01]);
  });

  it('skips groups (wire types 3/4), nested ones too', () => {
    // field 5 start group { field 1 varint 1; field 6 start group { } end 6 } end 5, then field 2 = "x"
    const group = Buffer.from([(5 << 3) | 3, 0x08, 0x01, (6 << 3) | 3, (6 << 3) | 4, (5 << 3) | 4]);
    const fields = readFields(Buffer.concat([group, ld(2, 'x')]));
    assert.equal(fields.length, 2);
    assert.equal(fields[0]!.field, 5);
    assert.equal((fields[1]!.value as Buffer).toString(), 'x');
  });

  it('unpacks packed varints', () => {
    assert.deepEqual(unpackVarints(Buffer.concat([varint(3), varint(270), varint(86942)])), [3n, 270n, 86942n]);
  });

  it('rejects truncated and invalid input', () => {
    assert.throws(() => readFields(Buffer.from([0x08])), WireError); // varint missing
    assert.throws(() => readFields(Buffer.from([0x08, 0x80])), WireError); // unterminated varint
    assert.throws(() => readFields(Buffer.from([0x12, 0x05, 0x61])), WireError); // length beyond end
    assert.throws(() => readFields(Buffer.from([0x19, 0x01])), WireError); // fixed64 truncated
    assert.throws(() => readFields(Buffer.from([0x0f])), WireError); // wire type 7
    assert.throws(() => readFields(Buffer.from([0x00])), WireError); // field 0
    assert.throws(() => readFields(Buffer.from([(5 << 3) | 3, 0x08, 0x01])), WireError); // unterminated group
    assert.throws(() => new Reader(Buffer.alloc(11, 0xff)).varint(), WireError); // > 10 bytes
  });
});
