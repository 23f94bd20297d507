// kube-apiserver's own Prometheus metrics, with upstream's names and labels
// (staging/src/k8s.io/apiserver/pkg/endpoints/metrics, pkg/storage/etcd3/metrics): request counts and
// latencies by verb/group/version/resource/subresource/scope/code, long-running requests, registered
// watchers, etcd request latencies and object counts. One registry per server, so several servers in
// one process (tests) keep their own figures.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ResourceDecl } from '../../api/types.ts';

/** apiserver_request_duration_seconds buckets, as upstream. */
const REQUEST_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];
/** etcd_request_duration_seconds buckets, as upstream. */
const ETCD_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

const REQUEST_LABELS = ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;

/** What a request was, in the words of upstream's metric labels. */
export interface RequestInfo {
  /** Upstream's cleaned verb: GET, LIST, WATCH, POST, PUT, PATCH, APPLY, DELETE, DELETECOLLECTION; the method for non-resource requests. */
  verb: string;
  dryRun: boolean;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  /** `resource` (one object), `namespace`, `cluster`, or '' for non-resource requests. */
  scope: string;
}

export class ApiServerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'code' | (typeof REQUEST_LABELS)[number]>;
  private readonly durations: Histogram<(typeof REQUEST_LABELS)[number]>;
  private readonly longRunning: Gauge<(typeof REQUEST_LABELS)[number]>;
  private readonly watchers: Gauge<'group' | 'version' | 'kind'>;
  private readonly etcdDurations: Histogram<'operation' | 'type'>;
  private readonly etcdErrors: Counter<'operation' | 'type'>;
  private readonly dropped: Counter<'request_kind'>;
  /** In-flight requests now and the most since the last scrape, per kind (readOnly, mutating). */
  private readonly inFlightNow = new Map<string, number>();
  private readonly inFlightHigh = new Map<string, number>();

  /** `objectCounts` is read at scrape time: objects per resource (`pods`, `deployments.apps`) from the watch caches. */
  constructor(objectCounts: () => Iterable<[resource: string, count: number]>) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'apiserver_request_total',
      help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
      labelNames: ['code', ...REQUEST_LABELS],
      registers,
    });
    this.durations = new Histogram({
      name: 'apiserver_request_duration_seconds',
      help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
      labelNames: [...REQUEST_LABELS],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.longRunning = new Gauge({
      name: 'apiserver_longrunning_requests',
      help: 'Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.',
      labelNames: [...REQUEST_LABELS],
      registers,
    });
    this.watchers = new Gauge({
      name: 'apiserver_registered_watchers',
      help: 'Number of currently registered watchers for a given resources',
      labelNames: ['group', 'version', 'kind'],
      registers,
    });
    this.etcdDurations = new Histogram({
      name: 'etcd_request_duration_seconds',
      help: 'Etcd request latency in seconds for each operation and object type.',
      labelNames: ['operation', 'type'],
      buckets: ETCD_BUCKETS,
      registers,
    });
    this.etcdErrors = new Counter({
      name: 'etcd_request_errors_total',
      help: 'Etcd failed request counts for each operation and object type.',
      labelNames: ['operation', 'type'],
      registers,
    });
    this.dropped = new Counter({
      name: 'apiserver_dropped_requests_total',
      help: "Number of requests dropped with 'Try again later' response",
      labelNames: ['request_kind'],
      registers,
    });
    const now = this.inFlightNow;
    const high = this.inFlightHigh;
    // Upstream reports the high-water mark of each second; here, of the time since the last scrape.
    new Gauge({
      name: 'apiserver_current_inflight_requests',
      help: 'Maximal number of currently used inflight request limit of this apiserver per request kind in last second.',
      labelNames: ['request_kind'],
      registers,
      collect() {
        for (const kind of ['readOnly', 'mutating']) {
          this.set({ request_kind: kind }, high.get(kind) ?? now.get(kind) ?? 0);
          high.set(kind, now.get(kind) ?? 0);
        }
      },
    });
    new Gauge({
      name: 'apiserver_storage_objects',
      help: 'Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.',
      labelNames: ['resource'],
      registers,
      collect() {
        this.reset();
        for (const [resource, count] of objectCounts()) this.set({ resource }, count);
      },
    });
  }

  private labels(info: RequestInfo): Record<(typeof REQUEST_LABELS)[number], string> {
    return {
      verb: info.verb,
      dry_run: info.dryRun ? 'All' : '',
      group: info.group,
      version: info.version,
      resource: info.resource,
      subresource: info.subresource,
      scope: info.scope,
      component: 'apiserver',
    };
  }

  /** A finished request: counted by its HTTP code, timed. */
  observeRequest(info: RequestInfo, code: number, seconds: number): void {
    const labels = this.labels(info);
    this.requests.inc({ ...labels, code: String(code) });
    this.durations.observe(labels, seconds);
  }

  /** A watch (or other long-running request) began; the returned function ends it. */
  longRunningStarted(info: RequestInfo, decl: ResourceDecl | undefined): () => void {
    const labels = this.labels(info);
    this.longRunning.inc(labels);
    const watcher = info.verb === 'WATCH' && decl ? { group: decl.group, version: decl.version, kind: decl.kind } : undefined;
    if (watcher) this.watchers.inc(watcher);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.longRunning.dec(labels);
      if (watcher) this.watchers.dec(watcher);
    };
  }

  /** The max-in-flight filter's count of one kind changed. */
  inFlight(kind: string, count: number): void {
    this.inFlightNow.set(kind, count);
    if (count > (this.inFlightHigh.get(kind) ?? 0)) this.inFlightHigh.set(kind, count);
  }

  /** The max-in-flight filter answered 429. */
  droppedRequest(kind: string): void {
    this.dropped.inc({ request_kind: kind });
  }

  observeEtcd(operation: string, type: string, seconds: number, failed: boolean): void {
    this.etcdDurations.observe({ operation, type }, seconds);
    if (failed) this.etcdErrors.inc({ operation, type });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
