// API throughput and latency (issue 8, scenario 1): create / get / update / patch / list / delete of
// pods through the API with 1, 16, 256 concurrent keep-alive clients, and in the same run the raw-etcd
// baseline — the equivalent operations through `etcd3` straight to the cluster's own embedded etcd —
// so every row carries a ratio ours / raw measured minutes apart on the same machine and etcd.
//
// One `wheelhouse up --nodes 0 --no-scheduler` cluster for the whole run (pods stay Pending; no
// kubelet, no scheduler). Per client count, phases run one after the other, each a closed loop of
// `clients` workers over a fixed number of operations (bounded in count and time):
//   ours create → raw create → ours get, get rv=0 → raw get → ours PUT → raw txn put → ours patch →
//   ours list rv=0, list → raw range → ours delete → raw delete.
// The raw side writes pods of the same bytes the server stores (a stored pod read back from etcd,
// renamed), under a prefix no watch of the server covers.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Etcd3 } from 'etcd3';
import { busyMs, hotSpots, inclusiveUnder, type HotSpot } from '../lib/cpuprofile.ts';
import { startCluster, type Cluster } from '../lib/cluster.ts';
import { sleep, type ApiClient } from '../lib/http.ts';
import { delta, etcdClientURL, scrape, type EtcdDelta } from '../lib/etcd-metrics.ts';
import { readHostBusySeconds, readProc, waitForQuietHost } from '../lib/procs.ts';
import { percentile } from '../lib/stats.ts';
import { fmt } from '../lib/table.ts';
import type { BenchOptions, Case, CaseContext, ResultRow, Scenario } from './types.ts';

const NS = 'api-bench';
const LIST_NS = 'api-bench-list';
const RAW_PREFIX = '/bench-raw/pods/';
const REGISTRY_PREFIX = '/registry/pods/';
/** A phase stops after this long even if not all its operations ran (reported as cut). */
const PHASE_MAX_MS = 60_000;
/** Operations per verb of the unmeasured warm-up (JIT, connection pools, watch cache). */
const WARMUP_OPS = 200;

type OurOp = 'create' | 'get' | 'get rv=0' | 'update' | 'patch' | 'list rv=0' | 'list' | 'delete';
type RawOp = 'create' | 'get' | 'update' | 'list' | 'delete';
const OUR_OPS: OurOp[] = ['create', 'get', 'get rv=0', 'update', 'patch', 'list rv=0', 'list', 'delete'];
/** The raw-etcd operation each of ours is compared with. */
const RAW_FOR: Record<OurOp, RawOp> = {
  create: 'create',
  get: 'get',
  'get rv=0': 'get',
  update: 'update',
  patch: 'update',
  'list rv=0': 'list',
  list: 'list',
  delete: 'delete',
};
const RAW_LABEL: Record<RawOp, string> = {
  create: 'txn create-only put',
  get: 'range key',
  update: 'txn mod-rev put',
  list: 'range prefix',
  delete: 'delete key',
};
/** The issue's targets, as reporting only: min ratio ours/raw (≥) or strictly faster (>). */
function targetFor(op: OurOp, clients: number): { text: string; met: (ratio: number) => boolean } | undefined {
  if ((op === 'create' || op === 'update') && clients === 256) return { text: '≥ 0.7×', met: (r) => r >= 0.7 };
  if (op === 'get rv=0' || op === 'list rv=0') return { text: '> 1×', met: (r) => r > 1 };
  return undefined;
}

function podName(tag: string, i: number): string {
  return `${tag}-${String(i).padStart(6, '0')}`;
}

/** Like the scheduler scenario's pod (scheduler_perf's pod-default.yaml): one pause container with requests. */
function podBody(namespace: string, name: string): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'api-bench' } },
    spec: {
      containers: [
        {
          name: 'pause',
          image: 'registry.k8s.io/pause:3.10',
          ports: [{ containerPort: 80 }],
          resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } },
        },
      ],
    },
  };
}

function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix, 'utf8');
  b[b.length - 1]! += 1; // prefixes here end in '/', never 0xff
  return b;
}

interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

