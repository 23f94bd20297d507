// core/v1 and events.k8s.io/v1 serve one set of Events (stored as core Events), each in its own shape.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';

const CORE = '/api/v1/namespaces/default/events';
const V1 = '/apis/events.k8s.io/v1/namespaces/default/events';

/** Reads watch lines from a live server until `count` events arrived. */
function watchEvents(url: string, count: number): Promise<Array<{ type: string; object: Record<string, unknown> }>> {
  return new Promise((resolve, reject) => {
    const got: Array<{ type: string; object: Record<string, unknown> }> = [];
    const req = http.get(url, (res) => {
      let buf = '';
      res.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          got.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
          if (got.length === count) {
            req.destroy();
            resolve(got);
          }
        }
      });
    });
    req.on('error', (err) => (got.length === count ? undefined : reject(err)));
    setTimeout(() => reject(new Error(`timed out with ${got.length} events`)), 10_000).unref();
  });
}

describe('event views', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => c.stop());

  it('a core event reads as an events.k8s.io event', async () => {
    const created = await request(c.server.app)
      .post(CORE)
      .send({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'web.1' },
        involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', apiVersion: 'v1' },
        reason: 'Scheduled',
        message: 'Successfully assigned default/web to node-1',
        source: { component: 'default-scheduler' },
        firstTimestamp: '2026-01-01T00:00:00Z',
        lastTimestamp: '2026-01-01T00:00:00Z',
        count: 1,
        type: 'Normal',
      });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const res = await request(c.server.app).get(`${V1}/web.1`);
    assert.equal(res.status, 200);
    assert.equal(res.body.apiVersion, 'events.k8s.io/v1');
    assert.deepEqual(res.body.regarding, { kind: 'Pod', namespace: 'default', name: 'web', apiVersion: 'v1' });
    assert.equal(res.body.note, 'Successfully assigned default/web to node-1');
    assert.deepEqual(res.body.deprecatedSource, { component: 'default-scheduler' });
    assert.equal(res.body.deprecatedCount, 1);
    assert.equal(res.body.deprecatedFirstTimestamp, '2026-01-01T00:00:00Z');
    assert.equal(res.body.involvedObject, undefined);
    assert.equal(res.body.message, undefined);
    assert.equal(res.body.metadata.resourceVersion, created.body.metadata.resourceVersion);
    assert.equal(res.body.metadata.uid, created.body.metadata.uid);
  });

  it('an events.k8s.io event reads as a core event, in lists and watches of both APIs', async () => {
    const list = await request(c.server.app).get(CORE);
    const rv = list.body.metadata.resourceVersion as string;
    const coreWatch = watchEvents(`${c.url}${CORE}?watch=true&resourceVersion=${rv}`, 1);
    const v1Watch = watchEvents(`${c.url}${V1}?watch=true&resourceVersion=${rv}`, 1);
    await new Promise((r) => setTimeout(r, 200));
    const created = await request(c.server.app)
      .post(V1)
      .send({
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: 'web.2' },
        eventTime: '2026-01-01T00:00:01.000000Z',
        reportingController: 'kubelet',
        reportingInstance: 'node-1',
        action: 'Pulling',
        reason: 'Pulling',
        type: 'Normal',
        note: 'Pulling image "nginx"',
        regarding: { kind: 'Pod', namespace: 'default', name: 'web', apiVersion: 'v1' },
      });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.note, 'Pulling image "nginx"');

    const core = await request(c.server.app).get(`${CORE}/web.2`);
    assert.equal(core.status, 200);
    assert.equal(core.body.apiVersion, 'v1');
    assert.equal(core.body.message, 'Pulling image "nginx"');
    assert.equal(core.body.reportingComponent, 'kubelet');
    assert.deepEqual(core.body.involvedObject, { kind: 'Pod', namespace: 'default', name: 'web', apiVersion: 'v1' });
    assert.deepEqual(core.body.source, {});
    assert.equal(core.body.firstTimestamp, null);

    const v1List = await request(c.server.app).get(V1);
    assert.deepEqual(
      v1List.body.items.map((e: { metadata: { name: string } }) => e.metadata.name),
      ['web.1', 'web.2'],
    );
    const selected = await request(c.server.app).get(`${CORE}?fieldSelector=reason%3DPulling`);
    assert.deepEqual(selected.body.items.map((e: { metadata: { name: string } }) => e.metadata.name), ['web.2']);

    const [coreEv] = await coreWatch;
    const [v1Ev] = await v1Watch;
    assert.equal(coreEv!.type, 'ADDED');
    assert.equal(coreEv!.object.message, 'Pulling image "nginx"');
    assert.equal(v1Ev!.type, 'ADDED');
    assert.equal(v1Ev!.object.note, 'Pulling image "nginx"');
    assert.equal(v1Ev!.object.apiVersion, 'events.k8s.io/v1');
  });
});
