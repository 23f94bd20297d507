// The RBAC authorizer's decisions, table-driven from upstream's rbac_test.go cases, plus the reason
// texts and the service-account subject forms.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../../../src/api/types.ts';
import { RbacAuthorizer } from '../../../src/auth/rbac/authorizer.ts';
import { PolicyIndex } from '../../../src/auth/rbac/policy-source.ts';
import type { PolicyRule, RequestAttributes, Subject, UserInfo } from '../../../src/auth/rbac/rules.ts';

const RBAC = 'rbac.authorization.k8s.io';
const csv = (s: string): string[] => (s === '' ? [] : s.split(','));

/** upstream's newRule(verbs, apiGroups, resources, nonResourceURLs): Go's strings.Split, so "" is [""]. */
function rule(verbs: string, groups: string, resources: string, urls: string): PolicyRule {
  return { verbs: verbs.split(','), apiGroups: groups.split(','), resources: resources.split(','), nonResourceURLs: urls.split(',') };
}

function subjects(...specs: string[]): Subject[] {
  return specs.map((s) => {
    const [kind, ...rest] = s.split(':');
    if (kind === 'ServiceAccount') return { kind, namespace: rest[0]!, name: rest[1]! };
    return { kind: kind!, apiGroup: RBAC, name: rest.join(':') };
  });
}

const clusterRole = (name: string, ...rules: PolicyRule[]): KObject => ({ kind: 'ClusterRole', metadata: { name }, rules });
const role = (ns: string, name: string, ...rules: PolicyRule[]): KObject => ({ kind: 'Role', metadata: { name, namespace: ns }, rules });
const clusterBinding = (roleName: string, ...subs: string[]): KObject => ({
  kind: 'ClusterRoleBinding',
  metadata: { name: roleName },
  roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: roleName },
  subjects: subjects(...subs),
});
const binding = (ns: string, roleName: string, kind: 'Role' | 'ClusterRole', ...subs: string[]): KObject => ({
  kind: 'RoleBinding',
  metadata: { name: roleName, namespace: ns },
  roleRef: { apiGroup: RBAC, kind, name: roleName },
  subjects: subjects(...subs),
});

const u = (name: string, groups = ''): UserInfo => ({ name, groups: csv(groups) });
/** upstream's defaultAttributes{user, groups, verb, resource, subresource, namespace, apiGroup}. */
const res = (user: string, groups: string, verb: string, resource: string, subresource: string, namespace: string, apiGroup = ''): [UserInfo, RequestAttributes] => [
  u(user, groups),
  { resourceRequest: true, verb, resource, subresource, namespace, apiGroup },
];
/** Non-resource requests: each user asks `verb` on each path. */
const each = (users: UserInfo[], verb: string, paths: string[]): [UserInfo, RequestAttributes][] =>
  users.flatMap((user) => paths.map((p): [UserInfo, RequestAttributes] => [user, { resourceRequest: false, verb, path: p }]));

interface Case {
  name: string;
  objects: KObject[];
  pass: [UserInfo, RequestAttributes][];
  fail: [UserInfo, RequestAttributes][];
}

