// rbac.authorization.k8s.io and authorization.k8s.io against a real etcd and API server: the bootstrap
// policy and its start-up reconciliation, validation texts, defaults, tables, and access reviews.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { ensureBootstrapPolicy } from '../../../src/registry/rbac/ensure.ts';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

const G = '/apis/rbac.authorization.k8s.io/v1';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const RBAC = 'rbac.authorization.k8s.io';

let c: TestCluster;
let app: Express;
const stores = () => {
  const s = (r: string) => c.server.registry.store(RBAC, r);
  return { roles: s('roles'), roleBindings: s('rolebindings'), clusterRoles: s('clusterroles'), clusterRoleBindings: s('clusterrolebindings') };
};

before(async () => {
  c = await startTestCluster();
  app = c.server.app;
});
after(async () => c?.stop());

describe('bootstrap policy', () => {
  it('the default roles and bindings are there, labelled and marked for auto-update', async () => {
    const res = await request(app).get(`${G}/clusterroles`).expect(200);
    const names = (res.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);
    for (const n of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:node', 'system:kube-scheduler', 'system:controller:deployment-controller']) assert.ok(names.includes(n), n);
    const admin = (await request(app).get(`${G}/clusterroles/cluster-admin`).expect(200)).body;
    assert.equal(admin.metadata.labels['kubernetes.io/bootstrapping'], 'rbac-defaults');
    assert.equal(admin.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate'], 'true');
    const crb = (await request(app).get(`${G}/clusterrolebindings/cluster-admin`).expect(200)).body;
    assert.deepEqual(crb.subjects, [{ kind: 'Group', apiGroup: RBAC, name: 'system:masters' }]);
    await request(app).get(`${G}/namespaces/kube-system/roles/extension-apiserver-authentication-reader`).expect(200);
    await request(app).get(`${G}/namespaces/kube-public/rolebindings/system:controller:bootstrap-signer`).expect(200);
  });

  it('a restart writes nothing; lost rules and subjects come back unless autoupdate is "false"', async () => {
    const t0 = performance.now();
    assert.equal(await ensureBootstrapPolicy(stores()), 0);
    console.log(`# restart reconciliation of the bootstrap policy: ${(performance.now() - t0).toFixed(0)} ms, 0 writes`);
    await request(app)
      .patch(`${G}/clusterroles/system:node-proxier`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }] })
      .expect(200);
    await request(app).patch(`${G}/clusterrolebindings/system:public-info-viewer`).set('Content-Type', 'application/merge-patch+json').send({ subjects: [] }).expect(200);
    await request(app)
      .patch(`${G}/clusterroles/system:heapster`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ metadata: { annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'false' } }, rules: [] })
      .expect(200);
    assert.equal(await ensureBootstrapPolicy(stores()), 2);
    const proxier = (await request(app).get(`${G}/clusterroles/system:node-proxier`).expect(200)).body;
    assert.deepEqual(proxier.rules[0], { apiGroups: [''], resources: ['nodes'], verbs: ['get'] });
    assert.ok(proxier.rules.some((r: { resources?: string[] }) => r.resources?.includes('endpointslices')));
    const viewer = (await request(app).get(`${G}/clusterrolebindings/system:public-info-viewer`).expect(200)).body;
    assert.equal(viewer.subjects.length, 2);
    const heapster = (await request(app).get(`${G}/clusterroles/system:heapster`).expect(200)).body;
    assert.deepEqual(heapster.rules ?? [], []);
  });
});

describe('validation and defaults', () => {
  it("role rules: verbs, api groups, resources, and no non-resource URLs in a Role", async () => {
    const res = await request(app)
      .post(`${G}/namespaces/default/roles`)
      .send({ apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { name: 'bad' }, rules: [{ resources: ['pods'] }, { verbs: ['get'], nonResourceURLs: ['/x'] }] })
      .expect(422);
    assert.equal(
      res.body.message,
      'Role.rbac.authorization.k8s.io "bad" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, rules[0].apiGroups: Required value: resource rules must supply at least one api group, rules[1].nonResourceURLs: Invalid value: ["/x"]: namespaced rules cannot apply to non-resource URLs]',
    );
  });

  it('cluster roles: URLs alone, and an aggregation rule needs a selector', async () => {
    const res = await request(app)
      .post(`${G}/clusterroles`)
      .send({ apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name: 'bad' }, rules: [{ verbs: ['get'], apiGroups: [''], nonResourceURLs: ['/x'] }], aggregationRule: { clusterRoleSelectors: [] } })
      .expect(422);
    assert.equal(
      res.body.message,
      'ClusterRole.rbac.authorization.k8s.io "bad" is invalid: [rules[0].nonResourceURLs: Invalid value: ["/x"]: rules cannot apply to both regular resources and non-resource URLs, aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil]',
    );
  });

  it('bindings: roleRef kind and group, subject kinds and groups; defaults fill the API groups', async () => {
    const bad = await request(app)
      .post(`${G}/clusterrolebindings`)
      .send({
        apiVersion: `${RBAC}/v1`,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'bad' },
        roleRef: { apiGroup: 'x', kind: 'Role', name: 'view' },
        subjects: [{ kind: 'Robot', name: 'r' }, { kind: 'ServiceAccount', name: 'sa', apiGroup: RBAC }],
      })
      .expect(422);
    assert.equal(
      bad.body.message,
      'ClusterRoleBinding.rbac.authorization.k8s.io "bad" is invalid: [roleRef.apiGroup: Unsupported value: "x": supported values: "rbac.authorization.k8s.io", roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole", subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group", subjects[1].apiGroup: Unsupported value: "rbac.authorization.k8s.io": supported values: "", subjects[1].namespace: Required value]',
    );
    const ok = await request(app)
      .post(`${G}/namespaces/default/rolebindings`)
      .send({ apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: { name: 'jane-view' }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'bot', namespace: 'ci' }] })
      .expect(201);
    assert.deepEqual(ok.body.roleRef, { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' });
    assert.deepEqual(ok.body.subjects, [{ kind: 'User', name: 'jane', apiGroup: RBAC }, { kind: 'ServiceAccount', name: 'bot', namespace: 'ci', apiGroup: '' }]);
    const changed = await request(app)
      .patch(`${G}/namespaces/default/rolebindings/jane-view`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ roleRef: { name: 'edit' } })
      .expect(422);
    assert.equal(
      changed.body.message,
      'RoleBinding.rbac.authorization.k8s.io "jane-view" is invalid: roleRef: Invalid value: {"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"}: cannot change roleRef',
    );
  });
});

