// metrics.k8s.io/v1beta1 served by the API server from the hollow kubelets' /metrics/resource, the way
// metrics-server serves it: discovery (legacy and aggregated), NodeMetrics and PodMetrics with CPU as a
// rate over a window and memory as the working set, label and field selectors, metrics-server's
// NotFound texts, read-only verbs, and a kubelet that stops answering is left out of the answers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NodeHost } from '../../src/kubelet/host.ts';
import { USAGE_ANNOTATIONS } from '../../src/kubelet/usage.ts';
import { FAST_TIMINGS, pod, startNodesCluster, waitFor, type NodesCluster } from '../kubelet/cluster.ts';

let c: NodesCluster;

before(async () => {
  c = await startNodesCluster({ nodes: ['node-1', 'node-2'], apiserver: { metrics: { resolutionMs: 300 } } });
});

after(async () => {
  await c?.stop();
});

const T = { timeout: 30_000 };
const NS = 'default';
const GV = '/apis/metrics.k8s.io/v1beta1';

interface Usage {
  cpu: string;
  memory: string;
}
interface MetricsObject {
  kind?: string;
  apiVersion?: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; creationTimestamp?: string };
  timestamp: string;
  window: string;
  usage?: Usage;
  containers?: { name: string; usage: Usage }[];
}
interface MetricsList {
  kind: string;
  apiVersion: string;
  items: MetricsObject[];
}

async function get<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(`${c.cluster.url}${path}`, init);
  return { status: res.status, body: (await res.json()) as T };
}

