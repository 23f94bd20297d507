// Event recording the way client-go records events, in two styles:
//
//  - `legacy` (tools/record, what the kubelet uses): core/v1 Events with source, first/lastTimestamp
//    and count. A repeat of an identical event (same source, involved object incl. fieldPath, type,
//    reason and message) PATCHes count, lastTimestamp and message on the existing Event instead of
//    creating a new one.
//  - `series` (tools/events, what kube-scheduler uses): events with eventTime, action,
//    reportingController/Instance and no deprecated fields. The second isomorphic occurrence (same
//    action, reason, controller and regarding object incl. its resourceVersion) PATCHes a series
//    {count: 2}; later ones only count in memory and are written by the periodic series refresh, so
//    `kubectl describe` shows "(x2 over …)" for a while, as on a real cluster.
//
// Writes are fire-and-forget, serialized per recorder so Events are created in the order recorded.
import os from 'node:os';
import type { CoreV1Api, CoreV1Event, V1ObjectReference } from '@kubernetes/client-node';
import { MERGE_PATCH, isNotFound } from './clients.ts';
import { microTime, rfc3339, wireTime } from './time.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  /** source.component / reportingController, e.g. `kubelet` or `default-scheduler`. */
  component: string;
  /** source.host (legacy) — the node name for kubelets. */
  host?: string;
  /** reportingInstance; legacy recorders use the host, series recorders `<component>-<hostname>`. */
  instance?: string;
  style: 'legacy' | 'series';
  /** How many distinct events to remember for aggregation (client-go: 4096). */
  cacheSize?: number;
  /** Series refresh period (client-go: 30 min) and the idle time after which a series ends (6 min). */
  seriesRefreshMs?: number;
  seriesFinishMs?: number;
}

interface LegacyEntry {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

interface SeriesEntry {
  name: string;
  namespace: string;
  count: number;
  lastObserved: number;
  /** Whether the series has been written since its count last changed. */
  written: boolean;
  created: boolean;
}

/** The ObjectReference client-go's reference.GetReference builds, with an optional fieldPath. */
export function objectRef(
  obj: { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string } },
  fallback: { apiVersion: string; kind: string },
  fieldPath?: string,
): V1ObjectReference {
  const ref: V1ObjectReference = {
    kind: obj.kind || fallback.kind,
    namespace: obj.metadata?.namespace,
    name: obj.metadata?.name,
    uid: obj.metadata?.uid,
    apiVersion: obj.apiVersion || fallback.apiVersion,
    resourceVersion: obj.metadata?.resourceVersion,
  };
  if (fieldPath) ref.fieldPath = fieldPath;
  return ref;
}

export class EventRecorder {
  private readonly legacy = new Map<string, LegacyEntry>();
  private readonly series = new Map<string, SeriesEntry>();
  private chain: Promise<void> = Promise.resolve();
  private lastNano = 0n;
  private timer?: NodeJS.Timeout;
  private closed = false;
  readonly instance: string;

  constructor(
    private readonly core: CoreV1Api,
    private readonly opts: EventRecorderOptions,
  ) {
    this.instance = opts.instance ?? (opts.style === 'series' ? `${opts.component}-${os.hostname()}` : (opts.host ?? ''));
    if (opts.style === 'series') {
      const refresh = opts.seriesRefreshMs ?? 30 * 60_000;
      const finish = opts.seriesFinishMs ?? 6 * 60_000;
      let sinceRefresh = 0;
      const tick = Math.min(refresh, finish);
      this.timer = setInterval(() => {
        sinceRefresh += tick;
        this.finishSeries(finish);
        if (sinceRefresh >= refresh) {
          sinceRefresh = 0;
          this.refreshSeries();
        }
      }, tick);
      this.timer.unref();
    }
  }

  /**
   * Record an event about `ref` (see objectRef). `action` and `related` (a second object the event
   * concerns, e.g. the preemptor of a preempted pod) are used by the series style only.
   */
  event(ref: V1ObjectReference, type: EventType, reason: string, message: string, action = '', related?: V1ObjectReference): void {
    if (this.closed) return;
    if (this.opts.style === 'legacy') this.recordLegacy(ref, type, reason, message);
    else this.recordSeries(ref, type, reason, message, action, related);
  }

  /** Resolves when every write queued so far has been attempted. */
  flush(): Promise<void> {
    return this.chain;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.chain;
  }

  /** `<name>.<hex unix nanoseconds>`, unique per recorder even within one millisecond. */
  private eventName(objName: string): string {
    let nano = BigInt(Date.now()) * 1_000_000n + BigInt(Math.floor((performance.now() % 1) * 1_000_000));
    if (nano <= this.lastNano) nano = this.lastNano + 1n;
    this.lastNano = nano;
    return `${objName}.${nano.toString(16)}`;
  }

