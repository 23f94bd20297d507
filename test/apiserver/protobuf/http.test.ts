// Protobuf request bodies through the HTTP layer, as kubectl's typed commands send them
// (Content-Type: application/vnd.kubernetes.protobuf; Accept: protobuf first, then JSON).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

const PB = 'application/vnd.kubernetes.protobuf';
const ACCEPT = 'application/vnd.kubernetes.protobuf,application/json';
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/kubectl-v1.32.json', import.meta.url), 'utf8')) as {
  vectors: Record<string, { hex: string; expected?: Record<string, any> }>;
};
const body = (name: string) => Buffer.from(fixtures.vectors[name]!.hex, 'hex');

describe('apiserver: protobuf request bodies', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
  });
  after(async () => {
    await c?.stop();
  });

  const post = (path: string, buf: Buffer) => request(app).post(path).set('Content-Type', PB).set('Accept', ACCEPT).send(buf);

  it('creates a ConfigMap from kubectl create configmap and answers JSON', async () => {
    const res = await post('/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create&fieldValidation=Strict', body('configmap'));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.match(res.headers['content-type'] ?? '', /application\/json/);
    const exp = fixtures.vectors.configmap!.expected!;
    assert.equal(res.body.metadata.name, 'cm1');
    assert.deepEqual(res.body.data, exp.data);
    assert.deepEqual(res.body.binaryData, exp.binaryData);
    const got = await request(app).get('/api/v1/namespaces/default/configmaps/cm1');
    assert.deepEqual(got.body.data, exp.data);
    assert.deepEqual(got.body.binaryData, exp.binaryData);
  });

  it('creates Secrets, Namespaces, ServiceAccounts, Services, Deployments, Jobs and CronJobs', async () => {
    const cases: [string, string, (b: any) => void][] = [
      ['secret', '/api/v1/namespaces/default/secrets', (b) => assert.deepEqual(b.data, { x: 'eQ==', z: '' })],
      ['namespace', '/api/v1/namespaces', (b) => assert.equal(b.metadata.name, 'ns1')],
      ['serviceaccount', '/api/v1/namespaces/default/serviceaccounts', (b) => assert.equal(b.metadata.name, 'sa1')],
      [
        'service',
        '/api/v1/namespaces/default/services',
        (b) =>
          assert.deepEqual(
            b.spec.ports.map((p: any) => [p.name, p.port, p.targetPort]),
            [
              ['80-8080', 80, 8080],
              ['443-https', 443, 'https'],
            ],
          ),
      ],
      ['deployment', '/apis/apps/v1/namespaces/default/deployments', (b) => assert.equal(b.spec.replicas, 2)],
      ['deployment0', '/apis/apps/v1/namespaces/default/deployments', (b) => assert.equal(b.spec.replicas, 0)],
      ['job', '/apis/batch/v1/namespaces/default/jobs', (b) => assert.deepEqual(b.spec.template.spec.containers[0].command, ['sh', '-c', 'echo hi'])],
      ['cronjob', '/apis/batch/v1/namespaces/default/cronjobs', (b) => assert.equal(b.spec.schedule, '*/1 * * * *')],
    ];
    for (const [name, path, check] of cases) {
      const res = await post(path, body(name));
      assert.equal(res.status, 201, `${name}: ${JSON.stringify(res.body)}`);
      check(res.body);
    }
  });

  it('answers 415 for a kind without a protobuf schema and 400 for malformed bytes', async () => {
    // kubectl's Role body with its kind renamed ("Role" → "Nope"): a kind no schema describes.
    const role = await post('/api/v1/namespaces/default/configmaps', Buffer.from(fixtures.vectors.role!.hex.replace('1204526f6c65', '12044e6f7065'), 'hex'));
    assert.equal(role.status, 415);
    assert.equal(role.body.reason, 'UnsupportedMediaType');
    assert.match(role.body.message, /application\/vnd\.kubernetes\.protobuf/);
    const bad = await post('/api/v1/namespaces/default/configmaps', Buffer.from('k8s\0\x0a\x7f', 'binary'));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.reason, 'BadRequest');
  });

  it('still answers 415 for media types it does not decode', async () => {
    const res = await request(app).post('/api/v1/namespaces/default/configmaps').set('Content-Type', 'application/cbor').send(Buffer.from('x'));
    assert.equal(res.status, 415);
    assert.match(res.body.message, /application\/json, application\/yaml, application\/vnd\.kubernetes\.protobuf/);
  });
});
