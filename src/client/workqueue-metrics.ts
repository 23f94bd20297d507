// client-go's workqueue metrics (workqueue_* with label `name`), for work queues that have a name.
// A component owns a provider on its own prom-client Registry; queues pick it up while the component
// builds its controllers (withWorkQueueMetrics), so two managers in one process (tests, `up` beside a
// separate manager) never count into each other's figures. Unnamed queues, and queues built outside
// such a scope, record nothing and pay nothing.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What a queue reports; the queue calls these at the same points client-go's queue does. */
export interface QueueMetrics<K> {
  /** A key became dirty (queued or re-queued while processing). */
  added(key: K): void;
  /** A worker took the key. */
  taken(key: K): void;
  /** The worker finished the key. */
  finished(key: K): void;
  /** A delayed (rate-limited) add. */
  retried(): void;
}

/** upstream: ExponentialBuckets(10e-9, 10, 10), i.e. 10 ns … 10 s. */
const DURATION_BUCKETS = Array.from({ length: 10 }, (_, i) => Number((1e-8 * 10 ** i).toPrecision(1)));

/** Keys in flight of one queue, for the scrape-time gauges. */
interface Tracker {
  processing: Map<unknown, number>;
}

export class WorkQueueMetricsProvider {
  private readonly depth: Gauge<'name'>;
  private readonly adds: Counter<'name'>;
  private readonly latency: Histogram<'name'>;
  private readonly workDuration: Histogram<'name'>;
  private readonly retries: Counter<'name'>;
  private readonly trackers = new Map<string, Tracker[]>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.depth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: ['name'], registers });
    this.adds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'], registers });
    this.latency = new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested.',
      labelNames: ['name'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.workDuration = new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes.',
      labelNames: ['name'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.retries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'], registers });
    // In-flight figures are computed when scraped, as client-go's queue does on a timer: no cost per key.
    const trackers = this.trackers;
    const inFlightGauge = (name: string, help: string, seconds: (startedAt: number[], now: number) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['name'],
        registers,
        collect() {
          const now = performance.now();
          for (const [queue, list] of trackers) this.set({ name: queue }, seconds(list.flatMap((t) => [...t.processing.values()]), now));
        },
      });
    inFlightGauge(
      'workqueue_unfinished_work_seconds',
      "How many seconds of work has done that is in progress and hasn't been observed by work_duration. Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.",
      (started, now) => started.reduce((sum, t) => sum + now - t, 0) / 1000,
    );
    inFlightGauge('workqueue_longest_running_processor_seconds', 'How many seconds has the longest running processor for workqueue been running.', (started, now) =>
      started.length ? (now - Math.min(...started)) / 1000 : 0,
    );
  }

  /** The metrics of one queue; queues of the same name share their series. */
  forQueue<K>(name: string): QueueMetrics<K> {
    const depth = this.depth.labels({ name });
    const adds = this.adds.labels({ name });
    const latency = this.latency.labels({ name });
    const work = this.workDuration.labels({ name });
    const retries = this.retries.labels({ name });
    // Start every series at zero so a scrape shows the queue before its first add.
    depth.set(0);
    adds.inc(0);
    retries.inc(0);
    this.latency.zero({ name });
    this.workDuration.zero({ name });
    const addedAt = new Map<K, number>();
    const tracker: Tracker = { processing: new Map<K, number>() };
    const processing = tracker.processing as Map<K, number>;
    const list = this.trackers.get(name) ?? [];
    list.push(tracker);
    this.trackers.set(name, list);
    return {
      added(key) {
        adds.inc();
        depth.inc();
        if (!addedAt.has(key)) addedAt.set(key, performance.now());
      },
      taken(key) {
        depth.dec();
        const now = performance.now();
        const at = addedAt.get(key);
        if (at !== undefined) {
          latency.observe((now - at) / 1000);
          addedAt.delete(key);
        }
        processing.set(key, now);
      },
      finished(key) {
        const at = processing.get(key);
        if (at === undefined) return;
        work.observe((performance.now() - at) / 1000);
        processing.delete(key);
      },
      retried() {
        retries.inc();
      },
    };
  }
}

let ambient: WorkQueueMetricsProvider | undefined;

/**
 * Builds a component's controllers with `provider` in scope: every named queue constructed inside
 * `build` (synchronously) reports to it. Construction is synchronous, so no other component's
 * queues can be built in between.
 */
export function withWorkQueueMetrics<T>(provider: WorkQueueMetricsProvider | undefined, build: () => T): T {
  const previous = ambient;
  ambient = provider;
  try {
    return build();
  } finally {
    ambient = previous;
  }
}

/** The metrics a queue named `name` built now reports to, if any. */
export function queueMetricsFor<K>(name: string | undefined): QueueMetrics<K> | undefined {
  return name && ambient ? ambient.forQueue<K>(name) : undefined;
}
