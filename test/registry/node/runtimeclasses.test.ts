// node.k8s.io/v1 RuntimeClass against a real etcd: validation and table, and the RuntimeClass
// admission plugin on pod create (overhead copied or refused, scheduling merged, missing class 403).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

const RC = '/apis/node.k8s.io/v1/runtimeclasses';
const PODS = '/api/v1/namespaces/default/pods';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

function pod(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } };
}

describe('runtimeclasses.node.k8s.io and RuntimeClass admission', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
    await request(app)
      .post(RC)
      .send({
        apiVersion: 'node.k8s.io/v1',
        kind: 'RuntimeClass',
        metadata: { name: 'kata' },
        handler: 'kata',
        overhead: { podFixed: { cpu: '250m', memory: '120Mi' } },
        scheduling: { nodeSelector: { 'runtime/kata': 'true' }, tolerations: [{ key: 'kata', operator: 'Exists', effect: 'NoSchedule' }] },
      })
      .expect(201);
  });
  after(async () => c.stop());

  it('prints NAME HANDLER AGE, validates the handler and keeps it immutable', async () => {
    const table = await request(app).get(RC).set('Accept', TABLE);
    assert.deepEqual(
      table.body.columnDefinitions.map((d: { name: string }) => d.name),
      ['Name', 'Handler', 'Age'],
    );
    assert.deepEqual(table.body.rows[0].cells.slice(0, 2), ['kata', 'kata']);
    const bad = await request(app)
      .post(RC)
      .send({ metadata: { name: 'bad' }, handler: 'Not_A_Label', overhead: { podFixed: { cpu: '-1' } } });
    assert.equal(bad.status, 422);
    assert.equal(
      bad.body.message,
      'RuntimeClass.node.k8s.io "bad" is invalid: [handler: Invalid value: "Not_A_Label": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\'), overhead.podFixed[cpu]: Invalid value: "-1": must be greater than or equal to 0]',
    );
    const cur = (await request(app).get(`${RC}/kata`)).body;
    const upd = await request(app).put(`${RC}/kata`).send({ ...cur, handler: 'runc' });
    assert.equal(upd.status, 422);
    assert.equal(upd.body.message, 'RuntimeClass.node.k8s.io "kata" is invalid: handler: Invalid value: "runc": field is immutable');
  });

  it('copies the overhead, node selector and tolerations of the class onto a new pod', async () => {
    const made = await request(app)
      .post(PODS)
      .send(pod('sandboxed', { runtimeClassName: 'kata', nodeSelector: { disk: 'ssd' }, tolerations: [{ key: 'kata', operator: 'Exists' }] }));
    assert.equal(made.status, 201);
    assert.deepEqual(made.body.spec.overhead, { cpu: '250m', memory: '120Mi' });
    assert.deepEqual(made.body.spec.nodeSelector, { disk: 'ssd', 'runtime/kata': 'true' });
    // The pod's toleration (every effect) already covers the class's NoSchedule one.
    const kata = made.body.spec.tolerations.filter((t: { key?: string }) => t.key === 'kata');
    assert.deepEqual(kata, [{ key: 'kata', operator: 'Exists' }]);
    // The same overhead spelled differently is the same quantity.
    const same = await request(app).post(PODS).send(pod('same-overhead', { runtimeClassName: 'kata', overhead: { cpu: '0.25', memory: '120Mi' } }));
    assert.equal(same.status, 201);
  });

  it('refuses pods that disagree with their class, or name a class that does not exist', async () => {
    const missing = await request(app).post(PODS).send(pod('ghost', { runtimeClassName: 'gvisor' }));
    assert.equal(missing.status, 403);
    assert.equal(missing.body.reason, 'Forbidden');
    assert.equal(missing.body.message, 'pods "ghost" is forbidden: pod rejected: RuntimeClass "gvisor" not found');
    const overhead = await request(app).post(PODS).send(pod('greedy', { runtimeClassName: 'kata', overhead: { cpu: '1' } }));
    assert.equal(overhead.status, 403);
    assert.equal(overhead.body.message, "pods \"greedy\" is forbidden: pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
    // An empty overhead states nothing, with or without a class.
    await request(app).post(PODS).send(pod('empty-overhead', { overhead: {} })).expect(201);
    const noClass = await request(app).post(PODS).send(pod('self-declared', { overhead: { cpu: '1' } }));
    assert.equal(noClass.status, 403);
    assert.equal(noClass.body.message, 'pods "self-declared" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead');
    const conflict = await request(app).post(PODS).send(pod('elsewhere', { runtimeClassName: 'kata', nodeSelector: { 'runtime/kata': 'false' } }));
    assert.equal(conflict.status, 403);
    assert.equal(
      conflict.body.message,
      'pods "elsewhere" is forbidden: conflict: runtimeClass.scheduling.nodeSelector[runtime/kata] = true; pod.spec.nodeSelector[runtime/kata] = false',
    );
  });
});
