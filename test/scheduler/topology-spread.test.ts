// Pod topology spread against a real API server: DoNotSchedule constraints (maxSkew, minDomains,
// nodeAffinityPolicy, nodeTaintsPolicy, matchLabelKeys, the missing-label reason), ScheduleAnyway
// scoring, and the system default spreading of pods a Service selects. Each test brings its own
// agent-less nodes; the layouts make the resource scores prefer the node spreading must avoid.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1TopologySpreadConstraint } from '@kubernetes/client-node';
import { startNodesCluster, type NodesCluster } from '../kubelet/cluster.ts';
import { boundNode, cleanup, create, createNodes, fit, namespace, pinned, pod, unschedulable } from './helpers.ts';

let c: NodesCluster;

before(async () => {
  c = await startNodesCluster({ nodes: [] });
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 30_000 };
const ZONE = 'topology.kubernetes.io/zone';

function spread(labels: Record<string, string>, extra: Partial<V1TopologySpreadConstraint> = {}): V1TopologySpreadConstraint {
  return { maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: labels }, ...extra };
}

/** `count` filler pods (matching nothing) pinned to the node. */
function fillers(prefix: string, node: string, count: number) {
  return Array.from({ length: count }, (_, i) => pinned(`${prefix}-${i}`, { role: 'filler' }, node));
}

