// PodTopologySpread (pkg/scheduler/framework/plugins/podtopologyspread): DoNotSchedule constraints
// filter, ScheduleAnyway constraints score. A pod without constraints of its own gets the system
// defaults (hostname maxSkew 3, zone maxSkew 5, both ScheduleAnyway) over the selector of the
// services, replication controllers, replica sets and stateful sets selecting it — what replaced
// SelectorSpread. Matching pods come from the cache's per-node match counts, so a cycle costs in
// nodes, not in pods.
import type { V1LabelSelector, V1Pod, V1TopologySpreadConstraint } from '@kubernetes/client-node';
import type { Listers } from '../listers.ts';
import { labelSelectorFromSpec, type LabelSelector } from '../../selectors/labels.ts';
import type { NodeInfo, PodInfo, SchedulerCache } from '../cache.ts';
import { MAX_NODE_SCORE, type FilterStatus } from '../status.ts';
import { matchesNodeSelectorAndAffinity } from '../../selectors/node-affinity.ts';
import { hasUntoleratedNoScheduleTaint } from './node.ts';

export const REASON_CONSTRAINTS = "node(s) didn't match pod topology spread constraints";
export const REASON_MISSING_LABEL = `${REASON_CONSTRAINTS} (missing required label)`;

const LABEL_HOSTNAME = 'kubernetes.io/hostname';
const LABEL_ZONE = 'topology.kubernetes.io/zone';

export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelector;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorTaints: boolean;
}

type Action = 'DoNotSchedule' | 'ScheduleAnyway';

const SYSTEM_DEFAULTS: { topologyKey: string; maxSkew: number }[] = [
  { topologyKey: LABEL_HOSTNAME, maxSkew: 3 },
  { topologyKey: LABEL_ZONE, maxSkew: 5 },
];

/**
 * helper.DefaultSelector: the label maps of the services selecting the pod, plus the selector of its
 * controller (ReplicationController, ReplicaSet or StatefulSet). Undefined when that is empty.
 */
export function defaultSelector(pod: V1Pod, listers: Listers): LabelSelector | undefined {
  const ns = pod.metadata?.namespace ?? '';
  const labels = pod.metadata?.labels ?? {};
  const matchLabels: Record<string, string> = {};
  const matchExpressions: { key: string; operator: string; values?: string[] }[] = [];
  for (const svc of listers.services(ns)) {
    const sel = svc.spec?.selector;
    // A service without a selector selects nothing (not everything).
    if (!sel) continue;
    if (Object.entries(sel).every(([k, v]) => labels[k] === v)) Object.assign(matchLabels, sel);
  }
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller);
  if (owner) {
    const c = listers.controllerSelector(ns, owner.apiVersion, owner.kind, owner.name);
    if (c?.labels) Object.assign(matchLabels, c.labels);
    if (c?.selector) appendSelector(matchExpressions, c.selector);
  }
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) return undefined;
  try {
    return labelSelectorFromSpec({ matchLabels, matchExpressions });
  } catch {
    return undefined;
  }
}

/** A controller's selector as requirements added to the merged label set (selector.Add). */
function appendSelector(out: { key: string; operator: string; values?: string[] }[], sel: V1LabelSelector): void {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) out.push({ key: k, operator: 'In', values: [v] });
  for (const e of sel.matchExpressions ?? []) out.push({ key: e.key, operator: e.operator, values: e.values });
}

/** filterTopologySpreadConstraints: the pod's constraints of one kind, with matchLabelKeys folded in. */
function ownConstraints(pod: V1Pod, constraints: V1TopologySpreadConstraint[], action: Action): Constraint[] {
  const labels = pod.metadata?.labels ?? {};
  const out: Constraint[] = [];
  for (const c of constraints) {
    if (c.whenUnsatisfiable !== action) continue;
    let selector: LabelSelector;
    try {
      const extra = (c.matchLabelKeys ?? []).filter((k) => labels[k] !== undefined).map((k) => ({ key: k, operator: 'In', values: [labels[k]!] }));
      selector =
        c.labelSelector == null
          ? labelSelectorFromSpec(undefined)
          : labelSelectorFromSpec({ matchLabels: c.labelSelector.matchLabels, matchExpressions: [...(c.labelSelector.matchExpressions ?? []), ...extra] });
    } catch {
      continue;
    }
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
    });
  }
  return out;
}

