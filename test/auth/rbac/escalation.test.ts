// Escalation checks: rule coverage (upstream's policy_comparator_test.go cases), the compacted
// "not currently held" message, and the role/binding write checks built on them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../../../src/api/types.ts';
import { RbacAuthorizer } from '../../../src/auth/rbac/authorizer.ts';
import { checkBindingWrite, checkRoleWrite, compactRules, confirmNoEscalation, covers } from '../../../src/auth/rbac/escalation.ts';
import { PolicyIndex } from '../../../src/auth/rbac/policy-source.ts';
import type { PolicyRule } from '../../../src/auth/rbac/rules.ts';

const RBAC = 'rbac.authorization.k8s.io';
const r = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => ({ verbs, apiGroups, resources, ...(resourceNames ? { resourceNames } : {}) });
const url = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

const COVERS: { name: string; owner: PolicyRule[]; servant: PolicyRule[]; covered: boolean; missing?: PolicyRule[] }[] = [
  { name: 'exact match', owner: [r(['get'], [''], ['pods'])], servant: [r(['get'], [''], ['pods'])], covered: true },
  { name: 'verb star', owner: [r(['*'], [''], ['pods'])], servant: [r(['get', 'delete'], [''], ['pods'])], covered: true },
  { name: 'group star', owner: [r(['get'], ['*'], ['pods'])], servant: [r(['get'], ['apps', ''], ['pods'])], covered: true },
  { name: 'resource star', owner: [r(['get'], [''], ['*'])], servant: [r(['get'], [''], ['pods', 'pods/log'])], covered: true },
  {
    name: 'rules across several owner rules',
    owner: [r(['get'], [''], ['pods']), r(['list'], [''], ['pods'])],
    servant: [r(['get', 'list'], [''], ['pods'])],
    covered: true,
  },
  {
    name: 'missing verb',
    owner: [r(['get'], [''], ['pods'])],
    servant: [r(['get', 'delete'], [''], ['pods'])],
    covered: false,
    missing: [r(['delete'], [''], ['pods'])],
  },
  { name: 'resourceNames covered by an unrestricted owner', owner: [r(['get'], [''], ['secrets'])], servant: [r(['get'], [''], ['secrets'], ['a'])], covered: true },
  { name: 'resourceNames covered by the same names', owner: [r(['get'], [''], ['secrets'], ['a', 'b'])], servant: [r(['get'], [''], ['secrets'], ['b'])], covered: true },
  {
    name: 'a named owner does not cover every object',
    owner: [r(['get'], [''], ['secrets'], ['a'])],
    servant: [r(['get'], [''], ['secrets'])],
    covered: false,
    missing: [r(['get'], [''], ['secrets'])],
  },
  { name: '*/subresource covers that subresource of any resource', owner: [r(['get'], ['apps'], ['*/scale'])], servant: [r(['get'], ['apps'], ['deployments/scale'])], covered: true },
  {
    name: '*/subresource does not cover the resource',
    owner: [r(['get'], ['apps'], ['*/scale'])],
    servant: [r(['get'], ['apps'], ['deployments'])],
    covered: false,
    missing: [r(['get'], ['apps'], ['deployments'])],
  },
  { name: 'non-resource URL star', owner: [url(['get'], ['*'])], servant: [url(['get'], ['/healthz', '/api/v1'])], covered: true },
  { name: 'non-resource URL prefix', owner: [url(['get'], ['/apis/*'])], servant: [url(['get'], ['/apis/apps'])], covered: true },
  {
    name: 'non-resource URL prefix does not cover its parent',
    owner: [url(['get'], ['/apis/*'])],
    servant: [url(['get'], ['/apis'])],
    covered: false,
    missing: [url(['get'], ['/apis'])],
  },
  {
    name: 'resource rules do not cover non-resource URLs',
    owner: [r(['*'], ['*'], ['*'])],
    servant: [url(['get'], ['/healthz'])],
    covered: false,
    missing: [url(['get'], ['/healthz'])],
  },
];

describe('covers', () => {
  for (const c of COVERS) {
    it(c.name, () => {
      const got = covers(c.owner, c.servant);
      assert.equal(got.covered, c.covered);
      if (c.missing) assert.deepEqual(got.missing, c.missing);
    });
  }
});

