// Startup, liveness and readiness probes of a simulated container, as pkg/kubelet/prober's workers run
// them: each probe ticks every periodSeconds from the container's start, skips ticks before
// initialDelaySeconds, and changes its result only after successThreshold successes or failureThreshold
// failures in a row; liveness and readiness wait for the startup probe to succeed; a failed startup or
// liveness probe gets the container killed and restarted; every failing tick records an `Unhealthy`
// event ("<Kind> probe failed: <output>").
//
// The simulated app's answers are fixed by annotations (behaviour.ts) as a function of time, so rather
// than a timer per period the plan below computes when anything changes: when the container counts as
// started, when it turns ready or unready, when it is killed, and the failing ticks whose events the
// kubelet would record. A container whose probes all succeed costs no timer at all after it is ready;
// one that fails readiness forever wakes once per period only while the pod's event budget (the event
// recorder's spam filter) can still take an event, then once per refill.
import type { V1Container, V1Probe } from '@kubernetes/client-node';
import type { ContainerBehaviour } from './behaviour.ts';

export type ProbeKind = 'Startup' | 'Liveness' | 'Readiness';

/** What the prober acts on; times are ms after the container started. */
export interface ProbeHooks {
  /** Run fn at t (at once, in order, for a t already past); dropped if the run ends first. */
  at(t: number, fn: () => void): void;
  started(): void;
  ready(ready: boolean): void;
  /** One failed probe: the Unhealthy event and the log line. */
  failed(kind: ProbeKind, probe: V1Probe): void;
  /** failureThreshold reached for a startup or liveness probe: kill (and restart) the container. */
  kill(kind: 'Startup' | 'Liveness', probe: V1Probe): void;
  /** The earliest t at which another event of this pod would not be dropped by the spam filter. */
  quietUntil(): number;
  /** t now (more than 0 for a container the agent adopted after a restart). */
  now(): number;
}

const period = (p: V1Probe) => Math.max(1, p.periodSeconds ?? 10) * 1000;
const delay = (p: V1Probe) => Math.max(0, p.initialDelaySeconds ?? 0) * 1000;
const failureThreshold = (p: V1Probe) => Math.max(1, p.failureThreshold ?? 3);
const successThreshold = (p: V1Probe) => Math.max(1, p.successThreshold ?? 1);

/** The first tick of a probe with this period at or after t. */
function tick(t: number, periodMs: number): number {
  return Math.ceil(t / periodMs) * periodMs;
}

/** Failing ticks from `first` (inclusive) every period up to `last` (inclusive), each firing `fn`. */
function eachTick(h: ProbeHooks, first: number, last: number, periodMs: number, fn: (t: number) => void): void {
  for (let t = first; t <= last; t += periodMs) {
    const at = t;
    h.at(at, () => fn(at));
  }
}

/** Plan the probes of one run of a container. */
export function startProbes(spec: V1Container, b: ContainerBehaviour, h: ProbeHooks): void {
  const startedAt = planStartup(spec.startupProbe, b, h);
  if (startedAt === undefined) return;
  h.at(startedAt, () => h.started());
  planLiveness(spec.livenessProbe, b, startedAt, h);
  planReadiness(spec.readinessProbe, b, startedAt, h);
}

/** When the startup probe succeeds (0 without one), or undefined if it never does. */
function planStartup(p: V1Probe | undefined, b: ContainerBehaviour, h: ProbeHooks): number | undefined {
  if (!p) return 0;
  const P = period(p);
  const first = tick(delay(p), P);
  const success = b.failStartup ? Infinity : tick(Math.max(delay(p), b.startupAfterMs ?? 0), P);
  const failures = (success - first) / P;
  if (failures >= failureThreshold(p)) {
    const killAt = first + (failureThreshold(p) - 1) * P;
    eachTick(h, first, killAt, P, (t) => {
      h.failed('Startup', p);
      if (t === killAt) h.kill('Startup', p);
    });
    return undefined;
  }
  eachTick(h, first, success - P, P, () => h.failed('Startup', p));
  return success;
}

function planLiveness(p: V1Probe | undefined, b: ContainerBehaviour, startedAt: number, h: ProbeHooks): void {
  if (!p || (!b.failLiveness && b.failLivenessAfterMs === undefined)) return;
  const P = period(p);
  const first = tick(Math.max(delay(p), startedAt, b.failLiveness ? 0 : b.failLivenessAfterMs!), P);
  const killAt = first + (failureThreshold(p) - 1) * P;
  eachTick(h, first, killAt, P, (t) => {
    h.failed('Liveness', p);
    if (t === killAt) h.kill('Liveness', p);
  });
}

function planReadiness(p: V1Probe | undefined, b: ContainerBehaviour, startedAt: number, h: ProbeHooks): void {
  if (!p) {
    // No probe: ready once started (or when the annotations say), as a kubelet reports it.
    if (b.failReadiness) return;
    const readyAt = Math.max(startedAt, b.readyAfterMs ?? 0);
    h.at(readyAt, () => h.ready(true));
    if (b.failReadinessAfterMs !== undefined && b.failReadinessAfterMs > readyAt) h.at(b.failReadinessAfterMs, () => h.ready(false));
    return;
  }
  const P = period(p);
  const first = tick(Math.max(delay(p), startedAt), P);
  // The ticks that succeed: [okFrom, okUntil).
  const okFrom = b.failReadiness ? Infinity : tick(Math.max(first, b.readyAfterMs ?? 0), P);
  const okUntil = b.failReadinessAfterMs === undefined ? Infinity : tick(Math.max(first, b.failReadinessAfterMs), P);
  const readyAt = okFrom + (successThreshold(p) - 1) * P;
  const becomesReady = readyAt < okUntil;
  if (becomesReady) h.at(readyAt, () => h.ready(true));
  if (becomesReady && okUntil !== Infinity) h.at(okUntil + (failureThreshold(p) - 1) * P, () => h.ready(false));
  const failingFrom = (t: number) => {
    const x = tick(t, P);
    return x >= okFrom && x < okUntil ? okUntil : x;
  };
  const next = (t: number) => {
    if (t === Infinity) return;
    h.at(t, () => {
      h.failed('Readiness', p);
      next(failingFrom(Math.max(t + P, h.quietUntil())));
    });
  };
  // An adopted container's past failures were reported by the agent before; report from now on.
  next(failingFrom(Math.max(first, h.now())));
}
