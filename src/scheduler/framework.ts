// One scheduling cycle's plugin runs, in the default profile's order: PreFilter computes per-cycle
// state once (so each node costs a few lookups), Filter decides a node by the first plugin that
// rejects it, Score weighs the feasible nodes with the default weights.
import type { Listers } from './listers.ts';
import type { LabelSelector } from '../selectors/labels.ts';
import type { NodeInfo, PodInfo, SchedulerCache } from './cache.ts';
import type { FilterStatus } from './status.ts';
import { affinityFilter, affinityPreFilter, affinityPreScore, affinityScores, affinityUpdate, type AffinityFilterState } from './plugins/interpod-affinity.ts';
import {
  balancedAllocationScore,
  capacityFilters,
  intolerablePreferNoSchedule,
  leastAllocatedScore,
  nodeFilters,
  normalize,
  preferredAffinityRaw,
} from './plugins/node.ts';
import { defaultSelector, spreadConstraints, spreadFilter, spreadPreFilter, spreadScores, spreadUpdate, type SpreadFilterState } from './plugins/topology-spread.ts';
import { volumeFilter, volumePreFilter, type VolumeState } from './plugins/volume-binding.ts';

/** Score plugin weights of the default profile. */
const WEIGHTS = { taintToleration: 3, nodeAffinity: 2, nodeResourcesFit: 1, podTopologySpread: 2, interPodAffinity: 2, balancedAllocation: 1 };

export interface CycleContext {
  cache: SchedulerCache;
  listers: Listers;
}

export interface Cycle {
  pi: PodInfo;
  ctx: CycleContext;
  volumes?: VolumeState;
  spread?: SpreadFilterState;
  affinity?: AffinityFilterState;
  /** The default spreading selector, computed on first use. */
  defaults: () => LabelSelector | undefined;
}

export type PreFilterResult = { cycle: Cycle } | { reject: FilterStatus };

export function preFilter(pi: PodInfo, ctx: CycleContext): PreFilterResult {
  let memo: { s: LabelSelector | undefined } | undefined;
  const defaults = () => (memo ??= { s: defaultSelector(pi.pod, ctx.listers) }).s;
  const vol = volumePreFilter(pi.pod, ctx.listers);
  if ('reject' in vol) return { reject: vol.reject };
  return {
    cycle: {
      pi,
      ctx,
      volumes: vol.state,
      spread: spreadPreFilter(pi, ctx.cache, defaults),
      affinity: affinityPreFilter(pi, ctx.cache, ctx.listers),
      defaults,
    },
  };
}

/**
 * Pods nominated to the node that are at least as important as this one hold their room
 * (RunFilterPluginsWithNominatedPods); only what they use counts, not their labels.
 */
function capacityWithNominated(c: Cycle, ni: NodeInfo): FilterStatus | undefined {
  // The common case, no nomination anywhere on this node, allocates nothing (this runs per node per pod).
  if (!c.ctx.cache.hasNominatedOn(ni.name)) return capacityFilters(c.pi, ni);
  const added: PodInfo[] = [];
  for (const n of c.ctx.cache.nominatedOn(ni.name)) {
    if (n.key !== c.pi.key && n.priority >= c.pi.priority && !ni.pods.has(n.key)) added.push(n);
  }
  if (added.length === 0) return capacityFilters(c.pi, ni);
  for (const n of added) ni.addPod(n);
  try {
    return capacityFilters(c.pi, ni);
  } finally {
    for (const n of added) ni.removePod(n.key);
  }
}

/** Filter: the first plugin rejecting the node decides its status. */
export function runFilters(c: Cycle, ni: NodeInfo): FilterStatus | undefined {
  return (
    nodeFilters(c.pi, ni) ??
    capacityWithNominated(c, ni) ??
    (c.volumes && volumeFilter(c.volumes, ni, c.ctx.listers)) ??
    (c.spread && spreadFilter(c.spread, ni)) ??
    (c.affinity && affinityFilter(c.affinity, ni)) ??
    undefined
  );
}

/** PreFilterExtensions AddPod / RemovePod: `other` appears on or leaves `ni` in a what-if. */
export function updateCycle(c: Cycle, other: PodInfo, ni: NodeInfo, delta: 1 | -1): void {
  if (delta < 0) ni.removePod(other.key);
  else ni.addPod(other);
  if (c.spread) spreadUpdate(c.spread, other, ni, delta);
  if (c.affinity) affinityUpdate(c.affinity, other, ni, c.ctx.listers, delta);
}

/** Score every feasible node; the total per node, in the order given. */
export function scoreNodes(c: Cycle, feasible: readonly NodeInfo[]): number[] {
  const pod = c.pi.pod;
  const nodeAffinity = normalize(
    feasible.map((ni) => preferredAffinityRaw(pod, ni.node!)),
    false,
  );
  const taints = normalize(
    feasible.map((ni) => intolerablePreferNoSchedule(pod, ni.node!)),
    true,
  );
  const systemDefaulted = (pod.spec?.topologySpreadConstraints ?? []).length === 0;
  const spread = spreadScores(c.pi, feasible, c.ctx.cache, spreadConstraints(pod, 'ScheduleAnyway', c.defaults), systemDefaulted);
  const interPod = affinityScores(affinityPreScore(c.pi, c.ctx.cache, c.ctx.listers), feasible);
  return feasible.map(
    (ni, i) =>
      WEIGHTS.nodeResourcesFit * leastAllocatedScore(c.pi, ni) +
      WEIGHTS.balancedAllocation * balancedAllocationScore(c.pi, ni) +
      WEIGHTS.nodeAffinity * nodeAffinity[i]! +
      WEIGHTS.taintToleration * taints[i]! +
      WEIGHTS.podTopologySpread * spread[i]! +
      WEIGHTS.interPodAffinity * interPod[i]!,
  );
}

/** The best-scoring node, ties broken at random (each tied node equally likely). */
export function selectHost(c: Cycle, feasible: readonly NodeInfo[]): NodeInfo {
  const scores = scoreNodes(c, feasible);
  let best = -Infinity;
  let chosen = feasible[0]!;
  let ties = 0;
  feasible.forEach((ni, i) => {
    const score = scores[i]!;
    if (score > best) {
      best = score;
      chosen = ni;
      ties = 1;
    } else if (score === best) {
      ties++;
      if (Math.random() * ties < 1) chosen = ni;
    }
  });
  return chosen;
}