describe('compactRules', () => {
  it('merges the verbs of simple rules on the same resource, keeps the rest', () => {
    const out = compactRules([r(['get'], [''], ['pods']), r(['list'], [''], ['pods']), r(['get'], ['', 'apps'], ['pods']), url(['get'], ['/x'])]);
    assert.deepEqual(out, [r(['get'], ['', 'apps'], ['pods']), url(['get'], ['/x']), r(['get', 'list'], [''], ['pods'])]);
  });
});

const clusterRole = (name: string, rules: PolicyRule[]): KObject => ({ kind: 'ClusterRole', metadata: { name }, rules });
const POLICY = [
  clusterRole('pod-reader', [r(['get', 'list'], [''], ['pods'])]),
  clusterRole('binder', [r(['bind'], [RBAC], ['clusterroles'], ['admin'])]),
  clusterRole('escalator', [r(['escalate'], [RBAC], ['roles'])]),
  clusterRole('admin', [r(['*'], ['*'], ['*'])]),
  { kind: 'RoleBinding', metadata: { name: 'jane-reads', namespace: 'ns1' }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'pod-reader' }, subjects: [{ kind: 'User', apiGroup: RBAC, name: 'jane' }] },
  { kind: 'RoleBinding', metadata: { name: 'jane-binds', namespace: 'ns1' }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'binder' }, subjects: [{ kind: 'User', apiGroup: RBAC, name: 'jane' }] },
  { kind: 'ClusterRoleBinding', metadata: { name: 'esc' }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'escalator' }, subjects: [{ kind: 'User', apiGroup: RBAC, name: 'esc' }] },
];
const authz = new RbacAuthorizer(new PolicyIndex(POLICY));
const jane = { name: 'jane', groups: ['system:authenticated'] };

describe('ConfirmNoEscalation', () => {
  it('passes for rules the user holds in the namespace', () => {
    assert.equal(confirmNoEscalation(authz, jane, 'ns1', [r(['get'], [''], ['pods'])]), undefined);
  });

  it("lists what is missing, compacted and sorted, in upstream's words", () => {
    assert.equal(
      confirmNoEscalation(authz, jane, 'ns1', [r(['get', 'delete', 'watch'], [''], ['pods', 'secrets'])]),
      'user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete" "watch"]}\n' +
        '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete" "watch"]}',
    );
  });
});

describe('role and binding write checks', () => {
  const role = (rules: PolicyRule[]): KObject => ({ kind: 'Role', metadata: { name: 'r', namespace: 'ns1' }, rules });

  it('a role with held rules may be written; one with more is Forbidden', () => {
    assert.equal(checkRoleWrite(authz, jane, role([r(['list'], [''], ['pods'])])), undefined);
    const err = checkRoleWrite(authz, jane, role([r(['list'], [''], ['secrets'])]));
    assert.equal(err?.code, 403);
    assert.equal(
      err?.status.message,
      'roles.rbac.authorization.k8s.io "r" is forbidden: user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["list"]}',
    );
  });

  it('escalate on roles, or system:masters, lifts the check', () => {
    assert.equal(checkRoleWrite(authz, { name: 'esc', groups: [] }, role([r(['*'], ['*'], ['*'])])), undefined);
    assert.equal(checkRoleWrite(authz, { name: 'root', groups: ['system:masters'] }, role([r(['*'], ['*'], ['*'])])), undefined);
  });

  it('an update that keeps the rules is not checked again', () => {
    const old = role([r(['*'], [''], ['secrets'])]);
    assert.equal(checkRoleWrite(authz, jane, { ...old, metadata: { ...old.metadata, labels: { a: 'b' } } }, old), undefined);
  });

  it('aggregation rules need full authority', () => {
    const agg: KObject = { kind: 'ClusterRole', metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] } };
    assert.equal(checkRoleWrite(authz, jane, agg)?.status.message, 'clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule');
  });

  it('binding needs bind on the role or its rules; a missing role is a BadRequest', () => {
    const rb = (roleName: string): KObject => ({ kind: 'RoleBinding', metadata: { name: 'b', namespace: 'ns1' }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: roleName } });
    assert.equal(checkBindingWrite(authz, jane, rb('pod-reader')), undefined, 'holds the rules');
    assert.equal(checkBindingWrite(authz, jane, rb('admin')), undefined, 'may bind admin in ns1');
    assert.equal(checkBindingWrite(authz, jane, rb('escalator'))?.code, 403);
    const missing = checkBindingWrite(authz, jane, rb('nope'));
    assert.equal(missing?.code, 400);
    assert.equal(missing?.status.message, 'clusterrole.rbac.authorization.k8s.io "nope" not found');
  });
});
