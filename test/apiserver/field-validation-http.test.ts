// Values of the wrong JSON type over HTTP: creates and updates answer 400 as upstream's decoder does,
// patches 422 as its patch handler does, whatever fieldValidation says; nothing is stored.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';

const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';
const PODS = '/api/v1/namespaces/default/pods';
const SECRETS = '/api/v1/namespaces/default/secrets';
const CM = '/api/v1/namespaces/default/configmaps';

function deployment(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      ...spec,
    },
  };
}

const REPLICAS_STRING = 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32';

describe('typed decoding of request bodies', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
  });
  after(async () => c.stop());

  const badRequest = (res: request.Response, message: string) => {
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'BadRequest', code: 400 });
  };

  it('refuses a create with a value of the wrong type, whatever fieldValidation says, and stores nothing', async () => {
    for (const fv of ['', '?fieldValidation=Ignore', '?fieldValidation=Warn', '?fieldValidation=Strict']) {
      const res = await request(app).post(`${DEPLOY}${fv}`).send(deployment('bad', { replicas: '3' }));
      badRequest(res, `Deployment in version "v1" cannot be handled as a Deployment: ${REPLICAS_STRING}`);
      assert.equal(res.headers['warning'], undefined);
    }
    assert.equal((await request(app).get(`${DEPLOY}/bad`)).status, 404);
  });

  it('words nested, list, map, quantity, time and byte errors as upstream does', async () => {
    const pod = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', ...metadata },
      spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
    });
    const pods: [Record<string, unknown>, string][] = [
      [pod({ containers: {} }), 'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container'],
      [
        pod({ containers: [{ name: 'c', image: 'nginx', env: [{ name: 'A', value: true }] }] }),
        'json: cannot unmarshal bool into Go struct field EnvVar.spec.containers.env.value of type string',
      ],
      [pod({}, { labels: { app: 1 } }), 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
      [pod({ nodeSelector: ['x'] }), 'json: cannot unmarshal array into Go struct field PodSpec.spec.nodeSelector of type map[string]string'],
      [
        pod({ containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: 'lots' } } }] }),
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      ],
      [
        pod({ containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80.5 }] }] }),
        'json: cannot unmarshal number 80.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
      ],
      [
        pod({ containers: [{ name: 'c', image: 'nginx', livenessProbe: { httpGet: { port: true } } }] }),
        'json: cannot unmarshal bool into Go struct field HTTPGetAction.spec.containers.livenessProbe.httpGet.port of type int32',
      ],
      [pod({}, { creationTimestamp: 'today' }), 'parsing time "today" as "2006-01-02T15:04:05Z07:00": cannot parse "today" as "2006"'],
    ];
    for (const [body, err] of pods) {
      badRequest(await request(app).post(PODS).send(body), `Pod in version "v1" cannot be handled as a Pod: ${err}`);
    }
    badRequest(
      await request(app).post(SECRETS).send({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'not base64' } }),
      'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3',
    );
    assert.equal((await request(app).get(`${PODS}/p`)).status, 404);
    assert.equal((await request(app).get(`${SECRETS}/s`)).status, 404);
  });

  it('reads number literals as written, and YAML bodies too', async () => {
    const text = JSON.stringify(deployment('lit')).replace('"replicas":1', '"replicas":1.0');
    badRequest(
      await request(app).post(DEPLOY).set('Content-Type', 'application/json').send(text),
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 1.0 into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n  labels:\n    n: 5\n';
    badRequest(
      await request(app).post(CM).set('Content-Type', 'application/yaml').send(yaml),
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
    );
  });

  it('a type error trumps strict-decoding errors; a kind it cannot read is "unrecognized"', async () => {
    const res = await request(app)
      .post(`${DEPLOY}?fieldValidation=Strict`)
      .send(deployment('both', { replicas: '3', bogus: 1 }));
    badRequest(res, `Deployment in version "v1" cannot be handled as a Deployment: ${REPLICAS_STRING}`);
    const kind = await request(app).post(CM).set('Content-Type', 'application/json').send('{"kind":5,"apiVersion":"v1","metadata":{"name":"k"}}');
    badRequest(
      kind,
      'the object provided is unrecognized (must be of type ConfigMap): couldn\'t get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string ({"kind":5,"apiVersion":"v1","m ...)',
    );
  });

  it('still creates valid bodies and warns about unknown fields', async () => {
    const ok = await request(app)
      .post(DEPLOY)
      .send(deployment('good', { replicas: 2, strategy: { rollingUpdate: { maxSurge: '50%', maxUnavailable: 0 } }, bogus: 1 }));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.headers['warning'], '299 - "unknown field \\"spec.bogus\\""');
    assert.equal(ok.body.spec.replicas, 2);
    assert.equal(ok.body.spec.bogus, undefined);
    const secret = await request(app)
      .post(SECRETS)
      .send({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ok' }, data: { a: 'aGk=' }, stringData: { b: 'x' } });
    assert.equal(secret.status, 201, JSON.stringify(secret.body));
  });

  it('refuses an update with a value of the wrong type and keeps the stored object', async () => {
    const cur = (await request(app).get(`${DEPLOY}/good`)).body;
    const res = await request(app)
      .put(`${DEPLOY}/good`)
      .send({ ...cur, spec: { ...cur.spec, replicas: '3' } });
    badRequest(res, `Deployment in version "v1" cannot be handled as a Deployment: ${REPLICAS_STRING}`);
    const after = (await request(app).get(`${DEPLOY}/good`)).body;
    assert.equal(after.metadata.resourceVersion, cur.metadata.resourceVersion);
    assert.equal(after.spec.replicas, 2);
    const ok = await request(app)
      .put(`${DEPLOY}/good`)
      .send({ ...cur, spec: { ...cur.spec, replicas: 3 } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  describe('patches', () => {
    const invalidPatch = (res: request.Response, detail: string, shown?: string) => {
      assert.equal(res.status, 422, JSON.stringify(res.body));
      assert.equal(res.body.reason, 'Invalid');
      assert.equal(res.body.code, 422);
      const causes = res.body.details.causes as { reason: string; message: string; field: string }[];
      assert.equal(causes.length, 1);
      assert.equal(causes[0]!.reason, 'FieldValueInvalid');
      assert.equal(causes[0]!.field, 'patch');
      assert.ok(causes[0]!.message.endsWith(`: ${detail}`), causes[0]!.message);
      assert.ok(res.body.message.startsWith(' "" is invalid: patch: Invalid value: '), res.body.message);
      assert.ok(res.body.message.endsWith(`: ${detail}`), res.body.message);
      if (shown !== undefined) assert.equal(res.body.message, ` "" is invalid: patch: Invalid value: ${JSON.stringify(shown)}: ${detail}`);
    };
    const patch = (type: string, body: string, query = '') =>
      request(app).patch(`${DEPLOY}/good${query}`).set('Content-Type', `application/${type}`).send(body);

    it('a merge patch result is decoded as JSON: 422 with the patched object, whatever fieldValidation says', async () => {
      const before = (await request(app).get(`${DEPLOY}/good`)).body;
      for (const q of ['', '?fieldValidation=Ignore', '?fieldValidation=Strict']) {
        invalidPatch(await patch('merge-patch+json', '{"spec":{"replicas":"3"}}', q), REPLICAS_STRING);
      }
      invalidPatch(
        await patch('merge-patch+json', '{"spec":{"replicas":2.0}}'),
        'json: cannot unmarshal number 2.0 into Go struct field DeploymentSpec.spec.replicas of type int32',
      );
      invalidPatch(await patch('json-patch+json', '[{"op":"replace","path":"/spec/replicas","value":"3"}]'), REPLICAS_STRING);
      const after = (await request(app).get(`${DEPLOY}/good`)).body;
      assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
      assert.equal(after.spec.replicas, 3);
    });

    it('a strategic merge patch result goes through the unstructured converter, and the patch is shown', async () => {
      invalidPatch(await patch('strategic-merge-patch+json', '{"spec":{"replicas":"3"}}'), 'unrecognized type: int32', 'map[spec:map[replicas:3]]');
      invalidPatch(await patch('strategic-merge-patch+json', '{"spec":{"replicas":1.5}}'), 'cannot convert float64 to int32', 'map[spec:map[replicas:1.5]]');
      invalidPatch(
        await patch('strategic-merge-patch+json', '{"spec":{"template":{"spec":{"containers":[{"name":"c","env":[{"name":"A","value":5}]}]}}}}'),
        'cannot convert int64 to string',
      );
    });

    it('valid patches still apply, with Warning headers for unknown fields', async () => {
      const merge = await patch('merge-patch+json', '{"spec":{"replicas":4,"nope":1}}');
      assert.equal(merge.status, 200, JSON.stringify(merge.body));
      assert.equal(merge.body.spec.replicas, 4);
      assert.equal(merge.headers['warning'], '299 - "unknown field \\"spec.nope\\""');
      const smp = await patch('strategic-merge-patch+json', '{"spec":{"replicas":5,"strategy":{"rollingUpdate":{"maxSurge":2}}}}');
      assert.equal(smp.status, 200, JSON.stringify(smp.body));
      assert.equal(smp.body.spec.replicas, 5);
      assert.equal(smp.body.spec.strategy.rollingUpdate.maxSurge, 2);
      const scale = await request(app)
        .patch(`${DEPLOY}/good/scale`)
        .set('Content-Type', 'application/merge-patch+json')
        .send('{"spec":{"replicas":"6"}}');
      invalidPatch(scale, 'json: cannot unmarshal string into Go struct field ScaleSpec.spec.replicas of type int32');
      const put = await request(app)
        .put(`${DEPLOY}/good/scale`)
        .send({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'good' }, spec: { replicas: '6' } });
      badRequest(put, 'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal string into Go struct field ScaleSpec.spec.replicas of type int32');
      const ok = await request(app)
        .put(`${DEPLOY}/good/scale`)
        .send({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'good' }, spec: { replicas: 6 } });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.spec.replicas, 6);
    });
  });
});
