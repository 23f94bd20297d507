// PodDisruptionBudgets over HTTP against a real etcd: upstream's validation messages, generation
// tracking, the spec/status split and the Table kubectl prints.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

function pdb(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { selector: { matchLabels: { app: name } }, ...spec } };
}

describe('poddisruptionbudgets.policy', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
  });
  after(async () => c.stop());

  it('is discovered as policy/v1 with the pdb short name and a status subresource', async () => {
    const res = await request(app).get('/apis/policy/v1').expect(200);
    const names = res.body.resources.map((r: { name: string }) => r.name);
    assert.deepEqual(names, ['poddisruptionbudgets', 'poddisruptionbudgets/status']);
    const main = res.body.resources[0];
    assert.deepEqual(main.shortNames, ['pdb']);
    assert.equal(main.namespaced, true);
    assert.equal(main.kind, 'PodDisruptionBudget');
  });

  it('validates with upstream messages', async () => {
    const both = await request(app).post(PDBS).send(pdb('both', { minAvailable: 1, maxUnavailable: 1 }));
    assert.equal(both.status, 422);
    assert.match(
      both.body.message,
      /^PodDisruptionBudget\.policy "both" is invalid: spec: Invalid value: policy\.PodDisruptionBudgetSpec\{MinAvailable:\(\*intstr\.IntOrString\)\(0x[0-9a-f]+\), .*\}: minAvailable and maxUnavailable cannot be both set$/,
    );
    const bad = await request(app)
      .post(PDBS)
      .send(pdb('bad', { minAvailable: '150%', unhealthyPodEvictionPolicy: 'Never' }));
    assert.equal(bad.status, 422);
    assert.equal(
      bad.body.message,
      'PodDisruptionBudget.policy "bad" is invalid: [spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%, spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"]',
    );
    const negative = await request(app).post(PDBS).send(pdb('neg', { maxUnavailable: -1 }));
    assert.equal(negative.status, 422);
    assert.equal(negative.body.message, 'PodDisruptionBudget.policy "neg" is invalid: spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0');
    const word = await request(app).post(PDBS).send(pdb('word', { maxUnavailable: 'half' }));
    assert.equal(word.status, 422);
    assert.match(word.body.message, /spec\.maxUnavailable: Invalid value: intstr\.IntOrString\{Type:1, IntVal:0, StrVal:"half"\}: a valid percent string must be/);
  });

  it('keeps status out of spec writes and spec out of status writes, bumping generation on spec changes only', async () => {
    const made = await request(app)
      .post(PDBS)
      .send({ ...pdb('web', { minAvailable: 2 }), status: { disruptionsAllowed: 5 } })
      .expect(201);
    assert.equal(made.body.metadata.generation, 1);
    assert.equal(made.body.status.disruptionsAllowed, 0);
    const st = await request(app)
      .put(`${PDBS}/web/status`)
      .send({ ...made.body, spec: { ...made.body.spec, minAvailable: 9 }, status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, observedGeneration: 1 } })
      .expect(200);
    assert.equal(st.body.spec.minAvailable, 2);
    assert.equal(st.body.status.disruptionsAllowed, 1);
    assert.equal(st.body.metadata.generation, 1);
    // Since 1.15 the spec may change; the status stays as the controller wrote it.
    const upd = await request(app)
      .put(`${PDBS}/web`)
      .send({ ...st.body, spec: { ...st.body.spec, minAvailable: '50%' }, status: {} })
      .expect(200);
    assert.equal(upd.body.spec.minAvailable, '50%');
    assert.equal(upd.body.metadata.generation, 2);
    assert.equal(upd.body.status.disruptionsAllowed, 1);
  });

  it('prints NAME, MIN AVAILABLE, MAX UNAVAILABLE, ALLOWED DISRUPTIONS and AGE', async () => {
    await request(app).post(PDBS).send(pdb('api', { maxUnavailable: '25%' })).expect(201);
    const table = await request(app).get(PDBS).set('Accept', TABLE).expect(200);
    assert.deepEqual(
      table.body.columnDefinitions.map((d: { name: string; type: string }) => `${d.name}:${d.type}`),
      ['Name:string', 'Min Available:string', 'Max Unavailable:string', 'Allowed Disruptions:integer', 'Age:string'],
    );
    const cells = (name: string) => table.body.rows.find((r: { object: { metadata: { name: string } } }) => r.object.metadata.name === name).cells.slice(0, 4);
    assert.deepEqual(cells('api'), ['api', 'N/A', '25%', 0]);
    assert.deepEqual(cells('web'), ['web', '50%', 'N/A', 1]);
  });
});
