// The ResourceQuota admission plugin (k8s.io/apiserver/pkg/admission/plugin/resourcequota): every
// namespaced write that can change usage is measured against each quota of its namespace that covers
// it, refused with upstream's messages when it would go past a hard limit, and otherwise charged to
// the quotas' status.used in etcd (compare-and-swap on each quota's resourceVersion, retried against
// fresh quotas on conflict) before the object itself is written. The controller later recalculates
// usage from what is really stored, which also gives back charges for writes that then failed.
import { OBJECT_MODIFIED, conflict, forbidden } from '../../api/errors.ts';
import type { KObject } from '../../api/types.ts';
import { type Evaluator, evaluatorFor, quotaMatches } from '../../quota/evaluators.ts';
import {
  type ResourceList,
  add,
  equals,
  fromWire,
  lessThanOrEqual,
  mask,
  negativeNames,
  prettyPrint,
  prettyPrintNames,
  removeZeros,
  subtractNonNegative,
  toWire,
} from '../../quota/resources.ts';
import { StorageError } from '../../storage/interface.ts';
import type { GenericStore } from '../store.ts';
import type { AdmissionPlugin, AdmissionRequest } from './chain.ts';
import { NamespacedLookup } from './namespaced-lookup.ts';

const RESOURCE_QUOTAS = { group: '', resource: 'resourcequotas' };
/** Rounds of re-reading quotas whose status update lost a race (upstream's evaluator retries 3 times). */
const MAX_RETRIES = 3;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

function hard(q: KObject): ResourceList {
  return fromWire(obj(q.status).hard);
}

function used(q: KObject): ResourceList {
  return fromWire(obj(q.status).used);
}

/** Every tracked resource the request touches already has a used value from the controller. */
function hasUsageStats(q: KObject, restricted: readonly string[]): boolean {
  const u = obj(obj(q.status).used);
  return Object.keys(obj(obj(q.status).hard)).every((name) => !restricted.includes(name) || name in u);
}

/**
 * checkRequest: refuse the request, or return the quotas whose usage it changes, with status.used
 * already raised.
 */
function checkRequest(quotas: readonly KObject[], req: AdmissionRequest, evaluator: Evaluator): KObject[] {
  const name = req.object.metadata.name ?? '';
  const refuse = (msg: string) => forbidden(req.gr, name, msg);
  const interesting: KObject[] = [];
  for (const q of quotas) {
    if (!quotaMatches(evaluator, q, req.object)) continue;
    const restricted = evaluator.matchingResources([...hard(q).keys()]);
    const missing = evaluator.constraints(restricted, req.object);
    if (missing) throw refuse(`failed quota: ${q.metadata.name}: ${missing}`);
    if (!hasUsageStats(q, restricted)) {
      throw refuse(`status unknown for quota: ${q.metadata.name}, resources: ${prettyPrintNames(restricted)}`);
    }
    interesting.push(q);
  }
  if (interesting.length === 0) return [];

  const inputUsage = evaluator.usage(req.object);
  const negative = negativeNames(inputUsage);
  if (negative.length > 0) throw refuse(`quota usage is negative for resource(s): ${prettyPrintNames(negative)}`);

  const deltas = new Map<KObject, ResourceList>(interesting.map((q) => [q, inputUsage]));
  if (req.operation === 'UPDATE') {
    const old = req.oldObject;
    if (!old) throw refuse('unable to get previous usage since prior version of object was not found');
    if (old.metadata.resourceVersion) {
      // Charge only what grew, and only to quotas that already covered the old object.
      const delta = subtractNonNegative(inputUsage, evaluator.usage(old));
      for (const q of interesting) if (quotaMatches(evaluator, q, old)) deltas.set(q, delta);
    }
  }

  const changed: KObject[] = [];
  for (const q of interesting) {
    const delta = removeZeros(deltas.get(q)!);
    if (delta.size === 0) continue;
    const limits = hard(q);
    const current = used(q);
    const requested = mask(delta, limits.keys());
    const next = add(current, requested);
    const { ok, exceeded } = lessThanOrEqual(mask(next, requested.keys()), limits);
    if (!ok) {
      throw refuse(
        `exceeded quota: ${q.metadata.name}, requested: ${prettyPrint(mask(requested, exceeded))}, ` +
          `used: ${prettyPrint(mask(current, exceeded))}, limited: ${prettyPrint(mask(limits, exceeded))}`,
      );
    }
    if (equals(next, current)) continue;
    const updated = structuredClone(q);
    updated.status = { ...obj(updated.status), used: toWire(next) };
    changed.push(updated);
  }
  return changed;
}

export function resourceQuotaPlugin(quotas: GenericStore): AdmissionPlugin {
  const lookup = new NamespacedLookup(quotas);
  // One evaluation at a time per namespace in this server, so its own requests do not race each other.
  const queues = new Map<string, Promise<void>>();
  const serialized = async (namespace: string, fn: () => Promise<void>): Promise<void> => {
    const prev = queues.get(namespace) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    queues.set(namespace, tail);
    try {
      await run;
    } finally {
      if (queues.get(namespace) === tail) queues.delete(namespace);
    }
  };

  const evaluate = async (req: AdmissionRequest, evaluator: Evaluator): Promise<void> => {
    let candidates = await lookup.list(req.namespace);
    for (let attempt = 0; candidates.length > 0; attempt++) {
      const changed = checkRequest(candidates, req, evaluator);
      if (req.dryRun || changed.length === 0) return;
      const lost: string[] = [];
      for (const q of changed) {
        try {
          await quotas.storage.update(quotas.key(req.namespace, q.metadata.name!), q, Number(q.metadata.resourceVersion));
        } catch (err) {
          if (!(err instanceof StorageError && (err.code === 'Conflict' || err.code === 'KeyNotFound'))) throw err;
          if (err.code === 'Conflict') lost.push(q.metadata.name!);
        }
      }
      if (lost.length === 0) return;
      if (attempt >= MAX_RETRIES) throw conflict(RESOURCE_QUOTAS, lost[0]!, OBJECT_MODIFIED);
      // Only the quotas that were not charged are checked again, at their newest state.
      candidates = (await lookup.fresh(req.namespace)).filter((q) => lost.includes(q.metadata.name!));
    }
  };

  return {
    name: 'ResourceQuota',
    handles: (gr) => evaluatorFor(gr) !== undefined,
    validate: async (req) => {
      if (!req.namespace) return;
      const evaluator = evaluatorFor(req.gr);
      if (!evaluator || !evaluator.handles(req.operation)) return;
      await serialized(req.namespace, () => evaluate(req, evaluator));
    },
  };
}
