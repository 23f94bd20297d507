// /metrics of a real API server on a real etcd: request counts and latencies with upstream's metric
// names and labels (LIST, WATCH, POST, APPLY…), registered watchers while a watch is open, etcd
// request latencies by operation and resource, and stored object counts.
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import request from 'supertest';
import { testClusterForSuite } from '../../support/cluster.ts';

/** The value of one sample of the Prometheus text, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const m = /^[^{]+\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const got = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[2]);
  }
  return undefined;
}

const CM = { group: '', version: 'v1', resource: 'configmaps', component: 'apiserver', dry_run: '', subresource: '' };

describe('/metrics', () => {
  const t = testClusterForSuite();

  const metrics = async () => {
    const res = await request(t.app).get('/metrics').expect(200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    return res.text;
  };

  it('counts requests by upstream verb, scope and code, and times them', async () => {
    for (const name of ['m1', 'm2']) {
      await request(t.app).post('/api/v1/namespaces/default/configmaps').send({ metadata: { name }, data: { a: '1' } }).expect(201);
    }
    await request(t.app).post('/api/v1/namespaces/default/configmaps').send({ metadata: { name: 'm1' } }).expect(409);
    await request(t.app).get('/api/v1/namespaces/default/configmaps').expect(200);
    await request(t.app).get('/api/v1/configmaps').expect(200);
    await request(t.app).get('/api/v1/namespaces/default/configmaps/m1').expect(200);
    await request(t.app)
      .patch('/api/v1/namespaces/default/configmaps/m2?fieldManager=test')
      .set('Content-Type', 'application/apply-patch+yaml')
      .send('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"m2"},"data":{"b":"2"}}')
      .expect(200);
    // An unsupported patch type is answered 415 and still counted (as PATCH).
    await request(t.app).patch('/api/v1/namespaces/default/configmaps/m1').set('Content-Type', 'application/x-nonsense').send('{}').expect(415);
    const text = await metrics();
    assert.equal(sample(text, 'apiserver_request_total', { ...CM, verb: 'PATCH', scope: 'resource', code: '415' }), 1);
    assert.equal(sample(text, 'apiserver_request_total', { ...CM, verb: 'POST', scope: 'resource', code: '201' }), undefined, 'a create is not resource-scoped');
    assert.equal(sample(text, 'apiserver_request_total', { ...CM, verb: 'POST', scope: 'namespace', code: '201' }), 2);
    assert.equal(sample(text, 'apiserver_request_total', { ...CM, verb: 'POST', scope: 'namespace', code: '409' }), 1);
    assert.equal(sample(text, 'apiserver_request_total', { ...CM, verb: 'LIST', scope: 'namespace', code: '200' }), 1);
    assert.equal(sample(text, 'apiserver_request_total', { ...CM, verb: 'LIST', scope: 'cluster', code: '200' }), 1);
    assert.equal(sample(text, 'apiserver_request_total', { ...CM, verb: 'GET', scope: 'resource', code: '200' }), 1);
    assert.equal(sample(text, 'apiserver_request_total', { ...CM, verb: 'APPLY', scope: 'resource', code: '200' }), 1);
    assert.equal(sample(text, 'apiserver_request_duration_seconds_count', { ...CM, verb: 'POST', scope: 'namespace' }), 3);
    assert.ok((sample(text, 'etcd_request_duration_seconds_count', { operation: 'create', type: 'configmaps' }) ?? 0) >= 2);
    assert.equal(sample(text, 'apiserver_storage_objects', { resource: 'configmaps' }), 2);
    assert.ok((sample(text, 'apiserver_storage_objects', { resource: 'namespaces' }) ?? 0) >= 4, 'bootstrap namespaces are counted');
  });

  it('tracks open watches as long-running requests and registered watchers', async () => {
    const server = http.createServer(t.app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const req = http.get(`http://127.0.0.1:${port}/api/v1/namespaces/default/configmaps?watch=1`);
    const res = await new Promise<http.IncomingMessage>((r) => req.on('response', r));
    assert.equal(res.statusCode, 200);
    const open = await metrics();
    assert.equal(sample(open, 'apiserver_registered_watchers', { group: '', version: 'v1', kind: 'ConfigMap' }), 1);
    assert.equal(sample(open, 'apiserver_longrunning_requests', { ...CM, verb: 'WATCH', scope: 'namespace' }), 1);
    req.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const closed = await metrics();
    assert.equal(sample(closed, 'apiserver_registered_watchers', { group: '', version: 'v1', kind: 'ConfigMap' }), 0);
    assert.equal(sample(closed, 'apiserver_request_total', { ...CM, verb: 'WATCH', scope: 'namespace', code: '200' }), 1);
    await new Promise<void>((r) => server.close(() => r()));
  });
});
