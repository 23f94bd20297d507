// PriorityClasses and the Priority admission plugin over HTTP against a real etcd: the system
// classes at bootstrap, validation, the single global default, and pods getting their priority.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

const PC = '/apis/scheduling.k8s.io/v1/priorityclasses';
const PODS = '/api/v1/namespaces/default/pods';

function priorityClass(name: string, value: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra };
}

function pod(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } };
}

describe('priorityclasses.scheduling.k8s.io and pod priority admission', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
  });
  after(async () => c.stop());

  it('starts with the two system classes, which cannot be deleted', async () => {
    const list = await request(app).get(PC);
    assert.equal(list.status, 200);
    const byName = Object.fromEntries(list.body.items.map((i: { metadata: { name: string }; value: number }) => [i.metadata.name, i]));
    assert.equal(byName['system-node-critical'].value, 2000001000);
    assert.equal(byName['system-cluster-critical'].value, 2000000000);
    assert.equal(byName['system-cluster-critical'].preemptionPolicy, 'PreemptLowerPriority');
    const del = await request(app).delete(`${PC}/system-node-critical`);
    assert.equal(del.status, 403);
    assert.deepEqual(del.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'priorityclasses.scheduling.k8s.io "system-node-critical" is forbidden: this is a system priority class and cannot be deleted',
      reason: 'Forbidden',
      details: { name: 'system-node-critical', group: 'scheduling.k8s.io', kind: 'priorityclasses' },
      code: 403,
    });
  });

  it('validates values, reserved names and immutable fields', async () => {
    const huge = await request(app).post(PC).send(priorityClass('huge', 1_000_000_001));
    assert.equal(huge.status, 422);
    assert.equal(
      huge.body.message,
      'PriorityClass.scheduling.k8s.io "huge" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000',
    );
    const reserved = await request(app).post(PC).send(priorityClass('system-mine', 10));
    assert.equal(reserved.status, 422);
    assert.equal(
      reserved.body.message,
      "PriorityClass.scheduling.k8s.io \"system-mine\" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class",
    );
    const created = await request(app).post(PC).send(priorityClass('high', 1000, { description: 'important' }));
    assert.equal(created.status, 201);
    assert.equal(created.body.preemptionPolicy, 'PreemptLowerPriority');
    const changed = await request(app)
      .patch(`${PC}/high`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ value: 2000, preemptionPolicy: 'Never' });
    assert.equal(changed.status, 422);
    assert.equal(
      changed.body.message,
      'PriorityClass.scheduling.k8s.io "high" is invalid: [value: Forbidden: may not be changed in an update., preemptionPolicy: Invalid value: "Never": field is immutable]',
    );
    const described = await request(app).patch(`${PC}/high`).set('Content-Type', 'application/merge-patch+json').send({ description: 'very' });
    assert.equal(described.status, 200);
  });

  it('allows one global default only', async () => {
    assert.equal((await request(app).post(PC).send(priorityClass('low-default', 10, { globalDefault: true }))).status, 201);
    const second = await request(app).post(PC).send(priorityClass('other-default', 20, { globalDefault: true }));
    assert.equal(second.status, 403);
    assert.equal(
      second.body.message,
      'priorityclasses.scheduling.k8s.io "other-default" is forbidden: PriorityClass low-default is already marked as default. Only one default can exist',
    );
    // Marking another class default while one exists is refused the same way; re-stating it on the default is fine.
    const mark = await request(app).patch(`${PC}/high`).set('Content-Type', 'application/merge-patch+json').send({ globalDefault: true });
    assert.equal(mark.status, 403);
    const same = await request(app).patch(`${PC}/low-default`).set('Content-Type', 'application/merge-patch+json').send({ globalDefault: true, description: 'd' });
    assert.equal(same.status, 200);
  });

  it('gives pods the priority and preemption policy of their class', async () => {
    const dflt = await request(app).post(PODS).send(pod('no-class'));
    assert.equal(dflt.status, 201);
    assert.equal(dflt.body.spec.priorityClassName, 'low-default');
    assert.equal(dflt.body.spec.priority, 10);
    assert.equal(dflt.body.spec.preemptionPolicy, 'PreemptLowerPriority');

    const high = await request(app).post(PODS).send(pod('with-class', { priorityClassName: 'high' }));
    assert.equal(high.body.spec.priority, 1000);

    const critical = await request(app).post(PODS).send(pod('critical', { priorityClassName: 'system-cluster-critical' }));
    assert.equal(critical.body.spec.priority, 2000000000);

    assert.equal((await request(app).post(PC).send(priorityClass('never', 500, { preemptionPolicy: 'Never' }))).status, 201);
    const never = await request(app).post(PODS).send(pod('never', { priorityClassName: 'never' }));
    assert.equal(never.body.spec.preemptionPolicy, 'Never');
    // Stating the class's own values is allowed.
    const stated = await request(app).post(PODS).send(pod('stated', { priorityClassName: 'never', priority: 500, preemptionPolicy: 'Never' }));
    assert.equal(stated.status, 201);
  });

  it('refuses pods naming a missing class or stating other values', async () => {
    const missing = await request(app).post(PODS).send(pod('lost', { priorityClassName: 'nope' }));
    assert.equal(missing.status, 403);
    assert.equal(missing.body.message, 'pods "lost" is forbidden: no PriorityClass with name nope was found');
    assert.deepEqual(missing.body.details, { name: 'lost', kind: 'pods' });

    const value = await request(app).post(PODS).send(pod('claims', { priorityClassName: 'high', priority: 7 }));
    assert.equal(value.status, 403);
    assert.equal(
      value.body.message,
      'pods "claims" is forbidden: the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name',
    );
    const policy = await request(app).post(PODS).send(pod('policy', { priorityClassName: 'never', preemptionPolicy: 'PreemptLowerPriority' }));
    assert.equal(policy.status, 403);
    assert.equal(
      policy.body.message,
      'pods "policy" is forbidden: the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name',
    );
    assert.equal((await request(app).get(`${PODS}/lost`)).status, 404, 'nothing stored');
    // Refused before the server names it: the message names the generateName prefix.
    const generated = await request(app)
      .post(PODS)
      .send({ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'web-' }, spec: { priorityClassName: 'nope', containers: [{ name: 'c', image: 'nginx' }] } });
    assert.equal(generated.status, 403);
    assert.equal(generated.body.message, 'pods "web-" is forbidden: no PriorityClass with name nope was found');
  });

  it('prints the upstream table columns', async () => {
    const res = await request(app).get(`${PC}/never`).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.columnDefinitions.map((d: { name: string }) => d.name),
      ['Name', 'Value', 'Global-Default', 'Age', 'PreemptionPolicy'],
    );
    assert.deepEqual(res.body.rows[0].cells.filter((_: unknown, i: number) => i !== 3), ['never', 500, false, 'Never']);
  });
});
