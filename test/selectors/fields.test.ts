import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { escapeFieldValue, parseFieldSelector, unescapeFieldValue } from '../../src/selectors/fields.ts';
import { SelectorParseError } from '../../src/selectors/labels.ts';

function parseError(s: string): string {
  try {
    parseFieldSelector(s);
  } catch (e) {
    assert.ok(e instanceof SelectorParseError);
    return e.message;
  }
  assert.fail(`expected ${JSON.stringify(s)} to be rejected`);
}

const req = (s: string) => ({ ...parseFieldSelector(s).requirements[0] });
const getter = (fields: Record<string, string>) => (f: string) => fields[f];

describe('parseFieldSelector', () => {
  it('parses =, == and != terms, sorted, with == reported as =', () => {
    const s = parseFieldSelector('spec.nodeName!=n1,metadata.name==foo,metadata.namespace=default');
    assert.deepEqual(
      s.requirements.map((r) => [r.field, r.operator, r.value]),
      [
        ['metadata.name', '=', 'foo'],
        ['metadata.namespace', '=', 'default'],
        ['spec.nodeName', '!=', 'n1'],
      ],
    );
    assert.equal(s.toString(), 'metadata.name=foo,metadata.namespace=default,spec.nodeName!=n1');
    assert.equal(s.empty(), false);
  });

  it('treats empty input, empty terms and empty field=value terms as everything', () => {
    for (const sel of ['', ',', ',,', '=', '==', '!=']) {
      const s = parseFieldSelector(sel);
      assert.equal(s.empty(), true, sel);
      assert.equal(s.toString(), '', sel);
      assert.equal(s.matches(() => 'x'), true, sel);
    }
    assert.equal(parseFieldSelector(',a=1,').toString(), 'a=1');
    assert.deepEqual(req('=x'), { field: '', operator: '=', value: 'x' });
  });

  it('splits on the first operator', () => {
    assert.deepEqual(req('a!b=c'), { field: 'a!b', operator: '=', value: 'c' });
    assert.deepEqual(req('a='), { field: 'a', operator: '=', value: '' });
    assert.deepEqual(req('a!='), { field: 'a', operator: '!=', value: '' });
  });

  it('matches, reading missing fields as empty', () => {
    const s = parseFieldSelector('metadata.name=foo,status.phase!=Running');
    assert.equal(s.matches(getter({ 'metadata.name': 'foo', 'status.phase': 'Pending' })), true);
    assert.equal(s.matches(getter({ 'metadata.name': 'foo' })), true);
    assert.equal(s.matches(getter({ 'metadata.name': 'foo', 'status.phase': 'Running' })), false);
    assert.equal(s.matches(getter({ 'metadata.name': 'bar' })), false);
    assert.equal(parseFieldSelector('spec.nodeName=').matches(getter({})), true);
    assert.equal(parseFieldSelector('spec.nodeName!=').matches(getter({})), false);
  });

  it('answers exactValue for = and == only', () => {
    const s = parseFieldSelector('metadata.name==foo,spec.nodeName!=n1');
    assert.equal(s.exactValue('metadata.name'), 'foo');
    assert.equal(s.exactValue('spec.nodeName'), undefined);
    assert.equal(s.exactValue('metadata.namespace'), undefined);
    assert.equal(parseFieldSelector('').exactValue('metadata.name'), undefined);
  });

  it('handles escaping', () => {
    const s = parseFieldSelector('a=x\\,y\\=z\\\\,b!=\\,');
    assert.deepEqual(
      s.requirements.map((r) => r.value),
      ['x,y=z\\', ','],
    );
    assert.equal(s.toString(), 'a=x\\,y\\=z\\\\,b!=\\,');
    assert.equal(escapeFieldValue('a,b=c\\'), 'a\\,b\\=c\\\\');
    assert.equal(unescapeFieldValue(escapeFieldValue('a,b=c\\d')), 'a,b=c\\d');
    assert.equal(escapeFieldValue('plain'), 'plain');
  });

  it('reports errors like upstream', () => {
    assert.equal(parseError('a=1,b'), "invalid selector: 'a=1,b'; can't understand 'b'");
    assert.equal(parseError('a=b=c'), 'invalid field selector: unescaped character in value: 61');
    assert.equal(parseError('a==b,c'), "invalid selector: 'a==b,c'; can't understand 'c'");
    assert.equal(parseError('a=\\x'), 'invalid field selector: invalid escape sequence: \\x');
    assert.equal(parseError('a=b\\'), 'invalid field selector: invalid escape sequence: \\');
    assert.equal(parseError('a=b\\\\\\'), 'invalid field selector: invalid escape sequence: \\');
  });
});
