// The scheduling queue (pkg/scheduler/backend/queue): pods waiting for a scheduling attempt, ordered by
// priority then arrival; pods that failed wait out a per-pod back-off (1 s doubling to 10 s) and, when
// unschedulable, stay parked until a cluster event that concerns a plugin that rejected them may have
// made room (a node added or changed, a bound pod gone or added, a claim bound) or five minutes pass.
import type { PluginName } from './status.ts';
import { Heap } from '../client/heap.ts';

export interface QueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a pod may stay parked as unschedulable without a cluster event (upstream: 5 min). */
  maxUnschedulableMs?: number;
}

interface Entry {
  key: string;
  priority: number;
  /** First time the pod was queued (tie-break, as the PrioritySort plugin does). */
  since: number;
  attempts: number;
  /** When the last attempt failed. */
  failedAt: number;
}

export class SchedulingQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly active = new Heap<Slot>(activeFirst);
  /** Keys in the active heap, with the sequence number of their live heap slot. */
  private readonly inActive = new Map<string, number>();
  private seq = 0;
  private readonly backoff = new Map<string, NodeJS.Timeout>();
  /** Parked pods with the plugins that rejected them (undefined: any event may help). */
  private readonly unschedulable = new Map<string, ReadonlySet<PluginName> | undefined>();
  /** How many parked pods each plugin rejected, so events nobody waits for cost nothing. */
  private readonly parkedBy = new Map<PluginName | '*', number>();
  private readonly inFlight = new Set<string>();
  /** Keys re-added while being scheduled: they go back to the queue when done. */
  private readonly readd = new Set<string>();
  private waiters: (() => void)[] = [];
  private closed = false;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;

  constructor(opts: QueueOptions = {}) {
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = opts.maxUnschedulableMs ?? 5 * 60_000;
    this.flushTimer = setInterval(() => this.flushUnschedulable(), Math.min(30_000, this.maxUnschedulableMs));
    this.flushTimer.unref();
  }

  /** A pod to schedule (new, or changed so that it deserves another attempt now). */
  add(key: string, priority: number): void {
    if (this.closed) return;
    let e = this.entries.get(key);
    if (!e) {
      e = { key, priority, since: Date.now(), attempts: 0, failedAt: 0 };
      this.entries.set(key, e);
    }
    e.priority = priority;
    if (this.inFlight.has(key)) {
      this.readd.add(key);
      return;
    }
    if (this.backoff.has(key)) return;
    this.unpark(key);
    this.pushActive(e);
  }

  /** The pod is gone, bound or no longer ours. */
  delete(key: string): void {
    this.entries.delete(key);
    this.unpark(key);
    this.readd.delete(key);
    const t = this.backoff.get(key);
    if (t) clearTimeout(t);
    this.backoff.delete(key);
    this.inActive.delete(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Failed attempts so far and when the pod was first queued (Date.now()), for the scheduler's metrics. */
  history(key: string): { attempts: number; since: number } | undefined {
    const e = this.entries.get(key);
    return e ? { attempts: e.attempts, since: e.since } : undefined;
  }

  /** Next pod by priority, then age; undefined once closed. */
  async pop(): Promise<string | undefined> {
    for (;;) {
      const slot = this.active.pop();
      if (!slot) {
        if (this.closed) return undefined;
        await new Promise<void>((resolve) => this.waiters.push(resolve));
        continue;
      }
      // Slots of deleted or re-pushed keys are stale.
      if (this.inActive.get(slot.entry.key) !== slot.seq) continue;
      this.inActive.delete(slot.entry.key);
      this.inFlight.add(slot.entry.key);
      return slot.entry.key;
    }
  }

  /** The attempt succeeded (pod assumed and bound, or dropped). */
  done(key: string): void {
    this.inFlight.delete(key);
    if (this.readd.delete(key) && this.entries.has(key)) this.pushActive(this.entries.get(key)!);
    else this.entries.delete(key);
  }

  /**
   * The attempt failed: back off, then park the pod until something its rejecting plugins care about
   * changes (or retry on errors).
   */
  failed(key: string, unschedulable: boolean, rejectedBy?: ReadonlySet<PluginName>): void {
    this.inFlight.delete(key);
    const e = this.entries.get(key);
    if (!e) return;
    e.attempts++;
    e.failedAt = Date.now();
    const changed = this.readd.delete(key);
    if (unschedulable && !changed) {
      this.park(key, rejectedBy);
      return;
    }
    this.startBackoff(e);
  }

  /**
   * A cluster event that may make parked pods schedulable: retry them after their back-off — all of
   * them, or those rejected by one of `plugins`.
   */
  moveAllToActive(plugins?: readonly PluginName[]): void {
    if (plugins && (this.parkedBy.get('*') ?? 0) === 0 && !plugins.some((p) => (this.parkedBy.get(p) ?? 0) > 0)) return;
    for (const [key, rejectedBy] of [...this.unschedulable]) {
      if (plugins && rejectedBy && !plugins.some((p) => rejectedBy.has(p))) continue;
      this.unpark(key);
      const e = this.entries.get(key);
      if (e) this.startBackoff(e);
    }
  }

  private park(key: string, rejectedBy: ReadonlySet<PluginName> | undefined): void {
    this.unpark(key);
    this.unschedulable.set(key, rejectedBy);
    for (const p of rejectedBy ?? ['*' as const]) this.parkedBy.set(p, (this.parkedBy.get(p) ?? 0) + 1);
  }

  private unpark(key: string): void {
    if (!this.unschedulable.has(key)) return;
    const rejectedBy = this.unschedulable.get(key);
    this.unschedulable.delete(key);
    for (const p of rejectedBy ?? ['*' as const]) this.parkedBy.set(p, (this.parkedBy.get(p) ?? 0) - 1);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.flushTimer);
    for (const t of this.backoff.values()) clearTimeout(t);
    this.backoff.clear();
    for (const w of this.waiters.splice(0)) w();
  }

  private backoffMs(e: Entry): number {
    if (e.attempts === 0) return 0;
    return Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (e.attempts - 1));
  }

  private startBackoff(e: Entry): void {
    if (this.backoff.has(e.key) || this.inActive.has(e.key)) return;
    const remaining = e.failedAt + this.backoffMs(e) - Date.now();
    if (remaining <= 0) {
      this.pushActive(e);
      return;
    }
    const t = setTimeout(() => {
      this.backoff.delete(e.key);
      if (this.entries.get(e.key) === e) this.pushActive(e);
    }, remaining);
    t.unref();
    this.backoff.set(e.key, t);
  }

  private pushActive(e: Entry): void {
    if (this.inActive.has(e.key) || this.closed) return;
    const seq = ++this.seq;
    this.inActive.set(e.key, seq);
    this.active.push({ entry: e, seq });
    this.waiters.shift()?.();
  }

  private flushUnschedulable(): void {
    const cutoff = Date.now() - this.maxUnschedulableMs;
    for (const key of [...this.unschedulable.keys()]) {
      const e = this.entries.get(key);
      if (!e || e.failedAt > cutoff) continue;
      this.unpark(key);
      this.startBackoff(e);
    }
  }
}

interface Slot {
  entry: Entry;
  seq: number;
}

/** Active queue order: priority desc, then waiting longest, then arrival. */
function activeFirst(x: Slot, y: Slot): boolean {
  if (x.entry.priority !== y.entry.priority) return x.entry.priority > y.entry.priority;
  if (x.entry.since !== y.entry.since) return x.entry.since < y.entry.since;
  return x.seq < y.seq;
}
