// The LimitRanger admission plugin (plugin/pkg/admission/limitranger): a pod created in a namespace
// with LimitRanges gets the Container-type defaults for the requests and limits its containers leave
// out (noted in the kubernetes.io/limit-ranger annotation), then must respect every min, max and
// maxLimitRequestRatio of Container and Pod items; claims must ask for storage within the
// PersistentVolumeClaim items' min and max.
import { forbidden } from '../../api/errors.ts';
import type { KObject } from '../../api/types.ts';
import { podAggregate } from '../../quota/evaluators.ts';
import { type Quantity, format, milli, units } from '../../quota/quantity.ts';
import { type ResourceList, fromWire } from '../../quota/resources.ts';
import type { GenericStore } from '../store.ts';
import type { AdmissionPlugin, AdmissionRequest } from './chain.ts';
import { NamespacedLookup } from './namespaced-lookup.ts';

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);

/** resource.MaxMilliValue: past it upstream compares whole units instead of thousandths. */
const MAX_MILLI_VALUE = (2n ** 63n - 1n) / 1000n;

function limitItems(lr: KObject): Obj[] {
  return objs(obj(lr.spec).limits);
}

/** Entries of a wire ResourceList, sorted by name so messages come out in a stable order. */
function sortedEntries(list: unknown): [string, Quantity][] {
  return [...fromWire(list)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---- defaults ------------------------------------------------------------------------------------

/** defaultContainerResourceRequirements: the Container items' defaultRequest and default, later items winning. */
function containerDefaults(lr: KObject): { requests: Map<string, string>; limits: Map<string, string> } {
  const requests = new Map<string, string>();
  const limits = new Map<string, string>();
  for (const item of limitItems(lr)) {
    if (item.type !== 'Container') continue;
    for (const [k, v] of sortedEntries(item.defaultRequest)) requests.set(k, format(v));
    for (const [k, v] of sortedEntries(item.default)) limits.set(k, format(v));
  }
  return { requests, limits };
}

function fillMissing(c: Obj, field: 'requests' | 'limits', defaults: Map<string, string>): string[] {
  const resources = obj(c.resources);
  const list = obj(resources[field]);
  const set: string[] = [];
  for (const [k, v] of defaults) {
    if (k in list) continue;
    list[k] = v;
    set.push(k);
  }
  if (set.length > 0) {
    resources[field] = list;
    c.resources = resources;
  }
  return set.sort();
}

/** mergePodResourceRequirements: fill in what containers lack and record what was set. */
function applyDefaults(pod: KObject, lr: KObject): void {
  const defaults = containerDefaults(lr);
  const notes: string[] = [];
  const spec = obj(pod.spec);
  const pass = (list: unknown, prefix: string) => {
    for (const c of objs(list)) {
      const req = fillMissing(c, 'requests', defaults.requests);
      const lim = fillMissing(c, 'limits', defaults.limits);
      if (req.length) notes.push(`${req.join(', ')} request for ${prefix} ${String(c.name ?? '')}`);
      if (lim.length) notes.push(`${lim.join(', ')} limit for ${prefix} ${String(c.name ?? '')}`);
    }
  };
  pass(spec.containers, 'container');
  pass(spec.initContainers, 'init container');
  if (notes.length === 0) return;
  pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
}

// ---- constraints ---------------------------------------------------------------------------------

/** requestLimitEnforcedValues: thousandths when all three fit, whole units otherwise. */
function comparable(...qs: (Quantity | undefined)[]): bigint[] {
  const whole = qs.map((q) => (q ? units(q) : 0n));
  if (whole.every((v) => v <= MAX_MILLI_VALUE)) return qs.map((q) => (q ? milli(q) : 0n));
  return whole;
}

function minConstraint(type: string, name: string, enforced: Quantity, request: ResourceList, limit: ResourceList): string | undefined {
  const req = request.get(name);
  const lim = limit.get(name);
  const [r, l, e] = comparable(req, lim, enforced) as [bigint, bigint, bigint];
  if (!req) return `minimum ${name} usage per ${type} is ${format(enforced)}.  No request is specified`;
  if (r < e) return `minimum ${name} usage per ${type} is ${format(enforced)}, but request is ${format(req)}`;
  if (lim && l < e) return `minimum ${name} usage per ${type} is ${format(enforced)}, but limit is ${format(lim)}`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: Quantity, request: ResourceList, limit: ResourceList): string | undefined {
  const req = request.get(name);
  const lim = limit.get(name);
  const [r, l, e] = comparable(req, lim, enforced) as [bigint, bigint, bigint];
  if (!lim) return `maximum ${name} usage per ${type} is ${format(enforced)}.  No limit is specified`;
  if (l > e) return `maximum ${name} usage per ${type} is ${format(enforced)}, but limit is ${format(lim)}`;
  if (req && r > e) return `maximum ${name} usage per ${type} is ${format(enforced)}, but request is ${format(req)}`;
  return undefined;
}

/** For kinds whose limits are not user input (claims): only the request is held to the max. */
function maxRequestConstraint(type: string, name: string, enforced: Quantity, request: ResourceList): string | undefined {
  const req = request.get(name);
  const [r, , e] = comparable(req, undefined, enforced) as [bigint, bigint, bigint];
  if (!req) return `maximum ${name} usage per ${type} is ${format(enforced)}.  No request is specified`;
  if (r > e) return `maximum ${name} usage per ${type} is ${format(enforced)}, but request is ${format(req)}`;
  return undefined;
}

function ratioConstraint(type: string, name: string, enforced: Quantity, request: ResourceList, limit: ResourceList): string | undefined {
  const req = request.get(name);
  const lim = limit.get(name);
  const [r, l] = comparable(req, lim, enforced) as [bigint, bigint, bigint];
  const head = `${name} max limit to request ratio per ${type} is ${format(enforced)}`;
  if (!req || r === 0n) return `${head}, but no request is specified or request is 0`;
  if (!lim || l === 0n) return `${head}, but no limit is specified or limit is 0`;
  const observed = Number(l) / Number(r);
  const enforcedUnits = units(enforced);
  const exceeded =
    enforcedUnits <= MAX_MILLI_VALUE ? observed * 1000 > Number(milli(enforced)) : observed > Number(enforcedUnits);
  return exceeded ? `${head}, but provided ratio is ${observed.toFixed(6)}` : undefined;
}

function checkItem(item: Obj, type: string, request: ResourceList, limit: ResourceList, errs: string[]): void {
  for (const [k, v] of sortedEntries(item.min)) push(errs, minConstraint(type, k, v, request, limit));
  for (const [k, v] of sortedEntries(item.max)) push(errs, maxConstraint(type, k, v, request, limit));
  for (const [k, v] of sortedEntries(item.maxLimitRequestRatio)) push(errs, ratioConstraint(type, k, v, request, limit));
}

function push(errs: string[], e: string | undefined): void {
  if (e !== undefined) errs.push(e);
}

/** PodValidateLimitFunc. */
function validatePod(lr: KObject, pod: KObject): string[] {
  const errs: string[] = [];
  const spec = obj(pod.spec);
  for (const item of limitItems(lr)) {
    if (item.type === 'Container') {
      for (const c of [...objs(spec.containers), ...objs(spec.initContainers)]) {
        const res = obj(c.resources);
        checkItem(item, 'Container', fromWire(res.requests), fromWire(res.limits), errs);
      }
    } else if (item.type === 'Pod') {
      checkItem(item, 'Pod', podAggregate(spec, 'requests', false), podAggregate(spec, 'limits', false), errs);
    }
  }
  return errs;
}

/** PersistentVolumeClaimValidateLimitFunc. */
function validateClaim(lr: KObject, pvc: KObject): string[] {
  const errs: string[] = [];
  const requests = fromWire(obj(obj(obj(pvc.spec).resources).requests));
  for (const item of limitItems(lr)) {
    if (item.type !== 'PersistentVolumeClaim') continue;
    for (const [k, v] of sortedEntries(item.min)) push(errs, minConstraint('PersistentVolumeClaim', k, v, requests, new Map()));
    for (const [k, v] of sortedEntries(item.max)) push(errs, maxRequestConstraint('PersistentVolumeClaim', k, v, requests));
  }
  return errs;
}

/** utilerrors.NewAggregate(...).Error(). */
function aggregate(msgs: string[]): string {
  const unique = [...new Set(msgs)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

export function limitRangerPlugin(limitRanges: GenericStore): AdmissionPlugin {
  const lookup = new NamespacedLookup(limitRanges);
  const isPods = (req: AdmissionRequest) => req.gr.group === '' && req.gr.resource === 'pods';
  return {
    name: 'LimitRanger',
    handles: (gr) => gr.group === '' && (gr.resource === 'pods' || gr.resource === 'persistentvolumeclaims'),
    // Containers cannot change after creation, so pod updates are left alone.
    admit: async (req) => {
      if (!isPods(req) || req.operation !== 'CREATE') return;
      for (const lr of await lookup.list(req.namespace)) applyDefaults(req.object, lr);
    },
    validate: async (req) => {
      if (isPods(req) && req.operation !== 'CREATE') return;
      if (req.oldObject?.metadata.deletionTimestamp) return;
      for (const lr of await lookup.list(req.namespace)) {
        const errs = isPods(req) ? validatePod(lr, req.object) : validateClaim(lr, req.object);
        if (errs.length > 0) throw forbidden(req.gr, req.object.metadata.name ?? '', aggregate(errs));
      }
    },
  };
}

