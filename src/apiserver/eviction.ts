// pods/eviction: a pod deletion that first asks the pod's PodDisruptionBudget, as upstream's
// pkg/registry/core/pod/storage/eviction.go does. The budget is charged with a compare-and-swap on its
// status (disruptionsAllowed - 1, the pod recorded in disruptedPods) before the pod is deleted, so two
// evictions racing for the last allowed disruption cannot both win.
import { StatusError, badRequest, conflict, forbidden, successStatus, timeout, type Status } from '../api/errors.ts';
import { updateDisruptionAllowedCondition, type PdbStatus } from '../api/disruption.ts';
import type { KObject } from '../api/types.ts';
import type { DeleteOptions } from '../registry/options.ts';
import { budgetSelects } from '../registry/policy/poddisruptionbudgets.ts';
import type { Registry } from '../registry/registry.ts';
import { nowRFC3339, type GenericStore } from '../registry/store.ts';

/** Upstream's EvictionsRetry allows this many attempts against budget conflicts. */
const EVICTION_ATTEMPTS = 20;
/** Upstream refuses to let the budget's record of unconfirmed evictions grow past this. */
const MAX_DISRUPTED_PODS = 2000;
const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

interface Eviction {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  deleteOptions?: {
    gracePeriodSeconds?: number;
    preconditions?: { uid?: string; resourceVersion?: string };
    propagationPolicy?: DeleteOptions['propagationPolicy'];
    orphanDependents?: boolean;
    dryRun?: string[];
  } | null;
}

