// The bootstrap policy grants what upstream's does: checked through the authorizer, with the
// admin/edit/view roles aggregated as the clusterrole-aggregation controller fills them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1ClusterRole } from '@kubernetes/client-node';
import type { KObject } from '../../../src/api/types.ts';
import { RbacAuthorizer } from '../../../src/auth/rbac/authorizer.ts';
import {
  AUTOUPDATE_ANNOTATION,
  BOOTSTRAP_CLUSTER_ROLES,
  BOOTSTRAP_CLUSTER_ROLE_BINDINGS,
  BOOTSTRAP_ROLES,
  BOOTSTRAP_ROLE_BINDINGS,
} from '../../../src/auth/rbac/bootstrap-policy.ts';
import { PolicyIndex } from '../../../src/auth/rbac/policy-source.ts';
import { reconcileBinding, reconcileRole } from '../../../src/auth/rbac/reconcile.ts';
import type { RequestAttributes, ResourceAttributes, UserInfo } from '../../../src/auth/rbac/rules.ts';
import { aggregatedRules } from '../../../src/controllers/clusterrole-aggregation.ts';

/** The cluster roles after aggregation settles (edit feeds admin, view feeds edit). */
function aggregated(): KObject[] {
  const roles = BOOTSTRAP_CLUSTER_ROLES.map((r) => structuredClone(r) as KObject);
  for (let round = 0; round < 3; round++) {
    for (const role of roles) {
      if (!role.aggregationRule) continue;
      role.rules = aggregatedRules(role as V1ClusterRole, roles as V1ClusterRole[]);
    }
  }
  return roles;
}

const roles = aggregated();
const authz = new RbacAuthorizer(new PolicyIndex([...roles, ...BOOTSTRAP_CLUSTER_ROLE_BINDINGS, ...BOOTSTRAP_ROLES, ...BOOTSTRAP_ROLE_BINDINGS]));
const byName = (name: string) => roles.find((r) => r.metadata.name === name)!;

/** A user holding one cluster role in namespace ns1 through a RoleBinding, as `kubectl create rolebinding --clusterrole` makes. */
function holder(role: string): RbacAuthorizer {
  return new RbacAuthorizer(
    new PolicyIndex([
      ...roles,
      { kind: 'RoleBinding', metadata: { name: 'b', namespace: 'ns1' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'u' }] },
    ]),
  );
}
const U: UserInfo = { name: 'u', groups: ['system:authenticated'] };
const inNs = (verb: string, resource: string, apiGroup = '', subresource = ''): ResourceAttributes => ({ resourceRequest: true, verb, apiGroup, resource, subresource, namespace: 'ns1' });
const cluster = (verb: string, resource: string, apiGroup = '', subresource = ''): ResourceAttributes => ({ resourceRequest: true, verb, apiGroup, resource, subresource });