/** The constraints of one kind for the pod: its own when it has any, else the system defaults. */
export function spreadConstraints(pod: V1Pod, action: Action, defaults: () => LabelSelector | undefined): Constraint[] {
  const own = pod.spec?.topologySpreadConstraints ?? [];
  if (own.length > 0) return ownConstraints(pod, own, action);
  if (action === 'DoNotSchedule') return [];
  const selector = defaults();
  if (!selector) return [];
  return SYSTEM_DEFAULTS.map((d) => ({ ...d, selector, minDomains: 1, honorNodeAffinity: true, honorTaints: false }));
}

function hasAllKeys(labels: Record<string, string>, constraints: readonly Constraint[]): boolean {
  for (const c of constraints) if (labels[c.topologyKey] === undefined) return false;
  return true;
}

/** matchNodeInclusionPolicies: whether the node's domain counts for the constraint. */
function includes(c: Constraint, pod: V1Pod, ni: NodeInfo): boolean {
  if (c.honorNodeAffinity && !matchesNodeSelectorAndAffinity(pod, ni.node!)) return false;
  if (c.honorTaints && hasUntoleratedNoScheduleTaint(pod, ni.node!)) return false;
  return true;
}

const NONE: ReadonlyMap<NodeInfo, number> = new Map();

/** countPodsMatchSelector per node: terminating pods do not count, and an empty selector counts nothing. */
function matching(c: Constraint, namespace: string, cache: SchedulerCache): ReadonlyMap<NodeInfo, number> {
  return c.selector.empty() ? NONE : cache.countMatching(namespace, c.selector, true);
}

// ---------------------------------------------------------------------------------------------
// Filter

export interface SpreadFilterState {
  pi: PodInfo;
  constraints: Constraint[];
  /** Per constraint: domain value → matching pods (every eligible domain present, possibly 0). */
  matches: Map<string, number>[];
  /** Per constraint: the global minimum the skew is measured against. */
  minMatch: number[];
}

function minMatch(c: Constraint, m: Map<string, number>): number {
  // Fewer eligible domains than minDomains: the global minimum is taken as 0.
  if (m.size < c.minDomains) return 0;
  let min = 0x7fffffff;
  for (const n of m.values()) if (n < min) min = n;
  return min;
}

/** PreFilter; undefined when the pod has no DoNotSchedule constraints. */
export function spreadPreFilter(pi: PodInfo, cache: SchedulerCache, defaults: () => LabelSelector | undefined): SpreadFilterState | undefined {
  const constraints = spreadConstraints(pi.pod, 'DoNotSchedule', defaults);
  if (constraints.length === 0) return undefined;
  const matches = constraints.map(() => new Map<string, number>());
  // Per constraint, the domain of each eligible node.
  const domainOf = constraints.map(() => new Map<NodeInfo, string>());
  for (const ni of cache.nodeList()) {
    if (!hasAllKeys(ni.labels, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!includes(c, pi.pod, ni)) return;
      const v = ni.labels[c.topologyKey]!;
      domainOf[i]!.set(ni, v);
      if (!matches[i]!.has(v)) matches[i]!.set(v, 0);
    });
  }
  constraints.forEach((c, i) => {
    for (const [ni, n] of matching(c, pi.subject.namespace, cache)) {
      const v = domainOf[i]!.get(ni);
      if (v !== undefined) matches[i]!.set(v, matches[i]!.get(v)! + n);
    }
  });
  return { pi, constraints, matches, minMatch: constraints.map((c, i) => minMatch(c, matches[i]!)) };
}

