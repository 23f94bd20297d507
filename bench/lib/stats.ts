// Percentiles and the throughput summary scheduler_perf reports (per-second samples of a counter).

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Throughput {
  count: number;
  /** First to last event, seconds. */
  spanSeconds: number;
  /** count / span (NaN for fewer than two events). */
  average: number;
  /** Events in each whole second from the first event; the trailing partial second is left out. */
  perSecond: number[];
  perSecondMedian: number;
  perSecondP99: number;
}

/** Throughput of events at the given times (ms, any monotonic clock). */
export function throughput(timesMs: readonly number[]): Throughput {
  const t = [...timesMs].sort((a, b) => a - b);
  const count = t.length;
  if (count === 0) return { count, spanSeconds: 0, average: Number.NaN, perSecond: [], perSecondMedian: Number.NaN, perSecondP99: Number.NaN };
  const first = t[0]!;
  const spanSeconds = (t[count - 1]! - first) / 1000;
  const whole = Math.floor(spanSeconds);
  const perSecond = new Array<number>(Math.max(whole, 1)).fill(0);
  for (const x of t) {
    const b = Math.floor((x - first) / 1000);
    // A run shorter than a second still yields one (partial) sample rather than none.
    if (b < perSecond.length) perSecond[b]!++;
    else if (whole === 0) perSecond[0]!++;
  }
  return {
    count,
    spanSeconds,
    average: spanSeconds > 0 ? count / spanSeconds : Number.NaN,
    perSecond,
    perSecondMedian: percentile(perSecond, 50),
    perSecondP99: percentile(perSecond, 99),
  };
}
