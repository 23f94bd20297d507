import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SchemaNode } from '../../src/api/schema/types.ts';
import {
  StrategicMergePatchError,
  applyStrategicMergePatch,
  tryApplyStrategicMergePatch,
} from '../../src/patch/strategic.ts';
import { haveSwagger, swaggerResolver } from './swagger-schema.ts';

// ---------------------------------------------------------------------------------------------------
// A Pod-like schema carrying the patch metadata of the fields the cases exercise.

const str: SchemaNode = { type: 'string' };
const int32: SchemaNode = { type: 'integer', format: 'int32' };
const bool: SchemaNode = { type: 'boolean' };
const intOrString: SchemaNode = { type: 'string', intOrString: true };
const stringMap: SchemaNode = { type: 'object', additionalProperties: str };
const stringList: SchemaNode = { type: 'array', items: str };
const obj = (properties: Record<string, SchemaNode>, extra: Partial<SchemaNode> = {}): SchemaNode => ({
  type: 'object',
  properties,
  ...extra,
});
const mergeList = (items: SchemaNode, patchMergeKey: string, extra: Partial<SchemaNode> = {}): SchemaNode => ({
  type: 'array',
  items,
  patchStrategy: 'merge',
  patchMergeKey,
  ...extra,
});

const envVar = obj({ name: str, value: str, valueFrom: obj({ fieldRef: obj({ fieldPath: str }) }) });
const containerPort = obj({ containerPort: int32, protocol: str, name: str, hostPort: int32 });
const volumeMount = obj({ name: str, mountPath: str, readOnly: bool });
const container = obj(
  {
    name: str,
    image: str,
    args: stringList,
    ports: mergeList(containerPort, 'containerPort', { listType: 'map', listMapKeys: ['containerPort', 'protocol'] }),
    env: mergeList(envVar, 'name'),
    volumeMounts: mergeList(volumeMount, 'mountPath'),
    resources: obj({
      limits: stringMap,
      requests: stringMap,
      claims: { type: 'array', items: obj({ name: str }), listType: 'map', listMapKeys: ['name'] },
    }),
  },
  { name: 'Container' },
);
const volume = obj({
  name: str,
  emptyDir: obj({ medium: str, sizeLimit: str }),
  configMap: obj({ name: str, defaultMode: int32 }),
  secret: obj({ secretName: str }),
});
const toleration = obj({ key: str, operator: str, value: str, effect: str });
const condition = obj({ type: str, status: str, reason: str });
const labelSelector = obj({
  matchLabels: stringMap,
  matchExpressions: { type: 'array', items: obj({ key: str, operator: str, values: stringList }) },
});

const tree: SchemaNode = obj({ name: str });
tree.properties!.children = mergeList(tree, 'name');

const POD: SchemaNode = obj(
  {
    apiVersion: str,
    kind: str,
    metadata: obj({
      name: str,
      labels: stringMap,
      annotations: stringMap,
      finalizers: { type: 'array', items: str, patchStrategy: 'merge' },
      ownerReferences: mergeList(obj({ uid: str, name: str, kind: str }), 'uid'),
    }),
    spec: obj({
      containers: mergeList(container, 'name'),
      volumes: mergeList(volume, 'name', { patchStrategy: 'merge,retainKeys' }),
      tolerations: { type: 'array', items: toleration, listType: 'atomic' },
      nodeSelector: { ...stringMap, mapType: 'atomic' },
      hostAliases: mergeList(obj({ ip: str, hostnames: stringList }), 'ip'),
      imagePullSecrets: mergeList(obj({ name: str }), 'name'),
      affinity: obj({ nodeAffinity: obj({ required: str, preferred: str }) }),
      podSelector: { ...labelSelector, patchStrategy: 'replace' },
    }),
    status: obj({
      phase: str,
      conditions: mergeList(condition, 'type'),
      podIPs: mergeList(obj({ ip: str }), 'ip'),
    }),
    strategy: obj(
      { type: str, rollingUpdate: obj({ maxSurge: intOrString, maxUnavailable: intOrString }) },
      { patchStrategy: 'retainKeys' },
    ),
    tree,
    raw: { type: 'object', preserveUnknownFields: true },
    oddList: { type: 'array', items: str, patchStrategy: 'merge,replace' },
  },
  { name: 'PodLike' },
);

// ---------------------------------------------------------------------------------------------------
// Harness: inputs are frozen so any write to them fails the case.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

function patchWith(schema: SchemaNode | undefined, original: unknown, patch: unknown): unknown {
  return applyStrategicMergePatch(deepFreeze(structuredClone(original)), deepFreeze(structuredClone(patch)), schema);
}

function failure(schema: SchemaNode | undefined, original: unknown, patch: unknown): StrategicMergePatchError {
  try {
    patchWith(schema, original, patch);
  } catch (err) {
    assert.ok(err instanceof StrategicMergePatchError, `unexpected ${String(err)}`);
    return err;
  }
  assert.fail('expected the patch to be rejected');
}

