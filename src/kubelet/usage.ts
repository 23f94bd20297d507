// Simulated resource usage, what cAdvisor would measure on a real node: every running container burns
// the CPU and holds the working set its pod's annotations ask for (`sim.wheelhouse.io/cpu-usage`,
// `sim.wheelhouse.io/memory-usage`, with `.<container>` overrides), read at every scrape so `kubectl annotate --overwrite`
// takes effect at once. CPU is kept as a cumulative counter of core-seconds, integrated between scrapes
// at the rate in force, because that is what the kubelet exports and what metrics-server turns into a
// rate; the node adds a fixed system overhead on top of its containers.
import type { V1Pod } from '@kubernetes/client-node';
import { parseQuantity } from '../api/quantity.ts';
import { ANNOTATION_PREFIX } from './behaviour.ts';

/** The annotations steering usage; like behaviour.ts's, `<key>.<container>` overrides `<key>`. */
export const USAGE_ANNOTATIONS = {
  /** CPU the running container uses, a quantity (`250m`, `1.5`). */
  cpu: `${ANNOTATION_PREFIX}cpu-usage`,
  /** Working-set memory of the running container, a quantity (`64Mi`). */
  memory: `${ANNOTATION_PREFIX}memory-usage`,
} as const;

function annotation(pod: V1Pod, key: string, container: string): string | undefined {
  const a = pod.metadata?.annotations ?? {};
  return a[`${key}.${container}`] ?? a[key];
}

/** Usage of a container whose pod says nothing. */
export const DEFAULT_CPU_CORES = 0.001;
export const DEFAULT_MEMORY_BYTES = 4 * 1024 * 1024;
/** What the node itself (system daemons, the runtime) uses beside its pods. */
export const NODE_OVERHEAD_CPU_CORES = 0.05;
export const NODE_OVERHEAD_MEMORY_BYTES = 512 * 1024 * 1024;

/** A container the runtime runs right now. */
export interface RunningContainer {
  pod: V1Pod;
  name: string;
  containerID: string;
  /** When this run started, ms since the epoch. */
  startedAt: number;
}

export interface ContainerUsage {
  namespace: string;
  pod: string;
  container: string;
  startedAt: number;
  cpuSeconds: number;
  memoryBytes: number;
}

export interface NodeUsage {
  node: string;
  /** When the sample was taken, ms since the epoch. */
  at: number;
  cpuSeconds: number;
  memoryBytes: number;
  containers: ContainerUsage[];
}

/** The usage an annotation asks for, or the default when it is absent or does not parse. */
export function requestedUsage(pod: V1Pod, container: string): { cpuCores: number; memoryBytes: number } {
  const cpu = parseQuantity(annotation(pod, USAGE_ANNOTATIONS.cpu, container));
  const mem = parseQuantity(annotation(pod, USAGE_ANNOTATIONS.memory, container));
  return {
    cpuCores: cpu !== undefined && cpu >= 0 ? cpu : DEFAULT_CPU_CORES,
    memoryBytes: mem !== undefined && mem >= 0 ? Math.round(mem) : DEFAULT_MEMORY_BYTES,
  };
}

interface Counter {
  cpuSeconds: number;
  at: number;
  cores: number;
}

/** One node's counters: per container run (by container ID) and for the node as a whole. */
export class UsageMeter {
  private readonly containers = new Map<string, Counter>();
  private node?: Counter;

  constructor(private readonly nodeName: string) {}

  sample(running: RunningContainer[], now = Date.now()): NodeUsage {
    const seen = new Set<string>();
    const out: ContainerUsage[] = [];
    let podCores = 0;
    let podMemory = 0;
    let podDelta = 0;
    for (const c of running) {
      seen.add(c.containerID);
      const { cpuCores, memoryBytes } = requestedUsage(c.pod, c.name);
      let counter = this.containers.get(c.containerID);
      // A run first seen now has been burning CPU since it started, at today's rate.
      if (!counter) this.containers.set(c.containerID, (counter = { cpuSeconds: 0, at: Math.min(c.startedAt, now), cores: cpuCores }));
      const delta = (counter.cores * Math.max(0, now - counter.at)) / 1000;
      counter.cpuSeconds += delta;
      counter.at = now;
      counter.cores = cpuCores;
      podDelta += delta;
      podCores += cpuCores;
      podMemory += memoryBytes;
      out.push({
        namespace: c.pod.metadata?.namespace ?? '',
        pod: c.pod.metadata?.name ?? '',
        container: c.name,
        startedAt: c.startedAt,
        cpuSeconds: counter.cpuSeconds,
        memoryBytes,
      });
    }
    for (const id of this.containers.keys()) if (!seen.has(id)) this.containers.delete(id);
    if (!this.node) this.node = { cpuSeconds: 0, at: now, cores: 0 };
    this.node.cpuSeconds += (NODE_OVERHEAD_CPU_CORES * Math.max(0, now - this.node.at)) / 1000 + podDelta;
    this.node.at = now;
    this.node.cores = podCores + NODE_OVERHEAD_CPU_CORES;
    return { node: this.nodeName, at: now, cpuSeconds: this.node.cpuSeconds, memoryBytes: podMemory + NODE_OVERHEAD_MEMORY_BYTES, containers: out };
  }
}

