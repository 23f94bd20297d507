// The node lifecycle controller's per-zone tainting queue (upstream nodelifecycle/scheduler
// RateLimitedTimedQueue over a flowcontrol token bucket): node names wait in order of when they may
// be processed; each try takes a token, so a zone taints at most `qps` nodes a second (burst 1).
// A name stays known after it was processed until it is removed, so adding it again is refused.

/** flowcontrol.NewTokenBucketRateLimiter(qps, burst); qps 0 refuses everything (the fake "always reject" limiter). */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();

  constructor(
    readonly qps: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  tryAccept(): boolean {
    if (this.qps <= 0) return false;
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface TimedValue {
  value: string;
  uid: string;
  addedAt: number;
  processAt: number;
}

export class RateLimitedTimedQueue {
  private readonly queue: TimedValue[] = [];
  /** Every name added and not removed, processed or not. */
  private readonly set = new Set<string>();

  constructor(private limiter: TokenBucket) {}

  /** Add a name unless it is known already; true when added. */
  add(value: string, uid: string): boolean {
    if (this.set.has(value)) return false;
    const now = Date.now();
    this.set.add(value);
    this.queue.push({ value, uid, addedAt: now, processAt: now });
    this.sort();
    return true;
  }

  /** Forget a name (queued or processed); true when it was known. */
  remove(value: string): boolean {
    const i = this.queue.findIndex((v) => v.value === value);
    if (i >= 0) this.queue.splice(i, 1);
    return this.set.delete(value);
  }

  /** Process due names while the limiter lets through; fn returns [done, retry delay ms]. */
  async try(fn: (v: TimedValue) => Promise<[boolean, number]>): Promise<void> {
    for (let head = this.queue[0]; head; head = this.queue[0]) {
      if (!this.limiter.tryAccept()) return;
      const now = Date.now();
      if (now < head.processAt) return;
      const [ok, wait] = await fn(head);
      // The name may have been removed (or re-added) while fn ran.
      const i = this.queue.indexOf(head);
      if (i < 0) continue;
      if (ok) this.queue.splice(i, 1);
      else {
        head.processAt = now + wait + 1;
        this.sort();
      }
    }
  }

  swapLimiter(qps: number): void {
    if (this.limiter.qps === qps) return;
    const next = new TokenBucket(qps, 1);
    // A limiter that is out of tokens hands over an empty bucket (burst 1).
    if (!this.limiter.tryAccept()) next.tryAccept();
    this.limiter = next;
  }

  private sort(): void {
    this.queue.sort((a, b) => a.processAt - b.processAt || a.addedAt - b.addedAt);
  }
}