describe('bootstrap policy', () => {
  it('every object carries the bootstrapping label and the autoupdate annotation', () => {
    for (const o of [...BOOTSTRAP_CLUSTER_ROLES, ...BOOTSTRAP_CLUSTER_ROLE_BINDINGS, ...BOOTSTRAP_ROLES, ...BOOTSTRAP_ROLE_BINDINGS]) {
      assert.equal(o.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults', o.metadata.name);
      assert.equal(o.metadata.annotations?.[AUTOUPDATE_ANNOTATION], 'true', o.metadata.name);
    }
    const names = BOOTSTRAP_CLUSTER_ROLES.map((r) => r.metadata.name);
    for (const n of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:basic-user', 'system:public-info-viewer', 'system:node', 'system:node-proxier', 'system:kube-scheduler', 'system:kube-controller-manager', 'system:volume-scheduler', 'system:monitoring', 'system:auth-delegator', 'system:controller:replicaset-controller', 'system:controller:clusterrole-aggregation-controller']) {
      assert.ok(names.includes(n), n);
    }
    assert.equal(new Set(names).size, names.length, 'no duplicates');
  });

  const CASES: { who: string; user: UserInfo; attrs: RequestAttributes; allowed: boolean }[] = [
    { who: 'kube-scheduler binds pods', user: { name: 'system:kube-scheduler', groups: [] }, attrs: inNs('create', 'pods', '', 'binding'), allowed: true },
    { who: 'kube-scheduler does not create pods', user: { name: 'system:kube-scheduler', groups: [] }, attrs: inNs('create', 'pods'), allowed: false },
    { who: 'kube-scheduler renews its own lease', user: { name: 'system:kube-scheduler', groups: [] }, attrs: { ...inNs('update', 'leases', 'coordination.k8s.io'), namespace: 'kube-system', name: 'kube-scheduler' }, allowed: true },
    { who: 'kube-scheduler not another lease', user: { name: 'system:kube-scheduler', groups: [] }, attrs: { ...inNs('update', 'leases', 'coordination.k8s.io'), name: 'other' }, allowed: false },
    { who: 'system:masters can do anything', user: { name: 'root', groups: ['system:masters'] }, attrs: cluster('delete', 'nodes'), allowed: true },
    { who: 'authenticated users reach discovery', user: U, attrs: { resourceRequest: false, verb: 'get', path: '/apis/apps/v1' }, allowed: true },
    { who: 'unauthenticated users read /version', user: { name: 'system:anonymous', groups: ['system:unauthenticated'] }, attrs: { resourceRequest: false, verb: 'get', path: '/version' }, allowed: true },
    { who: 'unauthenticated users do not get discovery', user: { name: 'system:anonymous', groups: ['system:unauthenticated'] }, attrs: { resourceRequest: false, verb: 'get', path: '/apis' }, allowed: false },
    { who: 'authenticated users create self reviews', user: U, attrs: cluster('create', 'selfsubjectaccessreviews', 'authorization.k8s.io'), allowed: true },
    { who: 'controllers act through their service accounts', user: { name: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'] }, attrs: inNs('create', 'pods'), allowed: true },
    { who: 'the kube-controller-manager lists everything', user: { name: 'system:kube-controller-manager', groups: [] }, attrs: cluster('list', 'widgets', 'example.com'), allowed: true },
    { who: 'monitoring reads /metrics', user: { name: 'prom', groups: ['system:monitoring'] }, attrs: { resourceRequest: false, verb: 'get', path: '/metrics' }, allowed: true },
  ];
  for (const c of CASES) {
    it(c.who, () => assert.equal(authz.authorize(c.user, c.attrs).decision === 'Allow', c.allowed));
  }
});

describe('admin, edit and view', () => {
  const view = holder('view');
  const edit = holder('edit');
  const admin = holder('admin');
  const allowed = (a: RbacAuthorizer, attrs: RequestAttributes) => a.authorize(U, attrs).decision === 'Allow';

  it('view reads workloads but not secrets, and writes nothing', () => {
    assert.ok(allowed(view, inNs('list', 'pods')));
    assert.ok(allowed(view, inNs('get', 'deployments', 'apps', 'scale')));
    assert.ok(!allowed(view, inNs('get', 'secrets')));
    assert.ok(!allowed(view, inNs('create', 'configmaps')));
  });

  it('edit reads secrets and writes workloads, but not roles', () => {
    assert.ok(allowed(edit, inNs('get', 'secrets')));
    assert.ok(allowed(edit, inNs('create', 'deployments', 'apps')));
    assert.ok(allowed(edit, inNs('create', 'pods', '', 'exec')));
    assert.ok(!allowed(edit, inNs('create', 'roles', 'rbac.authorization.k8s.io')));
  });

  it('admin, aggregated, holds every rule of edit and manages roles', () => {
    const adminRules = new Set((byName('admin').rules as unknown[]).map((r) => JSON.stringify(r)));
    for (const r of byName('edit').rules as unknown[]) assert.ok(adminRules.has(JSON.stringify(r)), JSON.stringify(r));
    assert.ok(allowed(admin, inNs('create', 'rolebindings', 'rbac.authorization.k8s.io')));
    assert.ok(allowed(admin, inNs('create', 'localsubjectaccessreviews', 'authorization.k8s.io')));
    assert.ok(!allowed(admin, cluster('list', 'nodes')));
  });
});

describe('start-up reconciliation of one object', () => {
  const expected = BOOTSTRAP_CLUSTER_ROLES.find((r) => r.metadata.name === 'system:node-proxier')!;

  it('an unchanged object needs no write', () => {
    assert.deepEqual(reconcileRole(structuredClone(expected), expected), { action: 'none' });
  });

  it('missing rules are added back (broken down) and extra ones kept; labels too', () => {
    const stored = structuredClone(expected);
    stored.rules = [{ verbs: ['list', 'watch'], apiGroups: [''], resources: ['services', 'endpoints'] }, { verbs: ['get'], apiGroups: ['x'], resources: ['y'] }];
    delete stored.metadata.labels;
    const r = reconcileRole(stored, expected);
    assert.equal(r.action, 'update');
    const next = (r as { object: KObject }).object;
    assert.equal(next.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults');
    const rules = next.rules as { resources?: string[] }[];
    assert.deepEqual(rules[1], { verbs: ['get'], apiGroups: ['x'], resources: ['y'] });
    assert.ok(rules.some((x) => x.resources?.[0] === 'endpointslices'));
  });

  it('autoupdate "false" leaves the object alone', () => {
    const stored = structuredClone(expected);
    stored.rules = [];
    stored.metadata.annotations = { [AUTOUPDATE_ANNOTATION]: 'false' };
    assert.deepEqual(reconcileRole(stored, expected), { action: 'none' });
  });

  it('bindings get missing subjects back; a changed roleRef means re-creating', () => {
    const b = BOOTSTRAP_CLUSTER_ROLE_BINDINGS.find((x) => x.metadata.name === 'system:public-info-viewer')!;
    const stored = structuredClone(b);
    stored.subjects = [(b.subjects as unknown[])[0], { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'extra' }];
    const r = reconcileBinding(stored, b);
    assert.equal(r.action, 'update');
    assert.equal(((r as { object: KObject }).object.subjects as unknown[]).length, 3);
    assert.deepEqual(reconcileBinding({ ...structuredClone(b), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } }, b), { action: 'recreate' });
  });
});
