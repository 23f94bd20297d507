// The Forbidden Status a denied request gets, in upstream's three message forms.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forbiddenError } from '../../../src/auth/rbac/forbidden.ts';

const jane = { name: 'jane', groups: [] };

describe('forbidden messages', () => {
  const CASES = [
    {
      attrs: { resourceRequest: true as const, verb: 'list', apiGroup: '', resource: 'pods', namespace: 'default' },
      message: 'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"',
      details: { kind: 'pods' },
    },
    {
      attrs: { resourceRequest: true as const, verb: 'get', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', name: 'web', namespace: 'prod' },
      message: 'deployments.apps "web" is forbidden: User "jane" cannot get resource "deployments/scale" in API group "apps" in the namespace "prod"',
      details: { name: 'web', group: 'apps', kind: 'deployments' },
    },
    {
      attrs: { resourceRequest: true as const, verb: 'list', apiGroup: '', resource: 'nodes' },
      message: 'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope',
      details: { kind: 'nodes' },
    },
    {
      attrs: { resourceRequest: false as const, verb: 'get', path: '/metrics' },
      message: 'forbidden: User "jane" cannot get path "/metrics"',
      details: {},
    },
  ];
  for (const c of CASES) {
    it(c.message, () => {
      const err = forbiddenError(jane, c.attrs);
      assert.equal(err.code, 403);
      assert.equal(err.status.reason, 'Forbidden');
      assert.equal(err.status.message, c.message);
      assert.deepEqual(err.status.details, c.details);
    });
  }

  it("appends the authorizer's reason", () => {
    const err = forbiddenError(jane, { resourceRequest: true, verb: 'list', apiGroup: '', resource: 'pods', namespace: 'ns' }, 'RBAC: role.rbac.authorization.k8s.io "x" not found');
    assert.equal(err.status.message, 'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "ns": RBAC: role.rbac.authorization.k8s.io "x" not found');
  });
});
