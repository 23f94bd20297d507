// Quota evaluators (pkg/quota/v1/evaluator/core and apiserver's quota/v1/generic): for one kind of
// object, which quota resource names it is charged against, what one object uses, which quota scopes
// it falls under, and what it must state to be admitted. Shared by the API server's ResourceQuota
// admission and the resource quota controller, so both count exactly the same way.
import { labelSelectorFromSpec } from '../selectors/labels.ts';
import { type Quantity, add as addQuantity, cmp, fromInt, zero } from './quantity.ts';
import { type ResourceList, add, fromWire } from './resources.ts';

type Obj = Record<string, unknown>;

export type AdmissionOperation = 'CREATE' | 'UPDATE';

export interface GroupResourceRef {
  group: string;
  resource: string;
}

/** spec.scopes entries and spec.scopeSelector.matchExpressions, as one list (getScopeSelectorsFromQuota). */
export interface ScopeSelectorRequirement {
  scopeName: string;
  operator: string;
  values?: string[];
}

export interface Evaluator {
  readonly groupResource: GroupResourceRef;
  /** Whether a write of this kind can change usage (object counts: only creates). */
  handles(op: AdmissionOperation, subresource?: string): boolean;
  /** The subset of `names` this evaluator accounts for. */
  matchingResources(names: readonly string[]): string[];
  matchesScope(scope: ScopeSelectorRequirement, obj: Obj): boolean;
  usage(obj: Obj, now?: number): ResourceList;
  /** What the object lacks for a quota tracking `required`, as upstream's error text; undefined when fine. */
  constraints(required: readonly string[], obj: Obj): string | undefined;
}

const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const one = (): Quantity => fromInt(1);

/** generic.ObjectCountQuotaResourceNameFor: `count/pods`, `count/deployments.apps`. */
export function objectCountName(gr: GroupResourceRef): string {
  return gr.group ? `count/${gr.resource}.${gr.group}` : `count/${gr.resource}`;
}

/** generic.MatchesNoScopeFunc: kinds other than pods fall under no scope. */
const noScope = (): boolean => false;

/** The quota's scopes and scope selector as requirements. */
export function quotaScopeSelectors(quota: Obj): ScopeSelectorRequirement[] {
  const spec = obj(quota.spec);
  const out: ScopeSelectorRequirement[] = [];
  for (const s of Array.isArray(spec.scopes) ? spec.scopes : []) out.push({ scopeName: str(s), operator: 'Exists' });
  for (const e of objs(obj(spec.scopeSelector).matchExpressions)) {
    out.push({ scopeName: str(e.scopeName), operator: str(e.operator), values: Array.isArray(e.values) ? e.values.map(str) : undefined });
  }
  return out;
}

/** generic.Matches: the quota tracks something this evaluator charges, and the object is in every scope. */
export function quotaMatches(evaluator: Evaluator, quota: Obj, item: Obj): boolean {
  const hard = Object.keys(obj(obj(quota.status).hard));
  if (evaluator.matchingResources(hard).length === 0) return false;
  return quotaScopeSelectors(quota).every((s) => evaluator.matchesScope(s, item));
}

// ---- object counts -------------------------------------------------------------------------------

/** Kinds whose count has a name of its own besides count/… (pkg/quota/v1/evaluator/core/registry.go). */
const LEGACY_COUNT_NAMES: Record<string, string> = {
  configmaps: 'configmaps',
  secrets: 'secrets',
  replicationcontrollers: 'replicationcontrollers',
  resourcequotas: 'resourcequotas',
};

export function objectCountEvaluator(gr: GroupResourceRef): Evaluator {
  const names = [objectCountName(gr)];
  const legacy = gr.group === '' ? LEGACY_COUNT_NAMES[gr.resource] : undefined;
  if (legacy) names.push(legacy);
  return {
    groupResource: gr,
    handles: (op) => op === 'CREATE',
    matchingResources: (input) => input.filter((n) => names.includes(n)),
    matchesScope: noScope,
    usage: () => new Map(names.map((n) => [n, one()])),
    constraints: () => undefined,
  };
}

// ---- pods ----------------------------------------------------------------------------------------

const POD_RESOURCES = new Set([
  'count/pods',
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
]);
const POD_RESOURCE_PREFIXES = ['hugepages-', 'requests.hugepages-'];
/** The historical mistake upstream keeps: quota on these makes every container state them. */
const VALIDATION_SET = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

/** helper.IsNativeResource: unprefixed, or in the kubernetes.io domain. */
function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

function isExtendedResourceName(name: string): boolean {
  return !isNativeResource(name) && !name.startsWith('requests.');
}

/** Extended resources are only quota'd as `requests.<name>` (no overcommit). */
function isExtendedResourceNameForQuota(name: string): boolean {
  return !isNativeResource(name) && name.startsWith('requests.');
}

function maxInto(list: ResourceList, more: ResourceList): ResourceList {
  const out = new Map(list);
  for (const [k, v] of more) {
    const cur = out.get(k);
    if (!cur || cmp(v, cur) > 0) out.set(k, v);
  }
  return out;
}

