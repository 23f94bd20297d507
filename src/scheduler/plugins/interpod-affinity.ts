// InterPodAffinity (pkg/scheduler/framework/plugins/interpodaffinity): the filter counts, once per
// cycle, the pods matching the incoming pod's required terms and the existing pods whose required
// anti-affinity matches the incoming pod, per topology pair; each node is then a few map lookups.
// The score sums preferred-term weights per topology pair the same way. Both read the cache's
// indexes — per-node match counts for the incoming pod's selectors, existing pods' terms grouped by
// identical term — so a cycle costs in nodes, not in pods.
import type { Listers } from '../listers.ts';
import { type AffinityTerm, type Subject, matchesAllTerms, termMatches } from '../affinity-terms.ts';
import type { NodeInfo, PodInfo, Placed, SchedulerCache, TermKind } from '../cache.ts';
import { MAX_NODE_SCORE, type FilterStatus } from '../status.ts';

export const REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const REASON_AFFINITY_RULES = "node(s) didn't match pod affinity rules";
export const REASON_ANTI_AFFINITY_RULES = "node(s) didn't match pod anti-affinity rules";

/** Weight of an existing pod's required affinity term matching the incoming pod (HardPodAffinityWeight). */
const HARD_POD_AFFINITY_WEIGHT = 1;

/** Counts per topology pair, keyed `key\0value`. */
type PairCounts = Map<string, number>;

