// NetworkPolicies over HTTP against a real etcd: v1 defaulting (policyTypes, port protocol), upstream's
// validation messages (ports, peers, ipBlock CIDRs, policyTypes), generation, and the Table row.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Express } from 'express';
import { startTestCluster, type TestCluster } from '../../support/cluster.ts';

const NP = '/apis/networking.k8s.io/v1/namespaces/default/networkpolicies';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

type Json = Record<string, unknown>;

function policy(name: string, spec: Json): Json {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name }, spec };
}

describe('networkpolicies (networking.k8s.io/v1)', () => {
  let c: TestCluster;
  let app: Express;
  before(async () => {
    c = await startTestCluster();
    app = c.server.app;
  });
  after(async () => c.stop());

  it('defaults policyTypes and port protocols', async () => {
    const ingressOnly = await request(app)
      .post(NP)
      .send(policy('ingress-only', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 80 }] }] }));
    assert.equal(ingressOnly.status, 201);
    assert.deepEqual(ingressOnly.body.spec.policyTypes, ['Ingress']);
    assert.deepEqual(ingressOnly.body.spec.ingress[0].ports, [{ port: 80, protocol: 'TCP' }]);
    assert.equal(ingressOnly.body.metadata.generation, 1);
    const withEgress = await request(app)
      .post(NP)
      .send(policy('with-egress', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }] }));
    assert.equal(withEgress.status, 201);
    assert.deepEqual(withEgress.body.spec.policyTypes, ['Ingress', 'Egress']);
    const changed = await request(app)
      .put(`${NP}/with-egress`)
      .send({ ...withEgress.body, spec: { ...withEgress.body.spec, podSelector: { matchLabels: { tier: 'db' } } } });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.metadata.generation, 2);
  });

  it('refuses invalid policies with upstream messages', async () => {
    const res = await request(app)
      .post(NP)
      .send(
        policy('bad', {
          podSelector: { matchExpressions: [{ key: 'app', operator: 'In' }] },
          ingress: [
            {
              ports: [{ protocol: 'ICMP', port: 70000 }, { port: 'http', endPort: 90 }, { endPort: 10 }, { port: 100, endPort: 99 }],
              from: [{}, { ipBlock: { cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] }, podSelector: {} }],
            },
          ],
          egress: [{ to: [{ ipBlock: { cidr: 'not-a-cidr' } }] }],
          policyTypes: ['Ingress', 'Sideways'],
        }),
      );
    assert.equal(res.status, 422);
    assert.deepEqual(
      res.body.details.causes.map((x: { field: string; message: string }) => `${x.field}: ${x.message}`),
      [
        "spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
        'spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
        'spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
        'spec.ingress[0].ports[2].endPort: Invalid value: 10: may not be specified when `port` is not specified',
        'spec.ingress[0].ports[3].endPort: Invalid value: 99: must be greater than or equal to `port`',
        'spec.ingress[0].from[0]: Required value: must specify a peer',
        'spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`',
        'spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer',
        'spec.egress[0].to[0].ipBlock.cidr: Invalid value: "not-a-cidr": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
        'spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
      ],
    );
  });

  it('prints NAME POD-SELECTOR AGE', async () => {
    const table = await request(app).get(NP).set('Accept', TABLE);
    assert.equal(table.status, 200);
    assert.deepEqual(
      table.body.columnDefinitions.map((d: { name: string }) => d.name),
      ['Name', 'Pod-Selector', 'Age'],
    );
    const cells = Object.fromEntries(
      table.body.rows.map((r: { cells: unknown[] }) => [r.cells[0], r.cells[1]]),
    );
    assert.deepEqual(cells, { 'ingress-only': 'app=web', 'with-egress': 'tier=db' });
    const empty = await request(app).post(NP).send(policy('all-pods', { podSelector: {} }));
    assert.equal(empty.status, 201);
    const one = await request(app).get(`${NP}/all-pods`).set('Accept', TABLE);
    assert.equal(one.body.rows[0].cells[1], '<none>');
  });
});
