// Node selectors and required node affinity as upstream's nodeaffinity helper reads them: every
// operator, matchFields on metadata.name, an empty term matching nothing, terms ORed, and
// spec.nodeSelector ANDed with the affinity.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { matchesNodeSelectorAndAffinity, matchTerm } from '../../src/selectors/node-affinity.ts';

const labels = { zone: 'a', cores: '8', disk: 'ssd' };

describe('matchTerm', () => {
  const one = (operator: string, key: string, values?: string[]) => matchTerm({ matchExpressions: [{ key, operator, values }] }, labels, 'node-1');
  it('reads In, NotIn, Exists and DoesNotExist', () => {
    assert.equal(one('In', 'zone', ['a', 'b']), true);
    assert.equal(one('In', 'zone', ['b']), false);
    assert.equal(one('NotIn', 'zone', ['b']), true);
    assert.equal(one('NotIn', 'missing', ['b']), true);
    assert.equal(one('Exists', 'disk'), true);
    assert.equal(one('DoesNotExist', 'disk'), false);
  });
  it('compares Gt and Lt as integers and fails on values that are not', () => {
    assert.equal(one('Gt', 'cores', ['4']), true);
    assert.equal(one('Lt', 'cores', ['4']), false);
    assert.equal(one('Gt', 'zone', ['4']), false);
    assert.equal(one('Gt', 'cores', ['4', '5']), false);
  });
  it('matches fields on the node name only', () => {
    assert.equal(matchTerm({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }, labels, 'node-1'), true);
    assert.equal(matchTerm({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }] }, labels, 'node-1'), false);
  });
  it('matches nothing with an empty term', () => {
    assert.equal(matchTerm({}, labels, 'node-1'), false);
  });
});

describe('matchesNodeSelectorAndAffinity', () => {
  const node: V1Node = { metadata: { name: 'node-1', labels } };
  const pod = (spec: NonNullable<V1Pod['spec']>['affinity'], nodeSelector?: Record<string, string>): V1Pod => ({
    spec: { containers: [], nodeSelector, affinity: spec },
  });
  const terms = (...zones: string[][]) => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: zones.map((values) => ({ matchExpressions: [{ key: 'zone', operator: 'In', values }] })) } },
  });
  it('admits any node without selector or affinity', () => assert.equal(matchesNodeSelectorAndAffinity(pod(undefined), node), true));
  it('ORs the terms', () => {
    assert.equal(matchesNodeSelectorAndAffinity(pod(terms(['b'], ['a'])), node), true);
    assert.equal(matchesNodeSelectorAndAffinity(pod(terms(['b'], ['c'])), node), false);
  });
  it('ANDs the node selector with the affinity', () => {
    assert.equal(matchesNodeSelectorAndAffinity(pod(terms(['a']), { disk: 'ssd' }), node), true);
    assert.equal(matchesNodeSelectorAndAffinity(pod(terms(['a']), { disk: 'hdd' }), node), false);
  });
});
