// The ReplicaSet and ReplicationController controllers (kube-controller-manager pkg/controller/replicaset;
// the replication controller is the same code behind an adapter, as upstream's pkg/controller/replication).
//
// Each sync compares the active pods the set controls (claiming matching orphans, releasing pods that
// stopped matching) with spec.replicas, creates the missing ones in slow-start batches (1, 2, 4, …) or
// deletes the surplus, most expendable first (unscheduled, pending, not ready, doubled-up, newest), and
// writes status. Expectations hold the next sync back until the informer has seen every create and
// delete asked for, so watch lag never causes a second round of creations.
import type { V1LabelSelector, V1ObjectMeta, V1Pod, V1PodTemplateSpec, V1ReplicaSet, V1ReplicationController } from '@kubernetes/client-node';
import { type Clients, describeError, isNotFound } from '../client/clients.ts';
import { EventRecorder } from '../client/events.ts';
import type { Informer } from '../client/informer.ts';
import { WorkQueue } from '../client/workqueue.ts';
import { type LabelSelector, labelSelectorFromSpec, nothingLabels } from '../selectors/labels.ts';
import type { Controller, ControllerContext } from './controller.ts';
import { ControllerExpectations } from './expectations.ts';
import {
  PodControl,
  claimObjects,
  controllerOf,
  controllerRefFor,
  errorMessage,
  isPodActive,
  isPodAvailable,
  isPodReady,
  objKey,
  patchPod,
  podsToDelete,
  slowStartBatch,
  splitKey,
} from './pod-control.ts';

/** BurstReplicas: at most this many creations or deletions per sync. */
export const BURST_REPLICAS = 500;

interface SetCondition {
  type: string;
  status: string;
  lastTransitionTime?: Date;
  reason?: string;
  message?: string;
}

interface SetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: SetCondition[];
}

/** A ReplicaSet or a ReplicationController, seen through the fields the controller uses. */
type SetObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: { replicas?: number; minReadySeconds?: number; template?: V1PodTemplateSpec; selector?: unknown };
  status?: SetStatus;
};

/** What differs between the two kinds (upstream's conversion adapter). */
interface Adapter {
  name: string;
  component: string;
  kind: string;
  apiVersion: string;
  resource: 'replicasets' | 'replicationcontrollers';
  selector(obj: SetObject): LabelSelector;
  read(c: Clients, namespace: string, name: string): Promise<SetObject>;
  updateStatus(c: Clients, obj: SetObject): Promise<SetObject>;
}

const RS_ADAPTER: Adapter = {
  name: 'replicaset',
  component: 'replicaset-controller',
  kind: 'ReplicaSet',
  apiVersion: 'apps/v1',
  resource: 'replicasets',
  selector: (obj) => {
    try {
      return labelSelectorFromSpec(obj.spec?.selector as V1LabelSelector | undefined);
    } catch {
      return nothingLabels();
    }
  },
  read: (c, namespace, name) => c.apps.readNamespacedReplicaSet({ namespace, name }) as Promise<SetObject>,
  updateStatus: (c, obj) =>
    c.apps.replaceNamespacedReplicaSetStatus({ namespace: obj.metadata!.namespace!, name: obj.metadata!.name!, body: obj as V1ReplicaSet }) as Promise<SetObject>,
};

const RC_ADAPTER: Adapter = {
  name: 'replication',
  component: 'replication-controller',
  kind: 'ReplicationController',
  apiVersion: 'v1',
  resource: 'replicationcontrollers',
  selector: (obj) => {
    const sel = obj.spec?.selector as Record<string, string> | undefined;
    try {
      return labelSelectorFromSpec({ matchLabels: sel ?? {} });
    } catch {
      return nothingLabels();
    }
  },
  read: (c, namespace, name) => c.core.readNamespacedReplicationController({ namespace, name }) as Promise<SetObject>,
  updateStatus: (c, obj) =>
    c.core.replaceNamespacedReplicationControllerStatus({
      namespace: obj.metadata!.namespace!,
      name: obj.metadata!.name!,
      body: obj as V1ReplicationController,
    }) as Promise<SetObject>,
};

