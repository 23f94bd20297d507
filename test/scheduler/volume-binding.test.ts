// VolumeBinding against a real API server (no storage classes, no PV controller): a missing claim and
// an unbound claim keep the pod Pending with upstream's PreFilter messages until the claim exists and
// is bound; a bound claim's volume node affinity decides the node.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PatchStrategy, setHeaderOptions, type V1Volume } from '@kubernetes/client-node';
import { startNodesCluster, type NodesCluster } from '../kubelet/cluster.ts';
import { Priorities, boundNode, cleanup, create, createNodes, fit, namespace, pod, unschedulable } from './helpers.ts';

let c: NodesCluster;

before(async () => {
  c = await startNodesCluster({ nodes: [] });
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 30_000 };
const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function claimVolume(claimName: string): V1Volume {
  return { name: 'data', persistentVolumeClaim: { claimName } };
}

async function createPV(name: string, node: string): Promise<void> {
  await c.core.createPersistentVolume({
    body: {
      metadata: { name },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        hostPath: { path: `/tmp/${name}` },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
      },
    },
  });
}

async function createPVC(ns: string, name: string, volumeName?: string): Promise<void> {
  await c.core.createNamespacedPersistentVolumeClaim({
    namespace: ns,
    body: { metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...(volumeName ? { volumeName } : {}) } },
  });
}

/** What the PV controller would do once it has bound the claim. */
async function markBound(ns: string, name: string): Promise<void> {
  await c.core.patchNamespacedPersistentVolumeClaimStatus({ name, namespace: ns, body: { status: { phase: 'Bound' } } }, MERGE);
}

const notHelpful = (n: number, what: string) => `0/${n} nodes are available: ${what}. preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`;

describe('volume binding', () => {
  it('waits for the claim to exist and to be bound, then follows the volume to its node', T, async () => {
    const ns = await namespace(c.core, 'vol');
    const nodes = ['vol-wait-1', 'vol-wait-2'];
    await createNodes(c.core, nodes.map((name) => ({ name })));
    try {
      await create(c.core, ns, pod('app', { app: 'app' }, { volumes: [claimVolume('data')] }));
      await unschedulable(c.core, ns, 'app', notHelpful(2, 'persistentvolumeclaim "data" not found'));
      // The claim appears, pointing at a volume but not bound yet: the pod is retried and still waits.
      await createPV('vol-wait-pv', nodes[1]!);
      await createPVC(ns, 'data', 'vol-wait-pv');
      await unschedulable(c.core, ns, 'app', notHelpful(2, 'pod has unbound immediate PersistentVolumeClaims'));
      await markBound(ns, 'data');
      assert.equal(await boundNode(c.core, ns, 'app'), nodes[1]);
    } finally {
      await cleanup(c.core, [ns], nodes);
      await c.core.deletePersistentVolume({ name: 'vol-wait-pv' });
    }
  });

  it("a bound volume's node affinity rules out the other nodes", T, async () => {
    const ns = await namespace(c.core, 'vol');
    const nodes = ['vol-aff-1', 'vol-aff-2', 'vol-aff-3'];
    await createNodes(c.core, nodes.map((name) => ({ name })));
    try {
      await createPV('vol-aff-pv', nodes[0]!);
      await createPVC(ns, 'data', 'vol-aff-pv');
      await markBound(ns, 'data');
      await create(c.core, ns, pod('elsewhere', { app: 'x' }, { volumes: [claimVolume('data')], nodeSelector: { 'kubernetes.io/hostname': nodes[1]! } }));
      await unschedulable(
        c.core,
        ns,
        'elsewhere',
        fit(3, "1 node(s) didn't match PersistentVolume's node affinity, 2 node(s) didn't match Pod's node affinity/selector", '3 Preemption is not helpful for scheduling'),
      );
      await create(c.core, ns, pod('follower', { app: 'x' }, { volumes: [claimVolume('data')] }));
      assert.equal(await boundNode(c.core, ns, 'follower'), nodes[0]);
    } finally {
      await cleanup(c.core, [ns], nodes);
      await c.core.deletePersistentVolume({ name: 'vol-aff-pv' });
    }
  });

  it('preemptionPolicy Never is reported instead of the preemption verdict', T, async () => {
    const ns = await namespace(c.core, 'vol');
    const nodes = ['vol-never-1'];
    await createNodes(c.core, nodes.map((name) => ({ name })));
    try {
      const spec = await new Priorities(c.kc).spec(0, 'Never');
      await create(c.core, ns, pod('never', { app: 'x' }, { ...spec, volumes: [claimVolume('missing')] }));
      await unschedulable(c.core, ns, 'never', '0/1 nodes are available: persistentvolumeclaim "missing" not found. preemption: not eligible due to preemptionPolicy=Never.');
    } finally {
      await cleanup(c.core, [ns], nodes);
    }
  });
});

