// ResourceQuota admission over HTTP against a real etcd and API server (no controller: each test writes
// the quota status the controller would, through the status subresource): refusals with upstream's
// messages, usage charged to status.used before the object is stored, concurrent creates that cannot
// both slip under a limit, scopes, updates that grow usage (claim resize, service type), dry runs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';
import { waitFor } from '../../kubelet/cluster.ts';

type Obj = Record<string, any>;

let c: TestCluster;
let app: Express;

before(async () => {
  c = await startTestCluster();
  app = c.server.app;
});
after(async () => c?.stop());

async function namespace(name: string): Promise<string> {
  const res = await request(app).post('/api/v1/namespaces').send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return name;
}

/** A quota whose status the controller has computed: hard from spec, used as given. */
async function quota(ns: string, name: string, hard: Record<string, string>, used: Record<string, string>, spec: Obj = {}): Promise<void> {
  const base = `/api/v1/namespaces/${ns}/resourcequotas`;
  const created = await request(app).post(base).send({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name }, spec: { hard, ...spec } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const body = { ...created.body, status: { hard, used } };
  const res = await request(app).put(`${base}/${name}/status`).send(body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  await cachedStatus(ns, name, (q) => JSON.stringify(q.status?.used) === JSON.stringify(used));
}

/** Admission reads quotas from the watch cache; wait until it holds the state a test just wrote. */
async function cachedStatus(ns: string, name: string, ok: (q: Obj) => boolean): Promise<Obj> {
  return waitFor(`cached quota ${name}`, async () => {
    const res = await request(app).get(`/api/v1/namespaces/${ns}/resourcequotas?resourceVersion=0`);
    const q = res.body.items?.find((i: Obj) => i.metadata.name === name);
    return q && ok(q) ? q : undefined;
  });
}

async function used(ns: string, name: string): Promise<Record<string, string>> {
  const res = await request(app).get(`/api/v1/namespaces/${ns}/resourcequotas/${name}`);
  return res.body.status.used;
}

function pod(name: string, resources?: Obj, spec: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx', resources }], ...spec } };
}

function forbiddenBody(resource: string, name: string, message: string): Obj {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${resource} "${name}" is forbidden: ${message}`,
    reason: 'Forbidden',
    details: { name, kind: resource },
    code: 403,
  };
}

describe('ResourceQuota admission', () => {
  it('does not enforce a quota whose status the controller has not computed yet', async () => {
    const ns = await namespace('rq-new');
    const res = await request(app).post(`/api/v1/namespaces/${ns}/resourcequotas`).send({ metadata: { name: 'q' }, spec: { hard: { pods: '0' } } });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.status, {});
    const p = await request(app).post(`/api/v1/namespaces/${ns}/pods`).send(pod('free'));
    assert.equal(p.status, 201, JSON.stringify(p.body));
  });

  it('charges pods to status.used and refuses the one that exceeds the quota', async () => {
    const ns = await namespace('rq-pods');
    await quota(ns, 'q', { pods: '2', 'requests.cpu': '1' }, { pods: '0', 'requests.cpu': '0' });
    const cpu = (v: string) => ({ requests: { cpu: v } });
    assert.equal((await request(app).post(`/api/v1/namespaces/${ns}/pods`).send(pod('p1', cpu('500m')))).status, 201);
    assert.deepEqual(await used(ns, 'q'), { pods: '1', 'requests.cpu': '500m' });
    assert.equal((await request(app).post(`/api/v1/namespaces/${ns}/pods`).send(pod('p2', cpu('500m')))).status, 201);
    assert.deepEqual(await used(ns, 'q'), { pods: '2', 'requests.cpu': '1' });
    const third = await request(app).post(`/api/v1/namespaces/${ns}/pods`).send(pod('p3', cpu('250m')));
    assert.equal(third.status, 403);
    assert.deepEqual(
      third.body,
      forbiddenBody('pods', 'p3', 'exceeded quota: q, requested: pods=1,requests.cpu=250m, used: pods=2,requests.cpu=1, limited: pods=2,requests.cpu=1'),
    );
    assert.deepEqual(await used(ns, 'q'), { pods: '2', 'requests.cpu': '1' });
  });

  it('requires containers to state the cpu/memory a quota tracks, and names the generated pod', async () => {
    const ns = await namespace('rq-constraints');
    await quota(ns, 'compute', { 'limits.memory': '1Gi', 'requests.cpu': '2' }, { 'limits.memory': '0', 'requests.cpu': '0' });
    const body = pod('', undefined, {
      initContainers: [{ name: 'init', image: 'busybox', resources: { requests: { cpu: '100m' }, limits: { memory: '64Mi' } } }],
    });
    body.metadata = { generateName: 'web-' };
    const res = await request(app).post(`/api/v1/namespaces/${ns}/pods`).send(body);
    assert.equal(res.status, 403);
    assert.match(res.body.message, /^pods "web-[a-z0-9]{5}" is forbidden: failed quota: compute: must specify limits.memory for: app; requests.cpu for: app$/);
    const mem = await request(app)
      .post(`/api/v1/namespaces/${ns}/pods`)
      .send(pod('sized', { requests: { cpu: '300m' }, limits: { memory: '512Mi' } }));
    assert.equal(mem.status, 201, JSON.stringify(mem.body));
    assert.deepEqual(await used(ns, 'compute'), { 'limits.memory': '512Mi', 'requests.cpu': '300m' });
  });

  it('refuses writes a quota tracks but has no usage for yet', async () => {
    const ns = await namespace('rq-unknown');
    await quota(ns, 'counts', { configmaps: '5', secrets: '5' }, { secrets: '0' });
    const res = await request(app).post(`/api/v1/namespaces/${ns}/configmaps`).send({ metadata: { name: 'cm' } });
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, forbiddenBody('configmaps', 'cm', 'status unknown for quota: counts, resources: configmaps'));
  });

  it('lets only as many concurrent creates through as the quota allows', async () => {
    const ns = await namespace('rq-race');
    await quota(ns, 'cm', { 'count/configmaps': '3' }, { 'count/configmaps': '0' });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => request(app).post(`/api/v1/namespaces/${ns}/configmaps`).send({ metadata: { name: `cm-${i}` } })),
    );
    const codes = results.map((r) => r.status).sort();
    assert.deepEqual(codes, [201, 201, 201, 403, 403, 403, 403, 403]);
    const refused = results.find((r) => r.status === 403)!;
    assert.match(refused.body.message, /exceeded quota: cm, requested: count\/configmaps=1, used: count\/configmaps=3, limited: count\/configmaps=3$/);
    assert.deepEqual(await used(ns, 'cm'), { 'count/configmaps': '3' });
  });

  it('counts only pods in the quota scopes', async () => {
    const ns = await namespace('rq-scopes');
    await quota(ns, 'besteffort', { pods: '1' }, { pods: '0' }, { scopes: ['BestEffort'] });
    await quota(ns, 'high', { pods: '1' }, { pods: '0' }, {
      scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['system-cluster-critical'] }] },
    });
    const post = (p: Obj) => request(app).post(`/api/v1/namespaces/${ns}/pods`).send(p);
    assert.equal((await post(pod('be-1'))).status, 201);
    const be2 = await post(pod('be-2'));
    assert.equal(be2.status, 403);
    assert.match(be2.body.message, /exceeded quota: besteffort, requested: pods=1, used: pods=1, limited: pods=1$/);
    // Not best-effort and without the class: neither quota covers it.
    assert.equal((await post(pod('burstable', { requests: { memory: '10Mi' } }))).status, 201);
    const critical = await post(pod('critical-1', { requests: { memory: '10Mi' } }, { priorityClassName: 'system-cluster-critical' }));
    assert.equal(critical.status, 201);
    // Priority admission, earlier in the chain, still resolved the class.
    assert.equal(critical.body.spec.priority, 2000000000);
    const crit2 = await post(pod('critical-2', { requests: { memory: '10Mi' } }, { priorityClassName: 'system-cluster-critical' }));
    assert.equal(crit2.status, 403);
    assert.match(crit2.body.message, /exceeded quota: high,/);
    assert.deepEqual(await used(ns, 'besteffort'), { pods: '1' });
    assert.deepEqual(await used(ns, 'high'), { pods: '1' });
  });

  it('charges what an update adds: a claim resize and a service turning into a load balancer', async () => {
    const ns = await namespace('rq-update');
    await quota(
      ns,
      'storage',
      { 'requests.storage': '10Gi', 'fast.storageclass.storage.k8s.io/requests.storage': '6Gi', 'services.loadbalancers': '0' },
      { 'requests.storage': '0', 'fast.storageclass.storage.k8s.io/requests.storage': '0', 'services.loadbalancers': '0' },
    );
    const base = `/api/v1/namespaces/${ns}/persistentvolumeclaims`;
    const claim = await request(app)
      .post(base)
      .send({ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '4Gi' } } } });
    assert.equal(claim.status, 201, JSON.stringify(claim.body));
    assert.deepEqual(await used(ns, 'storage'), {
      'fast.storageclass.storage.k8s.io/requests.storage': '4Gi',
      'requests.storage': '4Gi',
      'services.loadbalancers': '0',
    });
    const bound = await request(app).put(`${base}/data/status`).send({ ...claim.body, status: { phase: 'Bound' } });
    assert.equal(bound.status, 200);
    await cachedStatus(ns, 'storage', (q) => q.status.used['requests.storage'] === '4Gi');
    const grow = await request(app)
      .patch(`${base}/data`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { resources: { requests: { storage: '8Gi' } } } });
    assert.equal(grow.status, 403);
    assert.deepEqual(
      grow.body,
      forbiddenBody(
        'persistentvolumeclaims',
        'data',
        'exceeded quota: storage, requested: fast.storageclass.storage.k8s.io/requests.storage=4Gi, used: fast.storageclass.storage.k8s.io/requests.storage=4Gi, limited: fast.storageclass.storage.k8s.io/requests.storage=6Gi',
      ),
    );
    const svc = await request(app)
      .post(`/api/v1/namespaces/${ns}/services`)
      .send({ metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
    assert.equal(svc.status, 201, JSON.stringify(svc.body));
    const lb = await request(app)
      .patch(`/api/v1/namespaces/${ns}/services/web`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { type: 'LoadBalancer' } });
    assert.equal(lb.status, 403);
    assert.match(lb.body.message, /^services "web" is forbidden: exceeded quota: storage, requested: services.loadbalancers=1, used: services.loadbalancers=0, limited: services.loadbalancers=0$/);
  });

  it('checks but does not charge dry runs', async () => {
    const ns = await namespace('rq-dry');
    await quota(ns, 'q', { 'count/secrets': '1' }, { 'count/secrets': '0' });
    const dry = await request(app).post(`/api/v1/namespaces/${ns}/secrets?dryRun=All`).send({ metadata: { name: 's' } });
    assert.equal(dry.status, 201, JSON.stringify(dry.body));
    assert.deepEqual(await used(ns, 'q'), { 'count/secrets': '0' });
    assert.equal((await request(app).post(`/api/v1/namespaces/${ns}/secrets`).send({ metadata: { name: 's' } })).status, 201);
    const again = await request(app).post(`/api/v1/namespaces/${ns}/secrets?dryRun=All`).send({ metadata: { name: 't' } });
    assert.equal(again.status, 403);
  });
});