/** strconv.FormatFloat(v, 'g', -1, 64), the way the Prometheus text encoder writes sample values. */
export function goFloat(v: number): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  const [mantissa, expText] = v.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  return String(v);
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labels(pairs: [string, string][]): string {
  return pairs.length === 0 ? '' : `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: { labels: [string, string][]; value: number; at?: number }[];
}

/**
 * The kubelet's /metrics/resource document (pkg/kubelet/metrics/collectors/resource_metrics.go): the
 * same metric names, help texts and label names, samples stamped with the time they were taken. One
 * kubelet serves one node; a process running several agents serves them all on one port, so there the
 * node-level samples carry a `node` label (a real kubelet's have none) to tell them apart.
 */
export function renderResourceMetrics(nodes: NodeUsage[]): string {
  const labelNodes = nodes.length !== 1;
  const fam = (name: string, type: Family['type'], help: string): Family => ({ name, help, type, samples: [] });
  const containerCpu = fam('container_cpu_usage_seconds_total', 'counter', '[STABLE] Cumulative cpu time consumed by the container in core-seconds');
  const containerMem = fam('container_memory_working_set_bytes', 'gauge', '[STABLE] Current working set of the container in bytes');
  const containerStart = fam('container_start_time_seconds', 'gauge', '[STABLE] Start time of the container since unix epoch in seconds');
  const nodeCpu = fam('node_cpu_usage_seconds_total', 'counter', '[STABLE] Cumulative cpu time consumed by the node in core-seconds');
  const nodeMem = fam('node_memory_working_set_bytes', 'gauge', '[STABLE] Current working set of the node in bytes');
  const podCpu = fam('pod_cpu_usage_seconds_total', 'counter', '[STABLE] Cumulative cpu time consumed by the pod in core-seconds');
  const podMem = fam('pod_memory_working_set_bytes', 'gauge', '[STABLE] Current working set of the pod in bytes');
  const scrapeError = fam('resource_scrape_error', 'gauge', '[STABLE] 1 if there was an error while getting container metrics, 0 otherwise');
  for (const n of nodes) {
    const nodeLabel: [string, string][] = labelNodes ? [['node', n.node]] : [];
    nodeCpu.samples.push({ labels: nodeLabel, value: n.cpuSeconds, at: n.at });
    nodeMem.samples.push({ labels: nodeLabel, value: n.memoryBytes, at: n.at });
    const pods = new Map<string, { namespace: string; pod: string; cpu: number; mem: number }>();
    for (const c of n.containers) {
      const l: [string, string][] = [
        ['container', c.container],
        ['namespace', c.namespace],
        ['pod', c.pod],
      ];
      containerCpu.samples.push({ labels: l, value: c.cpuSeconds, at: n.at });
      containerMem.samples.push({ labels: l, value: c.memoryBytes, at: n.at });
      containerStart.samples.push({ labels: l, value: c.startedAt / 1000 });
      const key = `${c.namespace}/${c.pod}`;
      const p = pods.get(key) ?? { namespace: c.namespace, pod: c.pod, cpu: 0, mem: 0 };
      p.cpu += c.cpuSeconds;
      p.mem += c.memoryBytes;
      pods.set(key, p);
    }
    for (const p of pods.values()) {
      const l: [string, string][] = [
        ['namespace', p.namespace],
        ['pod', p.pod],
      ];
      podCpu.samples.push({ labels: l, value: p.cpu, at: n.at });
      podMem.samples.push({ labels: l, value: p.mem, at: n.at });
    }
  }
  scrapeError.samples.push({ labels: [], value: 0 });
  const lines: string[] = [];
  // The encoder writes families sorted by name.
  for (const f of [containerCpu, containerMem, containerStart, nodeCpu, nodeMem, podCpu, podMem, scrapeError]) {
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) lines.push(`${f.name}${labels(s.labels)} ${goFloat(s.value)}${s.at !== undefined ? ` ${Math.round(s.at)}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The content type the kubelet answers /metrics/resource with (Prometheus text format 0.0.4). */
export const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';