export class ReplicaSetController implements Controller {
  private readonly clients: Clients;
  private readonly sets: Informer<SetObject>;
  private readonly pods: Informer<V1Pod>;
  private readonly queue: WorkQueue<string>;
  private readonly expectations = new ControllerExpectations();
  private readonly recorder: EventRecorder;
  private readonly podControl: PodControl;
  private readonly log: (line: string) => void;
  /** The controlling set and labels each pod had when last seen (the informer hands over no old object). */
  private readonly lastSeen = new Map<string, { owner?: string; labels: string }>();
  private running?: Promise<void>;

  constructor(
    ctx: ControllerContext,
    private readonly adapter: Adapter,
    private readonly workers = 5,
  ) {
    this.clients = ctx.clients;
    this.log = ctx.log;
    // Upstream's queue names: the ReplicationController one is the replication manager's.
    this.queue = new WorkQueue<string>({ name: adapter.resource === 'replicasets' ? 'replicaset' : 'replicationmanager' });
    this.sets = ctx.informers.get(adapter.resource) as unknown as Informer<SetObject>;
    this.pods = ctx.informers.get('pods');
    this.recorder = new EventRecorder(ctx.clients.core, { component: adapter.component, style: 'legacy' });
    this.podControl = new PodControl(ctx.clients, this.recorder);

    this.sets.on('add', (s) => this.queue.add(objKey(s)));
    this.sets.on('update', (s) => this.queue.add(objKey(s)));
    this.sets.on('delete', (s) => {
      this.expectations.delete(objKey(s));
      this.queue.add(objKey(s));
    });
    this.pods.on('add', (p) => this.addPod(p));
    this.pods.on('update', (p) => this.updatePod(p));
    this.pods.on('delete', (p) => this.deletePod(p));
  }

  async start(): Promise<void> {
    for (const s of this.sets.list()) this.queue.add(objKey(s));
    this.running = this.queue.run(this.workers, (key) => this.sync(key), (key, err) => this.log(`${this.adapter.component}: sync ${key}: ${describeError(err)}`));
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
    await this.recorder.close();
  }

  // ---- event handlers ----

  /** resolveControllerRef: the set a controllerRef points at, if it exists with that UID. */
  private resolve(namespace: string, ref: { kind?: string; name?: string; uid?: string } | undefined): SetObject | undefined {
    if (!ref || ref.kind !== this.adapter.kind) return undefined;
    const s = this.sets.get(ref.name ?? '', namespace);
    return s && s.metadata?.uid === ref.uid ? s : undefined;
  }

  /** getPodReplicaSets: the sets whose (non-empty) selector matches an orphan pod. */
  private setsMatching(pod: V1Pod): SetObject[] {
    return this.sets.list(pod.metadata?.namespace).filter((s) => {
      const sel = this.adapter.selector(s);
      return !sel.empty() && sel.matches(pod.metadata?.labels);
    });
  }

  private remember(pod: V1Pod, owner: string | undefined): void {
    this.lastSeen.set(objKey(pod), { owner, labels: JSON.stringify(pod.metadata?.labels ?? {}) });
  }

  private addPod(pod: V1Pod): void {
    if (pod.metadata?.deletionTimestamp) {
      this.deletePod(pod);
      return;
    }
    const owner = this.resolve(pod.metadata?.namespace ?? '', controllerOf(pod));
    if (owner) {
      const key = objKey(owner);
      this.remember(pod, key);
      this.expectations.creationObserved(key);
      this.queue.add(key);
      return;
    }
    this.remember(pod, undefined);
    if (controllerOf(pod)) return;
    for (const s of this.setsMatching(pod)) this.queue.add(objKey(s));
  }