/** AddPod / RemovePod for preemption's what-if (terminating pods included, as upstream does). */
export function spreadUpdate(s: SpreadFilterState, other: PodInfo, ni: NodeInfo, delta: 1 | -1): void {
  if (other.subject.namespace !== s.pi.subject.namespace || !ni.node || !hasAllKeys(ni.labels, s.constraints)) return;
  s.constraints.forEach((c, i) => {
    if (!c.selector.matches(other.subject.labels) || !includes(c, s.pi.pod, ni)) return;
    const v = ni.labels[c.topologyKey]!;
    s.matches[i]!.set(v, (s.matches[i]!.get(v) ?? 0) + delta);
    s.minMatch[i] = minMatch(c, s.matches[i]!);
  });
}

export function spreadFilter(s: SpreadFilterState, ni: NodeInfo): FilterStatus | undefined {
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i]!;
    const v = ni.labels[c.topologyKey];
    if (v === undefined) return { code: 'UnschedulableAndUnresolvable', reasons: [REASON_MISSING_LABEL], plugin: 'PodTopologySpread' };
    const self = c.selector.matches(s.pi.subject.labels) ? 1 : 0;
    const skew = (s.matches[i]!.get(v) ?? 0) + self - s.minMatch[i]!;
    if (skew > c.maxSkew) return { code: 'Unschedulable', reasons: [REASON_CONSTRAINTS], plugin: 'PodTopologySpread' };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Score

/**
 * PreScore, Score and NormalizeScore over the feasible nodes. Nodes missing a topology key are
 * ignored (score 0) unless the constraints are the system defaults, which spread by hostname alone
 * where nodes have no zone.
 */
export function spreadScores(pi: PodInfo, feasible: readonly NodeInfo[], cache: SchedulerCache, constraints: Constraint[], systemDefaulted: boolean): number[] {
  if (constraints.length === 0 || cache.nodeList().length === 0) return feasible.map(() => 0);
  const requireAll = !systemDefaulted;
  const ignored = new Set<NodeInfo>();
  const perValue = constraints.map(() => new Map<string, number>());
  for (const ni of feasible) {
    if (requireAll && !hasAllKeys(ni.labels, constraints)) {
      ignored.add(ni);
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey !== LABEL_HOSTNAME) perValue[i]!.set(ni.labels[c.topologyKey] ?? '', 0);
    });
  }
  const weights = constraints.map((c, i) => Math.log((c.topologyKey === LABEL_HOSTNAME ? feasible.length - ignored.size : perValue[i]!.size) + 2));
  // Matching pods per domain over all nodes the inclusion policies admit; per node for hostname.
  const counts = constraints.map((c) => matching(c, pi.subject.namespace, cache));
  const eligible = new Map<NodeInfo, boolean[]>();
  constraints.forEach((c, i) => {
    if (c.topologyKey === LABEL_HOSTNAME) return;
    for (const [ni, n] of counts[i]!) {
      if (!ni.node) continue;
      let ok = eligible.get(ni);
      if (!ok) {
        const all = !requireAll || hasAllKeys(ni.labels, constraints);
        ok = constraints.map((x) => all && includes(x, pi.pod, ni));
        eligible.set(ni, ok);
      }
      const v = ni.labels[c.topologyKey] ?? '';
      const have = perValue[i]!.get(v);
      if (ok[i] && have !== undefined) perValue[i]!.set(v, have + n);
    }
  });
  const raw = feasible.map((ni) => {
    if (ignored.has(ni)) return 0;
    let score = 0;
    constraints.forEach((c, i) => {
      const v = ni.labels[c.topologyKey];
      if (v === undefined) return;
      const cnt = c.topologyKey === LABEL_HOSTNAME ? (counts[i]!.get(ni) ?? 0) : (perValue[i]!.get(v) ?? 0);
      score += cnt * weights[i]! + (c.maxSkew - 1);
    });
    return Math.round(score);
  });
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  feasible.forEach((ni, i) => {
    if (ignored.has(ni)) return;
    min = Math.min(min, raw[i]!);
    max = Math.max(max, raw[i]!);
  });
  return feasible.map((ni, i) => {
    if (ignored.has(ni)) return 0;
    if (max === 0) return MAX_NODE_SCORE;
    return Math.trunc((MAX_NODE_SCORE * (max + min - raw[i]!)) / max);
  });
}
