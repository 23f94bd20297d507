// The ReplicaSet and ReplicationController controllers against a real API server, scheduler and hollow
// nodes: pods created to match replicas (with ownerReferences and SuccessfulCreate events), replaced
// when deleted, the most expendable deleted first on scale-down, orphans adopted and non-matching pods
// released, never more pods than asked for, status with readiness and minReadySeconds, ReplicaFailure.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, Watch, type CoreV1Event, type V1Pod, type V1ReplicaSet } from '@kubernetes/client-node';
import { pod, startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;
let apps: AppsV1Api;

before(async () => {
  c = await startNodesCluster({ nodes: ['node-1', 'node-2'], controllers: ['replicaset-controller', 'replicationcontroller-controller'] });
  apps = c.kc.makeApiClient(AppsV1Api);
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 60_000 };
const NS = 'default';
const FAIL_READINESS = 'sim.wheelhouse.io/fail-readiness';

function rs(name: string, replicas: number, opts: { minReadySeconds?: number; annotations?: Record<string, string>; priorityClassName?: string } = {}): V1ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name },
    spec: {
      replicas,
      minReadySeconds: opts.minReadySeconds,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, tier: 'web' }, annotations: opts.annotations },
        spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], priorityClassName: opts.priorityClassName },
      },
    },
  };
}

async function podsOf(uid: string): Promise<V1Pod[]> {
  const all = (await c.core.listNamespacedPod({ namespace: NS })).items;
  return all.filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === uid && r.controller));
}

