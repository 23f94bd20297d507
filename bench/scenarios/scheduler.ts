// Scheduler throughput, after kube-scheduler's scheduler_perf: N Node objects registered through the
// API (no kubelets: Ready, with the allocatable a hollow agent reports), M pods like scheduler_perf's
// pod-default.yaml, `wheelhouse scheduler` as its own process, and pods/s measured by watching pods.
//
// Two modes, because they stress different things:
//  - precreated: all pods exist before the scheduler starts (a backlog: the informer's initial list,
//    then the queue drains as fast as scheduling + binding allow);
//  - streaming: the scheduler is up first and pods are created while it runs (scheduler_perf's
//    measured phase; the rate is capped by how fast the API server takes creates, reported as create/s).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { busyMs, hotSpots, inclusiveUnder } from '../lib/cpuprofile.ts';
import { startCluster, type Cluster, type Component } from '../lib/cluster.ts';
import { pool, sleep, type ApiClient, type WatchEvent } from '../lib/http.ts';
import { delta, etcdClientURL, scrape, type EtcdDelta, type Metrics } from '../lib/etcd-metrics.ts';
import { histogramDelta, sumOf, type HistogramSummary } from '../lib/prom.ts';
import { LatencyProbe } from '../lib/probe.ts';
import { ProcSampler, waitForQuietHost, type ProcStats } from '../lib/procs.ts';
import { percentile, throughput } from '../lib/stats.ts';
import { fmt } from '../lib/table.ts';
import type { BenchOptions, Case, CaseContext, ResultRow, Scenario } from './types.ts';

const NAMESPACE = 'sched-bench';
const MODES = ['precreated', 'streaming'] as const;
type Mode = (typeof MODES)[number];

// What a hollow node agent reports (src/kubelet/agent.ts: 4 cpu, 16Gi, 110 pods, 100Gi disk, with
// the kubelet's default eviction thresholds taken off allocatable).
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const NODE_CAPACITY = { cpu: '4', memory: `${(16 * GiB) / 1024}Ki`, pods: '110', 'ephemeral-storage': `${(100 * GiB) / 1024}Ki`, 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' };
const NODE_ALLOCATABLE = { ...NODE_CAPACITY, memory: `${(16 * GiB - 100 * MiB) / 1024}Ki`, 'ephemeral-storage': String(Math.floor(100 * GiB * 0.9)) };
const ZONES = 3;

// scheduler_perf's pod-default.yaml: one pause container requesting 100m / 500Mi.
const POD_CPU_M = 100;
const POD_MEMORY = 500 * MiB;
const PODS_PER_NODE = Math.min(4000 / POD_CPU_M, Math.floor((16 * GiB - 100 * MiB) / POD_MEMORY), 110);

/** Default pods per size: scheduler_perf-like counts that keep the default run within minutes on 2 cores. */
export function defaultPods(nodes: number): number {
  if (nodes <= 100) return 1000;
  if (nodes <= 1000) return 5000;
  return 10000;
}

function nodeName(i: number): string {
  return `bench-node-${String(i).padStart(5, '0')}`;
}

function podName(i: number): string {
  return `bench-pod-${String(i).padStart(6, '0')}`;
}

function nodeBody(i: number): unknown {
  const name = nodeName(i);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': 'hollow-standard-4',
        'topology.kubernetes.io/region': 'region-1',
        'topology.kubernetes.io/zone': `zone-${i % ZONES}`,
      },
    },
    spec: {},
    status: {
      capacity: NODE_CAPACITY,
      allocatable: NODE_ALLOCATABLE,
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      addresses: [{ type: 'Hostname', address: name }],
      nodeInfo: { operatingSystem: 'linux', architecture: 'amd64', kubeletVersion: 'v1.33.0', containerRuntimeVersion: 'containerd://2.1.4' },
    },
  };
}

function podBody(i: number): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: podName(i), namespace: NAMESPACE, labels: { app: 'sched-bench' } },
    spec: {
      containers: [
        {
          name: 'pause',
          image: 'registry.k8s.io/pause:3.10',
          ports: [{ containerPort: 80 }],
          resources: { requests: { cpu: `${POD_CPU_M}m`, memory: '500Mi' }, limits: { cpu: `${POD_CPU_M}m`, memory: '500Mi' } },
        },
      ],
    },
  };
}