interface PhaseResult {
  planned: number;
  count: number;
  errors: number;
  firstError?: string;
  /** Set when the phase stopped before running every operation. */
  cut?: string;
  seconds: number;
  /** performance.now() at the phase's start and end (for profile windows). */
  fromMs: number;
  toMs: number;
  opsPerSecond: number;
  latencyMs: Latency;
  /** CPU seconds per process over the phase (from /proc at its start and end), and per operation. */
  cpuSeconds: Record<string, number | undefined>;
  cpuMsPerOp: Record<string, number | undefined>;
  /** Everything else on the host over the phase, % of one core. */
  othersCpuPercent?: number;
  /** etcd's own counters over the phase: RPCs per method (per operation in rpcsPerOp), fsyncs. */
  etcd?: EtcdDelta & { rpcsPerOp: Record<string, number>; fsyncsPerOp: number };
}

interface Pids {
  server: number;
  etcd: number;
  bench: number;
}

function cpuSnapshot(pids: Pids): Record<string, number | undefined> {
  return {
    server: readProc(pids.server)?.cpuSeconds,
    etcd: readProc(pids.etcd)?.cpuSeconds,
    bench: readProc(pids.bench)?.cpuSeconds,
    host: readHostBusySeconds(),
  };
}

class Runner {
  constructor(
    private readonly ctx: CaseContext,
    private readonly pids: Pids,
    private readonly etcdURL: string,
  ) {}

  /**
   * Runs fn(0..n-1) with `clients` in flight (a closed loop: each worker starts its next operation when
   * the previous one answers). Stops early on the phase cap, the case deadline, an abort, or too many
   * errors. Latencies are of successful operations only.
   */
  async phase(what: string, clients: number, n: number, fn: (i: number) => Promise<void>, measure = true): Promise<PhaseResult> {
    const latencies: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    let cut: string | undefined;
    let next = 0;
    const maxErrors = Math.max(10, Math.floor(n / 20));
    const etcdBefore = measure ? await scrape(this.etcdURL) : undefined;
    const cpu0 = cpuSnapshot(this.pids);
    const start = performance.now();
    const stopAt = Math.min(start + PHASE_MAX_MS, performance.now() + (this.ctx.deadline - Date.now()));
    const worker = async () => {
      while (next < n && cut === undefined) {
        if (this.ctx.signal.aborted) cut = 'aborted';
        else if (performance.now() > stopAt) cut = `time cap after ${next} of ${n}`;
        else if (errors > maxErrors) cut = `${errors} errors`;
        if (cut !== undefined) return;
        const i = next++;
        const t = performance.now();
        try {
          await fn(i);
          latencies.push(performance.now() - t);
        } catch (err) {
          errors++;
          firstError ??= err instanceof Error ? err.message : String(err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(clients, n)) }, worker));
    const end = performance.now();
    const seconds = (end - start) / 1000;
    const cpu1 = cpuSnapshot(this.pids);
    const etcdAfter = measure ? await scrape(this.etcdURL) : undefined;
    const count = latencies.length;
    const cpuSeconds: Record<string, number | undefined> = {};
    const cpuMsPerOp: Record<string, number | undefined> = {};
    for (const k of ['server', 'etcd', 'bench', 'host']) {
      const a = cpu0[k];
      const b = cpu1[k];
      cpuSeconds[k] = a === undefined || b === undefined ? undefined : b - a;
      if (k !== 'host') cpuMsPerOp[k] = cpuSeconds[k] === undefined || count === 0 ? undefined : (1000 * cpuSeconds[k]!) / count;
    }
    const own = ['server', 'etcd', 'bench'].reduce((s, k) => s + (cpuSeconds[k] ?? 0), 0);
    const othersCpuPercent = cpuSeconds.host === undefined || seconds <= 0 ? undefined : (100 * Math.max(0, cpuSeconds.host - own)) / seconds;
    let etcd: PhaseResult['etcd'];
    if (etcdBefore && etcdAfter) {
      const d = delta(etcdBefore, etcdAfter);
      const rpcsPerOp: Record<string, number> = {};
      for (const [m, v] of Object.entries(d.rpcs)) rpcsPerOp[m] = count ? v / count : Number.NaN;
      etcd = { ...d, rpcsPerOp, fsyncsPerOp: count ? d.walFsyncs / count : Number.NaN };
    }
    if (measure) {
      const p = (q: number) => fmt(percentile(latencies, q), 1);
      this.ctx.log(
        `  ${what.padEnd(22)} ${String(count).padStart(6)} ops ${fmt(count / seconds, 0).padStart(6)}/s  p50 ${p(50)} p99 ${p(99)} ms` +
          (errors ? `  ${errors} errors (${firstError})` : '') +
          (cut ? `  cut: ${cut}` : ''),
      );
    }
    return {
      planned: n,
      count,
      errors,
      firstError,
      cut,
      seconds,
      fromMs: start,
      toMs: end,
      opsPerSecond: seconds > 0 ? count / seconds : Number.NaN,
      latencyMs: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: percentile(latencies, 100) },
      cpuSeconds,
      cpuMsPerOp,
      othersCpuPercent,
      etcd,
    };
  }
}

