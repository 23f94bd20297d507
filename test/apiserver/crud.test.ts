// The HTTP layer against a real etcd: status bodies, metadata rules, status/spec split, dryRun, deletion.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';

const CM = '/api/v1/namespaces/default/configmaps';
const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';

function deployment(name: string, replicas = 1): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  };
}

describe('apiserver CRUD', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
  });
  after(async () => c.stop());

  it('creates with server-set metadata', async () => {
    const res = await request(app).post(CM).send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', uid: 'mine' }, data: { k: 'v' } });
    assert.equal(res.status, 201);
    const m = res.body.metadata;
    assert.match(m.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.notEqual(m.uid, 'mine');
    assert.match(m.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(m.resourceVersion, /^\d+$/);
    assert.equal(m.namespace, 'default');
    assert.equal(m.generation, undefined);
    assert.equal(res.headers['content-type'], 'application/json');
  });

  it('answers NotFound with the upstream Status body', async () => {
    const res = await request(app).get(`${CM}/missing`);
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "missing" not found',
      reason: 'NotFound',
      details: { name: 'missing', kind: 'configmaps' },
      code: 404,
    });
    const apps = await request(app).get(`${DEPLOY}/missing`);
    assert.equal(apps.body.message, 'deployments.apps "missing" not found');
    assert.deepEqual(apps.body.details, { name: 'missing', group: 'apps', kind: 'deployments' });
  });

  it('answers AlreadyExists on a taken name', async () => {
    const res = await request(app).post(CM).send({ metadata: { name: 'a' } });
    assert.equal(res.status, 409);
    assert.equal(res.body.reason, 'AlreadyExists');
    assert.equal(res.body.message, 'configmaps "a" already exists');
  });

  it('answers Conflict on a stale resourceVersion and accepts the current one', async () => {
    const cur = (await request(app).get(`${CM}/a`)).body;
    const ok = await request(app).put(`${CM}/a`).send({ ...cur, data: { k: 'v2' } });
    assert.equal(ok.status, 200);
    assert.ok(Number(ok.body.metadata.resourceVersion) > Number(cur.metadata.resourceVersion));
    const stale = await request(app).put(`${CM}/a`).send({ ...cur, data: { k: 'v3' } });
    assert.equal(stale.status, 409);
    assert.deepEqual(stale.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict',
      details: { name: 'a', kind: 'configmaps' },
      code: 409,
    });
    const unchanged = await request(app).get(`${CM}/a`);
    assert.deepEqual(unchanged.body.data, { k: 'v2' });
  });

  it('answers Invalid with causes for a bad name', async () => {
    const res = await request(app).post(CM).send({ metadata: { name: 'Bad_Name' } });
    assert.equal(res.status, 422);
    assert.equal(res.body.reason, 'Invalid');
    assert.equal(
      res.body.message,
      `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
    assert.equal(res.body.details.kind, 'ConfigMap');
    assert.equal(res.body.details.causes[0].field, 'metadata.name');
    assert.equal(res.body.details.causes[0].reason, 'FieldValueInvalid');
    const missing = await request(app).post(CM).send({ metadata: {} });
    assert.equal(missing.status, 422);
    assert.match(missing.body.message, /metadata.name: Required value: name or generateName is required/);
  });

  it('rejects a namespace that differs from the URL, and creates in missing namespaces fail', async () => {
    const res = await request(app).post(CM).send({ metadata: { name: 'x', namespace: 'other' } });
    assert.equal(res.status, 400);
    assert.equal(res.body.message, 'the namespace of the provided object does not match the namespace sent on the request');
    const nons = await request(app).post('/api/v1/namespaces/nope/configmaps').send({ metadata: { name: 'x' } });
    assert.equal(nons.status, 404);
    assert.equal(nons.body.message, 'namespaces "nope" not found');
  });

  it('generates names from generateName', async () => {
    const res = await request(app).post(CM).send({ metadata: { generateName: 'gen-' } });
    assert.equal(res.status, 201);
    assert.match(res.body.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('creates nothing on dryRun=All', async () => {
    const res = await request(app).post(`${CM}?dryRun=All`).send({ metadata: { name: 'dry' } });
    assert.equal(res.status, 201);
    assert.equal(res.body.metadata.name, 'dry');
    assert.equal((await request(app).get(`${CM}/dry`)).status, 404);
    const del = await request(app).delete(`${CM}/a?dryRun=All`);
    assert.equal(del.status, 200);
    assert.equal((await request(app).get(`${CM}/a`)).status, 200);
  });

  it('bumps generation on spec changes only, ignores status on the main resource and spec on /status', async () => {
    const created = await request(app).post(DEPLOY).send({ ...deployment('web'), status: { replicas: 9 } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.metadata.generation, 1);
    assert.deepEqual(created.body.status, {});
    const labelled = await request(app)
      .put(`${DEPLOY}/web`)
      .send({ ...created.body, metadata: { ...created.body.metadata, labels: { x: 'y' } } });
    assert.equal(labelled.body.metadata.generation, 1);
    const scaled = await request(app)
      .put(`${DEPLOY}/web`)
      .send({ ...labelled.body, spec: { ...labelled.body.spec, replicas: 3 }, status: { replicas: 5 } });
    assert.equal(scaled.body.metadata.generation, 2);
    assert.deepEqual(scaled.body.status, {});
    const status = await request(app)
      .put(`${DEPLOY}/web/status`)
      .send({ ...scaled.body, spec: { ...scaled.body.spec, replicas: 7 }, status: { replicas: 3, observedGeneration: 2 } });
    assert.equal(status.status, 200);
    assert.equal(status.body.spec.replicas, 3);
    assert.equal(status.body.status.replicas, 3);
    assert.equal(status.body.metadata.generation, 2);
  });

  it('keeps podIP and podIPs in step and the QoS class on pod /status writes', async () => {
    const PODS = '/api/v1/namespaces/default/pods';
    const created = await request(app)
      .post(PODS)
      .send({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ips' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.status.qosClass, 'BestEffort');
    const res = await request(app)
      .patch(`${PODS}/ips/status`)
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ status: { qosClass: null, podIPs: [{ ip: '10.244.1.5' }], hostIP: '10.0.0.1' } }));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status.podIP, '10.244.1.5');
    assert.deepEqual(res.body.status.hostIPs, [{ ip: '10.0.0.1' }]);
    assert.equal(res.body.status.qosClass, 'BestEffort');
  });

  it('serves and updates the scale subresource', async () => {
    const scale = await request(app).get(`${DEPLOY}/web/scale`);
    assert.equal(scale.status, 200);
    assert.equal(scale.body.kind, 'Scale');
    assert.equal(scale.body.apiVersion, 'autoscaling/v1');
    assert.equal(scale.body.spec.replicas, 3);
    assert.equal(scale.body.status.selector, 'app=web');
    const patched = await request(app)
      .patch(`${DEPLOY}/web/scale`)
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ spec: { replicas: 5 } }));
    assert.equal(patched.status, 200);
    assert.equal((await request(app).get(`${DEPLOY}/web`)).body.spec.replicas, 5);
  });

  it('applies JSON and merge patches', async () => {
    const merge = await request(app)
      .patch(`${CM}/a`)
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ metadata: { labels: { team: 'x' } }, data: { k: null, n: '1' } }));
    assert.equal(merge.status, 200);
    assert.deepEqual(merge.body.data, { n: '1' });
    assert.equal(merge.body.metadata.labels.team, 'x');
    const json = await request(app)
      .patch(`${CM}/a`)
      .set('Content-Type', 'application/json-patch+json')
      .send(JSON.stringify([{ op: 'add', path: '/data/m', value: '2' }]));
    assert.deepEqual(json.body.data, { n: '1', m: '2' });
    const missing = await request(app).patch(`${CM}/nope`).set('Content-Type', 'application/merge-patch+json').send('{}');
    assert.equal(missing.status, 404);
  });

  it('keeps objects with finalizers until the last finalizer goes', async () => {
    await request(app).post(CM).send({ metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
    const del = await request(app).delete(`${CM}/fin`);
    assert.equal(del.status, 200);
    assert.equal(del.body.kind, 'ConfigMap');
    assert.match(del.body.metadata.deletionTimestamp, /Z$/);
    const still = await request(app).get(`${CM}/fin`);
    assert.equal(still.status, 200);
    const adding = await request(app)
      .put(`${CM}/fin`)
      .send({ ...still.body, metadata: { ...still.body.metadata, finalizers: ['example.com/hold', 'example.com/new'] } });
    assert.equal(adding.status, 422);
    const cleared = await request(app).put(`${CM}/fin`).send({ ...still.body, metadata: { ...still.body.metadata, finalizers: [] } });
    assert.equal(cleared.status, 200);
    assert.equal((await request(app).get(`${CM}/fin`)).status, 404);
  });

  it('answers a plain delete with a Success Status and honours preconditions', async () => {
    const made = await request(app).post(CM).send({ metadata: { name: 'gone' } });
    const bad = await request(app).delete(`${CM}/gone`).send({ preconditions: { uid: 'wrong' } });
    assert.equal(bad.status, 409);
    assert.equal(bad.body.message, `Operation cannot be fulfilled on configmaps "gone": Precondition failed: UID in precondition: wrong, UID in object meta: ${made.body.metadata.uid}`);
    const res = await request(app).delete(`${CM}/gone`).send({ propagationPolicy: 'Background' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'gone', kind: 'configmaps', uid: made.body.metadata.uid },
    });
  });

  it('deletes pods gracefully when they are on a node, at once otherwise', async () => {
    const PODS = '/api/v1/namespaces/default/pods';
    const pod = (name: string, nodeName?: string) => ({
      metadata: { name },
      spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'nginx' }] },
    });
    await request(app).post(PODS).send(pod('unscheduled'));
    const gone = await request(app).delete(`${PODS}/unscheduled`);
    assert.equal(gone.status, 200);
    assert.equal(gone.body.kind, 'Pod');
    assert.equal((await request(app).get(`${PODS}/unscheduled`)).status, 404);

    await request(app).post(PODS).send(pod('placed', 'node-1'));
    const marked = await request(app).delete(`${PODS}/placed`);
    assert.equal(marked.status, 200);
    assert.equal(marked.body.metadata.deletionGracePeriodSeconds, 30);
    assert.ok(Date.parse(marked.body.metadata.deletionTimestamp) > Date.now());
    const still = await request(app).get(`${PODS}/placed`);
    assert.equal(still.status, 200);
    const table = await request(app).get(`${PODS}/placed`).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io');
    assert.equal(table.body.rows[0].cells[2], 'Terminating');
    // The node agent reports status while the grace period runs: the pod must stay until it is deleted.
    const reported = await request(app)
      .patch(`${PODS}/placed/status`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ status: { phase: 'Running', observedGeneration: 2 } });
    assert.equal(reported.status, 200);
    assert.equal((await request(app).get(`${PODS}/placed`)).body.status.phase, 'Running');
    const forced = await request(app).delete(`${PODS}/placed`).send({ gracePeriodSeconds: 0 });
    assert.equal(forced.status, 200);
    assert.equal((await request(app).get(`${PODS}/placed`)).status, 404);
  });

  it('binds a pod to a node once', async () => {
    const PODS = '/api/v1/namespaces/default/pods';
    await request(app).post(PODS).send({ metadata: { name: 'tobind' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const bind = await request(app)
      .post(`${PODS}/tobind/binding`)
      .send({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'tobind' }, target: { kind: 'Node', name: 'node-a' } });
    assert.equal(bind.status, 201);
    const got = await request(app).get(`${PODS}/tobind`);
    assert.equal(got.body.spec.nodeName, 'node-a');
    assert.ok(got.body.status.conditions.some((c: { type: string; status: string }) => c.type === 'PodScheduled' && c.status === 'True'));
    const again = await request(app)
      .post(`${PODS}/tobind/binding`)
      .send({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'tobind' }, target: { kind: 'Node', name: 'node-b' } });
    assert.equal(again.status, 409);
    assert.equal(again.body.message, 'Operation cannot be fulfilled on pods "tobind": pod tobind is already assigned to node "node-a"');
  });

  it('deletes collections by selector', async () => {
    for (const n of ['dc1', 'dc2', 'dc3']) await request(app).post(CM).send({ metadata: { name: n, labels: { dc: n === 'dc3' ? 'keep' : 'go' } } });
    const res = await request(app).delete(`${CM}?labelSelector=dc%3Dgo`);
    assert.equal(res.status, 200);
    assert.equal(res.body.kind, 'ConfigMapList');
    assert.deepEqual(res.body.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), ['dc1', 'dc2']);
    const left = await request(app).get(`${CM}?labelSelector=dc`);
    assert.deepEqual(left.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['dc3']);
  });

  it('accepts YAML and answers YAML', async () => {
    const res = await request(app)
      .post(CM)
      .set('Content-Type', 'application/yaml')
      .set('Accept', 'application/yaml')
      .send('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yml\ndata:\n  a: "1"\n');
    assert.equal(res.status, 201);
    assert.equal(res.headers['content-type'], 'application/yaml');
    assert.match(res.text, /name: yml/);
  });

  it('answers 415 and 406 for media types it does not speak', async () => {
    const res = await request(app).post(CM).set('Content-Type', 'text/plain').send('x');
    assert.equal(res.status, 415);
    assert.equal(res.body.reason, 'UnsupportedMediaType');
    const na = await request(app).get(`${CM}/a`).set('Accept', 'text/html');
    assert.equal(na.status, 406);
    assert.equal(na.body.reason, 'NotAcceptable');
  });

  it('answers unknown paths with the fixed NotFound Status', async () => {
    const res = await request(app).get('/api/v1/nothings');
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      details: {},
      code: 404,
    });
  });

  it('starts with the default namespaces and the kubernetes service', async () => {
    const ns = await request(app).get('/api/v1/namespaces');
    assert.deepEqual(
      ns.body.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['default', 'kube-node-lease', 'kube-public', 'kube-system'],
    );
    const svc = await request(app).get('/api/v1/namespaces/default/services/kubernetes');
    assert.equal(svc.body.spec.clusterIP, '10.96.0.1');
    assert.equal(svc.body.spec.ports[0].port, 443);
  });

  it('reads query parameters as the parameter codec does: first value, Go-style booleans', async () => {
    for (const name of ['q1', 'q2', 'q3']) await request(app).post(CM).send({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
    const first = await request(app).get(`${CM}?limit=1&limit=5`);
    assert.equal(first.body.items.length, 1);
    // Booleans: anything but 0/f/false/n/no (any case) counts as true.
    const watched = await request(app).get(`${CM}?watch=Yes&timeoutSeconds=1&fieldSelector=metadata.name=q1`).buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => done(null, text));
    });
    assert.match(String(watched.body), /^\{"type":"ADDED","object":\{"apiVersion":"v1","kind":"ConfigMap","metadata":\{"name":"q1"/);
    const listed = await request(app).get(`${CM}?watch=FALSE&fieldSelector=metadata.name=q1`);
    assert.equal(listed.body.kind, 'ConfigMapList');
  });
});
