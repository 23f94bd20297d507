// Lists (paging, resourceVersion semantics, selectors) and watches (resume, expiry, transitions, watch-list).
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';

const NS = '/api/v1/namespaces/lw/configmaps';

interface Ev {
  type: string;
  object: { kind: string; metadata: { name?: string; resourceVersion: string; annotations?: Record<string, string> }; [k: string]: unknown };
}

/** Opens a watch and collects events until `done` says so (or a bounded timeout). */
function watchUntil(url: string, done: (evs: Ev[]) => boolean, onOpen?: () => Promise<void>, headers: Record<string, string> = {}): Promise<Ev[]> {
  return new Promise((resolve, reject) => {
    const evs: Ev[] = [];
    let buf = '';
    const req = http.get(url, { headers }, (res) => {
      if (res.statusCode !== 200) {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => reject(new Error(`watch failed ${res.statusCode}: ${body}`)));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          evs.push(JSON.parse(buf.slice(0, nl)) as Ev);
          buf = buf.slice(nl + 1);
        }
        if (done(evs)) {
          clearTimeout(timer);
          req.destroy();
          resolve(evs);
        }
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve(evs);
      });
      if (onOpen) onOpen().catch(reject);
    });
    req.on('error', (e) => {
      if (!req.destroyed) reject(e);
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve(evs);
    }, 10_000);
  });
}