async function events(name: string): Promise<CoreV1Event[]> {
  return (await c.core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` })).items;
}

const ready = (p: V1Pod) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;

async function readyStatus(name: string, n: number): Promise<V1ReplicaSet> {
  return waitFor(`${name} ${n} ready`, async () => {
    const s = await apps.readNamespacedReplicaSet({ name, namespace: NS });
    const st = s.status;
    return st?.replicas === n && st.readyReplicas === n && st.availableReplicas === n && st.observedGeneration === s.metadata?.generation ? s : undefined;
  });
}

describe('ReplicaSet controller', () => {
  it('creates the pods, with owner references, events and status', T, async () => {
    const created = await apps.createNamespacedReplicaSet({ namespace: NS, body: rs('web', 3) });
    const uid = created.metadata!.uid!;
    const s = await readyStatus('web', 3);
    assert.equal(s.status?.fullyLabeledReplicas, 3);
    const pods = await podsOf(uid);
    assert.equal(pods.length, 3);
    for (const p of pods) {
      assert.match(p.metadata!.name!, /^web-[a-z0-9]{5}$/);
      assert.equal(p.metadata?.generateName, 'web-');
      assert.deepEqual(p.metadata?.labels, { app: 'web', tier: 'web' });
      assert.deepEqual(
        p.metadata?.ownerReferences?.map((r) => ({ ...r })),
        [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid, controller: true, blockOwnerDeletion: true }],
      );
    }
    const evs = await waitFor('3 SuccessfulCreate events', async () => {
      const e = (await events('web')).filter((x) => x.reason === 'SuccessfulCreate');
      return e.length === 3 ? e : undefined;
    });
    assert.deepEqual(evs.map((e) => e.message).sort(), pods.map((p) => `Created pod: ${p.metadata!.name}`).sort());
    assert.ok(evs.every((e) => e.source?.component === 'replicaset-controller' && e.type === 'Normal' && e.involvedObject.kind === 'ReplicaSet'));
  });

  it('replaces a deleted pod', T, async () => {
    const s = await apps.readNamespacedReplicaSet({ name: 'web', namespace: NS });
    const [victim] = await podsOf(s.metadata!.uid!);
    await c.core.deleteNamespacedPod({ name: victim!.metadata!.name!, namespace: NS });
    await waitFor('a replacement', async () => {
      const pods = (await podsOf(s.metadata!.uid!)).filter((p) => !p.metadata?.deletionTimestamp);
      return pods.length === 3 && !pods.some((p) => p.metadata?.name === victim!.metadata!.name) && pods.every(ready);
    });
    await readyStatus('web', 3);
  });

  it('adopts a matching orphan, and on scale-down deletes the not-ready pod first', T, async () => {
    const s = await apps.readNamespacedReplicaSet({ name: 'web', namespace: NS });
    const uid = s.metadata!.uid!;
    // An orphan that matches the selector and never becomes ready: adopted (4 > 3), then the surplus one deleted is it.
    const orphan = pod('web-orphan', {}, { [FAIL_READINESS]: 'true' });
    orphan.metadata!.labels = { app: 'web' };
    await c.core.createNamespacedPod({ namespace: NS, body: orphan });
    await waitFor('orphan deleted after adoption', async () => {
      const evs = await events('web');
      return evs.some((e) => e.reason === 'SuccessfulDelete' && e.message === 'Deleted pod: web-orphan');
    });
    const pods = (await podsOf(uid)).filter((p) => !p.metadata?.deletionTimestamp);
    assert.equal(pods.length, 3);
    assert.ok(!pods.some((p) => p.metadata?.name === 'web-orphan'));
    // Adoption patched the controller reference onto it before the delete.
    const evs = await events('web');
    assert.equal(evs.filter((e) => e.reason === 'SuccessfulCreate').length, 4, 'no pod created because of the orphan');
  });

  /** An orphan created before its set, adopted by a set of 1, then the set grown to 3 and shrunk to 2. */
  async function adoptThenShrink(name: string, orphan: V1Pod): Promise<{ uid: string; deleted: string[] }> {
    orphan.metadata!.labels = { app: name, tier: 'web' };
    await c.core.createNamespacedPod({ namespace: NS, body: orphan });
    const created = await apps.createNamespacedReplicaSet({ namespace: NS, body: rs(name, 1) });
    const uid = created.metadata!.uid!;
    const adopted = await waitFor('adopted', async () => {
      const p = await c.core.readNamespacedPod({ name: orphan.metadata!.name!, namespace: NS });
      return p.metadata?.ownerReferences?.length ? p : undefined;
    });
    assert.deepEqual(
      adopted.metadata!.ownerReferences!.map((r) => ({ ...r })),
      [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid, controller: true, blockOwnerDeletion: true }],
    );
    const scale = async (n: number) =>
      apps.patchNamespacedReplicaSetScale({ name, namespace: NS, body: { spec: { replicas: n } } }, (await import('../../src/client/clients.ts')).MERGE_PATCH);
    await scale(3);
    await waitFor('2 more ready pods', async () => (await podsOf(uid)).filter(ready).length === 2);
    await scale(2);
    const deleted = await waitFor('one pod deleted', async () => {
      const d = (await events(name)).filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message!);
      return d.length ? d : undefined;
    });
    await new Promise((r) => setTimeout(r, 300));
    const again = (await events(name)).filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message!);
    assert.equal((await events(name)).filter((e) => e.reason === 'SuccessfulCreate').length, 2, 'the adopted pod counted, two created');
    assert.deepEqual(again, deleted);
    return { uid, deleted };
  }

  it('scale-down deletes a not-ready pod before newer ready ones', T, async () => {
    const { deleted } = await adoptThenShrink('rank-ready', pod('rank-ready-old', {}, { [FAIL_READINESS]: 'true' }));
    assert.deepEqual(deleted, ['Deleted pod: rank-ready-old']);
  });

  it('scale-down deletes an unscheduled pod before newer running ones', T, async () => {
    const { deleted } = await adoptThenShrink('rank-pending', pod('rank-pending-old', { nodeSelector: { nowhere: 'true' } }));
    assert.deepEqual(deleted, ['Deleted pod: rank-pending-old']);
  });

  it('scale-down honours controller.kubernetes.io/pod-deletion-cost', T, async () => {
    const created = await apps.createNamespacedReplicaSet({ namespace: NS, body: rs('cost', 3) });
    await readyStatus('cost', 3);
    const pods = await podsOf(created.metadata!.uid!);
    // The oldest pod is the cheapest to delete; without the cost it would be the last choice.
    const oldest = pods.sort((a, b) => +a.metadata!.creationTimestamp! - +b.metadata!.creationTimestamp!)[0]!.metadata!.name!;
    const { MERGE_PATCH } = await import('../../src/client/clients.ts');
    await c.core.patchNamespacedPod({ name: oldest, namespace: NS, body: { metadata: { annotations: { 'controller.kubernetes.io/pod-deletion-cost': '-100' } } } }, MERGE_PATCH);
    await apps.patchNamespacedReplicaSetScale({ name: 'cost', namespace: NS, body: { spec: { replicas: 2 } } }, MERGE_PATCH);
    await readyStatus('cost', 2);
    const deletes = (await events('cost')).filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
    assert.deepEqual(deletes, [`Deleted pod: ${oldest}`]);
  });

  it('releases a pod whose labels stop matching and replaces it', T, async () => {
    const s = await apps.readNamespacedReplicaSet({ name: 'web', namespace: NS });
    const uid = s.metadata!.uid!;
    const [p] = (await podsOf(uid)).filter((x) => !x.metadata?.deletionTimestamp);
    const name = p!.metadata!.name!;
    await c.core.patchNamespacedPod(
      { name, namespace: NS, body: { metadata: { labels: { app: 'other' } } } },
      (await import('../../src/client/clients.ts')).MERGE_PATCH,
    );
    const released = await waitFor('released', async () => {
      const x = await c.core.readNamespacedPod({ name, namespace: NS });
      return (x.metadata?.ownerReferences ?? []).length === 0 ? x : undefined;
    });
    assert.equal(released.metadata?.labels?.app, 'other');
    await waitFor('replacement', async () => (await podsOf(uid)).filter((x) => !x.metadata?.deletionTimestamp && ready(x)).length === 3);
    await c.core.deleteNamespacedPod({ name, namespace: NS, gracePeriodSeconds: 0 });
  });

  it('never creates more pods than replicas (expectations)', T, async () => {
    const seen = new Set<string>();
    const w = new Watch(c.kc);
    const ac = await w.watch(
      `/api/v1/namespaces/${NS}/pods`,
      { labelSelector: 'app=burst' },
      (type, obj: V1Pod) => {
        if (type === 'ADDED') seen.add(obj.metadata!.name!);
      },
      () => {},
    );
    try {
      await apps.createNamespacedReplicaSet({ namespace: NS, body: rs('burst', 20) });
      await readyStatus('burst', 20);
      // Status and pod updates have kept the controller syncing; give it a little more time to misbehave.
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(seen.size, 20);
      const creates = (await events('burst')).filter((e) => e.reason === 'SuccessfulCreate');
      assert.equal(creates.reduce((n, e) => n + (e.count ?? 1), 0), 20);
    } finally {
      ac.abort();
    }
    await apps.deleteNamespacedReplicaSet({ name: 'burst', namespace: NS });
  });

  it('status: ready but not available until minReadySeconds; not-ready pods are not ready', T, async () => {
    await apps.createNamespacedReplicaSet({ namespace: NS, body: rs('slow', 2, { minReadySeconds: 2 }) });
    const early = await waitFor('ready, not yet available', async () => {
      const s = await apps.readNamespacedReplicaSet({ name: 'slow', namespace: NS });
      return s.status?.readyReplicas === 2 ? s : undefined;
    });
    assert.equal(early.status?.availableReplicas ?? 0, 0);
    await readyStatus('slow', 2);

    await apps.createNamespacedReplicaSet({ namespace: NS, body: rs('never', 2, { annotations: { [FAIL_READINESS]: 'true' } }) });
    const s = await waitFor('2 running unready replicas', async () => {
      const x = await apps.readNamespacedReplicaSet({ name: 'never', namespace: NS });
      const pods = await podsOf(x.metadata!.uid!);
      return x.status?.replicas === 2 && pods.every((p) => p.status?.phase === 'Running') && pods.length === 2 ? x : undefined;
    });
    assert.equal(s.status?.readyReplicas ?? 0, 0);
    assert.equal(s.status?.availableReplicas ?? 0, 0);
    assert.equal(s.status?.fullyLabeledReplicas, 2);
  });

  it('ReplicaFailure when pods cannot be created, cleared once they can', T, async () => {
    await apps.createNamespacedReplicaSet({ namespace: NS, body: rs('fail', 1, { priorityClassName: 'missing-class' }) });
    const s = await waitFor('ReplicaFailure', async () => {
      const x = await apps.readNamespacedReplicaSet({ name: 'fail', namespace: NS });
      return x.status?.conditions?.find((cd) => cd.type === 'ReplicaFailure') ? x : undefined;
    });
    const cond = s.status!.conditions!.find((cd) => cd.type === 'ReplicaFailure')!;
    assert.equal(cond.status, 'True');
    assert.equal(cond.reason, 'FailedCreate');
    assert.match(cond.message!, /^pods (?:"fail-[a-z0-9]*" )?is forbidden: no PriorityClass with name missing-class was found$/);
    const evs = await waitFor('FailedCreate event', async () => {
      const e = (await events('fail')).filter((x) => x.reason === 'FailedCreate');
      return e.length ? e : undefined;
    });
    assert.equal(evs[0]!.type, 'Warning');
    assert.equal(evs[0]!.message, `Error creating: ${cond.message}`);
    // Fix the template: the pod is created and the condition goes away.
    await apps.patchNamespacedReplicaSet(
      { name: 'fail', namespace: NS, body: { spec: { template: { spec: { priorityClassName: null } } } } },
      (await import('../../src/client/clients.ts')).MERGE_PATCH,
    );
    await waitFor('condition cleared', async () => {
      const x = await apps.readNamespacedReplicaSet({ name: 'fail', namespace: NS });
      return x.status?.readyReplicas === 1 && !x.status?.conditions?.some((cd) => cd.type === 'ReplicaFailure');
    }, 30_000);
  });
});

describe('ReplicationController controller', () => {
  it('creates, scales down and records events as replication-controller', T, async () => {
    const rc = await c.core.createNamespacedReplicationController({
      namespace: NS,
      body: {
        metadata: { name: 'legacy' },
        spec: {
          replicas: 3,
          selector: { app: 'legacy' },
          template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
        },
      },
    });
    const uid = rc.metadata!.uid!;
    await waitFor('3 ready', async () => {
      const x = await c.core.readNamespacedReplicationController({ name: 'legacy', namespace: NS });
      return x.status?.replicas === 3 && x.status.readyReplicas === 3 && x.status.availableReplicas === 3 && x.status.observedGeneration === x.metadata?.generation;
    });
    const pods = await podsOf(uid);
    assert.equal(pods.length, 3);
    assert.deepEqual(
      { ...pods[0]!.metadata!.ownerReferences![0]! },
      { apiVersion: 'v1', kind: 'ReplicationController', name: 'legacy', uid, controller: true, blockOwnerDeletion: true },
    );
    await c.core.patchNamespacedReplicationController(
      { name: 'legacy', namespace: NS, body: { spec: { replicas: 1 } } },
      (await import('../../src/client/clients.ts')).MERGE_PATCH,
    );
    await waitFor('1 replica', async () => {
      const x = await c.core.readNamespacedReplicationController({ name: 'legacy', namespace: NS });
      return x.status?.replicas === 1 && x.status.readyReplicas === 1;
    });
    const evs = await events('legacy');
    assert.equal(evs.filter((e) => e.reason === 'SuccessfulCreate').length, 3);
    const deletes = evs.filter((e) => e.reason === 'SuccessfulDelete');
    assert.equal(deletes.length, 2);
    assert.ok(evs.every((e) => e.source?.component === 'replication-controller' && e.involvedObject.kind === 'ReplicationController'));
    assert.ok(deletes.every((e) => /^Deleted pod: legacy-[a-z0-9]{5}$/.test(e.message!)));
  });
});