interface Case {
  name: string;
  original: Json;
  patch: Json;
  want?: Json;
  error?: { code: 400 | 422 | 500; message: string };
  schema?: SchemaNode | null;
}

function run(cases: Case[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const schema = c.schema === null ? undefined : (c.schema ?? POD);
      if (c.error) {
        const err = failure(schema, c.original, c.patch);
        assert.equal(err.message, c.error.message);
        assert.equal(err.code, c.error.code);
      } else {
        assert.deepEqual(patchWith(schema, c.original, c.patch), c.want);
      }
    });
  }
}

const ctr = (name: string, image = `${name}:1`, rest: Record<string, Json> = {}): Json => ({ name, image, ...rest });
const spec = (s: Record<string, Json>): Json => ({ spec: s });
const meta = (m: Record<string, Json>): Json => ({ metadata: m });

// ---------------------------------------------------------------------------------------------------

describe('strategic merge patch: maps and nulls', () => {
  run([
    {
      name: 'adds, replaces and (with null) deletes map entries',
      original: meta({ name: 'p', labels: { a: '1', b: '2' } }),
      patch: meta({ labels: { a: 'x', b: null, c: '3' } }),
      want: meta({ name: 'p', labels: { a: 'x', c: '3' } }),
    },
    {
      name: 'a null for a field the object lacks is ignored, and nulls inside a new map are dropped',
      original: meta({ name: 'p' }),
      patch: meta({ labels: null, annotations: { x: null } }),
      want: meta({ name: 'p', annotations: {} }),
    },
    {
      name: 'nulls are dropped at any depth of a new subtree, but null list elements stay',
      original: spec({}),
      patch: { spec: { affinity: { nodeAffinity: { required: null, preferred: 'x' } } }, raw: { l: ['a', null, { k: null, j: 1 }] } },
      want: { spec: { affinity: { nodeAffinity: { preferred: 'x' } } }, raw: { l: ['a', null, { j: 1 }] } },
    },
    {
      name: 'a value of another type replaces the old one',
      original: { raw: { v: [1, 2] }, spec: { nodeSelector: { a: 'b' } } },
      patch: { raw: { v: { a: 1 } }, spec: { nodeSelector: 'none' } },
      want: { raw: { v: { a: 1 } }, spec: { nodeSelector: 'none' } },
    },
    {
      name: '$patch: replace on a map replaces it with the rest of the patch map',
      original: meta({ labels: { a: '1', b: '2' } }),
      patch: meta({ labels: { $patch: 'replace', c: '3' } }),
      want: meta({ labels: { c: '3' } }),
    },
    {
      name: '$patch: replace keeps what the patch map holds verbatim, nulls included',
      original: meta({ labels: { a: '1' } }),
      patch: meta({ labels: { $patch: 'replace', a: null, b: '2' } }),
      want: meta({ labels: { a: null, b: '2' } }),
    },
    {
      name: '$patch: delete on a map empties it',
      original: meta({ name: 'p', labels: { a: '1' } }),
      patch: meta({ labels: { $patch: 'delete' } }),
      want: meta({ name: 'p', labels: {} }),
    },
    {
      name: '$patch: delete at the root empties the object',
      original: meta({ name: 'p' }),
      patch: { $patch: 'delete' },
      want: {},
    },
    {
      name: 'a directive map for a field the object lacks leaves the field unset',
      original: meta({ name: 'p' }),
      patch: meta({ labels: { $patch: 'replace', a: '1' } }),
      want: meta({ name: 'p' }),
    },
    {
      name: 'x-kubernetes-map-type atomic does not stop a merge (struct tags know no map type)',
      original: spec({ nodeSelector: { zone: 'a' } }),
      patch: spec({ nodeSelector: { disk: 'ssd' } }),
      want: spec({ nodeSelector: { zone: 'a', disk: 'ssd' } }),
    },
    {
      name: 'patchStrategy replace on a struct replaces it wholesale',
      original: spec({ podSelector: { matchLabels: { a: '1' }, matchExpressions: [{ key: 'k', operator: 'Exists' }] } }),
      patch: spec({ podSelector: { matchLabels: { b: '2' } } }),
      want: spec({ podSelector: { matchLabels: { b: '2' } } }),
    },
    {
      name: 'fields the schema does not know: maps merge, lists replace',
      original: spec({ extra: { a: 1, l: [1, 2] }, extraList: [{ name: 'a' }] }),
      patch: spec({ extra: { b: 2, l: [3] }, extraList: [{ name: 'b' }] }),
      want: spec({ extra: { a: 1, b: 2, l: [3] }, extraList: [{ name: 'b' }] }),
    },
    {
      name: 'without a schema: maps merge, lists replace, directives still apply',
      schema: null,
      original: { a: { x: 1, y: 2 }, l: [{ name: 'a' }], m: { k: 1 } },
      patch: { a: { y: null, z: 3 }, l: [{ name: 'b' }], m: { $patch: 'replace', j: 2 } },
      want: { a: { x: 1, z: 3 }, l: [{ name: 'b' }], m: { j: 2 } },
    },
    {
      name: 'below a preserve-unknown-fields node everything is schema-less',
      original: { raw: { a: { b: 1 }, l: ['x'] } },
      patch: { raw: { a: { c: 2 }, l: ['y'] } },
      want: { raw: { a: { b: 1, c: 2 }, l: ['y'] } },
    },
    {
      name: 'a null patch leaves the object as it was',
      original: meta({ name: 'p' }),
      patch: null,
      want: meta({ name: 'p' }),
    },
  ]);
});

