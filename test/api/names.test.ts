import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNSSubdomain,
  validatePathSegmentName,
} from '../../src/api/names.ts';

// Upstream's RegexError puts two spaces before each "or".
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
const CONFIG_KEY =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

test('DNS-1123 subdomain', () => {
  for (const ok of ['a', 'example.com', 'a-b.c-d', '0', 'x'.repeat(253), `${'a'.repeat(63)}.${'b'.repeat(63)}`]) {
    assert.deepEqual(isDNS1123Subdomain(ok), [], ok);
  }
  assert.deepEqual(isDNS1123Subdomain('Bad_Name'), [SUBDOMAIN]);
  assert.deepEqual(isDNS1123Subdomain(''), [SUBDOMAIN]);
  assert.deepEqual(isDNS1123Subdomain('a.'), [SUBDOMAIN]);
  assert.deepEqual(isDNS1123Subdomain('-a'), [SUBDOMAIN]);
  assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
  assert.deepEqual(isDNS1123Subdomain(`A${'a'.repeat(253)}`), ['must be no more than 253 characters', SUBDOMAIN]);
  assert.deepEqual(isDNS1123Subdomain('a\n'), [SUBDOMAIN]);
});

test('DNS-1123 label', () => {
  for (const ok of ['a', 'my-name', '123-abc', 'a'.repeat(63)]) assert.deepEqual(isDNS1123Label(ok), [], ok);
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.deepEqual(isDNS1123Label('Foo'), [LABEL]);
  assert.deepEqual(isDNS1123Label('a-'), [LABEL]);
  assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  // Too long and dotted: length first, then the dots (a long name is still a valid subdomain).
  assert.deepEqual(isDNS1123Label(`${'a'.repeat(40)}.${'b'.repeat(40)}`), [
    'must be no more than 63 characters',
    'must not contain dots',
  ]);
});

test('DNS-1035 label', () => {
  for (const ok of ['a', 'my-name', 'abc-123']) assert.deepEqual(isDNS1035Label(ok), [], ok);
  assert.deepEqual(isDNS1035Label('1abc'), [DNS1035]);
  assert.deepEqual(isDNS1035Label('a.b'), [DNS1035]);
  assert.deepEqual(isDNS1035Label(`a${'b'.repeat(63)}`), ['must be no more than 63 characters']);
});

test('qualified names', () => {
  for (const ok of ['MyName', 'my.name', '123-abc', 'example.com/MyName', 'a/b', 'k8s.io/x_y.z']) {
    assert.deepEqual(isQualifiedName(ok), [], ok);
  }
  assert.deepEqual(isQualifiedName('-bad'), [`name part ${QNAME_BODY}`]);
  assert.deepEqual(isQualifiedName(''), ['name part must be non-empty', `name part ${QNAME_BODY}`]);
  assert.deepEqual(isQualifiedName('/a'), ['prefix part must be non-empty']);
  assert.deepEqual(isQualifiedName('a/'), ['name part must be non-empty', `name part ${QNAME_BODY}`]);
  assert.deepEqual(isQualifiedName('Example.com/a'), [`prefix part ${SUBDOMAIN}`]);
  assert.deepEqual(isQualifiedName('a'.repeat(64)), ['name part must be no more than 63 characters']);
  assert.deepEqual(isQualifiedName('a/b/c'), [
    `a qualified name ${QNAME_BODY} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
  ]);
});

test('label values', () => {
  for (const ok of ['', 'MyValue', 'my_value', '12345', 'a.b-c_d', 'v'.repeat(63)]) {
    assert.deepEqual(isValidLabelValue(ok), [], ok);
  }
  assert.deepEqual(isValidLabelValue('-x'), [LABEL_VALUE]);
  assert.deepEqual(isValidLabelValue('a b'), [LABEL_VALUE]);
  assert.deepEqual(isValidLabelValue('v'.repeat(64)), ['must be no more than 63 characters']);
});

test('config map keys', () => {
  for (const ok of ['key.name', 'KEY_NAME', 'key-name', '.dotfile', 'a..b']) assert.deepEqual(isConfigMapKey(ok), [], ok);
  assert.deepEqual(isConfigMapKey('a/b'), [CONFIG_KEY]);
  assert.deepEqual(isConfigMapKey(''), [CONFIG_KEY]);
  assert.deepEqual(isConfigMapKey('.'), ["must not be '.'"]);
  assert.deepEqual(isConfigMapKey('..'), ["must not be '..'"]);
  assert.deepEqual(isConfigMapKey('..a'), ["must not start with '..'"]);
  assert.deepEqual(isConfigMapKey('k'.repeat(254)), ['must be no more than 253 characters']);
});

test('path segment names', () => {
  assert.deepEqual(validatePathSegmentName('Any_Thing:ok', false), []);
  assert.deepEqual(validatePathSegmentName('.', false), ["may not be '.'"]);
  assert.deepEqual(validatePathSegmentName('..', false), ["may not be '..'"]);
  assert.deepEqual(validatePathSegmentName('..', true), []);
  assert.deepEqual(validatePathSegmentName('a/b%c', false), ["may not contain '/'", "may not contain '%'"]);
  assert.deepEqual(validatePathSegmentName('a/', true), ["may not contain '/'"]);
});

test('generateName prefixes may end with a dash', () => {
  assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
  assert.deepEqual(nameIsDNSSubdomain('web-', false), [SUBDOMAIN]);
  assert.deepEqual(nameIsDNSSubdomain('Web-', true), [SUBDOMAIN]);
});
