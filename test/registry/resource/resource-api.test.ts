// resource.k8s.io/v1 (Dynamic Resource Allocation objects) against a real etcd and API server: CRUD,
// defaults, upstream's validation texts, immutability, the ResourceClaim status subresource, field
// selectors and Table columns.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

const G = '/apis/resource.k8s.io/v1';
const NS = `${G}/namespaces/default`;
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

let c: TestCluster;
/** A supertest agent on the cluster's app. */
const api = () => request(c.server.app);

before(async () => {
  c = await startTestCluster();
});
after(async () => c?.stop());

const gpuClass = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'resource.k8s.io/v1',
  kind: 'DeviceClass',
  metadata: { name },
  spec: { selectors: [{ cel: { expression: 'device.driver == "gpu.example.com"' } }], ...extra },
});

const claim = (name: string, requests: unknown[]) => ({
  apiVersion: 'resource.k8s.io/v1',
  kind: 'ResourceClaim',
  metadata: { name },
  spec: { devices: { requests } },
});

const slice = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'resource.k8s.io/v1',
  kind: 'ResourceSlice',
  metadata: { name },
  spec: { driver: 'gpu.example.com', pool: { name: 'pool-a', generation: 1, resourceSliceCount: 1 }, ...spec },
});

describe('discovery', () => {
  it('resource.k8s.io/v1 lists the four DRA resources with their scopes and the claim status', async () => {
    const res = await api().get(G).expect(200);
    const byName = new Map((res.body.resources as { name: string; namespaced: boolean; kind: string }[]).map((r) => [r.name, r]));
    assert.equal(byName.get('deviceclasses')?.namespaced, false);
    assert.equal(byName.get('resourceslices')?.namespaced, false);
    assert.equal(byName.get('resourceclaims')?.namespaced, true);
    assert.equal(byName.get('resourceclaimtemplates')?.kind, 'ResourceClaimTemplate');
    assert.ok(byName.has('resourceclaims/status'));
    const groups = (await api().get('/apis').expect(200)).body.groups as { name: string }[];
    const order = groups.map((g) => g.name);
    assert.equal(order.indexOf('resource.k8s.io'), order.indexOf('discovery.k8s.io') + 1);
    assert.equal(order.indexOf('flowcontrol.apiserver.k8s.io'), order.indexOf('resource.k8s.io') + 1);
  });
});

describe('DeviceClass', () => {
  it('is created with generation 1, keeps the CEL selector as given, bumps generation on spec changes', async () => {
    const created = (await api().post(`${G}/deviceclasses`).send(gpuClass('gpu')).expect(201)).body;
    assert.equal(created.metadata.generation, 1);
    assert.equal(created.spec.selectors[0].cel.expression, 'device.driver == "gpu.example.com"');
    const patched = (
      await api()
        .patch(`${G}/deviceclasses/gpu`)
        .set('Content-Type', 'application/merge-patch+json')
        .send({ spec: { config: [{ opaque: { driver: 'gpu.example.com', parameters: { mode: 'shared' } } }] } })
        .expect(200)
    ).body;
    assert.equal(patched.metadata.generation, 2);
    assert.deepEqual(patched.spec.config[0].opaque.parameters, { mode: 'shared' });
  });

  it('rejects a selector without cel, configuration without opaque, and non-object parameters with upstream texts', async () => {
    const res = await api()
      .post(`${G}/deviceclasses`)
      .send({
        apiVersion: 'resource.k8s.io/v1',
        kind: 'DeviceClass',
        metadata: { name: 'bad' },
        spec: { selectors: [{}], config: [{}, { opaque: { driver: 'Bad_Driver', parameters: [1] } }] },
      })
      .expect(422);
    assert.equal(res.body.reason, 'Invalid');
    const fields = (res.body.details.causes as { field: string }[]).map((x) => x.field);
    assert.deepEqual(fields, ['spec.selectors[0].cel', 'spec.config[0].opaque', 'spec.config[1].opaque.driver', 'spec.config[1].opaque.parameters']);
    assert.match(res.body.message, /^DeviceClass.resource.k8s.io "bad" is invalid: \[spec.selectors\[0\].cel: Required value, spec.config\[0\].opaque: Required value, /);
    assert.match(res.body.message, /spec.config\[1\].opaque.parameters: Invalid value: "<value omitted>": must be a valid JSON object\]$/);
  });

  it('prints Name and Age', async () => {
    const t = (await api().get(`${G}/deviceclasses`).set('Accept', TABLE).expect(200)).body;
    assert.deepEqual(
      t.columnDefinitions.map((d: { name: string }) => d.name),
      ['Name', 'Age'],
    );
    assert.ok(t.rows.some((r: { cells: unknown[] }) => r.cells[0] === 'gpu'));
  });
});

