// Service cluster IPs and node ports are reserved in etcd (IPAddress objects, the node port bitmap):
// unique under concurrency, refused when taken, given back on delete, on failed writes and on type changes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

const SVC = '/api/v1/namespaces/default/services';

function service(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], selector: { app: name }, ...spec } };
}

describe('service address allocation', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
    await c.server.registry.bootstrap('127.0.0.1', 6443);
  });
  after(async () => c.stop());

  const reserved = async (ip: string) => (await c.storage.get(`/registry/ipaddresses/${ip}`)) !== null;

  it('gives concurrent creates distinct cluster IPs, each reserved by an IPAddress object', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => request(app).post(SVC).send(service(`s${i}`))));
    const ips = results.map((r) => {
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.spec.clusterIP as string;
    });
    assert.equal(new Set(ips).size, 20);
    for (const ip of ips) assert.match(ip, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    const ipObj = await c.storage.get(`/registry/ipaddresses/${ips[0]}`);
    assert.deepEqual((ipObj?.spec as { parentRef: unknown }).parentRef, {
      group: '',
      resource: 'services',
      namespace: 'default',
      name: 's0',
    });
    assert.equal(await reserved('10.96.0.1'), true, 'the kubernetes service holds 10.96.0.1');
  });

  it('refuses a taken or out-of-range cluster IP with upstream messages', async () => {
    const taken = await request(app).post(SVC).send(service('dup', { clusterIP: '10.96.0.1' }));
    assert.equal(taken.status, 422);
    assert.equal(
      taken.body.message,
      'Service "dup" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.1"]: failed to allocate IP 10.96.0.1: provided IP is already allocated',
    );
    const outside = await request(app).post(SVC).send(service('far', { clusterIP: '192.168.0.10' }));
    assert.equal(outside.status, 422);
    assert.equal(
      outside.body.message,
      'Service "far" is invalid: spec.clusterIPs: Invalid value: ["192.168.0.10"]: failed to allocate IP 192.168.0.10: the provided IP (192.168.0.10) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    );
  });

  it('releases the IP on delete, and a failed or dry-run create keeps nothing', async () => {
    const created = await request(app).post(SVC).send(service('mine', { clusterIP: '10.96.5.5' }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(await reserved('10.96.5.5'), true);
    // Same name again with another IP: AlreadyExists, and its IP goes back.
    const again = await request(app).post(SVC).send(service('mine', { clusterIP: '10.96.5.6' }));
    assert.equal(again.status, 409);
    assert.equal(await reserved('10.96.5.6'), false);
    const dry = await request(app).post(`${SVC}?dryRun=All`).send(service('dry', { clusterIP: '10.96.5.7' }));
    assert.equal(dry.status, 201);
    assert.equal(dry.body.spec.clusterIP, '10.96.5.7');
    assert.equal(await reserved('10.96.5.7'), false);
    assert.equal((await request(app).delete(`${SVC}/mine`)).status, 200);
    assert.equal(await reserved('10.96.5.5'), false);
    const reuse = await request(app).post(SVC).send(service('reuse', { clusterIP: '10.96.5.5' }));
    assert.equal(reuse.status, 201, JSON.stringify(reuse.body));
  });

  it('allocates node ports, refuses taken ones, and follows type changes', async () => {
    const np = await request(app).post(SVC).send(service('np', { type: 'NodePort', ports: [{ port: 80, name: 'a', nodePort: 30080 }, { port: 81, name: 'b' }] }));
    assert.equal(np.status, 201, JSON.stringify(np.body));
    const second = np.body.spec.ports[1].nodePort as number;
    assert.ok(second >= 30000 && second <= 32767 && second !== 30080, String(second));
    const clash = await request(app)
      .post(SVC)
      .send(service('clash', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    assert.equal(clash.status, 422);
    assert.equal(clash.body.message, 'Service "clash" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    const range = await request(app)
      .post(SVC)
      .send(service('range', { type: 'NodePort', ports: [{ port: 80, nodePort: 40000 }] }));
    assert.equal(range.status, 422);
    assert.equal(
      range.body.message,
      'Service "range" is invalid: spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );

    // ClusterIP -> NodePort allocates; NodePort -> ClusterIP gives the ports back.
    const plain = await request(app).post(SVC).send(service('flip'));
    assert.equal(plain.status, 201);
    const toNP = await request(app)
      .patch(`${SVC}/flip`)
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ spec: { type: 'NodePort' } }));
    assert.equal(toNP.status, 200, JSON.stringify(toNP.body));
    const flipPort = toNP.body.spec.ports[0].nodePort as number;
    assert.ok(flipPort >= 30000 && flipPort <= 32767);
    assert.equal(toNP.body.spec.clusterIP, plain.body.spec.clusterIP);
    const back = await request(app)
      .patch(`${SVC}/flip`)
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ spec: { type: 'ClusterIP' } }));
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(back.body.spec.ports[0].nodePort, undefined);
    const reuse = await request(app)
      .post(SVC)
      .send(service('reuse-port', { type: 'NodePort', ports: [{ port: 80, nodePort: flipPort }] }));
    assert.equal(reuse.status, 201, JSON.stringify(reuse.body));

    // Deleting the NodePort service frees 30080.
    assert.equal((await request(app).delete(`${SVC}/np`)).status, 200);
    const retake = await request(app)
      .post(SVC)
      .send(service('retake', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    assert.equal(retake.status, 201, JSON.stringify(retake.body));
  });

  it('an ExternalName service holds no address, and turning one into ClusterIP allocates one', async () => {
    const ext = await request(app).post(SVC).send({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ext' },
      spec: { type: 'ExternalName', externalName: 'example.com' },
    });
    assert.equal(ext.status, 201, JSON.stringify(ext.body));
    assert.equal(ext.body.spec.clusterIP, undefined);
    const toIP = await request(app)
      .patch(`${SVC}/ext`)
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ spec: { type: 'ClusterIP', externalName: null, ports: [{ port: 80 }] } }));
    assert.equal(toIP.status, 200, JSON.stringify(toIP.body));
    assert.match(toIP.body.spec.clusterIP, /^10\./);
    assert.equal(await reserved(toIP.body.spec.clusterIP), true);
  });
});
