// DefaultPreemption's PostFilter (pkg/scheduler/framework/preemption and plugins/defaultpreemption):
// when no node fits, find nodes where evicting lower-priority pods would make room, pick the
// victims on each (evict all candidates, then reprieve the most important ones that can stay), and
// choose the node whose eviction hurts least. What it decides is carried out by preemption-actions.ts.
import type { V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { epochMs } from '../client/time.ts';
import { labelSelectorFromSpec } from '../selectors/labels.ts';
import type { NodeInfo, PodInfo } from './cache.ts';
import { runFilters, updateCycle, type Cycle } from './framework.ts';
import { NO_VICTIMS, PREEMPTION_NOT_HELPFUL, histogram, type FilterStatus } from './status.ts';

/** DefaultPreemptionArgs defaults: dry-run at least this share of the potential nodes, and at least this many. */
const MIN_CANDIDATE_NODES_PERCENTAGE = 10;
const MIN_CANDIDATE_NODES_ABSOLUTE = 100;

export interface Candidate {
  node: NodeInfo;
  /** Most important first. */
  victims: PodInfo[];
  /** How many victims a PodDisruptionBudget forbids evicting (0 when unset). */
  pdbViolations?: number;
}

export interface PreemptionOutcome {
  /** The node to nominate and what to evict there. */
  candidate?: Candidate;
  /** DefaultPreemption's message (already prefixed `preemption: `), empty when it succeeded. */
  message: string;
  /** Whether the pod's nominatedNodeName is to be cleared (no candidate at all). */
  clearNomination: boolean;
}

function startTime(pod: V1Pod, now: number): number {
  return epochMs(pod.status?.startTime) ?? now;
}

/** util.MoreImportantPod: higher priority, then the one running longer. */
function moreImportant(a: PodInfo, b: PodInfo, now: number): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return startTime(a.pod, now) < startTime(b.pod, now);
}

/** A pod being deleted because the scheduler preempted it. */
function terminatingByPreemption(pod: V1Pod): boolean {
  if (!pod.metadata?.deletionTimestamp) return false;
  const c = pod.status?.conditions?.find((x) => x.type === 'DisruptionTarget');
  return c?.status === 'True' && c.reason === 'PreemptionByScheduler';
}