describe('ResourceClaim', () => {
  it('defaults allocationMode and count, starts with an empty status, and is pending in the table', async () => {
    const created = (
      await api()
        .post(`${NS}/resourceclaims`)
        .send(claim('single', [{ name: 'gpu', exactly: { deviceClassName: 'gpu', tolerations: [{ key: 'example.com/flaky' }] } }]))
        .expect(201)
    ).body;
    assert.deepEqual(created.spec.devices.requests[0].exactly, {
      deviceClassName: 'gpu',
      allocationMode: 'ExactCount',
      count: 1,
      tolerations: [{ key: 'example.com/flaky', operator: 'Equal' }],
    });
    assert.deepEqual(created.status, {});
    const t = (await api().get(`${NS}/resourceclaims`).set('Accept', TABLE).expect(200)).body;
    assert.deepEqual(
      t.columnDefinitions.map((d: { name: string }) => d.name),
      ['Name', 'State', 'Age'],
    );
    assert.deepEqual(t.rows[0].cells.slice(0, 2), ['single', 'pending']);
  });

  it('needs exactly one of exactly/firstAvailable and checks allocation mode and count', async () => {
    const res = await api()
      .post(`${NS}/resourceclaims`)
      .send(
        claim('bad', [
          { name: 'none' },
          { name: 'both', exactly: { deviceClassName: 'gpu' }, firstAvailable: [{ name: 'a', deviceClassName: 'gpu' }] },
          { name: 'all', exactly: { deviceClassName: 'gpu', allocationMode: 'All', count: 2 } },
          { name: 'zero', exactly: { deviceClassName: 'gpu', allocationMode: 'Some' } },
          { name: 'all' , firstAvailable: [{ name: 'x', deviceClassName: '' }] },
        ]),
      )
      .expect(422);
    assert.equal(
      res.body.message,
      'ResourceClaim.resource.k8s.io "bad" is invalid: [' +
        'spec.devices.requests[0]: Required value: exactly one of `exactly` or `firstAvailable` is required, ' +
        'spec.devices.requests[1]: Invalid value: null: exactly one of `exactly` or `firstAvailable` is required, but multiple fields are set, ' +
        "spec.devices.requests[2].exactly.count: Invalid value: 2: must not be specified when allocationMode is 'All', " +
        'spec.devices.requests[3].exactly.allocationMode: Unsupported value: "Some": supported values: "All", "ExactCount", ' +
        'spec.devices.requests[4].firstAvailable[0].deviceClassName: Required value, ' +
        'spec.devices.requests[4]: Duplicate value: "all"]',
    );
  });

  it('checks constraint and config request references', async () => {
    const body = claim('refs', [{ name: 'gpu', firstAvailable: [{ name: 'big', deviceClassName: 'gpu' }] }]) as { spec: { devices: Record<string, unknown> } };
    body.spec.devices.constraints = [{ requests: ['gpu/big', 'nope'], matchAttribute: 'gpu.example.com/model' }, { requests: ['gpu'] }];
    body.spec.devices.config = [{ requests: ['gpu/small'], opaque: { driver: 'gpu.example.com', parameters: {} } }];
    const res = await api().post(`${NS}/resourceclaims`).send(body).expect(422);
    const ref = "must be the name of a request in the claim or the name of a request and a subrequest separated by '/'";
    assert.deepEqual(
      (res.body.details.causes as { field: string; message: string }[]).map((x) => `${x.field}: ${x.message}`),
      [
        `spec.devices.constraints[0].requests[1]: Invalid value: "nope": ${ref}`,
        'spec.devices.constraints[1].matchAttribute: Required value',
        `spec.devices.config[0].requests[0]: Invalid value: "gpu/small": ${ref}`,
      ],
    );
  });

  it('has an immutable spec; status is written through /status only, and reservations need an allocation', async () => {
    const url = `${NS}/resourceclaims/single`;
    const cur = (await api().get(url).expect(200)).body;
    const changed = structuredClone(cur);
    changed.spec.devices.requests[0].exactly.count = 2;
    const res = await api().put(url).send(changed).expect(422);
    assert.match(res.body.message, /^ResourceClaim.resource.k8s.io "single" is invalid: spec: Invalid value: .*: field is immutable$/);

    // A status sent to the main resource is dropped.
    const withStatus = { ...cur, status: { allocation: { devices: { results: [] } } } };
    assert.deepEqual((await api().put(url).send(withStatus).expect(200)).body.status, {});

    const reserved = { ...cur, metadata: { ...cur.metadata, resourceVersion: undefined }, status: { reservedFor: [{ resource: 'pods', name: 'p', uid: 'u1' }] } };
    const bad = await api().put(`${url}/status`).send(reserved).expect(422);
    assert.equal(bad.body.details.causes[0].message, 'Forbidden: may not be specified when `allocated` is not set');

    const allocation = { devices: { results: [{ request: 'gpu', driver: 'gpu.example.com', pool: 'pool-a', device: 'gpu-0' }] } };
    const ok = (await api().put(`${url}/status`).send({ ...reserved, status: { allocation, reservedFor: reserved.status.reservedFor } }).expect(200)).body;
    assert.deepEqual(ok.spec, cur.spec);
    const t = (await api().get(url).set('Accept', TABLE).expect(200)).body;
    assert.equal(t.rows[0].cells[1], 'allocated,reserved');

    const moved = { ...ok, status: { ...ok.status, allocation: { devices: { results: [{ ...allocation.devices.results[0], device: 'gpu-1' }] } } } };
    const immutable = await api().put(`${url}/status`).send(moved).expect(422);
    assert.match(immutable.body.message, /status.allocation: Invalid value: .*: field is immutable/);
  });
});