const CASES: Case[] = [
  {
    name: 'a cluster role bound in one namespace, to a user and a group',
    objects: [clusterRole('admin', rule('*', '*', '*', '')), binding('ns1', 'admin', 'ClusterRole', 'User:admin', 'Group:admins')],
    pass: [
      res('admin', '', 'get', 'Pods', '', 'ns1'), res('admin', '', 'watch', 'Pods', '', 'ns1'), res('admin', 'group1', 'watch', 'Foobar', '', 'ns1'),
      res('joe', 'admins', 'watch', 'Foobar', '', 'ns1'), res('joe', 'group1,admins', 'watch', 'Foobar', '', 'ns1'),
    ],
    fail: [
      res('admin', '', 'GET', 'Pods', '', 'ns2'), res('admin', '', 'GET', 'Nodes', '', ''), res('admin', 'admins', 'GET', 'Pods', '', 'ns2'),
      res('admin', 'admins', 'GET', 'Nodes', '', ''),
    ],
  },
  {
    name: 'non-resource URLs, exact and with a trailing star',
    objects: [
      clusterRole('non-resource-url-getter', rule('get', '', '', '/apis')),
      clusterRole('non-resource-url', rule('*', '', '', '/apis')),
      clusterRole('non-resource-url-prefix', rule('get', '', '', '/apis/*')),
      clusterBinding('non-resource-url-getter', 'User:foo', 'Group:bar'),
      clusterBinding('non-resource-url', 'User:admin', 'Group:admin'),
      clusterBinding('non-resource-url-prefix', 'User:prefixed', 'Group:prefixed'),
    ],
    pass: [
      ...each([u('foo'), u('', 'bar'), u('admin'), u('', 'admin')], 'get', ['/apis']),
      ...each([u('admin'), u('', 'admin')], 'watch', ['/apis']),
      ...each([u('prefixed'), u('', 'prefixed')], 'get', ['/apis/v1', '/apis/v1/foobar']),
    ],
    fail: [
      // wrong verb, wrong path, not under the prefix
      ...each([u('foo'), u('', 'bar')], 'watch', ['/apis']),
      ...each([u('foo'), u('', 'bar'), u('admin'), u('', 'admin'), u('prefixed'), u('', 'prefixed')], 'get', ['/api/v1']),
    ],
  },
  {
    name: 'a resource does not grant its subresources',
    objects: [clusterRole('admin', rule('*', '*', 'pods', '')), binding('ns1', 'admin', 'ClusterRole', 'User:admin', 'Group:admins')],
    pass: [res('admin', '', 'get', 'pods', '', 'ns1')],
    fail: [res('admin', '', 'get', 'pods', 'status', 'ns1')],
  },
  {
    name: 'resource/subresource and */subresource',
    objects: [
      clusterRole('admin', rule('*', '*', 'pods/status', ''), rule('*', '*', '*/scale', '')),
      binding('ns1', 'admin', 'ClusterRole', 'User:admin', 'Group:admins'),
    ],
    pass: [
      res('admin', '', 'get', 'pods', 'status', 'ns1'), res('admin', '', 'get', 'pods', 'scale', 'ns1'), res('admin', '', 'get', 'deployments', 'scale', 'ns1'),
      res('admin', '', 'get', 'anything', 'scale', 'ns1'),
    ],
    fail: [res('admin', '', 'get', 'pods', '', 'ns1')],
  },
  {
    name: 'resourceNames limit a rule to the named objects (and collection verbs carry no name)',
    objects: [
      role('ns1', 'one-cm', { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['cfg'] }),
      binding('ns1', 'one-cm', 'Role', 'User:jane'),
    ],
    pass: [[u('jane'), { resourceRequest: true, verb: 'get', apiGroup: '', resource: 'configmaps', name: 'cfg', namespace: 'ns1' }]],
    fail: [
      [u('jane'), { resourceRequest: true, verb: 'get', apiGroup: '', resource: 'configmaps', name: 'other', namespace: 'ns1' }],
      [u('jane'), { resourceRequest: true, verb: 'list', apiGroup: '', resource: 'configmaps', namespace: 'ns1' }],
    ],
  },
  {
    name: 'api groups must match unless the rule says *',
    objects: [clusterRole('deploys', rule('get', 'apps', 'deployments', '')), clusterBinding('deploys', 'User:jane')],
    pass: [res('jane', '', 'get', 'deployments', '', 'ns1', 'apps'), res('jane', '', 'get', 'deployments', '', '', 'apps')],
    fail: [res('jane', '', 'get', 'deployments', '', 'ns1', 'extensions'), res('jane', '', 'get', 'deployments', '', 'ns1', '')],
  },
  {
    name: 'service accounts: by name, by namespace group, by all-accounts group; a Role binding defaults the namespace',
    objects: [
      role('ns1', 'reader', rule('get', '', 'pods', '')),
      { ...binding('ns1', 'reader', 'Role'), subjects: [{ kind: 'ServiceAccount', name: 'builder' }] },
      clusterRole('sa-lister', rule('list', '', 'pods', '')),
      clusterBinding('sa-lister', 'Group:system:serviceaccounts:ns2'),
      clusterRole('sa-watcher', rule('watch', '', 'pods', '')),
      clusterBinding('sa-watcher', 'Group:system:serviceaccounts'),
      clusterRole('sa-deleter', rule('delete', '', 'pods', '')),
      clusterBinding('sa-deleter', 'ServiceAccount:ns3:cleaner'),
    ],
    pass: [
      res('system:serviceaccount:ns1:builder', '', 'get', 'pods', '', 'ns1'), res('system:serviceaccount:ns2:x', 'system:serviceaccounts,system:serviceaccounts:ns2', 'list', 'pods', '', 'ns9'), res('system:serviceaccount:ns9:x', 'system:serviceaccounts,system:serviceaccounts:ns9', 'watch', 'pods', '', ''),
      res('system:serviceaccount:ns3:cleaner', '', 'delete', 'pods', '', 'ns5'),
    ],
    fail: [
      res('system:serviceaccount:ns2:builder', '', 'get', 'pods', '', 'ns1'), res('system:serviceaccount:ns1:builder', '', 'get', 'pods', '', 'ns2'), res('system:serviceaccount:ns9:x', 'system:serviceaccounts:ns9', 'list', 'pods', '', 'ns9'),
      res('system:serviceaccount:ns3:cleaner2', '', 'delete', 'pods', '', 'ns5'), res('builder', '', 'get', 'pods', '', 'ns1'),
    ],
  },
];

