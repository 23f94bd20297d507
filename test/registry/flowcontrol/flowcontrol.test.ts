// flowcontrol.apiserver.k8s.io/v1 against a real etcd: upstream's mandatory and suggested objects at
// start, their tables (MISSINGPL from the Dangling condition), defaulting, validation, and the
// start-up ensurer putting an auto-updated object back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';
import { waitFor } from '../../kubelet/cluster.ts';

const V1 = '/apis/flowcontrol.apiserver.k8s.io/v1';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
type Row = { cells: unknown[] };

describe('flowcontrol.apiserver.k8s.io/v1', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
  });
  after(async () => c.stop());

  it('starts with the mandatory and suggested PriorityLevelConfigurations, printed as upstream prints them', async () => {
    const table = await request(app).get(`${V1}/prioritylevelconfigurations`).set('Accept', TABLE);
    assert.deepEqual(
      table.body.columnDefinitions.map((d: { name: string }) => d.name),
      ['Name', 'Type', 'NominalConcurrencyShares', 'Queues', 'HandSize', 'QueueLengthLimit', 'Age'],
    );
    assert.deepEqual(
      table.body.rows.map((r: Row) => r.cells.slice(0, 6)),
      [
        ['catch-all', 'Limited', 5, '<none>', '<none>', '<none>'],
        ['exempt', 'Exempt', '<none>', '<none>', '<none>', '<none>'],
        ['global-default', 'Limited', 20, 128, 6, 50],
        ['leader-election', 'Limited', 10, 16, 4, 50],
        ['node-high', 'Limited', 40, 64, 6, 50],
        ['system', 'Limited', 30, 64, 6, 50],
        ['workload-high', 'Limited', 40, 128, 6, 50],
        ['workload-low', 'Limited', 100, 128, 6, 50],
      ],
    );
    const exempt = (await request(app).get(`${V1}/prioritylevelconfigurations/exempt`)).body;
    assert.deepEqual(exempt.spec, { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } });
    assert.equal(exempt.metadata.annotations['apf.kubernetes.io/autoupdate-spec'], 'true');
    assert.equal(exempt.metadata.generation, 1);
  });

  it('starts with the FlowSchemas, each marked as referencing an existing priority level', async () => {
    const table = await request(app).get(`${V1}/flowschemas`).set('Accept', TABLE);
    assert.deepEqual(
      table.body.columnDefinitions.map((d: { name: string }) => d.name),
      ['Name', 'PriorityLevel', 'MatchingPrecedence', 'DistinguisherMethod', 'Age', 'MissingPL'],
    );
    const rows = table.body.rows.map((r: Row) => [r.cells[0], r.cells[1], r.cells[2], r.cells[3], r.cells[5]]);
    // Rows come by matching precedence, then name, as upstream's list printer sorts them.
    assert.deepEqual(rows, [
      ['exempt', 'exempt', 1, '<none>', 'False'],
      ['probes', 'exempt', 2, '<none>', 'False'],
      ['system-leader-election', 'leader-election', 100, 'ByUser', 'False'],
      ['system-node-high', 'node-high', 400, 'ByUser', 'False'],
      ['system-nodes', 'system', 500, 'ByUser', 'False'],
      ['kube-controller-manager', 'workload-high', 800, 'ByNamespace', 'False'],
      ['kube-scheduler', 'workload-high', 800, 'ByNamespace', 'False'],
      ['kube-system-service-accounts', 'workload-high', 900, 'ByNamespace', 'False'],
      ['service-accounts', 'workload-low', 9000, 'ByUser', 'False'],
      ['global-default', 'global-default', 9900, 'ByUser', 'False'],
      ['catch-all', 'catch-all', 10000, 'ByUser', 'False'],
    ]);
    // The list itself keeps etcd's key order.
    const list = await request(app).get(`${V1}/flowschemas`);
    assert.equal(list.body.items[0].metadata.name, 'catch-all');
    const probes = (await request(app).get(`${V1}/flowschemas/probes`)).body;
    assert.deepEqual(probes.spec.rules, [
      {
        subjects: [
          { kind: 'Group', group: { name: 'system:unauthenticated' } },
          { kind: 'Group', group: { name: 'system:authenticated' } },
        ],
        nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/readyz', '/livez'] }],
      },
    ]);
    const cond = probes.status.conditions[0];
    assert.equal(cond.type, 'Dangling');
    assert.equal(cond.reason, 'Found');
    assert.equal(cond.message, 'This FlowSchema references the PriorityLevelConfiguration object named "exempt" and it exists');
  });

  it('defaults a new schema and priority level, and marks a schema whose level is missing', async () => {
    const plc = await request(app)
      .post(`${V1}/prioritylevelconfigurations`)
      .send({ apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'PriorityLevelConfiguration', metadata: { name: 'batch' }, spec: { type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: {} } } } });
    assert.equal(plc.status, 201);
    assert.deepEqual(plc.body.spec.limited, { nominalConcurrencyShares: 30, lendablePercent: 0, limitResponse: { type: 'Queue', queuing: { queues: 64, handSize: 8, queueLengthLimit: 50 } } });
    const subjects = [{ kind: 'User', user: { name: 'alice' } }];
    const fs = await request(app)
      .post(`${V1}/flowschemas`)
      .send({ apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'FlowSchema', metadata: { name: 'alice' }, spec: { priorityLevelConfiguration: { name: 'nowhere' }, rules: [{ subjects, nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }] }] } });
    assert.equal(fs.status, 201);
    assert.equal(fs.body.spec.matchingPrecedence, 1000);
    assert.equal(fs.body.status.conditions[0].status, 'True');
    assert.equal(fs.body.status.conditions[0].message, 'This FlowSchema references the PriorityLevelConfiguration object named "nowhere" but there is no such object');
    // Pointing it at an existing level clears the condition on the same write.
    const fixed = await request(app).put(`${V1}/flowschemas/alice`).send({ ...fs.body, spec: { ...fs.body.spec, priorityLevelConfiguration: { name: 'batch' } } });
    assert.equal(fixed.status, 200);
    assert.equal(fixed.body.status.conditions[0].status, 'False');
    assert.equal(fixed.body.metadata.generation, 2);
  });

  it('re-marks the schemas naming a priority level when that level is created or deleted', async () => {
    const subjects = [{ kind: 'Group', group: { name: 'team' } }];
    await request(app)
      .post(`${V1}/flowschemas`)
      .send({ metadata: { name: 'team' }, spec: { priorityLevelConfiguration: { name: 'later' }, rules: [{ subjects, nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/x'] }] }] } })
      .expect(201);
    const missingPL = async () => {
      const table = await request(app).get(`${V1}/flowschemas`).set('Accept', TABLE);
      return (table.body.rows as Row[]).find((r) => r.cells[0] === 'team')?.cells[5];
    };
    // The level's hook finds the schemas in the watch cache: wait until the new one is there.
    await waitFor('the schema in the watch cache', async () => (await request(app).get(`${V1}/flowschemas/team?resourceVersion=0`)).status === 200);
    assert.equal(await missingPL(), 'True');
    await request(app)
      .post(`${V1}/prioritylevelconfigurations`)
      .send({ metadata: { name: 'later' }, spec: { type: 'Limited', limited: { limitResponse: { type: 'Reject' } } } })
      .expect(201);
    assert.equal(await missingPL(), 'False');
    await request(app).delete(`${V1}/prioritylevelconfigurations/later`).expect(200);
    assert.equal(await missingPL(), 'True');
  });

  it('validates with upstream messages', async () => {
    const badFs = await request(app)
      .post(`${V1}/flowschemas`)
      .send({ metadata: { name: 'bad' }, spec: { matchingPrecedence: 20000, priorityLevelConfiguration: { name: '' }, distinguisherMethod: { type: 'ByColour' }, rules: [{ subjects: [] }] } });
    assert.equal(badFs.status, 422);
    assert.equal(
      badFs.body.message,
      'FlowSchema.flowcontrol.apiserver.k8s.io "bad" is invalid: [spec.matchingPrecedence: Invalid value: 20000: must not be greater than 10000, spec.distinguisherMethod.type: Unsupported value: "ByColour": supported values: "ByNamespace", "ByUser", spec.priorityLevelConfiguration.name: Required value: must reference a priority level, spec.rules[0].subjects: Required value: subjects must contain at least one value, spec.rules[0]: Required value: at least one of resourceRules and nonResourceRules has to be non-empty]',
    );
    const badPl = await request(app)
      .post(`${V1}/prioritylevelconfigurations`)
      .send({ metadata: { name: 'bad' }, spec: { type: 'Limited', limited: { lendablePercent: 101, limitResponse: { type: 'Queue', queuing: { queues: 2, handSize: 3 } } } } });
    assert.equal(badPl.status, 422);
    assert.equal(
      badPl.body.message,
      'PriorityLevelConfiguration.flowcontrol.apiserver.k8s.io "bad" is invalid: [spec.limited.lendablePercent: Invalid value: 101: must be between 0 and 100, inclusive, spec.limited.limitResponse.queuing.handSize: Invalid value: 3: should not be greater than queues (2)]',
    );
  });

  it('keeps the mandatory schemas fixed and precedence 1 and type Exempt for `exempt` alone', async () => {
    const catchAll = (await request(app).get(`${V1}/flowschemas/catch-all`)).body;
    const changed = await request(app).put(`${V1}/flowschemas/catch-all`).send({ ...catchAll, spec: { ...catchAll.spec, matchingPrecedence: 9999 } });
    assert.equal(changed.status, 422);
    assert.match(changed.body.message, /^FlowSchema.flowcontrol.apiserver.k8s.io "catch-all" is invalid: spec: Invalid value: .*: spec of 'catch-all' must equal the fixed value$/);
    const first = await request(app)
      .post(`${V1}/flowschemas`)
      .send({ metadata: { name: 'first' }, spec: { matchingPrecedence: 1, priorityLevelConfiguration: { name: 'exempt' }, rules: [{ subjects: [{ kind: 'Group', group: { name: 'g' } }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }] }] } });
    assert.equal(first.status, 422);
    assert.equal(first.body.message, "FlowSchema.flowcontrol.apiserver.k8s.io \"first\" is invalid: spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have matchingPrecedence 1");
    const exemptToo = await request(app).post(`${V1}/prioritylevelconfigurations`).send({ metadata: { name: 'also-exempt' }, spec: { type: 'Exempt' } });
    assert.equal(exemptToo.status, 422);
    assert.equal(exemptToo.body.message, "PriorityLevelConfiguration.flowcontrol.apiserver.k8s.io \"also-exempt\" is invalid: spec.type: Invalid value: \"Exempt\": type must be 'Exempt' if and only if name is 'exempt'");
  });

  it('puts an auto-updated object back at start, and leaves one whose annotation says otherwise', async () => {
    const kept = (await request(app).get(`${V1}/flowschemas/kube-scheduler`)).body;
    await request(app).put(`${V1}/flowschemas/kube-scheduler`).send({ ...kept, spec: { ...kept.spec, matchingPrecedence: 7000 } }).expect(200);
    const mine = (await request(app).get(`${V1}/flowschemas/service-accounts`)).body;
    mine.metadata.annotations['apf.kubernetes.io/autoupdate-spec'] = 'false';
    await request(app).put(`${V1}/flowschemas/service-accounts`).send({ ...mine, spec: { ...mine.spec, matchingPrecedence: 8000 } }).expect(200);
    await request(app).delete(`${V1}/prioritylevelconfigurations/workload-low`).expect(200);
    const untouched = (await request(app).get(`${V1}/prioritylevelconfigurations/system`)).body.metadata.resourceVersion;
    await c.server.registry.bootstrap('127.0.0.1', 6443);
    assert.equal((await request(app).get(`${V1}/prioritylevelconfigurations/system`)).body.metadata.resourceVersion, untouched);
    assert.equal((await request(app).get(`${V1}/flowschemas/kube-scheduler`)).body.spec.matchingPrecedence, 800);
    assert.equal((await request(app).get(`${V1}/flowschemas/service-accounts`)).body.spec.matchingPrecedence, 8000);
    assert.equal((await request(app).get(`${V1}/prioritylevelconfigurations/workload-low`)).status, 200);
  });

  it('removes at start the auto-updated schemas upstream dropped in 1.34, and keeps a user-owned one', async () => {
    const schema = (name: string, autoUpdate: string) => ({
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
      kind: 'FlowSchema',
      metadata: { name, annotations: { 'apf.kubernetes.io/autoupdate-spec': autoUpdate } },
      spec: { priorityLevelConfiguration: { name: 'workload-high' }, matchingPrecedence: 150 },
    });
    // What a 1.33 server left behind, and a schema of the user's that happens to carry the annotation "false".
    await request(app).post(`${V1}/flowschemas`).send(schema('endpoint-controller', 'true')).expect(201);
    await request(app).post(`${V1}/flowschemas`).send(schema('workload-leader-election', 'false')).expect(201);
    await c.server.registry.bootstrap('127.0.0.1', 6443);
    assert.equal((await request(app).get(`${V1}/flowschemas/endpoint-controller`)).status, 404);
    assert.equal((await request(app).get(`${V1}/flowschemas/workload-leader-election`)).status, 200);
    assert.equal((await request(app).get(`${V1}/flowschemas/probes`)).status, 200);
  });
});
