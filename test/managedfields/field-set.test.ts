// Field sets: fieldsV1 round trips against upstream's serialisation (entry order, `.`, key and value
// encodings), set algebra, and the text conflicts print paths with.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FieldSet } from '../../src/managedfields/field-set.ts';
import { parsePathElement, pathText, type PathElement } from '../../src/managedfields/path-element.ts';

const f = (name: string): PathElement => ({ type: 'field', name });
const k = (fields: Record<string, string | number>): PathElement => ({ type: 'key', fields: Object.entries(fields).sort() });
const v = (value: string | number | boolean | null): PathElement => ({ type: 'value', value });

describe('fieldsV1 round trips', () => {
  // Each string is as kube-apiserver stores it: re-serialising what we parsed gives the same bytes.
  const cases: [string, string][] = [
    ['deployment created by kubectl', '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},"f:selector":{},"f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{".":{},"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{},"f:protocol":{}}}}}}}}}'],
    ['pod status conditions', '{"f:status":{"f:conditions":{"k:{\\"type\\":\\"PodScheduled\\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:message":{},"f:reason":{},"f:status":{},"f:type":{}}}}}'],
    ['set of finalizers', '{"f:metadata":{"f:finalizers":{".":{},"v:\\"a.example.com/x\\"":{},"v:\\"b\\"":{}}}}'],
    ['every element kind in order', '{"f:a":{},"f:b":{"i:0":{}},"k:{\\"name\\":\\"first\\"}":{},"k:{\\"name\\":\\"second\\"}":{"f:x":{}},"v:1":{},"v:2":{},"v:\\"aaa\\"":{},"v:true":{},"v:null":{},"i:0":{},"i:3":{}}'],
    ['HTML characters escaped as Go writes them', '{"f:data":{"f:a\\u003cb":{}},"f:spec":{"f:x":{"v:\\"\\\\u0026\\"":{}}}}'],
    ['empty', '{}'],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      const set = FieldSet.fromFieldsV1(JSON.parse(text));
      const out = JSON.stringify(set.toFieldsV1()).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
      assert.equal(out, text);
    });
  }

  it('sorts entries written out of order and merges keys given in any order', () => {
    const set = FieldSet.fromFieldsV1({ 'f:z': {}, 'k:{"protocol":"TCP","containerPort":80}': {}, 'f:a': { '.': {}, 'f:b': {} } });
    assert.equal(JSON.stringify(set.toFieldsV1()), '{"f:a":{".":{},"f:b":{}},"f:z":{},"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{}}');
  });

  it('skips unknown prefixes and refuses malformed keys as upstream does', () => {
    assert.deepEqual(FieldSet.fromFieldsV1({ 'x:future': {}, 'f:a': {} }).toStrings(), ['.a']);
    for (const bad of [{ q: {} }, { 'i:one': {} }, { 'k:[1]': {} }, { 'v:{': {} }]) {
      assert.throws(() => FieldSet.fromFieldsV1(bad));
    }
    assert.throws(() => FieldSet.fromFieldsV1([]));
  });
});

describe('set algebra', () => {
  const a = FieldSet.of([f('spec'), f('replicas')], [f('spec'), f('template'), f('spec'), f('containers'), k({ name: 'web' })], [f('metadata'), f('labels')]);
  const b = FieldSet.of([f('spec'), f('replicas')], [f('metadata'), f('labels'), f('app')]);
  const cases: [string, FieldSet, string[]][] = [
    ['union', a.union(b), ['.metadata.labels', '.metadata.labels.app', '.spec.replicas', '.spec.template.spec.containers[name="web"]']],
    ['difference keeps what is below a removed member', a.difference(FieldSet.of([f('metadata'), f('labels')])), ['.spec.replicas', '.spec.template.spec.containers[name="web"]']],
    ['intersection', a.intersection(b), ['.spec.replicas']],
    ['recursive difference takes subtrees', a.union(b).recursiveDifference(FieldSet.of([f('metadata')], [f('spec'), f('template')])), ['.spec.replicas']],
  ];
  for (const [name, got, want] of cases) it(name, () => assert.deepEqual(got.toStrings(), want));

  it('has and empty', () => {
    assert.ok(a.has([f('spec'), f('replicas')]));
    assert.ok(!a.has([f('spec')]));
    assert.ok(new FieldSet().empty);
    assert.ok(a.difference(a).empty);
  });
});

describe('path text', () => {
  const cases: [PathElement[], string][] = [
    [[f('spec'), f('replicas')], '.spec.replicas'],
    [[f('spec'), f('ports'), k({ port: 80, protocol: 'TCP' })], '.spec.ports[port=80,protocol="TCP"]'],
    [[f('metadata'), f('finalizers'), v('x')], '.metadata.finalizers[="x"]'],
    [[f('args'), { type: 'index', index: 2 }], '.args[2]'],
  ];
  for (const [path, text] of cases) it(text, () => assert.equal(pathText(path), text));

  it('parses every element kind', () => {
    assert.deepEqual(parsePathElement('f:a.b'), f('a.b'));
    assert.deepEqual(parsePathElement('i:7'), { type: 'index', index: 7 });
    assert.deepEqual(parsePathElement('v:"x"'), v('x'));
    assert.equal(parsePathElement('z:1'), undefined);
  });
});