describe('strategic merge patch: lists merged by key', () => {
  run([
    {
      name: 'containers merge by name',
      original: spec({ containers: [ctr('a'), ctr('b')] }),
      patch: spec({ containers: [{ name: 'b', image: 'b:2' }] }),
      want: spec({ containers: [ctr('a'), ctr('b', 'b:2')] }),
    },
    {
      name: 'without $setElementOrder a new element lands before the remaining server elements',
      original: spec({ containers: [ctr('a'), ctr('b')] }),
      patch: spec({ containers: [ctr('c')] }),
      want: spec({ containers: [ctr('c'), ctr('a'), ctr('b')] }),
    },
    {
      name: 'elements the patch names follow the patch order, the others keep their slots',
      original: spec({ containers: [ctr('a'), ctr('b'), ctr('c')] }),
      patch: spec({ containers: [{ name: 'c', image: 'c:2' }, { name: 'a', image: 'a:2' }] }),
      want: spec({ containers: [ctr('b'), ctr('c', 'c:2'), ctr('a', 'a:2')] }),
    },
    {
      name: 'a new element after a known one follows it',
      original: spec({ containers: [ctr('a'), ctr('b')] }),
      patch: spec({ containers: [{ name: 'b', image: 'b:2' }, ctr('c')] }),
      want: spec({ containers: [ctr('a'), ctr('b', 'b:2'), ctr('c')] }),
    },
    {
      name: '{$patch: delete} removes the element with that key',
      original: spec({ containers: [ctr('a'), ctr('b'), ctr('c')] }),
      patch: spec({ containers: [{ $patch: 'delete', name: 'b' }] }),
      want: spec({ containers: [ctr('a'), ctr('c')] }),
    },
    {
      name: '{$patch: delete} removes every duplicate and ignores keys the list lacks',
      original: spec({ containers: [ctr('a', 'a:1', { env: [{ name: 'X', value: '1' }, { name: 'X', value: '2' }, { name: 'Y' }] })] }),
      patch: spec({ containers: [{ name: 'a', env: [{ $patch: 'delete', name: 'X' }, { $patch: 'delete', name: 'Z' }] }] }),
      want: spec({ containers: [ctr('a', 'a:1', { env: [{ name: 'Y' }] })] }),
    },
    {
      name: 'a {$patch: replace} element makes the rest of the patch list the whole list',
      original: spec({ containers: [ctr('a'), ctr('b')] }),
      patch: spec({ containers: [{ $patch: 'replace' }, ctr('c')] }),
      want: spec({ containers: [ctr('c')] }),
    },
    {
      name: 'a lone {$patch: replace} element empties the list',
      original: spec({ containers: [ctr('a'), ctr('b')] }),
      patch: spec({ containers: [{ $patch: 'replace' }] }),
      want: spec({ containers: [] }),
    },
    {
      name: 'nested lists merge by their own keys: ports by containerPort, env by name, volumeMounts by mountPath',
      original: spec({
        containers: [
          ctr('a', 'a:1', {
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            env: [{ name: 'A', value: '1' }],
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          }),
        ],
      }),
      patch: spec({
        containers: [
          {
            name: 'a',
            ports: [{ containerPort: 443, protocol: 'TCP' }],
            env: [{ name: 'A', value: '2' }],
            volumeMounts: [{ mountPath: '/data', readOnly: true }],
          },
        ],
      }),
      want: spec({
        containers: [
          ctr('a', 'a:1', {
            ports: [
              { containerPort: 443, protocol: 'TCP' },
              { containerPort: 80, protocol: 'TCP' },
            ],
            env: [{ name: 'A', value: '2' }],
            volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
          }),
        ],
      }),
    },
    {
      name: 'null inside a merged element deletes that field (env valueFrom to value)',
      original: spec({ containers: [ctr('a', 'a:1', { env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'x' } } }] })] }),
      patch: spec({ containers: [{ name: 'a', env: [{ name: 'A', value: 'v', valueFrom: null }] }] }),
      want: spec({ containers: [ctr('a', 'a:1', { env: [{ name: 'A', value: 'v' }] })] }),
    },
    {
      name: 'hostAliases merge by ip (their hostnames replace), imagePullSecrets by name',
      original: spec({ hostAliases: [{ ip: '10.0.0.1', hostnames: ['a'] }], imagePullSecrets: [{ name: 'x' }] }),
      patch: spec({ hostAliases: [{ ip: '10.0.0.1', hostnames: ['b'] }], imagePullSecrets: [{ name: 'y' }] }),
      want: spec({ hostAliases: [{ ip: '10.0.0.1', hostnames: ['b'] }], imagePullSecrets: [{ name: 'y' }, { name: 'x' }] }),
    },
    {
      name: 'status conditions merge by type and podIPs by ip',
      original: {
        status: {
          conditions: [
            { type: 'Ready', status: 'False' },
            { type: 'Initialized', status: 'True' },
          ],
          podIPs: [{ ip: '10.1.0.4' }],
        },
      },
      patch: { status: { conditions: [{ type: 'Ready', status: 'True' }], podIPs: [{ ip: '10.1.0.4' }, { ip: 'fd00::4' }] } },
      want: {
        status: {
          conditions: [
            { type: 'Ready', status: 'True' },
            { type: 'Initialized', status: 'True' },
          ],
          podIPs: [{ ip: '10.1.0.4' }, { ip: 'fd00::4' }],
        },
      },
    },
    {
      name: 'ownerReferences merge by uid',
      original: meta({ ownerReferences: [{ uid: 'u1', name: 'rs-1', kind: 'ReplicaSet' }] }),
      patch: meta({ ownerReferences: [{ uid: 'u1', name: 'rs-2' }] }),
      want: meta({ ownerReferences: [{ uid: 'u1', name: 'rs-2', kind: 'ReplicaSet' }] }),
    },
    {
      name: 'a cyclic schema steers every level',
      original: { tree: { name: 'root', children: [{ name: 'a', children: [{ name: 'x' }] }, { name: 'b' }] } },
      patch: { tree: { children: [{ name: 'a', children: [{ name: 'y' }] }] } },
      want: { tree: { name: 'root', children: [{ name: 'a', children: [{ name: 'y' }, { name: 'x' }] }, { name: 'b' }] } },
    },
  ]);
});

