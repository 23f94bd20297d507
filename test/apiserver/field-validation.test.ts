import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SchemaNode } from '../../src/api/schema/types.ts';
import {
  duplicateFields,
  fieldValidationDirective,
  strictDecodingErrors,
  dropUnknownFields,
  warningHeader,
} from '../../src/apiserver/field-validation.ts';

const str: SchemaNode = { type: 'string' };
const container: SchemaNode = { type: 'object', properties: { name: str, image: str } };
const pod: SchemaNode = {
  type: 'object',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: { type: 'object', properties: { name: str, labels: { type: 'object', additionalProperties: str } } },
    spec: {
      type: 'object',
      properties: { containers: { type: 'array', items: container }, raw: { type: 'object', preserveUnknownFields: true } },
    },
  },
};

test('duplicate keys are found with their paths, in document order', () => {
  assert.deepEqual(duplicateFields('{"a":1,"b":2}'), []);
  assert.deepEqual(duplicateFields('{"data":{"a":"x","a":"y"},"data":{}}'), ['data.a', 'data']);
  assert.deepEqual(
    duplicateFields('{"spec":{"containers":[{"name":"a"},{"name":"b","image":"i","name":"c"}]}}'),
    ['spec.containers[1].name'],
  );
  // keys inside strings and escaped keys are read as JSON reads them
  assert.deepEqual(duplicateFields('{"s":"{\\"s\\":1}","q\\"k":1,"q\\"k":2}'), ['q"k']);
  assert.deepEqual(duplicateFields('[{"a":1},{"a":1}]'), []);
  assert.deepEqual(duplicateFields('{"m":[[{"x":1,"x":2}]]}'), ['m[0][0].x']);
});

test('unknown fields follow the schema, maps and preserved subtrees accept any key', () => {
  const obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { anything: 'ok' }, bogus: 1 },
    spec: { containers: [{ name: 'c', image: 'i', imagePullPolcy: 'x' }], raw: { free: { form: 1 } }, extra: true },
    topLevel: 1,
  };
  assert.deepEqual(dropUnknownFields(obj, pod), ['metadata.bogus', 'spec.containers[0].imagePullPolcy', 'spec.extra', 'topLevel']);
  assert.deepEqual(dropUnknownFields(obj, undefined), []);
});

test('strict messages, directive parsing and warning header quoting', () => {
  assert.deepEqual(strictDecodingErrors('{"kind":"Pod","kind":"Pod","x":1}', { kind: 'Pod', x: 1 }, pod), [
    'duplicate field "kind"',
    'unknown field "x"',
  ]);
  assert.equal(fieldValidationDirective(undefined, 'CreateOptions'), 'Warn');
  assert.equal(fieldValidationDirective('Strict', 'CreateOptions'), 'Strict');
  assert.throws(
    () => fieldValidationDirective('strict', 'CreateOptions'),
    (err: Error) =>
      err.message ===
      'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "Ignore", "Strict", "Warn"',
  );
  assert.equal(warningHeader('unknown field "spec.foo"'), '299 - "unknown field \\"spec.foo\\""');
});
