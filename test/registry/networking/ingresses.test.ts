// Ingresses and IngressClasses over HTTP against a real etcd: upstream's validation messages (pathType,
// backends, hosts, TLS, class names), generation and the status split, the Tables kubectl prints, and
// the DefaultIngressClass admission giving class-less Ingresses the newest default class.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

const ING = '/apis/networking.k8s.io/v1/namespaces/default/ingresses';
const IC = '/apis/networking.k8s.io/v1/ingressclasses';
const DEFAULT_ANN = 'ingressclass.kubernetes.io/is-default-class';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

type Json = Record<string, unknown>;

const backend = (name = 'web', port: Json = { number: 80 }): Json => ({ service: { name, port } });

function ingress(name: string, spec: Json, metadata: Json = {}): Json {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, ...metadata }, spec };
}

function rule(host: string, paths: Json[]): Json {
  return { ...(host ? { host } : {}), http: { paths } };
}

function ingressClass(name: string, spec: Json = { controller: 'example.com/ingress' }, metadata: Json = {}): Json {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name, ...metadata }, spec };
}

describe('ingresses and ingressclasses (networking.k8s.io/v1)', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
  });
  after(async () => c.stop());

  it('refuses invalid Ingresses with upstream messages', async () => {
    const empty = await request(app).post(ING).send(ingress('empty', {}));
    assert.equal(empty.status, 422);
    assert.equal(empty.body.message, 'Ingress.networking.k8s.io "empty" is invalid: spec: Invalid value: null: either `defaultBackend` or `rules` must be specified');

    const bad = await request(app)
      .post(ING)
      .send(
        ingress('bad', {
          ingressClassName: 'Bad_Class',
          rules: [
            rule('10.0.0.1', [{ path: '/a', backend: backend() }]),
            rule('*.example.com', [{ path: 'rel', pathType: 'Prefix', backend: backend('web', { name: 'http', number: 80 }) }]),
            rule('', [{ path: '/x//y', pathType: 'Exact', backend: { ...backend(), resource: { kind: 'Bucket', name: 'b' } } }]),
            rule('', [{ path: '/', pathType: 'Regex', backend: {} }]),
          ],
          tls: [{ hosts: ['*.*.example.com'], secretName: 'Not_A_Secret' }],
        }),
      );
    assert.equal(bad.status, 422);
    assert.deepEqual(
      bad.body.details.causes.map((x: { field: string; message: string }) => `${x.field}: ${x.message}`),
      [
        'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
        'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
        'spec.rules[1].http.paths[0].path: Invalid value: "rel": must be an absolute path',
        'spec.rules[1].http.paths[0].backend: Invalid value: "": cannot set both port name & port number',
        'spec.rules[2].http.paths[0].path: Invalid value: "/x//y": must not contain \'//\'',
        'spec.rules[2].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends',
        'spec.rules[3].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
        'spec.rules[3].http.paths[0].backend: Invalid value: "": resource or service backend is required',
        "spec.tls[0].hosts[0]: Invalid value: \"*.*.example.com\": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        "spec.tls[0].secretName: Invalid value: \"Not_A_Secret\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        "spec.ingressClassName: Invalid value: \"Bad_Class\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    );

    const mismatch = await request(app)
      .post(ING)
      .send(ingress('mismatch', { ingressClassName: 'a', defaultBackend: backend() }, { annotations: { 'kubernetes.io/ingress.class': 'b' } }));
    assert.equal(mismatch.status, 422);
    assert.equal(
      mismatch.body.message,
      'Ingress.networking.k8s.io "mismatch" is invalid: annotations.kubernetes.io/ingress.class: Invalid value: "b": must match `ingressClassName` when both are specified',
    );
    const svcName = await request(app).post(ING).send(ingress('svc', { defaultBackend: backend('1web', {}) }));
    assert.equal(
      svcName.body.message,
      "Ingress.networking.k8s.io \"svc\" is invalid: [spec.defaultBackend.service.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?'), spec.defaultBackend: Required value: port name or number is required]",
    );
  });

  it('prints NAME CLASS HOSTS ADDRESS PORTS AGE, splits status from spec and bumps generation on spec changes', async () => {
    const made = await request(app)
      .post(ING)
      .send(
        ingress('site', {
          ingressClassName: 'nginx',
          rules: ['a.example.com', 'b.example.com', 'c.example.com', 'd.example.com', 'e.example.com'].map((h) =>
            rule(h, [{ path: '/', pathType: 'Prefix', backend: backend() }]),
          ),
          tls: [{ hosts: ['a.example.com'], secretName: 'tls' }],
        }),
      );
    assert.equal(made.status, 201);
    assert.equal(made.body.metadata.generation, 1);
    assert.deepEqual(made.body.status, { loadBalancer: {} });

    // The main resource cannot write status; /status can, and only status.
    const cur = made.body;
    const withStatus = await request(app)
      .put(`${ING}/site`)
      .send({ ...cur, status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } });
    assert.equal(withStatus.status, 200);
    assert.deepEqual(withStatus.body.status, { loadBalancer: {} });
    assert.equal(withStatus.body.metadata.generation, 1);
    const status = await request(app)
      .put(`${ING}/site/status`)
      .send({ ...withStatus.body, spec: { defaultBackend: backend('ignored') }, status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }, { hostname: 'lb-1234567890.example.com' }] } } });
    assert.equal(status.status, 200);
    assert.equal(status.body.spec.ingressClassName, 'nginx');
    assert.equal(status.body.status.loadBalancer.ingress.length, 2);
    const badStatus = await request(app)
      .put(`${ING}/site/status`)
      .send({ ...status.body, status: { loadBalancer: { ingress: [{ hostname: '10.1.1.1' }] } } });
    assert.equal(badStatus.status, 422);
    assert.equal(
      badStatus.body.message,
      'Ingress.networking.k8s.io "site" is invalid: status.loadBalancer.ingress[0].hostname: Invalid value: "10.1.1.1": must be a DNS name, not an IP address',
    );
    const bumped = await request(app)
      .put(`${ING}/site`)
      .send({ ...status.body, spec: { ...status.body.spec, tls: [] } });
    assert.equal(bumped.body.metadata.generation, 2);

    const table = await request(app).get(ING).set('Accept', TABLE);
    assert.deepEqual(
      table.body.columnDefinitions.map((d: { name: string }) => d.name),
      ['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age'],
    );
    const row = table.body.rows.find((r: { object: { metadata: { name: string } } }) => r.object.metadata.name === 'site');
    assert.deepEqual(row.cells.slice(0, 5), ['site', 'nginx', 'a.example.com,b.example.com,c.example.com + 2 more...', '192.0.2.10,lb...', '80']);
  });

  it('validates IngressClasses, defaults parameters.scope and keeps the controller immutable', async () => {
    const bad = await request(app)
      .post(IC)
      .send(ingressClass('bad', { controller: 'no-slash', parameters: { kind: 'Params', name: 'p', scope: 'Namespace' } }));
    assert.equal(bad.status, 422);
    assert.equal(
      bad.body.message,
      'IngressClass.networking.k8s.io "bad" is invalid: [spec.controller: Invalid value: "no-slash": must be a domain-prefixed path (such as "acme.io/foo"), spec.parameters.namespace: Required value: `parameters.scope` is set to \'Namespace\']',
    );
    const made = await request(app)
      .post(IC)
      .send(ingressClass('params', { controller: 'example.com/ingress', parameters: { apiGroup: 'k8s.example.com', kind: 'Params', name: 'p' } }));
    assert.equal(made.status, 201);
    assert.equal(made.body.spec.parameters.scope, 'Cluster');
    const changed = await request(app)
      .put(`${IC}/params`)
      .send({ ...made.body, spec: { ...made.body.spec, controller: 'example.com/other' } });
    assert.equal(changed.status, 422);
    assert.equal(changed.body.message, 'IngressClass.networking.k8s.io "params" is invalid: spec.controller: Invalid value: "example.com/other": field is immutable');
    const table = await request(app).get(IC).set('Accept', TABLE);
    assert.deepEqual(
      table.body.columnDefinitions.map((d: { name: string }) => d.name),
      ['Name', 'Controller', 'Parameters', 'Age'],
    );
    const row = table.body.rows.find((r: { object: { metadata: { name: string } } }) => r.object.metadata.name === 'params');
    assert.deepEqual(row.cells.slice(0, 3), ['params', 'example.com/ingress', 'Params.k8s.example.com/p']);
  });

  it('gives a class-less Ingress the newest default IngressClass (DefaultIngressClass admission)', async () => {
    const spec = { defaultBackend: backend() };
    const none = await request(app).post(ING).send(ingress('before-default', spec));
    assert.equal(none.status, 201);
    assert.equal(none.body.spec.ingressClassName, undefined);

    await request(app).post(IC).send(ingressClass('first', undefined, { annotations: { [DEFAULT_ANN]: 'true' } })).expect(201);
    // Creation timestamps have second granularity: the second default must be strictly newer.
    await new Promise((r) => setTimeout(r, 1100));
    await request(app).post(IC).send(ingressClass('second', undefined, { annotations: { [DEFAULT_ANN]: 'true' } })).expect(201);
    const deadline = Date.now() + 10_000;
    let got: unknown;
    for (let i = 0; Date.now() < deadline; i++) {
      const res = await request(app).post(ING).send(ingress(`gets-default-${i}`, spec));
      got = res.body.spec.ingressClassName;
      if (got === 'second') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(got, 'second');
    // A class named by field (even empty) or by the legacy annotation is left alone.
    const named = await request(app).post(ING).send(ingress('named', { ...spec, ingressClassName: 'first' }));
    assert.equal(named.body.spec.ingressClassName, 'first');
    const annotated = await request(app)
      .post(ING)
      .send(ingress('annotated', spec, { annotations: { 'kubernetes.io/ingress.class': 'legacy' } }));
    assert.equal(annotated.status, 201);
    assert.equal(annotated.body.spec.ingressClassName, undefined);
    // Only creates are defaulted: an update that drops the class keeps it dropped.
    const cur = (await request(app).get(`${ING}/named`)).body;
    delete cur.spec.ingressClassName;
    const updated = await request(app).put(`${ING}/named`).send(cur);
    assert.equal(updated.status, 200);
    assert.equal(updated.body.spec.ingressClassName, undefined);
  });
});