function pair(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

function bump(m: PairCounts, labels: Record<string, string>, key: string, delta: number): void {
  const v = labels[key];
  if (v === undefined) return;
  const k = pair(key, v);
  const n = (m.get(k) ?? 0) + delta;
  if (n === 0) m.delete(k);
  else m.set(k, n);
}

export interface AffinityFilterState {
  pi: PodInfo;
  required: AffinityTerm[];
  requiredAnti: AffinityTerm[];
  /** Labels of the incoming pod's namespace (for existing pods' namespaceSelectors). */
  nsLabels: Record<string, string>;
  /** Existing pods whose required anti-affinity matches the incoming pod. */
  existingAnti: PairCounts;
  /** Existing pods matching all the incoming pod's required affinity terms. */
  affinity: PairCounts;
  /** Existing pods matching each of the incoming pod's required anti-affinity terms. */
  anti: PairCounts;
}

/**
 * The pods that can match the given terms: those of the namespaces they name, unless a namespace
 * selector can reach any namespace.
 */
function candidates(cache: SchedulerCache, terms: readonly AffinityTerm[]): Iterable<Placed> {
  const names = new Set<string>();
  for (const t of terms) {
    if (t.nsSelector.empty() || t.nsSelector.requirements.length > 0) return cache.allPods();
    for (const n of t.namespaces) names.add(n);
  }
  return (function* () {
    for (const n of names) yield* cache.podsIn(n);
  })();
}

/** The namespaces whose pods a term of the incoming pod can match (its namespaceSelector resolved). */
function termNamespaces(t: AffinityTerm, cache: SchedulerCache, listers: Listers): Iterable<string> {
  if (t.nsSelector.empty()) return cache.namespaces();
  if (t.nsSelector.requirements.length === 0) return t.namespaces;
  const out = new Set(t.namespaces);
  for (const ns of cache.namespaces()) {
    const labels = listers.namespaceLabels(ns);
    if (labels && t.nsSelector.matches(labels)) out.add(ns);
  }
  return out;
}

/** Per node, the existing pods one term of the incoming pod matches (terminating pods included). */
function* termCounts(t: AffinityTerm, cache: SchedulerCache, listers: Listers): Iterable<[NodeInfo, number]> {
  for (const ns of termNamespaces(t, cache, listers)) yield* cache.countMatching(ns, t.selector, false);
}

/** PreFilter; undefined means the filter has nothing to check (Skip). */
export function affinityPreFilter(pi: PodInfo, cache: SchedulerCache, listers: Listers): AffinityFilterState | undefined {
  const required = pi.terms?.requiredAffinity ?? [];
  const requiredAnti = pi.terms?.requiredAnti ?? [];
  const nsLabels = listers.namespaceLabels(pi.subject.namespace) ?? {};
  const s: AffinityFilterState = { pi, required, requiredAnti, nsLabels, existingAnti: new Map(), affinity: new Map(), anti: new Map() };
  for (const g of cache.termGroups('requiredAnti')) {
    if (!termMatches(g.term, pi.subject, nsLabels)) continue;
    for (const [ni, n] of g.perNode) if (ni.node) bump(s.existingAnti, ni.labels, g.term.topologyKey, n);
  }
  if (s.existingAnti.size === 0 && required.length === 0 && requiredAnti.length === 0) return undefined;
  for (const t of requiredAnti) {
    for (const [ni, n] of termCounts(t, cache, listers)) if (ni.node) bump(s.anti, ni.labels, t.topologyKey, n);
  }
  if (required.length === 1) {
    const t = required[0]!;
    for (const [ni, n] of termCounts(t, cache, listers)) if (ni.node) bump(s.affinity, ni.labels, t.topologyKey, n);
  } else if (required.length > 1) {
    // A pod counts only if it matches every term: no per-term index helps, so look at each.
    const nsCache = new Map<string, Record<string, string> | undefined>();
    for (const { pi: existing, ni } of candidates(cache, required)) {
      if (!ni.node) continue;
      const ns = existing.subject.namespace;
      if (!nsCache.has(ns)) nsCache.set(ns, listers.namespaceLabels(ns));
      if (matchesAllTerms(required, existing.subject, nsCache.get(ns))) for (const t of required) bump(s.affinity, ni.labels, t.topologyKey, 1);
    }
  }
  return s;
}

function countIncoming(s: AffinityFilterState, existing: Subject, ni: NodeInfo, existingNsLabels: Record<string, string> | undefined, delta: number): void {
  if (s.required.length > 0 && matchesAllTerms(s.required, existing, existingNsLabels)) {
    for (const t of s.required) bump(s.affinity, ni.labels, t.topologyKey, delta);
  }
  for (const t of s.requiredAnti) if (termMatches(t, existing, existingNsLabels)) bump(s.anti, ni.labels, t.topologyKey, delta);
}

/** AddPod / RemovePod: a pod appears on or leaves `ni` (preemption's what-if). */
export function affinityUpdate(s: AffinityFilterState, other: PodInfo, ni: NodeInfo, listers: Listers, delta: 1 | -1): void {
  for (const t of other.terms?.requiredAnti ?? []) if (termMatches(t, s.pi.subject, s.nsLabels)) bump(s.existingAnti, ni.labels, t.topologyKey, delta);
  countIncoming(s, other.subject, ni, listers.namespaceLabels(other.subject.namespace), delta);
}

function satisfiesAffinity(s: AffinityFilterState, labels: Record<string, string>): boolean {
  let podsExist = true;
  for (const t of s.required) {
    const v = labels[t.topologyKey];
    // Every topology key must be on the node.
    if (v === undefined) return false;
    if ((s.affinity.get(pair(t.topologyKey, v)) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself: nothing matches anywhere yet, but the pod
  // matches its own terms, so it may go to any node that has the topology keys.
  return s.affinity.size === 0 && matchesAllTerms(s.required, s.pi.subject, s.nsLabels);
}

function satisfiesAntiAffinity(s: AffinityFilterState, labels: Record<string, string>): boolean {
  if (s.anti.size === 0) return true;
  for (const t of s.requiredAnti) {
    const v = labels[t.topologyKey];
    if (v !== undefined && (s.anti.get(pair(t.topologyKey, v)) ?? 0) > 0) return false;
  }
  return true;
}

function satisfiesExistingAntiAffinity(s: AffinityFilterState, labels: Record<string, string>): boolean {
  if (s.existingAnti.size === 0) return true;
  for (const k in labels) if ((s.existingAnti.get(pair(k, labels[k]!)) ?? 0) > 0) return false;
  return true;
}

export function affinityFilter(s: AffinityFilterState, ni: NodeInfo): FilterStatus | undefined {
  const labels = ni.labels;
  if (!satisfiesAffinity(s, labels)) return { code: 'UnschedulableAndUnresolvable', reasons: [REASON_AFFINITY_RULES], plugin: 'InterPodAffinity' };
  if (!satisfiesAntiAffinity(s, labels)) return { code: 'Unschedulable', reasons: [REASON_ANTI_AFFINITY_RULES], plugin: 'InterPodAffinity' };
  if (!satisfiesExistingAntiAffinity(s, labels)) return { code: 'Unschedulable', reasons: [REASON_EXISTING_ANTI_AFFINITY], plugin: 'InterPodAffinity' };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Score

/** topologyKey → value → summed weight; undefined when no pod contributes (Skip: every node scores 0). */
export type TopologyScore = Map<string, Map<string, number>>;

function add(m: TopologyScore, labels: Record<string, string>, key: string, weight: number): void {
  const v = labels[key];
  if (v === undefined) return;
  let byValue = m.get(key);
  if (!byValue) m.set(key, (byValue = new Map()));
  byValue.set(v, (byValue.get(v) ?? 0) + weight);
}

/** PreScore. */
export function affinityPreScore(pi: PodInfo, cache: SchedulerCache, listers: Listers): TopologyScore | undefined {
  const m: TopologyScore = new Map();
  for (const t of pi.terms?.preferredAffinity ?? []) {
    for (const [ni, n] of termCounts(t, cache, listers)) if (ni.node) add(m, ni.labels, t.topologyKey, t.weight * n);
  }
  for (const t of pi.terms?.preferredAnti ?? []) {
    for (const [ni, n] of termCounts(t, cache, listers)) if (ni.node) add(m, ni.labels, t.topologyKey, -t.weight * n);
  }
  const own = listers.namespaceLabels(pi.subject.namespace) ?? {};
  const existing: [TermKind, number][] = [
    ['requiredAffinity', HARD_POD_AFFINITY_WEIGHT],
    ['preferredAffinity', 1],
    ['preferredAnti', -1],
  ];
  for (const [kind, sign] of existing) {
    for (const g of cache.termGroups(kind)) {
      if (!termMatches(g.term, pi.subject, own)) continue;
      // Required terms weigh HardPodAffinityWeight each; preferred ones their own weight.
      const w = kind === 'requiredAffinity' ? sign : sign * g.weight;
      for (const [ni, n] of g.perNode) if (ni.node) add(m, ni.labels, g.term.topologyKey, w * n);
    }
  }
  for (const byValue of m.values()) for (const [v, w] of byValue) if (w === 0) byValue.delete(v);
  return [...m.values()].some((b) => b.size > 0) ? m : undefined;
}

/** Score and NormalizeScore: raw sums scaled to 0..100 between the lowest and the highest node. */
export function affinityScores(m: TopologyScore | undefined, nodes: readonly NodeInfo[]): number[] {
  if (!m) return nodes.map(() => 0);
  const raw = nodes.map((ni) => {
    let score = 0;
    for (const [key, byValue] of m) {
      const v = ni.labels[key];
      if (v !== undefined) score += byValue.get(v) ?? 0;
    }
    return score;
  });
  const min = Math.min(...raw);
  const diff = Math.max(...raw) - min;
  return raw.map((s) => (diff > 0 ? Math.trunc((MAX_NODE_SCORE * (s - min)) / diff) : 0));
}
