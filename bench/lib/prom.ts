// Reading figures out of a Prometheus text scrape (etcd-metrics.ts's `scrape`): sums of the series
// that match some labels, and histogram quantiles over the change between two scrapes, estimated the
// way PromQL's histogram_quantile does (linear within the bucket).
import type { Metrics } from './etcd-metrics.ts';

function labelsOf(key: string): Record<string, string> {
  const out: Record<string, string> = {};
  const open = key.indexOf('{');
  if (open < 0) return out;
  for (const m of key.slice(open + 1, -1).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

function matches(key: string, name: string, match: Record<string, string>): boolean {
  if (key !== name && !key.startsWith(`${name}{`)) return false;
  const l = labelsOf(key);
  return Object.entries(match).every(([k, v]) => l[k] === v);
}

/** Sum of the series of `name` whose labels include `match`. */
export function sumOf(m: Metrics, name: string, match: Record<string, string> = {}): number {
  let s = 0;
  for (const [k, v] of m) if (matches(k, name, match)) s += v;
  return s;
}

export interface HistogramSummary {
  count: number;
  /** Seconds (or the histogram's unit); NaN without observations. */
  p50: number;
  p99: number;
}

/** Quantiles of what a histogram observed between two scrapes (all series matching `match` together). */
export function histogramDelta(before: Metrics | undefined, after: Metrics, name: string, match: Record<string, string> = {}): HistogramSummary {
  const byLe = new Map<number, number>();
  for (const [k, v] of after) {
    if (!matches(k, `${name}_bucket`, match)) continue;
    const le = labelsOf(k).le;
    const bound = le === '+Inf' ? Infinity : Number(le);
    byLe.set(bound, (byLe.get(bound) ?? 0) + v - (before?.get(k) ?? 0));
  }
  const buckets = [...byLe.entries()].sort((a, b) => a[0] - b[0]);
  const count = buckets.length ? buckets[buckets.length - 1]![1] : 0;
  const quantile = (q: number): number => {
    if (count <= 0) return Number.NaN;
    const rank = q * count;
    let prevBound = 0;
    let prevCount = 0;
    for (const [bound, cum] of buckets) {
      if (cum >= rank) {
        if (bound === Infinity) return prevBound;
        return prevBound + ((bound - prevBound) * (rank - prevCount)) / Math.max(cum - prevCount, 1e-12);
      }
      prevBound = bound;
      prevCount = cum;
    }
    return prevBound;
  };
  return { count, p50: quantile(0.5), p99: quantile(0.99) };
}
