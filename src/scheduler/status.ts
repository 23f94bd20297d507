// Filter statuses and the FailedScheduling message built from them (framework.Status,
// framework.FitError.Error and the PostFilter messages).

/** Unschedulable can be resolved by preemption; UnschedulableAndUnresolvable cannot. */
export type Code = 'Unschedulable' | 'UnschedulableAndUnresolvable';

/** The default plugins that can reject a pod; the queue requeues a pod on events its rejectors care about. */
export type PluginName =
  | 'NodeUnschedulable'
  | 'TaintToleration'
  | 'NodeAffinity'
  | 'NodePorts'
  | 'NodeResourcesFit'
  | 'VolumeBinding'
  | 'PodTopologySpread'
  | 'InterPodAffinity'
  | 'DefaultPreemption';

export interface FilterStatus {
  code: Code;
  reasons: string[];
  plugin: PluginName;
}

export const MAX_NODE_SCORE = 100;

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';
export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';
/** DynamicResources' PostFilter for a pod without resource claims; it runs before DefaultPreemption. */
export const NO_CLAIMS = 'no new claims to deallocate';

/** `n reason` entries in byte order, as Go's sort.Strings leaves them. */
export function histogram(statuses: Iterable<FilterStatus>, absent?: { count: number; reason: string }): string {
  const counts = new Map<string, number>();
  for (const s of statuses) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  if (absent && absent.count > 0) counts.set(absent.reason, (counts.get(absent.reason) ?? 0) + absent.count);
  return [...counts]
    .map(([reason, n]) => `${n} ${reason}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join(', ');
}

/**
 * FitError.Error after filters rejected every node: `0/N nodes are available: <histogram>.` then
 * what the PostFilter plugins say (joined as RunPostFilterPlugins joins their reasons), when anything.
 */
export function fitErrorMessage(numNodes: number, statuses: Iterable<FilterStatus>, postFilter: string): string {
  let msg = `0/${numNodes} nodes are available:`;
  const h = histogram(statuses);
  if (h) msg += ` ${h}.`;
  return postFilter ? `${msg} ${postFilter}` : msg;
}

/**
 * FitError.Error after a PreFilter plugin rejected the pod: its message instead of a histogram.
 * DynamicResources' PreFilter never ran (PreFilter stops at the first unresolvable rejection), so only
 * DefaultPreemption speaks afterwards.
 */
export function preFilterErrorMessage(numNodes: number, preFilterMsg: string, postFilter: string): string {
  return `0/${numNodes} nodes are available: ${preFilterMsg}. ${postFilter}`;
}
