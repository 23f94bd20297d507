// What metrics-server does for the metrics.k8s.io API, done inside the API server: scrape every
// kubelet's /metrics/resource, keep the last two samples of each container and node, and hand out CPU
// as the rate between them (with their distance as `window`) and memory as the last working set.
//
// Scraping is lazy: the first metrics request starts a loop that scrapes every `resolutionMs` and stops
// after `idleMs` without requests, so a cluster nobody asks about costs nothing. Nodes are grouped by
// kubelet endpoint (agents in one process share a server), scraped with bounded concurrency and a
// timeout; a node that does not answer is skipped and keeps its previous samples out of the answers,
// as metrics-server drops nodes it failed to scrape. Requests never wait on a scrape except the very
// first ones, which wait for the two samples a rate needs.
import http from 'node:http';
import type { KObject } from '../api/types.ts';
import { kubeletEndpoint } from './pod-log.ts';

export interface MetricsScraperOptions {
  /** metrics-server --metric-resolution: how often the kubelets are scraped while in demand (default 15 s). */
  resolutionMs?: number;
  /** Scraping stops after this long without a metrics request (default 5 min). */
  idleMs?: number;
  /** Per-kubelet request timeout (default: 90% of the resolution, at most 10 s). */
  timeoutMs?: number;
  /** Kubelets scraped at once. */
  concurrency?: number;
}

interface Point {
  cpu: number;
  mem: number;
  /** Sample time, ms. */
  at: number;
  /** Container start time, s (a restart resets the counter). */
  start?: number;
}

interface Series {
  prev?: Point;
  cur: Point;
}

export interface UsagePoint {
  /** Nanocores. */
  cpu: number;
  memoryBytes: number;
  timestamp: number;
  windowMs: number;
}

/** A parsed /metrics/resource sample. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  at?: number;
}

const SAMPLE_RE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?\s*$/;
const LABEL_RE = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The Prometheus text format, as much as the kubelet's resource metrics use. */
export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE_RE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL_RE)) labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    const value = Number(m[3]);
    if (Number.isNaN(value)) continue;
    out.push({ name: m[1]!, labels, value, at: m[4] !== undefined ? Number(m[4]) : undefined });
  }
  return out;
}