function expect(res: { status: number; body: string }, ok: number, what: string): void {
  if (res.status !== ok) throw new Error(`${what}: HTTP ${res.status}: ${res.body.slice(0, 200)}`);
}

interface Level {
  clients: number;
  ours: Partial<Record<OurOp, PhaseResult>>;
  raw: Partial<Record<RawOp, PhaseResult>>;
  serverRssBytes?: number;
  quietWaitOthersPercent?: number;
}

/** The pod as the server stored it (read back from etcd), to write raw copies of the same size. */
class RawPods {
  constructor(private readonly template: Record<string, unknown> & { metadata: Record<string, unknown> }) {}

  value(namespace: string, name: string, extraLabels?: Record<string, string>): Buffer {
    const o = structuredClone(this.template);
    o.metadata = { ...o.metadata, name, namespace, uid: randomUUID(), creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    if (extraLabels) o.metadata.labels = { ...(o.metadata.labels as Record<string, string>), ...extraLabels };
    return Buffer.from(JSON.stringify(o), 'utf8');
  }
}

/**
 * One client count: every verb through the API and the raw equivalents through etcd3, on pods of
 * its own (names tagged with the count). `measure` false: a warm-up whose numbers are dropped.
 */
async function runLevel(runner: Runner, cluster: Cluster, etcd: Etcd3, raw: RawPods, clients: number, ops: number, listOps: number, listSize: number, tag: string, measure: boolean): Promise<Level> {
  const api: ApiClient = cluster.api(clients);
  const level: Level = { clients, ours: {}, raw: {} };
  try {
    // Open the pool's sockets first so connection setup is not measured.
    await Promise.all(Array.from({ length: clients }, () => api.raw('GET', `/api/v1/namespaces/${NS}`)));
    const podsPath = `/api/v1/namespaces/${NS}/pods`;
    const names = Array.from({ length: ops }, (_, i) => podName(tag, i));

    // ---- create
    const createBodies = names.map((n) => JSON.stringify(podBody(NS, n)));
    const created: (Record<string, unknown> & { metadata: Record<string, unknown> })[] = new Array(ops);
    level.ours.create = await runner.phase(`${tag} ours create`, clients, ops, async (i) => {
      const res = await api.raw('POST', podsPath, createBodies[i]);
      expect(res, 201, 'create');
      created[i] = JSON.parse(res.body) as (typeof created)[number];
    }, measure);
    const have = names.map((_, i) => i).filter((i) => created[i] !== undefined);

    const rawKey = (i: number) => Buffer.from(`${RAW_PREFIX}${NS}/${names[i]}`);
    const rawCreateValues = names.map((n) => raw.value(NS, n));
    const rawRev: number[] = new Array(ops).fill(0);
    level.raw.create = await runner.phase(`${tag} raw create`, clients, ops, async (i) => {
      const k = rawKey(i);
      const res = await etcd.kv.txn({ compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }], success: [{ request_put: { key: k, value: rawCreateValues[i]! } }], failure: [] });
      if (!res.succeeded) throw new Error(`raw create ${k.toString()}: key exists`);
      rawRev[i] = Number(res.header.revision);
    }, measure);
    const rawHave = names.map((_, i) => i).filter((i) => rawRev[i]! > 0);

