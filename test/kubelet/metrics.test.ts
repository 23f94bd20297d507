// The kubelet's /metrics/resource: simulated CPU and memory of every running container, steered by
// the sim.wheelhouse.io/cpu-usage and memory-usage annotations (per container with `.<name>`), read
// live; the CPU counter grows at the annotated rate between scrapes; node and pod totals; a process
// with one agent exports unlabeled node samples exactly as a real kubelet does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MERGE_PATCH } from '../../src/client/clients.ts';
import { NodeHost } from '../../src/kubelet/host.ts';
import { DEFAULT_MEMORY_BYTES, NODE_OVERHEAD_MEMORY_BYTES, USAGE_ANNOTATIONS, goFloat } from '../../src/kubelet/usage.ts';
import { parsePrometheusText } from '../../src/apiserver/metrics-scraper.ts';
import { FAST_TIMINGS, kubeletURL, pod, startNodesCluster, waitFor, type NodesCluster } from './cluster.ts';

const T = { timeout: 30_000 };
const NS = 'default';
const MiB = 1024 * 1024;

// Two agents in one process: they share one kubelet server, as `wheelhouse up` runs them.
let c: NodesCluster;
before(async () => {
  c = await startNodesCluster({ nodes: ['node-1', 'node-2'] });
});
after(async () => {
  await c?.stop();
});

async function scrape(base: string) {
  const res = await fetch(`${base}/metrics/resource`);
  assert.equal(res.status, 200);
  return { contentType: res.headers.get('content-type'), text: await res.text() };
}

function sample(text: string, name: string, labels: Record<string, string>) {
  return parsePrometheusText(text).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

async function runningOn(name: string): Promise<string> {
  const p = await waitFor(`${name} running`, async () => {
    const p = await c.core.readNamespacedPod({ name, namespace: NS });
    return p.status?.phase === 'Running' && p.status.containerStatuses?.every((s) => s.state?.running) ? p : undefined;
  });
  return p.spec!.nodeName!;
}

/** The CPU rate between two scrapes, from the counter and the samples' own timestamps. */
async function cpuRate(base: string, labels: Record<string, string>, metric = 'container_cpu_usage_seconds_total'): Promise<number> {
  const a = sample((await scrape(base)).text, metric, labels);
  await new Promise((r) => setTimeout(r, 300));
  const b = sample((await scrape(base)).text, metric, labels);
  assert.ok(a && b && a.at !== undefined && b.at !== undefined && b.at > a.at, `${metric} ${JSON.stringify(labels)} sampled twice`);
  return (b.value - a.value) / ((b.at - a.at) / 1000);
}

describe('kubelet /metrics/resource', () => {
  it('formats values like the Prometheus text encoder', () => {
    assert.equal(goFloat(67108864), '6.7108864e+07');
    assert.equal(goFloat(0.25), '0.25');
    assert.equal(goFloat(123456), '123456');
    assert.equal(goFloat(0.00001), '1e-05');
    assert.equal(goFloat(0), '0');
  });

  it('reports annotated usage per container, with overrides, pod and node totals', T, async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod(
        'busy',
        { containers: [{ name: 'app', image: 'nginx:1.27' }, { name: 'side', image: 'busybox:1.36' }] },
        { [USAGE_ANNOTATIONS.cpu]: '250m', [USAGE_ANNOTATIONS.memory]: '64Mi', [`${USAGE_ANNOTATIONS.cpu}.side`]: '50m' },
      ),
    });
    const node = await runningOn('busy');
    const base = await kubeletURL(c.core, node);
    const { contentType, text } = await scrape(base);
    assert.equal(contentType, 'text/plain; version=0.0.4; charset=utf-8');
    for (const [name, type] of [
      ['container_cpu_usage_seconds_total', 'counter'],
      ['container_memory_working_set_bytes', 'gauge'],
      ['container_start_time_seconds', 'gauge'],
      ['node_cpu_usage_seconds_total', 'counter'],
      ['node_memory_working_set_bytes', 'gauge'],
      ['pod_cpu_usage_seconds_total', 'counter'],
      ['pod_memory_working_set_bytes', 'gauge'],
      ['resource_scrape_error', 'gauge'],
    ]) {
      assert.match(text, new RegExp(`^# HELP ${name} \\[STABLE\\] `, 'm'));
      assert.match(text, new RegExp(`^# TYPE ${name} ${type}$`, 'm'));
    }
    assert.match(text, /^container_memory_working_set_bytes\{container="app",namespace="default",pod="busy"\} 6\.7108864e\+07 \d{13}$/m);
    assert.equal(sample(text, 'container_memory_working_set_bytes', { container: 'side', pod: 'busy' })!.value, 64 * MiB);
    assert.equal(sample(text, 'pod_memory_working_set_bytes', { pod: 'busy' })!.value, 128 * MiB);
    // Two agents share this process's server: node samples say which node they are.
    const nodeMem = sample(text, 'node_memory_working_set_bytes', { node })!;
    assert.ok(nodeMem.value >= 128 * MiB + NODE_OVERHEAD_MEMORY_BYTES);
    assert.ok(Math.abs((await cpuRate(base, { container: 'app', pod: 'busy' })) - 0.25) < 1e-6);
    assert.ok(Math.abs((await cpuRate(base, { container: 'side', pod: 'busy' })) - 0.05) < 1e-6);
    assert.ok((await cpuRate(base, { node }, 'node_cpu_usage_seconds_total')) >= 0.3 - 1e-6);
  });

  it('reads the annotations live: a change applies from the next sample on', T, async () => {
    const base = await kubeletURL(c.core, await runningOn('busy'));
    await c.core.patchNamespacedPod(
      { name: 'busy', namespace: NS, body: { metadata: { annotations: { [USAGE_ANNOTATIONS.cpu]: '1500m', [USAGE_ANNOTATIONS.memory]: null } } } },
      MERGE_PATCH,
    );
    await waitFor('new memory value', async () => {
      const s = sample((await scrape(base)).text, 'container_memory_working_set_bytes', { container: 'app', pod: 'busy' });
      return s?.value === DEFAULT_MEMORY_BYTES;
    });
    assert.ok(Math.abs((await cpuRate(base, { container: 'app', pod: 'busy' })) - 1.5) < 1e-6);
  });

  it('a pod that is gone is no longer reported; a lone agent exports unlabeled node samples', T, async () => {
    await c.core.deleteNamespacedPod({ name: 'busy', namespace: NS, gracePeriodSeconds: 0 });
    const base = await kubeletURL(c.core, 'node-1');
    await waitFor('busy gone from the metrics', async () => !(await scrape(base)).text.includes('pod="busy"'));
    const lone = new NodeHost({ kubeConfig: c.kc, defaults: { leaseRenewIntervalMs: 200, timings: FAST_TIMINGS } });
    try {
      await lone.addNode('lone-1');
      const { text } = await scrape(await kubeletURL(c.core, 'lone-1'));
      assert.match(text, /^node_cpu_usage_seconds_total [0-9.e+-]+ \d{13}$/m);
      assert.match(text, /^node_memory_working_set_bytes 5\.36870912e\+08 \d{13}$/m);
      assert.match(text, /^resource_scrape_error 0$/m);
    } finally {
      await lone.stop();
      await c.core.deleteNode({ name: 'lone-1' }).catch(() => undefined);
    }
  });
});
