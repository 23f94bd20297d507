// The scheduler against a real API server and hollow nodes: filters place pods or leave them Pending
// with kube-scheduler's FailedScheduling message, scores spread pods, and parked pods are retried
// when the cluster changes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import { pod, startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';
import { readyNodes } from './helpers.ts';

let c: NodesCluster;

// node-1: plain; node-2: disk=ssd, zone=a; node-3: tainted dedicated=gpu:NoSchedule, gpu=yes.
before(async () => {
  c = await startNodesCluster({
    nodes: [
      { name: 'node-1', labels: { zone: 'b' } },
      { name: 'node-2', labels: { disk: 'ssd', zone: 'a' } },
      { name: 'node-3', labels: { gpu: 'yes', zone: 'c' }, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
    ],
  });
  await readyNodes(c.core, 3);
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 30_000 };
let nsCount = 0;

async function namespace(): Promise<string> {
  const name = `sched-${++nsCount}`;
  await c.core.createNamespace({ body: { metadata: { name } } });
  return name;
}

async function create(ns: string, p: V1Pod): Promise<void> {
  await c.core.createNamespacedPod({ namespace: ns, body: p });
}

async function boundNode(ns: string, name: string): Promise<string> {
  return waitFor(`${ns}/${name} to be bound`, async () => (await c.core.readNamespacedPod({ name, namespace: ns })).spec?.nodeName);
}

/** The PodScheduled=False message once the scheduler has given up on the pod (and its FailedScheduling event). */
async function unschedulable(ns: string, name: string): Promise<string> {
  const p = await waitFor(`${ns}/${name} to be Unschedulable`, async () => {
    const x = await c.core.readNamespacedPod({ name, namespace: ns });
    const cond = x.status?.conditions?.find((k) => k.type === 'PodScheduled');
    return cond?.status === 'False' && cond.reason === 'Unschedulable' ? x : undefined;
  });
  const message = p.status!.conditions!.find((k) => k.type === 'PodScheduled')!.message!;
  const ev = await waitFor('a FailedScheduling event with the same message', async () => {
    const list = await c.core.listNamespacedEvent({ namespace: ns, fieldSelector: `involvedObject.name=${name},reason=FailedScheduling` });
    return list.items.find((e) => e.message === message);
  });
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.message, message);
  assert.equal(ev.reportingComponent, 'default-scheduler');
  assert.equal(p.spec?.nodeName, undefined);
  assert.equal(p.status?.phase, 'Pending');
  return message;
}

/** Reasons are listed in byte order, as Go's sort.Strings leaves them. */
const fit = (filters: string, preemption: string, n = 3) =>
  `0/${n} nodes are available: ${filters}. no new claims to deallocate, preemption: 0/${n} nodes are available: ${preemption}.`;

describe('scheduler', () => {
  it('binds a pod and records Scheduled', T, async () => {
    const ns = await namespace();
    await create(ns, pod('one'));
    const node = await boundNode(ns, 'one');
    assert.ok(['node-1', 'node-2'].includes(node), `${node} must not be the tainted node`);
    const ev = await waitFor('the Scheduled event', async () => {
      const list = await c.core.listNamespacedEvent({ namespace: ns, fieldSelector: 'reason=Scheduled' });
      return list.items[0];
    });
    assert.equal(ev.message, `Successfully assigned ${ns}/one to ${node}`);
    assert.equal(ev.action, 'Binding');
    assert.equal(ev.type, 'Normal');
  });

  it('spreads pods without requests over the least allocated nodes', T, async () => {
    const ns = await namespace();
    const names = ['a', 'b', 'c', 'd'];
    for (const n of names) await create(ns, pod(n));
    const placed = await Promise.all(names.map((n) => boundNode(ns, n)));
    assert.deepEqual(new Set(placed), new Set(['node-1', 'node-2']), 'untolerating pods use both untainted nodes');
    // Least-allocated scoring keeps the two nodes within one pod of each other.
    const all = await c.core.listPodForAllNamespaces();
    const count = (node: string) => all.items.filter((p) => p.spec?.nodeName === node).length;
    assert.ok(Math.abs(count('node-1') - count('node-2')) <= 1, `node-1 has ${count('node-1')} pods, node-2 ${count('node-2')}`);
  });

  it('nodeSelector and required node affinity pick the matching node', T, async () => {
    const ns = await namespace();
    await create(ns, pod('ssd', { nodeSelector: { disk: 'ssd' } }));
    await create(
      ns,
      pod('zone-b', {
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }] } } },
      }),
    );
    assert.equal(await boundNode(ns, 'ssd'), 'node-2');
    assert.equal(await boundNode(ns, 'zone-b'), 'node-1');
  });

  it('preferred node affinity wins among feasible nodes', T, async () => {
    const ns = await namespace();
    for (const name of ['p1', 'p2']) {
      await create(
        ns,
        pod(name, {
          affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } }] } },
        }),
      );
      assert.equal(await boundNode(ns, name), 'node-2');
    }
  });

  it('a selector no node matches leaves the pod Pending with the upstream message', T, async () => {
    const ns = await namespace();
    await create(ns, pod('nowhere', { nodeSelector: { disk: 'floppy' } }));
    assert.equal(
      await unschedulable(ns, 'nowhere'),
      fit("1 node(s) had untolerated taint(s), 2 node(s) didn't match Pod's node affinity/selector", '3 Preemption is not helpful for scheduling'),
    );
  });

  it('taints keep pods off unless tolerated', T, async () => {
    const ns = await namespace();
    await create(ns, pod('gpu-tolerant', { nodeSelector: { gpu: 'yes' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }));
    assert.equal(await boundNode(ns, 'gpu-tolerant'), 'node-3');
    await create(ns, pod('gpu-intolerant', { nodeSelector: { gpu: 'yes' } }));
    assert.equal(
      await unschedulable(ns, 'gpu-intolerant'),
      fit("1 node(s) had untolerated taint(s), 2 node(s) didn't match Pod's node affinity/selector", '3 Preemption is not helpful for scheduling'),
    );
  });

  it('host ports conflict on a node', T, async () => {
    const ns = await namespace();
    const withPort = (name: string) =>
      pod(name, { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80, hostPort: 8080 }] }] });
    await create(ns, withPort('port-a'));
    assert.equal(await boundNode(ns, 'port-a'), 'node-2');
    await create(ns, withPort('port-b'));
    assert.equal(
      await unschedulable(ns, 'port-b'),
      fit(
        "1 node(s) didn't have free ports for the requested pod ports, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint(s)",
        '1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling',
      ),
    );
  });

  it('resources: pods that do not fit stay Pending and are scheduled once room is freed', T, async () => {
    const ns = await namespace();
    const big = (name: string) =>
      pod(name, { tolerations: [{ operator: 'Exists' }], containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '3500m' } } }] });
    for (const name of ['big-1', 'big-2', 'big-3']) await create(ns, big(name));
    const placed = new Set(await Promise.all(['big-1', 'big-2', 'big-3'].map((n) => boundNode(ns, n))));
    assert.equal(placed.size, 3, 'one per node');
    await create(ns, big('big-4'));
    assert.equal(await unschedulable(ns, 'big-4'), fit('3 Insufficient cpu', '3 No preemption victims found for incoming pod'));
    await c.core.deleteNamespacedPod({ name: 'big-1', namespace: ns, gracePeriodSeconds: 0 });
    await boundNode(ns, 'big-4');
    await c.core.deleteCollectionNamespacedPod({ namespace: ns, gracePeriodSeconds: 0 });
  });

  it('a pod that ran to completion frees its resources', T, async () => {
    const ns = await namespace();
    const job = pod('job', {
      restartPolicy: 'Never',
      nodeSelector: { disk: 'ssd' },
      containers: [{ name: 'app', image: 'busybox:1.36', resources: { requests: { cpu: '3' } } }],
    });
    job.metadata!.annotations = { 'sim.wheelhouse.io/exit-after': '300ms' };
    await create(ns, job);
    assert.equal(await boundNode(ns, 'job'), 'node-2');
    await waitFor('the job to succeed', async () => (await c.core.readNamespacedPod({ name: 'job', namespace: ns })).status?.phase === 'Succeeded');
    await create(ns, pod('after-job', { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '3' } } }] }));
    assert.equal(await boundNode(ns, 'after-job'), 'node-2');
    await c.core.deleteCollectionNamespacedPod({ namespace: ns, gracePeriodSeconds: 0 });
  });

  it('a cordoned node takes no new pods', T, async () => {
    const ns = await namespace();
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    await c.core.patchNode({ name: 'node-2', body: { spec: { unschedulable: true } } }, merge);
    try {
      await create(ns, pod('cordoned', { nodeSelector: { disk: 'ssd' } }));
      assert.equal(
        await unschedulable(ns, 'cordoned'),
        fit("1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint(s), 1 node(s) were unschedulable", '3 Preemption is not helpful for scheduling'),
      );
    } finally {
      await c.core.patchNode({ name: 'node-2', body: { spec: { unschedulable: null } } }, merge);
    }
    // Uncordoning is a node change: the parked pod is retried and lands.
    assert.equal(await boundNode(ns, 'cordoned'), 'node-2');
  });

  it('pods that name their node skip the scheduler; pods for another scheduler are left alone', T, async () => {
    const ns = await namespace();
    await create(ns, pod('pinned', { nodeName: 'node-3' }));
    await waitFor('pinned to run', async () => (await c.core.readNamespacedPod({ name: 'pinned', namespace: ns })).status?.phase === 'Running');
    await create(ns, pod('other', { schedulerName: 'my-scheduler' }));
    await new Promise((r) => setTimeout(r, 500));
    const other = await c.core.readNamespacedPod({ name: 'other', namespace: ns });
    assert.equal(other.spec?.nodeName, undefined);
    assert.equal(other.status?.conditions, undefined);
  });
});

describe('scheduler and node health', () => {
  it('a node that has not reported Ready takes no pods (the not-ready/unreachable taint)', T, async () => {
    const ns = await namespace();
    // A Node with no agent behind it: no Ready condition at all.
    await c.core.createNode({ body: { metadata: { name: 'ghost', labels: { 'kubernetes.io/hostname': 'ghost' } } } });
    try {
      await create(ns, pod('on-ghost', { nodeSelector: { 'kubernetes.io/hostname': 'ghost' } }));
      // node-3's own taint and ghost's missing readiness; the other two do not match the selector.
      const want = fit("2 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint(s)", '4 Preemption is not helpful for scheduling', 4);
      // The first attempt may predate the scheduler seeing the new node; the node's arrival triggers a retry.
      await waitFor('the four-node message', async () => {
        const p = await c.core.readNamespacedPod({ name: 'on-ghost', namespace: ns });
        return p.status?.conditions?.find((k) => k.type === 'PodScheduled')?.message === want || undefined;
      });
      assert.equal(await unschedulable(ns, 'on-ghost'), want);
    } finally {
      await c.core.deleteNode({ name: 'ghost' });
    }
  });
});
