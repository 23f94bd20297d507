// What kube-controller-manager's workload controllers share about pods (pkg/controller/controller_utils.go,
// controller_ref_manager.go, pkg/api/v1/pod): creating pods from a template with a controller
// ownerReference, deleting them, recording SuccessfulCreate/SuccessfulDelete (FailedCreate/FailedDelete)
// events, the pod ranking that decides which pods go first on scale-down, and adopting/releasing pods
// by selector through strategic-merge patches of ownerReferences.
import type { V1ObjectMeta, V1OwnerReference, V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { type Clients, describeError, statusCode } from '../client/clients.ts';
import type { EventRecorder } from '../client/events.ts';
import type { LabelSelector } from '../selectors/labels.ts';

export const STRATEGIC_MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

/** controller.kubernetes.io/pod-deletion-cost */
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

export interface OwnerObject {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
}

export function objKey(obj: { metadata?: V1ObjectMeta }): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export function controllerOf(obj: { metadata?: V1ObjectMeta } | undefined): V1OwnerReference | undefined {
  return obj?.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** FilterActivePods' predicate: not Succeeded/Failed and not being deleted. */
export function isPodActive(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

function readyCondition(pod: V1Pod) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: V1Pod): boolean {
  return readyCondition(pod)?.status === 'True';
}

function toMs(t: Date | string | undefined): number | undefined {
  if (t === undefined || t === null) return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** podutil.IsPodAvailable: ready for at least minReadySeconds. */
export function isPodAvailable(pod: V1Pod, minReadySeconds: number, now: number): boolean {
  const c = readyCondition(pod);
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = toMs(c.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 <= now;
}

/** The pod a controller creates from its template (controller.GetPodFromTemplate). */
export function podFromTemplate(template: V1PodTemplateSpec, owner: OwnerObject, ownerRef: V1OwnerReference): V1Pod {
  const name = owner.metadata?.name ?? '';
  // getPodsPrefix: `<name>-`, or the name alone when that would not be a valid generateName
  // (longer than a DNS subdomain); the API server cuts the prefix to fit the random suffix.
  const prefix = name.length + 1 <= 253 ? `${name}-` : name;
  const tm = template.metadata ?? {};
  const meta: V1ObjectMeta = {
    generateName: prefix,
    namespace: owner.metadata?.namespace,
    ownerReferences: [ownerRef],
  };
  if (tm.labels) meta.labels = { ...tm.labels };
  if (tm.annotations) meta.annotations = { ...tm.annotations };
  if (tm.finalizers?.length) meta.finalizers = [...tm.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: structuredClone(template.spec) };
}

export function controllerRefFor(owner: OwnerObject, apiVersion: string, kind: string): V1OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The message of an API error as Go's err.Error() prints a StatusError. */
export function errorMessage(err: unknown): string {
  const d = describeError(err);
  return statusCode(err) !== undefined ? d.replace(/^\d+: /, '') : d;
}

/** RealPodControl: creates and deletes pods and records the events kube-controller-manager records. */
export class PodControl {
  constructor(
    private readonly clients: Clients,
    private readonly recorder: EventRecorder,
  ) {}

  /** generateName overrides the `<owner>-` prefix (CreatePodsWithGenerateName: an indexed Job's `<job>-<index>-`). */
  async createPod(
    namespace: string,
    template: V1PodTemplateSpec,
    owner: OwnerObject,
    ownerRef: V1OwnerReference,
    ref: { apiVersion: string; kind: string },
    generateName?: string,
  ): Promise<V1Pod> {
    const pod = podFromTemplate(template, owner, ownerRef);
    if (generateName) pod.metadata!.generateName = generateName;
    if (!pod.metadata?.labels || Object.keys(pod.metadata.labels).length === 0) throw new Error('unable to create pods, no labels');
    const involved = { kind: ref.kind, apiVersion: ref.apiVersion, name: owner.metadata?.name, namespace, uid: owner.metadata?.uid, resourceVersion: owner.metadata?.resourceVersion };
    try {
      const created = await this.clients.core.createNamespacedPod({ namespace, body: pod });
      this.recorder.event(involved, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
      return created;
    } catch (err) {
      // A terminating namespace refuses pods; upstream records no event for that.
      if (!/because it is being terminated/.test(describeError(err))) this.recorder.event(involved, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
      throw err;
    }
  }

  /** Delete a pod; resolves false when it was already gone. */
  async deletePod(namespace: string, name: string, owner: OwnerObject, ref: { apiVersion: string; kind: string }): Promise<boolean> {
    const involved = { kind: ref.kind, apiVersion: ref.apiVersion, name: owner.metadata?.name, namespace, uid: owner.metadata?.uid, resourceVersion: owner.metadata?.resourceVersion };
    try {
      await this.clients.core.deleteNamespacedPod({ namespace, name });
    } catch (err) {
      if (statusCode(err) === 404) return false;
      this.recorder.event(involved, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
      throw err;
    }
    this.recorder.event(involved, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    return true;
  }
}

/** slowStartBatch: run fn count times in batches of 1, 2, 4, …; stops after the first batch with an error. */
export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    successes += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { successes, error: failed.reason };
    remaining -= batch;
  }
  return { successes };
}

// ---- ranking pods for deletion (controller.ActivePodsWithRanks, LogarithmicScaleDown on) ----

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: V1Pod): number {
  const v = pod.metadata?.annotations?.[POD_DELETION_COST];
  if (v === undefined) return 0;
  const n = Number(v);
  return Number.isInteger(n) ? n : 0;
}

function maxRestarts(pod: V1Pod): number {
  let m = 0;
  for (const s of pod.status?.containerStatuses ?? []) m = Math.max(m, s.restartCount ?? 0);
  return m;
}

function logRank(t: number, now: number): number {
  const d = (now - t) * 1e6; // nanoseconds, as Go's time.Duration
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

function uidLess(a: V1Pod, b: V1Pod): boolean {
  return (a.metadata?.uid ?? '') < (b.metadata?.uid ?? '');
}

/** Whether pod a should be deleted before pod b (ActivePodsWithRanks.Less). */
export function deleteFirst(a: V1Pod, rankA: number, b: V1Pod, rankB: number, now: number): boolean {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  // 1. unassigned < assigned
  if (na !== nb && (na === '' || nb === '')) return na === '';
  // 2. Pending < Unknown < Running
  const pa = PHASE_ORDINAL[a.status?.phase ?? ''] ?? 0;
  const pb = PHASE_ORDINAL[b.status?.phase ?? ''] ?? 0;
  if (pa !== pb) return pa < pb;
  // 3. not ready < ready
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return !ra;
  // 4. lower pod-deletion-cost first
  const ca = deletionCost(a);
  const cb = deletionCost(b);
  if (ca !== cb) return ca < cb;
  // 5. doubled up (more related pods on the same node) first
  if (rankA !== rankB) return rankA > rankB;
  // 6. ready for less time first (log2 buckets)
  if (ra && rb) {
    const ta = toMs(readyCondition(a)?.lastTransitionTime);
    const tb = toMs(readyCondition(b)?.lastTransitionTime);
    if (ta !== tb) {
      if (ta === undefined || tb === undefined) return ta === undefined ? true : false;
      const diff = logRank(ta, now) - logRank(tb, now);
      if (diff === 0) return uidLess(a, b);
      return diff < 0;
    }
  }
  // 7. higher restart count first
  const xa = maxRestarts(a);
  const xb = maxRestarts(b);
  if (xa !== xb) return xa > xb;
  // 8. newer first
  const ta = toMs(a.metadata?.creationTimestamp);
  const tb = toMs(b.metadata?.creationTimestamp);
  if (ta !== tb) {
    if (ta === undefined || tb === undefined) return ta === undefined;
    const diff = logRank(ta, now) - logRank(tb, now);
    if (diff === 0) return uidLess(a, b);
    return diff < 0;
  }
  return false;
}

/** getPodsToDelete: the `diff` pods to delete first, ranked by how many related pods share their node. */
export function podsToDelete(filtered: V1Pod[], related: V1Pod[], diff: number, now = Date.now()): V1Pod[] {
  if (diff >= filtered.length) return [...filtered];
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const n = p.spec?.nodeName ?? '';
    onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  const ranked = filtered.map((p) => ({ p, rank: onNode.get(p.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((x, y) => (deleteFirst(x.p, x.rank, y.p, y.rank, now) ? -1 : deleteFirst(y.p, y.rank, x.p, x.rank, now) ? 1 : 0));
  return ranked.slice(0, diff).map((r) => r.p);
}

// ---- claiming (controller_ref_manager.go) ----

export interface ClaimOptions<O extends OwnerObject> {
  clients: Clients;
  owner: O;
  ownerRef: V1OwnerReference;
  selector: LabelSelector;
  /** A fresh read of the owner (RecheckDeletionTimestamp): adoption only if it still exists, same UID, not being deleted. */
  recheck: () => Promise<O | undefined>;
  log?: (line: string) => void;
}

/**
 * ClaimPods: pods controlled by the owner that still match are kept; controlled pods that stopped
 * matching are released; orphans that match are adopted. Returns the pods the owner now controls.
 */
export async function claimObjects<T extends { metadata?: V1ObjectMeta }>(
  objects: readonly T[],
  opts: ClaimOptions<OwnerObject>,
  patch: (namespace: string, name: string, body: object) => Promise<T>,
  filter: (o: T) => boolean = () => true,
): Promise<T[]> {
  const uid = opts.owner.metadata?.uid;
  const claimed: T[] = [];
  let canAdopt: Promise<boolean> | undefined;
  const checkAdopt = () =>
    (canAdopt ??= opts.recheck().then(
      (fresh) => !!fresh && fresh.metadata?.uid === uid && !fresh.metadata?.deletionTimestamp,
      () => false,
    ));
  const work: Promise<void>[] = [];
  for (const obj of objects) {
    const ref = controllerOf(obj);
    const matches = opts.selector.matches(obj.metadata?.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) {
        claimed.push(obj);
        continue;
      }
      if (obj.metadata?.deletionTimestamp) continue;
      // Release: remove our ownerReference (by uid) with a strategic merge patch.
      work.push(
        patch(obj.metadata?.namespace ?? '', obj.metadata?.name ?? '', {
          metadata: { ownerReferences: [{ $patch: 'delete', uid }], uid: obj.metadata?.uid },
        }).then(
          () => undefined,
          (err) => {
            // Gone, or no longer ours (the uid precondition failed): nothing to release.
            const c = statusCode(err);
            if (c === 404 || c === 422 || c === 409) return;
            throw err;
          },
        ),
      );
      continue;
    }
    if (opts.owner.metadata?.deletionTimestamp || !matches || obj.metadata?.deletionTimestamp) continue;
    if (obj.metadata?.namespace !== opts.owner.metadata?.namespace || !filter(obj)) continue;
    work.push(
      (async () => {
        if (!(await checkAdopt())) return;
        try {
          const adopted = await patch(obj.metadata?.namespace ?? '', obj.metadata?.name ?? '', {
            metadata: { ownerReferences: [opts.ownerRef], uid: obj.metadata?.uid },
          });
          claimed.push(adopted);
        } catch (err) {
          if (statusCode(err) === 404) return;
          throw err;
        }
      })(),
    );
  }
  const results = await Promise.allSettled(work);
  const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
  if (failed) throw failed.reason;
  return claimed;
}

export function patchPod(clients: Clients): (namespace: string, name: string, body: object) => Promise<V1Pod> {
  return (namespace, name, body) => clients.core.patchNamespacedPod({ namespace, name, body }, STRATEGIC_MERGE_PATCH);
}
