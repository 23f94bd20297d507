// client-go's EventSourceObjectSpamFilter, which every kubelet event passes through: per source and
// involved object (the pod, whatever the container, reason or message), a token bucket of 25 events
// refilled at one per 5 minutes. It is what keeps a pod that fails its readiness probe forever from
// writing an event every period; the prober also asks it when the next event could pass, so it need
// not wake up for events that would be dropped. (Our shared EventRecorder does the aggregation —
// counting repeats of an identical event — but not this filter, so the kubelet applies it itself.)
export const SPAM_BURST = 25;
export const SPAM_REFILL_MS = 300_000;

export class SpamFilter {
  private tokens = SPAM_BURST;
  private last = Date.now();

  private refill(now: number): void {
    this.tokens = Math.min(SPAM_BURST, this.tokens + (now - this.last) / SPAM_REFILL_MS);
    this.last = now;
  }

  /** Take a token: true if the event may be written. */
  allow(now = Date.now()): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Epoch ms from which an event would pass. */
  nextAllowed(now = Date.now()): number {
    this.refill(now);
    return this.tokens >= 1 ? now : now + Math.ceil((1 - this.tokens) * SPAM_REFILL_MS);
  }
}
