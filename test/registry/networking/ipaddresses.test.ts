// IPAddresses and ServiceCIDRs over HTTP against a real etcd: the cluster IPs the service allocator
// reserves are the IPAddress objects the API serves (same keys, complete objects, gone with their
// Service), the default ServiceCIDR is Ready, and both kinds validate with upstream's messages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

const IPS = '/apis/networking.k8s.io/v1/ipaddresses';
const CIDRS = '/apis/networking.k8s.io/v1/servicecidrs';
const SVCS = '/api/v1/namespaces/default/services';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

function service(name: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }] } };
}

describe('ipaddresses and servicecidrs (networking.k8s.io/v1)', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
  });
  after(async () => c.stop());

  it('serves the kubernetes Service address and the default ServiceCIDR, Ready', async () => {
    const ip = await request(app).get(`${IPS}/10.96.0.1`);
    assert.equal(ip.status, 200);
    assert.equal(ip.body.kind, 'IPAddress');
    assert.equal(ip.body.apiVersion, 'networking.k8s.io/v1');
    assert.match(ip.body.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.ok(ip.body.metadata.resourceVersion);
    assert.deepEqual(ip.body.spec.parentRef, { group: '', resource: 'services', namespace: 'default', name: 'kubernetes' });
    assert.equal(ip.body.metadata.labels['ipaddress.kubernetes.io/managed-by'], 'ipallocator.k8s.io');

    const cidr = await request(app).get(`${CIDRS}/kubernetes`);
    assert.equal(cidr.status, 200);
    assert.deepEqual(cidr.body.spec.cidrs, ['10.96.0.0/12']);
    const ready = cidr.body.status.conditions.find((x: { type: string }) => x.type === 'Ready');
    assert.equal(ready.status, 'True');
    const table = await request(app).get(CIDRS).set('Accept', TABLE);
    assert.deepEqual(
      table.body.columnDefinitions.map((d: { name: string }) => d.name),
      ['Name', 'CIDRs', 'Age'],
    );
    assert.deepEqual(table.body.rows[0].cells.slice(0, 2), ['kubernetes', '10.96.0.0/12']);
  });

  it('lists one IPAddress per Service cluster IP, unique under concurrent creates, released on delete', async () => {
    const made = await Promise.all(Array.from({ length: 8 }, (_, i) => request(app).post(SVCS).send(service(`svc-${i}`))));
    for (const r of made) assert.equal(r.status, 201);
    const ips = made.map((r) => r.body.spec.clusterIP as string);
    assert.equal(new Set(ips).size, ips.length);
    const listed = await request(app).get(IPS);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.kind, 'IPAddressList');
    const names = new Set(listed.body.items.map((x: { metadata: { name: string } }) => x.metadata.name));
    for (const ip of ips) assert.ok(names.has(ip), `${ip} listed`);

    const table = await request(app).get(`${IPS}/${ips[0]}`).set('Accept', TABLE);
    assert.deepEqual(
      table.body.columnDefinitions.map((d: { name: string }) => d.name),
      ['Name', 'ParentRef'],
    );
    assert.deepEqual(table.body.rows[0].cells, [ips[0], 'services/default/svc-0']);

    await request(app).delete(`${SVCS}/svc-0`).expect(200);
    const gone = await request(app).get(`${IPS}/${ips[0]}`);
    assert.equal(gone.status, 404);
    // Through the watch cache too (kubectl get reads lists with resourceVersion=0 at times).
    const deadline = Date.now() + 10_000;
    let cached: string[] = [ips[0]!];
    while (Date.now() < deadline) {
      const res = await request(app).get(`${IPS}?resourceVersion=0`);
      cached = res.body.items.map((x: { metadata: { name: string } }) => x.metadata.name);
      if (!cached.includes(ips[0]!) && cached.includes(ips[1]!)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(!cached.includes(ips[0]!) && cached.includes(ips[1]!));
    // The address is free again: a Service may ask for it.
    const again = await request(app)
      .post(SVCS)
      .send({ ...service('again'), spec: { clusterIP: ips[0], ports: [{ port: 80 }] } });
    assert.equal(again.status, 201);
  });

  it('validates IPAddresses and ServiceCIDRs with upstream messages', async () => {
    const badIP = await request(app)
      .post(IPS)
      .send({ apiVersion: 'networking.k8s.io/v1', kind: 'IPAddress', metadata: { name: 'not-an-ip' }, spec: { parentRef: { group: '', resource: '' } } });
    assert.equal(badIP.status, 422);
    assert.equal(
      badIP.body.message,
      'IPAddress.networking.k8s.io "not-an-ip" is invalid: [metadata.name: Invalid value: "not-an-ip": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff), spec.parentRef.resource: Required value, spec.parentRef.name: Required value]',
    );
    const badCIDR = await request(app)
      .post(CIDRS)
      .send({ apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name: 'extra' }, spec: { cidrs: ['10.100.0.1/16', '10.200.0.0/16'] } });
    assert.equal(badCIDR.status, 422);
    assert.equal(
      badCIDR.body.message,
      'ServiceCIDR.networking.k8s.io "extra" is invalid: [spec.cidrs[0]: Invalid value: "10.100.0.1/16": must be in canonical form ("10.100.0.0/16"), spec.cidrs: Invalid value: ["10.100.0.1/16","10.200.0.0/16"]: may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64]',
    );
    const made = await request(app)
      .post(CIDRS)
      .send({ apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name: 'extra' }, spec: { cidrs: ['10.100.0.0/16'] } });
    assert.equal(made.status, 201);
    const changed = await request(app)
      .put(`${CIDRS}/extra`)
      .send({ ...made.body, spec: { cidrs: ['10.101.0.0/16'] } });
    assert.equal(changed.status, 422);
    assert.equal(changed.body.message, 'ServiceCIDR.networking.k8s.io "extra" is invalid: spec.cidrs[0]: Invalid value: "10.101.0.0/16": field is immutable');
    const dual = await request(app)
      .put(`${CIDRS}/extra`)
      .send({ ...made.body, spec: { cidrs: ['10.100.0.0/16', 'fd00:10:100::/64'] } });
    assert.equal(dual.status, 200);
  });
});