  private updatePod(pod: V1Pod): void {
    const podKey = objKey(pod);
    const before = this.lastSeen.get(podKey);
    const labelsChanged = before?.labels !== JSON.stringify(pod.metadata?.labels ?? {});
    const ref = controllerOf(pod);
    const owner = this.resolve(pod.metadata?.namespace ?? '', ref);
    const key = owner ? objKey(owner) : undefined;
    if (pod.metadata?.deletionTimestamp) {
      // The kubelet will delete it after its grace period; count it as gone now, as upstream does.
      this.deletePod(pod);
      if (before?.owner && before.owner !== key) this.deleteObserved(before.owner, podKey);
      return;
    }
    this.remember(pod, key);
    if (before?.owner && before.owner !== key) this.queue.add(before.owner);
    if (owner) {
      this.queue.add(key!);
      const minReady = owner.spec?.minReadySeconds ?? 0;
      if (minReady > 0 && isPodReady(pod)) this.queue.addAfter(key!, minReady * 1000 + 100);
      return;
    }
    if (!ref && (labelsChanged || before?.owner)) for (const s of this.setsMatching(pod)) this.queue.add(objKey(s));
  }

  private deleteObserved(setKey: string, podKey: string): void {
    this.expectations.deletionObserved(setKey, podKey);
    this.queue.add(setKey);
  }

  private deletePod(pod: V1Pod): void {
    const podKey = objKey(pod);
    const before = this.lastSeen.get(podKey);
    if (!pod.metadata?.deletionTimestamp) this.lastSeen.delete(podKey);
    const owner = this.resolve(pod.metadata?.namespace ?? '', controllerOf(pod));
    if (owner) this.deleteObserved(objKey(owner), podKey);
    else if (before?.owner) this.deleteObserved(before.owner, podKey);
  }

