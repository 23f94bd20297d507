// Warning header values must be sendable whatever the text holds: Node refuses control and non-Latin-1
// characters (the fuzz test found a 500 from an unknown field name with a stray byte in it).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { warningHeader } from '../../src/apiserver/field-validation.ts';

describe('warningHeader', () => {
  const cases: [string, string, string][] = [
    ['plain text', 'unknown field "spec.foo"', '299 - "unknown field \\"spec.foo\\""'],
    ['line breaks become spaces, as Go writes them', 'a\nb\r\x00c', '299 - "a b  c"'],
    // The UTF-8 bytes go out as they are; a client decoding the header as UTF-8 reads the text back.
    ['non-ASCII text', 'unknown field "spec.\u00e9\ufffd"', Buffer.from('299 - "unknown field \\"spec.\u00e9\ufffd\\""', 'utf8').toString('latin1')],
  ];
  for (const [name, text, want] of cases) {
    it(name, () => {
      const got = warningHeader(text);
      assert.equal(got, want);
      assert.ok(/^[\t\x20-\xff]*$/.test(got), 'sendable by Node');
    });
  }
});
