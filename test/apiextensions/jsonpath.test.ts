// additionalPrinterColumns cells, with the cases of apiextensions-apiserver's tableconvertor_test.go
// (Test_cellForJSONValue and the ConvertToTable rows) and client-go JSONPath forms columns use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePrinterColumn, parsePrinterColumnPath, validatePrinterColumnPath } from '../../src/apiextensions/jsonpath.ts';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const HOUR = 3600_000;
const MINUTE = 60_000;

test('cell values per column type (Test_cellForJSONValue)', () => {
  const cases: [string, unknown, unknown][] = [
    ['integer', 42, 42],
    ['integer', 3.14, 3],
    ['integer', true, null],
    ['integer', 'foo', null],
    ['number', 42, 42],
    ['number', 3.14, 3.14],
    ['number', true, null],
    ['number', 'foo', null],
    ['boolean', 42, null],
    ['boolean', 3.14, null],
    ['boolean', true, true],
    ['boolean', 'foo', null],
    ['string', 'foo', 'foo'],
    ['date', 42, null],
    ['date', 3.14, null],
    ['date', true, null],
    ['date', ago(12 * HOUR + 30 * MINUTE), '12h'],
    ['date', ago(-(12 * HOUR + 30 * MINUTE)), '<invalid>'],
    ['date', '', '<unknown>'],
    ['date', 'yesterday', '<invalid>'],
    ['unknown', 'foo', null],
  ];
  for (const [type, value, want] of cases) {
    assert.deepEqual(evaluatePrinterColumn({ spec: { v: value } }, '.spec.v', type, '', NOW), want, `${type} ${JSON.stringify(value)}`);
  }
});

test('string cells print scalars as Go does and lists and maps as JSON; only the first match is shown', () => {
  const obj = { spec: { servers: [{ hosts: ['foo'] }, { hosts: ['bar', 'baz'] }], n: 42, f: 0.5, m: { b: 1, a: 'x' } } };
  const cases: [string, unknown][] = [
    ['.spec.servers[0].hosts[0]', 'foo'],
    ['.spec.servers[0].hosts', '["foo"]'],
    ['.spec.servers[1].hosts', '["bar","baz"]'],
    ['.spec.servers[*].hosts', '["foo"]'],
    ['.spec.n', '42'],
    ['.spec.f', '0.5'],
    ['.spec.m', '{"a":"x","b":1}'],
  ];
  for (const [path, want] of cases) assert.equal(evaluatePrinterColumn(obj, path, 'string', ''), want, path);
});

test('JSONPath forms columns use', () => {
  const obj = {
    metadata: { name: 'w', labels: { app: 'web', 'app.kubernetes.io/name': 'widget' } },
    spec: { replicas: 3, items: [{ name: 'a' }, { name: 'b' }] },
    status: {
      conditions: [
        { type: 'Progressing', status: 'False' },
        { type: 'Ready', status: 'True', reason: 'Up' },
      ],
    },
  };
  const cases: [string, string, unknown][] = [
    ['.spec.replicas', 'integer', 3],
    ['.status.conditions[?(@.type=="Ready")].status', 'string', 'True'],
    [".status.conditions[?(@.type=='Ready')].reason", 'string', 'Up'],
    ['.status.conditions[?(@.status!="True")].type', 'string', 'Progressing'],
    ['.metadata.labels.app', 'string', 'web'],
    [".metadata.labels['app.kubernetes.io/name']", 'string', 'widget'],
    ['.metadata.labels.app\\.kubernetes\\.io/name', 'string', 'widget'],
    ['.spec.items[*].name', 'string', 'a'],
    ['.spec.items[-1].name', 'string', 'b'],
    ['.spec.items[1:].name', 'string', 'b'],
    ['..name', 'string', 'w'],
    ['{.spec.replicas}', 'integer', 3],
    ['.spec.missing', 'string', null],
    ['.spec.items[5].name', 'string', null],
    ['.status.conditions[?(@.type=="Gone")].status', 'string', null],
    ['.spec.replicas.deeper', 'string', null],
  ];
  for (const [path, type, want] of cases) assert.deepEqual(evaluatePrinterColumn(obj, path, type, ''), want, path);
});

test('validatePrinterColumnPath: the simple-path rule of CRD validation', () => {
  assert.equal(validatePrinterColumnPath('.spec.replicas'), undefined);
  assert.equal(validatePrinterColumnPath('.'), undefined);
  assert.equal(validatePrinterColumnPath(''), 'must not be empty');
  assert.equal(validatePrinterColumnPath('spec.replicas'), 'must be a simple json path starting with .');
});

test('parsePrinterColumnPath: paths the table convertor cannot parse', () => {
  assert.equal(parsePrinterColumnPath('.spec.items[*].name'), undefined);
  assert.notEqual(parsePrinterColumnPath('.spec.items[abc]'), undefined);
  assert.notEqual(parsePrinterColumnPath('.spec.items[0'), undefined);
  assert.equal(evaluatePrinterColumn({ spec: {} }, '.spec.items[abc]', 'string', ''), null);
});
