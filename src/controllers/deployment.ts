// The Deployment controller (kube-controller-manager pkg/controller/deployment): each Deployment owns
// ReplicaSets, one per pod template (named `<deployment>-<pod-template-hash>`, the hash also in their
// selector and pod labels). A sync claims the sets matching the selector, then either only scales
// (paused, or replicas changed: proportionally across the active sets during a rollout) or rolls out:
// RollingUpdate grows the new set within maxSurge and shrinks old ones within maxUnavailable,
// Recreate empties the old sets before the new one starts. Revisions are recorded in the sets'
// `deployment.kubernetes.io/revision` annotations (a rollback reuses the old set with a new revision),
// old sets beyond revisionHistoryLimit are deleted once the rollout is complete, and status carries
// the Available and Progressing conditions kubectl rollout status reads, including
// ProgressDeadlineExceeded.
import type { V1Deployment, V1DeploymentCondition, V1DeploymentStatus, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { type Clients, describeError, isNotFound, statusCode } from '../client/clients.ts';
import { EventRecorder, objectRef } from '../client/events.ts';
import type { Informer } from '../client/informer.ts';
import { WorkQueue } from '../client/workqueue.ts';
import { labelSelectorFromSpec, nothingLabels, type LabelSelector } from '../selectors/labels.ts';
import type { Controller, ControllerContext } from './controller.ts';
import {
  POD_TEMPLATE_HASH,
  REASON,
  REVISION_ANNOTATION,
  actualReplicas,
  availableReplicas,
  byCreation,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  computeHash,
  conditionUpdateMs,
  deploymentComplete,
  deploymentProgressing,
  deploymentReplicas,
  deploymentTimedOut,
  filterActive,
  findNewReplicaSet,
  findOldReplicaSets,
  getCondition,
  hasProgressDeadline,
  hasRevisionHistoryLimit,
  equalIgnoreHash,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newCondition,
  newRSNewReplicas,
  proportion,
  readyReplicas,
  removeCondition,
  replicasAnnotationsNeedUpdate,
  replicasOf,
  setCondition,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  totalReplicas,
} from './deployment-util.ts';
import { STRATEGIC_MERGE_PATCH, claimObjects, controllerOf, controllerRefFor, errorMessage, objKey, splitKey } from './pod-control.ts';

const REF = { apiVersion: 'apps/v1', kind: 'Deployment' };

function selectorOf(d: V1Deployment): LabelSelector {
  try {
    return labelSelectorFromSpec(d.spec?.selector);
  } catch {
    return nothingLabels();
  }
}

const clone = <T>(x: T): T => structuredClone(x);

export class DeploymentController implements Controller {
  private readonly clients: Clients;
  private readonly deployments: Informer<V1Deployment>;
  private readonly sets: Informer<V1ReplicaSet>;
  private readonly pods: Informer<V1Pod>;
  private readonly queue = new WorkQueue<string>({ name: 'deployment' });
  private readonly recorder: EventRecorder;
  private readonly log: (line: string) => void;
  /** The controlling deployment each set had when last seen (the informer hands over no old object). */
  private readonly setOwner = new Map<string, string | undefined>();
  private running?: Promise<void>;

  constructor(
    ctx: ControllerContext,
    private readonly workers = 5,
  ) {
    this.clients = ctx.clients;
    this.log = ctx.log;
    this.deployments = ctx.informers.get('deployments');
    this.sets = ctx.informers.get('replicasets');
    this.pods = ctx.informers.get('pods');
    this.recorder = new EventRecorder(ctx.clients.core, { component: 'deployment-controller', style: 'legacy' });
    this.deployments.on('add', (d) => this.queue.add(objKey(d)));
    this.deployments.on('update', (d) => this.queue.add(objKey(d)));
    this.deployments.on('delete', (d) => this.queue.add(objKey(d)));
    this.sets.on('add', (rs) => this.onSet(rs));
    this.sets.on('update', (rs) => this.onSet(rs));
    this.sets.on('delete', (rs) => this.onSet(rs, true));
    this.pods.on('delete', (p) => this.onPodDeleted(p));
  }

  async start(): Promise<void> {
    for (const d of this.deployments.list()) this.queue.add(objKey(d));
    this.running = this.queue.run(this.workers, (key) => this.sync(key), (key, err) => this.log(`deployment-controller: sync ${key}: ${describeError(err)}`));
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
    await this.recorder.close();
  }

  // ---- handlers ----

  private resolve(namespace: string, ref: { kind?: string; name?: string; uid?: string } | undefined): V1Deployment | undefined {
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.deployments.get(ref.name ?? '', namespace);
    return d && d.metadata?.uid === ref.uid ? d : undefined;
  }

  private onSet(rs: V1ReplicaSet, deleted = false): void {
    const key = objKey(rs);
    const before = this.setOwner.get(key);
    const owner = this.resolve(rs.metadata?.namespace ?? '', controllerOf(rs));
    const ownerKey = owner ? objKey(owner) : undefined;
    if (deleted) this.setOwner.delete(key);
    else this.setOwner.set(key, ownerKey);
    if (before && before !== ownerKey) this.queue.add(before);
    if (ownerKey) {
      this.queue.add(ownerKey);
      return;
    }
    if (deleted || controllerOf(rs)) return;
    // An orphan: every deployment that would select it.
    for (const d of this.deployments.list(rs.metadata?.namespace)) {
      const sel = selectorOf(d);
      if (!sel.empty() && sel.matches(rs.metadata?.labels)) this.queue.add(objKey(d));
    }
  }

  private onPodDeleted(pod: V1Pod): void {
    const rsRef = controllerOf(pod);
    if (!rsRef || rsRef.kind !== 'ReplicaSet') return;
    const rs = this.sets.get(rsRef.name ?? '', pod.metadata?.namespace);
    if (!rs || rs.metadata?.uid !== rsRef.uid) return;
    const d = this.resolve(pod.metadata?.namespace ?? '', controllerOf(rs));
    // Recreate waits for the old pods to be gone before it starts the new ones.
    if (d && d.spec?.strategy?.type === 'Recreate') this.queue.add(objKey(d));
  }

  // ---- sync ----

  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.deployments.get(name, namespace);
    if (!cached) return;
    const d = clone(cached);
    const sel = d.spec?.selector;
    if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) {
      this.recorder.event(this.ref(d), 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        d.status = { ...(d.status ?? {}), observedGeneration: d.metadata?.generation };
        await this.updateStatus(d);
      }
      return;
    }
    const rsList = await this.claimReplicaSets(d);
    if (d.metadata?.deletionTimestamp) {
      const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
      await this.syncDeploymentStatus([...oldRSs, newRS], newRS, d);
      return;
    }
    await this.checkPausedConditions(d);
    if (d.spec?.paused) {
      await this.syncScale(d, rsList);
      return;
    }
    if (await this.isScalingEvent(d, rsList)) {
      await this.syncScale(d, rsList);
      return;
    }
    if (d.spec?.strategy?.type === 'Recreate') await this.rolloutRecreate(d, rsList);
    else await this.rolloutRolling(d, rsList);
  }

  private ref(d: V1Deployment) {
    return objectRef(d, REF);
  }

  /** getReplicaSetsForDeployment: adopt matching orphans, release sets that stopped matching. */
  private async claimReplicaSets(d: V1Deployment): Promise<V1ReplicaSet[]> {
    const namespace = d.metadata?.namespace ?? '';
    const claimed = await claimObjects(
      this.sets.list(namespace),
      {
        clients: this.clients,
        owner: d,
        ownerRef: controllerRefFor(d, REF.apiVersion, REF.kind),
        selector: selectorOf(d),
        recheck: () => this.clients.apps.readNamespacedDeployment({ namespace, name: d.metadata?.name ?? '' }),
      },
      (ns, name, body) => this.clients.apps.patchNamespacedReplicaSet({ namespace: ns, name, body }, STRATEGIC_MERGE_PATCH),
    );
    return claimed.map(clone);
  }

  private async updateStatus(d: V1Deployment): Promise<V1Deployment> {
    const updated = await this.clients.apps.replaceNamespacedDeploymentStatus({ namespace: d.metadata!.namespace!, name: d.metadata!.name!, body: d });
    // Later writes of this sync go on top of this one.
    d.metadata!.resourceVersion = updated.metadata?.resourceVersion;
    return updated;
  }

  private async checkPausedConditions(d: V1Deployment): Promise<void> {
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, 'Progressing');
    if (cond?.reason === REASON.timedOut) return;
    const pausedCond = cond?.reason === REASON.paused;
    d.status ??= {};
    if (d.spec?.paused && !pausedCond) setCondition(d.status, newCondition('Progressing', 'Unknown', REASON.paused, 'Deployment is paused'));
    else if (!d.spec?.paused && pausedCond) setCondition(d.status, newCondition('Progressing', 'Unknown', REASON.resumed, 'Deployment is resumed'));
    else return;
    await this.updateStatus(d);
  }

  private async getAllReplicaSetsAndSyncRevision(
    d: V1Deployment,
    rsList: V1ReplicaSet[],
    create: boolean,
  ): Promise<{ newRS: V1ReplicaSet | undefined; oldRSs: V1ReplicaSet[] }> {
    const { all } = findOldReplicaSets(d, rsList);
    const newRS = await this.getNewReplicaSet(d, rsList, all, create);
    return { newRS, oldRSs: all };
  }

  private async getNewReplicaSet(d: V1Deployment, rsList: V1ReplicaSet[], oldRSs: V1ReplicaSet[], create: boolean): Promise<V1ReplicaSet | undefined> {
    const namespace = d.metadata?.namespace ?? '';
    const existing = findNewReplicaSet(d, rsList);
    const newRevision = String(maxRevision(oldRSs) + 1);
    d.status ??= {};
    if (existing) {
      const rsCopy = clone(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(d, rsCopy, newRevision, true);
      const minReadyChanged = (rsCopy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
      if (annotationsUpdated || minReadyChanged) {
        rsCopy.spec!.minReadySeconds = d.spec?.minReadySeconds;
        return this.replaceSet(rsCopy);
      }
      let needsUpdate = this.setDeploymentRevision(d, rsCopy.metadata?.annotations?.[REVISION_ANNOTATION] ?? '');
      if (hasProgressDeadline(d) && !getCondition(d.status, 'Progressing')) {
        setCondition(d.status, newCondition('Progressing', 'True', REASON.foundNewRS, `Found new replica set "${rsCopy.metadata?.name}"`));
        needsUpdate = true;
      }
      if (needsUpdate) await this.updateStatus(d);
      return rsCopy;
    }
    if (!create) return undefined;

    const template = clone(d.spec!.template);
    const hash = computeHash(template, d.status.collisionCount);
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const selector = clone(d.spec!.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const newRS: V1ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata?.name}-${hash}`,
        namespace,
        ownerReferences: [controllerRefFor(d, REF.apiVersion, REF.kind)],
        labels: { ...template.metadata.labels },
      },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds, selector, template },
    };
    const count = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
    newRS.spec!.replicas = count;
    setNewReplicaSetAnnotations(d, newRS, newRevision, false);
    let createdRS: V1ReplicaSet;
    let alreadyExists = false;
    try {
      createdRS = await this.clients.apps.createNamespacedReplicaSet({ namespace, body: newRS });
    } catch (err) {
      if (statusCode(err) === 409) {
        const found = this.sets.get(newRS.metadata!.name!, namespace) ?? (await this.clients.apps.readNamespacedReplicaSet({ namespace, name: newRS.metadata!.name! }));
        const ref = controllerOf(found);
        if (ref?.uid === d.metadata?.uid && equalIgnoreHash(d.spec?.template, found.spec?.template)) {
          createdRS = clone(found);
          alreadyExists = true;
        } else {
          // A hash collision: the next sync hashes with a higher collisionCount.
          d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
          await this.updateStatus(d).catch(() => undefined);
          throw err;
        }
      } else {
        const msg = `Failed to create new replica set "${newRS.metadata!.name}": ${errorMessage(err)}`;
        if (hasProgressDeadline(d)) {
          setCondition(d.status, newCondition('Progressing', 'False', REASON.failedRSCreate, msg));
          await this.updateStatus(d).catch(() => undefined);
        }
        this.recorder.event(this.ref(d), 'Warning', REASON.failedRSCreate, msg);
        throw err;
      }
    }
    if (!alreadyExists && count > 0) {
      this.recorder.event(this.ref(d), 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${createdRS.metadata?.name} from 0 to ${count}`);
    }
    let needsUpdate = this.setDeploymentRevision(d, newRevision);
    if (!alreadyExists && hasProgressDeadline(d)) {
      setCondition(d.status, newCondition('Progressing', 'True', REASON.newReplicaSet, `Created new replica set "${createdRS.metadata?.name}"`));
      needsUpdate = true;
    }
    if (needsUpdate) await this.updateStatus(d);
    return createdRS;
  }

  private setDeploymentRevision(d: V1Deployment, revision: string): boolean {
    d.metadata ??= {};
    const ann = (d.metadata.annotations ??= {});
    if (ann[REVISION_ANNOTATION] === revision) return false;
    ann[REVISION_ANNOTATION] = revision;
    return true;
  }

  private async replaceSet(rs: V1ReplicaSet): Promise<V1ReplicaSet> {
    return clone(await this.clients.apps.replaceNamespacedReplicaSet({ namespace: rs.metadata!.namespace!, name: rs.metadata!.name!, body: rs }));
  }

  private async isScalingEvent(d: V1Deployment, rsList: V1ReplicaSet[]): Promise<boolean> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    for (const rs of filterActive([...oldRSs, newRS])) {
      const raw = rs.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas'];
      if (raw === undefined || !/^\d+$/.test(raw)) continue;
      if (Number(raw) !== deploymentReplicas(d)) return true;
    }
    return false;
  }

  /** sync: scale only (paused deployments and replica changes), then status. */
  private async syncScale(d: V1Deployment, rsList: V1ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    await this.scale(d, newRS, oldRSs);
    if (d.spec?.paused) await this.cleanupDeployment(oldRSs, d);
    await this.syncDeploymentStatus([...oldRSs, newRS], newRS, d);
  }

  private async scale(d: V1Deployment, newRS: V1ReplicaSet | undefined, oldRSs: V1ReplicaSet[]): Promise<void> {
    const desired = deploymentReplicas(d);
    const activeOrLatest = this.findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest) {
      if (replicasOf(activeOrLatest) === desired) return;
      await this.scaleAndRecord(activeOrLatest, desired, d);
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of filterActive(oldRSs)) await this.scaleAndRecord(old, 0, d);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const all = filterActive([...oldRSs, newRS]);
    const allReplicas = totalReplicas(all);
    const allowed = desired > 0 ? desired + maxSurge(d) : 0;
    const toAdd = allowed - allReplicas;
    // Larger sets first; among equals newer first when growing, older first when shrinking.
    if (toAdd > 0) all.sort(bySizeNewer);
    else if (toAdd < 0) all.sort(bySizeOlder);
    let added = 0;
    const sizes = new Map<string, number>();
    for (const rs of all) {
      if (toAdd !== 0) {
        const p = proportion(rs, d, toAdd, added);
        sizes.set(rs.metadata!.name!, replicasOf(rs) + p);
        added += p;
      } else sizes.set(rs.metadata!.name!, replicasOf(rs));
    }
    for (let i = 0; i < all.length; i++) {
      const rs = all[i]!;
      const name = rs.metadata!.name!;
      if (i === 0 && toAdd !== 0) sizes.set(name, Math.max(0, sizes.get(name)! + toAdd - added));
      await this.scaleSet(rs, sizes.get(name)!, d);
    }
  }

  private findActiveOrLatest(newRS: V1ReplicaSet | undefined, oldRSs: V1ReplicaSet[]): V1ReplicaSet | undefined {
    if (!newRS && oldRSs.length === 0) return undefined;
    const sortedOld = [...oldRSs].sort(byCreation).reverse();
    const active = filterActive([...sortedOld, newRS]);
    if (active.length === 0) return newRS ?? sortedOld[0];
    if (active.length === 1) return active[0];
    return undefined;
  }

  /** scaleReplicaSetAndRecordEvent */
  private async scaleAndRecord(rs: V1ReplicaSet, newScale: number, d: V1Deployment): Promise<{ scaled: boolean; rs: V1ReplicaSet }> {
    if (replicasOf(rs) === newScale) return { scaled: false, rs };
    return this.scaleSet(rs, newScale, d);
  }

  /** scaleReplicaSet: new size and replica annotations, with the ScalingReplicaSet event. */
  private async scaleSet(rs: V1ReplicaSet, newScale: number, d: V1Deployment): Promise<{ scaled: boolean; rs: V1ReplicaSet }> {
    const desired = deploymentReplicas(d);
    const max = desired + maxSurge(d);
    const sizeChanged = replicasOf(rs) !== newScale;
    if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const oldScale = replicasOf(rs);
    const copy = clone(rs);
    copy.spec!.replicas = newScale;
    setReplicasAnnotations(copy, desired, max);
    const updated = await this.replaceSet(copy);
    if (sizeChanged) {
      // Recent upstream names the direction from the sizes, whatever the caller's scaling operation.
      const dir = oldScale < newScale ? 'up' : 'down';
      this.recorder.event(this.ref(d), 'Normal', 'ScalingReplicaSet', `Scaled ${dir} replica set ${updated.metadata?.name} from ${oldScale} to ${newScale}`);
    }
    return { scaled: sizeChanged, rs: updated };
  }

  // ---- rolling update ----

  private async rolloutRolling(d: V1Deployment, rsList: V1ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(d, rsList, true);
    const all = [...oldRSs, newRS!];
    if (await this.reconcileNewReplicaSet(all, newRS!, d)) {
      await this.syncRolloutStatus(all, newRS, d);
      return;
    }
    if (await this.reconcileOldReplicaSets(all, filterActive(oldRSs), newRS!, d)) {
      await this.syncRolloutStatus(all, newRS, d);
      return;
    }
    if (deploymentComplete(d, d.status ?? {})) await this.cleanupDeployment(oldRSs, d);
    await this.syncRolloutStatus(all, newRS, d);
  }

  private async reconcileNewReplicaSet(all: V1ReplicaSet[], newRS: V1ReplicaSet, d: V1Deployment): Promise<boolean> {
    const desired = deploymentReplicas(d);
    if (replicasOf(newRS) === desired) return false;
    if (replicasOf(newRS) > desired) return (await this.scaleAndRecord(newRS, desired, d)).scaled;
    return (await this.scaleAndRecord(newRS, newRSNewReplicas(d, all, newRS), d)).scaled;
  }

  /**
   * Available replicas of sets for scale-down decisions. A set whose spec was just lowered still
   * reports its old count until its controller catches up; counting at most spec.replicas keeps a
   * second sync from scaling down again on that stale number (upstream sums status alone).
   */
  private availableForScaleDown(sets: V1ReplicaSet[]): number {
    return sets.reduce((n, s) => n + Math.min(s.status?.availableReplicas ?? 0, replicasOf(s)), 0);
  }

  private async reconcileOldReplicaSets(all: V1ReplicaSet[], oldRSs: V1ReplicaSet[], newRS: V1ReplicaSet, d: V1Deployment): Promise<boolean> {
    const oldPods = totalReplicas(oldRSs);
    if (oldPods === 0) return false;
    const allPods = totalReplicas(all);
    const minAvailable = deploymentReplicas(d) - maxUnavailable(d);
    const newUnavailable = replicasOf(newRS) - Math.min(newRS.status?.availableReplicas ?? 0, replicasOf(newRS));
    const maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    const cleaned = await this.cleanupUnhealthyReplicas(oldRSs, d, maxScaledDown);
    const scaledDown = await this.scaleDownOldReplicaSetsForRollingUpdate([...cleaned.sets, newRS], cleaned.sets, d);
    return cleaned.count + scaledDown > 0;
  }

  private async cleanupUnhealthyReplicas(oldRSs: V1ReplicaSet[], d: V1Deployment, maxCleanup: number): Promise<{ sets: V1ReplicaSet[]; count: number }> {
    const sets = [...oldRSs].sort(byCreation);
    let total = 0;
    for (let i = 0; i < sets.length; i++) {
      const rs = sets[i]!;
      if (total >= maxCleanup) break;
      if (replicasOf(rs) === 0) continue;
      const available = rs.status?.availableReplicas ?? 0;
      if (replicasOf(rs) === available) continue;
      const n = Math.min(maxCleanup - total, replicasOf(rs) - available);
      const newCount = replicasOf(rs) - n;
      if (newCount > replicasOf(rs)) throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${objKey(rs)} ${replicasOf(rs)} -> ${newCount}`);
      const r = await this.scaleAndRecord(rs, newCount, d);
      total += n;
      sets[i] = r.rs;
    }
    return { sets, count: total };
  }

  private async scaleDownOldReplicaSetsForRollingUpdate(all: V1ReplicaSet[], oldRSs: V1ReplicaSet[], d: V1Deployment): Promise<number> {
    const minAvailable = deploymentReplicas(d) - maxUnavailable(d);
    const available = this.availableForScaleDown(all);
    if (available <= minAvailable) return 0;
    const sets = [...oldRSs].sort(byCreation);
    let total = 0;
    const target = available - minAvailable;
    for (const rs of sets) {
      if (total >= target) break;
      if (replicasOf(rs) === 0) continue;
      const n = Math.min(replicasOf(rs), target - total);
      await this.scaleAndRecord(rs, replicasOf(rs) - n, d);
      total += n;
    }
    return total;
  }

  // ---- recreate ----

  private async rolloutRecreate(d: V1Deployment, rsList: V1ReplicaSet[]): Promise<void> {
    let { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    let all: (V1ReplicaSet | undefined)[] = [...oldRSs, newRS];
    let scaledDown = false;
    for (const rs of filterActive(oldRSs)) {
      if ((await this.scaleAndRecord(rs, 0, d)).scaled) scaledDown = true;
    }
    if (scaledDown) {
      await this.syncRolloutStatus(all, newRS, d);
      return;
    }
    if (this.oldPodsRunning(newRS, oldRSs, d)) {
      await this.syncRolloutStatus(all, newRS, d);
      return;
    }
    if (!newRS) {
      ({ newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(d, rsList, true));
      all = [...oldRSs, newRS];
    }
    await this.scaleAndRecord(newRS!, deploymentReplicas(d), d);
    if (deploymentComplete(d, d.status ?? {})) await this.cleanupDeployment(oldRSs, d);
    await this.syncRolloutStatus(all, newRS, d);
  }

  private oldPodsRunning(newRS: V1ReplicaSet | undefined, oldRSs: V1ReplicaSet[], d: V1Deployment): boolean {
    if (actualReplicas(oldRSs) > 0) return true;
    const oldUIDs = new Set(oldRSs.map((s) => s.metadata?.uid));
    const sel = selectorOf(d);
    for (const p of this.pods.list(d.metadata?.namespace)) {
      const ref = controllerOf(p);
      if (!ref || !oldUIDs.has(ref.uid) || ref.uid === newRS?.metadata?.uid || !sel.matches(p.metadata?.labels)) continue;
      if (p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded') continue;
      return true;
    }
    return false;
  }

  // ---- cleanup and status ----

  private async cleanupDeployment(oldRSs: V1ReplicaSet[], d: V1Deployment): Promise<void> {
    if (!hasRevisionHistoryLimit(d)) return;
    const cleanable = oldRSs.filter((s) => !s.metadata?.deletionTimestamp).sort(byRevision);
    const diff = cleanable.length - (d.spec!.revisionHistoryLimit ?? 0);
    if (diff <= 0) return;
    for (let i = 0; i < diff; i++) {
      const rs = cleanable[i]!;
      if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.clients.apps.deleteNamespacedReplicaSet({ namespace: rs.metadata!.namespace!, name: rs.metadata!.name! });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  private calculateStatus(all: (V1ReplicaSet | undefined)[], newRS: V1ReplicaSet | undefined, d: V1Deployment): V1DeploymentStatus {
    const available = availableReplicas(all);
    const total = totalReplicas(all);
    const status: V1DeploymentStatus = {
      observedGeneration: d.metadata?.generation,
      replicas: actualReplicas(all),
      updatedReplicas: actualReplicas([newRS]),
      readyReplicas: readyReplicas(all),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, total - available),
    };
    if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
    status.conditions = [...(d.status?.conditions ?? [])].map(clone);
    if (available >= deploymentReplicas(d) - maxUnavailable(d)) {
      setCondition(status, newCondition('Available', 'True', REASON.minimumReplicasAvailable, 'Deployment has minimum availability.'));
    } else {
      setCondition(status, newCondition('Available', 'False', REASON.minimumReplicasUnavailable, 'Deployment does not have minimum availability.'));
    }
    return status;
  }

  private statusEqual(a: V1DeploymentStatus | undefined, b: V1DeploymentStatus): boolean {
    const norm = (s: V1DeploymentStatus | undefined) =>
      JSON.stringify({
        observedGeneration: s?.observedGeneration ?? 0,
        replicas: s?.replicas ?? 0,
        updatedReplicas: s?.updatedReplicas ?? 0,
        readyReplicas: s?.readyReplicas ?? 0,
        availableReplicas: s?.availableReplicas ?? 0,
        unavailableReplicas: s?.unavailableReplicas ?? 0,
        collisionCount: s?.collisionCount ?? null,
        conditions: (s?.conditions ?? []).map((c: V1DeploymentCondition) => ({
          type: c.type,
          status: c.status,
          reason: c.reason,
          message: c.message,
          u: c.lastUpdateTime ? new Date(c.lastUpdateTime).getTime() : 0,
          t: c.lastTransitionTime ? new Date(c.lastTransitionTime).getTime() : 0,
        })),
      });
    return norm(a) === norm(b);
  }

  private async syncDeploymentStatus(all: (V1ReplicaSet | undefined)[], newRS: V1ReplicaSet | undefined, d: V1Deployment): Promise<void> {
    const status = this.calculateStatus(all, newRS, d);
    if (this.statusEqual(d.status, status)) return;
    d.status = status;
    await this.updateStatus(d);
  }

  private async syncRolloutStatus(all: (V1ReplicaSet | undefined)[], newRS: V1ReplicaSet | undefined, d: V1Deployment): Promise<void> {
    const status = this.calculateStatus(all, newRS, d);
    if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
    const current = getCondition(d.status, 'Progressing');
    const complete = status.replicas === status.updatedReplicas && current?.reason === REASON.newRSAvailable;
    const rsName = newRS?.metadata?.name ?? '';
    if (hasProgressDeadline(d) && !complete) {
      if (deploymentComplete(d, status)) {
        setCondition(status, newCondition('Progressing', 'True', REASON.newRSAvailable, newRS ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${d.metadata?.name}" has successfully progressed.`));
      } else if (deploymentProgressing(d, status)) {
        const cond = newCondition('Progressing', 'True', REASON.replicaSetUpdated, newRS ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata?.name}" is progressing.`);
        if (current) {
          if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
          removeCondition(status, 'Progressing');
        }
        setCondition(status, cond);
      } else if (deploymentTimedOut(d, status)) {
        setCondition(status, newCondition('Progressing', 'False', REASON.timedOut, newRS ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata?.name}" has timed out progressing.`));
      }
    }
    const failure = this.replicaFailure(all, newRS);
    if (failure) setCondition(status, failure);
    else removeCondition(status, 'ReplicaFailure');
    if (this.statusEqual(d.status, status)) {
      this.requeueStuckDeployment(d, status);
      return;
    }
    d.status = status;
    await this.updateStatus(d);
  }

  private replicaFailure(all: (V1ReplicaSet | undefined)[], newRS: V1ReplicaSet | undefined): V1DeploymentCondition | undefined {
    for (const rs of [newRS, ...all]) {
      const c = rs?.status?.conditions?.find((x) => x.type === 'ReplicaFailure');
      if (c) {
        return { type: 'ReplicaFailure', status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
      }
    }
    return undefined;
  }

  /** requeueStuckDeployment: come back when the progress deadline would pass. */
  private requeueStuckDeployment(d: V1Deployment, status: V1DeploymentStatus): void {
    const cur = getCondition(d.status, 'Progressing');
    if (!hasProgressDeadline(d) || !cur) return;
    if (deploymentComplete(d, status) || cur.reason === REASON.timedOut) return;
    const after = conditionUpdateMs(cur) + d.spec!.progressDeadlineSeconds! * 1000 - Date.now();
    const key = objKey(d);
    // Upstream requeues rate-limited when less than a second is left; the queue forgets a key's
    // failures after each successful sync, so wait out the remainder instead.
    // Otherwise a second later than due, as upstream (against clock skew in AddAfter).
    this.queue.addAfter(key, after < 1000 ? Math.max(after, 0) + 50 : after + 1000);
  }
}

export const newDeploymentController = (ctx: ControllerContext): Controller => new DeploymentController(ctx);