/** PodEligibleToPreemptOthers: the reason it is not, or undefined. */
function ineligible(pi: PodInfo, nominated: NodeInfo | undefined, nominatedStatus: FilterStatus | undefined): string | undefined {
  if (pi.pod.spec?.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
  // Victims of an earlier preemption are still going away: wait for them rather than evict more.
  if (nominated && nominatedStatus?.code !== 'UnschedulableAndUnresolvable') {
    for (const p of nominated.pods.values()) {
      if (p.priority < pi.priority && terminatingByPreemption(p.pod)) return 'not eligible due to a terminating pod on the nominated node.';
    }
  }
  return undefined;
}

export type Victims = { victims: PodInfo[]; pdbViolations: number } | { status: FilterStatus };

/**
 * filterPodsWithPDBViolation: walking the victims in order, each one a budget covers uses up one of its
 * allowed disruptions (unless the eviction subresource already counted it in disruptedPods); a victim
 * that overdraws a budget is violating. Here nil and empty selectors match nothing, as upstream's
 * scheduler has it.
 */
function splitByBudget(pods: PodInfo[], budgets: readonly V1PodDisruptionBudget[]): { violating: PodInfo[]; other: PodInfo[] } {
  const left = budgets.map((b) => b.status?.disruptionsAllowed ?? 0);
  const selectors = budgets.map((b) => {
    try {
      const s = b.spec?.selector ? labelSelectorFromSpec(b.spec.selector) : undefined;
      return s && !s.empty() ? s : undefined;
    } catch {
      return undefined;
    }
  });
  const violating: PodInfo[] = [];
  const other: PodInfo[] = [];
  for (const pi of pods) {
    const labels = pi.pod.metadata?.labels ?? {};
    let violated = false;
    if (Object.keys(labels).length > 0) {
      budgets.forEach((b, i) => {
        if (b.metadata?.namespace !== pi.pod.metadata?.namespace || !selectors[i]?.matches(labels)) return;
        if (pi.pod.metadata?.name && b.status?.disruptedPods?.[pi.pod.metadata.name] !== undefined) return;
        left[i]! -= 1;
        if (left[i]! < 0) violated = true;
      });
    }
    (violated ? violating : other).push(pi);
  }
  return { violating, other };
}

/** SelectVictimsOnNode: the fewest, least important pods whose removal lets the pod fit. */
export function selectVictimsOnNode(c: Cycle, ni: NodeInfo, now = Date.now()): Victims {
  const potential = [...ni.pods.values()].filter((p) => p.priority < c.pi.priority);
  if (potential.length === 0) return { status: { code: 'UnschedulableAndUnresolvable', reasons: [NO_VICTIMS], plugin: 'DefaultPreemption' } };
  for (const p of potential) updateCycle(c, p, ni, -1);
  const victims: PodInfo[] = [];
  let pdbViolations = 0;
  try {
    const status = runFilters(c, ni);
    if (status) {
      for (const p of potential) updateCycle(c, p, ni, 1);
      return { status };
    }
    const order = (a: PodInfo, b: PodInfo) => (moreImportant(a, b, now) ? -1 : moreImportant(b, a, now) ? 1 : 0);
    potential.sort(order);
    // Reprieve from the most important down, the pods whose budgets forbid their eviction first: a pod
    // stays unless the preemptor no longer fits with it.
    const { violating, other } = splitByBudget(potential, c.ctx.listers.disruptionBudgets?.() ?? []);
    for (const p of [...violating, ...other]) {
      updateCycle(c, p, ni, 1);
      if (runFilters(c, ni)) {
        updateCycle(c, p, ni, -1);
        victims.push(p);
        if (violating.includes(p)) pdbViolations++;
      }
    }
    victims.sort(order);
  } finally {
    for (const v of victims) updateCycle(c, v, ni, 1);
  }
  return { victims, pdbViolations };
}

function numCandidates(potential: number): number {
  const n = Math.max(Math.floor((potential * MIN_CANDIDATE_NODES_PERCENTAGE) / 100), MIN_CANDIDATE_NODES_ABSOLUTE);
  return Math.min(n, potential);
}

/**
 * pickOneNodeForPreemption: the fewest PodDisruptionBudget violations, the lowest highest-victim priority, then the smallest priority sum, then
 * the fewest victims, then the latest start among the highest-priority victims, then the first.
 */
export function pickCandidate(candidates: Candidate[], now = Date.now()): Candidate {
  const scorers: ((c: Candidate) => number)[] = [
    (c) => -(c.pdbViolations ?? 0),
    (c) => -c.victims[0]!.priority,
    // Shifted so that negative priorities cannot make more victims look cheaper.
    (c) => -c.victims.reduce((sum, v) => sum + v.priority + 2 ** 31, 0),
    (c) => -c.victims.length,
    (c) => {
      const top = c.victims[0]!.priority;
      let earliest = Infinity;
      for (const v of c.victims) if (v.priority === top) earliest = Math.min(earliest, startTime(v.pod, now));
      return earliest;
    },
  ];
  let pool = candidates;
  for (const score of scorers) {
    let best = -Infinity;
    let next: Candidate[] = [];
    for (const c of pool) {
      const s = score(c);
      if (s > best) {
        best = s;
        next = [c];
      } else if (s === best) next.push(c);
    }
    if (next.length === 1) return next[0]!;
    pool = next;
  }
  return pool[0]!;
}

function failed(numNodes: number, statuses: Map<NodeInfo, FilterStatus>): string {
  const absent = { count: numNodes - statuses.size, reason: PREEMPTION_NOT_HELPFUL };
  return `preemption: 0/${numNodes} nodes are available: ${histogram(statuses.values(), absent)}.`;
}

/**
 * Evaluator.Preempt. `statuses` are the filter statuses of every node (all the PreFilter rejection
 * when there is no cycle); `nominated` is the node the pod was nominated to before, if any.
 */
export function preempt(
  pi: PodInfo,
  c: Cycle | undefined,
  nodes: readonly NodeInfo[],
  statuses: Map<NodeInfo, FilterStatus>,
  nominated: NodeInfo | undefined,
): PreemptionOutcome {
  const why = ineligible(pi, nominated, nominated && statuses.get(nominated));
  if (why) return { message: `preemption: ${why}`, clearNomination: false };
  const potential = nodes.filter((ni) => statuses.get(ni)?.code === 'Unschedulable');
  const dryRun = new Map<NodeInfo, FilterStatus>();
  if (potential.length === 0 || !c) return { message: failed(nodes.length, dryRun), clearNomination: true };
  const want = numCandidates(potential.length);
  const offset = Math.floor(Math.random() * potential.length);
  const candidates: Candidate[] = [];
  const now = Date.now();
  for (let i = 0; i < potential.length && candidates.length < want; i++) {
    const ni = potential[(offset + i) % potential.length]!;
    const r = selectVictimsOnNode(c, ni, now);
    if ('status' in r) dryRun.set(ni, r.status);
    // It fits without evicting anything (upstream reports that as an error): nothing to do here.
    else if (r.victims.length === 0) dryRun.set(ni, statuses.get(ni)!);
    else candidates.push({ node: ni, victims: r.victims, pdbViolations: r.pdbViolations });
  }
  if (candidates.length === 0) return { message: failed(nodes.length, dryRun), clearNomination: true };
  return { candidate: pickCandidate(candidates, now), message: '', clearNomination: false };
}
