// LimitRanger admission over HTTP against a real etcd and API server: container defaults (and the
// kubernetes.io/limit-ranger annotation), min / max / maxLimitRequestRatio for Container and Pod
// items, and claim storage bounds, each refused with upstream's message.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

type Obj = Record<string, any>;

let cluster: TestCluster | undefined;
const app = (): Express => cluster!.server.app;
before(async () => void (cluster = await startTestCluster()));
after(async () => cluster?.stop());

/** A fresh namespace holding one LimitRange with these items. */
async function withLimits(ns: string, limits: Obj[]): Promise<string> {
  assert.equal((await request(app()).post('/api/v1/namespaces').send({ metadata: { name: ns } })).status, 201);
  const lr = await request(app()).post(`/api/v1/namespaces/${ns}/limitranges`).send({ metadata: { name: 'limits' }, spec: { limits } });
  assert.equal(lr.status, 201, JSON.stringify(lr.body));
  return ns;
}

function pod(name: string, containers: Obj[], spec: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers, ...spec } };
}

const container = (name: string, resources?: Obj): Obj => ({ name, image: 'nginx', resources });

async function refused(ns: string, body: Obj, message: string, resource = 'pods'): Promise<void> {
  const res = await request(app()).post(`/api/v1/namespaces/${ns}/${resource}`).send(body);
  assert.equal(res.status, 403, JSON.stringify(res.body));
  assert.equal(res.body.reason, 'Forbidden');
  assert.equal(res.body.message, `${resource} "${body.metadata.name}" is forbidden: ${message}`);
}

describe('LimitRanger admission', () => {
  it('fills in container defaults and records them in the limit-ranger annotation', async () => {
    const ns = await withLimits('lr-defaults', [
      { type: 'Container', default: { cpu: '0.5', memory: '256Mi' }, defaultRequest: { cpu: '100m' } },
    ]);
    const res = await request(app())
      .post(`/api/v1/namespaces/${ns}/pods`)
      .send(pod('web', [container('app'), container('sidecar', { limits: { cpu: '1' }, requests: { cpu: '1' } })], { initContainers: [container('setup')] }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const [app1, side] = res.body.spec.containers;
    assert.deepEqual(app1.resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '256Mi' } });
    assert.deepEqual(side.resources, { limits: { cpu: '1', memory: '256Mi' }, requests: { cpu: '1', memory: '256Mi' } });
    assert.deepEqual(res.body.spec.initContainers[0].resources, app1.resources);
    assert.equal(
      res.body.metadata.annotations['kubernetes.io/limit-ranger'],
      'LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app; ' +
        'memory request for container sidecar; memory limit for container sidecar; ' +
        'cpu, memory request for init container setup; cpu, memory limit for init container setup',
    );
    // Defaulted requests make the pod Burstable rather than BestEffort.
    assert.equal(res.body.status.qosClass, 'Burstable');
  });

  it('refuses containers outside the Container min, max and ratio', async () => {
    const ns = await withLimits('lr-container', [
      { type: 'Container', min: { cpu: '100m' }, max: { memory: '1Gi' }, maxLimitRequestRatio: { cpu: '2' } },
    ]);
    await refused(
      ns,
      pod('small', [container('app', { requests: { cpu: '50m', memory: '256Mi' }, limits: { memory: '512Mi', cpu: '100m' } })]),
      'minimum cpu usage per Container is 100m, but request is 50m',
    );
    await refused(
      ns,
      pod('big', [container('app', { requests: { cpu: '200m' }, limits: { cpu: '200m', memory: '2Gi' } })]),
      'maximum memory usage per Container is 1Gi, but limit is 2Gi',
    );
    await refused(
      ns,
      pod('ratio', [container('app', { requests: { cpu: '100m' }, limits: { cpu: '300m', memory: '1Gi' } })]),
      'cpu max limit to request ratio per Container is 2, but provided ratio is 3.000000',
    );
    await refused(
      ns,
      pod('several', [container('app', { requests: { cpu: '10m' } })]),
      // max doubles as the default limit (LimitRange defaulting), so only cpu is left without one.
      '[minimum cpu usage per Container is 100m, but request is 10m, cpu max limit to request ratio per Container is 2, but no limit is specified or limit is 0]',
    );
    const ok = await request(app())
      .post(`/api/v1/namespaces/${ns}/pods`)
      .send(pod('fits', [container('app', { requests: { cpu: '100m' }, limits: { cpu: '200m', memory: '1Gi' } })]));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });

  it('holds the sum of the containers to the Pod max', async () => {
    const ns = await withLimits('lr-pod', [{ type: 'Pod', max: { memory: '1Gi' } }]);
    const mem = (v: string) => ({ limits: { memory: v } });
    await refused(ns, pod('pair', [container('a', mem('768Mi')), container('b', mem('512Mi'))]), 'maximum memory usage per Pod is 1Gi, but limit is 1280Mi');
    const ok = await request(app())
      .post(`/api/v1/namespaces/${ns}/pods`)
      .send(pod('fits', [container('a', mem('512Mi')), container('b', mem('512Mi'))]));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });

  it('keeps claims within the PersistentVolumeClaim storage bounds', async () => {
    const ns = await withLimits('lr-claims', [{ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '5Gi' } }]);
    const claim = (name: string, storage: string): Obj => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
    });
    await refused(ns, claim('huge', '10Gi'), 'maximum storage usage per PersistentVolumeClaim is 5Gi, but request is 10Gi', 'persistentvolumeclaims');
    await refused(ns, claim('tiny', '500Mi'), 'minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi', 'persistentvolumeclaims');
    assert.equal((await request(app()).post(`/api/v1/namespaces/${ns}/persistentvolumeclaims`).send(claim('right', '2Gi'))).status, 201);
  });
});
