// The StatefulSet controller (kube-controller-manager pkg/controller/statefulset): pods with stable
// identities `<set>-<ordinal>` (ordinals from spec.ordinals.start), hostname and subdomain from
// serviceName, and one PersistentVolumeClaim per volumeClaimTemplate and ordinal that outlives the
// pod. OrderedReady creates pods one at a time in ordinal order, each waiting for its predecessor to
// be Running and Ready, and removes them highest ordinal first, one at a time; Parallel does neither
// wait. Every template is a ControllerRevision (history.ts); pods carry the revision's name, pods at
// or above the partition are replaced highest first within maxUnavailable (RollingUpdate), or only
// when users delete them (OnDelete). Claims get owner references from
// persistentVolumeClaimRetentionPolicy, so the garbage collector removes them with the set or with a
// scaled-down pod when the policy says Delete.
import type {
  CoreV1Event,
  V1ControllerRevision,
  V1OwnerReference,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodTemplateSpec,
  V1StatefulSet,
  V1StatefulSetStatus,
} from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { MERGE_PATCH, isAlreadyExists, isNotFound } from '../client/clients.ts';
import type { Informer } from '../client/informer.ts';
import type { Controller, ControllerContext } from './controller.ts';
import { scaledValue } from './deployment-util.ts';
import { CONTROLLER_REVISION_HASH, equalRevision, newRevision, nextRevision, selectorOf, sortRevisions } from './history.ts';
import { PodSetController } from './pod-set-controller.ts';
import {
  STRATEGIC_MERGE_PATCH,
  claimObjects,
  controllerRefFor,
  errorMessage,
  isPodAvailable,
  isPodReady,
  patchPod,
  podFromTemplate,
  slowStartBatch,
  splitKey,
} from './pod-control.ts';

const REF = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

type EventSink = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

const POD_NAME = /^(.*)-(\d+)$/;

/** getParentNameAndOrdinal */
export function parentAndOrdinal(pod: { metadata?: { name?: string } }): { parent: string; ordinal: number } {
  const m = POD_NAME.exec(pod.metadata?.name ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  return { parent: m[1]!, ordinal: Number.isSafeInteger(n) && n <= 2147483647 ? n : -1 };
}

const startOrdinal = (set: V1StatefulSet): number => set.spec?.ordinals?.start ?? 0;
const replicasOf = (set: V1StatefulSet): number => set.spec?.replicas ?? 1;
export const podName = (set: V1StatefulSet, ordinal: number): string => `${set.metadata?.name}-${ordinal}`;
export const claimName = (template: string, set: V1StatefulSet, ordinal: number): string => `${template}-${set.metadata?.name}-${ordinal}`;

const isTerminating = (p: V1Pod): boolean => !!p.metadata?.deletionTimestamp;
const isRunningAndReady = (p: V1Pod): boolean => p.status?.phase === 'Running' && isPodReady(p);
const isTerminal = (p: V1Pod): boolean => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';
const podRevision = (p: V1Pod): string => p.metadata?.labels?.[CONTROLLER_REVISION_HASH] ?? '';
const inRange = (set: V1StatefulSet, ordinal: number): boolean => ordinal >= startOrdinal(set) && ordinal < startOrdinal(set) + replicasOf(set);

/** The set with a revision's template (ApplyRevision). */
function applyRevision(set: V1StatefulSet, rev: V1ControllerRevision): V1StatefulSet {
  const raw = structuredClone((rev.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template ?? {});
  delete raw.$patch;
  const template = ObjectSerializer.deserialize(raw, 'V1PodTemplateSpec', '') as V1PodTemplateSpec;
  return { ...set, spec: { ...set.spec!, template } };
}

/** updateIdentity + updateStorage + the revision label: what makes a pod this ordinal of this set. */
function newStatefulPod(set: V1StatefulSet, ordinal: number, revision: string): V1Pod {
  const pod = podFromTemplate(set.spec?.template ?? {}, set, controllerRefFor(set, REF.apiVersion, REF.kind));
  const name = podName(set, ordinal);
  pod.metadata!.name = name;
  delete pod.metadata!.generateName;
  pod.metadata!.labels = { ...pod.metadata!.labels, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [CONTROLLER_REVISION_HASH]: revision };
  const spec = (pod.spec ??= { containers: [] });
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  const volumes = (spec.volumes ??= []);
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const vname = t.metadata?.name ?? '';
    const volume = { name: vname, persistentVolumeClaim: { claimName: claimName(vname, set, ordinal) } };
    const at = volumes.findIndex((v) => v.name === vname);
    if (at >= 0) volumes[at] = volume;
    else volumes.push(volume);
  }
  if (!volumes.length) delete spec.volumes;
  return pod;
}

/** identityMatches: the pod's name and its identity labels say the same ordinal of this set. */
function identityMatches(set: V1StatefulSet, pod: V1Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod);
  const labels = pod.metadata?.labels ?? {};
  return parent === set.metadata?.name && labels[POD_NAME_LABEL] === pod.metadata?.name && labels[POD_INDEX_LABEL] === String(ordinal);
}