interface Params {
  mode: Mode;
  nodes: number;
  pods: number;
}

function checkAlive(ctx: CaseContext, what: string): void {
  if (ctx.signal.aborted) throw new Error(`${what}: aborted`);
  if (Date.now() > ctx.deadline) throw new Error(`${what}: scenario timeout`);
}

/** Resolves once cond() holds; polls, bounded by the case deadline. */
async function until(ctx: CaseContext, what: string, cond: () => boolean, everyMs = 50): Promise<void> {
  while (!cond()) {
    checkAlive(ctx, what);
    await sleep(everyMs);
  }
}

/**
 * Follows a collection's watch from a resourceVersion, reconnecting (a bounded number of times) from
 * the last version seen when the server ends the stream.
 */
function follow(api: ApiClient, collection: string, fromRV: string, onEvent: (ev: WatchEvent) => void, log: (l: string) => void): { stop: () => void } {
  let rv = fromRV;
  let current: { abort: () => void } | undefined;
  let stopped = false;
  void (async () => {
    for (let attempt = 0; attempt < 50 && !stopped; attempt++) {
      const w = api.watch(`${collection}?watch=1&allowWatchBookmarks=true&resourceVersion=${rv}`, (ev) => {
        const v = ev.object.metadata?.resourceVersion;
        if (v) rv = v;
        if (ev.type === 'ERROR') log(`watch ${collection}: ${JSON.stringify(ev.object).slice(0, 200)}`);
        else onEvent(ev);
      });
      current = w;
      try {
        await w.done;
      } catch (err) {
        if (!stopped) log(`watch ${collection} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!stopped) await sleep(200);
    }
  })();
  return {
    stop: () => {
      stopped = true;
      current?.abort();
    },
  };
}

async function listRV(api: ApiClient, collection: string): Promise<string> {
  const list = await api.must<{ metadata: { resourceVersion: string } }>('GET', `${collection}?limit=1`);
  return list.metadata.resourceVersion;
}

/** The busiest profile in a --cpu-prof-dir: the main thread's, not the loader worker's. */
function mainThreadProfile(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f));
  return files.map((f) => ({ f, busy: busyMs(f) })).sort((a, b) => b.busy - a.busy)[0]?.f;
}

// performance.now() (ms since this process started) on the clock V8 profiles use (CLOCK_MONOTONIC, µs).
const HR_OFFSET_US = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
const hrUs = (perfMs: number) => Math.round(perfMs * 1000 + HR_OFFSET_US);

function triple(cpu: Record<string, Record<string, number | undefined>>, field: string, digits: number): string {
  return ['server', 'etcd', 'scheduler'].map((w) => fmt(cpu[w]?.[field], digits)).join('/');
}

const mb = (b: number | undefined) => (b === undefined ? undefined : b / MiB);

interface SchedulerFigures {
  attempts: Record<'scheduled' | 'unschedulable' | 'error', number>;
  podSchedulingSeconds: HistogramSummary;
  attemptSeconds: HistogramSummary;
}

function schedulerFigures(m: Metrics): SchedulerFigures {
  const attempts = (result: string) => sumOf(m, 'scheduler_schedule_attempts_total', { result });
  return {
    attempts: { scheduled: attempts('scheduled'), unschedulable: attempts('unschedulable'), error: attempts('error') },
    podSchedulingSeconds: histogramDelta(undefined, m, 'scheduler_pod_scheduling_duration_seconds'),
    attemptSeconds: histogramDelta(undefined, m, 'scheduler_scheduling_attempt_duration_seconds', { result: 'scheduled' }),
  };
}

export const schedulerScenario: Scenario = {
  name: 'scheduler',
  description: 'pods bound per second by `wheelhouse scheduler` (a separate process) on N API-registered nodes',
  columns: [
    'scenario',
    'mode',
    'nodes',
    'pods',
    'pods/s avg',
    'per-s median',
    'per-s p99',
    'latency p50/p99 ms',
    'create/s',
    'RSS MB srv/sched',
    'CPU % srv/etcd/sched',
    'CPU ms/pod srv/etcd/sched',
    'others CPU %',
    'probe p50/p99 ms',
    'sched attempts s/u/e',
    'sched e2e p50/p99 ms',
    'sched attempt p50/p99 ms',
  ],
  legend: [
    'precreated: every pod exists before `wheelhouse scheduler` starts (a backlog). streaming: the scheduler is up and synced, then the pods are created (bounded concurrency).',
    'pods/s avg: pods bound / (last bind − first bind), binds as seen on a pod watch; per-s median/p99: of the pods bound in each whole second from the first bind.',
    'latency: pod create response → bind seen on the watch (streaming only; a backlog has none worth the name — the JSON has time since scheduler ready).',
    'create/s: pod creates per second the API server completed (the bench, --concurrency in flight).',
    'RSS: peak of the `wheelhouse up` process (API server + node IPAM) and of the scheduler. CPU %: of one core, first to last bind; ms/pod: that CPU per pod bound.',
    'others CPU %: the rest of the host over the same span — a noisy neighbour shows here. probe: a namespace GET every 50 ms during binding (what another client waits).',
    'sched …: from the scheduler\'s own /metrics (--metrics-bind-address) at the end: scheduler_schedule_attempts_total by result (scheduled/unschedulable/error); e2e = scheduler_pod_scheduling_duration_seconds',
    '(first queued → bound); attempt = scheduler_scheduling_attempt_duration_seconds{result="scheduled"} (cycle start → bound). Quantiles are bucket estimates, as histogram_quantile gives.',
  ],

  cases(o: BenchOptions): Case[] {
    const modes = (o.modes?.length ? o.modes : [...MODES]) as Mode[];
    for (const m of modes) if (!MODES.includes(m)) throw new Error(`scheduler: unknown mode ${m} (have: ${MODES.join(', ')})`);
    const out: Case[] = [];
    o.nodes.forEach((nodes, i) => {
      const pods = o.pods?.[Math.min(i, o.pods.length - 1)] ?? defaultPods(nodes);
      if (pods > nodes * PODS_PER_NODE) throw new Error(`scheduler: ${pods} pods do not fit on ${nodes} nodes (${PODS_PER_NODE} per node)`);
      for (const mode of modes) out.push({ label: `${mode} ${nodes} nodes ${pods} pods`, params: { mode, nodes, pods } satisfies Params });
    });
    return out;
  },

  async run(ctx: CaseContext, c: Case): Promise<ResultRow> {
    const { mode, nodes, pods } = c.params as unknown as Params;
    const o = ctx.options;
    const profName = `${mode}-${nodes}n-${pods}p`;
    // One dir per process: node writes a profile per thread (tsx's loader hooks run in a worker of their own).
    const profDir = (who: string) => path.join(o.profileDir, `${who}-${profName}`);
    const prof = (who: string) => (o.cpuProf.includes(who) ? ['--cpu-prof', '--cpu-prof-dir', profDir(who)] : []);
    const metrics: Record<string, unknown> = { mode, nodes, pods, concurrency: o.concurrency, createRate: o.createRate };
    let cluster: Cluster | undefined;
    let client: ApiClient | undefined;
    let scheduler: Component | undefined;
    let error: string | undefined;
    const boundAt = new Map<string, number>();
    const createdAt = new Array<number>(pods).fill(Number.NaN);
    const nodesUsed = new Set<string>();
    let stats: Record<string, ProcStats> = {};
    let sampler: ProcSampler | undefined;
    let probeRef: LatencyProbe | undefined;
    const watches: { stop: () => void }[] = [];
    let etcd: EtcdDelta | undefined;
    let schedulerMetrics: SchedulerFigures | undefined;
    const createWindow = { start: Number.NaN, end: Number.NaN };
    try {
      cluster = await startCluster({ repo: ctx.repo, nodeFlags: prof('server'), keepState: o.keepState, log: ctx.log });
      const api = cluster.api(o.concurrency);
      client = api;
      const deadline = ctx.deadline;
      await api.must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });

      // Nodes, then wait for the node IPAM controller in `wheelhouse up` to give each a pod CIDR so
      // its node patches are over before anything is measured.
      const withCIDR = new Set<string>();
      const nodeWatch = follow(api, '/api/v1/nodes', await listRV(api, '/api/v1/nodes'), (ev) => {
        const n = ev.object as { metadata?: { name?: string }; spec?: { podCIDR?: string } };
        if (n.spec?.podCIDR && n.metadata?.name) withCIDR.add(n.metadata.name);
      }, ctx.log);
      watches.push(nodeWatch);
      const t0 = performance.now();
      await pool(Array.from({ length: nodes }, (_, i) => i), o.concurrency, deadline, (i) => api.must('POST', '/api/v1/nodes', nodeBody(i)));
      metrics.nodeRegisterSeconds = (performance.now() - t0) / 1000;
      await until(ctx, 'waiting for pod CIDRs', () => withCIDR.size >= nodes, 100);
      nodeWatch.stop();
      metrics.nodesReadySeconds = (performance.now() - t0) / 1000;
      ctx.log(`${nodes} nodes registered in ${(metrics.nodeRegisterSeconds as number).toFixed(1)} s, pod CIDRs after ${(metrics.nodesReadySeconds as number).toFixed(1)} s`);

      const podsPath = `/api/v1/namespaces/${NAMESPACE}/pods`;
      const podWatch = follow(api, podsPath, await listRV(api, podsPath), (ev) => {
        const name = ev.object.metadata?.name;
        const node = ev.object.spec?.nodeName;
        if (name && node && !boundAt.has(name)) {
          boundAt.set(name, performance.now());
          nodesUsed.add(node);
        }
      }, ctx.log);
      watches.push(podWatch);

      // The bench's own process too: on a small machine the load generator competes for the same cores.
      const procs = new ProcSampler({ server: cluster.serverPid, etcd: cluster.etcdPid, bench: process.pid });
      sampler = procs;
      const etcdURL = etcdClientURL(cluster.etcdPid);
      let etcdBefore: Metrics | undefined;
      // A namespace GET (one etcd range) every 50 ms: what any other client waits for meanwhile.
      const probe = new LatencyProbe(cluster.url, `/api/v1/namespaces/${NAMESPACE}`, 50);
      probeRef = probe;
      const createAll = async () => {
        const start = (createWindow.start = performance.now());
        await pool(createdAt.map((_, i) => i), o.concurrency, deadline, async (i) => {
          // Paced from the start, not from the previous response, so a slow server does not lower the
          // offered rate (pod i goes out no earlier than i / rate).
          if (o.createRate && mode === 'streaming') {
            const due = start + (1000 * i) / o.createRate - performance.now();
            if (due > 0) await sleep(due);
          }
          await api.must('POST', podsPath, podBody(i));
          createdAt[i] = performance.now();
        });
        createWindow.end = performance.now();
        ctx.log(`${pods} pods created in ${((createWindow.end - createWindow.start) / 1000).toFixed(1)} s`);
      };
      const startScheduler = async () => {
        const spawnedAt = performance.now();
        scheduler = await cluster!.spawnComponent(
          'scheduler',
          ['scheduler', '--kubeconfig', cluster!.kubeconfig, '--metrics-bind-address', '127.0.0.1:0'],
          /scheduler metrics at (\S+)\/metrics\n[\s\S]*?scheduler \S+ running/,
          { nodeFlags: prof('scheduler') },
        );
        procs.add('scheduler', scheduler.pid);
        metrics.schedulerStartSeconds = (scheduler.readyAt - spawnedAt) / 1000;
        ctx.log(`scheduler ready after ${(metrics.schedulerStartSeconds as number).toFixed(1)} s`);
      };

      const quiet = async () => {
        if (o.quietHostSeconds > 0) {
          const pids = [cluster!.serverPid, cluster!.etcdPid, process.pid].filter((p): p is number => p !== undefined);
          metrics.otherCpuPercentBeforeStart = await waitForQuietHost(() => pids, o.quietHostSeconds * 1000, 25, ctx.log);
        }
      };
      const measureStart = async () => {
        procs.begin();
        etcdBefore = etcdURL ? await scrape(etcdURL) : undefined;
        probe.start();
      };
      if (mode === 'precreated') {
        await createAll();
        await quiet();
        await measureStart();
        await startScheduler();
      } else {
        await quiet();
        await startScheduler();
        await measureStart();
        await createAll();
      }
      try {
        let last = -1;
        let lastChange = Date.now();
        await until(ctx, `waiting for ${pods} binds`, () => {
          if (boundAt.size !== last) {
            last = boundAt.size;
            lastChange = Date.now();
          } else if (Date.now() - lastChange > 10_000 && o.verbose) {
            ctx.log(`  ${boundAt.size}/${pods} bound, no progress for 10 s`);
            lastChange = Date.now();
          }
          return boundAt.size >= pods;
        });
        // The scheduler's own account of the same binds, beside the client-side figures.
        const base = scheduler?.readyMatch?.[1];
        const m = base ? await scrape(base) : undefined;
        if (m) schedulerMetrics = schedulerFigures(m);
      } finally {
        stats = procs.end();
        await probe.stop();
        const etcdAfter = etcdURL ? await scrape(etcdURL) : undefined;
        if (etcdBefore && etcdAfter) etcd = delta(etcdBefore, etcdAfter);
        podWatch.stop();
      }
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      ctx.log(`error: ${error}`);
      if (scheduler) ctx.log(`scheduler log tail:\n${cluster?.tail('scheduler.log', 15)}`);
    } finally {
      // Whatever failed, nothing of this case outlives it.
      for (const w of watches) w.stop();
      await probeRef?.stop();
      client?.close();
      await cluster?.stop();
    }
    // How long the scheduler took to exit on SIGTERM (it drains its queued Event writes first).
    if (scheduler?.proc.stopped) metrics.schedulerStop = scheduler.proc.stopped;

    // Results from whatever was measured, complete or not.
    const binds = [...boundAt.values()];
    const tp = throughput(binds);
    const latencies: number[] = [];
    for (let i = 0; i < pods; i++) {
      const b = boundAt.get(podName(i));
      if (b !== undefined && Number.isFinite(createdAt[i]!)) latencies.push(Math.max(0, b - createdAt[i]!));
    }
    const sinceReady = scheduler ? binds.map((b) => b - scheduler!.readyAt) : [];
    const createSeconds = (createWindow.end - createWindow.start) / 1000;
    const createRate = pods / createSeconds;
    // CPU over the binding phase only (first to last bind), where the throughput is measured.
    const firstBind = binds.length ? Math.min(...binds) : Number.NaN;
    const lastBind = binds.length ? Math.max(...binds) : Number.NaN;
    const cpu: Record<string, { seconds?: number; percentOfCore?: number; msPerPod?: number }> = {};
    for (const who of ['server', 'etcd', 'scheduler', 'bench', 'host']) {
      const secs = sampler?.cpuBetween(who, firstBind, lastBind);
      cpu[who] = secs === undefined ? {} : { seconds: secs, percentOfCore: (100 * secs) / tp.spanSeconds, msPerPod: (1000 * secs) / tp.count };
    }
    // Everything else on the host (another test suite, say): a noisy run shows here.
    const ownSecs = ['server', 'etcd', 'scheduler', 'bench'].map((w) => cpu[w]?.seconds ?? 0).reduce((a, b) => a + b, 0);
    const hostSecs = cpu.host?.seconds;
    cpu.others = hostSecs === undefined ? {} : { seconds: Math.max(0, hostSecs - ownSecs), percentOfCore: (100 * Math.max(0, hostSecs - ownSecs)) / tp.spanSeconds };
    const probeResult = probeRef?.between(firstBind, lastBind);
    Object.assign(metrics, {
      bound: tp.count,
      nodesUsed: nodesUsed.size,
      bindSpanSeconds: tp.spanSeconds,
      podsPerSecondAvg: tp.average,
      perSecond: tp.perSecond,
      perSecondMedian: tp.perSecondMedian,
      perSecondP99: tp.perSecondP99,
      latencyMs: mode === 'streaming' ? { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: percentile(latencies, 100) } : undefined,
      sinceSchedulerReadyMs: sinceReady.length ? { p50: percentile(sinceReady, 50), p99: percentile(sinceReady, 99), max: percentile(sinceReady, 100) } : undefined,
      cpuDuringBinding: cpu,
      apiProbeDuringBinding: probeResult,
      etcd: etcd && { ...etcd, txnPerPod: (etcd.rpcs.Txn ?? 0) / pods, rangePerPod: (etcd.rpcs.Range ?? 0) / pods, fsyncsPerPod: etcd.walFsyncs / pods },
      createSeconds,
      createPerSecond: createRate,
      processes: stats,
      clientRetries: client?.retries,
    });

    const profiles: Record<string, unknown> = {};
    // Profiles are read over the binding phase only (first to last bind), not startup or teardown.
    const window = binds.length > 1 ? { fromUs: hrUs(Math.min(...binds)), toUs: hrUs(Math.max(...binds)) } : undefined;
    for (const who of o.cpuProf) {
      const file = mainThreadProfile(profDir(who));
      if (!file) continue;
      const top = hotSpots(file, ctx.repo, 15, window);
      const ours = inclusiveUnder(file, ctx.repo, 'src/', 15, window);
      const pct = (ms: number) => `${((100 * ms) / top.totalMs).toFixed(1).padStart(5)}%`;
      profiles[who] = { file: path.relative(ctx.repo, file), window, sampledMs: top.totalMs, busyMs: top.busyMs, selfTop: top.spots, srcInclusiveTop: ours };
      ctx.log(`${who} profile ${path.relative(ctx.repo, file)}: over the ${(top.totalMs / 1000).toFixed(1)} s of binding, busy ${pct(top.busyMs)}; top self time (% of wall, heaviest caller):`);
      for (const s of top.spots.slice(0, 12)) ctx.log(`  ${pct(s.selfMs)}  ${s.fn}  ${s.where}  ← ${s.caller ?? '?'}`);
      ctx.log(`  heaviest src/ functions (inclusive %, self %):`);
      for (const s of ours.slice(0, 12)) ctx.log(`  ${pct(s.totalMs)} ${pct(s.selfMs)}  ${s.fn}  ${s.where}`);
    }
    if (Object.keys(profiles).length) metrics.profiles = profiles;

    if (schedulerMetrics) metrics.schedulerMetrics = schedulerMetrics;
    const lat = metrics.latencyMs as { p50: number; p99: number } | undefined;
    return {
      scenario: 'scheduler',
      case: c.label,
      error,
      metrics,
      cells: {
        scenario: 'scheduler',
        mode,
        nodes: String(nodes),
        pods: tp.count === pods ? String(pods) : `${tp.count}/${pods}`,
        'pods/s avg': fmt(tp.average, 1),
        'per-s median': fmt(tp.perSecondMedian),
        'per-s p99': fmt(tp.perSecondP99),
        'latency p50/p99 ms': lat ? `${fmt(lat.p50)}/${fmt(lat.p99)}` : '–',
        'create/s': fmt(createRate, 0),
        'RSS MB srv/sched': `${fmt(mb(stats.server?.peakRssBytes))}/${fmt(mb(stats.scheduler?.peakRssBytes))}`,
        'CPU % srv/etcd/sched': triple(cpu, 'percentOfCore', 0),
        'CPU ms/pod srv/etcd/sched': triple(cpu, 'msPerPod', 2),
        'others CPU %': fmt(cpu.others?.percentOfCore),
        'probe p50/p99 ms': probeResult?.count ? `${fmt(probeResult.p50Ms, 1)}/${fmt(probeResult.p99Ms, 1)}` : '–',
        'sched attempts s/u/e': schedulerMetrics ? `${schedulerMetrics.attempts.scheduled}/${schedulerMetrics.attempts.unschedulable}/${schedulerMetrics.attempts.error}` : '–',
        'sched e2e p50/p99 ms': schedulerMetrics ? `${fmt(schedulerMetrics.podSchedulingSeconds.p50 * 1000)}/${fmt(schedulerMetrics.podSchedulingSeconds.p99 * 1000)}` : '–',
        'sched attempt p50/p99 ms': schedulerMetrics ? `${fmt(schedulerMetrics.attemptSeconds.p50 * 1000, 1)}/${fmt(schedulerMetrics.attemptSeconds.p99 * 1000, 1)}` : '–',
      },
    };
  },
};
