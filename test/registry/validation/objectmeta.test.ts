import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldError } from '../../../src/api/field-errors.ts';
import { invalid } from '../../../src/api/errors.ts';
import type { KObject } from '../../../src/api/types.ts';
import {
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../../src/registry/validation/objectmeta.ts';

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME_BODY =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const strs = (errs: FieldError[]) => errs.map((e) => e.toString());

function obj(meta: KObject['metadata']): KObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta };
}

test('a valid object passes', () => {
  const o = obj({
    name: 'cm-1',
    namespace: 'default',
    labels: { app: 'web', 'example.com/tier': '' },
    annotations: { 'Kubectl.Kubernetes.io/Last': 'x' },
    finalizers: ['kubernetes', 'example.com/f'],
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }],
    managedFields: [{ manager: 'kubectl-create', operation: 'Update', fieldsType: 'FieldsV1' }],
  });
  assert.deepEqual(validateObjectMeta(o, true, 'subdomain'), []);
});

test('name is required unless generated', () => {
  assert.deepEqual(strs(validateObjectMeta(obj({ namespace: 'default' }), true, 'subdomain')), [
    'metadata.name: Required value: name or generateName is required',
  ]);
});

test('a bad name gives the rule text with the quoted value', () => {
  const errs = validateObjectMeta(obj({ name: 'Bad_Name', namespace: 'default' }), true, 'subdomain');
  assert.deepEqual(strs(errs), [`metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN}`]);
  const st = invalid('ConfigMap', 'Bad_Name', errs).status;
  assert.equal(st.message, `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN}`);
  assert.deepEqual(st.details?.causes, [
    { reason: 'FieldValueInvalid', message: `Invalid value: "Bad_Name": ${SUBDOMAIN}`, field: 'metadata.name' },
  ]);
});

test('each failing rule is its own cause', () => {
  const long = `A${'a'.repeat(253)}`;
  assert.deepEqual(strs(validateObjectMeta(obj({ name: long, namespace: 'default' }), true, 'subdomain')), [
    `metadata.name: Invalid value: "${long}": must be no more than 253 characters`,
    `metadata.name: Invalid value: "${long}": ${SUBDOMAIN}`,
  ]);
});

test('name rules per kind', () => {
  const ns = (name: string) => strs(validateObjectMeta({ kind: 'Namespace', metadata: { name } }, false, 'label'));
  assert.deepEqual(ns('a.b'), ['metadata.name: Invalid value: "a.b": must not contain dots']);
  assert.deepEqual(ns('Foo'), [`metadata.name: Invalid value: "Foo": ${LABEL}`]);
  assert.deepEqual(ns('a'.repeat(64)), [`metadata.name: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`]);
  const svc = (name: string) => strs(validateObjectMeta(obj({ name, namespace: 'default' }), true, 'dns1035'));
  assert.deepEqual(svc('1web'), [`metadata.name: Invalid value: "1web": ${DNS1035}`]);
  assert.deepEqual(svc('web'), []);
  const path = (name: string) => strs(validateObjectMeta(obj({ name, namespace: 'default' }), true, 'path'));
  assert.deepEqual(path('Any:Thing_1'), []);
  assert.deepEqual(path('..'), [`metadata.name: Invalid value: "..": may not be '..'`]);
  assert.deepEqual(path('a/b'), [`metadata.name: Invalid value: "a/b": may not contain '/'`]);
});

test('generateName is checked as a prefix', () => {
  assert.deepEqual(validateObjectMeta(obj({ generateName: 'web-', name: 'web-x7k2p', namespace: 'default' }), true, 'subdomain'), []);
  assert.deepEqual(strs(validateObjectMeta(obj({ generateName: 'Web-', name: 'Web-x7k2p', namespace: 'default' }), true, 'subdomain')), [
    `metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN}`,
    `metadata.name: Invalid value: "Web-x7k2p": ${SUBDOMAIN}`,
  ]);
});

test('namespace by scope', () => {
  assert.deepEqual(strs(validateObjectMeta(obj({ name: 'a' }), true, 'subdomain')), ['metadata.namespace: Required value']);
  assert.deepEqual(strs(validateObjectMeta(obj({ name: 'a', namespace: 'Bad.NS' }), true, 'subdomain')), [
    `metadata.namespace: Invalid value: "Bad.NS": ${LABEL}`,
  ]);
  assert.deepEqual(strs(validateObjectMeta(obj({ name: 'a', namespace: 'a.b' }), true, 'subdomain')), [
    'metadata.namespace: Invalid value: "a.b": must not contain dots',
  ]);
  assert.deepEqual(strs(validateObjectMeta(obj({ name: 'a', namespace: 'x' }), false, 'subdomain')), [
    'metadata.namespace: Forbidden: not allowed on this type',
  ]);
});

