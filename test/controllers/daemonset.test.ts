// The DaemonSet controller against a real API server, scheduler and hollow nodes: one pod per node
// (bound by the node affinity the controller writes, with the daemon tolerations), a node added later
// gets a pod, nodeSelector and taints decide eligibility, ControllerRevisions record each template,
// RollingUpdate (maxUnavailable and maxSurge) and OnDelete replace pods, status counts them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppsV1Api, PatchStrategy, setHeaderOptions, type V1ControllerRevision, type V1DaemonSet, type V1DaemonSetUpdateStrategy, type V1Pod } from '@kubernetes/client-node';
import { startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;
let apps: AppsV1Api;

before(async () => {
  c = await startNodesCluster({ nodes: ['node-1', 'node-2'], controllers: ['daemonset-controller'] });
  apps = c.kc.makeApiClient(AppsV1Api);
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 60_000 };
const NS = 'default';
const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const SMP = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

function ds(name: string, opts: { nodeSelector?: Record<string, string>; strategy?: V1DaemonSetUpdateStrategy } = {}): V1DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      updateStrategy: opts.strategy,
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'agent', image: 'busybox:1.36' }], nodeSelector: opts.nodeSelector },
      },
    },
  };
}

async function podsOf(name: string): Promise<V1Pod[]> {
  const uid = (await apps.readNamespacedDaemonSet({ name, namespace: NS })).metadata!.uid;
  return (await c.core.listNamespacedPod({ namespace: NS })).items.filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === uid && r.controller));
}

const live = (pods: V1Pod[]) => pods.filter((p) => !p.metadata?.deletionTimestamp);
const ready = (p: V1Pod) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;

async function revisionsOf(name: string): Promise<V1ControllerRevision[]> {
  const uid = (await apps.readNamespacedDaemonSet({ name, namespace: NS })).metadata!.uid;
  return (await apps.listNamespacedControllerRevision({ namespace: NS })).items
    .filter((r) => r.metadata?.ownerReferences?.some((o) => o.uid === uid))
    .sort((a, b) => Number(a.revision) - Number(b.revision));
}

/** Status all caught up: every eligible node has an updated, available pod. */
async function rolledOut(name: string, nodes: number): Promise<V1DaemonSet> {
  return waitFor(
    `${name} rolled out on ${nodes} nodes`,
    async () => {
      const d = await apps.readNamespacedDaemonSet({ name, namespace: NS });
      const s = d.status;
      const pods = live(await podsOf(name));
      return s?.observedGeneration === d.metadata?.generation &&
        s?.desiredNumberScheduled === nodes &&
        s.currentNumberScheduled === nodes &&
        s.updatedNumberScheduled === nodes &&
        s.numberReady === nodes &&
        s.numberAvailable === nodes &&
        (s.numberMisscheduled ?? 0) === 0 &&
        pods.length === nodes
        ? d
        : false;
    },
    30_000,
  );
}

/** Wait for a rollout while sampling pods: most nodes without a ready pod, most live pods on one node. */
async function watchedRollout(name: string, nodes: number): Promise<{ worst: number; crowded: number }> {
  let worst = 0;
  let crowded = 0;
  const sample = setInterval(() => {
    void podsOf(name).then((pods) => {
      const up = live(pods);
      worst = Math.max(worst, nodes - new Set(up.filter(ready).map((p) => p.spec?.nodeName)).size);
      for (const n of new Set(up.map((p) => p.spec?.nodeName))) crowded = Math.max(crowded, up.filter((p) => p.spec?.nodeName === n).length);
    }, () => undefined);
  }, 30);
  try {
    await rolledOut(name, nodes);
  } finally {
    clearInterval(sample);
  }
  return { worst, crowded };
}

