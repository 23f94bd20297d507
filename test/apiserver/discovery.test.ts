// Discovery documents (legacy and aggregated), /version and health endpoints.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';

const V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('apiserver discovery', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
  });
  after(async () => c.stop());

  it('serves legacy /api and /apis', async () => {
    const api = await request(app).get('/api');
    assert.equal(api.body.kind, 'APIVersions');
    assert.deepEqual(api.body.versions, ['v1']);
    const apis = await request(app).get('/apis');
    assert.equal(apis.body.kind, 'APIGroupList');
    const names = apis.body.groups.map((g: { name: string }) => g.name);
    for (const g of ['apps', 'autoscaling', 'batch', 'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io', 'networking.k8s.io', 'policy', 'storage.k8s.io', 'node.k8s.io', 'flowcontrol.apiserver.k8s.io', 'apiregistration.k8s.io', 'admissionregistration.k8s.io']) assert.ok(names.includes(g), g);
    const apps = apis.body.groups.find((g: { name: string }) => g.name === 'apps');
    assert.deepEqual(apps.preferredVersion, { groupVersion: 'apps/v1', version: 'v1' });
    // Two versions over the same HorizontalPodAutoscalers, v2 preferred as in kube-apiserver.
    const autoscaling = apis.body.groups.find((g: { name: string }) => g.name === 'autoscaling');
    assert.deepEqual(autoscaling.preferredVersion, { groupVersion: 'autoscaling/v2', version: 'v2' });
    assert.deepEqual(autoscaling.versions.map((v: { version: string }) => v.version), ['v2', 'v1']);
  });

  it('serves resource lists with verbs, short names, categories and subresources', async () => {
    const v1 = await request(app).get('/api/v1');
    assert.equal(v1.body.kind, 'APIResourceList');
    assert.equal(v1.body.groupVersion, 'v1');
    const pods = v1.body.resources.find((r: { name: string }) => r.name === 'pods');
    assert.deepEqual(pods.verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    assert.deepEqual(pods.shortNames, ['po']);
    assert.deepEqual(pods.categories, ['all']);
    assert.equal(pods.singularName, 'pod');
    assert.match(pods.storageVersionHash, /^[A-Za-z0-9+/]{11}=$/);
    const status = v1.body.resources.find((r: { name: string }) => r.name === 'pods/status');
    const eviction = v1.body.resources.find((r: { name: string }) => r.name === 'pods/eviction');
    assert.deepEqual(eviction, { name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    assert.deepEqual(status, { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    for (const sub of ['pods/ephemeralcontainers', 'pods/resize']) {
      const found = v1.body.resources.find((r: { name: string }) => r.name === sub);
      assert.deepEqual(found, { name: sub, singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    }
    const nodes = v1.body.resources.find((r: { name: string }) => r.name === 'nodes');
    assert.equal(nodes.namespaced, false);
    const apps = await request(app).get('/apis/apps/v1');
    assert.equal(apps.body.apiVersion, 'v1');
    const scale = apps.body.resources.find((r: { name: string }) => r.name === 'deployments/scale');
    assert.equal(scale.group, 'autoscaling');
    assert.equal(scale.version, 'v1');
    assert.equal(scale.kind, 'Scale');
  });

  for (const [label, accept, version] of [
    ['v2', V2, 'v2'],
    ['v2beta1', V2BETA1, 'v2beta1'],
  ] as const) {
    it(`serves aggregated discovery ${label} with ETag caching`, async () => {
      const res = await request(app).get('/apis').set('Accept', accept);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`);
      const body = JSON.parse(res.text);
      assert.equal(body.kind, 'APIGroupDiscoveryList');
      assert.equal(body.apiVersion, `apidiscovery.k8s.io/${version}`);
      const apps = body.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'apps');
      const deploy = apps.versions[0].resources.find((r: { resource: string }) => r.resource === 'deployments');
      assert.equal(deploy.scope, 'Namespaced');
      assert.deepEqual(deploy.responseKind, { group: 'apps', version: 'v1', kind: 'Deployment' });
      assert.ok(deploy.subresources.some((s: { subresource: string }) => s.subresource === 'scale'));
      const storage = body.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'storage.k8s.io');
      const sc = storage.versions[0].resources.find((r: { resource: string }) => r.resource === 'storageclasses');
      assert.equal(sc.scope, 'Cluster');
      assert.deepEqual(sc.shortNames, ['sc']);
      assert.deepEqual(sc.responseKind, { group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass' });
      const etag = res.headers['etag'];
      assert.match(etag, /^"[0-9A-F]+"$/);
      const again = await request(app).get('/apis').set('Accept', accept).set('If-None-Match', etag);
      assert.equal(again.status, 304);
      const core = JSON.parse((await request(app).get('/api').set('Accept', accept)).text);
      assert.equal(core.items.length, 1);
      assert.equal(core.items[0].metadata.name, undefined);
      assert.ok(core.items[0].versions[0].resources.some((r: { resource: string }) => r.resource === 'pods'));
    });
  }

  it('reports a version and health', async () => {
    const v = await request(app).get('/version');
    assert.equal(v.body.major, '1');
    assert.match(v.body.gitVersion, /^v1\.\d+\.\d+$/);
    for (const p of ['/healthz', '/livez', '/readyz']) {
      const res = await request(app).get(p);
      assert.equal(res.status, 200);
      assert.equal(res.text, 'ok');
    }
  });

  it('answers Table and PartialObjectMetadata representations', async () => {
    const table = await request(app)
      .get('/api/v1/namespaces')
      .set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
    assert.equal(table.body.kind, 'Table');
    assert.equal(table.body.apiVersion, 'meta.k8s.io/v1');
    assert.equal(table.body.columnDefinitions[0].name, 'Name');
    assert.equal(table.body.columnDefinitions[0].format, 'name');
    assert.equal(table.body.rows.length, 4);
    assert.equal(table.body.rows[0].object.kind, 'PartialObjectMetadata');
    const pom = await request(app)
      .get('/api/v1/namespaces')
      .set('Accept', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io');
    assert.equal(pom.body.kind, 'PartialObjectMetadataList');
    assert.equal(pom.body.items[0].metadata.name, 'default');
    assert.equal(pom.body.items[0].spec, undefined);
  });
});