describe('strategic merge patch: lists replaced', () => {
  run([
    {
      name: 'tolerations have no patch strategy, so the patch list replaces them',
      original: spec({ tolerations: [{ key: 'a', operator: 'Exists' }] }),
      patch: spec({ tolerations: [{ key: 'b', operator: 'Exists' }] }),
      want: spec({ tolerations: [{ key: 'b', operator: 'Exists' }] }),
    },
    {
      name: 'a list-type map without a patch merge key is replaced (resources.claims)',
      original: spec({ containers: [ctr('a', 'a:1', { resources: { claims: [{ name: 'gpu' }] } })] }),
      patch: spec({ containers: [{ name: 'a', resources: { claims: [{ name: 'fpga' }] } }] }),
      want: spec({ containers: [ctr('a', 'a:1', { resources: { claims: [{ name: 'fpga' }] } })] }),
    },
    {
      name: 'a replaced list is stored as sent, $patch markers included',
      original: spec({ tolerations: [{ key: 'a' }] }),
      patch: spec({ tolerations: [{ $patch: 'delete', key: 'a' }] }),
      want: spec({ tolerations: [{ $patch: 'delete', key: 'a' }] }),
    },
    {
      name: 'a primitive list without a strategy (args) is replaced',
      original: spec({ containers: [ctr('a', 'a:1', { args: ['x', 'y'] })] }),
      patch: spec({ containers: [{ name: 'a', args: ['z'] }] }),
      want: spec({ containers: [ctr('a', 'a:1', { args: ['z'] })] }),
    },
  ]);
});

describe('strategic merge patch: primitive lists', () => {
  run([
    {
      name: 'finalizers merge as a set; values already present keep their slot',
      original: meta({ finalizers: ['a', 'b'] }),
      patch: meta({ finalizers: ['b', 'c'] }),
      want: meta({ finalizers: ['a', 'b', 'c'] }),
    },
    {
      name: 'finalizers the patch names follow its order, new ones go first',
      original: meta({ finalizers: ['a', 'b'] }),
      patch: meta({ finalizers: ['c', 'a'] }),
      want: meta({ finalizers: ['c', 'a', 'b'] }),
    },
    {
      name: '$deleteFromPrimitiveList removes the listed values',
      original: meta({ finalizers: ['a', 'b', 'c'] }),
      patch: meta({ '$deleteFromPrimitiveList/finalizers': ['b', 'x'] }),
      want: meta({ finalizers: ['a', 'c'] }),
    },
    {
      name: '$deleteFromPrimitiveList also works on a list without merge strategy',
      original: spec({ containers: [ctr('a', 'a:1', { args: ['x', 'y', 'z'] })] }),
      patch: spec({ containers: [{ name: 'a', '$deleteFromPrimitiveList/args': ['y'] }] }),
      want: spec({ containers: [ctr('a', 'a:1', { args: ['x', 'z'] })] }),
    },
    {
      name: '$deleteFromPrimitiveList for a list the object lacks adds nothing',
      original: meta({ name: 'p' }),
      patch: meta({ '$deleteFromPrimitiveList/finalizers': ['a'] }),
      want: meta({ name: 'p' }),
    },
    {
      name: '$deleteFromPrimitiveList with null drops the whole list',
      original: meta({ name: 'p', finalizers: ['a'] }),
      patch: meta({ '$deleteFromPrimitiveList/finalizers': null }),
      want: meta({ name: 'p' }),
    },
    {
      name: 'additions, deletions and $setElementOrder together (what kubectl apply sends)',
      original: meta({ finalizers: ['a', 'b'] }),
      patch: meta({ '$setElementOrder/finalizers': ['b', 'c'], finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] }),
      want: meta({ finalizers: ['b', 'c'] }),
    },
  ]);
});

