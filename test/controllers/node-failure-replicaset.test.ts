// End to end: a ReplicaSet's pods on a node that dies are evicted by the taint eviction controller once
// their (short) toleration of the unreachable taint runs out, and the ReplicaSet controller replaces
// them on the node that is left.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, type V1Pod } from '@kubernetes/client-node';
import { startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;
const NS = 'default';

before(async () => {
  c = await startNodesCluster({
    nodes: ['r1', 'r2'],
    controllers: ['replicaset-controller', 'node-lifecycle-controller', 'taint-eviction-controller'],
    controllerTimings: { nodeMonitorGracePeriodMs: 3000, nodeMonitorPeriodMs: 200, nodeEvictionRate: 100 },
  });
});

after(async () => {
  await c?.stop();
});

const ready = (p: V1Pod) => p.status?.conditions?.find((k) => k.type === 'Ready')?.status === 'True';

describe('a node failure under a ReplicaSet', () => {
  it('evicts the pods of the dead node and the ReplicaSet recreates them elsewhere', { timeout: 60_000 }, async () => {
    const apps = c.kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedReplicaSet({
      namespace: NS,
      body: {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'web' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              containers: [{ name: 'app', image: 'nginx:1.27' }],
              tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }],
            },
          },
        },
      },
    });
    const list = async () => (await c.core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' })).items;
    const first = await waitFor('3 ready pods', async () => {
      const pods = await list();
      return pods.length === 3 && pods.every(ready) ? pods : undefined;
    });
    const dead = first[0]!.spec!.nodeName!;
    const alive = dead === 'r1' ? 'r2' : 'r1';
    const onDead = first.filter((p) => p.spec?.nodeName === dead).map((p) => p.metadata!.name!);

    await c.host.stopNode(dead);
    const after = await waitFor(
      'the pods of the dead node evicted and replaced on the other one',
      async () => {
        const pods = await list();
        const evicted = pods.filter((p) => onDead.includes(p.metadata!.name!));
        const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
        const done = evicted.length === onDead.length && evicted.every((p) => p.metadata?.deletionTimestamp) && live.length === 3 && live.every((p) => p.spec?.nodeName === alive && ready(p));
        return done ? pods : undefined;
      },
      40_000,
    );
    for (const p of after.filter((x) => onDead.includes(x.metadata!.name!))) {
      assert.equal(p.status?.conditions?.find((k) => k.type === 'DisruptionTarget')?.reason, 'DeletionByTaintManager', p.metadata?.name);
    }
  });
});
