// Preemption and PodDisruptionBudgets against a real API server and hollow nodes: of two nodes where
// one victim would make room, the scheduler prefers the one whose victim no budget protects, even when
// the protected victim is the less important pod (upstream: fewest PDB violations is the first rule of
// pickOneNodeForPreemption, and SelectVictimsOnNode reprieves violating victims first).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PolicyV1Api } from '@kubernetes/client-node';
import { startNodesCluster, type NodesCluster } from '../kubelet/cluster.ts';
import { Priorities, boundNode, cpu, create, namespace, pod, readyNodes } from './helpers.ts';

let c: NodesCluster;
let priorities: Priorities;

before(async () => {
  c = await startNodesCluster({
    nodes: [
      { name: 'pdb-1', cpu: '2', labels: { group: 'pdb' } },
      { name: 'pdb-2', cpu: '2', labels: { group: 'pdb' } },
    ],
  });
  priorities = new Priorities(c.kc);
  await readyNodes(c.core, 2);
});

after(async () => {
  await c?.stop();
});

const HOST = 'kubernetes.io/hostname';

describe('preemption with PodDisruptionBudgets', () => {
  it('picks the node whose victim no budget protects', { timeout: 40_000 }, async () => {
    const n = await namespace(c.core, 'pdb');
    const policy = c.kc.makeApiClient(PolicyV1Api);
    const made = await policy.createNamespacedPodDisruptionBudget({
      namespace: n,
      body: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'guarded' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } } },
    });
    // What the disruption controller would report for one healthy pod that must stay.
    await policy.replaceNamespacedPodDisruptionBudgetStatus({
      name: 'guarded',
      namespace: n,
      body: { ...made, status: { observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } },
    });

    await create(
      c.core,
      n,
      pod('guarded', { app: 'guarded' }, { ...(await priorities.spec(5)), ...cpu('1500m'), nodeSelector: { [HOST]: 'pdb-1' }, terminationGracePeriodSeconds: 0 }),
      pod('free', { app: 'free' }, { ...(await priorities.spec(10)), ...cpu('1500m'), nodeSelector: { [HOST]: 'pdb-2' }, terminationGracePeriodSeconds: 0 }),
    );
    assert.equal(await boundNode(c.core, n, 'guarded'), 'pdb-1');
    assert.equal(await boundNode(c.core, n, 'free'), 'pdb-2');

    // Without the budget, pdb-1 would win: its victim has the lower priority.
    await create(c.core, n, pod('high', { app: 'high' }, { ...(await priorities.spec(1000)), ...cpu('1500m'), nodeSelector: { group: 'pdb' } }));
    assert.equal(await boundNode(c.core, n, 'high', 30_000), 'pdb-2');
    const guarded = await c.core.readNamespacedPod({ name: 'guarded', namespace: n });
    assert.equal(guarded.metadata?.deletionTimestamp, undefined);
    assert.equal(guarded.spec?.nodeName, 'pdb-1');
  });
});