  // ---- sync ----

  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const set = this.sets.get(name, namespace);
    if (!set) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const selector = this.adapter.selector(set);
    const active = this.pods.list(namespace).filter(isPodActive);
    const ownerRef = controllerRefFor(set, this.adapter.apiVersion, this.adapter.kind);
    const filtered = await claimObjects(
      active,
      {
        clients: this.clients,
        owner: set,
        ownerRef,
        selector,
        recheck: async () => {
          const fresh = await this.adapter.read(this.clients, namespace, name);
          return fresh;
        },
      },
      patchPod(this.clients),
    );
    let manageErr: unknown;
    if (needsSync && !set.metadata?.deletionTimestamp) {
      try {
        await this.manageReplicas(key, filtered, set);
      } catch (err) {
        manageErr = err;
      }
    }
    const status = this.calculateStatus(set, filtered, manageErr);
    const updated = await this.updateStatus(set, status);
    const minReady = set.spec?.minReadySeconds ?? 0;
    const replicas = set.spec?.replicas ?? 1;
    if (
      manageErr === undefined &&
      minReady > 0 &&
      (updated.status?.readyReplicas ?? 0) === replicas &&
      (updated.status?.availableReplicas ?? 0) !== replicas
    ) {
      this.queue.addAfter(key, minReady * 1000);
    }
    if (manageErr !== undefined) throw manageErr;
  }

  private async manageReplicas(key: string, filtered: V1Pod[], set: SetObject): Promise<void> {
    const replicas = set.spec?.replicas ?? 1;
    const namespace = set.metadata?.namespace ?? '';
    let diff = filtered.length - replicas;
    const ref = { apiVersion: this.adapter.apiVersion, kind: this.adapter.kind };
    if (diff < 0) {
      diff = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expectCreations(key, diff);
      const ownerRef = controllerRefFor(set, this.adapter.apiVersion, this.adapter.kind);
      const { successes, error } = await slowStartBatch(diff, 1, async () => {
        await this.podControl.createPod(namespace, set.spec?.template ?? {}, set, ownerRef, ref);
      });
      const skipped = diff - successes;
      if (skipped > 0) this.expectations.lowerCreations(key, skipped);
      if (error !== undefined) throw error;
      return;
    }
    if (diff > 0) {
      diff = Math.min(diff, BURST_REPLICAS);
      const victims = podsToDelete(filtered, this.relatedPods(set, filtered), diff);
      const podKeys = victims.map(objKey);
      this.expectations.expectDeletions(key, podKeys);
      const results = await Promise.allSettled(
        victims.map(async (p) => {
          try {
            const deleted = await this.podControl.deletePod(namespace, p.metadata?.name ?? '', set, ref);
            if (!deleted) this.expectations.deletionObserved(key, objKey(p));
          } catch (err) {
            this.expectations.deletionObserved(key, objKey(p));
            throw err;
          }
        }),
      );
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
      if (failed) throw failed.reason;
    }
  }

  /** getIndirectlyRelatedPods: the pods of every set sharing this set's controller (a Deployment's sets). */
  private relatedPods(set: SetObject, own: V1Pod[]): V1Pod[] {
    const parent = controllerOf(set);
    if (!parent) return own;
    const siblings = new Set(
      this.sets
        .list(set.metadata?.namespace)
        .filter((s) => controllerOf(s)?.uid === parent.uid)
        .map((s) => s.metadata?.uid),
    );
    return this.pods.list(set.metadata?.namespace).filter((p) => {
      const r = controllerOf(p);
      return r && r.kind === this.adapter.kind && siblings.has(r.uid);
    });
  }

  private calculateStatus(set: SetObject, filtered: V1Pod[], manageErr: unknown): SetStatus {
    const templateLabels = set.spec?.template?.metadata?.labels ?? {};
    const minReady = set.spec?.minReadySeconds ?? 0;
    const now = Date.now();
    let fullyLabeled = 0;
    let ready = 0;
    let available = 0;
    for (const p of filtered) {
      const labels = p.metadata?.labels ?? {};
      if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
      if (isPodReady(p)) {
        ready++;
        if (isPodAvailable(p, minReady, now)) available++;
      }
    }
    const conditions = [...(set.status?.conditions ?? [])];
    const failureAt = conditions.findIndex((c) => c.type === 'ReplicaFailure');
    if (manageErr !== undefined && failureAt < 0) {
      const diff = filtered.length - (set.spec?.replicas ?? 1);
      const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
      conditions.push({ type: 'ReplicaFailure', status: 'True', lastTransitionTime: new Date(), reason, message: errorMessage(manageErr) });
    } else if (manageErr === undefined && failureAt >= 0) {
      conditions.splice(failureAt, 1);
    }
    const status: SetStatus = {
      replicas: filtered.length,
      fullyLabeledReplicas: fullyLabeled,
      readyReplicas: ready,
      availableReplicas: available,
      observedGeneration: set.status?.observedGeneration,
    };
    if (conditions.length) status.conditions = conditions;
    return status;
  }

  private async updateStatus(set: SetObject, status: SetStatus): Promise<SetObject> {
    const cur = set.status ?? { replicas: 0 };
    const sameConditions = JSON.stringify(cur.conditions ?? []) === JSON.stringify(status.conditions ?? []);
    if (
      (cur.replicas ?? 0) === status.replicas &&
      (cur.fullyLabeledReplicas ?? 0) === status.fullyLabeledReplicas &&
      (cur.readyReplicas ?? 0) === status.readyReplicas &&
      (cur.availableReplicas ?? 0) === status.availableReplicas &&
      set.metadata?.generation === cur.observedGeneration &&
      sameConditions
    ) {
      return set;
    }
    status.observedGeneration = set.metadata?.generation;
    let obj: SetObject = structuredClone(set);
    for (let attempt = 0; ; attempt++) {
      obj.status = status;
      try {
        return await this.adapter.updateStatus(this.clients, obj);
      } catch (err) {
        if (isNotFound(err) || attempt >= 1) throw err;
        // statusUpdateRetries = 1: read the latest and try once more.
        const { namespace, name } = splitKey(objKey(set));
        obj = await this.adapter.read(this.clients, namespace, name);
      }
    }
  }
}

export const newReplicaSetController = (ctx: ControllerContext): Controller => new ReplicaSetController(ctx, RS_ADAPTER);
export const newReplicationControllerController = (ctx: ControllerContext): Controller => new ReplicaSetController(ctx, RC_ADAPTER);