describe('pod topology spread', () => {
  it('DoNotSchedule: the pod goes to the zone with fewer matching pods, not to the emptier node', T, async () => {
    const ns = await namespace(c.core, 'pts');
    const [za, zb] = ['pts-skew-a', 'pts-skew-b'];
    await createNodes(c.core, [
      { name: za, labels: { [ZONE]: 'a' } },
      { name: zb, labels: { [ZONE]: 'b' } },
    ]);
    try {
      await create(c.core, ns, ...fillers('f', za, 3), pinned('s0', { app: 's' }, zb));
      await create(c.core, ns, pod('s1', { app: 's' }, { topologySpreadConstraints: [spread({ app: 's' })] }));
      assert.equal(await boundNode(c.core, ns, 's1'), za);
      // Zone b only: with the default nodeAffinityPolicy (Honor) zone a is no domain for this pod.
      await create(c.core, ns, pod('s2', { app: 's' }, { nodeSelector: { [ZONE]: 'b' }, topologySpreadConstraints: [spread({ app: 's' })] }));
      assert.equal(await boundNode(c.core, ns, 's2'), zb);
      // Ignoring node affinity, zone a counts again (1 pod) and zone b (2) would go to 3.
      await create(c.core, ns, pod('s3', { app: 's' }, { nodeSelector: { [ZONE]: 'b' }, topologySpreadConstraints: [spread({ app: 's' }, { nodeAffinityPolicy: 'Ignore' })] }));
      await unschedulable(
        c.core,
        ns,
        's3',
        fit(2, "1 node(s) didn't match Pod's node affinity/selector, 1 node(s) didn't match pod topology spread constraints", '1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling'),
      );
    } finally {
      await cleanup(c.core, [ns], [za, zb]);
    }
  });

  it('a node without the topology key is rejected with the missing-label reason', T, async () => {
    const ns = await namespace(c.core, 'pts');
    const nodes = ['pts-label-a', 'pts-label-b', 'pts-label-none'];
    await createNodes(c.core, [{ name: nodes[0]!, labels: { [ZONE]: 'a' } }, { name: nodes[1]!, labels: { [ZONE]: 'b' } }, { name: nodes[2]! }]);
    try {
      await create(c.core, ns, pod('nolabel', { app: 'x' }, { nodeSelector: { 'kubernetes.io/hostname': nodes[2]! }, topologySpreadConstraints: [spread({ app: 'x' })] }));
      await unschedulable(
        c.core,
        ns,
        'nolabel',
        fit(3, "1 node(s) didn't match pod topology spread constraints (missing required label), 2 node(s) didn't match Pod's node affinity/selector", '3 Preemption is not helpful for scheduling'),
      );
    } finally {
      await cleanup(c.core, [ns], nodes);
    }
  });

  it('minDomains above the number of zones holds every zone to maxSkew pods', T, async () => {
    const ns = await namespace(c.core, 'pts');
    const nodes = ['pts-min-a', 'pts-min-b'];
    await createNodes(c.core, [
      { name: nodes[0]!, labels: { [ZONE]: 'a' } },
      { name: nodes[1]!, labels: { [ZONE]: 'b' } },
    ]);
    try {
      const member = (name: string) => pod(name, { app: 'm' }, { topologySpreadConstraints: [spread({ app: 'm' }, { minDomains: 3 })] });
      for (const name of ['m1', 'm2']) {
        await create(c.core, ns, member(name));
        await boundNode(c.core, ns, name);
      }
      assert.deepEqual(new Set(await Promise.all(['m1', 'm2'].map((n) => boundNode(c.core, ns, n)))), new Set(nodes));
      await create(c.core, ns, member('m3'));
      await unschedulable(c.core, ns, 'm3', fit(2, "2 node(s) didn't match pod topology spread constraints", '2 No preemption victims found for incoming pod'));
    } finally {
      await cleanup(c.core, [ns], nodes);
    }
  });

  it('nodeTaintsPolicy Honor leaves a zone of untolerated nodes out; Ignore counts it as an empty domain', T, async () => {
    const ns = await namespace(c.core, 'pts');
    const nodes = ['pts-taint-a', 'pts-taint-c'];
    await createNodes(c.core, [
      { name: nodes[0]!, labels: { [ZONE]: 'a' } },
      { name: nodes[1]!, labels: { [ZONE]: 'c' }, taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] },
    ]);
    try {
      const honor = (name: string) => pod(name, { app: 'h' }, { topologySpreadConstraints: [spread({ app: 'h' }, { nodeTaintsPolicy: 'Honor' })] });
      await create(c.core, ns, honor('h1'), honor('h2'));
      assert.equal(await boundNode(c.core, ns, 'h1'), nodes[0]);
      assert.equal(await boundNode(c.core, ns, 'h2'), nodes[0]);
      const ignore = (name: string) => pod(name, { app: 'i' }, { topologySpreadConstraints: [spread({ app: 'i' })] });
      await create(c.core, ns, ignore('i1'));
      assert.equal(await boundNode(c.core, ns, 'i1'), nodes[0]);
      await create(c.core, ns, ignore('i2'));
      await unschedulable(
        c.core,
        ns,
        'i2',
        fit(2, "1 node(s) didn't match pod topology spread constraints, 1 node(s) had untolerated taint(s)", '1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling'),
      );
    } finally {
      await cleanup(c.core, [ns], nodes);
    }
  });

  it('matchLabelKeys narrows the counted pods to those with the same value', T, async () => {
    const ns = await namespace(c.core, 'pts');
    const [za, zb] = ['pts-keys-a', 'pts-keys-b'];
    await createNodes(c.core, [
      { name: za, labels: { [ZONE]: 'a' } },
      { name: zb, labels: { [ZONE]: 'b' } },
    ]);
    try {
      // Two old-revision pods in zone b; counting them would force zone a. Zone b is the idler node.
      await create(c.core, ns, ...fillers('f', za, 4), pinned('old1', { app: 'k', rev: '1' }, zb), pinned('old2', { app: 'k', rev: '1' }, zb));
      await create(c.core, ns, pod('new1', { app: 'k', rev: '2' }, { topologySpreadConstraints: [spread({ app: 'k' }, { matchLabelKeys: ['rev'] })] }));
      assert.equal(await boundNode(c.core, ns, 'new1'), zb);
    } finally {
      await cleanup(c.core, [ns], [za, zb]);
    }
  });

  it('ScheduleAnyway prefers the zone with fewer matching pods', T, async () => {
    const ns = await namespace(c.core, 'pts');
    const [za, zb] = ['pts-soft-a', 'pts-soft-b'];
    await createNodes(c.core, [
      { name: za, labels: { [ZONE]: 'a' } },
      { name: zb, labels: { [ZONE]: 'b' } },
    ]);
    try {
      await create(c.core, ns, pinned('w1', { app: 'w' }, za), pinned('w2', { app: 'w' }, za), ...fillers('f', zb, 3));
      await create(c.core, ns, pod('w3', { app: 'w' }, { topologySpreadConstraints: [spread({ app: 'w' }, { whenUnsatisfiable: 'ScheduleAnyway' })] }));
      assert.equal(await boundNode(c.core, ns, 'w3'), zb);
    } finally {
      await cleanup(c.core, [ns], [za, zb]);
    }
  });

  it('pods a Service selects are spread by default (hostname maxSkew 3, zone maxSkew 5)', T, async () => {
    const ns = await namespace(c.core, 'pts');
    const [n1, n2] = ['pts-default-1', 'pts-default-2'];
    await createNodes(c.core, [{ name: n1 }, { name: n2 }]);
    try {
      await c.core.createNamespacedService({ namespace: ns, body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } });
      // Three selected pods on n1, four others on n2: by resources alone n1 is the idler node.
      await create(c.core, ns, ...['w1', 'w2', 'w3'].map((n) => pinned(n, { app: 'web' }, n1)), ...fillers('f', n2, 4));
      await create(c.core, ns, pod('w4', { app: 'web' }));
      assert.equal(await boundNode(c.core, ns, 'w4'), n2);
      // A pod no Service or controller selects is left to the resource scores.
      await create(c.core, ns, pod('loner', { app: 'loner' }));
      assert.equal(await boundNode(c.core, ns, 'loner'), n1);
    } finally {
      await cleanup(c.core, [ns], [n1, n2]);
    }
  });
});
