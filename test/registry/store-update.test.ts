// Updates start from the watch cache's copy and let etcd's compare-and-swap catch a stale one: no
// update is lost under concurrent writers, a resourceVersion the cache has not seen yet is accepted,
// an outdated one still gets 409, and a no-op answers with the current object.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';

let c: TestCluster;
let app: Express;
const CM = '/api/v1/namespaces/default/configmaps';

before(async () => {
  c = await startTestCluster();
  app = c.server.app;
  // Start the configmaps watch cache, so updates below begin from cached copies.
  await request(app).get(`${CM}?resourceVersion=0`).expect(200);
});
after(async () => c?.stop());

async function create(name: string): Promise<Record<string, any>> {
  const res = await request(app).post(CM).send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: {} });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

describe('GenericStore updates from the watch cache', () => {
  it('loses no update when many patches race on one object', async () => {
    await create('race');
    const n = 24;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        request(app)
          .patch(`${CM}/race`)
          .set('Content-Type', 'application/merge-patch+json')
          .send({ data: { [`k${i}`]: String(i) } }),
      ),
    );
    for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
    const final = (await request(app).get(`${CM}/race`)).body;
    assert.equal(Object.keys(final.data).length, n);
    const versions = new Set(results.map((r) => r.body.metadata.resourceVersion));
    assert.equal(versions.size, n, 'every patch wrote its own revision');
  });

  it('accepts, right after a write, an update carrying the revision that write returned', async () => {
    let obj = await create('chain');
    for (let i = 0; i < 30; i++) {
      const res = await request(app)
        .put(`${CM}/chain`)
        .send({ ...obj, data: { step: String(i) } });
      assert.equal(res.status, 200, `step ${i}: ${JSON.stringify(res.body)}`);
      obj = res.body;
    }
    assert.equal((await request(app).get(`${CM}/chain`)).body.data.step, '29');
  });

  it('refuses an outdated resourceVersion with 409, and answers a no-op with the stored object', async () => {
    const first = await create('stale');
    const second = (await request(app).put(`${CM}/stale`).send({ ...first, data: { a: '1' } })).body;
    const res = await request(app).put(`${CM}/stale`).send({ ...first, data: { a: '2' } });
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.reason, 'Conflict');
    const same = await request(app).put(`${CM}/stale`).send(second);
    assert.equal(same.status, 200);
    assert.equal(same.body.metadata.resourceVersion, second.metadata.resourceVersion);
  });

  it('lists from the watch cache show each update, never an earlier serialisation of the object', async () => {
    let obj = await create('listed');
    for (let i = 0; i < 5; i++) {
      obj = (await request(app).put(`${CM}/listed`).send({ ...obj, data: { v: String(i) } })).body;
      const want = obj.metadata.resourceVersion;
      let item: Record<string, any> | undefined;
      for (let tries = 0; tries < 200; tries++) {
        const list = await request(app).get(`${CM}?resourceVersion=0`);
        item = list.body.items.find((x: Record<string, any>) => x.metadata.name === 'listed');
        if (item?.metadata.resourceVersion === want) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(item?.metadata.resourceVersion, want);
      assert.deepEqual(item?.data, { v: String(i) });
      assert.equal(item?.kind, undefined, 'list items carry no TypeMeta');
    }
  });

  it('answers 404 for an update of an object deleted a moment before', async () => {
    const obj = await create('gone');
    await request(app).delete(`${CM}/gone`).expect(200);
    const res = await request(app).put(`${CM}/gone`).send({ ...obj, data: { x: 'y' } });
    assert.equal(res.status, 404, JSON.stringify(res.body));
  });
});