    // ---- get (a quorum read from etcd, as upstream) and get rv=0 (the watch cache)
    const pick = (list: number[], i: number) => list[i % list.length]!;
    if (have.length) {
      level.ours.get = await runner.phase(`${tag} ours get`, clients, ops, async (i) => {
        expect(await api.raw('GET', `${podsPath}/${names[pick(have, i)]}`), 200, 'get');
      }, measure);
      level.ours['get rv=0'] = await runner.phase(`${tag} ours get rv=0`, clients, ops, async (i) => {
        expect(await api.raw('GET', `${podsPath}/${names[pick(have, i)]}?resourceVersion=0`), 200, 'get rv=0');
      }, measure);
    }
    if (rawHave.length) {
      level.raw.get = await runner.phase(`${tag} raw get`, clients, ops, async (i) => {
        const res = await etcd.kv.range({ key: rawKey(pick(rawHave, i)) });
        if (res.kvs.length !== 1) throw new Error('raw get: not found');
      }, measure);
    }

    // ---- update: PUT of the object as created with one label more (its resourceVersion from the create)
    const putBodies = have.map((i) => {
      const o = created[i]!;
      return JSON.stringify({ ...o, metadata: { ...o.metadata, labels: { ...(o.metadata.labels as Record<string, string>), updated: 'true' } } });
    });
    level.ours.update = await runner.phase(`${tag} ours update`, clients, have.length, async (j) => {
      expect(await api.raw('PUT', `${podsPath}/${names[have[j]!]}`, putBodies[j]), 200, 'update');
    }, measure);
    const rawPutValues = rawHave.map((i) => raw.value(NS, names[i]!, { updated: 'true' }));
    level.raw.update = await runner.phase(`${tag} raw update`, clients, rawHave.length, async (j) => {
      const i = rawHave[j]!;
      const k = rawKey(i);
      const res = await etcd.kv.txn({
        compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: rawRev[i]! }],
        success: [{ request_put: { key: k, value: rawPutValues[j]! } }],
        failure: [{ request_range: { key: k } }],
      });
      if (!res.succeeded) throw new Error(`raw update ${k.toString()}: revision mismatch`);
      rawRev[i] = Number(res.header.revision);
    }, measure);

    // ---- patch: strategic merge patch (kubectl's default) of one annotation
    level.ours.patch = await runner.phase(`${tag} ours patch`, clients, have.length, async (j) => {
      const body = `{"metadata":{"annotations":{"bench/patched":"${j}"}}}`;
      expect(await api.raw('PATCH', `${podsPath}/${names[have[j]!]}`, body, 'application/strategic-merge-patch+json'), 200, 'patch');
    }, measure);

    // ---- list: the list namespace (listSize pods), from the watch cache and consistent (from etcd)
    const listPath = `/api/v1/namespaces/${LIST_NS}/pods`;
    level.ours['list rv=0'] = await runner.phase(`${tag} ours list rv=0`, clients, listOps, async () => {
      expect(await api.raw('GET', `${listPath}?resourceVersion=0`), 200, 'list rv=0');
    }, measure);
    level.ours.list = await runner.phase(`${tag} ours list`, clients, listOps, async () => {
      expect(await api.raw('GET', listPath), 200, 'list');
    }, measure);
    const rawListKey = Buffer.from(`${RAW_PREFIX}${LIST_NS}/`);
    const rawListEnd = prefixEnd(`${RAW_PREFIX}${LIST_NS}/`);
    level.raw.list = await runner.phase(`${tag} raw list`, clients, listOps, async () => {
      const res = await etcd.kv.range({ key: rawListKey, range_end: rawListEnd });
      if (res.kvs.length !== listSize) throw new Error(`raw list: ${res.kvs.length} keys, want ${listSize}`);
    }, measure);

    // ---- delete (pods without a node go at once, grace period 0)
    level.ours.delete = await runner.phase(`${tag} ours delete`, clients, have.length, async (j) => {
      expect(await api.raw('DELETE', `${podsPath}/${names[have[j]!]}`), 200, 'delete');
    }, measure);
    level.raw.delete = await runner.phase(`${tag} raw delete`, clients, rawHave.length, async (j) => {
      const res = await etcd.kv.deleteRange({ key: rawKey(rawHave[j]!), prev_kv: true });
      if (res.deleted !== '1') throw new Error('raw delete: not found');
    }, measure);
    level.serverRssBytes = readProc(cluster.serverPid)?.rssBytes;
  } finally {
    api.close();
  }
  return level;
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