/** getPersistentVolumeClaims: the claims a pod of this ordinal uses, labelled with the set's selector. */
function claimsFor(set: V1StatefulSet, ordinal: number): V1PersistentVolumeClaim[] {
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => {
    const claim: V1PersistentVolumeClaim = ObjectSerializer.deserialize(ObjectSerializer.serialize(t, 'V1PersistentVolumeClaim', ''), 'V1PersistentVolumeClaim', '');
    claim.apiVersion = 'v1';
    claim.kind = 'PersistentVolumeClaim';
    const meta = t.metadata ?? {};
    claim.metadata = {
      name: claimName(meta.name ?? '', set, ordinal),
      namespace: set.metadata?.namespace,
      labels: { ...meta.labels, ...set.spec?.selector?.matchLabels },
      annotations: meta.annotations ? { ...meta.annotations } : undefined,
    };
    delete claim.status;
    return claim;
  });
}

const plainRef = (obj: { metadata?: { name?: string; uid?: string } }, apiVersion: string, kind: string): V1OwnerReference => ({
  apiVersion,
  kind,
  name: obj.metadata?.name ?? '',
  uid: obj.metadata?.uid ?? '',
});

/** updateClaimOwnerRefForSetAndPod: the owner references persistentVolumeClaimRetentionPolicy asks for. */
export function claimOwnerRefs(set: V1StatefulSet, pod: V1Pod, current: V1OwnerReference[] = []): V1OwnerReference[] {
  const policy = set.spec?.persistentVolumeClaimRetentionPolicy;
  const whenDeleted = policy?.whenDeleted ?? 'Retain';
  const whenScaled = policy?.whenScaled ?? 'Retain';
  const scaledDown = !inRange(set, parentAndOrdinal(pod).ordinal);
  const bySet = whenDeleted === 'Delete' && !(whenScaled === 'Delete' && scaledDown);
  const byPod = whenScaled === 'Delete' && scaledDown;
  const setUID = set.metadata?.uid;
  const podUID = pod.metadata?.uid;
  const refs = current.filter((r) => r.uid !== setUID && r.uid !== podUID);
  if (bySet) refs.push(plainRef(set, REF.apiVersion, REF.kind));
  if (byPod && podUID) refs.push(plainRef(pod, 'v1', 'Pod'));
  return refs;
}

const sameRefs = (a: V1OwnerReference[] = [], b: V1OwnerReference[] = []): boolean =>
  JSON.stringify(a.map((r) => r.uid).sort()) === JSON.stringify(b.map((r) => r.uid).sort());

export class StatefulSetController extends PodSetController<V1StatefulSet> {
  private readonly claims: Informer<V1PersistentVolumeClaim>;

  constructor(ctx: ControllerContext, workers = 2) {
    super(ctx, ctx.informers.get('statefulsets'), REF.kind, 'statefulset-controller', workers);
    this.claims = ctx.informers.get('persistentvolumeclaims');
  }

  private events(set: V1StatefulSet): EventSink {
    const involved = { ...REF, name: set.metadata?.name, namespace: set.metadata?.namespace, uid: set.metadata?.uid, resourceVersion: set.metadata?.resourceVersion };
    return (type, reason, message) => this.recorder.event(involved as CoreV1Event['involvedObject'], type, reason, message);
  }