describe('ResourceClaimTemplate', () => {
  it('validates the embedded claim spec and keeps its spec immutable', async () => {
    const tpl = {
      apiVersion: 'resource.k8s.io/v1',
      kind: 'ResourceClaimTemplate',
      metadata: { name: 'gpu-template' },
      spec: { metadata: { labels: { app: 'x' } }, spec: { devices: { requests: [{ name: 'gpu', exactly: { deviceClassName: 'gpu' } }] } } },
    };
    const created = (await api().post(`${NS}/resourceclaimtemplates`).send(tpl).expect(201)).body;
    assert.equal(created.spec.spec.devices.requests[0].exactly.count, 1);
    const bad = await api()
      .post(`${NS}/resourceclaimtemplates`)
      .send({ ...tpl, metadata: { name: 'bad' }, spec: { spec: { devices: { requests: [{ name: 'Bad' }] } } } })
      .expect(422);
    assert.deepEqual(
      (bad.body.details.causes as { field: string }[]).map((x) => x.field),
      ['spec.spec.devices.requests[0].name', 'spec.spec.devices.requests[0]'],
    );
    const patch = await api()
      .patch(`${NS}/resourceclaimtemplates/gpu-template`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { metadata: { labels: { app: 'y' } } } })
      .expect(422);
    assert.match(patch.body.message, /spec: Invalid value: .*: field is immutable$/);
  });
});

