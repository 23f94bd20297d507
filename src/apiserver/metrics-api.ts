// metrics.k8s.io/v1beta1 as metrics-server serves it (pkg/api/node.go, pod.go): NodeMetrics and
// PodMetrics, get and list with label (and for pods field) selectors, computed from the kubelets'
// resource metrics (metrics-scraper.ts) and never stored. The objects borrow their name, namespace
// and labels from the Node or Pod they describe, read from the watch cache.
import type { Request, Response } from 'express';
import { StatusError, notFound, type GroupResource } from '../api/errors.ts';
import { formatBinary } from '../api/quantity.ts';
import type { KObject, ResourceDecl } from '../api/types.ts';
import type { Registry } from '../registry/registry.ts';
import { MetricsScraper, type MetricsScraperOptions, type UsagePoint } from './metrics-scraper.ts';
import { listJSON, reply } from './respond.ts';

export const METRICS_GROUP = 'metrics.k8s.io';
const API_VERSION = `${METRICS_GROUP}/v1beta1`;

function decl(kind: string, resource: string, singular: string, namespaced: boolean): ResourceDecl {
  return {
    group: METRICS_GROUP,
    version: 'v1beta1',
    resource,
    singular,
    kind,
    listKind: `${kind}List`,
    namespaced,
    shortNames: [],
    categories: [],
    verbs: ['get', 'list'],
    subresources: [],
    etcdResource: resource,
    returnDeletedObject: false,
  };
}

/** What discovery lists for the group, as metrics-server registers it (no storage, so no storageVersionHash). */
export const METRICS_DECLS: readonly ResourceDecl[] = [decl('NodeMetrics', 'nodes', 'node', false), decl('PodMetrics', 'pods', 'pod', true)];

const NODE_METRICS: GroupResource = { group: METRICS_GROUP, resource: 'nodemetrics' };
const POD_METRICS: GroupResource = { group: METRICS_GROUP, resource: 'podmetrics' };

/** A resource.Quantity of nanocores in canonical form (`250m`, `1`, `1234567n`). */
export function cpuQuantity(nanocores: number): string {
  const n = Math.max(0, Math.round(nanocores));
  if (n === 0) return '0';
  for (const [unit, suffix] of [
    [1e9, ''],
    [1e6, 'm'],
    [1e3, 'u'],
  ] as const) {
    if (n % unit === 0) return `${n / unit}${suffix}`;
  }
  return `${n}n`;
}

/** A resource.Quantity of bytes in BinarySI (`65536Ki`). */
export function memoryQuantity(bytes: number): string {
  return formatBinary(Math.max(0, Math.round(bytes)));
}

/** metav1.Duration's text (Go's time.Duration.String) for a whole number of milliseconds. */
export function windowText(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = `${Number(((ms % 60_000) / 1000).toFixed(3))}s`;
  return h > 0 ? `${h}h${m}m${s}` : m > 0 ? `${m}m${s}` : s;
}

const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

function metricsMeta(obj: KObject, now: number): Record<string, unknown> {
  const meta: Record<string, unknown> = { name: obj.metadata.name };
  if (obj.metadata.namespace) meta.namespace = obj.metadata.namespace;
  meta.creationTimestamp = rfc3339(now);
  if (obj.metadata.labels) meta.labels = obj.metadata.labels;
  return meta;
}

function usage(u: UsagePoint): Record<string, string> {
  return { cpu: cpuQuantity(u.cpu), memory: memoryQuantity(u.memoryBytes) };
}

export class MetricsAPI {
  readonly scraper: MetricsScraper;

  constructor(
    private readonly registry: Registry,
    opts: MetricsScraperOptions = {},
  ) {
    const nodes = registry.store('', 'nodes');
    this.scraper = new MetricsScraper(async () => (await nodes.cacher.list({ matches: () => true })).items, opts);
  }

  private nodeMetrics(node: KObject, now: number): KObject | undefined {
    const u = this.scraper.node(node.metadata.name ?? '');
    if (!u) return undefined;
    return {
      kind: 'NodeMetrics',
      apiVersion: API_VERSION,
      metadata: metricsMeta(node, now),
      timestamp: rfc3339(u.timestamp),
      window: windowText(u.windowMs),
      usage: usage(u),
    };
  }

  private podMetrics(pod: KObject, now: number): KObject | undefined {
    const m = this.scraper.pod(pod.metadata.namespace ?? '', pod.metadata.name ?? '');
    if (!m) return undefined;
    return {
      kind: 'PodMetrics',
      apiVersion: API_VERSION,
      metadata: metricsMeta(pod, now),
      timestamp: rfc3339(m.timestamp),
      window: windowText(m.windowMs),
      containers: m.containers.map((c) => ({ name: c.name, usage: usage(c.usage) })),
    };
  }

  /** segs: the path after /apis/metrics.k8s.io/v1beta1. */
  async handle(segs: string[], req: Request, res: Response): Promise<void> {
    let namespace: string | undefined;
    let rest = segs;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const resource = rest[0];
    const name = rest[1];
    const known = (resource === 'nodes' && namespace === undefined) || resource === 'pods';
    if (!known || rest.length > 2) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    const watch = req.query.watch;
    if (req.method !== 'GET' || watch === 'true' || watch === '1') {
      throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
    }
    await this.scraper.demand();
    const now = Date.now();
    const params = {
      labelSelector: typeof req.query.labelSelector === 'string' ? req.query.labelSelector : undefined,
      fieldSelector: typeof req.query.fieldSelector === 'string' ? req.query.fieldSelector : undefined,
    };
    const store = this.registry.store('', resource === 'nodes' ? 'nodes' : 'pods');
    if (name !== undefined) {
      const key = store.key(namespace, name);
      const obj = (await store.cacher.get(key)) ?? (await store.storage.get(key));
      if (!obj) throw notFound({ group: '', resource: resource! }, name);
      const m = resource === 'nodes' ? this.nodeMetrics(obj, now) : this.podMetrics(obj, now);
      // metrics-server names a pod's object namespace/name in this message.
      if (!m) throw notFound(resource === 'nodes' ? NODE_METRICS : POD_METRICS, resource === 'nodes' ? name : `${namespace}/${name}`);
      reply(res, 200, 'application/json', JSON.stringify(m));
      return;
    }
    const sel = store.selection(params);
    const keyPrefix = namespace !== undefined ? store.key(namespace, '') : undefined;
    const { items } = await store.cacher.list({ keyPrefix, matches: store.matcher(sel) });
    const out: KObject[] = [];
    for (const obj of items) {
      const m = resource === 'nodes' ? this.nodeMetrics(obj, now) : this.podMetrics(obj, now);
      if (m) out.push(m);
    }
    out.sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
    reply(res, 200, 'application/json', listJSON(resource === 'nodes' ? 'NodeMetricsList' : 'PodMetricsList', API_VERSION, {}, out));
  }

  close(): void {
    this.scraper.close();
  }
}
