// The node lifecycle and taint eviction controllers against a real API server with hollow node agents:
// a node whose agent stops goes Unknown and gets the unreachable taints, its pods go NotReady and
// are evicted as their tolerations say; a node reporting Ready=False gets the not-ready taints; taints
// go when the node is back; NoExecute taints anyone adds evict too, and removing them cancels.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CoreV1Event, V1Node, V1Pod, V1Taint, V1Toleration } from '@kubernetes/client-node';
import { MERGE_PATCH } from '../../src/client/clients.ts';
import { rfc3339 } from '../../src/client/time.ts';
import { pod, startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;
const NS = 'default';
const T = { timeout: 60_000 };
const UNREACHABLE = 'node.kubernetes.io/unreachable';
const NOT_READY = 'node.kubernetes.io/not-ready';

before(async () => {
  c = await startNodesCluster({
    nodes: ['n1', 'n2', 'n3'],
    controllers: ['node-lifecycle-controller', 'taint-eviction-controller'],
    controllerTimings: { nodeMonitorGracePeriodMs: 3000, nodeMonitorPeriodMs: 200, nodeEvictionRate: 100 },
  });
});

after(async () => {
  await c?.stop();
});

const cond = (n: V1Node | V1Pod, type: string) => (n.status?.conditions as { type: string; status: string; reason?: string; message?: string }[] | undefined)?.find((x) => x.type === type);
const taintsOf = (n: V1Node, key: string) => (n.spec?.taints ?? []).filter((t) => t.key === key);

async function nodeWhen(name: string, what: string, pred: (n: V1Node) => boolean, timeoutMs = 20_000): Promise<V1Node> {
  return waitFor(`${name}: ${what}`, async () => {
    const n = await c.core.readNode({ name });
    return pred(n) ? n : undefined;
  }, timeoutMs);
}

async function podWhen(name: string, what: string, pred: (p: V1Pod) => boolean, timeoutMs = 20_000): Promise<V1Pod> {
  return waitFor(`${name}: ${what}`, async () => {
    const p = await c.core.readNamespacedPod({ name, namespace: NS });
    return pred(p) ? p : undefined;
  }, timeoutMs);
}

async function events(name: string, namespace = NS): Promise<CoreV1Event[]> {
  return (await c.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` })).items;
}

async function eventWhen(name: string, reason: string, namespace = NS): Promise<CoreV1Event> {
  return waitFor(`event ${reason} on ${name}`, async () => (await events(name, namespace)).find((e) => e.reason === reason));
}

async function runPod(name: string, node: string, tolerations?: V1Toleration[], finalizers?: string[]): Promise<V1Pod> {
  const body = pod(name, { nodeName: node, ...(tolerations ? { tolerations } : {}) });
  // A finalizer keeps a pod the live agent deletes readable after its eviction.
  if (finalizers) body.metadata!.finalizers = finalizers;
  await c.core.createNamespacedPod({ namespace: NS, body });
  return podWhen(name, 'Ready', (p) => cond(p, 'Ready')?.status === 'True');
}

const tolerate = (key: string, seconds?: number): V1Toleration => ({ key, operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) });

async function allReady(): Promise<void> {
  await waitFor('all nodes Ready', async () => {
    const list = await c.core.listNode();
    return list.items.length === 3 && list.items.every((n) => cond(n, 'Ready')?.status === 'True');
  });
}

describe('node lifecycle controller', () => {
  it('records RegisteredNode for every node', T, async () => {
    await allReady();
    for (const n of ['n1', 'n2', 'n3']) {
      const e = await eventWhen(n, 'RegisteredNode');
      assert.equal(e.message, `Node ${n} event: Registered Node ${n} in Controller`);
      assert.equal(e.source?.component, 'node-controller');
      assert.equal(e.involvedObject.kind, 'Node');
    }
  });

  it('turns a silent node Unknown, taints it unreachable, marks its pods NotReady and evicts them as they tolerate', T, async () => {
    await allReady();
    await runPod('stays', 'n1', [tolerate(UNREACHABLE)]);
    await runPod('soon', 'n1', [tolerate(UNREACHABLE, 3)]);
    await runPod('at-once', 'n1', [tolerate(UNREACHABLE, 0)]);

    await c.host.stopNode('n1');
    const node = await nodeWhen('n1', 'Ready Unknown', (n) => cond(n, 'Ready')?.status === 'Unknown');
    for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
      const x = cond(node, type)!;
      assert.equal(x.status, 'Unknown', type);
      assert.equal(x.reason, 'NodeStatusUnknown', type);
      assert.equal(x.message, 'Kubelet stopped posting node status.', type);
    }
    const tainted = await nodeWhen('n1', 'unreachable taints', (n) => taintsOf(n, UNREACHABLE).length === 2);
    const effects = taintsOf(tainted, UNREACHABLE).map((t: V1Taint) => t.effect).sort();
    assert.deepEqual(effects, ['NoExecute', 'NoSchedule']);
    for (const t of taintsOf(tainted, UNREACHABLE)) assert.ok(t.timeAdded, `timeAdded on ${t.effect}`);
    assert.equal(taintsOf(tainted, NOT_READY).length, 0);

    const nodeEvent = await eventWhen('n1', 'NodeNotReady');
    assert.equal(nodeEvent.message, 'Node n1 status is now: NodeNotReady');
    assert.equal(nodeEvent.source?.component, 'node-controller');

    // MarkPodsNotReady
    const stays = await podWhen('stays', 'Ready False', (p) => cond(p, 'Ready')?.status === 'False');
    assert.equal(stays.metadata?.deletionTimestamp, undefined);
    const notReady = await eventWhen('stays', 'NodeNotReady');
    assert.equal(notReady.type, 'Warning');
    assert.equal(notReady.message, 'Node is not ready');

    // tolerationSeconds 0: at once, before the one tolerating 3 s.
    const gone = await podWhen('at-once', 'deleted', (p) => !!p.metadata?.deletionTimestamp);
    const dt = cond(gone, 'DisruptionTarget')!;
    assert.equal(dt.status, 'True');
    assert.equal(dt.reason, 'DeletionByTaintManager');
    assert.equal(dt.message, 'Taint manager: deleting due to NoExecute taint');
    const soonNow = await c.core.readNamespacedPod({ name: 'soon', namespace: NS });
    assert.equal(soonNow.metadata?.deletionTimestamp, undefined, 'the pod tolerating 3 s is not evicted at once');
    const ev = await eventWhen('at-once', 'TaintManagerEviction');
    assert.equal(ev.message, 'Marking for deletion Pod default/at-once');
    assert.equal(ev.source?.component, 'taint-eviction-controller');

    const soon = await podWhen('soon', 'deleted after its toleration', (p) => !!p.metadata?.deletionTimestamp);
    assert.equal(cond(soon, 'DisruptionTarget')?.reason, 'DeletionByTaintManager');
    const still = await c.core.readNamespacedPod({ name: 'stays', namespace: NS });
    assert.equal(still.metadata?.deletionTimestamp, undefined, 'a pod tolerating forever stays');
  });

  it('removes the taints once the node is back', T, async () => {
    if (!c.host.agent('n1')) await c.host.addNode('n1');
    const n = await nodeWhen('n1', 'Ready and untainted', (x) => cond(x, 'Ready')?.status === 'True' && taintsOf(x, UNREACHABLE).length === 0);
    assert.equal(cond(n, 'MemoryPressure')?.status, 'False');
    assert.deepEqual(n.spec?.taints ?? [], []);
  });

  it('taints a node reporting Ready=False not-ready while its lease goes on, and untaints it when Ready', T, async () => {
    // An agent that reports its status only at start: the test then says Ready=False for it.
    await c.host.addNode({ name: 'n4', statusReportIntervalMs: 3_600_000 });
    const n = await nodeWhen('n4', 'Ready', (x) => cond(x, 'Ready')?.status === 'True');
    const setReady = async (status: string, reason: string, message: string) => {
      const now = rfc3339();
      const conditions = (n.status?.conditions ?? []).map((x) =>
        x.type === 'Ready' ? { type: 'Ready', status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now } : { ...x, lastHeartbeatTime: now, lastTransitionTime: rfc3339(x.lastTransitionTime!.getTime()) },
      );
      await c.core.patchNodeStatus({ name: 'n4', body: { status: { conditions } } }, MERGE_PATCH);
    };
    await setReady('False', 'KubeletNotReady', 'container runtime is down');
    const tainted = await nodeWhen('n4', 'not-ready taints', (x) => taintsOf(x, NOT_READY).length === 2);
    assert.deepEqual(taintsOf(tainted, NOT_READY).map((t) => t.effect).sort(), ['NoExecute', 'NoSchedule']);
    assert.equal(taintsOf(tainted, UNREACHABLE).length, 0);
    // The lease is renewed: the condition stays what the node said.
    assert.equal(cond(tainted, 'Ready')?.reason, 'KubeletNotReady');

    await setReady('True', 'KubeletReady', 'kubelet is posting ready status');
    const clean = await nodeWhen('n4', 'untainted', (x) => taintsOf(x, NOT_READY).length === 0);
    assert.equal(cond(clean, 'Ready')?.status, 'True');
    await c.host.stopNode('n4');
    await c.core.deleteNode({ name: 'n4' });
  });

  it('adds the unschedulable taint to a cordoned node and removes it on uncordon', T, async () => {
    await c.core.patchNode({ name: 'n3', body: { spec: { unschedulable: true } } }, MERGE_PATCH);
    await nodeWhen('n3', 'unschedulable taint', (x) => (x.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/unschedulable' && t.effect === 'NoSchedule'));
    await c.core.patchNode({ name: 'n3', body: { spec: { unschedulable: null } } }, MERGE_PATCH);
    await nodeWhen('n3', 'no unschedulable taint', (x) => !(x.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/unschedulable'));
  });
});

describe('taint eviction controller', () => {
  it('evicts pods not tolerating a NoExecute taint at once, and cancels a timed eviction when the taint goes', T, async () => {
    await runPod('untolerating', 'n2', undefined, ['example.com/hold']);
    await runPod('tolerating-30s', 'n2', [tolerate('example.com/drain', 30)]);
    await runPod('tolerating', 'n2', [tolerate('example.com/drain')]);
    await c.core.patchNode({ name: 'n2', body: { spec: { taints: [{ key: 'example.com/drain', value: 'yes', effect: 'NoExecute' }] } } }, MERGE_PATCH);

    const gone = await podWhen('untolerating', 'deleted', (p) => !!p.metadata?.deletionTimestamp);
    assert.equal(cond(gone, 'DisruptionTarget')?.reason, 'DeletionByTaintManager');
    assert.equal((await eventWhen('untolerating', 'TaintManagerEviction')).message, 'Marking for deletion Pod default/untolerating');
    await c.core.patchNamespacedPod({ name: 'untolerating', namespace: NS, body: { metadata: { finalizers: null } } }, MERGE_PATCH);

    await c.core.patchNode({ name: 'n2', body: { spec: { taints: null } } }, MERGE_PATCH);
    const cancelled = await eventWhen('tolerating-30s', 'TaintManagerEviction');
    assert.equal(cancelled.message, 'Cancelling deletion of Pod default/tolerating-30s');
    for (const name of ['tolerating-30s', 'tolerating']) {
      const p = await c.core.readNamespacedPod({ name, namespace: NS });
      assert.equal(p.metadata?.deletionTimestamp, undefined, name);
      assert.equal(cond(p, 'DisruptionTarget'), undefined, name);
    }
    assert.equal((await events('tolerating')).filter((e) => e.reason === 'TaintManagerEviction').length, 0);
  });
});