/**
 * resource.PodRequests / PodLimits: regular containers and sidecars add up, each regular init container
 * runs beside the sidecars started before it, the pod needs the larger of the two; overhead on top.
 */
export function podAggregate(spec: Obj, field: 'requests' | 'limits', withOverhead = true): ResourceList {
  const of = (c: Obj): ResourceList => fromWire(obj(obj(c.resources)[field]));
  let total: ResourceList = new Map();
  for (const c of objs(spec.containers)) total = add(total, of(c));
  let sidecars: ResourceList = new Map();
  let initMax: ResourceList = new Map();
  for (const c of objs(spec.initContainers)) {
    let during: ResourceList;
    if (c.restartPolicy === 'Always') {
      total = add(total, of(c));
      sidecars = add(sidecars, of(c));
      during = sidecars;
    } else {
      during = add(of(c), sidecars);
    }
    initMax = maxInto(initMax, during);
  }
  total = maxInto(total, initMax);
  if (!withOverhead) return total;
  const overhead = fromWire(spec.overhead);
  if (field === 'requests') return add(total, overhead);
  // Overhead only raises limits the pod has.
  for (const [k, v] of overhead) if (total.has(k)) total.set(k, addQuantity(total.get(k)!, v));
  return total;
}

/** podComputeUsageHelper: the quota names a pod's (or container's) requests and limits charge. */
function computeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const out: ResourceList = new Map([['pods', one()]]);
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    const req = requests.get(r);
    if (req) {
      out.set(r, req);
      out.set(`requests.${r}`, req);
    }
    const lim = limits.get(r);
    if (lim) out.set(`limits.${r}`, lim);
  }
  for (const [name, req] of requests) {
    if (name.startsWith('hugepages-')) {
      out.set(name, req);
      out.set(`requests.${name}`, req);
    }
    if (isExtendedResourceName(name)) out.set(`requests.${name}`, req);
  }
  return out;
}

function deletionTime(meta: Obj): number | undefined {
  const ts = meta.deletionTimestamp;
  if (ts instanceof Date) return ts.getTime();
  if (typeof ts === 'string') return Date.parse(ts);
  return undefined;
}

/**
 * QuotaV1Pod: terminal pods, and pods whose deletion is past its grace period, no longer charge
 * compute resources (the object count still does).
 */
export function podChargesCompute(pod: Obj, now = Date.now()): boolean {
  const phase = str(obj(pod.status).phase);
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const meta = obj(pod.metadata);
  const deleted = deletionTime(meta);
  const grace = meta.deletionGracePeriodSeconds;
  if (deleted !== undefined && typeof grace === 'number' && now > deleted + grace * 1000) return false;
  return true;
}

/** qos BestEffort: no container asks for or caps cpu or memory. */
function isBestEffort(spec: Obj): boolean {
  for (const c of [...objs(spec.initContainers), ...objs(spec.containers)]) {
    const res = obj(c.resources);
    for (const list of [fromWire(res.requests), fromWire(res.limits)]) {
      for (const r of ['cpu', 'memory']) if ((list.get(r)?.nano ?? 0n) > 0n) return false;
    }
  }
  return true;
}

function isTerminating(spec: Obj): boolean {
  return typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds >= 0;
}

function crossNamespaceAffinity(spec: Obj): boolean {
  const affinity = obj(spec.affinity);
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const a = obj(affinity[kind]);
    const terms = [
      ...objs(a.requiredDuringSchedulingIgnoredDuringExecution),
      ...objs(a.preferredDuringSchedulingIgnoredDuringExecution).map((w) => obj(w.podAffinityTerm)),
    ];
    if (terms.some((t) => (Array.isArray(t.namespaces) && t.namespaces.length > 0) || t.namespaceSelector != null)) return true;
  }
  return false;
}

function podMatchesScope(scope: ScopeSelectorRequirement, pod: Obj): boolean {
  const spec = obj(pod.spec);
  switch (scope.scopeName) {
    case 'Terminating':
      return isTerminating(spec);
    case 'NotTerminating':
      return !isTerminating(spec);
    case 'BestEffort':
      return isBestEffort(spec);
    case 'NotBestEffort':
      return !isBestEffort(spec);
    case 'PriorityClass': {
      const cls = str(spec.priorityClassName);
      if (scope.operator === 'Exists') return cls !== '';
      try {
        const sel = labelSelectorFromSpec({ matchExpressions: [{ key: 'PriorityClass', operator: scope.operator, values: scope.values }] });
        return sel.matches(cls ? { PriorityClass: cls } : {});
      } catch {
        return false;
      }
    }
    case 'CrossNamespacePodAffinity':
      return crossNamespaceAffinity(spec);
    default:
      return false;
  }
}