describe('strategic merge patch: $setElementOrder', () => {
  run([
    {
      name: 'orders merged elements; server-only elements keep their place relative to the rest',
      original: spec({ containers: [ctr('a'), ctr('b'), ctr('c')] }),
      patch: spec({ '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }, { name: 'd' }], containers: [ctr('d')] }),
      want: spec({ containers: [ctr('b'), ctr('a'), ctr('d'), ctr('c')] }),
    },
    {
      name: 'alone, it only reorders',
      original: spec({ containers: [ctr('a'), ctr('b'), ctr('c')] }),
      patch: spec({ '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }] }),
      want: spec({ containers: [ctr('b'), ctr('c'), ctr('a')] }),
    },
    {
      name: 'orders a primitive list',
      original: meta({ finalizers: ['a', 'b', 'c'] }),
      patch: meta({ '$setElementOrder/finalizers': ['c', 'b', 'a'] }),
      want: meta({ finalizers: ['c', 'b', 'a'] }),
    },
    {
      name: 'items it names that the list lacks are ignored',
      original: meta({ finalizers: ['x', 'z'] }),
      patch: meta({ '$setElementOrder/finalizers': ['z', 'y', 'x'] }),
      want: meta({ finalizers: ['z', 'x'] }),
    },
    {
      name: 'a list the object lacks is taken from the patch, directive elements removed',
      original: spec({}),
      patch: spec({
        '$setElementOrder/containers': [{ name: 'a' }],
        containers: [{ name: 'a', image: 'x', env: [{ $patch: 'delete', name: 'q' }, { name: 'k', value: null }] }],
      }),
      want: spec({ containers: [{ name: 'a', image: 'x', env: [{ name: 'k', value: null }] }] }),
    },
    {
      name: 'a container swapped next to a server-injected one lands where upstream’s in-place list edits put it',
      original: spec({ containers: [ctr('app'), ctr('old'), ctr('istio')] }),
      patch: spec({
        '$setElementOrder/containers': [{ name: 'app' }, { name: 'new' }],
        containers: [ctr('new'), { $patch: 'delete', name: 'old' }],
      }),
      want: spec({ containers: [ctr('app'), ctr('istio'), ctr('new')] }),
    },
    {
      name: 'an empty order over a long added list goes through Go’s block merge too (reversed)',
      original: meta({ name: 'p' }),
      patch: meta({ '$setElementOrder/finalizers': [], finalizers: Array.from({ length: 25 }, (_, i) => `f${i}`) }),
      want: meta({ name: 'p', finalizers: Array.from({ length: 25 }, (_, i) => `f${24 - i}`) }),
    },
    {
      name: 'an empty order over an added list leaves Go sort.SliceStable’s trace (reversed)',
      original: meta({ name: 'p' }),
      patch: meta({ '$setElementOrder/finalizers': [], finalizers: ['a', 'b', 'c'] }),
      want: meta({ name: 'p', finalizers: ['c', 'b', 'a'] }),
    },
    {
      name: 'rejects a patch list whose order contradicts it',
      original: spec({ containers: [ctr('a'), ctr('c'), ctr('b')] }),
      patch: spec({
        '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
        containers: [
          { name: 'c', image: 'c' },
          { name: 'a', image: 'a' },
        ],
      }),
      error: {
        code: 500,
        message:
          "The order in patch list:\n[map[image:c name:c] map[image:a name:a]]\n doesn't match $setElementOrder list:\n[map[name:a] map[name:b] map[name:c]]\n",
      },
    },
    {
      name: 'rejects an order that is not a list',
      original: meta({ finalizers: ['a'] }),
      patch: meta({ '$setElementOrder/finalizers': 'a' }),
      error: { code: 500, message: 'expected a []interface {}, but received a string' },
    },
    {
      name: 'rejects a directive key without a slash',
      original: meta({ finalizers: ['a'] }),
      patch: meta({ '$setElementOrderfinalizers': ['a'] }),
      error: { code: 400, message: 'invalid patch format of setElementOrder list' },
    },
    {
      name: 'over an empty list with nothing to merge there is no element type, which upstream reports',
      original: meta({ finalizers: [] }),
      patch: meta({ '$setElementOrder/finalizers': [] }),
      error: { code: 500, message: 'no elements in any of the given slices' },
    },
  ]);
});

describe('strategic merge patch: $retainKeys', () => {
  run([
    {
      name: 'clears the fields it does not list (deployment strategy to Recreate)',
      original: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } } },
      patch: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } },
      want: { strategy: { type: 'Recreate' } },
    },
    {
      name: 'inside a list element it switches a volume source',
      original: spec({ volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', secret: { secretName: 's' } }] }),
      patch: spec({
        '$setElementOrder/volumes': [{ name: 'v' }, { name: 'w' }],
        volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' }, emptyDir: null, name: 'v' }],
      }),
      want: spec({ volumes: [{ name: 'v', configMap: { name: 'cm' } }, { name: 'w', secret: { secretName: 's' } }] }),
    },
    {
      name: 'without the directive a retainKeys field merges like any other',
      original: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
      patch: { strategy: { rollingUpdate: { maxUnavailable: 0 } } },
      want: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
    },
    {
      name: 'rejects a patch field the list does not retain',
      original: { strategy: { type: 'RollingUpdate' } },
      patch: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: { maxSurge: 1 } } },
      error: { code: 400, message: 'invalid patch format of retainKeys' },
    },
    {
      name: 'rejects a directive that is not a list',
      original: { strategy: { type: 'RollingUpdate' } },
      patch: { strategy: { $retainKeys: 'type', type: 'Recreate' } },
      error: { code: 400, message: 'invalid patch format of retainKeys' },
    },
  ]);
});