interface PhaseProfile {
  /** The phase on the profile's clock (µs). */
  window: { fromUs: number; toUs: number };
  sampledMs: number;
  busyMs: number;
  selfTop: HotSpot[];
  srcInclusiveTop: HotSpot[];
}

/** The server's hot spots over each of our phases (--cpu-prof server). */
function profilePhases(ctx: CaseContext, file: string, levels: Level[]): Map<string, PhaseProfile> {
  const out = new Map<string, PhaseProfile>();
  for (const level of levels) {
    for (const op of OUR_OPS) {
      const p = level.ours[op];
      if (!p || p.count === 0) continue;
      const window = { fromUs: hrUs(p.fromMs), toUs: hrUs(p.toMs) };
      const top = hotSpots(file, ctx.repo, 12, window);
      const ours = inclusiveUnder(file, ctx.repo, 'src/', 12, window);
      out.set(`${op} ${level.clients}`, { window, sampledMs: top.totalMs, busyMs: top.busyMs, selfTop: top.spots, srcInclusiveTop: ours });
    }
  }
  return out;
}

const ms = (l: Latency | undefined) => (l ? `${fmt(l.p50, 1)}/${fmt(l.p99, 1)}` : '–');

function row(level: Level, op: OurOp, meta: Record<string, unknown>, profile?: PhaseProfile): ResultRow {
  const ours = level.ours[op];
  const rawOp = RAW_FOR[op];
  const raw = level.raw[rawOp];
  const ratio = ours && raw ? ours.opsPerSecond / raw.opsPerSecond : Number.NaN;
  const target = targetFor(op, level.clients);
  // Judged on the ratio as printed (two decimals), so a row never shows 1.00 next to "pass" for "> 1×".
  const met = target && Number.isFinite(ratio) ? (target.met(Math.round(ratio * 100) / 100) ? 'pass' : 'miss') : '–';
  const errs = [ours, raw].some((p) => p?.errors || p?.cut) ? `${ours?.errors ?? '–'}/${raw?.errors ?? '–'}` : '0';
  const cut = [ours?.cut && `ours ${ours.cut}`, raw?.cut && `raw ${raw.cut}`].filter(Boolean).join('; ');
  const firstErr = [ours?.firstError && `ours: ${ours.firstError}`, raw?.firstError && `raw: ${raw.firstError}`].filter(Boolean).join('; ');
  const others = [ours?.othersCpuPercent, raw?.othersCpuPercent].map((v) => fmt(v)).join('/');
  return {
    scenario: 'api',
    case: `${op} ${level.clients} clients`,
    error: cut || firstErr ? [cut, firstErr].filter(Boolean).join('; ') : undefined,
    metrics: { ...meta, op, clients: level.clients, rawOp, ours, raw, ratio, target: target?.text, met: target ? met : undefined, serverRssBytes: level.serverRssBytes, quietWaitOthersPercent: level.quietWaitOthersPercent, serverProfile: profile },
    cells: {
      op,
      clients: String(level.clients),
      ops: ours ? (ours.count === ours.planned ? String(ours.count) : `${ours.count}/${ours.planned}`) : '–',
      'ops/s': fmt(ours?.opsPerSecond, 0),
      'p50/p99 ms': ms(ours?.latencyMs),
      'raw etcd op': RAW_LABEL[rawOp],
      'raw ops/s': fmt(raw?.opsPerSecond, 0),
      'raw p50/p99 ms': ms(raw?.latencyMs),
      'ours/raw': fmt(ratio, 2),
      target: target?.text ?? '–',
      met,
      'CPU ms/op srv/etcd/bench': ['server', 'etcd', 'bench'].map((k) => fmt(ours?.cpuMsPerOp[k], 2)).join('/'),
      'raw CPU ms/op etcd/bench': ['etcd', 'bench'].map((k) => fmt(raw?.cpuMsPerOp[k], 2)).join('/'),
      'others CPU % ours/raw': others,
      errors: errs,
    },
  };
}

