// pods/eviction against a real etcd and API server (no controllers: budgets' statuses are written
// here the way the disruption controller would): upstream's 429 and its DisruptionBudget cause, the
// budget charged through its status, the DisruptionTarget condition, pods that skip the budget, and
// the refusals for several budgets, an unprocessed budget and a mismatched name.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';

const NS = '/api/v1/namespaces/default';
const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';
const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

interface Cond {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

function eviction(name: string, deleteOptions?: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...(deleteOptions ? { deleteOptions } : {}) };
}

describe('pods/eviction', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
  });
  after(async () => c.stop());

  /** A pod bound to a node and reported Running (Ready or not), as a node agent would leave it. */
  async function runningPod(name: string, labels: Record<string, string>, ready = true): Promise<void> {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] } };
    const made = await request(app).post(`${NS}/pods`).send(pod).expect(201);
    await request(app)
      .put(`${NS}/pods/${name}/status`)
      .send({ ...made.body, status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } })
      .expect(200);
  }

  /** A budget whose status says what the disruption controller would have computed. */
  async function budget(name: string, app_: string, status: Record<string, unknown>, spec: Record<string, unknown> = { minAvailable: 1 }): Promise<void> {
    const made = await request(app)
      .post(PDBS)
      .send({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { selector: { matchLabels: { app: app_ } }, ...spec } })
      .expect(201);
    await request(app)
      .put(`${PDBS}/${name}/status`)
      .send({ ...made.body, status: { observedGeneration: 1, ...status } })
      .expect(200);
  }

  it('deletes a pod no budget covers and marks it DisruptionTarget', async () => {
    await runningPod('free', { app: 'free' });
    const res = await request(app).post(`${NS}/pods/free/eviction`).send(eviction('free')).expect(201);
    assert.equal(res.body.kind, 'Status');
    assert.equal(res.body.status, 'Success');
    // Bound to a node: the deletion is graceful, so the marked pod is still readable.
    const pod = (await request(app).get(`${NS}/pods/free`).expect(200)).body;
    assert.ok(pod.metadata.deletionTimestamp);
    const cond = (pod.status.conditions as Cond[]).find((x) => x.type === 'DisruptionTarget');
    assert.deepEqual({ ...cond, lastTransitionTime: undefined, lastProbeTime: undefined }, {
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'EvictionByEvictionAPI',
      message: 'Eviction API: evicting',
      lastTransitionTime: undefined,
      lastProbeTime: undefined,
    });
  });

  it('answers 429 with the DisruptionBudget cause when no disruption is allowed', async () => {
    await runningPod('guarded', { app: 'guarded' });
    await budget('guarded', 'guarded', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 });
    const res = await request(app).post(`${NS}/pods/guarded/eviction`).send(eviction('guarded'));
    assert.equal(res.status, 429);
    assert.deepEqual(res.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: VIOLATION,
      reason: 'TooManyRequests',
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget guarded needs 1 healthy pods and has 1 currently' }] },
      code: 429,
    });
    const pod = (await request(app).get(`${NS}/pods/guarded`).expect(200)).body;
    assert.equal(pod.metadata.deletionTimestamp, undefined);
  });

  it('charges the budget (disruptionsAllowed, disruptedPods, condition) before deleting', async () => {
    await runningPod('web-1', { app: 'web' });
    await runningPod('web-2', { app: 'web' });
    await budget('web', 'web', { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    await request(app).post(`${NS}/pods/web-1/eviction`).send(eviction('web-1')).expect(201);
    const pdb = (await request(app).get(`${PDBS}/web`).expect(200)).body;
    assert.equal(pdb.status.disruptionsAllowed, 0);
    assert.deepEqual(Object.keys(pdb.status.disruptedPods), ['web-1']);
    const cond = (pdb.status.conditions as Cond[]).find((x) => x.type === 'DisruptionAllowed');
    assert.equal(cond?.status, 'False');
    assert.equal(cond?.reason, 'InsufficientPods');
    // The budget is spent: the second pod stays.
    const second = await request(app).post(`${NS}/pods/web-2/eviction`).send(eviction('web-2'));
    assert.equal(second.status, 429);
  });

  it('lets pending, terminal and (with a satisfied budget) unready pods go without charging it', async () => {
    await runningPod('calm-ready', { app: 'calm' });
    await runningPod('calm-unready', { app: 'calm' }, false);
    await request(app)
      .post(`${NS}/pods`)
      .send({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'calm-pending', labels: { app: 'calm' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } })
      .expect(201);
    await budget('calm', 'calm', { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 3 });
    await request(app).post(`${NS}/pods/calm-pending/eviction`).send(eviction('calm-pending')).expect(201);
    await request(app).get(`${NS}/pods/calm-pending`).expect(404);
    await request(app).post(`${NS}/pods/calm-unready/eviction`).send(eviction('calm-unready')).expect(201);
    const pdb = (await request(app).get(`${PDBS}/calm`).expect(200)).body;
    assert.equal(pdb.status.disruptedPods, undefined);
    assert.equal((await request(app).post(`${NS}/pods/calm-ready/eviction`).send(eviction('calm-ready'))).status, 429);
  });

  it('refuses a pod under two budgets, an unprocessed budget, a mismatched name; honours dryRun', async () => {
    await runningPod('twice', { app: 'twice', tier: 'x' });
    await budget('twice-a', 'twice', { disruptionsAllowed: 1 });
    await request(app)
      .post(PDBS)
      .send({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'twice-b' }, spec: { selector: { matchLabels: { tier: 'x' } } } })
      .expect(201);
    const two = await request(app).post(`${NS}/pods/twice/eviction`).send(eviction('twice'));
    assert.equal(two.status, 500);
    assert.deepEqual(two.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
      code: 500,
    });

    await runningPod('fresh', { app: 'fresh' });
    await request(app)
      .post(PDBS)
      .send({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'fresh' }, spec: { minAvailable: 0, selector: { matchLabels: { app: 'fresh' } } } })
      .expect(201);
    const unprocessed = await request(app).post(`${NS}/pods/fresh/eviction`).send(eviction('fresh'));
    assert.equal(unprocessed.status, 429);
    assert.equal(unprocessed.headers['retry-after'], '10');
    assert.equal(unprocessed.body.message, VIOLATION);
    assert.deepEqual(unprocessed.body.details.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget fresh is still being processed by the server.' }]);

    const mismatch = await request(app).post(`${NS}/pods/fresh/eviction`).send(eviction('other'));
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body.message, 'name in URL does not match name in Eviction object');

    await runningPod('dry', { app: 'dry' });
    await budget('dry', 'dry', { disruptionsAllowed: 1 });
    await request(app).post(`${NS}/pods/dry/eviction?dryRun=All`).send(eviction('dry')).expect(201);
    assert.equal((await request(app).get(`${NS}/pods/dry`).expect(200)).body.metadata.deletionTimestamp, undefined);
    assert.equal((await request(app).get(`${PDBS}/dry`).expect(200)).body.status.disruptionsAllowed, 1);
    await request(app).get(`${NS}/pods/nope/eviction`).expect(405);
    const missing = await request(app).post(`${NS}/pods/nope/eviction`).send(eviction('nope'));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'pods "nope" not found');
  });
});
