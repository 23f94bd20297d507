// Priority and preemption against a real API server and hollow nodes (victims really terminate):
// the victim gets the DisruptionTarget condition, a graceful delete and a Preempted event; the
// preemptor is nominated, then bound once the victim is gone; preemptionPolicy Never does not
// preempt; the fewest, least important victims and the cheapest node are chosen.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { Watch, type V1Pod } from '@kubernetes/client-node';
import { startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';
import { Priorities, boundNode, cpu, create, fit, namespace, pod, readyNodes, unschedulable } from './helpers.ts';

let c: NodesCluster;
let priorities: Priorities;

before(async () => {
  c = await startNodesCluster({
    nodes: [
      { name: 'pre-1', cpu: '2', labels: { group: 'pre' } },
      { name: 'pre-2', cpu: '2', labels: { group: 'pre' } },
    ],
  });
  priorities = new Priorities(c.kc);
  await readyNodes(c.core, 2);
});

after(async () => {
  await c?.stop();
});

const namespaces: string[] = [];
afterEach(async () => {
  for (const ns of namespaces.splice(0)) await c.core.deleteCollectionNamespacedPod({ namespace: ns, gracePeriodSeconds: 0 });
  await waitFor('the nodes to be empty', async () => (await c.core.listPodForAllNamespaces()).items.every((p) => !p.spec?.nodeName?.startsWith('pre-')));
});

const T = { timeout: 40_000 };
const HOST = 'kubernetes.io/hostname';

async function ns(): Promise<string> {
  const name = await namespace(c.core, 'pre');
  namespaces.push(name);
  return name;
}

/** Every version of one pod the API shows from now on, through a watch. */
async function record(namespace: string, name: string): Promise<{ seen: { type: string; pod: V1Pod }[]; stop: () => void }> {
  const seen: { type: string; pod: V1Pod }[] = [];
  const ctl = await new Watch(c.kc).watch(
    `/api/v1/namespaces/${namespace}/pods`,
    { fieldSelector: `metadata.name=${name}` },
    (type, obj) => seen.push({ type, pod: obj as V1Pod }),
    () => {},
  );
  return { seen, stop: () => ctl.abort() };
}

/** A pod that takes its whole grace period to stop, so its preemption can be watched. */
function lingering(name: string, prio: Partial<NonNullable<V1Pod['spec']>>, request: string, node: string): V1Pod {
  const p = pod(name, { app: name }, { ...prio, ...cpu(request), nodeSelector: { [HOST]: node }, terminationGracePeriodSeconds: 2 });
  p.metadata!.annotations = { 'sim.wheelhouse.io/ignore-sigterm': 'true' };
  return p;
}

describe('preemption', () => {
  it('evicts the lower-priority pod: DisruptionTarget, graceful delete, Preempted event, nomination, then binding', T, async () => {
    const n = await ns();
    await create(c.core, n, lingering('low', await priorities.spec(10), '1500m', 'pre-1'));
    assert.equal(await boundNode(c.core, n, 'low'), 'pre-1');
    await waitFor('low to run', async () => (await c.core.readNamespacedPod({ name: 'low', namespace: n })).status?.phase === 'Running');
    const victim = await record(n, 'low');
    const preemptor = await record(n, 'high');
    try {
      await create(c.core, n, pod('high', { app: 'high' }, { ...(await priorities.spec(1000)), ...cpu('1500m'), nodeSelector: { [HOST]: 'pre-1' } }));
      assert.equal(await boundNode(c.core, n, 'high', 30_000), 'pre-1');
      const high = await c.core.readNamespacedPod({ name: 'high', namespace: n });

      const marked = victim.seen.find((e) => e.pod.status?.conditions?.some((x) => x.type === 'DisruptionTarget'));
      assert.ok(marked, 'the victim got a DisruptionTarget condition');
      const cond = marked.pod.status!.conditions!.find((x) => x.type === 'DisruptionTarget')!;
      assert.equal(cond.status, 'True');
      assert.equal(cond.reason, 'PreemptionByScheduler');
      assert.equal(cond.message, 'default-scheduler: preempting to accommodate a higher priority pod');
      const deleting = victim.seen.find((e) => e.pod.metadata?.deletionTimestamp);
      assert.ok(deleting, 'the victim was deleted gracefully');
      assert.equal(deleting.pod.metadata?.deletionGracePeriodSeconds, 2);
      await waitFor('the victim to be gone', async () => victim.seen.some((e) => e.type === 'DELETED'));

      const nominated = preemptor.seen.find((e) => e.pod.status?.nominatedNodeName);
      assert.equal(nominated?.pod.status?.nominatedNodeName, 'pre-1');
      assert.equal(nominated?.pod.spec?.nodeName, undefined, 'nominated before it was bound');

      const preempted = await waitFor('the Preempted event', async () => {
        const list = await c.core.listNamespacedEvent({ namespace: n, fieldSelector: 'involvedObject.name=low,reason=Preempted' });
        return list.items[0];
      });
      assert.equal(preempted.message, `Preempted by pod ${high.metadata?.uid} on node pre-1`);
      assert.equal(preempted.type, 'Normal');
      assert.equal(preempted.action, 'Preempting');
      assert.equal(preempted.reportingComponent, 'default-scheduler');
      assert.equal(preempted.related?.name, 'high');

      // Preemption succeeded, so DefaultPreemption adds nothing to the filters' verdict.
      const failed = await c.core.listNamespacedEvent({ namespace: n, fieldSelector: 'involvedObject.name=high,reason=FailedScheduling' });
      assert.equal(failed.items[0]?.message, "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector.");
    } finally {
      victim.stop();
      preemptor.stop();
    }
  });

  it('preemptionPolicy Never leaves the lower-priority pod alone', T, async () => {
    const n = await ns();
    await create(c.core, n, pod('low', { app: 'low' }, { ...(await priorities.spec(10)), ...cpu('1500m'), nodeSelector: { [HOST]: 'pre-2' } }));
    assert.equal(await boundNode(c.core, n, 'low'), 'pre-2');
    await create(c.core, n, pod('polite', { app: 'polite' }, { ...(await priorities.spec(1000, 'Never')), ...cpu('1500m'), nodeSelector: { [HOST]: 'pre-2' } }));
    await unschedulable(
      c.core,
      n,
      'polite',
      "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never.",
    );
    const low = await c.core.readNamespacedPod({ name: 'low', namespace: n });
    assert.equal(low.metadata?.deletionTimestamp, undefined);
    assert.equal(low.status?.conditions?.find((x) => x.type === 'DisruptionTarget'), undefined);
    const polite = await c.core.readNamespacedPod({ name: 'polite', namespace: n });
    assert.equal(polite.status?.nominatedNodeName, undefined);
  });

  it('equal priority is no reason to preempt', T, async () => {
    const n = await ns();
    const same = await priorities.spec(100);
    await create(c.core, n, pod('first', { app: 'first' }, { ...same, ...cpu('1500m'), nodeSelector: { [HOST]: 'pre-1' } }));
    assert.equal(await boundNode(c.core, n, 'first'), 'pre-1');
    await create(c.core, n, pod('second', { app: 'second' }, { ...same, ...cpu('1500m'), nodeSelector: { [HOST]: 'pre-1' } }));
    await unschedulable(
      c.core,
      n,
      'second',
      fit(2, "1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector", '1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling'),
    );
  });

  it('chooses the node whose most important victim matters least, and evicts no more than needed there', T, async () => {
    const n = await ns();
    const p10 = await priorities.spec(10);
    const p100 = await priorities.spec(100);
    await create(
      c.core,
      n,
      pod('x10', { app: 'x' }, { ...p10, ...cpu('800m'), nodeSelector: { [HOST]: 'pre-1' } }),
      pod('y100', { app: 'y' }, { ...p100, ...cpu('800m'), nodeSelector: { [HOST]: 'pre-1' } }),
      pod('z100', { app: 'z' }, { ...p100, ...cpu('1500m'), nodeSelector: { [HOST]: 'pre-2' } }),
    );
    for (const name of ['x10', 'y100', 'z100']) await boundNode(c.core, n, name);
    await create(c.core, n, pod('vip', { app: 'vip' }, { ...(await priorities.spec(1000)), ...cpu('1000m'), nodeSelector: { group: 'pre' } }));
    assert.equal(await boundNode(c.core, n, 'vip', 30_000), 'pre-1');
    // pre-1 needed one victim (x10: priority 10); pre-2 would have cost a priority-100 pod.
    const left = (await c.core.listNamespacedPod({ namespace: n })).items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata?.name);
    assert.deepEqual(left.sort(), ['vip', 'y100', 'z100']);
    const events = await c.core.listNamespacedEvent({ namespace: n, fieldSelector: 'reason=Preempted' });
    assert.deepEqual(
      events.items.map((e) => e.involvedObject.name),
      ['x10'],
    );
  });
});