  // ---- sync ----

  protected async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.sets.get(name, namespace);
    if (!cached) return;
    const set = structuredClone(cached);
    const ownerRef = controllerRefFor(set, REF.apiVersion, REF.kind);
    const recheck = () => this.clients.apps.readNamespacedStatefulSet({ namespace, name });
    const pods = await claimObjects(
      this.pods.list(namespace),
      { clients: this.clients, owner: set, ownerRef, selector: selectorOf(set), recheck },
      patchPod(this.clients),
      (p) => parentAndOrdinal(p).parent === name,
    );
    const revisions = await this.history.controlled(set, ownerRef, recheck);
    const collision = { count: set.status?.collisionCount ?? 0 };
    const { current, update } = await this.revisions(set, ownerRef, revisions, collision);
    const status = await this.updateStatefulSet(set, current, update, collision.count, pods);
    await this.writeStatus(set, status);
    const minReady = set.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && (status.availableReplicas ?? 0) < (status.readyReplicas ?? 0)) this.queue.addAfter(key, minReady * 1000);
    await this.truncateHistory(set, pods, revisions, current, update);
  }

  /** getStatefulSetRevisions: the update revision (new, reused as is, or renumbered for a rollback) and the current one. */
  private async revisions(
    set: V1StatefulSet,
    ownerRef: V1OwnerReference,
    revisions: V1ControllerRevision[],
    collision: { count: number },
  ): Promise<{ current: V1ControllerRevision; update: V1ControllerRevision }> {
    const sorted = sortRevisions(revisions);
    const candidate = newRevision(set, ownerRef, nextRevision(sorted));
    const equal = sorted.filter((r) => equalRevision(r, candidate));
    let update: V1ControllerRevision;
    if (equal.length && equalRevision(sorted.at(-1)!, equal.at(-1)!)) update = sorted.at(-1)!;
    else if (equal.length) update = await this.history.renumber(equal.at(-1)!, Number(candidate.revision));
    else update = await this.history.create(set.metadata?.name ?? '', candidate, collision);
    const current = sorted.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
    return { current, update };
  }

  /** updateStatefulSet: one pass over the ordinals — create, wait, delete condemned, then roll. */
  private async updateStatefulSet(
    set: V1StatefulSet,
    currentRev: V1ControllerRevision,
    updateRev: V1ControllerRevision,
    collisionCount: number,
    pods: V1Pod[],
  ): Promise<V1StatefulSetStatus> {
    const currentSet = applyRevision(set, currentRev);
    const updateSet = applyRevision(set, updateRev);
    const currentName = currentRev.metadata?.name ?? '';
    const updateName = updateRev.metadata?.name ?? '';
    const minReady = set.spec?.minReadySeconds ?? 0;
    const now = Date.now();
    const available = (p: V1Pod) => isRunningAndReady(p) && isPodAvailable(p, minReady, now);
    const healthy = (p: V1Pod) => available(p) && !isTerminating(p);
    const status: V1StatefulSetStatus = {
      observedGeneration: set.metadata?.generation,
      replicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      currentReplicas: 0,
      updatedReplicas: 0,
      currentRevision: currentName,
      updateRevision: updateName,
      collisionCount,
    };
    const count = replicasOf(set);
    const start = startOrdinal(set);
    const replicas: (V1Pod | undefined)[] = new Array(count).fill(undefined);
    const condemned: V1Pod[] = [];
    const countRevision = (p: V1Pod, delta: number) => {
      if (podRevision(p) === currentName) status.currentReplicas! += delta;
      if (podRevision(p) === updateName) status.updatedReplicas! += delta;
    };
    for (const p of pods) {
      status.replicas!++;
      if (isRunningAndReady(p)) status.readyReplicas!++;
      if (available(p)) status.availableReplicas!++;
      if (!isTerminating(p)) countRevision(p, 1);
      const { ordinal } = parentAndOrdinal(p);
      if (inRange(set, ordinal)) replicas[ordinal - start] = p;
      else if (ordinal >= 0) condemned.push(p);
    }
    condemned.sort((a, b) => parentAndOrdinal(b).ordinal - parentAndOrdinal(a).ordinal);
    // newVersionedStatefulSetPod: below the partition, missing pods come back at the current revision.
    const rolling = set.spec?.updateStrategy?.type !== 'OnDelete';
    const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    const versioned = (i: number): V1Pod =>
      rolling && i < partition ? newStatefulPod(currentSet, start + i, currentName) : newStatefulPod(updateSet, start + i, updateName);
    const ordered = set.spec?.podManagementPolicy !== 'Parallel';
    const emit = this.events(set);

    if (set.metadata?.deletionTimestamp) return status;

    /** processReplica: true when OrderedReady must stop at this ordinal for now. */
    const processReplica = async (i: number): Promise<boolean> => {
      let pod = replicas[i];
      if (pod && isTerminal(pod)) {
        // A pod that ran to completion is replaced under the same identity.
        if (!isTerminating(pod)) await this.deletePod(set, pod, emit);
        return ordered;
      }
      if (!pod) {
        pod = versioned(i);
        await this.createClaims(set, pod, emit);
        await this.createPod(set, pod, emit);
        status.replicas!++;
        countRevision(pod, 1);
        return ordered;
      }
      if (pod.status?.phase === 'Pending') await this.createClaims(set, pod, emit);
      if (ordered && (isTerminating(pod) || !available(pod))) return true;
      if (!identityMatches(set, pod)) await this.fixIdentity(pod, start + i);
      await this.fixClaimOwners(set, pod);
      return false;
    };
    if (ordered) {
      for (let i = 0; i < count; i++) if (await processReplica(i)) return status;
    } else {
      // runForAll: Parallel works on every ordinal at once, in slow-start batches.
      let next = 0;
      const { error } = await slowStartBatch(count, 1, async () => {
        await processReplica(next++);
      });
      if (error !== undefined) throw error;
    }
    for (const p of condemned) await this.fixClaimOwners(set, p);
    const firstUnhealthy = [...replicas, ...condemned].find((p) => p && !healthy(p));
    for (const p of condemned) {
      if (isTerminating(p)) {
        if (ordered) return status;
        continue;
      }
      if (ordered && !available(p) && p !== firstUnhealthy) return status;
      await this.deletePod(set, p, emit);
      if (ordered) return status;
    }
    if (!rolling) return status;

    // RollingUpdate with maxUnavailable (MaxUnavailableStatefulSet, on by default since 1.35).
    const maxUnavailable = Math.max(1, scaledValue(set.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, count, false));
    const unavailable = replicas.filter((p) => !p || !healthy(p)).length;
    if (unavailable >= maxUnavailable) return status;
    let budget = maxUnavailable - unavailable;
    for (let i = count - 1; i >= partition && budget > 0; i--) {
      const p = replicas[i];
      if (p && podRevision(p) !== updateName && !isTerminating(p)) {
        await this.deletePod(set, p, emit);
        status.currentReplicas!--;
        budget--;
      }
    }
    return status;
  }

  private async createPod(set: V1StatefulSet, pod: V1Pod, emit: EventSink): Promise<void> {
    const ns = set.metadata?.namespace ?? '';
    try {
      await this.clients.core.createNamespacedPod({ namespace: ns, body: pod });
      emit('Normal', 'SuccessfulCreate', `create Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} successful`);
    } catch (err) {
      if (isAlreadyExists(err)) return;
      emit('Warning', 'FailedCreate', `create Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} failed error: ${errorMessage(err)}`);
      throw err;
    }
  }

  private async deletePod(set: V1StatefulSet, pod: V1Pod, emit: EventSink): Promise<void> {
    try {
      await this.clients.core.deleteNamespacedPod({ namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '' });
      emit('Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} successful`);
    } catch (err) {
      if (isNotFound(err)) return;
      emit('Warning', 'FailedDelete', `delete Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} failed error: ${errorMessage(err)}`);
      throw err;
    }
  }

  /** createPersistentVolumeClaims: the pod's missing claims, owned as the retention policy says. */
  private async createClaims(set: V1StatefulSet, pod: V1Pod, emit: EventSink): Promise<void> {
    const ns = set.metadata?.namespace ?? '';
    for (const claim of claimsFor(set, parentAndOrdinal(pod).ordinal)) {
      const name = claim.metadata?.name ?? '';
      if (this.claims.get(name, ns)) continue;
      const refs = claimOwnerRefs(set, pod);
      if (refs.length) claim.metadata!.ownerReferences = refs;
      try {
        await this.clients.core.createNamespacedPersistentVolumeClaim({ namespace: ns, body: claim });
        emit('Normal', 'SuccessfulCreate', `create Claim ${name} Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} success`);
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        emit('Warning', 'FailedCreate', `create Claim ${name} for Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} failed error: ${errorMessage(err)}`);
        throw err;
      }
    }
  }

  /** UpdatePodClaimForRetentionPolicy: move claim owner references when the policy or the pod's range changed. */
  private async fixClaimOwners(set: V1StatefulSet, pod: V1Pod): Promise<void> {
    const ns = set.metadata?.namespace ?? '';
    for (const t of set.spec?.volumeClaimTemplates ?? []) {
      const claim = this.claims.get(claimName(t.metadata?.name ?? '', set, parentAndOrdinal(pod).ordinal), ns);
      if (!claim) continue;
      const want = claimOwnerRefs(set, pod, claim.metadata?.ownerReferences);
      if (sameRefs(want, claim.metadata?.ownerReferences)) continue;
      try {
        await this.clients.core.patchNamespacedPersistentVolumeClaim(
          { namespace: ns, name: claim.metadata?.name ?? '', body: { metadata: { ownerReferences: want.length ? want : null } } },
          // A merge patch replaces the whole list, which is what moving references needs.
          MERGE_PATCH,
        );
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  private async fixIdentity(pod: V1Pod, ordinal: number): Promise<void> {
    await this.clients.core.patchNamespacedPod(
      {
        namespace: pod.metadata?.namespace ?? '',
        name: pod.metadata?.name ?? '',
        body: { metadata: { labels: { [POD_NAME_LABEL]: pod.metadata?.name, [POD_INDEX_LABEL]: String(ordinal) } } },
      },
      STRATEGIC_MERGE_PATCH,
    );
  }

  private async writeStatus(set: V1StatefulSet, status: V1StatefulSetStatus): Promise<void> {
    // completeRollingUpdate: once every pod is updated and ready the update revision becomes current.
    if (set.spec?.updateStrategy?.type !== 'OnDelete' && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
      status.currentReplicas = status.updatedReplicas;
      status.currentRevision = status.updateRevision;
    }
    const cur = (set.status ?? {}) as unknown as Record<string, unknown>;
    if (set.status?.conditions?.length) status.conditions = set.status.conditions;
    const next = status as unknown as Record<string, unknown>;
    if (Object.keys(next).every((k) => k === 'conditions' || (cur[k] ?? 0) === (next[k] ?? 0))) return;
    await this.writeStatusWithRetry(
      set,
      status,
      (namespace, name) => this.clients.apps.readNamespacedStatefulSet({ namespace, name }),
      (body) => this.clients.apps.replaceNamespacedStatefulSetStatus({ namespace: body.metadata?.namespace ?? '', name: body.metadata?.name ?? '', body }),
    );
  }

  /** truncateHistory: keep revisionHistoryLimit revisions besides the current, update and live ones. */
  private async truncateHistory(set: V1StatefulSet, pods: V1Pod[], revisions: V1ControllerRevision[], current: V1ControllerRevision, update: V1ControllerRevision): Promise<void> {
    const live = new Set([current.metadata?.name, update.metadata?.name, ...pods.map(podRevision)]);
    const unused = revisions.filter((r) => !live.has(r.metadata?.name));
    await this.history.deleteOldest(unused, () => false, unused.length - (set.spec?.revisionHistoryLimit ?? 10));
  }
}

export const newStatefulSetController = (ctx: ControllerContext): Controller => new StatefulSetController(ctx);