describe('strategic merge patch: errors', () => {
  run([
    {
      name: 'a list element without its merge key',
      original: spec({ containers: [ctr('a')] }),
      patch: spec({ containers: [{ image: 'nginx' }] }),
      error: { code: 500, message: 'map: map[image:nginx] does not contain declared merge key: name' },
    },
    {
      name: 'a {$patch: delete} element without its merge key',
      original: spec({ containers: [ctr('a')] }),
      patch: spec({ containers: [{ $patch: 'delete', image: 'x' }] }),
      error: { code: 500, message: 'map: map[$patch:delete image:x] does not contain declared merge key: name' },
    },
    {
      name: 'numbers in messages print as Go prints int64 and float64',
      original: spec({ containers: [ctr('a', 'a:1', { ports: [{ containerPort: 80 }] })] }),
      patch: spec({ containers: [{ name: 'a', ports: [{ hostPort: 8080, weight: 0.5, big: 1234567.5, tiny: 0.00001 }] }] }),
      error: {
        code: 500,
        message: 'map: map[big:1.2345675e+06 hostPort:8080 tiny:1e-05 weight:0.5] does not contain declared merge key: containerPort',
      },
    },
    {
      name: '{$patch: merge} in a list element',
      original: spec({ containers: [ctr('a')] }),
      patch: spec({ containers: [{ $patch: 'merge', name: 'a' }] }),
      error: { code: 500, message: 'merging lists cannot yet be specified in the patch' },
    },
    {
      name: 'an unknown $patch in a list element',
      original: spec({ containers: [ctr('a')] }),
      patch: spec({ containers: [{ $patch: 'remove', name: 'a' }] }),
      error: { code: 500, message: 'unknown patch type: remove in map: map[$patch:remove name:a]' },
    },
    {
      name: '$patch: merge on a map is not a directive upstream accepts',
      original: meta({ labels: { a: '1' } }),
      patch: meta({ labels: { $patch: 'merge', b: '2' } }),
      error: { code: 500, message: 'unknown patch type: merge in map: map[$patch:merge b:2]' },
    },
    {
      name: 'a non-string $patch prints as %s prints it',
      original: meta({ labels: { a: '1' } }),
      patch: meta({ labels: { $patch: 1 } }),
      error: { code: 500, message: 'unknown patch type: %!s(int64=1) in map: map[$patch:1]' },
    },
    {
      name: 'lists of lists',
      original: meta({ finalizers: [] }),
      patch: meta({ finalizers: [['x']] }),
      error: { code: 422, message: 'lists of lists are not supported' },
    },
    {
      name: 'elements of different types in a merged list',
      original: meta({ finalizers: ['a'] }),
      patch: meta({ finalizers: [1] }),
      error: { code: 500, message: 'list element types are not identical: [[a] [1]]' },
    },
    {
      name: 'a deletion list on a list of maps without a merge key',
      original: spec({ tolerations: [{ key: 'a' }] }),
      patch: spec({ '$deleteFromPrimitiveList/tolerations': [{ key: 'a' }] }),
      error: { code: 500, message: 'cannot merge lists without merge key for struct' },
    },
    {
      name: 'a $deleteFromPrimitiveList key without a slash',
      original: meta({ finalizers: ['a'] }),
      patch: meta({ '$deleteFromPrimitiveListfinalizers': ['a'] }),
      error: { code: 400, message: 'invalid patch format of primitive list' },
    },
    {
      name: 'a schema with an impossible strategy pair',
      original: { oddList: ['a'] },
      patch: { oddList: ['b'] },
      error: { code: 500, message: 'unexpected patch strategy: [merge replace]' },
    },
    {
      name: 'a patch that is not an object',
      original: meta({ name: 'p' }),
      patch: [{ op: 'add' }],
      error: { code: 400, message: 'json: cannot unmarshal array into Go value of type map[string]interface {}' },
    },
  ]);

  it('carries the status upstream answers with', () => {
    const invalid = failure(POD, meta({ finalizers: [] }), meta({ finalizers: [['x']] }));
    assert.deepEqual([invalid.code, invalid.reason], [422, 'Invalid']);
    assert.equal(invalid.statusMessage, 'the server rejected our request due to an error in our request');
    const bad = failure(POD, meta({}), meta({ '$deleteFromPrimitiveListx': [] }));
    assert.deepEqual([bad.code, bad.reason, bad.statusMessage], [400, 'BadRequest', 'invalid patch format of primitive list']);
    const plain = failure(POD, spec({ containers: [] }), spec({ containers: [{}] }));
    assert.deepEqual([plain.code, plain.reason, plain.statusMessage], [500, '', plain.message]);
  });

  it('offers an error-less form', () => {
    assert.deepEqual(tryApplyStrategicMergePatch({ a: 1 }, { b: 2 }, undefined), { ok: true, value: { a: 1, b: 2 } });
    const res = tryApplyStrategicMergePatch({}, 'x', undefined);
    assert.equal(res.ok, false);
    assert.equal(!res.ok && res.error.message, 'json: cannot unmarshal string into Go value of type map[string]interface {}');
  });
});

