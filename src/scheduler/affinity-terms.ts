// Pod (anti-)affinity terms parsed once per pod (framework.PodInfo's Required/Preferred terms), so
// that every scheduling cycle matches compiled selectors instead of re-reading the spec.
import type { V1LabelSelector, V1Pod, V1PodAffinityTerm, V1WeightedPodAffinityTerm } from '@kubernetes/client-node';
import { SelectorParseError, labelSelectorFromSpec, nothingLabels, type LabelSelector } from '../selectors/labels.ts';

export interface AffinityTerm {
  /** Namespaces named by the term (the pod's own when neither namespaces nor a namespaceSelector is set). */
  namespaces: ReadonlySet<string>;
  /** namespaceSelector: nothing when absent; `{}` selects every namespace. */
  nsSelector: LabelSelector;
  selector: LabelSelector;
  topologyKey: string;
  /** Equal for terms that match the same pods the same way (replicas share one), for grouping. */
  sig: string;
}

export interface WeightedTerm extends AffinityTerm {
  weight: number;
}

export interface PodTerms {
  requiredAffinity: AffinityTerm[];
  requiredAnti: AffinityTerm[];
  preferredAffinity: WeightedTerm[];
  preferredAnti: WeightedTerm[];
}

/** A pod as terms see it: namespace and labels. */
export interface Subject {
  namespace: string;
  labels: Record<string, string>;
}

export function subjectOf(pod: V1Pod): Subject {
  return { namespace: pod.metadata?.namespace ?? '', labels: pod.metadata?.labels ?? {} };
}

/**
 * The selector with matchLabelKeys / mismatchLabelKeys folded in (`key in (v)` / `key notin (v)` with
 * the pod's own values), as the API server does at admission; folding again is harmless, so pods the
 * server already rewrote match the same. A nil selector selects nothing and is left so.
 */
function termSelector(pod: V1Pod, spec: V1LabelSelector | undefined, matchKeys: string[] | undefined, mismatchKeys: string[] | undefined): LabelSelector {
  if (spec == null) return nothingLabels();
  const labels = pod.metadata?.labels ?? {};
  const extra: { key: string; operator: string; values: string[] }[] = [];
  for (const k of matchKeys ?? []) if (labels[k] !== undefined) extra.push({ key: k, operator: 'In', values: [labels[k]!] });
  for (const k of mismatchKeys ?? []) if (labels[k] !== undefined) extra.push({ key: k, operator: 'NotIn', values: [labels[k]!] });
  return labelSelectorFromSpec({ matchLabels: spec.matchLabels, matchExpressions: [...(spec.matchExpressions ?? []), ...extra] });
}

/** A selector as a key: nothing and everything both print as "", so they are told apart. */
export function selectorKey(s: LabelSelector): string {
  if (s.empty()) return '*';
  return s.requirements.length === 0 ? '!' : s.toString();
}

function parseTerm(pod: V1Pod, t: V1PodAffinityTerm, weight = 0): AffinityTerm {
  const own = pod.metadata?.namespace ?? '';
  const names = t.namespaces ?? [];
  const namespaces = new Set(names.length === 0 && t.namespaceSelector == null ? [own] : names);
  const nsSelector = t.namespaceSelector == null ? nothingLabels() : labelSelectorFromSpec(t.namespaceSelector);
  const selector = termSelector(pod, t.labelSelector, t.matchLabelKeys, t.mismatchLabelKeys);
  const sig = [[...namespaces].sort().join(','), selectorKey(nsSelector), selectorKey(selector), t.topologyKey, weight].join('\u0000');
  return { namespaces, nsSelector, selector, topologyKey: t.topologyKey, sig };
}

function parseWeighted(pod: V1Pod, w: V1WeightedPodAffinityTerm): WeightedTerm {
  return { ...parseTerm(pod, w.podAffinityTerm, w.weight), weight: w.weight };
}

/** The pod's terms, or undefined when it has none (most pods). Throws SelectorParseError on a bad selector. */
export function parsePodTerms(pod: V1Pod): PodTerms | undefined {
  const a = pod.spec?.affinity;
  const pa = a?.podAffinity;
  const anti = a?.podAntiAffinity;
  if (!pa && !anti) return undefined;
  const terms: PodTerms = {
    requiredAffinity: (pa?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => parseTerm(pod, t)),
    requiredAnti: (anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => parseTerm(pod, t)),
    preferredAffinity: (pa?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => parseWeighted(pod, w)),
    preferredAnti: (anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => parseWeighted(pod, w)),
  };
  const n = terms.requiredAffinity.length + terms.requiredAnti.length + terms.preferredAffinity.length + terms.preferredAnti.length;
  return n === 0 ? undefined : terms;
}

/** parsePodTerms for pods already in the cluster: an unparsable term matches nothing there. */
export function parsePodTermsLenient(pod: V1Pod): PodTerms | undefined {
  try {
    return parsePodTerms(pod);
  } catch (err) {
    if (err instanceof SelectorParseError) return undefined;
    throw err;
  }
}

/**
 * AffinityTerm.Matches. `nsLabels` are the labels of the subject's namespace, undefined when that
 * namespace is unknown (then only the namespace list can match). A `{}` namespaceSelector matches
 * every namespace without a lookup, as upstream leaves it unexpanded.
 */
export function termMatches(t: AffinityTerm, s: Subject, nsLabels: Record<string, string> | undefined): boolean {
  const inNamespace = t.namespaces.has(s.namespace) || t.nsSelector.empty() || (nsLabels !== undefined && t.nsSelector.matches(nsLabels));
  return inNamespace && t.selector.matches(s.labels);
}

/** podMatchesAllAffinityTerms: false for no terms. */
export function matchesAllTerms(terms: readonly AffinityTerm[], s: Subject, nsLabels: Record<string, string> | undefined): boolean {
  if (terms.length === 0) return false;
  return terms.every((t) => termMatches(t, s, nsLabels));
}
