// pods/log checks made by the API server before any kubelet is asked: option validation, container
// choice, and pods not on a node yet. Streaming through a node agent is covered in test/kubelet and
// conformance/nodes (kubectl logs).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';

const PODS = '/api/v1/namespaces/default/pods';

describe('pods/log in the API server', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
    const one = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'one' }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };
    const two = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'two' },
      spec: { initContainers: [{ name: 'setup', image: 'busybox' }], containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'nginx' }] },
    };
    for (const p of [one, two]) assert.equal((await request(app).post(PODS).send(p)).status, 201);
  });
  after(async () => c.stop());

  it('is listed in discovery as a get-only subresource of pods', async () => {
    const res = await request(app).get('/api/v1');
    const log = res.body.resources.find((r: { name: string }) => r.name === 'pods/log');
    assert.deepEqual(log, { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
  });

  it('validates the options as PodLogOptions', async () => {
    const cases: [string, string][] = [
      ['tailLines=-1', 'PodLogOptions "one" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0'],
      ['limitBytes=0', 'PodLogOptions "one" is invalid: limitBytes: Invalid value: 0: must be greater than 0'],
      ['sinceSeconds=0', 'PodLogOptions "one" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0'],
      [
        'sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z',
        'PodLogOptions "one" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
      ],
      ['stream=Both', 'PodLogOptions "one" is invalid: stream: Unsupported value: "Both": supported values: "All", "Stderr", "Stdout"'],
    ];
    for (const [query, message] of cases) {
      const res = await request(app).get(`${PODS}/one/log?${query}`);
      assert.equal(res.status, 422, query);
      assert.equal(res.body.message, message);
      assert.equal(res.body.details.kind, 'PodLogOptions');
    }
  });

  it('picks the only container, and asks for a name when there are several', async () => {
    const many = await request(app).get(`${PODS}/two/log`);
    assert.equal(many.status, 400);
    assert.equal(many.body.message, 'a container name must be specified for pod two, choose one of: [setup a b]');
    const wrong = await request(app).get(`${PODS}/two/log?container=c`);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.message, 'container c is not valid for pod two');
    const missing = await request(app).get(`${PODS}/nope/log`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'pods "nope" not found');
  });

  it('answers an empty text body for a pod not bound to a node', async () => {
    for (const path of [`${PODS}/one/log`, `${PODS}/two/log?container=setup`]) {
      const res = await request(app).get(path);
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type']!, /^text\/plain/);
      assert.equal(res.text, '');
    }
  });

  it('refuses other methods', async () => {
    const res = await request(app).delete(`${PODS}/one/log`);
    assert.equal(res.status, 405);
  });
});
