// Zone disruption, as upstream's node lifecycle controller: when every node of the cluster stops
// reporting (a control-plane network problem looks exactly like that), nodes get the unreachable
// NoSchedule taint but no NoExecute taint, so nothing is evicted; once one node is back, the others
// still silent are tainted NoExecute and their pods evicted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { pod, startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;
const NS = 'default';
const UNREACHABLE = 'node.kubernetes.io/unreachable';
const MONITOR_PERIOD_MS = 100;

before(async () => {
  c = await startNodesCluster({
    nodes: ['d1', 'd2'],
    controllers: ['node-lifecycle-controller', 'taint-eviction-controller'],
    controllerTimings: { nodeMonitorGracePeriodMs: 2000, nodeMonitorPeriodMs: MONITOR_PERIOD_MS, nodeEvictionRate: 100 },
  });
});

after(async () => {
  await c?.stop();
});

const ready = (x: V1Node | V1Pod) => x.status?.conditions?.find((k) => k.type === 'Ready')?.status;
const hasTaint = (n: V1Node, effect: string) => (n.spec?.taints ?? []).some((t) => t.key === UNREACHABLE && t.effect === effect);

describe('zone disruption', () => {
  it('evicts nothing while every node is silent, and resumes once one is back', { timeout: 60_000 }, async () => {
    await waitFor('both nodes Ready', async () => (await c.core.listNode()).items.filter((n) => ready(n) === 'True').length === 2);
    // The two agents stop together, but their last lease renewals may lie a monitor period or more apart on
    // a busy host: the first node to go silent is briefly NoExecute-tainted (the zone is still Normal) until
    // the second joins it and full disruption takes every taint off again. A few seconds of toleration ride
    // out that window, as they would for staggered failures on a real cluster.
    const body = pod('victim', { nodeName: 'd2', tolerations: [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 3 }] });
    await c.core.createNamespacedPod({ namespace: NS, body });
    await waitFor('victim Ready', async () => ready(await c.core.readNamespacedPod({ name: 'victim', namespace: NS })) === 'True');

    await Promise.all([c.host.stopNode('d1'), c.host.stopNode('d2')]);
    await waitFor('both nodes Unknown with the NoSchedule taint', async () => {
      const nodes = (await c.core.listNode()).items;
      return nodes.every((n) => ready(n) === 'Unknown' && hasTaint(n, 'NoSchedule'));
    });
    // Many monitor periods later: still no NoExecute taint, the pod is still there.
    await new Promise((r) => setTimeout(r, 30 * MONITOR_PERIOD_MS));
    for (const n of (await c.core.listNode()).items) assert.equal(hasTaint(n, 'NoExecute'), false, `${n.metadata?.name} tainted NoExecute in full disruption`);
    assert.equal((await c.core.readNamespacedPod({ name: 'victim', namespace: NS })).metadata?.deletionTimestamp, undefined);

    await c.host.addNode('d1');
    const d2 = await waitFor('d2 tainted NoExecute once d1 is back', async () => {
      const n = await c.core.readNode({ name: 'd2' });
      return hasTaint(n, 'NoExecute') ? n : undefined;
    });
    assert.equal(ready(d2), 'Unknown');
    await waitFor('the victim evicted', async () => !!(await c.core.readNamespacedPod({ name: 'victim', namespace: NS })).metadata?.deletionTimestamp);
    const d1 = await c.core.readNode({ name: 'd1' });
    assert.equal(hasTaint(d1, 'NoExecute'), false);
  });
});