describe('DaemonSet controller', () => {
  it('runs one pod per node, bound by node affinity with the daemon tolerations, and on a node added later', T, async () => {
    await apps.createNamespacedDaemonSet({ namespace: NS, body: ds('agent') });
    const d = await rolledOut('agent', 2);
    const [rev] = await revisionsOf('agent');
    assert.ok(rev, 'a ControllerRevision');
    assert.equal(rev.revision, 1);
    const hash = rev.metadata!.labels!['controller-revision-hash']!;
    assert.equal(rev.metadata?.name, `agent-${hash}`);
    assert.equal(rev.data.spec.template.$patch, 'replace');
    const pods = live(await podsOf('agent'));
    assert.deepEqual(pods.map((p) => p.spec?.nodeName).sort(), ['node-1', 'node-2']);
    for (const p of pods) {
      assert.match(p.metadata!.name!, /^agent-[a-z0-9]{5}$/);
      assert.equal(p.metadata?.labels?.['controller-revision-hash'], hash);
      assert.equal(p.metadata?.labels?.['pod-template-generation'], '1');
      assert.deepEqual(p.metadata?.ownerReferences?.map((r) => ({ kind: r.kind, name: r.name, uid: r.uid, controller: r.controller })), [
        { kind: 'DaemonSet', name: 'agent', uid: d.metadata!.uid, controller: true },
      ]);
      assert.deepEqual(p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.map((t) => ({ ...t, matchFields: t.matchFields?.map((f) => ({ ...f })) })), [
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.spec!.nodeName!] }] },
      ]);
      const tols = (p.spec?.tolerations ?? []).map((t) => `${t.key}:${t.operator}:${t.effect}`);
      for (const want of [
        'node.kubernetes.io/not-ready:Exists:NoExecute',
        'node.kubernetes.io/unreachable:Exists:NoExecute',
        'node.kubernetes.io/disk-pressure:Exists:NoSchedule',
        'node.kubernetes.io/memory-pressure:Exists:NoSchedule',
        'node.kubernetes.io/pid-pressure:Exists:NoSchedule',
        'node.kubernetes.io/unschedulable:Exists:NoSchedule',
      ]) {
        assert.ok(tols.includes(want), `${want} in ${tols.join(', ')}`);
      }
      assert.ok(!tols.some((t) => t.startsWith('node.kubernetes.io/network-unavailable')), 'network-unavailable only for hostNetwork');
    }
    await c.host.addNode('node-3');
    await rolledOut('agent', 3);
    assert.deepEqual(live(await podsOf('agent')).map((p) => p.spec?.nodeName).sort(), ['node-1', 'node-2', 'node-3']);
  });

  it('follows nodeSelector and taints: a node that stops being eligible loses its pod', T, async () => {
    await c.core.patchNode({ name: 'node-2', body: { metadata: { labels: { role: 'edge' } } } }, MERGE);
    await c.core.patchNode({ name: 'node-3', body: { metadata: { labels: { role: 'edge' } }, spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } } }, MERGE);
    await apps.createNamespacedDaemonSet({ namespace: NS, body: ds('edge', { nodeSelector: { role: 'edge' } }) });
    await rolledOut('edge', 1);
    assert.deepEqual(live(await podsOf('edge')).map((p) => p.spec?.nodeName), ['node-2']);
    // The tainted node is not counted as desired, and gets nothing.
    await c.core.patchNode({ name: 'node-2', body: { metadata: { labels: { role: null } } } }, MERGE);
    await waitFor('edge pod gone from node-2', async () => live(await podsOf('edge')).length === 0);
    const d = await waitFor('edge status 0', async () => {
      const x = await apps.readNamespacedDaemonSet({ name: 'edge', namespace: NS });
      return x.status?.desiredNumberScheduled === 0 && x.status.currentNumberScheduled === 0 && x.status.numberMisscheduled === 0 ? x : false;
    });
    assert.equal(d.status?.numberReady, 0);
    await c.core.patchNode({ name: 'node-3', body: { spec: { taints: null } } }, MERGE);
    await rolledOut('edge', 1);
    assert.deepEqual(live(await podsOf('edge')).map((p) => p.spec?.nodeName), ['node-3']);
    // hostNetwork daemon pods also tolerate network-unavailable.
    const net = ds('net', { nodeSelector: { role: 'edge' } });
    net.spec!.template.spec!.hostNetwork = true;
    await apps.createNamespacedDaemonSet({ namespace: NS, body: net });
    const [p] = await waitFor('net pod', async () => {
      const pods = live(await podsOf('net'));
      return pods.length === 1 ? pods : false;
    });
    assert.ok(p!.spec?.tolerations?.some((t) => t.key === 'node.kubernetes.io/network-unavailable' && t.operator === 'Exists' && t.effect === 'NoSchedule'));
  });

  it('rolls pods to a new template one node at a time, records revisions and rolls back', T, async () => {
    const before = await revisionsOf('agent');
    const oldHash = before[0]!.metadata!.labels!['controller-revision-hash'];
    await apps.patchNamespacedDaemonSet(
      { name: 'agent', namespace: NS, body: { spec: { template: { spec: { containers: [{ name: 'agent', image: 'busybox:1.37' }] } } } } },
      SMP,
    );
    // maxUnavailable 1: never more than one node without an available pod.
    const { worst } = await watchedRollout('agent', 3);
    assert.ok(worst <= 1, `at most one node unavailable, saw ${worst}`);
    const revs = await revisionsOf('agent');
    assert.deepEqual(revs.map((r) => Number(r.revision)), [1, 2]);
    const newHash = revs[1]!.metadata!.labels!['controller-revision-hash'];
    const pods = live(await podsOf('agent'));
    assert.ok(pods.every((p) => p.metadata?.labels?.['controller-revision-hash'] === newHash && p.spec?.containers[0]?.image === 'busybox:1.37'));
    assert.ok(pods.every((p) => p.metadata?.labels?.['pod-template-generation'] === '2'));
    // What kubectl rollout undo sends: the old revision's data as a strategic merge patch.
    await apps.patchNamespacedDaemonSet({ name: 'agent', namespace: NS, body: revs[0]!.data }, SMP);
    await rolledOut('agent', 3);
    const after = await revisionsOf('agent');
    assert.deepEqual(after.map((r) => [r.metadata?.labels?.['controller-revision-hash'], Number(r.revision)]), [
      [newHash, 2],
      [oldHash, 3],
    ]);
    assert.ok(live(await podsOf('agent')).every((p) => p.spec?.containers[0]?.image === 'busybox:1.36'));
  });

  it('surges a new pod before deleting the old one with maxSurge', T, async () => {
    await apps.createNamespacedDaemonSet({
      namespace: NS,
      body: ds('surge', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }),
    });
    await rolledOut('surge', 3);
    await apps.patchNamespacedDaemonSet({ name: 'surge', namespace: NS, body: { spec: { template: { metadata: { labels: { app: 'surge', v: '2' } } } } } }, SMP);
    const { worst, crowded } = await watchedRollout('surge', 3);
    assert.equal(worst, 0, 'every node kept an available pod');
    assert.equal(crowded, 2, 'old and new pod side by side on a node');
    assert.ok(live(await podsOf('surge')).every((p) => p.metadata?.labels?.v === '2'));
  });

  it('replaces a failed daemon pod and says so', T, async () => {
    const [victim] = live(await podsOf('agent')).filter((p) => p.spec?.nodeName === 'node-1');
    assert.ok(victim);
    await c.core.patchNamespacedPodStatus({ name: victim.metadata!.name!, namespace: NS, body: { status: { phase: 'Failed' } } }, MERGE);
    const replacement = await waitFor('a new pod on node-1', async () => {
      const pods = live(await podsOf('agent')).filter((p) => p.spec?.nodeName === 'node-1' && p.metadata?.name !== victim.metadata?.name);
      return pods.length === 1 && ready(pods[0]!) ? pods[0] : false;
    });
    assert.match(replacement.metadata!.name!, /^agent-[a-z0-9]{5}$/);
    const evs = (await c.core.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.name=agent,reason=FailedDaemonPod' })).items;
    assert.deepEqual(
      evs.map((e) => [e.type, e.message]),
      [['Warning', `Found failed daemon pod ${NS}/${victim.metadata!.name} on node node-1, will try to kill it`]],
    );
    await rolledOut('agent', 3);
  });

  it('OnDelete leaves old pods until they are deleted', T, async () => {
    await apps.createNamespacedDaemonSet({ namespace: NS, body: ds('manual', { strategy: { type: 'OnDelete' } }) });
    await rolledOut('manual', 3);
    await apps.patchNamespacedDaemonSet({ name: 'manual', namespace: NS, body: { spec: { template: { metadata: { labels: { app: 'manual', v: '2' } } } } } }, SMP);
    const d = await waitFor('manual observed', async () => {
      const x = await apps.readNamespacedDaemonSet({ name: 'manual', namespace: NS });
      return x.status?.observedGeneration === x.metadata?.generation ? x : false;
    });
    assert.equal(d.status?.updatedNumberScheduled, 0);
    await new Promise((r) => setTimeout(r, 500));
    const pods = live(await podsOf('manual'));
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.metadata?.labels?.v === undefined), 'no pod replaced on its own');
    await c.core.deleteNamespacedPod({ name: pods[0]!.metadata!.name!, namespace: NS, gracePeriodSeconds: 0 });
    await waitFor('one updated pod', async () => {
      const x = await apps.readNamespacedDaemonSet({ name: 'manual', namespace: NS });
      return x.status?.updatedNumberScheduled === 1 && x.status.numberAvailable === 3;
    });
    const now = live(await podsOf('manual'));
    assert.equal(now.filter((p) => p.metadata?.labels?.v === '2').length, 1);
    assert.equal(now.filter((p) => p.spec?.nodeName === pods[0]!.spec?.nodeName).length, 1);
  });
});
