// apiregistration.k8s.io/v1 against a real etcd: one Local, Available APIService per served
// group-version (metrics.k8s.io included: served in-process here), upstream's priorities, table and
// validation, and the start-up sync restoring a changed one and removing a stale automanaged one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

const AS = '/apis/apiregistration.k8s.io/v1/apiservices';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

describe('apiservices.apiregistration.k8s.io', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
  });
  after(async () => c.stop());

  it('has a Local, Available APIService for every group-version discovery serves', async () => {
    const groups = (await request(app).get('/apis')).body.groups as { versions: { groupVersion: string; version: string }[]; name: string }[];
    const served = ['v1.', ...groups.flatMap((g) => g.versions.map((v) => `${v.version}.${g.name}`))].sort();
    const table = await request(app).get(AS).set('Accept', TABLE);
    assert.deepEqual(
      table.body.columnDefinitions.map((d: { name: string }) => d.name),
      ['Name', 'Service', 'Available', 'Age'],
    );
    const rows = table.body.rows as { cells: unknown[] }[];
    assert.deepEqual(rows.map((r) => r.cells[0]).sort(), served);
    for (const r of rows) assert.deepEqual(r.cells.slice(1, 3), ['Local', 'True'], String(r.cells[0]));
    assert.ok(served.includes('v1beta1.metrics.k8s.io') && served.includes('v1.flowcontrol.apiserver.k8s.io'));
    const apps = (await request(app).get(`${AS}/v1.apps`)).body;
    assert.deepEqual(apps.spec, { group: 'apps', version: 'v1', groupPriorityMinimum: 17800, versionPriority: 15 });
    assert.equal(apps.metadata.labels['kube-aggregator.kubernetes.io/automanaged'], 'onstart');
    assert.deepEqual(
      { ...apps.status.conditions[0], lastTransitionTime: undefined },
      { type: 'Available', status: 'True', lastTransitionTime: undefined, reason: 'Local', message: 'Local APIServices are always available' },
    );
    assert.deepEqual((await request(app).get(`${AS}/v1.`)).body.spec, { group: '', version: 'v1', groupPriorityMinimum: 18000, versionPriority: 1 });
  });

  it('validates names and priorities with upstream messages', async () => {
    const bad = await request(app)
      .post(AS)
      .send({ apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1.wrong.example.com' }, spec: { group: 'example.com', version: 'v1', groupPriorityMinimum: 0, versionPriority: 5000 } });
    assert.equal(bad.status, 422);
    assert.equal(
      bad.body.message,
      'APIService.apiregistration.k8s.io "v1.wrong.example.com" is invalid: [metadata.name: Invalid value: "v1.wrong.example.com": must be `spec.version+"."+spec.group`: "v1.example.com", spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000, spec.versionPriority: Invalid value: 5000: must be positive and less than 1000]',
    );
    const remote = await request(app)
      .post(AS)
      .send({ metadata: { name: 'v1beta1.custom.metrics.k8s.io' }, spec: { group: 'custom.metrics.k8s.io', version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100, service: { namespace: 'monitoring', name: 'adapter' } } });
    assert.equal(remote.status, 201);
    assert.equal(remote.body.spec.service.port, 443);
    const table = await request(app).get(`${AS}/v1beta1.custom.metrics.k8s.io`).set('Accept', TABLE);
    assert.deepEqual(table.body.rows[0].cells.slice(1, 3), ['monitoring/adapter', 'Unknown']);
  });

  it('restores a changed automanaged APIService at start and removes one for a group no longer served', async () => {
    const cur = (await request(app).get(`${AS}/v1.batch`)).body;
    await request(app).put(`${AS}/v1.batch`).send({ ...cur, spec: { ...cur.spec, versionPriority: 1 } }).expect(200);
    await request(app)
      .post(AS)
      .send({ metadata: { name: 'v1.gone.example.com', labels: { 'kube-aggregator.kubernetes.io/automanaged': 'onstart' } }, spec: { group: 'gone.example.com', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 15 } })
      .expect(201);
    const untouched = (await request(app).get(`${AS}/v1.apps`)).body.metadata.resourceVersion;
    await c.server.registry.bootstrap('127.0.0.1', 6443);
    assert.equal((await request(app).get(`${AS}/v1.apps`)).body.metadata.resourceVersion, untouched);
    assert.equal((await request(app).get(`${AS}/v1.batch`)).body.spec.versionPriority, 15);
    assert.equal((await request(app).get(`${AS}/v1.gone.example.com`)).status, 404);
    assert.equal((await request(app).get(`${AS}/v1beta1.custom.metrics.k8s.io`)).status, 200);
  });
});
