// StorageClasses over HTTP against a real etcd: the bootstrapped default class, defaulting, upstream's
// validation and immutability messages, the Table kubectl prints, and the DefaultStorageClass
// admission giving claims without a class the newest default one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

const SC = '/apis/storage.k8s.io/v1/storageclasses';
const PVCS = '/api/v1/namespaces/default/persistentvolumeclaims';
const DEFAULT_ANN = 'storageclass.kubernetes.io/is-default-class';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

function storageClass(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner: 'example.com/nfs', ...extra };
}

function claim(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec } };
}

describe('storageclasses.storage.k8s.io and DefaultStorageClass admission', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
  });
  after(async () => c.stop());

  it('starts with the default class `standard` and prints it with the (default) marker', async () => {
    const std = await request(app).get(`${SC}/standard`);
    assert.equal(std.status, 200);
    assert.equal(std.body.provisioner, 'wheelhouse.io/simulated');
    assert.equal(std.body.reclaimPolicy, 'Delete');
    assert.equal(std.body.volumeBindingMode, 'WaitForFirstConsumer');
    assert.equal(std.body.metadata.annotations[DEFAULT_ANN], 'true');
    const table = await request(app).get(SC).set('Accept', TABLE);
    assert.deepEqual(
      table.body.columnDefinitions.map((d: { name: string }) => d.name),
      ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age'],
    );
    const row = table.body.rows.find((r: { object: { metadata: { name: string } } }) => r.object.metadata.name === 'standard');
    assert.deepEqual(row.cells.slice(0, 5), ['standard (default)', 'wheelhouse.io/simulated', 'Delete', 'WaitForFirstConsumer', false]);
  });

  it('defaults reclaimPolicy and volumeBindingMode, and validates with upstream messages', async () => {
    const made = await request(app).post(SC).send(storageClass('plain'));
    assert.equal(made.status, 201);
    assert.equal(made.body.reclaimPolicy, 'Delete');
    assert.equal(made.body.volumeBindingMode, 'Immediate');
    const noProvisioner = await request(app).post(SC).send({ ...storageClass('bad'), provisioner: '' });
    assert.equal(noProvisioner.status, 422);
    assert.equal(noProvisioner.body.message, 'StorageClass.storage.k8s.io "bad" is invalid: provisioner: Required value');
    const badEnums = await request(app)
      .post(SC)
      .send(storageClass('bad', { reclaimPolicy: 'Recycle', volumeBindingMode: 'Later', parameters: { '': 'x' } }));
    assert.equal(badEnums.status, 422);
    assert.equal(
      badEnums.body.message,
      'StorageClass.storage.k8s.io "bad" is invalid: [parameters: Invalid value: "": field can not be empty., reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain", volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"]',
    );
  });

  it('refuses changes to provisioner, parameters, reclaimPolicy and volumeBindingMode', async () => {
    await request(app).post(SC).send(storageClass('fixed', { parameters: { type: 'ssd' } })).expect(201);
    const cur = (await request(app).get(`${SC}/fixed`)).body;
    const changed = { ...cur, provisioner: 'example.com/other', parameters: { type: 'hdd' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' };
    const res = await request(app).put(`${SC}/fixed`).send(changed);
    assert.equal(res.status, 422);
    assert.equal(
      res.body.message,
      'StorageClass.storage.k8s.io "fixed" is invalid: [parameters: Forbidden: updates to parameters are forbidden., provisioner: Forbidden: updates to provisioner are forbidden., reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden., volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable]',
    );
    // Everything else may change: allowVolumeExpansion, labels, the default annotation.
    const ok = await request(app).put(`${SC}/fixed`).send({ ...cur, allowVolumeExpansion: true });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.allowVolumeExpansion, true);
  });

  it('gives a claim without a class the newest default class, and leaves explicit classes alone', async () => {
    const plain = await request(app).post(PVCS).send(claim('gets-default'));
    assert.equal(plain.status, 201);
    assert.equal(plain.body.spec.storageClassName, 'standard');
    const explicitEmpty = await request(app).post(PVCS).send(claim('no-class', { storageClassName: '' }));
    assert.equal(explicitEmpty.body.spec.storageClassName, '');
    const named = await request(app).post(PVCS).send(claim('named', { storageClassName: 'plain' }));
    assert.equal(named.body.spec.storageClassName, 'plain');
    // A second, newer default wins. Creation timestamps have second granularity: let a second pass so
    // the new class is strictly newer than `standard`.
    await new Promise((r) => setTimeout(r, 1100));
    await request(app)
      .post(SC)
      .send(storageClass('newer-default', { metadata: { name: 'newer-default', annotations: { [DEFAULT_ANN]: 'true' } } }))
      .expect(201);
    const deadline = Date.now() + 10_000;
    let got = '';
    for (let i = 0; Date.now() < deadline; i++) {
      const res = await request(app).post(PVCS).send(claim(`after-${i}`));
      got = res.body.spec.storageClassName;
      if (got === 'newer-default') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(got, 'newer-default');
    // Without any default class, the claim keeps no class.
    await request(app).delete(`${SC}/newer-default`).expect(200);
    await request(app).delete(`${SC}/standard`).expect(200);
    const deadline2 = Date.now() + 10_000;
    let none: unknown = 'x';
    for (let i = 0; Date.now() < deadline2; i++) {
      const res = await request(app).post(PVCS).send(claim(`none-${i}`));
      none = res.body.spec.storageClassName;
      if (none === undefined) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(none, undefined);
  });
});
