// admissionregistration.k8s.io/v1 over HTTP against a real etcd: webhook configurations with upstream's
// defaults, validation messages and table; ValidatingAdmissionPolicy (+status) and its binding stored,
// validated and printed. Nothing here calls a webhook or evaluates CEL: Wheelhouse stores them only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

const V1 = '/apis/admissionregistration.k8s.io/v1';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

type Row = { cells: unknown[]; object: { metadata: { name: string } } };
const rowOf = (body: { rows: Row[] }, name: string) => body.rows.find((r) => r.object.metadata.name === name)!;
const names = (body: { columnDefinitions: { name: string }[] }) => body.columnDefinitions.map((d) => d.name);

function webhook(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    clientConfig: { service: { namespace: 'default', name: 'hooks' } },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    ...extra,
  };
}

describe('admissionregistration.k8s.io/v1', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
  });
  after(async () => c.stop());

  it('is discovered as upstream lists it', async () => {
    const res = await request(app).get(V1);
    assert.equal(res.status, 200);
    const byName = new Map((res.body.resources as { name: string; namespaced: boolean; categories?: string[] }[]).map((r) => [r.name, r]));
    for (const r of ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicies/status', 'validatingadmissionpolicybindings']) {
      assert.ok(byName.has(r), r);
    }
    assert.equal(byName.get('validatingwebhookconfigurations')!.namespaced, false);
    assert.deepEqual(byName.get('mutatingwebhookconfigurations')!.categories, ['api-extensions']);
  });

  it('MutatingWebhookConfiguration: defaults each webhook, prints NAME WEBHOOKS AGE', async () => {
    const made = await request(app)
      .post(`${V1}/mutatingwebhookconfigurations`)
      .send({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'm' }, webhooks: [webhook('a.example.com'), webhook('b.example.com')] });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const w = made.body.webhooks[0];
    assert.equal(w.failurePolicy, 'Fail');
    assert.equal(w.matchPolicy, 'Equivalent');
    assert.equal(w.timeoutSeconds, 10);
    assert.equal(w.reinvocationPolicy, 'Never');
    assert.deepEqual(w.namespaceSelector, {});
    assert.deepEqual(w.objectSelector, {});
    assert.equal(w.rules[0].scope, '*');
    assert.equal(w.clientConfig.service.port, 443);
    const table = await request(app).get(`${V1}/mutatingwebhookconfigurations`).set('Accept', TABLE);
    assert.deepEqual(names(table.body), ['Name', 'Webhooks', 'Age']);
    assert.deepEqual(rowOf(table.body, 'm').cells.slice(0, 2), ['m', 2]);
  });

  it('ValidatingWebhookConfiguration: refuses what upstream refuses, with its messages', async () => {
    const bad = await request(app)
      .post(`${V1}/validatingwebhookconfigurations`)
      .send({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'v' },
        webhooks: [
          {
            name: 'short.io',
            clientConfig: { url: 'http://hooks.example.com/check' },
            rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
            timeoutSeconds: 31,
          },
        ],
      });
    assert.equal(bad.status, 422);
    assert.equal(
      bad.body.message,
      'ValidatingWebhookConfiguration.admissionregistration.k8s.io "v" is invalid: [' +
        'webhooks[0].name: Invalid value: "short.io": should be a domain with at least three segments separated by dots, ' +
        'webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun, ' +
        'webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds, ' +
        'webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1, ' +
        `webhooks[0].clientConfig.url: Invalid value: "http://hooks.example.com/check": 'https' is the only allowed URL scheme]`,
    );
    const dup = await request(app)
      .post(`${V1}/validatingwebhookconfigurations`)
      .send({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'v' }, webhooks: [webhook('a.example.com'), webhook('a.example.com', { clientConfig: {} })] });
    assert.equal(dup.status, 422);
    assert.match(dup.body.message, /webhooks\[1\]\.clientConfig: Required value: exactly one of url or service is required/);
    assert.match(dup.body.message, /webhooks\[1\]\.name: Duplicate value: "a\.example\.com"/);
    const good = await request(app)
      .post(`${V1}/validatingwebhookconfigurations`)
      .send({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'v' }, webhooks: [webhook('a.example.com')] });
    assert.equal(good.status, 201);
    assert.equal(good.body.webhooks[0].reinvocationPolicy, undefined, 'validating webhooks have no reinvocation policy');
  });

  it('ValidatingAdmissionPolicy: defaults, status split, NAME VALIDATIONS PARAMKIND AGE', async () => {
    const missing = await request(app)
      .post(`${V1}/validatingadmissionpolicies`)
      .send({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'p' }, spec: {} });
    assert.equal(missing.status, 422);
    assert.equal(
      missing.body.message,
      'ValidatingAdmissionPolicy.admissionregistration.k8s.io "p" is invalid: [spec.matchConstraints: Required value, spec.validations: Required value: validations or auditAnnotations must contain at least one item]',
    );
    const made = await request(app)
      .post(`${V1}/validatingadmissionpolicies`)
      .send({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: 'p' },
        spec: {
          paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
          matchConstraints: { resourceRules: [{ operations: ['CREATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] }] },
          validations: [{ expression: 'object.spec.replicas <= 5' }],
        },
        status: { observedGeneration: 7 },
      });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.spec.failurePolicy, 'Fail');
    assert.equal(made.body.spec.matchConstraints.matchPolicy, 'Equivalent');
    assert.deepEqual(made.body.spec.matchConstraints.namespaceSelector, {});
    assert.equal(made.body.spec.matchConstraints.resourceRules[0].scope, '*');
    assert.equal(made.body.metadata.generation, 1);
    const status = await request(app)
      .put(`${V1}/validatingadmissionpolicies/p/status`)
      .send({ ...made.body, spec: { ...made.body.spec, validations: [] }, status: { observedGeneration: 1, typeChecking: {} } });
    assert.equal(status.status, 200, JSON.stringify(status.body));
    assert.equal(status.body.status.observedGeneration, 1);
    assert.equal(status.body.spec.validations.length, 1, 'a status write leaves the spec alone');
    const table = await request(app).get(`${V1}/validatingadmissionpolicies`).set('Accept', TABLE);
    assert.deepEqual(names(table.body), ['Name', 'Validations', 'ParamKind', 'Age']);
    assert.deepEqual(rowOf(table.body, 'p').cells.slice(0, 3), ['p', 1, 'v1/ConfigMap']);
  });

  it('ValidatingAdmissionPolicyBinding: validation actions and param refs as upstream checks and prints them', async () => {
    const bad = await request(app)
      .post(`${V1}/validatingadmissionpolicybindings`)
      .send({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'b' }, spec: { validationActions: ['Deny', 'Warn'] } });
    assert.equal(bad.status, 422);
    assert.equal(
      bad.body.message,
      'ValidatingAdmissionPolicyBinding.admissionregistration.k8s.io "b" is invalid: [spec.policyName: Required value, spec.validationActions: Invalid value: ["Deny","Warn"]: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)]',
    );
    const made = await request(app)
      .post(`${V1}/validatingadmissionpolicybindings`)
      .send({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: 'b' },
        spec: { policyName: 'p', validationActions: ['Deny'], paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' }, matchResources: {} },
      });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.spec.matchResources.matchPolicy, 'Equivalent');
    const table = await request(app).get(`${V1}/validatingadmissionpolicybindings`).set('Accept', TABLE);
    assert.deepEqual(names(table.body), ['Name', 'PolicyName', 'ParamRef', 'Age']);
    assert.deepEqual(rowOf(table.body, 'b').cells.slice(0, 3), ['b', 'p', '*/limits']);
  });
});