export const apiScenario: Scenario = {
  name: 'api',
  description: 'pod create/get/update/patch/list/delete through the API vs the same operations on raw etcd (etcd3), by concurrent clients',
  columns: [
    'op',
    'clients',
    'ops',
    'ops/s',
    'p50/p99 ms',
    'raw etcd op',
    'raw ops/s',
    'raw p50/p99 ms',
    'ours/raw',
    'target',
    'met',
    'CPU ms/op srv/etcd/bench',
    'raw CPU ms/op etcd/bench',
    'others CPU % ours/raw',
    'errors',
  ],
  legend: [
    'One `wheelhouse up --nodes 0 --no-scheduler` cluster; raw etcd = the same operations through etcd3 from the bench process to that cluster\'s embedded etcd, same run, under /bench-raw/ (no server watch sees it).',
    'clients: requests in flight (closed loop), one keep-alive socket each (http.Agent maxSockets = clients); raw: one etcd3 client (one HTTP/2 channel, as the server has).',
    'ops/s: completed / phase wall time; p50/p99: per-call latency at the client. Pods stay Pending; raw values are the bytes the server stored for such a pod, renamed.',
    'get: plain GET (a quorum read from etcd, as upstream); get rv=0 and list rv=0: served from the watch cache; list: consistent list (etcd range). Lists read a namespace of --list-size pods, --ops/4 times.',
    'update: PUT with the resourceVersion from the create; patch: strategic merge patch of one annotation (compared with raw txn put); delete: pods without a node go at once.',
    'target/met: issue 8\'s targets, reported only — creates and updates at 256 clients ≥ 0.7× raw writes; get rv=0 and list rv=0 faster than raw reads.',
    'CPU ms/op: CPU time per completed call over the phase (the bench\'s own load generator included). others CPU %: the rest of the host over the phase, of one core.',
  ],

  cases(o: BenchOptions): Case[] {
    const clients = o.clients?.length ? o.clients : [1, 16, 256];
    const ops = o.ops ?? 2000;
    const listSize = o.listSize ?? 100;
    return [{ label: `clients ${clients.join(',')}, ${ops} ops, lists of ${listSize}`, params: { clients, ops, listSize } }];
  },

  async run(ctx: CaseContext, c: Case): Promise<ResultRow[]> {
    const { clients, ops, listSize } = c.params as { clients: number[]; ops: number; listSize: number };
    const o = ctx.options;
    const listOps = Math.max(1, Math.floor(ops / 4));
    const profiling = o.cpuProf.includes('server');
    // One dir for the server (node writes a profile per thread; tsx's loader runs in a worker of its own).
    const profDir = path.join(o.profileDir, 'server-api');
    const rows: ResultRow[] = [];
    const meta: Record<string, unknown> = { ops, listOps, listSize };
    let cluster: Cluster | undefined;
    let etcd: Etcd3 | undefined;
    let error: string | undefined;
    const levels: Level[] = [];
    let rawPods: RawPods | undefined;
    try {
      cluster = await startCluster({ repo: ctx.repo, keepState: o.keepState, log: ctx.log, nodeFlags: profiling ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [] });
      const etcdURL = etcdClientURL(cluster.etcdPid);
      if (!etcdURL || !cluster.etcdPid) throw new Error('could not find the embedded etcd of `wheelhouse up` (its client URL)');
      meta.etcdURL = etcdURL;
      etcd = new Etcd3({ hosts: [etcdURL], dialTimeout: 5000 });
      const setup = cluster.api(16);
      try {
        for (const ns of [NS, LIST_NS]) await setup.must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
        // ServiceAccount admission wants each namespace's `default` account, which a controller creates.
        for (const ns of [NS, LIST_NS]) {
          for (let i = 0; ; i++) {
            const res = await setup.request('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`, undefined, 1);
            if (res.status === 200) break;
            if (i >= 300) throw new Error(`namespace ${ns}: no default ServiceAccount after 30 s`);
            await sleep(100);
          }
        }
        // The list namespace, and the stored form of a pod as the raw side's template.
        const listNames = Array.from({ length: listSize }, (_, i) => podName('list', i));
        let next = 0;
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            while (next < listNames.length) await setup.must('POST', `/api/v1/namespaces/${LIST_NS}/pods`, podBody(LIST_NS, listNames[next++]!));
          }),
        );
        const stored = await etcd.kv.range({ key: Buffer.from(`${REGISTRY_PREFIX}${LIST_NS}/${listNames[0]}`) });
        const kv = stored.kvs[0];
        if (!kv) throw new Error(`pod not found in etcd at ${REGISTRY_PREFIX}${LIST_NS}/${listNames[0]} (is the etcd prefix /registry?)`);
        const raw = (rawPods = new RawPods(JSON.parse(kv.value.toString('utf8')) as ConstructorParameters<typeof RawPods>[0]));
        meta.storedPodBytes = kv.value.length;
        meta.rawPodBytes = raw.value(NS, podName('c256', 0)).length;
        for (let i = 0; i < listSize; i++) {
          await etcd.put(`${RAW_PREFIX}${LIST_NS}/${listNames[i]}`).value(raw.value(LIST_NS, listNames[i]!));
        }
        const check = await setup.must<{ items: unknown[] }>('GET', `/api/v1/namespaces/${LIST_NS}/pods?resourceVersion=0`);
        if (check.items.length !== listSize) throw new Error(`list rv=0 returned ${check.items.length} pods, want ${listSize}`);
        ctx.log(`pods as stored: ${meta.storedPodBytes} bytes (raw copies ${meta.rawPodBytes}); list namespace of ${listSize}; etcd at ${etcdURL}`);
      } finally {
        setup.close();
      }

      const pids: Pids = { server: cluster.serverPid, etcd: cluster.etcdPid, bench: process.pid };
      const runner = new Runner(ctx, pids, etcdURL);
      ctx.log(`warm-up: ${WARMUP_OPS} of each at 16 clients (not measured)`);
      await runLevel(runner, cluster, etcd, rawPods, 16, WARMUP_OPS, Math.min(WARMUP_OPS, listOps), listSize, 'warm', false);

      for (const n of clients) {
        if (Date.now() > ctx.deadline || ctx.signal.aborted) {
          error = `scenario timeout before ${n} clients`;
          break;
        }
        let quiet: number | undefined;
        if (o.quietHostSeconds > 0) quiet = await waitForQuietHost(() => [pids.server, pids.etcd, pids.bench], o.quietHostSeconds * 1000, 25, ctx.log);
        ctx.log(`${n} clients, ${ops} ops per verb (lists ${listOps})${quiet !== undefined ? `; others used ${quiet.toFixed(0)}% of a core before it` : ''}`);
        const level = await runLevel(runner, cluster, etcd, rawPods, n, ops, listOps, listSize, `c${n}`, true);
        level.quietWaitOthersPercent = quiet;
        levels.push(level);
      }
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      ctx.log(`error: ${error}`);
    } finally {
      etcd?.close();
      await cluster?.stop();
    }
    let profiles = new Map<string, PhaseProfile>();
    const profFile = profiling ? mainThreadProfile(profDir) : undefined;
    if (profFile) {
      meta.serverProfileFile = path.relative(ctx.repo, profFile);
      profiles = profilePhases(ctx, profFile, levels);
      const top = levels[levels.length - 1];
      if (top) {
        ctx.log(`server profile ${meta.serverProfileFile}; top self time per call at ${top.clients} clients (ms of CPU per call, heaviest caller):`);
        for (const op of OUR_OPS) {
          const p = profiles.get(`${op} ${top.clients}`);
          const n = top.ours[op]?.count;
          if (!p || !n) continue;
          ctx.log(`  ${op}: busy ${fmt(p.busyMs / n, 3)} ms/call`);
          for (const s of p.selfTop.slice(0, 6)) ctx.log(`    ${fmt(s.selfMs / n, 3).padStart(6)}  ${s.fn}  ${s.where}  ← ${s.caller ?? '?'}`);
          ctx.log(`    heaviest src/ (inclusive ms/call): ${p.srcInclusiveTop.slice(0, 5).map((s) => `${s.fn} ${s.where} ${fmt(s.totalMs / n, 3)}`).join('; ')}`);
        }
      }
    } else if (profiling) ctx.log(`no server profile found in ${profDir}`);
    // Rows by verb, then client count.
    for (const op of OUR_OPS) for (const level of levels) rows.push(row(level, op, meta, profiles.get(`${op} ${level.clients}`)));
    if (error) rows.push({ scenario: 'api', case: c.label, cells: { op: 'error' }, metrics: meta, error });
    return rows;
  },
};
