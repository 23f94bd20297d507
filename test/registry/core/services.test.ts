import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/api/types.ts';
import { serviceStrategy } from '../../../src/registry/core/services.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const meta = { name: 'web', namespace: 'default', creationTimestamp: '2024-04-29T12:00:00Z' };
const msgs = (errs: { toString(): string }[]) => errs.map((e) => e.toString());

function svc(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { ...meta }, spec, status };
}

test('service columns', () => {
  assert.deepEqual(
    serviceStrategy.columns!.map((c) => [c.name, c.priority]),
    [
      ['Name', 0],
      ['Type', 0],
      ['Cluster-IP', 0],
      ['External-IP', 0],
      ['Port(s)', 0],
      ['Age', 0],
      ['Selector', 1],
    ],
  );
});

test('LoadBalancer with ports and node ports', () => {
  const s = svc(
    {
      type: 'LoadBalancer',
      clusterIP: '10.96.12.34',
      clusterIPs: ['10.96.12.34'],
      selector: { tier: 'web', app: 'shop' },
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30080 },
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53, nodePort: 31053 },
      ],
    },
    { loadBalancer: { ingress: [{ ip: '203.0.113.10' }, { hostname: 'lb.example.com' }, { ip: '203.0.113.10' }] } },
  );
  assert.deepEqual(serviceStrategy.row!(s, NOW).cells, [
    'web',
    'LoadBalancer',
    '10.96.12.34',
    '203.0.113.10,lb.example.com',
    '80:30080/TCP,53:31053/UDP',
    '2d',
    'app=shop,tier=web',
  ]);
  const pending = svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.9'], ports: [{ port: 443, protocol: 'TCP', nodePort: 32000 }] });
  assert.deepEqual(serviceStrategy.row!(pending, NOW).cells.slice(3, 5), ['<pending>', '443:32000/TCP']);
  const withExternal = svc({ type: 'LoadBalancer', externalIPs: ['1.2.3.4'], ports: [] }, { loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } });
  assert.equal(serviceStrategy.row!(withExternal, NOW).cells[3], '5.6.7.8,1.2.3.4');
});

test('ClusterIP, headless and ExternalName rows', () => {
  const c = svc({ type: 'ClusterIP', clusterIPs: ['10.96.0.10'], ports: [{ port: 53, protocol: 'UDP' }] });
  assert.deepEqual(serviceStrategy.row!(c, NOW).cells, ['web', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP', '2d', '<none>']);
  const h = svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] });
  assert.deepEqual(serviceStrategy.row!(h, NOW).cells.slice(2, 5), ['None', '<none>', '<none>']);
  const e = svc({ type: 'ExternalName', externalName: 'db.example.com' });
  assert.deepEqual(serviceStrategy.row!(e, NOW).cells.slice(1, 5), ['ExternalName', '<none>', 'db.example.com', '<none>']);
  const np = svc({ type: 'NodePort', clusterIPs: ['10.96.0.11'], externalIPs: ['192.0.2.1', '192.0.2.2'], ports: [{ port: 80, protocol: 'TCP', nodePort: 30001 }] });
  assert.deepEqual(serviceStrategy.row!(np, NOW).cells.slice(3, 5), ['192.0.2.1,192.0.2.2', '80:30001/TCP']);
});

