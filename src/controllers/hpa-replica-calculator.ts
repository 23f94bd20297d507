// The HPA's replica arithmetic (pkg/controller/podautoscaler/replica_calculator.go and
// metrics/utilization.go): from per-pod metric values and the pods the target selects, the replica
// count that brings the average to the target — within a 10 % tolerance, leaving out pods that are
// being deleted or failed, counting pending and not-yet-ready pods (CPU only) and pods without metrics
// conservatively, so that they can only damp a change and never reverse its direction.
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { milliValue } from '../api/quantity.ts';
import { epochMs } from '../client/time.ts';

/** --horizontal-pod-autoscaler-tolerance default. */
export const TOLERANCE = 0.1;

export interface PodMetric {
  /** Milli-units (millicores, milli-bytes). */
  value: number;
  /** When the sample was taken and over which window, ms. */
  timestamp: number;
  windowMs: number;
}

export type PodMetricsInfo = Map<string, PodMetric>;

export interface CalculatorTimings {
  cpuInitializationPeriodMs: number;
  initialReadinessDelayMs: number;
}

export class ReplicaCalcError extends Error {}

interface Groups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/** groupPods */
function groupPods(pods: readonly V1Pod[], metrics: PodMetricsInfo, resource: string, t: CalculatorTimings, now: number): Groups {
  const g: Groups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Failed') {
      g.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      const start = epochMs(pod.status?.startTime);
      let unready: boolean;
      if (!ready || start === undefined) unready = true;
      else {
        const transition = epochMs(ready.lastTransitionTime) ?? 0;
        if (start + t.cpuInitializationPeriodMs > now) {
          // Young pods: distrust a sample that does not cover a full window since the pod turned ready.
          unready = ready.status === 'False' || metric.timestamp < transition + metric.windowMs;
        } else {
          // Older pods: only one that has never been ready is left out.
          unready = ready.status === 'False' && start + t.initialReadinessDelayMs > transition;
        }
      }
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

/** calculatePodRequests: per pod, the sum of the requests of its (or the named) containers, in milli-units. */
export function podRequests(pods: readonly V1Pod[], container: string, resource: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    const containers: V1Container[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    let sum = 0;
    for (const c of containers) {
      if (container !== '' && container !== c.name) continue;
      const req = c.resources?.requests?.[resource];
      if (req === undefined) throw new ReplicaCalcError(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata?.name ?? ''}`);
      sum += milliValue(req);
    }
    out.set(pod.metadata?.name ?? '', sum);
  }
  return out;
}

/** GetResourceUtilizationRatio */
function utilizationRatio(metrics: PodMetricsInfo, requests: Map<string, number>, target: number): { ratio: number; utilization: number; rawAverage: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [name, m] of metrics) {
    const r = requests.get(name);
    if (r === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += r;
    entries++;
  }
  if (requestsTotal === 0) throw new ReplicaCalcError('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / target, utilization, rawAverage: Math.trunc(metricsTotal / entries) };
}

/** GetMetricUsageRatio */
function usageRatio(metrics: PodMetricsInfo, target: number): { ratio: number; usage: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const usage = Math.trunc(total / metrics.size);
  return { ratio: usage / target, usage };
}

function livePods(pods: readonly V1Pod[]): void {
  if (pods.length === 0) throw new ReplicaCalcError('no pods returned by selector while calculating replica count');
}

/**
 * The shared second half of both calculations: fill in missing and unready pods, recompute, and keep
 * the current count when the adjusted ratio is within tolerance or would turn the direction around.
 */
function adjusted(
  metrics: PodMetricsInfo,
  g: Groups,
  currentReplicas: number,
  ratio: number,
  missingValue: (pod: string) => number,
  recompute: () => number,
): number {
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (Math.abs(1 - ratio) <= TOLERANCE) return currentReplicas;
    return Math.ceil(ratio * g.readyPodCount);
  }
  if (g.missing.size > 0) {
    if (ratio < 1) for (const p of g.missing) metrics.set(p, { value: missingValue(p), timestamp: 0, windowMs: 0 });
    else if (ratio > 1) for (const p of g.missing) metrics.set(p, { value: 0, timestamp: 0, windowMs: 0 });
  }
  if (scaleUpWithUnready) for (const p of g.unready) metrics.set(p, { value: 0, timestamp: 0, windowMs: 0 });
  const newRatio = recompute();
  if (Math.abs(1 - newRatio) <= TOLERANCE || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return currentReplicas;
  const newReplicas = Math.ceil(newRatio * metrics.size);
  if ((newRatio < 1 && newReplicas > currentReplicas) || (newRatio > 1 && newReplicas < currentReplicas)) return currentReplicas;
  return newReplicas;
}

function prune(metrics: PodMetricsInfo, g: Groups): void {
  for (const p of g.ignored) metrics.delete(p);
  for (const p of g.unready) metrics.delete(p);
  if (metrics.size === 0) throw new ReplicaCalcError('did not receive metrics for targeted pods (pods might be unready)');
}

/** GetResourceReplicas: a Utilization target (percent of the pods' requests). */
export function resourceReplicas(
  currentReplicas: number,
  targetUtilization: number,
  resource: string,
  container: string,
  metrics: PodMetricsInfo,
  pods: readonly V1Pod[],
  t: CalculatorTimings,
  now = Date.now(),
): { replicas: number; utilization: number; rawAverage: number } {
  livePods(pods);
  const g = groupPods(pods, metrics, resource, t, now);
  prune(metrics, g);
  const requests = podRequests(pods, container, resource);
  const first = utilizationRatio(metrics, requests, targetUtilization);
  const replicas = adjusted(
    metrics,
    g,
    currentReplicas,
    first.ratio,
    // On a scale-down a pod without metrics counts as using its whole request (or the target above 100 %).
    (p) => Math.trunc(((requests.get(p) ?? 0) * Math.max(100, targetUtilization)) / 100),
    () => utilizationRatio(metrics, requests, targetUtilization).ratio,
  );
  return { replicas, utilization: first.utilization, rawAverage: first.rawAverage };
}

/** GetRawResourceReplicas / calcPlainMetricReplicas: an AverageValue target (milli-units per pod). */
export function plainReplicas(
  currentReplicas: number,
  targetUsage: number,
  resource: string,
  metrics: PodMetricsInfo,
  pods: readonly V1Pod[],
  t: CalculatorTimings,
  now = Date.now(),
): { replicas: number; usage: number } {
  livePods(pods);
  const g = groupPods(pods, metrics, resource, t, now);
  prune(metrics, g);
  const first = usageRatio(metrics, targetUsage);
  const replicas = adjusted(
    metrics,
    g,
    currentReplicas,
    first.ratio,
    () => targetUsage,
    () => usageRatio(metrics, targetUsage).ratio,
  );
  return { replicas, usage: first.usage };
}