/** What each container (and init container) lacks of the cpu/memory names the quota tracks. */
function podConstraints(required: readonly string[], pod: Obj): string | undefined {
  const need = required.filter((r) => VALIDATION_SET.has(r));
  if (need.length === 0) return undefined;
  const spec = obj(pod.spec);
  const missing = new Map<string, Set<string>>();
  for (const c of [...objs(spec.containers), ...objs(spec.initContainers)]) {
    const res = obj(c.resources);
    const has = computeUsage(fromWire(res.requests), fromWire(res.limits));
    for (const r of need) {
      if (has.has(r)) continue;
      if (!missing.has(r)) missing.set(r, new Set());
      missing.get(r)!.add(str(c.name));
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

export const podEvaluator: Evaluator = {
  groupResource: { group: '', resource: 'pods' },
  handles: (op, subresource) => (subresource ? subresource === 'resize' && op === 'UPDATE' : op === 'CREATE'),
  matchingResources: (input) =>
    input.filter((n) => POD_RESOURCES.has(n) || POD_RESOURCE_PREFIXES.some((p) => n.startsWith(p)) || isExtendedResourceNameForQuota(n)),
  matchesScope: podMatchesScope,
  usage: (pod, now) => {
    const out: ResourceList = new Map([['count/pods', one()]]);
    if (!podChargesCompute(pod, now)) return out;
    const spec = obj(pod.spec);
    return add(out, computeUsage(podAggregate(spec, 'requests'), podAggregate(spec, 'limits')));
  },
  constraints: podConstraints,
};

// ---- services ------------------------------------------------------------------------------------

export const serviceEvaluator: Evaluator = {
  groupResource: { group: '', resource: 'services' },
  handles: (op) => op === 'CREATE' || op === 'UPDATE',
  matchingResources: (input) => input.filter((n) => ['count/services', 'services', 'services.loadbalancers', 'services.nodeports'].includes(n)),
  matchesScope: noScope,
  usage: (svc) => {
    const spec = obj(svc.spec);
    const ports = objs(spec.ports);
    const out: ResourceList = new Map([
      ['count/services', one()],
      ['services', one()],
      ['services.loadbalancers', zero()],
      ['services.nodeports', zero()],
    ]);
    if (spec.type === 'NodePort') out.set('services.nodeports', fromInt(ports.length));
    if (spec.type === 'LoadBalancer') {
      // Without node port allocation only the ports that still carry one count.
      const n = spec.allocateLoadBalancerNodePorts === false ? ports.filter((p) => typeof p.nodePort === 'number' && p.nodePort !== 0).length : ports.length;
      out.set('services.nodeports', fromInt(n));
      out.set('services.loadbalancers', one());
    }
    return out;
  },
  constraints: () => undefined,
};

// ---- persistent volume claims --------------------------------------------------------------------

const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';

/** The claim's class: spec.storageClassName, else the beta annotation. */
function claimClass(pvc: Obj): string {
  const name = obj(pvc.spec).storageClassName;
  if (typeof name === 'string') return name;
  return str(obj(obj(pvc.metadata).annotations)['volume.beta.kubernetes.io/storage-class']);
}

export const pvcEvaluator: Evaluator = {
  groupResource: { group: '', resource: 'persistentvolumeclaims' },
  handles: (op) => op === 'CREATE' || op === 'UPDATE',
  matchingResources: (input) =>
    input.filter(
      (n) =>
        ['count/persistentvolumeclaims', 'persistentvolumeclaims', 'requests.storage'].includes(n) ||
        (n.includes(STORAGE_CLASS_SUFFIX) && (n.endsWith('/persistentvolumeclaims') || n.endsWith('/requests.storage'))),
    ),
  matchesScope: noScope,
  usage: (pvc) => {
    const out: ResourceList = new Map([
      ['count/persistentvolumeclaims', one()],
      ['persistentvolumeclaims', one()],
    ]);
    const cls = claimClass(pvc);
    if (cls) out.set(`${cls}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`, one());
    const request = fromWire(obj(obj(pvc.spec).resources).requests).get('storage');
    // A shrink that failed keeps the larger allocation charged (RecoverVolumeExpansionFailure).
    const allocated = fromWire(obj(pvc.status).allocatedResources).get('storage');
    const charged = request && allocated && cmp(allocated, request) > 0 ? allocated : request;
    if (charged) {
      out.set('requests.storage', charged);
      if (cls) out.set(`${cls}${STORAGE_CLASS_SUFFIX}requests.storage`, charged);
    }
    return out;
  },
  constraints: () => undefined,
};

// ---- registry ------------------------------------------------------------------------------------

/** Never quota'd (the quota configuration's ignored resources). */
export const IGNORED_RESOURCES = new Set(['/events', 'events.k8s.io/events']);

/** The evaluator for a resource: a dedicated one for pods, services and claims, an object count otherwise. */
export function evaluatorFor(gr: GroupResourceRef): Evaluator | undefined {
  if (IGNORED_RESOURCES.has(`${gr.group}/${gr.resource}`)) return undefined;
  if (gr.group === '') {
    if (gr.resource === 'pods') return podEvaluator;
    if (gr.resource === 'services') return serviceEvaluator;
    if (gr.resource === 'persistentvolumeclaims') return pvcEvaluator;
  }
  return objectCountEvaluator(gr);
}
