// kube-scheduler's own Prometheus metrics, with upstream's names, labels and buckets
// (pkg/scheduler/metrics): attempts by result, the attempt latency (algorithm + binding), the
// end-to-end latency of a pod from its first queueing to bound, and attempts per scheduled pod.
// One registry per scheduler, so two schedulers in one process keep their own figures.
import { Counter, Histogram, Registry } from 'prom-client';

export type AttemptResult = 'scheduled' | 'unschedulable' | 'error';

function exponentialBuckets(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}

/** upstream's `attempts` label: the count, capped at "15+" to bound the series. */
function attemptsLabel(attempts: number): string {
  return attempts >= 15 ? '15+' : String(attempts);
}

export class SchedulerMetrics {
  readonly registry = new Registry();
  private readonly attempts: Counter<'result' | 'profile'>;
  private readonly attemptDuration: Histogram<'result' | 'profile'>;
  private readonly podDuration: Histogram<'attempts'>;
  private readonly podSLIDuration: Histogram<'attempts'>;
  private readonly podAttempts: Histogram;

  constructor(private readonly profile: string) {
    const registers = [this.registry];
    this.attempts = new Counter({
      name: 'scheduler_schedule_attempts_total',
      help: "Number of attempts to schedule pods, by the result. 'unschedulable' means a pod could not be scheduled, while 'error' means an internal scheduler problem.",
      labelNames: ['result', 'profile'],
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'scheduler_scheduling_attempt_duration_seconds',
      help: 'Scheduling attempt latency in seconds (scheduling algorithm + binding)',
      labelNames: ['result', 'profile'],
      buckets: exponentialBuckets(0.001, 2, 15),
      registers,
    });
    this.podDuration = new Histogram({
      name: 'scheduler_pod_scheduling_duration_seconds',
      help: 'E2e latency for a pod being scheduled which may include multiple scheduling attempts.',
      labelNames: ['attempts'],
      buckets: exponentialBuckets(0.01, 2, 20),
      registers,
    });
    this.podSLIDuration = new Histogram({
      name: 'scheduler_pod_scheduling_sli_duration_seconds',
      help: 'E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue an d might involve multiple scheduling attempts.',
      labelNames: ['attempts'],
      buckets: exponentialBuckets(0.01, 2, 20),
      registers,
    });
    this.podAttempts = new Histogram({
      name: 'scheduler_pod_scheduling_attempts',
      help: 'Number of attempts to successfully schedule a pod.',
      buckets: exponentialBuckets(1, 2, 5),
      registers,
    });
    // Every result present from the start, as upstream's are once the first pod is seen.
    for (const result of ['scheduled', 'unschedulable', 'error'] as const) this.attempts.inc({ result, profile }, 0);
  }

  /** One attempt ended; `startedMs` is the cycle's start (performance.now()). */
  attempt(result: AttemptResult, startedMs: number): void {
    const labels = { result, profile: this.profile };
    this.attempts.inc(labels);
    this.attemptDuration.observe(labels, (performance.now() - startedMs) / 1000);
  }

  /** A pod got bound after `attempts` attempts, `queuedAtMs` (Date.now()) being when it was first queued. */
  podScheduled(attempts: number, queuedAtMs: number): void {
    const seconds = Math.max(0, Date.now() - queuedAtMs) / 1000;
    const labels = { attempts: attemptsLabel(attempts) };
    this.podDuration.observe(labels, seconds);
    this.podSLIDuration.observe(labels, seconds);
    this.podAttempts.observe(attempts);
  }
}
