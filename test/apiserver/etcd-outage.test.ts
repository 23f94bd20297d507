// etcd going away and coming back under a running API server (a real etcd process, stopped and
// restarted on the same port and data): requests answer upstream's ServerTimeout Status (500, Retry-After)
// instead of hanging or leaking client-library errors, /readyz turns unready, open watches end and the
// watch cache answers 429 while it re-lists, and once etcd is back every write and watch works again
// without restarting the server; nothing written before the outage is lost.
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { restartableEtcd, type RestartableEtcd } from '../support/etcd.ts';
import { waitFor } from '../support/wait.ts';
import { startApiServer, type ApiServer } from '../../src/apiserver/server.ts';
import { EtcdStorage } from '../../src/storage/etcd/store.ts';

const CMS = '/api/v1/namespaces/default/configmaps';


describe('etcd outage', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wheelhouse-outage-'));
  let etcd: RestartableEtcd;
  let server: ApiServer;
  let storage: EtcdStorage;

  before(async () => {
    etcd = await restartableEtcd(path.join(dir, 'etcd'));
    await etcd.start();
    storage = new EtcdStorage([etcd.url], '/registry');
    server = await startApiServer({ storage, compactionIntervalMs: 0, disabledAdmissionPlugins: ['ServiceAccount'] });
  });
  after(async () => {
    await server.close();
    await storage.close();
    await etcd?.kill();
    rmSync(dir, { recursive: true, force: true });
    // Once seen in CI (not reproduced): the file's process stayed alive after this hook with nothing to
    // do. Should something still hold the event loop, say what it is and end the process rather than
    // hold up the whole run; the results are already reported by then.
    setTimeout(() => {
      console.error(`# etcd-outage: still alive 10 s after cleanup, active resources: ${process.getActiveResourcesInfo().join(', ')}`);
      process.exit(process.exitCode ?? 0);
    }, 10_000).unref();
  });

  it('answers ServerTimeout while etcd is gone and recovers by itself when it is back', async () => {
    const app = server.app;
    await request(app).post(CMS).send({ metadata: { name: 'before' }, data: { a: '1' } }).expect(201);
    // A watch open across the outage: it must end (so its client re-lists), not hang silently.
    const watchEnded = new Promise<boolean>((resolve) => {
      const req = http.get(`${server.url}${CMS}?watch=1&resourceVersion=0`, (res) => {
        res.resume();
        res.on('end', () => resolve(true));
        res.on('error', () => resolve(true));
      });
      req.on('error', () => resolve(true));
      setTimeout(() => {
        req.destroy();
        resolve(false);
      }, 25_000).unref();
    });
    await new Promise((r) => setTimeout(r, 200));
    await etcd.kill();

    const create = await request(app).post(CMS).send({ metadata: { name: 'during' } });
    assert.equal(create.status, 500);
    assert.equal(create.body.reason, 'ServerTimeout');
    assert.equal(create.body.message, 'The create operation against configmaps could not be completed at this time, please try again.');
    assert.deepEqual(create.body.details, { name: 'create', kind: 'configmaps', retryAfterSeconds: 2 });
    assert.equal(create.headers['retry-after'], '2');
    const get = await request(app).get(`${CMS}/before`);
    assert.deepEqual([get.status, get.body.reason, get.body.message], [500, 'ServerTimeout', 'The get operation against configmaps could not be completed at this time, please try again.']);
    const list = await request(app).get(CMS);
    assert.deepEqual([list.status, list.body.message], [500, 'The list operation against configmaps could not be completed at this time, please try again.']);
    await request(app).get('/readyz').expect(500);
    assert.equal(await watchEnded, true, 'the open watch ended when etcd went away');
    // The watch cache lost etcd: it answers 429 until it has listed again, as upstream's cacher does.
    const cached = await request(app).get(`${CMS}?resourceVersion=0`);
    assert.deepEqual([cached.status, cached.body.reason, cached.body.message, cached.headers['retry-after']], [429, 'TooManyRequests', 'storage is (re)initializing', '1']);

    await etcd.start();
    await waitFor('readyz', async () => ((await request(app).get('/readyz')).status === 200 ? true : undefined), 30_000);
    await waitFor('writes accepted', async () => {
      const r = await request(app).post(CMS).send({ metadata: { name: 'after' } });
      return r.status === 201 ? true : undefined;
    }, 30_000);
    const all = await request(app).get(CMS).expect(200);
    assert.deepEqual(all.body.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), ['after', 'before']);
    // The watch cache caught up with etcd again.
    await waitFor('cache current', async () => {
      const r = await request(app).get(`${CMS}?resourceVersion=0`);
      return r.body.items?.length === 2 ? true : undefined;
    }, 30_000);
  });
});
