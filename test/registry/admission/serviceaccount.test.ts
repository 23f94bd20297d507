// ServiceAccount admission over HTTP against a real etcd and API server, with no service account
// controller: the test creates the accounts itself. A pod gets `default`, must name an account that
// exists (upstream's 403 texts), inherits the account's image pull secrets, and a mirror pod may not
// name one; with the plugin disabled (as test clusters run) pods are admitted without accounts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { Registry } from '../../../src/registry/registry.ts';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

type Obj = Record<string, any>;

let c: TestCluster;
let app: Express;
let plain: TestCluster;

before(async () => {
  c = await startTestCluster({ disabledAdmissionPlugins: [] });
  app = c.server.app;
  plain = await startTestCluster();
});
after(async () => {
  await c?.stop();
  await plain?.stop();
});

async function namespace(target: Express, name: string): Promise<void> {
  const res = await request(target).post('/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

async function account(ns: string, name: string, extra: Obj = {}): Promise<void> {
  const res = await request(app).post(`/api/v1/namespaces/${ns}/serviceaccounts`).send({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name }, ...extra });
  assert.equal(res.status, 201, JSON.stringify(res.body));
}

function pod(name: string, spec: Obj = {}, metadata: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...metadata }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } };
}

describe('ServiceAccount admission', () => {
  it('refuses a pod while its namespace has no default account, with upstream status and message', async () => {
    await namespace(app, 'sa-missing');
    const res = await request(app).post('/api/v1/namespaces/sa-missing/pods').send(pod('web'));
    assert.equal(res.status, 403, JSON.stringify(res.body));
    assert.equal(res.body.kind, 'Status');
    assert.equal(res.body.reason, 'Forbidden');
    assert.equal(res.body.message, 'pods "web" is forbidden: error looking up service account sa-missing/default: serviceaccount "default" not found');
    assert.deepEqual(res.body.details, { name: 'web', kind: 'pods' });
    const list = await request(app).get('/api/v1/namespaces/sa-missing/pods');
    assert.equal(list.body.items.length, 0, 'nothing stored');
  });

  it('names the generateName prefix when it refuses a generated pod', async () => {
    const res = await request(app).post('/api/v1/namespaces/sa-missing/pods').send(pod('', {}, { name: undefined, generateName: 'gen-' }));
    assert.equal(res.status, 403, JSON.stringify(res.body));
    assert.match(res.body.message, /^pods "gen-" is forbidden: error looking up service account sa-missing\/default: /);
  });

  it('admits a pod once the default account exists, naming it in serviceAccountName and the deprecated alias', async () => {
    await namespace(app, 'sa-default');
    await account('sa-default', 'default');
    const res = await request(app).post('/api/v1/namespaces/sa-default/pods').send(pod('web'));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.spec.serviceAccountName, 'default');
    assert.equal(res.body.spec.serviceAccount, 'default');
  });

  it('waits a moment for a default account that is created just after the pod is sent', async () => {
    await namespace(app, 'sa-late');
    const sent = request(app).post('/api/v1/namespaces/sa-late/pods').send(pod('web')).then((r) => r);
    // The controller creates the account a moment after the namespace; upstream retries live reads for it.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await account('sa-late', 'default');
    const res = await sent;
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.spec.serviceAccountName, 'default');
  });

  it('refuses a named account that does not exist without waiting for it', async () => {
    const res = await request(app).post('/api/v1/namespaces/sa-default/pods').send(pod('builder', { serviceAccountName: 'builder' }));
    assert.equal(res.status, 403, JSON.stringify(res.body));
    assert.equal(res.body.message, 'pods "builder" is forbidden: error looking up service account sa-default/builder: serviceaccount "builder" not found');
  });

  it('reads the deprecated serviceAccount alias when serviceAccountName is empty', async () => {
    await account('sa-default', 'legacy');
    const res = await request(app).post('/api/v1/namespaces/sa-default/pods').send(pod('old', { serviceAccount: 'legacy' }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.spec.serviceAccountName, 'legacy');
  });

  it("gives a pod without image pull secrets the account's, and keeps a pod's own", async () => {
    await account('sa-default', 'puller', { imagePullSecrets: [{ name: 'regcred' }, { name: 'mirror' }] });
    const inherited = await request(app).post('/api/v1/namespaces/sa-default/pods').send(pod('pulls', { serviceAccountName: 'puller' }));
    assert.equal(inherited.status, 201, JSON.stringify(inherited.body));
    assert.deepEqual(inherited.body.spec.imagePullSecrets, [{ name: 'regcred' }, { name: 'mirror' }]);
    const own = await request(app)
      .post('/api/v1/namespaces/sa-default/pods')
      .send(pod('own', { serviceAccountName: 'puller', imagePullSecrets: [{ name: 'mine' }] }));
    assert.equal(own.status, 201, JSON.stringify(own.body));
    assert.deepEqual(own.body.spec.imagePullSecrets, [{ name: 'mine' }]);
  });

  it('refuses a mirror pod that names an account', async () => {
    const res = await request(app)
      .post('/api/v1/namespaces/sa-default/pods')
      .send(pod('static', { serviceAccountName: 'default' }, { annotations: { 'kubernetes.io/config.mirror': 'abc' } }));
    assert.equal(res.status, 403, JSON.stringify(res.body));
    assert.equal(res.body.message, 'pods "static" is forbidden: a mirror pod may not reference service accounts');
  });

  it('admits pods without accounts when the plugin is disabled', async () => {
    await namespace(plain.server.app, 'no-plugin');
    const res = await request(plain.server.app).post('/api/v1/namespaces/no-plugin/pods').send(pod('web'));
    assert.equal(res.status, 201, JSON.stringify(res.body));
  });

  it('refuses to start with an unknown plugin name', async () => {
    assert.throws(() => new Registry(c.storage, { disabledAdmissionPlugins: ['NoSuchPlugin'] }), /admission plugins not registered: NoSuchPlugin/);
  });
});