describe('RBAC authorizer decisions (upstream rbac_test.go cases)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const authz = new RbacAuthorizer(new PolicyIndex(c.objects));
      for (const [user, attrs] of c.pass) assert.equal(authz.authorize(user, attrs).decision, 'Allow', `expected allow: ${JSON.stringify([user, attrs])}`);
      for (const [user, attrs] of c.fail) assert.equal(authz.authorize(user, attrs).decision, 'NoOpinion', `expected no opinion: ${JSON.stringify([user, attrs])}`);
    });
  }
});

describe('RBAC authorizer reasons', () => {
  const objects = [
    clusterRole('pod-reader', rule('get', '', 'pods', '')),
    clusterBinding('pod-reader', 'User:jane'),
    binding('ns1', 'pod-reader', 'ClusterRole', 'ServiceAccount:ns1:sa'),
    { ...binding('ns1', 'edit-local', 'Role', 'User:jane') },
    { ...clusterBinding('gone', 'User:jane') },
  ];
  const authz = new RbacAuthorizer(new PolicyIndex(objects));

  it('names the binding, role and subject that allowed the request', () => {
    assert.deepEqual(authz.authorize(u('jane'), { resourceRequest: true, verb: 'get', apiGroup: '', resource: 'pods', namespace: 'ns1' }), {
      decision: 'Allow',
      reason: 'RBAC: allowed by ClusterRoleBinding "pod-reader" of ClusterRole "pod-reader" to User "jane"',
    });
    assert.equal(
      authz.authorize(u('system:serviceaccount:ns1:sa'), { resourceRequest: true, verb: 'get', apiGroup: '', resource: 'pods', namespace: 'ns1' }).reason,
      'RBAC: allowed by RoleBinding "pod-reader/ns1" of ClusterRole "pod-reader" to ServiceAccount "sa/ns1"',
    );
  });

  it('lists the role references it could not resolve when nothing allowed the request', () => {
    assert.deepEqual(authz.authorize(u('jane'), { resourceRequest: true, verb: 'delete', apiGroup: '', resource: 'pods', namespace: 'ns1' }), {
      decision: 'NoOpinion',
      reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "edit-local" not found]',
    });
    assert.deepEqual(authz.authorize(u('jane'), { resourceRequest: true, verb: 'delete', apiGroup: '', resource: 'pods' }), {
      decision: 'NoOpinion',
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
    });
    assert.deepEqual(authz.authorize(u('bob'), { resourceRequest: true, verb: 'get', apiGroup: '', resource: 'pods', namespace: 'ns1' }), { decision: 'NoOpinion', reason: '' });
  });
});
