// Hollow node agents against a real API server (and the scheduler and node IPAM controller, all
// over HTTP): registration, the node lease, and pods driven through their lifecycle.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CoreV1Event, V1Node, V1Pod } from '@kubernetes/client-node';
import { ANNOTATIONS } from '../../src/kubelet/behaviour.ts';
import { pod, startNodesCluster, waitFor, type NodesCluster } from './cluster.ts';

let c: NodesCluster;

before(async () => {
  c = await startNodesCluster({ nodes: ['node-1', 'node-2'] });
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 30_000 };
const NS = 'default';

async function readyNodes(): Promise<V1Node[]> {
  return waitFor('both nodes Ready', async () => {
    const list = await c.core.listNode();
    const ready = list.items.filter((n) => n.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True');
    return ready.length === 2 ? list.items : undefined;
  });
}

/** The object as it is on the wire (the client turns times into Dates). */
async function raw(path: string): Promise<Record<string, any>> {
  const res = await fetch(`${c.cluster.url}${path}`);
  assert.equal(res.status, 200, path);
  return (await res.json()) as Record<string, any>;
}

async function podWhen(name: string, what: string, pred: (p: V1Pod) => boolean, timeoutMs = 15_000): Promise<V1Pod> {
  return waitFor(
    `${name}: ${what}`,
    async () => {
      const p = await c.core.readNamespacedPod({ name, namespace: NS });
      return pred(p) ? p : undefined;
    },
    timeoutMs,
  );
}

async function eventsFor(name: string): Promise<CoreV1Event[]> {
  const list = await c.core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}

const cond = (p: V1Pod, type: string) => p.status?.conditions?.find((x) => x.type === type);

describe('node agent', () => {
  it('registers its Node with capacity, labels, a pod CIDR, addresses, version and Ready conditions', T, async () => {
    const nodes = await readyNodes();
    const version = (await (await fetch(`${c.cluster.url}/version`)).json()) as { gitVersion: string };
    const cidrs = new Set<string>();
    for (const n of nodes) {
      const name = n.metadata!.name!;
      const labels = n.metadata!.labels!;
      assert.equal(labels['kubernetes.io/hostname'], name);
      assert.equal(labels['kubernetes.io/os'], 'linux');
      assert.ok(labels['kubernetes.io/arch']);
      assert.ok(labels['node.kubernetes.io/instance-type']);
      for (const r of ['cpu', 'memory', 'pods', 'ephemeral-storage']) {
        assert.ok(n.status!.capacity![r], `capacity ${r}`);
        assert.ok(n.status!.allocatable![r], `allocatable ${r}`);
      }
      assert.match(n.spec!.podCIDR!, /^10\.244\.\d+\.0\/24$/);
      assert.deepEqual(n.spec!.podCIDRs, [n.spec!.podCIDR]);
      cidrs.add(n.spec!.podCIDR!);
      const types = n.status!.addresses!.map((a) => a.type);
      assert.deepEqual(types, ['InternalIP', 'Hostname']);
      assert.equal(n.status!.nodeInfo!.kubeletVersion, version.gitVersion);
      const conds = Object.fromEntries(n.status!.conditions!.map((x) => [x.type, x]));
      assert.deepEqual(Object.keys(conds), ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
      assert.equal(conds.Ready!.reason, 'KubeletReady');
      assert.equal(conds.Ready!.message, 'kubelet is posting ready status');
      assert.equal(conds.MemoryPressure!.reason, 'KubeletHasSufficientMemory');
      assert.equal(conds.DiskPressure!.reason, 'KubeletHasNoDiskPressure');
      assert.equal(conds.PIDPressure!.reason, 'KubeletHasSufficientPID');
    }
    assert.equal(cidrs.size, 2, 'every node gets its own pod CIDR');
  });

  it('renews its Lease in kube-node-lease; a stopped agent stops renewing', T, async () => {
    await c.host.addNode('node-lease');
    const renewTime = async () => {
      const l = await raw('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-lease');
      assert.equal(l.spec.holderIdentity, 'node-lease');
      assert.equal(l.spec.leaseDurationSeconds, 40);
      assert.equal(l.metadata.ownerReferences[0].kind, 'Node');
      assert.match(l.spec.renewTime, /\.\d{6}Z$/);
      return l.spec.renewTime as string;
    };
    const first = await renewTime();
    await waitFor('the lease to be renewed', async () => (await renewTime()) !== first);
    await c.host.stopNode('node-lease');
    const stopped = await renewTime();
    // Well over the 200 ms renewal period used in tests.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await renewTime(), stopped, 'the lease must not move after the agent stopped');
    await c.core.deleteNode({ name: 'node-lease' });
  });

  it('runs a pod: Running with an IP from the node CIDR, conditions, container status and events', T, async () => {
    const nodes = await readyNodes();
    await c.core.createNamespacedPod({ namespace: NS, body: pod('web') });
    const p = await podWhen('web', 'Ready', (x) => cond(x, 'Ready')?.status === 'True');
    const node = nodes.find((n) => n.metadata!.name === p.spec!.nodeName)!;
    assert.ok(node, 'bound to one of the nodes');
    const cidrPrefix = node.spec!.podCIDR!.replace(/0\/24$/, '');
    const w = (await raw(`/api/v1/namespaces/${NS}/pods/web`)).status;
    assert.equal(w.phase, 'Running');
    assert.ok(w.podIP.startsWith(cidrPrefix), `${w.podIP} in ${node.spec!.podCIDR}`);
    assert.deepEqual(w.podIPs, [{ ip: w.podIP }]);
    const internal = node.status!.addresses!.find((a) => a.type === 'InternalIP')!.address;
    assert.equal(w.hostIP, internal);
    assert.deepEqual(w.hostIPs, [{ ip: internal }]);
    assert.match(w.startTime, /Z$/);
    assert.equal(w.qosClass, 'BestEffort');
    assert.deepEqual(
      w.conditions.map((x: { type: string; status: string }) => [x.type, x.status]),
      [
        ['PodReadyToStartContainers', 'True'],
        ['Initialized', 'True'],
        ['Ready', 'True'],
        ['ContainersReady', 'True'],
        ['PodScheduled', 'True'],
      ],
    );
    const cs = w.containerStatuses[0];
    assert.equal(cs.name, 'app');
    assert.equal(cs.ready, true);
    assert.equal(cs.started, true);
    assert.equal(cs.restartCount, 0);
    assert.match(cs.containerID, /^containerd:\/\/[0-9a-f]{64}$/);
    assert.equal(cs.image, 'docker.io/library/nginx:1.27');
    assert.match(cs.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.match(cs.state.running.startedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(cs.lastState, {});

    const events = await waitFor('the Started event', async () => {
      const evs = await eventsFor('web');
      return evs.some((e) => e.reason === 'Started') ? evs : undefined;
    });
    const reasons = events.map((e) => e.reason);
    for (const r of ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']) assert.ok(reasons.includes(r), `event ${r} in ${reasons}`);
    const scheduled = events.find((e) => e.reason === 'Scheduled')!;
    assert.equal(scheduled.message, `Successfully assigned default/web to ${p.spec!.nodeName}`);
    assert.equal(scheduled.reportingComponent, 'default-scheduler');
    const started = events.find((e) => e.reason === 'Started')!;
    assert.deepEqual({ ...started.source }, { component: 'kubelet', host: p.spec!.nodeName });
    assert.equal(started.involvedObject.fieldPath, 'spec.containers{app}');
    assert.equal(started.message, 'Container started');
    assert.equal(events.find((e) => e.reason === 'Pulling')!.message, 'Pulling image "nginx:1.27"');
    assert.match(events.find((e) => e.reason === 'Pulled')!.message!, /^Successfully pulled image "nginx:1\.27" in \d+(\.\d+)?m?s \(\d+(\.\d+)?m?s including waiting\)\. Image size: \d+ bytes\.$/);
  });

  it('runs init containers first, in order', T, async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod('with-init', {
        initContainers: [
          { name: 'first', image: 'busybox:1.36' },
          { name: 'second', image: 'busybox:1.36' },
        ],
      }),
    });
    const p = await podWhen('with-init', 'Ready', (x) => cond(x, 'Ready')?.status === 'True');
    const init = p.status!.initContainerStatuses!;
    assert.deepEqual(
      init.map((s) => [s.name, s.state?.terminated?.reason, s.state?.terminated?.exitCode, s.ready]),
      [
        ['first', 'Completed', 0, true],
        ['second', 'Completed', 0, true],
      ],
    );
    const firstDone = init[0]!.state!.terminated!.finishedAt!.getTime();
    const secondStart = init[1]!.state!.terminated!.startedAt!.getTime();
    assert.ok(secondStart >= firstDone, 'second starts after first finished');
    const appStart = p.status!.containerStatuses![0]!.state!.running!.startedAt!.getTime();
    assert.ok(appStart >= init[1]!.state!.terminated!.finishedAt!.getTime(), 'the app starts after the init containers');
    const started = (await eventsFor('with-init')).filter((e) => e.reason === 'Started').map((e) => e.involvedObject.fieldPath);
    assert.deepEqual(started, ['spec.initContainers{first}', 'spec.initContainers{second}', 'spec.containers{app}']);
  });

  it('runs a sidecar (restartable init container) alongside the app', T, async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod('with-sidecar', { initContainers: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', restartPolicy: 'Always' }] }),
    });
    const p = await podWhen('with-sidecar', 'Ready', (x) => cond(x, 'Ready')?.status === 'True');
    const proxy = p.status!.initContainerStatuses![0]!;
    assert.ok(proxy.state!.running, 'the sidecar keeps running');
    assert.equal(proxy.started, true);
    assert.equal(proxy.ready, true);
    assert.equal(proxy.image, 'docker.io/envoyproxy/envoy:v1.31.0');
    assert.ok(p.status!.containerStatuses![0]!.state!.running);
  });

  it('crash-loops with CrashLoopBackOff and a growing restartCount', T, async () => {
    await c.core.createNamespacedPod({ namespace: NS, body: pod('crasher', {}, { [ANNOTATIONS.crashLoop]: 'true', [ANNOTATIONS.exitAfter]: '50ms' }) });
    const p = await podWhen(
      'crasher',
      'CrashLoopBackOff after two restarts',
      (x) => {
        const s = x.status?.containerStatuses?.[0];
        return (s?.restartCount ?? 0) >= 2 && s?.state?.waiting?.reason === 'CrashLoopBackOff';
      },
      20_000,
    );
    const s = p.status!.containerStatuses![0]!;
    assert.equal(p.status!.phase, 'Running');
    assert.equal(s.ready, false);
    assert.equal(s.lastState!.terminated!.exitCode, 1);
    assert.equal(s.lastState!.terminated!.reason, 'Error');
    assert.match(s.state!.waiting!.message!, new RegExp(`^back-off \\S+ restarting failed container=app pod=crasher_default\\(${p.metadata!.uid}\\)$`));
    const later = await podWhen('crasher', 'a further restart', (x) => (x.status?.containerStatuses?.[0]?.restartCount ?? 0) > s.restartCount!, 20_000);
    assert.ok(later.status!.containerStatuses![0]!.restartCount! > s.restartCount!);
    const backoff = (await eventsFor('crasher')).find((e) => e.reason === 'BackOff')!;
    assert.equal(backoff.type, 'Warning');
    assert.equal(backoff.message, `Back-off restarting failed container app in pod crasher_default(${p.metadata!.uid})`);
  });

  it('restartPolicy Never: exit 1 makes the pod Failed, exit 0 Succeeded', T, async () => {
    await c.core.createNamespacedPod({ namespace: NS, body: pod('fails', { restartPolicy: 'Never' }, { [ANNOTATIONS.exitCode]: '1', [ANNOTATIONS.exitAfter]: '100ms' }) });
    await c.core.createNamespacedPod({ namespace: NS, body: pod('succeeds', { restartPolicy: 'Never' }, { [ANNOTATIONS.exitAfter]: '100ms' }) });
    const failed = await podWhen('fails', 'Failed', (x) => x.status?.phase === 'Failed');
    const t = failed.status!.containerStatuses![0]!.state!.terminated!;
    assert.equal(t.exitCode, 1);
    assert.equal(t.reason, 'Error');
    assert.equal(failed.status!.containerStatuses![0]!.restartCount, 0);
    assert.equal(cond(failed, 'Ready')!.reason, 'PodFailed');
    const ok = await podWhen('succeeds', 'Succeeded', (x) => x.status?.phase === 'Succeeded');
    assert.equal(ok.status!.containerStatuses![0]!.state!.terminated!.reason, 'Completed');
    assert.equal(cond(ok, 'Ready')!.reason, 'PodCompleted');
  });

  it('restartPolicy OnFailure restarts a failing container', T, async () => {
    await c.core.createNamespacedPod({ namespace: NS, body: pod('retry', { restartPolicy: 'OnFailure' }, { [ANNOTATIONS.exitCode]: '2', [ANNOTATIONS.exitAfter]: '50ms' }) });
    const p = await podWhen('retry', 'a restart', (x) => (x.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
    assert.equal(p.status!.phase, 'Running');
  });

  it('a container failing readiness runs but is not Ready', T, async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod(
        'unready',
        { containers: [{ name: 'app', image: 'nginx:1.27', readinessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 1 } }] },
        { [ANNOTATIONS.failReadiness]: 'true' },
      ),
    });
    const p = await podWhen('unready', 'Running', (x) => x.status?.phase === 'Running' && x.status.containerStatuses?.[0]?.state?.running !== undefined);
    await new Promise((r) => setTimeout(r, 200));
    const again = await c.core.readNamespacedPod({ name: 'unready', namespace: NS });
    assert.equal(again.status!.containerStatuses![0]!.ready, false);
    assert.equal(cond(again, 'Ready')!.status, 'False');
    assert.equal(cond(again, 'Ready')!.reason, 'ContainersNotReady');
    assert.equal(cond(again, 'Ready')!.message, 'containers with unready status: [app]');
    const unhealthy = await waitFor('the Unhealthy event', async () => (await eventsFor('unready')).find((e) => e.reason === 'Unhealthy'));
    assert.equal(unhealthy.message, `Readiness probe failed: Get "http://${p.status!.podIP}:80/healthz": dial tcp ${p.status!.podIP}:80: connect: connection refused`);
  });

  it('deletes gracefully: Terminating for the grace period, then gone', T, async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod('slow-stop', { terminationGracePeriodSeconds: 1 }, { [ANNOTATIONS.ignoreSigterm]: 'true' }),
    });
    await podWhen('slow-stop', 'Running', (x) => x.status?.phase === 'Running');
    await c.core.deleteNamespacedPod({ name: 'slow-stop', namespace: NS });
    const terminating = await c.core.readNamespacedPod({ name: 'slow-stop', namespace: NS });
    assert.ok(terminating.metadata!.deletionTimestamp, 'the pod is marked for deletion and still there');
    await waitFor('the pod to disappear', async () => {
      const res = await fetch(`${c.cluster.url}/api/v1/namespaces/${NS}/pods/slow-stop`);
      return res.status === 404;
    });
    const killing = (await eventsFor('slow-stop')).find((e) => e.reason === 'Killing')!;
    assert.equal(killing.message, 'Stopping container app');
  });
});