test('create defaults', () => {
  const s: KObject = { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
  serviceStrategy.prepareForCreate!(s);
  assert.deepEqual(s.spec, {
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    sessionAffinity: 'None',
    type: 'ClusterIP',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
  assert.deepEqual(s.status, { loadBalancer: {} });
  assert.deepEqual(msgs(serviceStrategy.validate!(s)), []);

  const lb: KObject = { metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', clusterIP: '10.96.1.1', sessionAffinity: 'ClientIP', ports: [{ port: 443, targetPort: 'https' }] } };
  serviceStrategy.prepareForCreate!(lb);
  const spec = lb.spec as Record<string, any>;
  assert.equal(spec.externalTrafficPolicy, 'Cluster');
  assert.equal(spec.allocateLoadBalancerNodePorts, true);
  assert.deepEqual(spec.clusterIPs, ['10.96.1.1']);
  assert.deepEqual(spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  assert.equal(spec.ports[0].targetPort, 'https');

  const headless: KObject = { metadata: { name: 'h' }, spec: { clusterIP: 'None' } };
  serviceStrategy.prepareForCreate!(headless);
  assert.equal((headless.spec as any).ipFamilyPolicy, 'RequireDualStack');
  assert.deepEqual(msgs(serviceStrategy.validate!(headless)), []);

  const ext: KObject = { metadata: { name: 'x' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } };
  serviceStrategy.prepareForCreate!(ext);
  assert.equal((ext.spec as any).ipFamilyPolicy, undefined);
  assert.equal((ext.spec as any).internalTrafficPolicy, undefined);
});

test('validation messages', () => {
  const s: KObject = {
    metadata: { name: 'web' },
    spec: {
      type: 'Magic',
      ports: [
        { port: 80, nodePort: 30000 },
        { name: 'b', port: 80 },
        { name: 'c', port: 0, protocol: 'HTTP' },
      ],
    },
  };
  serviceStrategy.prepareForCreate!(s);
  assert.deepEqual(msgs(serviceStrategy.validate!(s)), [
    'spec.ports[0].name: Required value',
    'spec.ports[2].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[2].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    'spec.ports[2].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    'spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,"NodePort":0}',
  ]);

  const cip: KObject = { metadata: { name: 'web' }, spec: { ports: [{ port: 80, nodePort: 30080 }] } };
  serviceStrategy.prepareForCreate!(cip);
  assert.deepEqual(msgs(serviceStrategy.validate!(cip)), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);

  const noPorts: KObject = { metadata: { name: 'web' }, spec: {} };
  serviceStrategy.prepareForCreate!(noPorts);
  assert.deepEqual(msgs(serviceStrategy.validate!(noPorts)), ['spec.ports: Required value']);

  const ext: KObject = { metadata: { name: 'x' }, spec: { type: 'ExternalName' } };
  serviceStrategy.prepareForCreate!(ext);
  assert.deepEqual(msgs(serviceStrategy.validate!(ext)), ['spec.externalName: Required value']);
  assert.equal(serviceStrategy.nameRule, 'dns1035');
});

test('update keeps allocated values and rejects a new cluster IP', () => {
  const old: KObject = { metadata: { name: 'web' }, spec: { type: 'NodePort', ports: [{ name: 'http', port: 80 }] } };
  serviceStrategy.prepareForCreate!(old);
  Object.assign(old.spec as object, { clusterIP: '10.96.3.3', clusterIPs: ['10.96.3.3'] });
  (old.spec as any).ports[0].nodePort = 30123;

  const replace: KObject = { metadata: { name: 'web' }, spec: { type: 'NodePort', ports: [{ name: 'http', port: 80 }] }, status: old.status };
  serviceStrategy.prepareForUpdate!(replace, old);
  const spec = replace.spec as Record<string, any>;
  assert.equal(spec.clusterIP, '10.96.3.3');
  assert.deepEqual(spec.clusterIPs, ['10.96.3.3']);
  assert.equal(spec.ports[0].nodePort, 30123);
  assert.deepEqual(msgs(serviceStrategy.validateUpdate!(replace, old)), []);

  const moved = structuredClone(old);
  Object.assign(moved.spec as object, { clusterIP: '10.96.4.4', clusterIPs: ['10.96.4.4'] });
  serviceStrategy.prepareForUpdate!(moved, old);
  assert.deepEqual(msgs(serviceStrategy.validateUpdate!(moved, old)), [
    'spec.clusterIPs[0]: Invalid value: ["10.96.4.4"]: may not change once set',
  ]);

  const toClusterIP = structuredClone(old);
  (toClusterIP.spec as any).type = 'ClusterIP';
  serviceStrategy.prepareForUpdate!(toClusterIP, old);
  assert.equal((toClusterIP.spec as any).ports[0].nodePort, undefined);
  assert.equal((toClusterIP.spec as any).externalTrafficPolicy, undefined);
  assert.deepEqual(msgs(serviceStrategy.validate!(toClusterIP)), []);
});

test('field selectors', () => {
  const s = svc({ type: 'ClusterIP', clusterIP: '10.96.0.10' });
  assert.equal(serviceStrategy.fieldSelectors!['spec.clusterIP']!(s), '10.96.0.10');
  assert.equal(serviceStrategy.fieldSelectors!['spec.type']!(s), 'ClusterIP');
});
