import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/api/types.ts';
import { nodeStrategy } from '../../../src/registry/core/nodes.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const msgs = (errs: { toString(): string }[]) => errs.map((e) => e.toString());

function node(labels: Record<string, string>, spec: Record<string, unknown>, status: Record<string, unknown>): KObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels, creationTimestamp: '2024-04-01T12:00:00Z' }, spec, status };
}

test('node columns', () => {
  assert.deepEqual(
    nodeStrategy.columns!.map((c) => [c.name, c.priority]),
    [
      ['Name', 0],
      ['Status', 0],
      ['Roles', 0],
      ['Age', 0],
      ['Version', 0],
      ['Internal-IP', 1],
      ['External-IP', 1],
      ['OS-Image', 1],
      ['Kernel-Version', 1],
      ['Container-Runtime', 1],
    ],
  );
});

test('NotReady,SchedulingDisabled node with roles', () => {
  const n = node(
    { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'infra', 'node-role.kubernetes.io/': 'x' },
    { unschedulable: true },
    {
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        { type: 'Ready', status: 'False' },
      ],
      addresses: [
        { type: 'Hostname', address: 'node-1' },
        { type: 'InternalIP', address: '172.18.0.2' },
      ],
      nodeInfo: { kubeletVersion: 'v1.33.1', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://1.7.0' },
    },
  );
  assert.deepEqual(nodeStrategy.row!(n, NOW).cells, [
    'node-1',
    'NotReady,SchedulingDisabled',
    'control-plane,infra,worker',
    '30d',
    'v1.33.1',
    '172.18.0.2',
    '<none>',
    'Debian GNU/Linux 12',
    '6.8.0',
    'containerd://1.7.0',
  ]);
});

test('ready and unknown nodes', () => {
  const ready = node({}, {}, { conditions: [{ type: 'Ready', status: 'True' }] });
  assert.deepEqual(nodeStrategy.row!(ready, NOW).cells.slice(1, 3), ['Ready', '<none>']);
  const unknown = node({}, {}, {});
  assert.deepEqual(nodeStrategy.row!(unknown, NOW).cells.slice(1, 10), ['Unknown', '<none>', '30d', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
});

test('create defaults', () => {
  const n: KObject = { metadata: { name: 'n' }, spec: { podCIDR: '10.244.1.0/24' }, status: { capacity: { cpu: '4', pods: '110' } } };
  nodeStrategy.prepareForCreate!(n);
  assert.deepEqual((n.spec as any).podCIDRs, ['10.244.1.0/24']);
  const status = n.status as Record<string, any>;
  assert.deepEqual(status.allocatable, { cpu: '4', pods: '110' });
  assert.deepEqual(status.daemonEndpoints, { kubeletEndpoint: { Port: 0 } });
  assert.equal(status.nodeInfo.kubeletVersion, '');
  assert.equal(status.nodeInfo.machineID, '');
});

test('taints and update rules', () => {
  const n: KObject = {
    metadata: { name: 'n' },
    spec: { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'Sometimes' }, { key: 'c' }] },
  };
  assert.deepEqual(msgs(nodeStrategy.validate!(n)), [
    'metadata.taints[1]: Duplicate value: {"Key":"a","Value":"","Effect":"NoSchedule","TimeAdded":null}: taints must be unique by key and effect pair',
    'metadata.taints[2].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    'metadata.taints[3].effect: Required value',
  ]);
  const old: KObject = { metadata: { name: 'n' }, spec: { podCIDRs: ['10.0.0.0/24'], providerID: 'kind://a' } };
  const next: KObject = { metadata: { name: 'n' }, spec: { podCIDRs: ['10.0.1.0/24'], providerID: 'kind://b' } };
  assert.deepEqual(msgs(nodeStrategy.validateUpdate!(next, old)), [
    'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
  ]);
});

test('field selector spec.unschedulable', () => {
  const get = nodeStrategy.fieldSelectors!['spec.unschedulable']!;
  assert.equal(get(node({}, { unschedulable: true }, {})), 'true');
  assert.equal(get(node({}, {}, {})), 'false');
});