describe('metrics.k8s.io', () => {
  it('is in discovery as metrics-server registers it', async () => {
    const list = await get<{ groupVersion: string; resources: Record<string, unknown>[] }>(GV);
    assert.deepEqual(list.body.resources, [
      { name: 'nodes', singularName: 'node', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: 'pod', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    ]);
    const group = await get<{ preferredVersion: unknown }>('/apis/metrics.k8s.io');
    assert.deepEqual(group.body.preferredVersion, { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' });
    const agg = await get<{ items: { metadata: { name: string } }[] }>('/apis', { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } });
    const names = agg.body.items.map((g) => g.metadata.name);
    assert.equal(names[names.length - 1], 'metrics.k8s.io');
  });

  it('reports node usage: cpu as a rate over a window, memory as the working set, node labels', T, async () => {
    const list = await waitFor('two nodes with metrics', async () => {
      const r = await get<MetricsList>(`${GV}/nodes`);
      return r.body.items.length === 2 ? r.body : undefined;
    });
    assert.equal(list.kind, 'NodeMetricsList');
    assert.equal(list.apiVersion, 'metrics.k8s.io/v1beta1');
    const n = list.items.find((i) => i.metadata.name === 'node-1')!;
    assert.equal(n.kind, undefined);
    assert.equal(n.metadata.labels!['kubernetes.io/hostname'], 'node-1');
    assert.match(n.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(n.window, /^\d+(\.\d+)?m?s$/);
    // The node's own overhead: 50m of CPU and 512Mi of memory before any pod.
    assert.match(n.usage!.cpu, /^\d+(n|u|m)?$/);
    assert.equal(n.usage!.memory, '512Mi');
    const one = await get<MetricsObject>(`${GV}/nodes/node-2`);
    assert.equal(one.status, 200);
    assert.equal(one.body.kind, 'NodeMetrics');
    const filtered = await get<MetricsList>(`${GV}/nodes?labelSelector=${encodeURIComponent('kubernetes.io/hostname=node-2')}`);
    assert.deepEqual(
      filtered.body.items.map((i) => i.metadata.name),
      ['node-2'],
    );
  });

  it('reports pod usage per container from the annotations, with selectors', T, async () => {
    const body = pod('busy', { containers: [{ name: 'app', image: 'nginx:1.27' }, { name: 'side', image: 'busybox:1.36' }] }, {
      [USAGE_ANNOTATIONS.cpu]: '250m',
      [USAGE_ANNOTATIONS.memory]: '64Mi',
      [`${USAGE_ANNOTATIONS.cpu}.side`]: '20m',
    });
    body.metadata!.labels = { app: 'busy' };
    await c.core.createNamespacedPod({ namespace: NS, body });
    await c.core.createNamespacedPod({ namespace: NS, body: { ...pod('quiet'), metadata: { name: 'quiet', labels: { app: 'quiet' } } } });
    const busy = await waitFor('busy has a rate', async () => {
      const r = await get<MetricsObject>(`${GV}/namespaces/${NS}/pods/busy`);
      return r.status === 200 && r.body.containers?.find((x) => x.name === 'app')?.usage.cpu === '250m' ? r.body : undefined;
    });
    assert.equal(busy.kind, 'PodMetrics');
    assert.equal(busy.metadata.namespace, NS);
    assert.deepEqual(busy.metadata.labels, { app: 'busy' });
    assert.deepEqual(
      [...busy.containers!].sort((a, b) => a.name.localeCompare(b.name)),
      [
        { name: 'app', usage: { cpu: '250m', memory: '64Mi' } },
        { name: 'side', usage: { cpu: '20m', memory: '64Mi' } },
      ],
    );
    await waitFor('quiet has metrics', async () => (await get<MetricsObject>(`${GV}/namespaces/${NS}/pods/quiet`)).status === 200);
    const quiet = (await get<MetricsObject>(`${GV}/namespaces/${NS}/pods/quiet`)).body;
    assert.deepEqual(quiet.containers, [{ name: 'app', usage: { cpu: '1m', memory: '4Mi' } }]);

    const all = await get<MetricsList>(`${GV}/namespaces/${NS}/pods`);
    assert.equal(all.body.kind, 'PodMetricsList');
    assert.deepEqual(
      all.body.items.map((i) => i.metadata.name),
      ['busy', 'quiet'],
    );
    const byLabel = await get<MetricsList>(`${GV}/pods?labelSelector=app%3Dquiet`);
    assert.deepEqual(
      byLabel.body.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`),
      ['default/quiet'],
    );
    const byField = await get<MetricsList>(`${GV}/namespaces/${NS}/pods?fieldSelector=metadata.name%3Dbusy`);
    assert.deepEqual(
      byField.body.items.map((i) => i.metadata.name),
      ['busy'],
    );
    assert.equal((await get<MetricsList>(`${GV}/namespaces/kube-system/pods`)).body.items.length, 0);
  });

  it('answers NotFound as metrics-server does, and only reads', async () => {
    const missing = await get<{ message: string; reason: string }>(`${GV}/namespaces/${NS}/pods/nope`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'pods "nope" not found');
    await c.core.createNamespacedPod({ namespace: NS, body: pod('stuck', { nodeName: 'no-such-node' }) });
    const noMetrics = await get<{ message: string; details: unknown }>(`${GV}/namespaces/${NS}/pods/stuck`);
    assert.equal(noMetrics.status, 404);
    assert.equal(noMetrics.body.message, 'podmetrics.metrics.k8s.io "default/stuck" not found');
    assert.deepEqual(noMetrics.body.details, { name: 'default/stuck', group: 'metrics.k8s.io', kind: 'podmetrics' });
    const node = await get<{ message: string }>(`${GV}/nodes/ghost`);
    assert.equal(node.body.message, 'nodes "ghost" not found');
    const post = await fetch(`${c.cluster.url}${GV}/namespaces/${NS}/pods`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    assert.equal(post.status, 405);
    const watch = await fetch(`${c.cluster.url}${GV}/nodes?watch=true`);
    assert.equal(watch.status, 405);
    await watch.body?.cancel();
  });

  it('leaves out a node whose kubelet stops answering', T, async () => {
    const other = new NodeHost({ kubeConfig: c.kc, defaults: { leaseRenewIntervalMs: 200, timings: FAST_TIMINGS } });
    await other.addNode('far-1');
    try {
      await waitFor('far-1 reported', async () => (await get<MetricsObject>(`${GV}/nodes/far-1`)).status === 200);
    } finally {
      await other.stop();
    }
    await waitFor('far-1 dropped', async () => {
      const list = await get<MetricsList>(`${GV}/nodes`);
      const names = list.body.items.map((i) => i.metadata.name);
      return !names.includes('far-1') && names.includes('node-1') && names.includes('node-2');
    });
    const gone = await get<{ message: string }>(`${GV}/nodes/far-1`);
    assert.equal(gone.body.message, 'nodemetrics.metrics.k8s.io "far-1" not found');
    await c.core.deleteNode({ name: 'far-1' });
  });
});
