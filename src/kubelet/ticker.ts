// One timer for many periodic jobs. Thousands of node agents in one process each renew a lease every
// 10 s and report status every few minutes; rather than thousands of interval timers, one ticker
// walks the due jobs, each started at a random phase so the work spreads evenly over the period.

interface Job {
  due: number;
  intervalMs: number;
  fn: () => void;
  cancelled: boolean;
}

export interface TickerHandle {
  cancel(): void;
  /** Run the job at the next tick (and then on its usual period). */
  poke(): void;
}

export class Ticker {
  private readonly jobs = new Set<Job>();
  private timer?: NodeJS.Timeout;
  private periodMs = Infinity;

  /** Run fn every intervalMs, first after a random fraction of the interval (or after firstMs). */
  every(intervalMs: number, fn: () => void, firstMs?: number): TickerHandle {
    const job: Job = { due: Date.now() + (firstMs ?? Math.random() * intervalMs), intervalMs, fn, cancelled: false };
    this.jobs.add(job);
    this.ensureTimer(Math.max(10, Math.min(1000, Math.floor(intervalMs / 4))));
    return {
      cancel: () => {
        job.cancelled = true;
        this.jobs.delete(job);
        if (this.jobs.size === 0) this.stopTimer();
      },
      poke: () => {
        job.due = 0;
      },
    };
  }

  stop(): void {
    this.jobs.clear();
    this.stopTimer();
  }

  private ensureTimer(periodMs: number): void {
    if (this.timer && periodMs >= this.periodMs) return;
    this.stopTimer();
    this.periodMs = periodMs;
    this.timer = setInterval(() => this.tick(), periodMs);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.periodMs = Infinity;
  }

  private tick(): void {
    const now = Date.now();
    for (const job of this.jobs) {
      if (job.due > now) continue;
      job.due = Math.max(job.due + job.intervalMs, now + job.intervalMs / 2);
      try {
        job.fn();
      } catch {
        // A job's failure is its own business; the ticker keeps going.
      }
    }
  }
}