describe('tables', () => {
  it('roles print NAME and CREATED AT; bindings NAME ROLE AGE and, wide, USERS GROUPS SERVICEACCOUNTS', async () => {
    const roles = (await request(app).get(`${G}/clusterroles/view`).set('Accept', TABLE).expect(200)).body;
    assert.deepEqual(roles.columnDefinitions.map((d: { name: string }) => d.name), ['Name', 'Created At']);
    assert.match(roles.rows[0].cells[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const b = (await request(app).get(`${G}/namespaces/default/rolebindings/jane-view`).set('Accept', TABLE).expect(200)).body;
    assert.deepEqual(
      b.columnDefinitions.map((d: { name: string; priority: number }) => `${d.name}/${d.priority}`),
      ['Name/0', 'Role/0', 'Age/0', 'Users/1', 'Groups/1', 'ServiceAccounts/1'],
    );
    assert.deepEqual([b.rows[0].cells[0], b.rows[0].cells[1], b.rows[0].cells[3], b.rows[0].cells[4], b.rows[0].cells[5]], ['jane-view', 'ClusterRole/view', 'jane', '', 'ci:bot']);
  });
});

describe('access reviews', () => {
  const sar = (user: string, verb: string, namespace: string, resource = 'pods') => ({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user, resourceAttributes: { verb, resource, namespace } },
  });

  it('answers from the RBAC policy without storing anything', async () => {
    // view has no rules until the aggregation controller (not running here) fills them: bind a plain Role.
    await request(app)
      .post(`${G}/namespaces/default/roles`)
      .send({ apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] })
      .expect(201);
    await request(app)
      .post(`${G}/namespaces/default/rolebindings`)
      .send({ apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: { name: 'jane-pods' }, roleRef: { kind: 'Role', name: 'pod-reader' }, subjects: [{ kind: 'User', name: 'jane' }] })
      .expect(201);
    // The authorizer's cache follows the writes through the watch cache: poll until it has them.
    let yes = await request(app).post('/apis/authorization.k8s.io/v1/subjectaccessreviews').send(sar('jane', 'list', 'default')).expect(201);
    for (let i = 0; i < 50 && !yes.body.status.allowed; i++) {
      await new Promise((r) => setTimeout(r, 100));
      yes = await request(app).post('/apis/authorization.k8s.io/v1/subjectaccessreviews').send(sar('jane', 'list', 'default')).expect(201);
    }
    assert.deepEqual(yes.body.status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "jane-pods/default" of Role "pod-reader" to User "jane"' });
    assert.equal(yes.body.kind, 'SubjectAccessReview');
    const no = await request(app).post('/apis/authorization.k8s.io/v1/subjectaccessreviews').send(sar('jane', 'get', 'default', 'secrets')).expect(201);
    assert.deepEqual(no.body.status, { allowed: false });
    await request(app).get('/apis/authorization.k8s.io/v1/subjectaccessreviews').expect(405);
  });

  it('local reviews take the URL namespace and must match it', async () => {
    const ok = await request(app)
      .post('/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews')
      .send({ apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', spec: { user: 'jane', resourceAttributes: { verb: 'watch', resource: 'pods', namespace: 'default' } } })
      .expect(201);
    assert.equal(ok.body.metadata.namespace, 'default');
    assert.equal(ok.body.status.allowed, true);
    const bad = await request(app)
      .post('/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews')
      .send({ apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', spec: { groups: ['g'], resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'other' } } })
      .expect(422);
    assert.equal(bad.body.message, 'LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "other": must match metadata.namespace');
  });

  it("validation: exactly one kind of attributes and someone to ask about", async () => {
    const res = await request(app).post('/apis/authorization.k8s.io/v1/subjectaccessreviews').send({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', metadata: { name: 'x' }, spec: {} }).expect(422);
    assert.equal(
      res.body.message,
      'SubjectAccessReview.authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified, metadata: Invalid value: {"name":"x"}: must be empty]',
    );
  });

  it('discovery lists the reviews as create-only, without a storage version hash', async () => {
    const res = await request(app).get('/apis/authorization.k8s.io/v1').expect(200);
    const sarRes = res.body.resources.find((r: { name: string }) => r.name === 'subjectaccessreviews');
    assert.deepEqual(sarRes, { name: 'subjectaccessreviews', singularName: 'subjectaccessreview', namespaced: false, kind: 'SubjectAccessReview', verbs: ['create'] });
  });
});
