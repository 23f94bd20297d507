// The CSI half of storage.k8s.io/v1 over HTTP against a real etcd: CSIDriver defaults, validation,
// immutability and table; CSINode drivers; VolumeAttachment's status split and immutable spec;
// namespaced CSIStorageCapacity; VolumeAttributesClass with its immutable driver and parameters.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

const V1 = '/apis/storage.k8s.io/v1';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

type Row = { cells: unknown[]; object: { metadata: { name: string } } };
const rowOf = (body: { rows: Row[] }, name: string) => body.rows.find((r) => r.object.metadata.name === name)!;
const names = (body: { columnDefinitions: { name: string }[] }) => body.columnDefinitions.map((d) => d.name);

describe('storage.k8s.io/v1 CSI resources', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
  });
  after(async () => c.stop());

  it('CSIDriver: defaults every optional switch, prints upstream columns, keeps attachRequired immutable', async () => {
    const made = await request(app)
      .post(`${V1}/csidrivers`)
      .send({ apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver', metadata: { name: 'hostpath.csi.k8s.io' }, spec: { tokenRequests: [{ audience: 'vault' }] } });
    assert.equal(made.status, 201);
    assert.deepEqual(made.body.spec, {
      attachRequired: true,
      podInfoOnMount: false,
      storageCapacity: false,
      fsGroupPolicy: 'ReadWriteOnceWithFSType',
      volumeLifecycleModes: ['Persistent'],
      requiresRepublish: false,
      seLinuxMount: false,
      tokenRequests: [{ audience: 'vault' }],
    });
    const table = await request(app).get(`${V1}/csidrivers`).set('Accept', TABLE);
    assert.deepEqual(names(table.body), ['Name', 'AttachRequired', 'PodInfoOnMount', 'StorageCapacity', 'TokenRequests', 'RequiresRepublish', 'Modes', 'Age']);
    assert.deepEqual(rowOf(table.body, 'hostpath.csi.k8s.io').cells.slice(0, 7), ['hostpath.csi.k8s.io', true, false, false, 'vault', false, 'Persistent']);
    const changed = await request(app)
      .put(`${V1}/csidrivers/hostpath.csi.k8s.io`)
      .send({ ...made.body, spec: { ...made.body.spec, attachRequired: false, podInfoOnMount: true } });
    assert.equal(changed.status, 422);
    assert.equal(changed.body.message, 'CSIDriver.storage.k8s.io "hostpath.csi.k8s.io" is invalid: spec.attachedRequired: Invalid value: false: field is immutable');
    const bad = await request(app)
      .post(`${V1}/csidrivers`)
      .send({ metadata: { name: 'bad.example.com' }, spec: { fsGroupPolicy: 'Sometimes', volumeLifecycleModes: ['Forever'], tokenRequests: [{ audience: 'a', expirationSeconds: 60 }, { audience: 'a' }] } });
    assert.equal(bad.status, 422);
    assert.equal(
      bad.body.message,
      'CSIDriver.storage.k8s.io "bad.example.com" is invalid: [spec.fsGroupPolicy: Unsupported value: "Sometimes": supported values: "File", "None", "ReadWriteOnceWithFSType", spec.volumeLifecycleModes[0]: Unsupported value: "Forever": supported values: "Ephemeral", "Persistent", spec.tokenRequests[0].expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes, spec.tokenRequests[1].audience: Duplicate value: "a"]',
    );
  });

  it('CSINode: counts drivers, refuses duplicates and a missing nodeID, keeps a registered driver fixed', async () => {
    const node = { apiVersion: 'storage.k8s.io/v1', kind: 'CSINode', metadata: { name: 'node-1' }, spec: { drivers: [{ name: 'hostpath.csi.k8s.io', nodeID: 'node-1', topologyKeys: ['topology.hostpath.csi/node'] }] } };
    const made = await request(app).post(`${V1}/csinodes`).send(node);
    assert.equal(made.status, 201);
    const table = await request(app).get(`${V1}/csinodes`).set('Accept', TABLE);
    assert.deepEqual(names(table.body), ['Name', 'Drivers', 'Age']);
    assert.deepEqual(rowOf(table.body, 'node-1').cells.slice(0, 2), ['node-1', 1]);
    const dup = await request(app)
      .post(`${V1}/csinodes`)
      .send({ metadata: { name: 'node-2' }, spec: { drivers: [{ name: 'a.csi', nodeID: 'x' }, { name: 'a.csi', nodeID: '' }] } });
    assert.equal(dup.status, 422);
    assert.equal(dup.body.message, 'CSINode.storage.k8s.io "node-2" is invalid: [spec.drivers[1].nodeID: Required value, spec.drivers[1].name: Duplicate value: "a.csi"]');
    const moved = structuredClone(made.body);
    moved.spec.drivers[0].nodeID = 'elsewhere';
    const upd = await request(app).put(`${V1}/csinodes/node-1`).send(moved);
    assert.equal(upd.status, 422);
    assert.match(upd.body.message, /CSINodeDriver: Invalid value: .*field is immutable/);
  });

  it('VolumeAttachment: status only through /status, spec immutable, ATTACHED column from status', async () => {
    const va = { apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttachment', metadata: { name: 'csi-123' }, spec: { attacher: 'hostpath.csi.k8s.io', nodeName: 'node-1', source: { persistentVolumeName: 'pv-1' } }, status: { attached: true } };
    const made = await request(app).post(`${V1}/volumeattachments`).send(va);
    assert.equal(made.status, 201);
    assert.deepEqual(made.body.status, { attached: false });
    const st = await request(app)
      .put(`${V1}/volumeattachments/csi-123/status`)
      .send({ ...made.body, spec: { ...made.body.spec, nodeName: 'ignored' }, status: { attached: true, attachmentMetadata: { dev: '/dev/xvdb' } } });
    assert.equal(st.status, 200);
    assert.equal(st.body.spec.nodeName, 'node-1');
    assert.equal(st.body.status.attached, true);
    const table = await request(app).get(`${V1}/volumeattachments`).set('Accept', TABLE);
    assert.deepEqual(names(table.body), ['Name', 'Attacher', 'PV', 'Node', 'Attached', 'Age']);
    assert.deepEqual(rowOf(table.body, 'csi-123').cells.slice(0, 5), ['csi-123', 'hostpath.csi.k8s.io', 'pv-1', 'node-1', true]);
    const upd = await request(app).put(`${V1}/volumeattachments/csi-123`).send({ ...st.body, spec: { ...st.body.spec, nodeName: 'node-2' } });
    assert.equal(upd.status, 422);
    assert.match(upd.body.message, /^VolumeAttachment.storage.k8s.io "csi-123" is invalid: spec: Invalid value: .*field is immutable$/);
    const noSource = await request(app).post(`${V1}/volumeattachments`).send({ metadata: { name: 'x' }, spec: { attacher: 'a.csi', nodeName: 'n', source: {} } });
    assert.equal(noSource.status, 422);
    assert.equal(noSource.body.message, 'VolumeAttachment.storage.k8s.io "x" is invalid: spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName');
  });

  it('CSIStorageCapacity: namespaced, CAPACITY or <unset>, storageClassName immutable', async () => {
    const path = `${V1}/namespaces/default/csistoragecapacities`;
    const cap = { apiVersion: 'storage.k8s.io/v1', kind: 'CSIStorageCapacity', metadata: { name: 'cap-1' }, storageClassName: 'standard', capacity: '10Gi' };
    const made = await request(app).post(path).send(cap);
    assert.equal(made.status, 201);
    await request(app).post(path).send({ ...cap, metadata: { name: 'cap-2' }, capacity: undefined }).expect(201);
    const table = await request(app).get(path).set('Accept', TABLE);
    assert.deepEqual(names(table.body), ['Name', 'StorageClassName', 'Capacity', 'Age']);
    assert.deepEqual(rowOf(table.body, 'cap-1').cells.slice(0, 3), ['cap-1', 'standard', '10Gi']);
    assert.deepEqual(rowOf(table.body, 'cap-2').cells.slice(0, 3), ['cap-2', 'standard', '<unset>']);
    const upd = await request(app).put(`${path}/cap-1`).send({ ...made.body, storageClassName: 'fast' });
    assert.equal(upd.status, 422);
    assert.equal(upd.body.message, 'CSIStorageCapacity.storage.k8s.io "cap-1" is invalid: storageClassName: Invalid value: "fast": field is immutable');
    const all = await request(app).get(`${V1}/csistoragecapacities`);
    assert.equal(all.body.items.length, 2);
  });

  it('VolumeAttributesClass: DRIVERNAME column, driverName and parameters fixed once created', async () => {
    const made = await request(app)
      .post(`${V1}/volumeattributesclasses`)
      .send({ apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttributesClass', metadata: { name: 'gold' }, driverName: 'hostpath.csi.k8s.io', parameters: { iops: '1000' } });
    assert.equal(made.status, 201);
    const table = await request(app).get(`${V1}/volumeattributesclasses`).set('Accept', TABLE);
    assert.deepEqual(names(table.body), ['Name', 'DriverName', 'Age']);
    assert.deepEqual(rowOf(table.body, 'gold').cells.slice(0, 2), ['gold', 'hostpath.csi.k8s.io']);
    const upd = await request(app).put(`${V1}/volumeattributesclasses/gold`).send({ ...made.body, driverName: 'other.csi', parameters: { iops: '5000' } });
    assert.equal(upd.status, 422);
    assert.equal(
      upd.body.message,
      'VolumeAttributesClass.storage.k8s.io "gold" is invalid: [driverName: Invalid value: "other.csi": field is immutable, parameters: Forbidden: updates to parameters are forbidden.]',
    );
    const noDriver = await request(app).post(`${V1}/volumeattributesclasses`).send({ metadata: { name: 'x' } });
    assert.equal(noDriver.status, 422);
    assert.equal(noDriver.body.message, 'VolumeAttributesClass.storage.k8s.io "x" is invalid: driverName: Required value');
  });
});