interface PodShape {
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

function tooManyRequests(retryAfterSeconds: number, causeMessage: string): StatusError {
  const retry = retryAfterSeconds > 0 ? { retryAfterSeconds } : {};
  return new StatusError(429, 'TooManyRequests', VIOLATION, { causes: [{ reason: 'DisruptionBudget', message: causeMessage }], ...retry });
}

/** createTooManyRequestsError: the budget has not caught up with its own spec yet. */
function stillProcessing(pdbName: string): StatusError {
  return tooManyRequests(10, `The disruption budget ${pdbName} is still being processed by the server.`);
}

function phase(pod: KObject): string {
  return (pod as PodShape).status?.phase ?? '';
}

function isReady(pod: KObject): boolean {
  return ((pod as PodShape).status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Pods whose deletion cannot disrupt anything more than it already is: terminal, pending or leaving. */
function canIgnoreBudget(pod: KObject): boolean {
  const p = phase(pod);
  return p === 'Succeeded' || p === 'Failed' || p === 'Pending' || Boolean(pod.metadata.deletionTimestamp);
}

/** A running pod could turn ready between our read and the delete, so its deletion is pinned to what we read. */
function shouldPinResourceVersion(pod: KObject): boolean {
  const p = phase(pod);
  return !(p === 'Succeeded' || p === 'Failed' || pod.metadata.deletionTimestamp);
}

function decodeEviction(body: unknown, name: string): Eviction {
  const ev = (body ?? {}) as Eviction;
  if (ev.kind !== undefined && ev.kind !== 'Eviction') {
    throw badRequest(`not a Eviction object: ${String(ev.kind)}`);
  }
  if (ev.apiVersion !== undefined && ev.apiVersion !== 'policy/v1' && ev.apiVersion !== 'policy/v1beta1') {
    throw badRequest(`not a Eviction object: ${ev.apiVersion}`);
  }
  if ((ev.metadata?.name ?? '') !== name) throw badRequest('name in URL does not match name in Eviction object');
  return ev;
}

function deleteOptionsOf(ev: Eviction, dryRunQuery: boolean): DeleteOptions {
  const d = ev.deleteOptions ?? {};
  const opts: DeleteOptions = { dryRun: dryRunQuery || (Array.isArray(d.dryRun) && d.dryRun.includes('All')) };
  if (d.gracePeriodSeconds !== undefined && d.gracePeriodSeconds !== null) opts.gracePeriodSeconds = d.gracePeriodSeconds;
  if (d.propagationPolicy) opts.propagationPolicy = d.propagationPolicy;
  if (d.orphanDependents !== undefined && d.orphanDependents !== null) opts.orphanDependents = d.orphanDependents;
  if (d.preconditions) opts.preconditions = { ...d.preconditions };
  return opts;
}

class PodEviction {
  private readonly pods: GenericStore;
  private readonly budgets: GenericStore;

  constructor(
    registry: Registry,
    private readonly namespace: string,
    private readonly name: string,
    private readonly options: DeleteOptions,
  ) {
    this.pods = registry.store('', 'pods');
    this.budgets = registry.store('policy', 'poddisruptionbudgets');
  }

  private get callerPinnedVersion(): boolean {
    return Boolean(this.options.preconditions?.resourceVersion);
  }

  /** Returns the Status to answer with (success, or upstream's 500 for several budgets). */
  async run(): Promise<Status> {
    // Pods that may go without a budget check are deleted straight away; conflicts are retried unless
    // the caller pinned a resourceVersion (then the conflict is theirs to see).
    let pod: KObject | undefined;
    for (let attempt = 0; ; attempt++) {
      pod = await this.pods.get(this.namespace, this.name);
      if (!canIgnoreBudget(pod)) break;
      const opts = shouldPinResourceVersion(pod) && !this.callerPinnedVersion ? this.pinned(pod) : this.options;
      try {
        await this.markAndDelete(opts);
        return this.success();
      } catch (err) {
        if (this.callerPinnedVersion || attempt + 1 >= EVICTION_ATTEMPTS || !isConflict(err)) throw err;
      }
    }

    const budgets = (await this.budgets.list(this.namespace, {})).items.filter((b) => budgetSelects(b, pod.metadata.labels));
    if (budgets.length > 1) {
      return {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
        code: 500,
      };
    }
    let pinToRead = false;
    const budget = budgets[0];
    if (budget) {
      pinToRead = this.unhealthyMayGo(pod, budget);
      if (!pinToRead) await this.charge(budget);
    }
    try {
      await this.markAndDelete(pinToRead ? this.pinned(pod) : this.options);
    } catch (err) {
      // The unready pod we let through without charging the budget became something else meanwhile.
      if (pinToRead && isConflict(err) && !this.callerPinnedVersion) throw stillProcessing(budget!.metadata.name ?? '');
      throw err;
    }
    return this.success();
  }

  private success(): Status {
    const s = successStatus();
    s.code = 201;
    return s;
  }

  private pinned(pod: KObject): DeleteOptions {
    return { ...this.options, preconditions: { ...this.options.preconditions, resourceVersion: pod.metadata.resourceVersion } };
  }

  /**
   * An unready pod counts for nothing in the budget, so deleting it needs no disruption when the policy
   * says AlwaysAllow or the budget is currently satisfied anyway.
   */
  private unhealthyMayGo(pod: KObject, budget: KObject): boolean {
    if (isReady(pod)) return false;
    const policy = (budget.spec as { unhealthyPodEvictionPolicy?: string } | undefined)?.unhealthyPodEvictionPolicy;
    if (policy === 'AlwaysAllow') return true;
    const st = (budget.status ?? {}) as PdbStatus;
    return (st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0) && (st.desiredHealthy ?? 0) > 0;
  }

  /** checkAndDecrement, retried on conflicts with a fresh read of the budget. */
  private async charge(initial: KObject): Promise<void> {
    let budget = initial;
    const name = budget.metadata.name ?? '';
    for (let attempt = 0; attempt < EVICTION_ATTEMPTS; attempt++) {
      if (attempt > 0) budget = await this.budgets.get(this.namespace, name);
      const st = structuredClone((budget.status ?? {}) as PdbStatus);
      if ((st.observedGeneration ?? 0) < (budget.metadata.generation ?? 0)) throw stillProcessing(name);
      const allowed = st.disruptionsAllowed ?? 0;
      if (allowed < 0) throw budgetForbidden(name, 'pdb disruptions allowed is negative');
      if (Object.keys(st.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) {
        throw budgetForbidden(name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
      }
      if (allowed === 0) {
        throw tooManyRequests(0, `The disruption budget ${name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`);
      }
      st.disruptionsAllowed = allowed - 1;
      if (st.disruptionsAllowed === 0) updateDisruptionAllowedCondition(st);
      if (this.options.dryRun) return;
      st.disruptedPods = { ...st.disruptedPods, [this.name]: nowRFC3339() };
      try {
        await this.budgets.update(this.namespace, name, { ...budget, status: st }, { subresource: 'status' });
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
    throw timeout(`couldn't update PodDisruptionBudget ${JSON.stringify(name)} due to conflicts`, 10);
  }

  /**
   * addConditionAndDeletePod: the DisruptionTarget condition tells the pod's controllers (Jobs with a
   * pod failure policy) why it is going; a pinned resourceVersion moves on past our own status write.
   */
  private async markAndDelete(options: DeleteOptions): Promise<void> {
    let opts = options;
    if (!options.dryRun) {
      const updated = await this.pods.patch(
        this.namespace,
        this.name,
        (cur) => {
          const pre = options.preconditions;
          if (pre?.uid && pre.uid !== cur.metadata.uid) {
            throw conflict(this.pods.gr, this.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`);
          }
          if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
            throw conflict(
              this.pods.gr,
              this.name,
              `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`,
            );
          }
          addDisruptionTarget(cur);
          return cur;
        },
        { subresource: 'status' },
      );
      if (options.preconditions?.resourceVersion) {
        opts = { ...options, preconditions: { ...options.preconditions, resourceVersion: updated.metadata.resourceVersion } };
      }
    }
    await this.pods.delete(this.namespace, this.name, opts);
  }
}

type PodCondition = { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string; lastProbeTime?: null };

/** podutil.UpdatePodCondition for DisruptionTarget=True: the transition time moves only on a change. */
function addDisruptionTarget(pod: KObject): void {
  const status = (pod.status ?? {}) as { conditions?: PodCondition[] };
  const conds = status.conditions ?? [];
  const next: PodCondition = { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastProbeTime: null };
  const i = conds.findIndex((c) => c.type === 'DisruptionTarget');
  const prior = i >= 0 ? conds[i] : undefined;
  next.lastTransitionTime = prior && prior.status === next.status && prior.lastTransitionTime ? prior.lastTransitionTime : nowRFC3339();
  if (i >= 0) conds[i] = next;
  else conds.push(next);
  status.conditions = conds;
  pod.status = status;
}

/** Upstream names the singular resource here: `poddisruptionbudget.policy "x" is forbidden: …`. */
function budgetForbidden(name: string, reason: string): StatusError {
  return forbidden({ group: 'policy', resource: 'poddisruptionbudget' }, name, reason);
}

function isConflict(err: unknown): boolean {
  return err instanceof StatusError && err.code === 409;
}

/** POST pods/{name}/eviction: answers the Status upstream's EvictionREST.Create returns. */
export async function evictPod(registry: Registry, namespace: string, name: string, body: unknown, dryRun: boolean): Promise<Status> {
  const ev = decodeEviction(body, name);
  return new PodEviction(registry, namespace, name, deleteOptionsOf(ev, dryRun)).run();
}
