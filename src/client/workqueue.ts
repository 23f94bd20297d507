// A rate-limited work queue with client-go's workqueue semantics: a key is queued at most once, a key
// being processed is never handed to a second worker (a re-add while processing runs it again after
// done), failed keys come back after a per-key exponential delay, and delayed adds share one timer.
import { Heap } from './heap.ts';
import { queueMetricsFor, type QueueMetrics } from './workqueue-metrics.ts';

export interface WorkQueueOptions {
  /** First retry delay for a failing key (client-go: 5 ms). */
  baseDelayMs?: number;
  /** Cap on the retry delay (client-go: 1000 s). */
  maxDelayMs?: number;
  /** client-go's queue name: the `name` label of the workqueue_* metrics (unnamed queues report none). */
  name?: string;
}

interface Delayed<K> {
  due: number;
  key: K;
}

export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly failures = new Map<K, number>();
  private readonly delayed = new Heap<Delayed<K>>((x, y) => x.due < y.due);
  private readonly delayedDue = new Map<K, number>();
  private timer?: NodeJS.Timeout;
  private timerDue = Infinity;
  private waiters: (() => void)[] = [];
  private shuttingDown = false;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly metrics?: QueueMetrics<K>;

  constructor(opts: WorkQueueOptions = {}) {
    this.baseDelayMs = opts.baseDelayMs ?? 5;
    this.maxDelayMs = opts.maxDelayMs ?? 1_000_000;
    this.metrics = queueMetricsFor<K>(opts.name);
  }

  get length(): number {
    return this.queue.length - this.head;
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.metrics?.added(key);
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    const w = this.waiters.shift();
    w?.();
  }

  /** Add after a delay; an earlier pending delay for the same key wins. */
  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown) return;
    this.metrics?.retried();
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const due = Date.now() + delayMs;
    const pending = this.delayedDue.get(key);
    if (pending !== undefined && pending <= due) return;
    this.delayedDue.set(key, due);
    this.delayed.push({ due, key });
    this.armTimer();
  }

  /** Add after this key's next back-off step (exponential in its consecutive failures). */
  addRateLimited(key: K): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(n, 40)));
  }

  /** Consecutive failures recorded for key. */
  retries(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  /** Clear key's back-off after a success. */
  forget(key: K): void {
    this.failures.delete(key);
  }

  /** The next key, waiting for one; undefined once shut down. */
  async get(): Promise<K | undefined> {
    while (this.length === 0) {
      if (this.shuttingDown) return undefined;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    const key = this.queue[this.head]!;
    this.queue[this.head] = undefined as unknown as K;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.processing.add(key);
    this.dirty.delete(key);
    this.metrics?.taken(key);
    return key;
  }

  /** Mark key processed; a re-add that arrived meanwhile queues it again. */
  done(key: K): void {
    this.metrics?.finished(key);
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.queue.push(key);
      const w = this.waiters.shift();
      w?.();
    }
  }

  shutDown(): void {
    this.shuttingDown = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.waiters.splice(0)) w();
  }

  /**
   * Run `workers` loops calling handler for each key: success forgets the key's back-off, a thrown
   * error re-adds it rate-limited. Resolves when the queue shuts down and the workers finish.
   */
  async run(workers: number, handler: (key: K) => Promise<void>, onError?: (key: K, err: unknown) => void): Promise<void> {
    const loop = async () => {
      for (;;) {
        const key = await this.get();
        if (key === undefined) return;
        try {
          await handler(key);
          this.forget(key);
        } catch (err) {
          onError?.(key, err);
          this.addRateLimited(key);
        } finally {
          this.done(key);
        }
      }
    };
    await Promise.all(Array.from({ length: workers }, loop));
  }

  private armTimer(): void {
    const next = this.delayed.peek();
    if (!next) return;
    if (this.timer && this.timerDue <= next.due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = next.due;
    this.timer = setTimeout(() => this.fire(), Math.max(0, next.due - Date.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerDue = Infinity;
    const now = Date.now();
    for (let top = this.delayed.peek(); top && top.due <= now; top = this.delayed.peek()) {
      this.delayed.pop();
      // Superseded entries (an earlier addAfter for the same key) are skipped.
      if (this.delayedDue.get(top.key) !== top.due) continue;
      this.delayedDue.delete(top.key);
      this.add(top.key);
    }
    this.armTimer();
  }
}