describe('ResourceSlice', () => {
  it('needs exactly one node selection field and a valid pool', async () => {
    const none = await api()
      .post(`${G}/resourceslices`)
      .send(slice('bad', { pool: { name: 'Pool_A', resourceSliceCount: 0 } }))
      .expect(422);
    assert.equal(
      none.body.message,
      'ResourceSlice.resource.k8s.io "bad" is invalid: [spec.pool.name: Invalid value: "Pool_A": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\'), ' +
        'spec.pool.resourceSliceCount: Invalid value: 0: must be greater than zero, ' +
        'spec: Required value: exactly one of `nodeName`, `nodeSelector`, `allNodes`, `perDeviceNodeSelection` is required]',
    );
    const two = await api().post(`${G}/resourceslices`).send(slice('bad', { nodeName: 'node-1', allNodes: true })).expect(422);
    assert.equal(
      two.body.details.causes[0].message,
      'Invalid value: "{`nodeName`, `allNodes`}": exactly one of `nodeName`, `nodeSelector`, `allNodes`, `perDeviceNodeSelection` is required, but multiple fields are set',
    );
    const attrs = await api()
      .post(`${G}/resourceslices`)
      .send(slice('bad', { allNodes: true, devices: [{ name: 'd0', attributes: { model: {}, 'gpu.example.com/version': { version: 'v1' } } }, { name: 'd0' }] }))
      .expect(422);
    assert.deepEqual(
      (attrs.body.details.causes as { field: string; message: string }[]).map((x) => `${x.field}: ${x.message}`),
      [
        'spec.devices[0].attributes[model]: Invalid value: "": exactly one value must be specified',
        'spec.devices[0].attributes[gpu.example.com/version].version: Invalid value: "v1": must be a string compatible with semver.org spec 2.0.0',
        'spec.devices[1]: Duplicate value: "d0"',
      ],
    );
  });

  it('serves the spec.nodeName and spec.driver field selectors and upstream columns; driver and node are immutable', async () => {
    await api()
      .post(`${G}/resourceslices`)
      .send(slice('node-1-gpu', { nodeName: 'node-1', devices: [{ name: 'gpu-0', attributes: { model: { string: 'a100' } }, capacity: { memory: { value: '40Gi' } } }] }))
      .expect(201);
    await api()
      .post(`${G}/resourceslices`)
      .send(slice('node-2-nic', { driver: 'nic.example.com', nodeName: 'node-2', pool: { name: 'node-2', resourceSliceCount: 1 } }))
      .expect(201);
    await api().post(`${G}/resourceslices`).send(slice('shared', { allNodes: true })).expect(201);
    const names = async (sel: string) =>
      ((await api().get(`${G}/resourceslices`).query({ fieldSelector: sel }).expect(200)).body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);
    assert.deepEqual(await names('spec.nodeName=node-1'), ['node-1-gpu']);
    assert.deepEqual(await names('spec.driver=gpu.example.com'), ['node-1-gpu', 'shared']);
    const unknown = await api().get(`${G}/resourceslices`).query({ fieldSelector: 'spec.pool=x' }).expect(400);
    assert.match(unknown.body.message, /field label not supported: spec.pool/);

    const t = (await api().get(`${G}/resourceslices`).set('Accept', TABLE).expect(200)).body;
    assert.deepEqual(
      t.columnDefinitions.map((d: { name: string }) => d.name),
      ['Name', 'Node', 'Driver', 'Pool', 'Age'],
    );
    const rows = new Map((t.rows as { cells: unknown[] }[]).map((r) => [r.cells[0], r.cells.slice(1, 4)]));
    assert.deepEqual(rows.get('node-1-gpu'), ['node-1', 'gpu.example.com', 'pool-a']);
    assert.deepEqual(rows.get('shared'), [null, 'gpu.example.com', 'pool-a']);

    const res = await api()
      .patch(`${G}/resourceslices/node-1-gpu`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { driver: 'other.example.com', nodeName: 'node-3' } })
      .expect(422);
    assert.deepEqual(
      (res.body.details.causes as { field: string }[]).map((x) => x.field),
      ['spec.driver', 'spec.nodeName'],
    );
    const bumped = (
      await api()
        .patch(`${G}/resourceslices/node-1-gpu`)
        .set('Content-Type', 'application/merge-patch+json')
        .send({ spec: { pool: { generation: 2 } } })
        .expect(200)
    ).body;
    assert.equal(bumped.metadata.generation, 2);
  });
});