test('labels: keys and values', () => {
  assert.deepEqual(strs(validateLabels({ '-k': 'v', ok: 'bad value', 'Example.com/x': 'y' }, 'metadata.labels')), [
    `metadata.labels: Invalid value: "-k": name part ${QNAME_BODY}`,
    `metadata.labels: Invalid value: "bad value": ${LABEL_VALUE}`,
    `metadata.labels: Invalid value: "Example.com/x": prefix part ${SUBDOMAIN}`,
  ]);
  assert.deepEqual(strs(validateLabels({ k: 'v'.repeat(64) }, 'spec.selector')), [
    `spec.selector: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`,
  ]);
  assert.deepEqual(validateLabels(undefined, 'metadata.labels'), []);
});

test('annotations: keys ignore case, total size at most 256KiB', () => {
  const m = (annotations: Record<string, string>) =>
    strs(validateObjectMeta(obj({ name: 'a', namespace: 'default', annotations }), true, 'subdomain'));
  assert.deepEqual(m({ 'Example.COM/Key': 'x' }), []);
  assert.deepEqual(m({ 'a b': 'x' }), [`metadata.annotations: Invalid value: "a b": name part ${QNAME_BODY}`]);
  assert.deepEqual(m({ big: 'x'.repeat(262144 - 3) }), []);
  assert.deepEqual(m({ big: 'x'.repeat(262144 - 2) }), ['metadata.annotations: Too long: may not be more than 262144 bytes']);
});

