import assert from 'node:assert/strict';
import { test } from 'node:test';
import { schemaForKind } from '../../src/api/schema/index.ts';
import type { SchemaNode } from '../../src/api/schema/types.ts';
import { base64Error, goTimeError, quantityError, RFC3339, RFC3339_MICRO, type GoLayout } from '../../src/apiserver/decode/go-values.ts';
import { duplicateFields, scanJSON } from '../../src/apiserver/decode/json-scan.ts';
import {
  checkBody,
  decodeAgainstSchema,
  fieldValidationDirective,
  strictDecodingErrors,
  dropUnknownFields,
  summarizeBody,
  typeMetaError,
  warningHeader,
  type Decoder,
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

const QUANTITY_REGEX_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

test('duplicate keys are found with their paths, in document order', () => {
  assert.deepEqual(duplicateFields('{"a":1,"b":2}'), []);
  assert.deepEqual(duplicateFields('{"data":{"a":"x","a":"y"},"data":{}}'), ['data.a', 'data']);
  assert.deepEqual(
    duplicateFields('{"spec":{"containers":[{"name":"a"},{"name":"b","image":"i","name":"c"}]}}'),
    ['spec.containers[1].name'],
  );
  // keys inside strings and escaped keys are read as JSON reads them
  assert.deepEqual(duplicateFields('{"s":"{\\"s\\":1}","q\\"k":1,"q\\"k":2}'), ['q"k']);
  assert.deepEqual(duplicateFields('{"s":"a\\\\","t":"\\\\\\"","t":1}'), ['t']);
  assert.deepEqual(duplicateFields('[{"a":1},{"a":1}]'), []);
  assert.deepEqual(duplicateFields('{"m":[[{"x":1,"x":2}]]}'), ['m[0][0].x']);
});

test('number literals JSON.parse would lose are kept by path', () => {
  const { numbers } = scanJSON('{"a":1,"b":1.0,"c":[2,1e3,-0.5],"d":{"e":12345678901234567890},"f":"1.0","g":-7,"h":123456789012345}');
  assert.deepEqual([...numbers], [
    ['b', '1.0'],
    ['c[1]', '1e3'],
    ['c[2]', '-0.5'],
    ['d.e', '12345678901234567890'],
  ]);
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
  assert.deepEqual(Object.keys(obj.metadata), ['name', 'labels']);
  assert.deepEqual(dropUnknownFields(obj, undefined), []);
  // members of Object.prototype are not fields
  assert.deepEqual(dropUnknownFields(JSON.parse('{"constructor":1,"__proto__":{"x":1},"toString":"s"}'), pod), ['constructor', '__proto__', 'toString']);
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

// A small named schema: definitions are named after the Go package and type, as upstream's are.
const named = (name: string, node: SchemaNode): SchemaNode => ({ ...node, name: `io.k8s.api.demo.v1.${name}` });
const item = named('Item', { type: 'object', properties: { id: { type: 'integer', format: 'int64' }, tag: str } });
const demo = named('Demo', {
  type: 'object',
  properties: {
    spec: named('DemoSpec', {
      type: 'object',
      properties: {
        count: { type: 'integer', format: 'int32' },
        total: { type: 'integer', format: 'int64' },
        ratio: { type: 'number', format: 'double' },
        enabled: { type: 'boolean' },
        title: str,
        items: { type: 'array', items: item },
        tags: { type: 'array', items: str },
        labels: { type: 'object', additionalProperties: str },
        port: { intOrString: true, format: 'int-or-string' },
        raw: { type: 'object', preserveUnknownFields: true },
      },
    }),
  },
});

function decodeError(value: unknown, schema: SchemaNode, decoder: Decoder = 'json', text?: string): string | undefined {
  return decodeAgainstSchema(value, schema, { decoder, numbers: text === undefined ? undefined : scanJSON(text).numbers }).error;
}

test('values of the wrong JSON type fail as encoding/json words it, with Go type names', () => {
  const field = (f: string, type: string, value = 'string') => `json: cannot unmarshal ${value} into Go struct field ${f} of type ${type}`;
  const cases: [unknown, string][] = [
    [{ spec: { count: '3' } }, field('DemoSpec.spec.count', 'int32')],
    [{ spec: { count: 1.5 } }, field('DemoSpec.spec.count', 'int32', 'number 1.5')],
    [{ spec: { count: 2147483648 } }, field('DemoSpec.spec.count', 'int32', 'number 2147483648')],
    [{ spec: { count: -2147483649 } }, field('DemoSpec.spec.count', 'int32', 'number -2147483649')],
    [{ spec: { total: true } }, field('DemoSpec.spec.total', 'int64', 'bool')],
    [{ spec: { ratio: '0.5' } }, field('DemoSpec.spec.ratio', 'float64')],
    [{ spec: { enabled: 'true' } }, field('DemoSpec.spec.enabled', 'bool')],
    [{ spec: { enabled: 1 } }, field('DemoSpec.spec.enabled', 'bool', 'number')],
    [{ spec: { title: 5 } }, field('DemoSpec.spec.title', 'string', 'number')],
    [{ spec: { title: {} } }, field('DemoSpec.spec.title', 'string', 'object')],
    [{ spec: { title: [] } }, field('DemoSpec.spec.title', 'string', 'array')],
    [{ spec: { items: {} } }, field('DemoSpec.spec.items', '[]v1.Item', 'object')],
    [{ spec: { items: ['x'] } }, field('DemoSpec.spec.items', 'v1.Item')],
    [{ spec: { items: [{ id: '1' }] } }, field('Item.spec.items.id', 'int64')],
    [{ spec: { tags: 'a,b' } }, field('DemoSpec.spec.tags', '[]string')],
    [{ spec: { tags: ['a', 2] } }, field('DemoSpec.spec.tags', 'string', 'number')],
    [{ spec: { labels: [] } }, field('DemoSpec.spec.labels', 'map[string]string', 'array')],
    [{ spec: { labels: { a: false } } }, field('DemoSpec.spec.labels', 'string', 'bool')],
    [{ spec: 'x' }, field('Demo.spec', 'v1.DemoSpec')],
    [{ spec: [] }, field('Demo.spec', 'v1.DemoSpec', 'array')],
  ];
  for (const [value, message] of cases) assert.equal(decodeError(value, demo), message, JSON.stringify(value));
  // null is the zero value of any type; preserved subtrees take anything
  assert.equal(decodeError({ spec: { count: null, items: [null], labels: { a: null }, title: null, raw: [1, 'x'] } }, demo), undefined);
  assert.equal(decodeError({ spec: { count: 3, total: 9007199254740991, ratio: 1, enabled: false, tags: [] } }, demo), undefined);
});

test('integers are judged by the literal as written', () => {
  const text = '{"spec":{"count":1.0,"total":12345678901234567890}}';
  assert.equal(decodeError(JSON.parse(text), demo, 'json', text), 'json: cannot unmarshal number 1.0 into Go struct field DemoSpec.spec.count of type int32');
  const big = '{"spec":{"total":12345678901234567890}}';
  assert.equal(decodeError(JSON.parse(big), demo, 'json', big), 'json: cannot unmarshal number 12345678901234567890 into Go struct field DemoSpec.spec.total of type int64');
  const max = '{"spec":{"total":9223372036854775807,"items":[{"id":-9223372036854775808}]}}';
  assert.equal(decodeError(JSON.parse(max), demo, 'json', max), undefined);
  const exp = '{"spec":{"items":[{"id":1e3}]}}';
  assert.equal(decodeError(JSON.parse(exp), demo, 'json', exp), 'json: cannot unmarshal number 1e3 into Go struct field Item.spec.items.id of type int64');
});

test('encoding/json reports the first type error but an UnmarshalJSON failure anywhere wins', () => {
  assert.equal(decodeError({ spec: { count: 'a', title: 1 } }, demo), 'json: cannot unmarshal string into Go struct field DemoSpec.spec.count of type int32');
  assert.equal(
    decodeError({ spec: { count: 'a', port: true } }, demo),
    'json: cannot unmarshal bool into Go struct field DemoSpec.spec.port of type int32',
  );
});

test('IntOrString takes a string or an int32; other values fail inside its UnmarshalJSON', () => {
  for (const port of ['http', '25%', 8080, -1, 2147483647]) assert.equal(decodeError({ spec: { port } }, demo), undefined, String(port));
  const cases: [unknown, string][] = [
    [true, 'bool'],
    [1.5, 'number 1.5'],
    [2147483648, 'number 2147483648'],
    [{}, 'object'],
    [[], 'array'],
  ];
  for (const [port, value] of cases) {
    assert.equal(decodeError({ spec: { port } }, demo), `json: cannot unmarshal ${value} into Go struct field DemoSpec.spec.port of type int32`);
    assert.equal(decodeError({ spec: { port } }, demo, 'unstructured'), `json: cannot unmarshal ${value} into Go value of type int32`);
  }
});

test('real schemas: Deployment, Pod and Secret', () => {
  const deployment = schemaForKind('apps', 'v1', 'Deployment')!;
  const podSchema = schemaForKind('', 'v1', 'Pod')!;
  const secret = schemaForKind('', 'v1', 'Secret')!;
  const template = (spec: Record<string, unknown>) => ({ spec: { template: { spec } } });
  assert.equal(
    decodeError({ spec: { replicas: '3' } }, deployment),
    'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
  );
  assert.equal(
    decodeError(template({ containers: [{ name: 'a', env: [{ name: 'A', value: true }] }] }), deployment),
    'json: cannot unmarshal bool into Go struct field EnvVar.spec.template.spec.containers.env.value of type string',
  );
  assert.equal(
    decodeError(template({ containers: {} }), deployment),
    'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container',
  );
  assert.equal(
    decodeError({ spec: { template: 'x' } }, deployment),
    'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.template of type v1.PodTemplateSpec',
  );
  assert.equal(
    decodeError({ metadata: { labels: { app: 1 } } }, deployment),
    'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
  );
  assert.equal(
    decodeError({ spec: { strategy: { rollingUpdate: { maxSurge: true } } } }, deployment),
    'json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32',
  );
  // Named Go types the schema does not carry
  assert.equal(
    decodeError({ spec: { containers: [{ name: 'a', imagePullPolicy: 1 }] } }, podSchema),
    'json: cannot unmarshal number into Go struct field Container.spec.containers.imagePullPolicy of type v1.PullPolicy',
  );
  assert.equal(decodeError({ metadata: { uid: 5 } }, podSchema), 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.uid of type types.UID');
  assert.equal(
    decodeError({ spec: { containers: [{ name: 'a', resources: { limits: [] } }] } }, podSchema),
    'json: cannot unmarshal array into Go struct field ResourceRequirements.spec.containers.resources.limits of type v1.ResourceList',
  );
  assert.equal(
    decodeError({ spec: { containers: [{ name: 'a', securityContext: { capabilities: { drop: ['ALL', 1] } } }] } }, podSchema),
    'json: cannot unmarshal number into Go struct field Capabilities.spec.containers.securityContext.capabilities.drop of type v1.Capability',
  );
  // Quantity: numbers and quantity strings; anything else fails ParseQuantity, with no context
  const limits = (limits: unknown) => ({ spec: { containers: [{ name: 'a', resources: { limits } }] } });
  assert.equal(decodeError(limits({ cpu: '500m', memory: '1Gi', 'nvidia.com/gpu': 1, x: 0.5, y: ' 2 ' }), podSchema), undefined);
  assert.equal(decodeError(limits({ cpu: 'lots' }), podSchema), QUANTITY_REGEX_ERROR);
  assert.equal(decodeError(limits({ cpu: true }), podSchema), QUANTITY_REGEX_ERROR);
  assert.equal(decodeError(limits({ memory: '1ki' }), podSchema), "unable to parse quantity's suffix");
  // Time and MicroTime
  assert.equal(decodeError({ metadata: { creationTimestamp: '2024-05-01T10:00:00Z' } }, podSchema), undefined);
  assert.equal(
    decodeError({ metadata: { creationTimestamp: 'yesterday' } }, podSchema),
    'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
  );
  assert.equal(
    decodeError({ metadata: { creationTimestamp: 1714557600 } }, podSchema),
    'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string',
  );
  const lease = schemaForKind('coordination.k8s.io', 'v1', 'Lease')!;
  assert.equal(decodeError({ spec: { renewTime: '2024-05-01T10:00:00.123456Z' } }, lease), undefined);
  assert.equal(
    decodeError({ spec: { renewTime: '2024-05-01T10:00:00.123Z' } }, lease),
    'parsing time "2024-05-01T10:00:00.123Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as ".000000"',
  );
  // Secret data: base64 strings, or arrays of bytes stored in their base64 form
  assert.equal(decodeError({ data: { a: 'aGk=' } }, secret), undefined);
  assert.equal(decodeError({ data: { a: 'not base64' } }, secret), 'illegal base64 data at input byte 3');
  assert.equal(decodeError({ data: { a: 1 } }, secret), 'json: cannot unmarshal number into Go struct field Secret.data of type []uint8');
  assert.equal(decodeError({ data: [] }, secret), 'json: cannot unmarshal array into Go struct field Secret.data of type map[string][]uint8');
  const bytes = { data: { a: [104, 105] } };
  assert.equal(decodeError(bytes, secret), undefined);
  assert.deepEqual(bytes.data, { a: 'aGk=' });
  assert.equal(decodeError({ data: { a: [256] } }, secret), 'json: cannot unmarshal number 256 into Go struct field Secret.data of type uint8');
  assert.equal(decodeError({ data: { a: ['h'] } }, secret), 'json: cannot unmarshal string into Go struct field Secret.data of type uint8');
});

test('strategic merge patch results go through the unstructured converter, in its words', () => {
  const deployment = schemaForKind('apps', 'v1', 'Deployment')!;
  const podSchema = schemaForKind('', 'v1', 'Pod')!;
  const secret = schemaForKind('', 'v1', 'Secret')!;
  const u = (value: unknown, schema = deployment) => decodeError(value, schema, 'unstructured');
  assert.equal(u({ spec: { replicas: '3' } }), 'unrecognized type: int32');
  assert.equal(u({ spec: { replicas: 1.5 } }), 'cannot convert float64 to int32');
  assert.equal(u({ spec: { replicas: 3 } }), undefined);
  assert.equal(u({ spec: { paused: 1 } }), 'unrecognized type: bool');
  assert.equal(u({ spec: { template: { spec: { containers: {} } } } }), 'cannot restore slice from map');
  assert.equal(u({ spec: { template: { spec: { containers: [{ name: 5 }] } } } }), 'cannot convert int64 to string');
  assert.equal(u({ spec: { template: { spec: { containers: [{ name: 5.5 }] } } } }), 'unrecognized type: string');
  assert.equal(u({ spec: { template: { spec: { containers: [{ name: 'a', imagePullPolicy: 1 }] } } } }), 'cannot convert int64 to v1.PullPolicy');
  assert.equal(u({ metadata: { labels: [] } }), 'cannot restore map from slice');
  assert.equal(u({ spec: 'x' }), 'cannot restore struct from: string');
  assert.equal(u({ metadata: { creationTimestamp: 5 } }), 'json: cannot unmarshal number into Go value of type string');
  assert.equal(u({ spec: { containers: [{ name: 'a', resources: { limits: { cpu: 'x' } } }] } }, podSchema), QUANTITY_REGEX_ERROR);
  assert.equal(u({ data: { a: 'not base64' } }, secret), 'error decoding from json: illegal base64 data at input byte 3');
});

test("time.Parse's errors for the RFC 3339 layouts", () => {
  const T = RFC3339;
  const M = RFC3339_MICRO;
  const ok = ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.5Z', '2024-05-01T10:00:00,5+02:00', '2024-02-29T23:59:59-00:30', '2024-05-01T1:00:00Z'];
  for (const v of ok) assert.equal(goTimeError(T, v), undefined, v);
  const cases: [GoLayout, string, string][] = [
    [T, '2024-05-01', 'parsing time "2024-05-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"'],
    [T, '2024-5-01T10:00:00Z', 'parsing time "2024-5-01T10:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "5-01T10:00:00Z" as "01"'],
    [T, '2024-13-01T10:00:00Z', 'parsing time "2024-13-01T10:00:00Z": month out of range'],
    [T, '2023-02-29T10:00:00Z', 'parsing time "2023-02-29T10:00:00Z": day out of range'],
    [T, '2024-05-01T24:00:00Z', 'parsing time "2024-05-01T24:00:00Z": hour out of range'],
    [T, '2024-05-01T10:60:00Z', 'parsing time "2024-05-01T10:60:00Z": minute out of range'],
    [T, '2024-05-01T10:00:00', 'parsing time "2024-05-01T10:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"'],
    [T, '2024-05-01T10:00:00+0200', 'parsing time "2024-05-01T10:00:00+0200" as "2006-01-02T15:04:05Z07:00": cannot parse "+0200" as "Z07:00"'],
    [T, '2024-05-01T10:00:00+25:00', 'parsing time "2024-05-01T10:00:00+25:00": time zone offset hour out of range'],
    [T, '2024-05-01T10:00:00Z!', 'parsing time "2024-05-01T10:00:00Z!": extra text: "!"'],
    [T, '2024-05-01 10:00:00Z', 'parsing time "2024-05-01 10:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse " 10:00:00Z" as "T"'],
    [T, 'mañana', 'parsing time "ma\\xc3\\xb1ana" as "2006-01-02T15:04:05Z07:00": cannot parse "ma\\xc3\\xb1ana" as "2006"'],
    [M, '2024-05-01T10:00:00Z', 'parsing time "2024-05-01T10:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"'],
    [M, '2024-05-01T10:00:00.1234567Z', 'parsing time "2024-05-01T10:00:00.1234567Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "7Z" as "Z07:00"'],
  ];
  for (const [layout, value, message] of cases) assert.equal(goTimeError(layout, value), message, value);
  assert.equal(goTimeError(M, '2024-05-01T10:00:00.123456+01:00'), undefined);
});

test('ParseQuantity and base64 errors', () => {
  for (const q of ['1', '0', '-1.5', '+.5', '500m', '1Gi', '1e3', '1E-3', '1.5e+2', '100Ki', '1.', '+', '2n']) assert.equal(quantityError(q), undefined, q);
  for (const q of ['', 'abc', '1 Gi', '1Gx', '1.2.3', '1e3.5', '1KiB']) assert.equal(quantityError(q), QUANTITY_REGEX_ERROR, q);
  for (const q of ['1ki', '1e', '1mi', '1E+', '--1']) assert.equal(quantityError(q), "unable to parse quantity's suffix", q);
  assert.equal(base64Error(''), undefined);
  assert.equal(base64Error('aGVsbG8='), undefined);
  assert.equal(base64Error('aGVs\nbG8='), undefined);
  assert.equal(base64Error('aGVsbG8'), 'illegal base64 data at input byte 4');
  assert.equal(base64Error('aGVsbG8=x'), 'illegal base64 data at input byte 8');
  assert.equal(base64Error('aG*sbG8='), 'illegal base64 data at input byte 2');
  assert.equal(base64Error('a==='), 'illegal base64 data at input byte 1');
  assert.equal(base64Error('ab=c'), 'illegal base64 data at input byte 2');
  assert.equal(base64Error('éaGk='), 'illegal base64 data at input byte 0');
});

test('apiVersion and kind must be strings, and the body an object, for upstream to find the kind', () => {
  const prefix = "couldn't get version/kind; json parse error: ";
  assert.equal(typeMetaError({ apiVersion: 'v1', kind: 'Pod' }), undefined);
  assert.equal(typeMetaError({ kind: null }), undefined);
  assert.equal(typeMetaError({ kind: 5 }), `${prefix}json: cannot unmarshal number into Go struct field .kind of type string`);
  assert.equal(typeMetaError({ APIVERSION: ['v1'] }), `${prefix}json: cannot unmarshal array into Go struct field .apiVersion of type string`);
  assert.equal(
    typeMetaError([]),
    `${prefix}json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
  );
  assert.equal(summarizeBody(Buffer.from('{"kind":5}')), '{"kind":5}');
  assert.equal(summarizeBody(Buffer.from('{"kind":5,"metadata":{"name":"a-long-name"}}')), '{"kind":5,"metadata":{"name":" ...');
  assert.equal(summarizeBody(Buffer.from('kind: 5\n')), '6b696e643a20350a');
  assert.equal(summarizeBody(Buffer.alloc(0)), '<empty>');
});

test('checkBody: the decode error trumps strict problems, which stay as they were', () => {
  const text = '{"spec":{"count":"3","count":"4","bogus":1}}';
  const check = checkBody(text, JSON.parse(text), demo);
  assert.equal(check.decodeError, 'json: cannot unmarshal string into Go struct field DemoSpec.spec.count of type int32');
  assert.deepEqual(check.strict, ['duplicate field "spec.count"', 'unknown field "spec.bogus"']);
  assert.deepEqual(checkBody(text, JSON.parse(text), demo, false).strict, ['unknown field "spec.bogus"']);
  assert.deepEqual(checkBody('{"spec":{"count":3}}', { spec: { count: 3 } }, demo), { strict: [] });
});