function fetchText(host: string, port: number, path: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path, timeout: timeoutMs, headers: { Accept: 'text/plain' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`request failed, status: ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function advance(map: Map<string, Series>, key: string, p: Point): void {
  const s = map.get(key);
  if (!s) map.set(key, { cur: p });
  else if (p.at > s.cur.at) {
    // A restarted container starts its counter again: the older point says nothing about the new run.
    const restarted = p.start !== undefined && s.cur.start !== undefined && p.start !== s.cur.start;
    map.set(key, { prev: restarted ? undefined : s.cur, cur: p });
  }
}

function usageOf(s: Series | undefined): UsagePoint | undefined {
  if (!s?.prev) return undefined;
  const windowMs = s.cur.at - s.prev.at;
  if (windowMs <= 0 || s.cur.cpu < s.prev.cpu) return undefined;
  return { cpu: Math.round(((s.cur.cpu - s.prev.cpu) / (windowMs / 1000)) * 1e9), memoryBytes: s.cur.mem, timestamp: s.cur.at, windowMs };
}

export class MetricsScraper {
  private readonly resolutionMs: number;
  private readonly idleMs: number;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  /** `node` → its series. */
  private readonly nodes = new Map<string, Series>();
  /** `namespace/pod` → container name → series. */
  private readonly pods = new Map<string, Map<string, Series>>();
  private timer?: NodeJS.Timeout;
  private lastDemand = 0;
  private scrapes = 0;
  private inFlight?: Promise<void>;
  private warm?: Promise<void>;
  private closed = false;

  constructor(
    private readonly listNodes: () => Promise<KObject[]>,
    opts: MetricsScraperOptions = {},
  ) {
    this.resolutionMs = opts.resolutionMs ?? 15_000;
    this.idleMs = opts.idleMs ?? 5 * 60_000;
    this.timeoutMs = opts.timeoutMs ?? Math.min(10_000, Math.max(500, Math.round(this.resolutionMs * 0.9)));
    this.concurrency = opts.concurrency ?? 64;
  }

  /** Called by every metrics request: keeps the loop going; the first callers wait for a first rate. */
  async demand(): Promise<void> {
    this.lastDemand = Date.now();
    if (this.closed) return;
    if (!this.timer && !this.warm) {
      this.warm = (async () => {
        await this.scrape();
        // The second sample comes sooner than the resolution, so the first answer has a rate.
        await new Promise((r) => setTimeout(r, Math.min(this.resolutionMs, 1000)));
        await this.scrape();
      })().finally(() => {
        this.warm = undefined;
        this.schedule();
      });
    }
    if (this.warm && this.scrapes < 2) await this.warm;
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (Date.now() - this.lastDemand > this.idleMs) {
        // Idle: forget the samples, the next request starts over with fresh ones.
        this.scrapes = 0;
        this.nodes.clear();
        this.pods.clear();
        return;
      }
      void this.scrape().finally(() => this.schedule());
    }, this.resolutionMs);
    this.timer.unref();
  }

  /** One round over every kubelet; overlapping callers share it. */
  scrape(): Promise<void> {
    this.inFlight ??= this.scrapeAll().finally(() => {
      this.inFlight = undefined;
      this.scrapes++;
    });
    return this.inFlight;
  }

  private async scrapeAll(): Promise<void> {
    let nodes: KObject[];
    try {
      nodes = await this.listNodes();
    } catch {
      return;
    }
    const byEndpoint = new Map<string, { host: string; port: number; nodes: string[] }>();
    for (const n of nodes) {
      const ep = kubeletEndpoint(n as Parameters<typeof kubeletEndpoint>[0]);
      const name = n.metadata.name ?? '';
      if (!ep || !name) continue;
      const key = `${ep.host}:${ep.port}`;
      const e = byEndpoint.get(key) ?? { ...ep, nodes: [] };
      e.nodes.push(name);
      byEndpoint.set(key, e);
    }
    const known = new Set(nodes.map((n) => n.metadata.name ?? ''));
    for (const name of this.nodes.keys()) if (!known.has(name)) this.nodes.delete(name);
    const queue = [...byEndpoint.values()];
    const seenPods = new Set<string>();
    const worker = async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        try {
          const text = await fetchText(e.host, e.port, '/metrics/resource', this.timeoutMs);
          this.ingest(parsePrometheusText(text), e.nodes, seenPods);
        } catch {
          // Unreachable kubelet: its nodes and pods go unreported until it answers again.
          for (const n of e.nodes) this.nodes.delete(n);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, worker));
    for (const key of this.pods.keys()) if (!seenPods.has(key)) this.pods.delete(key);
  }

  private ingest(samples: Sample[], endpointNodes: string[], seenPods: Set<string>): void {
    const now = Date.now();
    const nodePoints = new Map<string, Partial<Point>>();
    const containers = new Map<string, Map<string, Partial<Point>>>();
    const point = (m: Map<string, Partial<Point>>, k: string) => {
      let p = m.get(k);
      if (!p) m.set(k, (p = {}));
      return p;
    };
    for (const s of samples) {
      if (s.name === 'node_cpu_usage_seconds_total' || s.name === 'node_memory_working_set_bytes') {
        // One node per kubelet normally; a shared server labels each node's samples.
        const node = s.labels.node ?? (endpointNodes.length === 1 ? endpointNodes[0] : undefined);
        if (!node || !endpointNodes.includes(node)) continue;
        const p = point(nodePoints, node);
        if (s.name === 'node_cpu_usage_seconds_total') p.cpu = s.value;
        else p.mem = s.value;
        p.at = s.at ?? now;
      } else if (s.name.startsWith('container_')) {
        const { namespace, pod, container } = s.labels;
        if (!namespace || !pod || !container) continue;
        const key = `${namespace}/${pod}`;
        let m = containers.get(key);
        if (!m) containers.set(key, (m = new Map()));
        const p = point(m, container);
        if (s.name === 'container_cpu_usage_seconds_total') {
          p.cpu = s.value;
          p.at = s.at ?? now;
        } else if (s.name === 'container_memory_working_set_bytes') p.mem = s.value;
        else if (s.name === 'container_start_time_seconds') p.start = s.value;
      }
    }
    const complete = (p: Partial<Point>): p is Point => p.cpu !== undefined && p.mem !== undefined && p.at !== undefined;
    for (const [node, p] of nodePoints) if (complete(p)) advance(this.nodes, node, p);
    for (const [key, m] of containers) {
      seenPods.add(key);
      let series = this.pods.get(key);
      if (!series) this.pods.set(key, (series = new Map()));
      for (const [c, p] of m) if (complete(p)) advance(series, c, p);
      for (const c of series.keys()) if (!m.has(c)) series.delete(c);
    }
  }

  node(name: string): UsagePoint | undefined {
    return usageOf(this.nodes.get(name));
  }

  /** Every container of a pod with a rate, or undefined when any of them has none yet (metrics-server drops such pods). */
  pod(namespace: string, name: string): { containers: { name: string; usage: UsagePoint }[]; timestamp: number; windowMs: number } | undefined {
    const series = this.pods.get(`${namespace}/${name}`);
    if (!series || series.size === 0) return undefined;
    const containers: { name: string; usage: UsagePoint }[] = [];
    for (const [c, s] of series) {
      const u = usageOf(s);
      if (!u) return undefined;
      containers.push({ name: c, usage: u });
    }
    const newest = containers.reduce((a, b) => (b.usage.timestamp > a.usage.timestamp ? b : a));
    return { containers, timestamp: newest.usage.timestamp, windowMs: newest.usage.windowMs };
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