test('finalizers', () => {
  const f = (finalizers: string[]) =>
    strs(validateObjectMeta(obj({ name: 'a', namespace: 'default', finalizers }), true, 'subdomain'));
  assert.deepEqual(f(['kubernetes', 'orphan', 'example.com/x']), []);
  assert.deepEqual(f(['foo']), [
    'metadata.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
  ]);
  assert.deepEqual(f(['a/b/c']), [
    `metadata.finalizers: Invalid value: "a/b/c": a qualified name ${QNAME_BODY} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
  ]);
  assert.deepEqual(f(['orphan', 'foregroundDeletion']), [
    'metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set',
  ]);
  assert.deepEqual(
    validateObjectMeta(obj({ name: 'a', namespace: 'default', finalizers: ['foo'] }), true, 'subdomain', {
      kubeFinalizerNames: false,
    }),
    [],
  );
});

test('owner references and generation', () => {
  const errs = strs(
    validateObjectMeta(
      obj({
        name: 'a',
        namespace: 'default',
        generation: -1,
        ownerReferences: [
          { apiVersion: 'apps/', kind: '', name: '', uid: '', controller: true },
          { apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u', controller: true },
        ],
      }),
      true,
      'subdomain',
    ),
  );
  assert.deepEqual(errs.slice(0, 5), [
    'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
    'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
    'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
    'metadata.ownerReferences.name: Invalid value: "": must not be empty',
    'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
  ]);
  assert.match(errs[5]!, /^metadata\.ownerReferences: Invalid value: \[\]v1\.OwnerReference\{.*\}: Only one reference can have Controller set to true\. Found "true" in references for \/ and Pod\/p$/);
  const ev = strs(
    validateObjectMeta(
      obj({ name: 'a', namespace: 'default', ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }] }),
      true,
      'subdomain',
    ),
  );
  assert.deepEqual(ev, [
    'metadata.ownerReferences: Invalid value: v1.OwnerReference{APIVersion:"v1", Kind:"Event", Name:"e", UID:"u", Controller:(*bool)(nil), BlockOwnerDeletion:(*bool)(nil)}: /v1, Kind=Event is disallowed from being an owner',
  ]);
});

test('managed fields', () => {
  const errs = validateObjectMeta(
    obj({ name: 'a', namespace: 'default', managedFields: [{ manager: 'm\u0007', operation: 'Patch', fieldsType: 'FieldsV2' }] }),
    true,
    'subdomain',
  );
  assert.deepEqual(strs(errs.slice(0, 2)), [
    'metadata.managedFields[0].operation: Invalid value: "Patch": must be `Apply` or `Update`',
    'metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
  ]);
  // (Go would quote the control character as \a; only the field and detail are checked here.)
  assert.equal(errs[2]!.field, 'metadata.managedFields[0].manager');
  assert.equal(errs[2]!.detail, 'invalid character U+0007 (at position 1)');
  assert.equal(errs.length, 3);
});

// ------------------------------------------------------------------ update

const stored = (): KObject =>
  obj({
    name: 'cm',
    namespace: 'default',
    uid: '1111-2222',
    resourceVersion: '10',
    generation: 2,
    creationTimestamp: '2024-05-01T12:00:00Z',
    finalizers: ['example.com/a'],
  });

test('an unchanged update passes', () => {
  assert.deepEqual(validateObjectMetaUpdate(stored(), stored()), []);
  // Same instant written differently is still equal.
  const o = stored();
  o.metadata.creationTimestamp = '2024-05-01T14:00:00+02:00';
  assert.deepEqual(validateObjectMetaUpdate(o, stored()), []);
});

test('immutable fields on update', () => {
  const n = stored();
  n.metadata.name = 'other';
  n.metadata.namespace = 'kube-system';
  n.metadata.uid = 'zzzz';
  n.metadata.creationTimestamp = '2024-06-01T00:00:01Z';
  n.metadata.deletionTimestamp = '2024-06-02T00:00:00Z';
  n.metadata.deletionGracePeriodSeconds = 30;
  assert.deepEqual(strs(validateObjectMetaUpdate(n, stored())), [
    'metadata.name: Invalid value: "other": field is immutable',
    'metadata.namespace: Invalid value: "kube-system": field is immutable',
    'metadata.uid: Invalid value: "zzzz": field is immutable',
    'metadata.creationTimestamp: Invalid value: 2024-06-01 00:00:01 +0000 UTC: field is immutable',
    'metadata.deletionTimestamp: Invalid value: 2024-06-02 00:00:00 +0000 UTC: field is immutable',
    'metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable',
  ]);
});

test('removing a deletion timestamp shows null', () => {
  const old = stored();
  old.metadata.deletionTimestamp = '2024-06-02T00:00:00Z';
  old.metadata.deletionGracePeriodSeconds = 0;
  const n = stored();
  assert.deepEqual(strs(validateObjectMetaUpdate(n, old)), [
    'metadata.deletionTimestamp: Invalid value: null: field is immutable',
    'metadata.deletionGracePeriodSeconds: Invalid value: null: field is immutable',
  ]);
});

test('generateName may change; resourceVersion and generation rules', () => {
  const n = stored();
  n.metadata.generateName = 'x-';
  assert.deepEqual(validateObjectMetaUpdate(n, stored()), []);
  n.metadata.resourceVersion = '';
  n.metadata.generation = 1;
  assert.deepEqual(strs(validateObjectMetaUpdate(n, stored())), [
    'metadata.resourceVersion: Invalid value: "": must be specified for an update',
    'metadata.generation: Invalid value: 1: must not be decremented',
  ]);
});

test('no new finalizers once deletion has started', () => {
  const old = stored();
  old.metadata.deletionTimestamp = '2024-06-02T00:00:00Z';
  const n = structuredClone(old);
  n.metadata.finalizers = ['example.com/a', 'example.com/z', 'example.com/b'];
  assert.deepEqual(strs(validateObjectMetaUpdate(n, old)), [
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/b", "example.com/z"}',
  ]);
  n.metadata.finalizers = [];
  assert.deepEqual(validateObjectMetaUpdate(n, old), []);
  // Without a deletion timestamp new finalizers are fine.
  const m = stored();
  m.metadata.finalizers = ['example.com/a', 'example.com/new'];
  assert.deepEqual(validateObjectMetaUpdate(m, stored()), []);
});

test('labels, annotations and finalizer names on update', () => {
  const n = stored();
  n.metadata.labels = { 'a/b/c': 'v' };
  n.metadata.annotations = { '': 'x' };
  n.metadata.finalizers = ['example.com/a', 'bar'];
  assert.deepEqual(strs(validateObjectMetaUpdate(n, stored())), [
    `metadata.labels: Invalid value: "a/b/c": a qualified name ${QNAME_BODY} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    'metadata.annotations: Invalid value: "": name part must be non-empty',
    `metadata.annotations: Invalid value: "": name part ${QNAME_BODY}`,
    'metadata.finalizers[1]: Invalid value: "bar": name is neither a standard finalizer name nor is it fully qualified',
  ]);
});