describe('strategic merge patch: copying', () => {
  it('shares untouched subtrees with the original and copies the touched path', () => {
    const original = {
      metadata: { name: 'p', labels: { a: '1' } },
      spec: { containers: [ctr('a'), ctr('b')] as Json[], tolerations: [{ key: 't' }] },
    };
    const out = applyStrategicMergePatch(original, spec({ containers: [{ name: 'b', image: 'b:2' }] }), POD) as typeof original;
    assert.equal(out.metadata, original.metadata);
    assert.equal(out.spec.tolerations, original.spec.tolerations);
    assert.equal(out.spec.containers[0], original.spec.containers[0]);
    assert.notEqual(out.spec, original.spec);
    assert.notEqual(out.spec.containers[1], original.spec.containers[1]);
    assert.deepEqual(original.spec.containers[1], ctr('b'));
  });

  it('patches a 100-container pod', () => {
    const names = Array.from({ length: 100 }, (_, i) => `c${i}`);
    const original = spec({ containers: names.map((n) => ctr(n, `${n}:1`, { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] })) });
    const patch = spec({
      '$setElementOrder/containers': names.map((name) => ({ name })),
      containers: [{ name: 'c42', image: 'c42:2', '$setElementOrder/env': [{ name: 'A' }], env: [{ $patch: 'delete', name: 'B' }] }],
    });
    const out = patchWith(POD, original, patch) as { spec: { containers: { name: string; image: string; env: Json[] }[] } };
    assert.deepEqual(
      out.spec.containers.map((c) => c.name),
      names,
    );
    assert.equal(out.spec.containers[42].image, 'c42:2');
    assert.deepEqual(out.spec.containers[42].env, [{ name: 'A', value: '1' }]);
    assert.deepEqual(out.spec.containers[41].env, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The real patch metadata, from upstream's swagger.json (test oracle only).

describe('strategic merge patch with the upstream schema', { skip: !haveSwagger && 'no ../shared/k8s-reference' }, () => {
  const definition = haveSwagger ? swaggerResolver() : () => ({}) as SchemaNode;
  const podSchema = definition('io.k8s.api.core.v1.Pod');
  const deploymentSchema = definition('io.k8s.api.apps.v1.Deployment');
  const serviceSchema = definition('io.k8s.api.core.v1.Service');
  const nodeSchema = definition('io.k8s.api.core.v1.Node');

  it('reads the patch metadata the inline fixture mimics', () => {
    const podSpec = podSchema.properties!.spec;
    const c = podSpec.properties!.containers;
    assert.deepEqual([c.patchStrategy, c.patchMergeKey], ['merge', 'name']);
    const ctrProps = c.items!.properties!;
    assert.deepEqual([ctrProps.ports.patchMergeKey, ctrProps.env.patchMergeKey, ctrProps.volumeMounts.patchMergeKey], ['containerPort', 'name', 'mountPath']);
    assert.equal(podSpec.properties!.volumes.patchStrategy, 'merge,retainKeys');
    assert.equal(podSpec.properties!.tolerations.patchStrategy, undefined);
    assert.equal(podSpec.properties!.nodeSelector.mapType, 'atomic');
    assert.equal(deploymentSchema.properties!.spec.properties!.strategy.patchStrategy, 'retainKeys');
    assert.equal(podSchema.properties!.metadata.properties!.finalizers.patchStrategy, 'merge');
  });

  const livePod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'front' }, finalizers: ['example.com/a'] },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'nginx:1.25',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        },
        { name: 'sidecar', image: 'busybox:1.36' },
      ],
      volumes: [{ name: 'data', emptyDir: {} }],
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
    },
    status: {
      phase: 'Pending',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: 'False' },
      ],
    },
  };

  it('kubectl apply: a new image and an env var removed', () => {
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Pod"}\n' } },
      spec: {
        '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
        containers: [
          { '$setElementOrder/env': [{ name: 'A' }], env: [{ $patch: 'delete', name: 'B' }], image: 'nginx:1.26', name: 'app' },
        ],
      },
    };
    const out = patchWith(podSchema, livePod, patch) as typeof livePod & { metadata: { annotations: Record<string, string> } };
    assert.deepEqual(out.spec.containers, [
      { ...livePod.spec.containers[0], image: 'nginx:1.26', env: [{ name: 'A', value: '1' }] },
      livePod.spec.containers[1],
    ]);
    assert.equal(out.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], '{"kind":"Pod"}\n');
    assert.deepEqual(out.metadata.labels, livePod.metadata.labels);
  });

  it('kubectl apply: one container added, one removed, order from the manifest', () => {
    const patch = {
      spec: {
        '$setElementOrder/containers': [{ name: 'app' }, { name: 'logger' }],
        containers: [{ image: 'fluentd:1', name: 'logger' }, { $patch: 'delete', name: 'sidecar' }],
      },
    };
    const out = patchWith(podSchema, livePod, patch) as typeof livePod;
    assert.deepEqual(
      out.spec.containers.map((c) => c.name),
      ['app', 'logger'],
    );
  });

  it('kubectl set image on a Deployment', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: { metadata: { labels: { app: 'web' } }, spec: structuredClone(livePod.spec) },
      },
    };
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
            containers: [{ image: 'busybox:1.37', name: 'sidecar' }],
          },
        },
      },
    };
    const out = patchWith(deploymentSchema, deployment, patch) as typeof deployment;
    assert.deepEqual(out.spec.template.spec.containers, [
      livePod.spec.containers[0],
      { name: 'sidecar', image: 'busybox:1.37' },
    ]);
    assert.deepEqual(out.spec.strategy, deployment.spec.strategy);

    const recreate = patchWith(deploymentSchema, deployment, {
      spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } },
    }) as typeof deployment;
    assert.deepEqual(recreate.spec.strategy, { type: 'Recreate' });
  });

  it('a label removed with null, finalizers added and deleted', () => {
    const out = patchWith(podSchema, livePod, {
      metadata: { labels: { tier: null }, finalizers: ['example.com/b'], '$deleteFromPrimitiveList/finalizers': ['example.com/a'] },
    }) as typeof livePod;
    assert.deepEqual(out.metadata.labels, { app: 'web' });
    assert.deepEqual(out.metadata.finalizers, ['example.com/b']);
  });

  it('a volume switched from emptyDir to a configMap with $retainKeys', () => {
    const out = patchWith(podSchema, livePod, {
      spec: {
        '$setElementOrder/volumes': [{ name: 'data' }],
        volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'settings' }, emptyDir: null, name: 'data' }],
      },
    }) as typeof livePod;
    assert.deepEqual(out.spec.volumes, [{ name: 'data', configMap: { name: 'settings' } }]);
  });

  it('tolerations replace, nodeSelector merges, status conditions merge by type', () => {
    const out = patchWith(podSchema, livePod, {
      spec: { tolerations: [{ key: 'dedicated', value: 'test-team', effect: 'NoSchedule' }], nodeSelector: { disk: 'ssd' } },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    }) as typeof livePod;
    assert.deepEqual(out.spec.tolerations, [{ key: 'dedicated', value: 'test-team', effect: 'NoSchedule' }]);
    assert.deepEqual(out.spec.nodeSelector, { 'kubernetes.io/os': 'linux', disk: 'ssd' });
    assert.deepEqual(out.status.conditions, [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'True' },
    ]);
  });

  it('a Service: selector merges despite map-type atomic, ports merge by port', () => {
    const svc = {
      spec: {
        selector: { app: 'web' },
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
      },
    };
    const out = patchWith(serviceSchema, svc, {
      spec: { selector: { tier: 'front' }, ports: [{ port: 80, targetPort: 'http' }, { name: 'https', port: 443 }] },
    }) as typeof svc;
    assert.deepEqual(out.spec.selector, { app: 'web', tier: 'front' });
    assert.deepEqual(out.spec.ports, [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
      { name: 'https', port: 443 },
    ]);
  });

  it('a Node: status.addresses merge by type', () => {
    const node = {
      status: {
        addresses: [
          { type: 'InternalIP', address: '10.0.0.5' },
          { type: 'Hostname', address: 'n1' },
        ],
      },
    };
    const out = patchWith(nodeSchema, node, { status: { addresses: [{ type: 'InternalIP', address: '10.0.0.6' }] } }) as typeof node;
    assert.deepEqual(out.status.addresses, [
      { type: 'InternalIP', address: '10.0.0.6' },
      { type: 'Hostname', address: 'n1' },
    ]);
  });
});
