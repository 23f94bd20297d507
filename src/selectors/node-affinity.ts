// Whether a pod's node selector and required node affinity admit a node (upstream's
// component-helpers nodeaffinity): shared by the scheduler's NodeAffinity filter, the volume binder's
// node affinity checks and the DaemonSet controller's placement.
import type { V1Node, V1NodeSelectorRequirement, V1NodeSelectorTerm, V1Pod } from '@kubernetes/client-node';

function matchRequirement(r: V1NodeSelectorRequirement, get: (key: string) => string | undefined): boolean {
  const v = get(r.key);
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return v !== undefined && values.includes(v);
    case 'NotIn':
      return v === undefined || !values.includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
    case 'Lt': {
      if (v === undefined || values.length !== 1) return false;
      const have = Number.parseInt(v, 10);
      const want = Number.parseInt(values[0]!, 10);
      if (Number.isNaN(have) || Number.isNaN(want)) return false;
      return r.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** A term matches when all its expressions and fields do; a term with neither matches nothing. */
export function matchTerm(term: V1NodeSelectorTerm, labels: Record<string, string>, name: string | undefined): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  if (!exprs.every((r) => matchRequirement(r, (k) => labels[k]))) return false;
  return fields.every((r) => matchRequirement(r, (k) => (k === 'metadata.name' ? name : undefined)));
}

/** GetRequiredNodeAffinity(pod).Match(node): nodeSelector and the required node affinity terms. */
export function matchesNodeSelectorAndAffinity(pod: V1Pod, node: V1Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) return (required.nodeSelectorTerms ?? []).some((t) => matchTerm(t, labels, node.metadata?.name));
  return true;
}