describe('apiserver list and watch', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster({ cacheCapacity: 50 });
    app = c.server.app;
    await request(app).post('/api/v1/namespaces').send({ metadata: { name: 'lw' } });
    for (let i = 0; i < 7; i++) {
      await request(app)
        .post(NS)
        .send({ metadata: { name: `item-${i}`, labels: { tier: i % 2 ? 'odd' : 'even', idx: String(i) } } });
    }
  });
  after(async () => c.stop());

  it('pages with limit and continue at one snapshot, with remainingItemCount', async () => {
    const p1 = await request(app).get(`${NS}?limit=3`);
    assert.equal(p1.body.kind, 'ConfigMapList');
    assert.equal(p1.body.apiVersion, 'v1');
    assert.equal(p1.body.items.length, 3);
    assert.equal(p1.body.items[0].kind, undefined);
    assert.equal(p1.body.metadata.remainingItemCount, 4);
    const token = p1.body.metadata.continue as string;
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString());
    assert.equal(decoded.v, 'meta.k8s.io/v1');
    assert.equal(String(decoded.rv), p1.body.metadata.resourceVersion);
    await request(app).post(NS).send({ metadata: { name: 'item-9-late' } });
    const p2 = await request(app).get(`${NS}?limit=3&continue=${token}`);
    assert.equal(p2.body.metadata.resourceVersion, p1.body.metadata.resourceVersion);
    const p3 = await request(app).get(`${NS}?limit=3&continue=${p2.body.metadata.continue}`);
    const names = [...p1.body.items, ...p2.body.items, ...p3.body.items].map((i: { metadata: { name: string } }) => i.metadata.name);
    assert.deepEqual(names, ['item-0', 'item-1', 'item-2', 'item-3', 'item-4', 'item-5', 'item-6']);
    assert.equal(p3.body.metadata.continue, undefined);
    await request(app).delete(`${NS}/item-9-late`);
  });

  it('rejects malformed continue tokens and rv with continue', async () => {
    const bad = await request(app).get(`${NS}?limit=1&continue=${Buffer.from('{"v":"meta.k8s.io/v1","rv":0,"start":"x"}').toString('base64url')}`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /^continue key is not valid: incorrect encoded start resourceVersion/);
    const p1 = await request(app).get(`${NS}?limit=1`);
    const both = await request(app).get(`${NS}?limit=1&resourceVersion=5&continue=${p1.body.metadata.continue}`);
    assert.equal(both.status, 400);
  });

  it('filters by label and field selectors, and rejects unknown fields', async () => {
    const odd = await request(app).get(`${NS}?labelSelector=tier%3Dodd`);
    assert.deepEqual(odd.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['item-1', 'item-3', 'item-5']);
    const inSel = await request(app).get(`${NS}?labelSelector=${encodeURIComponent('idx in (0,6),tier!=odd')}`);
    assert.deepEqual(inSel.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['item-0', 'item-6']);
    const byName = await request(app).get(`${NS}?fieldSelector=metadata.name%3Ditem-2`);
    assert.deepEqual(byName.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['item-2']);
    const paged = await request(app).get(`${NS}?labelSelector=tier%3Deven&limit=2`);
    assert.equal(paged.body.items.length, 2);
    assert.ok(paged.body.metadata.continue);
    assert.equal(paged.body.metadata.remainingItemCount, undefined);
    const badField = await request(app).get(`${NS}?fieldSelector=spec.nope%3Dx`);
    assert.equal(badField.status, 400);
    assert.equal(badField.body.message, `"spec.nope" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    const badLabel = await request(app).get(`${NS}?labelSelector=${encodeURIComponent('a in (')}`);
    assert.equal(badLabel.status, 400);
  });

  it('lists across namespaces and from the watch cache with resourceVersion=0', async () => {
    const all = await request(app).get('/api/v1/configmaps');
    assert.ok(all.body.items.some((i: { metadata: { namespace: string } }) => i.metadata.namespace === 'lw'));
    const cached = await request(app).get(`${NS}?resourceVersion=0&limit=2`);
    assert.equal(cached.body.items.length, 7);
  });

  it('validates ListOptions with the upstream 422', async () => {
    const res = await request(app).get(`${NS}?resourceVersionMatch=Exact`);
    assert.equal(res.status, 422);
    assert.equal(
      res.body.message,
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    );
    const ex0 = await request(app).get(`${NS}?resourceVersion=0&resourceVersionMatch=Exact`);
    assert.equal(ex0.status, 422);
  });

  it('serves Exact lists at an old revision and 410 after compaction, 504 when too new', async () => {
    const before = await request(app).get(NS);
    const rv = before.body.metadata.resourceVersion;
    await request(app).post(NS).send({ metadata: { name: 'after-snapshot' } });
    const exact = await request(app).get(`${NS}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    assert.equal(exact.status, 200);
    assert.ok(!exact.body.items.some((i: { metadata: { name: string } }) => i.metadata.name === 'after-snapshot'));
    assert.equal(exact.body.metadata.resourceVersion, rv);
    const tooNew = await request(app).get(`${NS}/item-0?resourceVersion=99999999`);
    assert.equal(tooNew.status, 504);
    assert.match(tooNew.body.message, /^Timeout: Too large resource version: 99999999, current: \d+$/);
    await c.storage.compact(await c.storage.currentRevision());
    const gone = await request(app).get(`${NS}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    assert.equal(gone.status, 410);
    assert.equal(gone.body.reason, 'Expired');
    assert.equal(gone.body.message, 'The resourceVersion for the provided list is too old.');
    await request(app).delete(`${NS}/after-snapshot`);
  });

  it('resumes a watch from a resourceVersion without losing or repeating events', async () => {
    const start = (await request(app).get(NS)).body.metadata.resourceVersion;
    const first = await watchUntil(`${c.url}${NS}?watch=true&resourceVersion=${start}`, (e) => e.length >= 2, async () => {
      await request(app).post(NS).send({ metadata: { name: 'w1' } });
      await request(app).post(NS).send({ metadata: { name: 'w2' } });
    });
    assert.deepEqual(first.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'w1'], ['ADDED', 'w2']]);
    assert.equal(first[0]!.object.kind, 'ConfigMap');
    const last = first[1]!.object.metadata.resourceVersion;
    await request(app).patch(`${NS}/w1`).set('Content-Type', 'application/merge-patch+json').send('{"data":{"a":"b"}}');
    await request(app).delete(`${NS}/w2`);
    const second = await watchUntil(`${c.url}${NS}?watch=1&resourceVersion=${last}`, (e) => e.length >= 2);
    assert.deepEqual(second.map((e) => [e.type, e.object.metadata.name]), [['MODIFIED', 'w1'], ['DELETED', 'w2']]);
    assert.ok(Number(second[0]!.object.metadata.resourceVersion) < Number(second[1]!.object.metadata.resourceVersion));
  });

  it('sends initial ADDED events without a resourceVersion', async () => {
    const evs = await watchUntil(`${c.url}${NS}?watch=true&labelSelector=tier%3Dodd`, (e) => e.length >= 3);
    assert.deepEqual(evs.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'item-1'], ['ADDED', 'item-3'], ['ADDED', 'item-5']]);
  });

  it('reports selector transitions as ADDED and DELETED', async () => {
    const rv = (await request(app).get(NS)).body.metadata.resourceVersion;
    const evs = await watchUntil(`${c.url}${NS}?watch=true&resourceVersion=${rv}&labelSelector=tier%3Dodd`, (e) => e.length >= 2, async () => {
      await request(app).patch(`${NS}/item-0`).set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"labels":{"tier":"odd"}}}');
      await request(app).patch(`${NS}/item-0`).set('Content-Type', 'application/merge-patch+json').send('{"metadata":{"labels":{"tier":"even"}}}');
    });
    assert.deepEqual(evs.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'item-0'], ['DELETED', 'item-0']]);
  });

  it('streams initial events and the initial-events-end bookmark for watch-list', async () => {
    const evs = await watchUntil(
      `${c.url}${NS}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&labelSelector=tier%3Dodd`,
      (e) => e.some((x) => x.type === 'BOOKMARK'),
    );
    assert.deepEqual(evs.slice(0, 3).map((e) => e.type), ['ADDED', 'ADDED', 'ADDED']);
    const bm = evs[3]!;
    assert.equal(bm.type, 'BOOKMARK');
    assert.equal(bm.object.kind, 'ConfigMap');
    assert.deepEqual(bm.object.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
    const empty = await watchUntil(
      `${c.url}${NS}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&resourceVersion=0&labelSelector=none%3Dx`,
      (e) => e.length >= 1,
    );
    assert.equal(empty[0]!.type, 'BOOKMARK');
    const invalid = await request(app).get(`${NS}?watch=true&sendInitialEvents=true`);
    assert.equal(invalid.status, 422);
    assert.match(invalid.body.message, /sendInitialEvents requires setting resourceVersionMatch to NotOlderThan/);
  });

  it('ends a watch from a revision older than the window with a 410 ERROR event', async () => {
    const old = (await request(app).get(NS)).body.metadata.resourceVersion;
    for (let i = 0; i < 60; i++) await request(app).patch(`${NS}/item-1`).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify({ data: { i: String(i) } }));
    const evs = await watchUntil(`${c.url}${NS}?watch=true&resourceVersion=${old}`, (e) => e.length >= 1);
    assert.equal(evs.length, 1);
    assert.equal(evs[0]!.type, 'ERROR');
    assert.equal(evs[0]!.object.kind, 'Status');
    assert.equal(evs[0]!.object.code, 410);
    assert.equal(evs[0]!.object.reason, 'Expired');
    assert.match(String(evs[0]!.object.message), /^too old resource version: \d+ \(\d+\)$/);
  });

  it('ends a watch after timeoutSeconds', async () => {
    const evs = await watchUntil(`${c.url}${NS}?watch=true&resourceVersion=0&timeoutSeconds=1&labelSelector=none%3Dx`, () => false);
    assert.deepEqual(evs, []);
  });

  it('streams Table rows on a Table watch, with column definitions only first', async () => {
    const rv = (await request(app).get(NS)).body.metadata.resourceVersion;
    const evs = await watchUntil(
      `${c.url}${NS}?watch=true&resourceVersion=${rv}`,
      (e) => e.length >= 2,
      async () => {
        await request(app).post(NS).send({ metadata: { name: 't1' }, data: { a: '1', b: '2' } });
        await request(app).post(NS).send({ metadata: { name: 't2' } });
      },
      { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    );
    assert.equal(evs[0]!.object.kind, 'Table');
    assert.ok(Array.isArray(evs[0]!.object.columnDefinitions));
    assert.equal(evs[1]!.object.columnDefinitions, undefined);
    const rows = evs[0]!.object.rows as { cells: unknown[]; object: { kind: string } }[];
    assert.equal(rows[0]!.cells[0], 't1');
    assert.equal(rows[0]!.object.kind, 'PartialObjectMetadata');
  });
});