  private enqueue(write: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await write();
          return;
        } catch (err) {
          // Rejected by the server (e.g. the namespace is gone): retrying will not help.
          const code = (err as { code?: number }).code;
          if (typeof code === 'number' && code >= 400 && code < 500) return;
          await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
        }
      }
    });
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    const max = this.opts.cacheSize ?? 4096;
    while (map.size > max) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
  }

  private recordLegacy(ref: V1ObjectReference, type: EventType, reason: string, message: string): void {
    const host = this.opts.host ?? '';
    const key = [this.opts.component, host, ref.kind, ref.namespace, ref.name, ref.fieldPath, ref.uid, ref.apiVersion, type, reason, message].join('\u0000');
    const now = rfc3339();
    const namespace = ref.namespace || 'default';
    const seen = this.legacy.get(key);
    if (seen) {
      seen.count++;
      this.remember(this.legacy, key, seen);
      const { name, count, firstTimestamp } = seen;
      this.enqueue(async () => {
        try {
          await this.core.patchNamespacedEvent({ name, namespace, body: { count, lastTimestamp: now, message } }, MERGE_PATCH);
        } catch (err) {
          if (!isNotFound(err)) throw err;
          // The Event expired or was deleted: create it again with the running count.
          await this.createLegacy(name, namespace, ref, type, reason, message, count, firstTimestamp, now);
        }
      });
      return;
    }
    const name = this.eventName(ref.name ?? '');
    this.remember(this.legacy, key, { name, namespace, count: 1, firstTimestamp: now });
    this.enqueue(() => this.createLegacy(name, namespace, ref, type, reason, message, 1, now, now));
  }

  private async createLegacy(
    name: string,
    namespace: string,
    ref: V1ObjectReference,
    type: EventType,
    reason: string,
    message: string,
    count: number,
    first: string,
    last: string,
  ): Promise<void> {
    const body: CoreV1Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason,
      message,
      source: this.opts.host ? { component: this.opts.component, host: this.opts.host } : { component: this.opts.component },
      firstTimestamp: wireTime(Date.parse(first)),
      lastTimestamp: wireTime(Date.parse(last)),
      count,
      type,
      reportingComponent: this.opts.component,
      reportingInstance: this.instance,
    };
    await this.core.createNamespacedEvent({ namespace, body });
  }

  private recordSeries(ref: V1ObjectReference, type: EventType, reason: string, message: string, action: string, related?: V1ObjectReference): void {
    const refKey = (r: V1ObjectReference | undefined) => [r?.kind, r?.namespace, r?.name, r?.uid, r?.apiVersion, r?.resourceVersion, r?.fieldPath];
    const key = [action, reason, this.opts.component, ...refKey(ref), ...refKey(related)].join('\u0000');
    const now = Date.now();
    const namespace = ref.namespace || 'default';
    const seen = this.series.get(key);
    if (seen) {
      seen.count++;
      seen.lastObserved = now;
      this.remember(this.series, key, seen);
      if (seen.count === 2) {
        seen.written = true;
        const { name } = seen;
        this.enqueue(() => this.patchSeries(name, namespace, 2, now));
      } else {
        seen.written = false;
      }
      return;
    }
    const name = this.eventName(ref.name ?? '');
    const entry: SeriesEntry = { name, namespace, count: 1, lastObserved: now, written: true, created: false };
    this.remember(this.series, key, entry);
    const body: CoreV1Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      ...(related ? { related } : {}),
      reason,
      message,
      source: {},
      eventTime: microTime(now),
      type,
      action,
      reportingComponent: this.opts.component,
      reportingInstance: this.instance,
    };
    this.enqueue(async () => {
      await this.core.createNamespacedEvent({ namespace, body });
      entry.created = true;
    });
  }

  private async patchSeries(name: string, namespace: string, count: number, lastObserved: number): Promise<void> {
    const body = { series: { count, lastObservedTime: microTime(lastObserved).toISOString() } };
    try {
      await this.core.patchNamespacedEvent({ name, namespace, body }, MERGE_PATCH);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private refreshSeries(): void {
    for (const e of this.series.values()) {
      if (e.count < 2 || e.written) continue;
      e.written = true;
      const { name, namespace, count, lastObserved } = e;
      this.enqueue(() => this.patchSeries(name, namespace, count, lastObserved));
    }
  }

  private finishSeries(idleMs: number): void {
    const cutoff = Date.now() - idleMs;
    for (const [key, e] of this.series) {
      if (e.lastObserved >= cutoff) continue;
      this.series.delete(key);
      // A series that ends writes its final count.
      if (e.count >= 2 && !e.written) {
        const { name, namespace, count, lastObserved } = e;
        this.enqueue(() => this.patchSeries(name, namespace, count, lastObserved));
      }
    }
  }
}
