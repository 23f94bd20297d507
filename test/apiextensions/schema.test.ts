// The CRD schema engine against upstream's expectations: validation cases from apiextensions-apiserver
// pkg/apiserver/validation/validation_test.go, pruning and defaulting as pkg/apiserver/schema/pruning and
// defaulting do them, list-type and embedded-resource checks, and the SchemaNode / OpenAPI forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CustomResourceSchema, type JSONSchemaProps } from '../../src/apiextensions/schema/index.ts';

type J = Record<string, unknown>;

const fieldSchema = (field: JSONSchemaProps): JSONSchemaProps => ({ type: 'object', properties: { field } });
const errorsOf = (schema: JSONSchemaProps, obj: J): string[] => new CustomResourceSchema(schema).validate(obj).map(String).sort();

// ---------------------------------------------------------------- validation

interface ValidationCase {
  name: string;
  schema: JSONSchemaProps;
  valid: J[];
  invalid: { obj: J; errs: string[] }[];
}

const typeErr = (t: string, expected = 'object') => `field: Invalid value: "${t}": field in body must be of type ${expected}: "${t}"`;

const validationCases: ValidationCase[] = [
  {
    name: '!nullable',
    schema: fieldSchema({ type: 'object' }),
    valid: [{}, { field: {} }],
    invalid: [
      { obj: { field: 'foo' }, errs: [typeErr('string')] },
      { obj: { field: 42 }, errs: [typeErr('integer')] },
      { obj: { field: true }, errs: [typeErr('boolean')] },
      { obj: { field: 1.2 }, errs: [typeErr('number')] },
      { obj: { field: [] }, errs: [typeErr('array')] },
      { obj: { field: null }, errs: [typeErr('null')] },
    ],
  },
  {
    name: 'nullable',
    schema: fieldSchema({ type: 'object', nullable: true }),
    valid: [{}, { field: {} }, { field: null }],
    invalid: [
      { obj: { field: 'foo' }, errs: [typeErr('string')] },
      { obj: { field: [] }, errs: [typeErr('array')] },
    ],
  },
  {
    name: 'nullable and no type',
    schema: fieldSchema({ nullable: true }),
    valid: [{}, { field: {} }, { field: null }, { field: 'foo' }, { field: 42 }, { field: true }, { field: 1.2 }, { field: [] }],
    invalid: [],
  },
  {
    name: 'x-kubernetes-int-or-string',
    schema: fieldSchema({ 'x-kubernetes-int-or-string': true }),
    valid: [{}, { field: 42 }, { field: 'foo' }],
    invalid: [
      { obj: { field: null }, errs: [typeErr('null', 'integer,string')] },
      { obj: { field: true }, errs: [typeErr('boolean', 'integer,string')] },
      { obj: { field: 1.2 }, errs: [typeErr('number', 'integer,string')] },
      { obj: { field: {} }, errs: [typeErr('object', 'integer,string')] },
      { obj: { field: [] }, errs: [typeErr('array', 'integer,string')] },
    ],
  },
  {
    name: 'nullable, x-kubernetes-int-or-string and user-provided anyOf',
    schema: fieldSchema({ nullable: true, 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] }),
    valid: [{}, { field: null }, { field: 42 }, { field: 'foo' }],
    invalid: [
      {
        obj: { field: true },
        errs: [
          '<nil>: Invalid value: "": "field" must validate at least one schema (anyOf)',
          typeErr('boolean', 'integer,string'),
          typeErr('boolean', 'integer'),
        ],
      },
    ],
  },
  {
    name: 'nullable, x-kubernetes-int-or-string and user-provided allOf',
    schema: fieldSchema({
      nullable: true,
      'x-kubernetes-int-or-string': true,
      allOf: [{ anyOf: [{ type: 'integer' }, { type: 'string' }] }],
    }),
    valid: [{}, { field: null }, { field: 42 }, { field: 'foo' }],
    invalid: [
      {
        obj: { field: [] },
        errs: [
          '<nil>: Invalid value: "": "field" must validate all the schemas (allOf). None validated',
          '<nil>: Invalid value: "": "field" must validate at least one schema (anyOf)',
          typeErr('array', 'integer,string'),
          typeErr('array', 'integer'),
        ],
      },
    ],
  },
  {
    name: 'required field',
    schema: {
      type: 'object',
      required: ['field'],
      properties: { field: { type: 'object', required: ['nested'], properties: { nested: {} } } },
    },
    valid: [{ field: { nested: 1 } }],
    invalid: [
      { obj: { test: 'a' }, errs: ['field: Required value'] },
      { obj: { field: {} }, errs: ['field.nested: Required value'] },
    ],
  },
  {
    name: 'enum',
    schema: fieldSchema({
      type: 'object',
      required: ['nestedint', 'nestedstring'],
      properties: { nestedint: { type: 'integer', enum: [1, 2] }, nestedstring: { type: 'string', enum: ['a', 'b'] } },
    }),
    valid: [{ field: { nestedint: 2, nestedstring: 'a' } }],
    invalid: [
      { obj: { field: {} }, errs: ['field.nestedint: Required value', 'field.nestedstring: Required value'] },
      {
        obj: { field: { nestedint: 'x', nestedstring: true } },
        errs: [
          'field.nestedint: Invalid value: "string": field.nestedint in body must be of type integer: "string"',
          'field.nestedint: Unsupported value: "x": supported values: "1", "2"',
          'field.nestedstring: Invalid value: "boolean": field.nestedstring in body must be of type string: "boolean"',
          'field.nestedstring: Unsupported value: true: supported values: "a", "b"',
        ],
      },
    ],
  },
  {
    name: 'maxProperties',
    schema: { type: 'object', properties: { fieldX: { type: 'object', maxProperties: 2 } } },
    valid: [{ fieldX: { a: true, b: true } }],
    invalid: [{ obj: { fieldX: { a: true, b: true, c: true } }, errs: ['fieldX: Too many: must have at most 2 items'] }],
  },
  {
    name: 'maxItems',
    schema: { type: 'object', properties: { fieldX: { type: 'array', maxItems: 2 } } },
    valid: [{ fieldX: ['a', 'b'] }],
    invalid: [{ obj: { fieldX: ['a', 'b', 'c'] }, errs: ['fieldX: Too many: 3: has too many items'] }],
  },
  {
    name: 'maxLength',
    schema: { type: 'object', properties: { fieldX: { type: 'string', maxLength: 2 } } },
    valid: [{ fieldX: 'ab' }, { fieldX: 'äö' }],
    invalid: [{ obj: { fieldX: 'abc' }, errs: ['fieldX: Too long: value is too long'] }],
  },
  {
    name: 'string and number bounds',
    schema: {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 2, pattern: '^[a-z]+$' },
            replicas: { type: 'integer', minimum: 1, maximum: 10, multipleOf: 2 },
            ratio: { type: 'number', maximum: 0.5, exclusiveMaximum: true },
            uid: { type: 'string', format: 'uuid' },
            tags: { type: 'array', minItems: 1, items: { type: 'string' } },
            labels: { type: 'object', minProperties: 1, additionalProperties: { type: 'string' } },
          },
        },
      },
    },
    valid: [{ spec: { name: 'ab', replicas: 4, ratio: 0.25, uid: '0b8a7c0e-3c5a-4f1e-9b0d-2a3c4d5e6f70', tags: ['x'], labels: { a: 'b' } } }],
    invalid: [
      { obj: { spec: { name: 'a' } }, errs: ['spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long'] },
      { obj: { spec: { name: 'AB' } }, errs: [`spec.name: Invalid value: "AB": spec.name in body should match '^[a-z]+$'`] },
      {
        obj: { spec: { replicas: 11 } },
        errs: [
          'spec.replicas: Invalid value: 11: spec.replicas in body should be a multiple of 2',
          'spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10',
        ],
      },
      { obj: { spec: { replicas: 0 } }, errs: ['spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1'] },
      { obj: { spec: { ratio: 0.5 } }, errs: ['spec.ratio: Invalid value: 0.5: spec.ratio in body should be less than 0.5'] },
      { obj: { spec: { uid: 'nope' } }, errs: ['spec.uid: Invalid value: "nope": spec.uid in body must be of type uuid: "nope"'] },
      { obj: { spec: { tags: [] } }, errs: ['spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items'] },
      { obj: { spec: { tags: ['a', 3] } }, errs: ['spec.tags[1]: Invalid value: "integer": spec.tags[1] in body must be of type string: "integer"'] },
      { obj: { spec: { labels: { a: 1 } } }, errs: ['spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"'] },
    ],
  },
  {
    name: 'list-type set and map',
    schema: {
      type: 'object',
      properties: {
        set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer' } } },
        },
        pairs: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['a', 'b'],
          items: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } } },
        },
      },
    },
    valid: [{ set: ['a', 'b'], ports: [{ name: 'a' }, { name: 'b' }], pairs: [{ a: 'x', b: 1 }, { a: 'x', b: 2 }] }],
    invalid: [
      { obj: { set: ['a', 'b', 'a', 'a'] }, errs: ['set[2]: Duplicate value: "a"'] },
      { obj: { ports: [{ name: 'a', port: 1 }, { name: 'a', port: 2 }] }, errs: ['ports[1]: Duplicate value: {"name":"a"}'] },
      { obj: { pairs: [{ a: 'x', b: 1 }, { a: 'x', b: 1 }] }, errs: ['pairs[1]: Duplicate value: {"a":"x","b":1}'] },
    ],
  },
  {
    name: 'embedded resource',
    schema: {
      type: 'object',
      properties: {
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
    valid: [{ template: { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } } }],
    invalid: [
      { obj: { template: {} }, errs: ['template.apiVersion: Required value', 'template.kind: Required value'] },
      {
        obj: { template: { apiVersion: 'a/b/c', kind: 'Bad_Kind' } },
        errs: [
          'template.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
          `template.kind: Invalid value: "Bad_Kind": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
        ],
      },
    ],
  },
];

for (const c of validationCases) {
  test(`validate: ${c.name}`, () => {
    for (const obj of c.valid) assert.deepEqual(errorsOf(c.schema, obj), [], JSON.stringify(obj));
    for (const f of c.invalid) assert.deepEqual(errorsOf(c.schema, f.obj), [...f.errs].sort(), JSON.stringify(f.obj));
  });
}

test('validate: the example messages of a typical resource', () => {
  const schema: JSONSchemaProps = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        required: ['name'],
        properties: { replicas: { type: 'integer' }, color: { type: 'string', enum: ['red', 'blue'] }, name: { type: 'string' } },
      },
    },
  };
  const errs = new CustomResourceSchema(schema).validate({ apiVersion: 'x/v1', kind: 'X', metadata: {}, spec: { replicas: 'string', color: 'pink' } });
  assert.deepEqual(errs.map(String), [
    'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    'spec.color: Unsupported value: "pink": supported values: "red", "blue"',
    'spec.name: Required value',
  ]);
  // The errors carry upstream's types, which become the Status causes' reasons.
  assert.deepEqual(
    errs.map((e) => e.type),
    ['FieldValueTypeInvalid', 'FieldValueNotSupported', 'FieldValueRequired'],
  );
});

test('validate: no schema accepts anything', () => {
  assert.deepEqual(new CustomResourceSchema(undefined).validate({ spec: { anything: [1, 'a'] } }), []);
});

// ---------------------------------------------------------------- pruning

interface PruneCase {
  name: string;
  schema: JSONSchemaProps | undefined;
  obj: J;
  expected: J;
  paths: string[];
}

const pruneCases: PruneCase[] = [
  {
    name: 'unknown fields at every level, in sorted order',
    schema: {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { a: { type: 'string' }, items: { type: 'array', items: { type: 'object', properties: { x: { type: 'integer' } } } } },
        },
      },
    },
    obj: { apiVersion: 'g/v1', kind: 'K', metadata: { name: 'n' }, spec: { z: 1, a: 'x', b: { c: 1 }, items: [{ x: 1, y: 2 }, { q: 1 }] }, extra: true },
    expected: { apiVersion: 'g/v1', kind: 'K', metadata: { name: 'n' }, spec: { a: 'x', items: [{ x: 1 }, {}] } },
    paths: ['extra', 'spec.b', 'spec.items[0].y', 'spec.items[1].q', 'spec.z'],
  },
  {
    name: 'x-kubernetes-preserve-unknown-fields keeps unknown fields but prunes declared ones below',
    schema: {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          properties: { known: { type: 'object', properties: { a: { type: 'string' } } } },
        },
      },
    },
    obj: { spec: { free: { any: 1 }, known: { a: 'x', b: 'y' } } },
    expected: { spec: { free: { any: 1 }, known: { a: 'x' } } },
    paths: ['spec.known.b'],
  },
  {
    name: 'additionalProperties',
    schema: {
      type: 'object',
      properties: { labels: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'string' } } } } },
    },
    obj: { labels: { one: { v: 'a', w: 'b' }, two: { v: 'c' } } },
    expected: { labels: { one: { v: 'a' }, two: { v: 'c' } } },
    paths: ['labels.one.w'],
  },
  {
    name: 'embedded resources keep apiVersion, kind and ObjectMeta fields',
    schema: {
      type: 'object',
      properties: {
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: {} } } },
      },
    },
    obj: {
      metadata: { name: 'n', bogus: 1 },
      template: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: { a: 'b' }, nope: 1 }, spec: { x: 1 }, other: 2 },
    },
    expected: { metadata: { name: 'n' }, template: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: { a: 'b' } }, spec: {} } },
    paths: ['metadata.bogus', 'template.other', 'template.spec.x', 'template.metadata.nope'],
  },
  {
    name: 'nulls the schema neither allows nor defaults are dropped',
    schema: {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'string', nullable: true }, c: { type: 'string', default: 'x' } },
    },
    obj: { a: null, b: null, c: null },
    expected: { b: null, c: null },
    paths: [],
  },
  {
    name: 'no schema keeps everything but unknown metadata',
    schema: undefined,
    obj: { spec: { anything: 1 }, metadata: { name: 'a', nope: true } },
    expected: { spec: { anything: 1 }, metadata: { name: 'a' } },
    paths: ['metadata.nope'],
  },
];

for (const c of pruneCases) {
  test(`prune: ${c.name}`, () => {
    const obj = structuredClone(c.obj);
    const paths = new CustomResourceSchema(c.schema).prune(obj);
    assert.deepEqual(obj, c.expected);
    assert.deepEqual(paths, c.paths);
  });
}

// ---------------------------------------------------------------- defaulting

interface DefaultCase {
  name: string;
  schema: JSONSchemaProps;
  obj: J;
  expected: J;
}

const defaultCases: DefaultCase[] = [
  {
    name: 'missing fields, nested defaults inside a default',
    schema: {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          default: {},
          properties: { replicas: { type: 'integer', default: 1 }, mode: { type: 'string', default: 'fast' } },
        },
      },
    },
    obj: {},
    expected: { spec: { replicas: 1, mode: 'fast' } },
  },
  {
    name: 'a set value is kept; a non-nullable null takes the default; a nullable null stays',
    schema: {
      type: 'object',
      properties: { a: { type: 'integer', default: 1 }, b: { type: 'integer', default: 2 }, c: { type: 'integer', nullable: true, default: 3 } },
    },
    obj: { a: 5, b: null, c: null },
    expected: { a: 5, b: 2, c: null },
  },
  {
    name: 'array items and additionalProperties',
    schema: {
      type: 'object',
      properties: {
        list: { type: 'array', items: { type: 'object', properties: { x: { type: 'string', default: 'd' } } } },
        map: { type: 'object', additionalProperties: { type: 'object', properties: { y: { type: 'integer', default: 7 } } } },
      },
    },
    obj: { list: [{}, { x: 'set' }], map: { k: {} } },
    expected: { list: [{ x: 'd' }, { x: 'set' }], map: { k: { y: 7 } } },
  },
];

for (const c of defaultCases) {
  test(`default: ${c.name}`, () => {
    const obj = structuredClone(c.obj);
    new CustomResourceSchema(c.schema).applyDefaults(obj);
    assert.deepEqual(obj, c.expected);
  });
}

test('default: each object gets its own copy of a default', () => {
  const s = new CustomResourceSchema({ type: 'object', properties: { m: { type: 'object', default: { k: [1] }, properties: { k: { type: 'array', items: { type: 'integer' } } } } } });
  const a: J = {};
  const b: J = {};
  s.applyDefaults(a);
  s.applyDefaults(b);
  ((a.m as J).k as number[]).push(2);
  assert.deepEqual(b, { m: { k: [1] } });
});

// ---------------------------------------------------------------- SchemaNode and OpenAPI

const exampleSchema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        port: { 'x-kubernetes-int-or-string': true },
        hosts: { type: 'array', items: { type: 'string' } },
        rules: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
        },
        raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        empty: { type: 'object' },
        note: { type: 'string', nullable: true },
        choice: { type: 'string', anyOf: [{ enum: ['a'] }, { enum: ['b'] }] },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      },
      required: ['note'],
    },
  },
};

test('node: the schema as a SchemaNode', () => {
  const node = new CustomResourceSchema(exampleSchema).node();
  assert.deepEqual(Object.keys(node.properties ?? {}).sort(), ['apiVersion', 'kind', 'metadata', 'spec']);
  assert.equal(node.properties?.apiVersion?.type, 'string');
  assert.ok(node.properties?.metadata?.properties?.labels, 'metadata is ObjectMeta');
  const spec = node.properties!.spec!;
  assert.equal(spec.properties?.port?.intOrString, true);
  assert.equal(spec.properties?.port?.type, undefined);
  assert.equal(spec.properties?.hosts?.listType, 'atomic');
  assert.equal(spec.properties?.rules?.listType, 'map');
  assert.deepEqual(spec.properties?.rules?.listMapKeys, ['name']);
  assert.equal(spec.properties?.raw?.preserveUnknownFields, true);
  assert.deepEqual(spec.properties?.empty?.properties, {});
  assert.ok(spec.properties?.template?.properties?.metadata?.properties?.name, 'embedded resources declare ObjectMeta');
  const s = new CustomResourceSchema(exampleSchema);
  assert.equal(s.node(), s.node(), 'cached');
});

test('openapi: v3 adds TypeMeta, ObjectMeta and the group-version-kind', () => {
  const gvk = { group: 'example.com', version: 'v1', kind: 'Widget' };
  const v3 = new CustomResourceSchema(exampleSchema).openAPIV3(gvk);
  const props = v3.properties as Record<string, J>;
  assert.deepEqual(props.metadata, {
    allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
    description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  });
  assert.equal(props.apiVersion!.type, 'string');
  assert.match(String(props.kind!.description), /^Kind is a string value/);
  assert.deepEqual(v3['x-kubernetes-group-version-kind'], [{ group: 'example.com', kind: 'Widget', version: 'v1' }]);
  const spec = props.spec as { properties: Record<string, J> };
  assert.equal(spec.properties.note!.nullable, true);
  assert.ok(spec.properties.choice!.anyOf);
  const template = spec.properties.template as { properties: Record<string, J>; required: string[] };
  assert.deepEqual(Object.keys(template.properties).sort(), ['apiVersion', 'kind', 'metadata']);
  assert.deepEqual(template.required, ['kind', 'apiVersion']);
  assert.equal((exampleSchema.properties!.spec!.properties!.template as J).properties, undefined, 'the input is not modified');
});

test('openapi: v2 drops what v2 and kubectl cannot express', () => {
  const gvk = { group: 'example.com', version: 'v1', kind: 'Widget' };
  const v2 = new CustomResourceSchema(exampleSchema).openAPIV2(gvk);
  const props = v2.properties as Record<string, J>;
  assert.deepEqual(props.metadata, {
    $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  });
  const spec = props.spec as { properties: Record<string, J>; required?: string[] };
  assert.deepEqual(spec.properties.note, {}, 'nullable loses its type');
  assert.equal(spec.required, undefined, 'a nullable field is no longer required');
  assert.equal(spec.properties.choice!.anyOf, undefined);
  assert.deepEqual(spec.properties.template, { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true });
  const preserved = new CustomResourceSchema({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }).openAPIV2(gvk);
  assert.deepEqual(preserved, { type: 'object', 'x-kubernetes-group-version-kind': [{ group: 'example.com', kind: 'Widget', version: 'v1' }] });
});

// ---------------------------------------------------------------- x-kubernetes-validations (CEL)

interface RuleCase {
  name: string;
  schema: JSONSchemaProps;
  obj: J;
  old?: J;
  errs: string[];
}

const ruleCases: RuleCase[] = [
  {
    name: 'immutability transition rule (validation_test.go)',
    schema: fieldSchema({ type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf' }] }),
    obj: { field: 'y' },
    old: { field: 'x' },
    errs: ['field: Invalid value: "string": failed rule: self == oldSelf'],
  },
  {
    name: 'a transition rule does not run on create',
    schema: fieldSchema({ type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf' }] }),
    obj: { field: 'y' },
    errs: [],
  },
  {
    name: 'correlatable transition rule under a list-type map (validation_test.go)',
    schema: fieldSchema({
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['k1', 'k2'],
      items: {
        type: 'object',
        properties: {
          k1: { type: 'string' },
          k2: { type: 'string' },
          v1: { type: 'number', 'x-kubernetes-validations': [{ rule: 'self >= oldSelf' }] },
        },
      },
    }),
    obj: { field: [{ k1: 'a', k2: 'b', v1: 0.9 }] },
    old: { field: [{ k1: 'a', k2: 'b', v1: 1.5 }] },
    errs: ['field[0].v1: Invalid value: "number": failed rule: self >= oldSelf'],
  },
  {
    name: 'validation rule under a non-correlatable list (validation_test.go)',
    schema: fieldSchema({
      type: 'array',
      items: { type: 'object', properties: { x: { type: 'string', 'x-kubernetes-validations': [{ rule: "self == 'x'" }] } } },
    }),
    obj: { field: [{ x: 'y' }] },
    errs: [`field[0].x: Invalid value: "string": failed rule: self == 'x'`],
  },
  {
    name: 'messages, reasons, field paths and integer comparison',
    schema: {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          'x-kubernetes-validations': [
            { rule: 'self.replicas <= self.maxReplicas' },
            { rule: 'self.replicas > 0', message: 'replicas must be positive', fieldPath: '.replicas' },
            { rule: "has(self.name)", reason: 'FieldValueRequired', message: 'name is required' },
            { rule: 'self.replicas < 100', messageExpression: "'too many: ' + string(self.replicas)" },
          ],
          properties: { replicas: { type: 'integer' }, maxReplicas: { type: 'integer' }, name: { type: 'string' } },
        },
      },
    },
    obj: { spec: { replicas: -3, maxReplicas: -5 } },
    errs: [
      'spec: Invalid value: "object": failed rule: self.replicas <= self.maxReplicas',
      'spec.replicas: Invalid value: "object": replicas must be positive',
      'spec: Required value: name is required',
    ],
  },
  {
    name: 'message expressions',
    schema: fieldSchema({
      type: 'integer',
      'x-kubernetes-validations': [{ rule: 'self < 100', messageExpression: "'too many: ' + string(self)" }],
    }),
    obj: { field: 120 },
    errs: ['field: Invalid value: "integer": too many: 120'],
  },
  {
    name: 'evaluation errors name the rule',
    schema: fieldSchema({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a > 0' }], properties: { a: { type: 'integer' } } }),
    obj: { field: {} },
    errs: ['field: Invalid value: "object": no such key: a evaluating rule: self.a > 0'],
  },
  {
    name: 'rules are not run on an object with type errors',
    schema: fieldSchema({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a > 0' }], properties: { a: { type: 'integer' } } }),
    obj: { field: { a: 'one' } },
    errs: [
      'field.a: Invalid value: "string": field.a in body must be of type integer: "string"',
      '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ],
  },
];

for (const c of ruleCases) {
  test(`rules: ${c.name}`, () => {
    const s = new CustomResourceSchema(c.schema);
    const errs = c.old === undefined ? s.validate(c.obj) : s.validateUpdate(c.obj, c.old);
    assert.deepEqual(errs.map(String), c.errs);
  });
}
