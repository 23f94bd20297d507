// The plugins that look at one node and the pod alone (pkg/scheduler/framework/plugins/
// nodeunschedulable, tainttoleration, nodeaffinity, nodeports, noderesources): filters with their
// reason texts and codes, and their scores before normalization.
import type { V1Node, V1Pod, V1Taint, V1Toleration } from '@kubernetes/client-node';
import { matchesNodeSelectorAndAffinity, matchTerm } from '../../selectors/node-affinity.ts';
import type { NodeInfo, PodInfo } from '../cache.ts';
import { MAX_NODE_SCORE, type FilterStatus } from '../status.ts';

export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const REASON_TAINT = 'node(s) had untolerated taint(s)';
export const REASON_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";
export const REASON_TOO_MANY_PODS = 'Too many pods';

// ---------------------------------------------------------------------------------------------
// Tolerations and taints (component-helpers/scheduling/corev1)

export function tolerates(t: V1Toleration, taint: V1Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

function toleratedBy(taint: V1Taint, tolerations: V1Toleration[]): boolean {
  return tolerations.some((t) => tolerates(t, taint));
}

/**
 * The node's taints as the scheduler sees them. Without a node lifecycle controller nothing taints a
 * node that is not Ready, so the taint that controller would add (not-ready, or unreachable when the
 * status is Unknown) is added here.
 */
export function effectiveTaints(node: V1Node): V1Taint[] {
  const taints = node.spec?.taints ?? [];
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return taints;
  const key = ready?.status === 'False' ? 'node.kubernetes.io/not-ready' : 'node.kubernetes.io/unreachable';
  if (taints.some((t) => t.key === key && t.effect === 'NoSchedule')) return taints;
  return [...taints, { key, effect: 'NoSchedule' }];
}

/** FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc: a NoSchedule/NoExecute taint nothing tolerates. */
export function hasUntoleratedNoScheduleTaint(pod: V1Pod, node: V1Node): boolean {
  const tolerations = pod.spec?.tolerations ?? [];
  for (const taint of effectiveTaints(node)) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!toleratedBy(taint, tolerations)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Filters, in the default profile's order

export function nodeFilters(pi: PodInfo, ni: NodeInfo): FilterStatus | undefined {
  const pod = pi.pod;
  const node = ni.node!;
  const tolerations = pod.spec?.tolerations ?? [];
  if (node.spec?.unschedulable && !toleratedBy({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, tolerations)) {
    return { code: 'UnschedulableAndUnresolvable', reasons: [REASON_UNSCHEDULABLE], plugin: 'NodeUnschedulable' };
  }
  if (hasUntoleratedNoScheduleTaint(pod, node)) return { code: 'UnschedulableAndUnresolvable', reasons: [REASON_TAINT], plugin: 'TaintToleration' };
  if (!matchesNodeSelectorAndAffinity(pod, node)) return { code: 'UnschedulableAndUnresolvable', reasons: [REASON_AFFINITY], plugin: 'NodeAffinity' };
  return undefined;
}

/** NodePorts and NodeResourcesFit: what removing pods (preemption) can change. */
export function capacityFilters(pi: PodInfo, ni: NodeInfo): FilterStatus | undefined {
  if (pi.ports.some((p) => ni.portConflict(p))) return { code: 'Unschedulable', reasons: [REASON_PORTS], plugin: 'NodePorts' };
  const reasons = insufficient(pi, ni);
  if (reasons.length > 0) return { code: 'Unschedulable', reasons, plugin: 'NodeResourcesFit' };
  return undefined;
}

/** fitsRequest: pod count first, then cpu, memory, ephemeral-storage. */
function insufficient(pi: PodInfo, ni: NodeInfo): string[] {
  const out: string[] = [];
  if (ni.pods.size + 1 > ni.allocatable.pods) out.push(REASON_TOO_MANY_PODS);
  const r = pi.requests;
  if (r.milliCPU === 0 && r.memory === 0 && r.ephemeralStorage === 0) return out;
  if (r.milliCPU > 0 && r.milliCPU > ni.allocatable.milliCPU - ni.requested.milliCPU) out.push('Insufficient cpu');
  if (r.memory > 0 && r.memory > ni.allocatable.memory - ni.requested.memory) out.push('Insufficient memory');
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > ni.allocatable.ephemeralStorage - ni.requested.ephemeralStorage) {
    out.push('Insufficient ephemeral-storage');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scores (each 0..100 before weighting)

// Module-level helpers, not closures: these run per node per pod, and tsx (esbuild keepNames) wraps
// every closure it creates in a naming call — measured at a quarter of the scheduler's CPU at 1 000 nodes.
function leastAllocated(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

function fraction(requested: number, capacity: number): number {
  return capacity === 0 ? 0 : Math.min(1, requested / capacity);
}

/** NodeResourcesFit with the LeastAllocated strategy over cpu and memory (weight 1 each). */
export function leastAllocatedScore(pi: PodInfo, ni: NodeInfo): number {
  const cpu = leastAllocated(ni.nonZeroRequested.milliCPU + pi.nonZero.milliCPU, ni.allocatable.milliCPU);
  const mem = leastAllocated(ni.nonZeroRequested.memory + pi.nonZero.memory, ni.allocatable.memory);
  return Math.trunc((cpu + mem) / 2);
}

/** NodeResourcesBalancedAllocation over cpu and memory: 100 × (1 − standard deviation of the fractions). */
export function balancedAllocationScore(pi: PodInfo, ni: NodeInfo): number {
  const cpu = fraction(ni.requested.milliCPU + pi.requests.milliCPU, ni.allocatable.milliCPU);
  const mem = fraction(ni.requested.memory + pi.requests.memory, ni.allocatable.memory);
  const std = Math.abs(cpu - mem) / 2;
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/** NodeAffinity score before normalization: the weights of the preferred terms the node matches. */
export function preferredAffinityRaw(pod: V1Pod, node: V1Node): number {
  let sum = 0;
  const labels = node.metadata?.labels ?? {};
  for (const p of pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (p.weight !== 0 && matchTerm(p.preference, labels, node.metadata?.name)) sum += p.weight;
  }
  return sum;
}

/** TaintToleration score before normalization: PreferNoSchedule taints the pod does not tolerate. */
export function intolerablePreferNoSchedule(pod: V1Pod, node: V1Node): number {
  const tolerations = (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  return (node.spec?.taints ?? []).filter((t) => t.effect === 'PreferNoSchedule' && !toleratedBy(t, tolerations)).length;
}

/** helper.DefaultNormalizeScore. */
export function normalize(scores: number[], reverse: boolean): number[] {
  const max = Math.max(0, ...scores);
  if (max === 0) return scores.map(() => (reverse ? MAX_NODE_SCORE : 0));
  return scores.map((s) => {
    const n = Math.trunc((MAX_NODE_SCORE * s) / max);
    return reverse ? MAX_NODE_SCORE - n : n;
  });
}
