// The garbage collector (kube-controller-manager's garbagecollector): an ownerReferences graph over
// every served resource but events (upstream's default ignored resources) — the shared informers of
// src/client/shared-informers.ts, plus monitors started from discovery for the rest (custom
// resources; GarbageCollector.Sync) — kept by the informer events
// (graph_builder.go), and two work queues acted on through the API (garbagecollector.go):
//  - attemptToDelete: an object whose owners may all be gone is deleted (with the propagation its own
//    finalizers ask for, Background otherwise) once every owner reference is verified dangling (owner
//    absent or uid mismatch, looked up at the server); references to owners waiting for their
//    dependents (foregroundDeletion) are removed if the object has another live owner; an owner being
//    deleted in the foreground loses its `foregroundDeletion` finalizer once no dependent with
//    blockOwnerDeletion remains, and its dependents are deleted (in the foreground if they have
//    dependents themselves);
//  - attemptToOrphan: an owner deleted with the `orphan` finalizer has its reference removed from every
//    dependent, then the finalizer.
// Owners not seen yet are virtual nodes, verified at the server; a namespaced dependent's namespaced
// owner must be in its namespace (otherwise it is absent and an OwnerRefInvalidNamespace event says
// so); a cluster-scoped dependent naming a namespaced kind is never collected.
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { Informer } from '../client/informer.ts';
import { describeError, isConflict, isNotFound } from '../client/clients.ts';
import { EventRecorder } from '../client/events.ts';
import { RESOURCES, type ResourceName } from '../client/shared-informers.ts';
import { WorkQueue } from '../client/workqueue.ts';
import type { Controller, ControllerContext } from './controller.ts';
import {
  GraphNode,
  LRUSet,
  absentKey,
  alternateOwnerIdentity,
  identityString,
  partitionDependents,
  refMatches,
  referencesDiffs,
  sameIdentity,
  type Identity,
} from './gc-graph.ts';
import { ResourceClient, groupVersionOf, type Discovery, type DynObject, type OwnerRef, type ResourceRef } from './resource-client.ts';

const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';

/** Upstream's DefaultIgnoredResources. */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

/** How often the monitored resources are compared with discovery (kube-controller-manager's GC Sync period). */
const MONITOR_SYNC_MS = 30_000;

const CRDS: ResourceRef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
  verbs: ['list', 'watch'],
};

export interface GarbageCollectorOptions {
  /** --concurrent-gc-syncs (upstream 20). */
  workers?: number;
}

interface Monitored {
  name: ResourceName;
  group: string;
  version: string;
  resource: string;
  kind: string;
}

/** The group, version, resource and kind of a shared informer, from its path and model type. */
function monitoredOf(name: ResourceName): Monitored {
  const r = RESOURCES[name];
  const parts = r.path.split('/').filter(Boolean);
  const [group, version, resource] = parts[0] === 'api' ? ['', parts[1]!, parts[2]!] : [parts[1]!, parts[2]!, parts[3]!];
  const kind = r.type.replace(/^V\d+(?:(?:alpha|beta)\d+)?/, '');
  return { name, group, version, resource, kind };
}

interface Observed {
  owners: OwnerRef[];
  deleting: boolean;
  finalizers: string[];
}

function observe(obj: KubernetesObject): Observed {
  const m = obj.metadata ?? {};
  return {
    owners: (m.ownerReferences ?? []).map((r) => {
      const ref: OwnerRef = { apiVersion: r.apiVersion, kind: r.kind, name: r.name, uid: r.uid };
      if (r.controller !== undefined) ref.controller = r.controller;
      if (r.blockOwnerDeletion !== undefined) ref.blockOwnerDeletion = r.blockOwnerDeletion;
      return ref;
    }),
    deleting: m.deletionTimestamp !== undefined && m.deletionTimestamp !== null,
    finalizers: m.finalizers ?? [],
  };
}

class Requeue extends Error {}
class RestMappingError extends Error {}
/** A virtual delete event was produced; no requeue. */
const VIRTUAL_DELETE = new Error('enqueued virtual delete event');
/** A cluster-scoped object refers to a namespaced owner: will not resolve on retry. */
const NAMESPACED_OWNER_OF_CLUSTER_SCOPED = new Error('cluster-scoped objects cannot refer to namespaced owners');

export class GarbageCollector implements Controller {
  private readonly uidToNode = new Map<string, GraphNode>();
  private readonly attemptToDelete = new WorkQueue<GraphNode>({ name: 'garbage_collector_attempt_to_delete' });
  private readonly attemptToOrphan = new WorkQueue<GraphNode>({ name: 'garbage_collector_attempt_to_orphan' });
  private readonly absentOwners = new LRUSet(500);
  private readonly client: ResourceClient;
  private readonly recorder: EventRecorder;
  private readonly log: (line: string) => void;
  private readonly workers: number;
  /** `apiVersion/kind` → resource, from discovery (the REST mapper). */
  private mapping = new Map<string, ResourceRef>();
  private mappedAt = 0;
  private running: Promise<void>[] = [];
  private readonly kubeConfig: KubeConfig;
  /** `group/resource` of the shared informers the graph is built from. */
  private readonly sharedMonitored = new Set<string>();
  /** Monitors started from discovery for every other deletable resource (custom resources). */
  private readonly dynamicMonitors = new Map<string, Informer<KubernetesObject>>();
  private crdInformer?: Informer<KubernetesObject>;
  private syncTimer?: NodeJS.Timeout;
  private syncing: Promise<void> = Promise.resolve();
  private syncPending?: NodeJS.Timeout;
  private stopped = false;

  constructor(ctx: ControllerContext, opts: GarbageCollectorOptions = {}) {
    this.client = new ResourceClient(ctx.kubeConfig, 16);
    this.recorder = new EventRecorder(ctx.clients.core, { component: 'garbage-collector-controller', style: 'legacy' });
    this.log = ctx.log;
    this.workers = opts.workers ?? 20;
    this.kubeConfig = ctx.kubeConfig;
    for (const name of Object.keys(RESOURCES) as ResourceName[]) {
      const m = monitoredOf(name);
      this.sharedMonitored.add(`${m.group}/${m.resource}`);
      if (IGNORED.has(`${m.group}/${m.resource}`)) continue;
      this.monitor(ctx.informers.get(name), m);
    }
  }

  /** Feeds the graph from one resource's informer. */
  private monitor(inf: Informer<KubernetesObject>, m: { group: string; version: string; kind: string }): void {
    const gv = groupVersionOf(m);
    const identity = (o: KubernetesObject): Identity => ({
      apiVersion: gv,
      kind: m.kind,
      name: o.metadata?.name ?? '',
      uid: o.metadata?.uid ?? '',
      namespace: o.metadata?.namespace ?? '',
    });
    inf.on('add', (o) => this.graphChange('update', identity(o), observe(o), false));
    inf.on('update', (o) => this.graphChange('update', identity(o), observe(o), false));
    inf.on('delete', (o) => this.graphChange('delete', identity(o), observe(o), false));
  }

  /**
   * GarbageCollector.Sync: every resource discovery lists with list, watch and delete is monitored,
   * so custom resources join the graph. Upstream compares every 30 s; a CRD change also triggers a
   * comparison here, so new kinds are collected without that wait.
   */
  private syncMonitors(): Promise<void> {
    this.syncing = this.syncing
      .then(async () => {
        if (this.stopped) return;
        const found = await this.refreshMapping();
        const wanted = new Map<string, ResourceRef>();
        for (const r of found.resources) {
          const key = `${r.group}/${r.resource}`;
          if (this.sharedMonitored.has(key) || IGNORED.has(key) || r.resource.includes('/')) continue;
          if (['list', 'watch', 'delete'].every((v) => r.verbs.includes(v))) wanted.set(key, r);
        }
        for (const [key, inf] of this.dynamicMonitors) {
          // A group that failed discovery keeps its monitors, as upstream keeps them on partial failure.
          const r = [...this.mapping.values()].find((x) => `${x.group}/${x.resource}` === key);
          if (wanted.has(key) || (r && found.failed.has(groupVersionOf(r)))) continue;
          this.dynamicMonitors.delete(key);
          await inf.stop();
        }
        for (const [key, r] of wanted) {
          if (this.dynamicMonitors.has(key)) continue;
          const inf = new Informer<KubernetesObject>(this.kubeConfig, {
            path: ResourceClient.path(r),
            // Not a model class: watch objects stay plain JSON, as the list's do.
            type: 'DynamicObject',
            list: () => this.client.list(r) as Promise<KubernetesListObject<KubernetesObject>>,
          });
          this.monitor(inf, r);
          this.dynamicMonitors.set(key, inf);
          await inf.start();
        }
      })
      .catch((err: unknown) => this.log(`garbage collector: syncing monitors: ${describeError(err)}`));
    return this.syncing;
  }

  private scheduleSync(): void {
    if (this.stopped || this.syncPending) return;
    this.syncPending = setTimeout(() => {
      this.syncPending = undefined;
      void this.syncMonitors();
    }, 100);
  }

  async start(): Promise<void> {
    await this.refreshMapping(true);
    await this.syncMonitors();
    this.syncTimer = setInterval(() => void this.syncMonitors(), MONITOR_SYNC_MS);
    this.crdInformer = new Informer<KubernetesObject>(this.kubeConfig, {
      path: ResourceClient.path(CRDS),
      type: 'DynamicObject',
      list: () => this.client.list(CRDS) as Promise<KubernetesListObject<KubernetesObject>>,
    });
    for (const ev of ['add', 'update', 'delete'] as const) this.crdInformer.on(ev, () => this.scheduleSync());
    await this.crdInformer.start();
    const onError = (node: GraphNode, err: unknown) => {
      if (err instanceof Requeue || err instanceof RestMappingError) return;
      this.log(`garbage collector: error syncing item ${identityString(node.identity)}: ${describeError(err)}`);
    };
    this.running = [
      this.attemptToDelete.run(this.workers, (n) => this.attemptToDeleteWorker(n), onError),
      this.attemptToOrphan.run(this.workers, (n) => this.attemptToOrphanWorker(n), onError),
    ];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.syncTimer) clearInterval(this.syncTimer);
    if (this.syncPending) clearTimeout(this.syncPending);
    await this.syncing;
    await this.crdInformer?.stop();
    await Promise.all([...this.dynamicMonitors.values()].map((i) => i.stop()));
    this.attemptToDelete.shutDown();
    this.attemptToOrphan.shutDown();
    await Promise.all(this.running);
    await this.recorder.close();
    this.client.close();
  }

  /** Whether the graph holds a node for uid (tests). */
  graphHas(uid: string): boolean {
    return this.uidToNode.has(uid);
  }

  // ---- REST mapping ------------------------------------------------------------------------------

  private async refreshMapping(initial = false): Promise<Discovery> {
    for (let attempt = 0; ; attempt++) {
      try {
        const d = await this.client.discover();
        const next = new Map<string, ResourceRef>();
        for (const r of d.resources) next.set(`${groupVersionOf(r)}/${r.kind}`, r);
        // Keep what a failed group knew before.
        const failed = (v: ResourceRef) => d.failed.has(groupVersionOf(v)) || (v.group !== '' && d.failed.has('apis'));
        for (const [k, v] of this.mapping) if (!next.has(k) && failed(v)) next.set(k, v);
        this.mapping = next;
        this.mappedAt = Date.now();
        return d;
      } catch (err) {
        if (!initial || attempt >= 50) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private resourceFor(apiVersion: string, kind: string): ResourceRef {
    const r = this.mapping.get(`${apiVersion}/${kind}`);
    if (!r) {
      if (Date.now() - this.mappedAt > 30_000) void this.refreshMapping().catch(() => undefined);
      throw new RestMappingError(`unable to get REST mapping for ${kind}/${apiVersion}.`);
    }
    return r;
  }

  // ---- graph builder ---------------------------------------------------------------------------

  private graphChange(type: 'update' | 'delete', id: Identity, seen: Observed | undefined, virtual: boolean): void {
    let existing = this.uidToNode.get(id.uid);
    if (existing && !virtual && existing.virtual) {
      // First observation of a node that was virtual: its coordinates may differ from what dependents said.
      if (!sameIdentity(id, existing.identity)) {
        const { nonmatching } = partitionDependents(existing.dependents, id);
        for (const dep of nonmatching) {
          if (id.namespace !== '' && dep.identity.namespace !== id.namespace) this.reportInvalidNamespaceOwnerRef(dep, id.uid);
          this.attemptToDelete.add(dep);
        }
        existing.identity = id;
      }
      existing.virtual = false;
    }
    if (type === 'update' && seen) {
      if (!existing) {
        const node = new GraphNode(id, seen.owners);
        node.beingDeleted = seen.deleting;
        node.deletingDependents = seen.deleting && seen.finalizers.includes('foregroundDeletion');
        this.uidToNode.set(id.uid, node);
        this.addDependentToOwners(node, node.owners);
        this.processTransitions(node, seen);
      } else {
        const { added, removed, changed } = referencesDiffs(existing.owners, seen.owners);
        if (added.length || removed.length || changed.length) {
          this.addUnblockedOwnersToDeleteQueue(removed, changed);
          existing.owners = seen.owners;
          this.addDependentToOwners(existing, added);
          this.removeDependentFromOwners(existing, removed);
        }
        if (seen.deleting) existing.beingDeleted = true;
        this.processTransitions(existing, seen);
      }
      return;
    }
    if (type !== 'delete' || !existing) return;
    let removeExisting = true;
    if (virtual) {
      if (existing.virtual) {
        const { matching, nonmatching } = partitionDependents(existing.dependents, id);
        if (nonmatching.length > 0) {
          // Some dependents know this uid by other coordinates: keep the virtual node under one of those.
          removeExisting = false;
          if (matching.length > 0) {
            this.absentOwners.add(absentKey(id, id.namespace));
            for (const dep of matching) this.attemptToDelete.add(dep);
          }
          if (sameIdentity(existing.identity, id)) {
            const alt = alternateOwnerIdentity(nonmatching, id);
            if (alt) {
              existing.identity = alt;
              this.attemptToDelete.addRateLimited(existing);
            }
          }
        }
      } else if (!sameIdentity(existing.identity, id)) {
        removeExisting = false;
        const { matching } = partitionDependents(existing.dependents, id);
        if (matching.length > 0) {
          this.absentOwners.add(absentKey(id, id.namespace));
          for (const dep of matching) this.attemptToDelete.add(dep);
        }
      }
    }
    if (!removeExisting) return;
    existing = existing!;
    this.uidToNode.delete(id.uid);
    this.removeDependentFromOwners(existing, existing.owners);
    if (existing.dependents.size > 0) this.absentOwners.add(absentKey(id, id.namespace));
    for (const dep of existing.dependents) this.attemptToDelete.add(dep);
    for (const owner of existing.owners) {
      const ownerNode = this.uidToNode.get(owner.uid);
      // Let an owner waiting for its dependents check whether this was the last one.
      if (ownerNode?.deletingDependents) this.attemptToDelete.add(ownerNode);
    }
  }

  private addDependentToOwners(n: GraphNode, owners: OwnerRef[]): void {
    let potentiallyInvalid = false;
    for (const owner of owners) {
      let ownerNode = this.uidToNode.get(owner.uid);
      if (!ownerNode) {
        // A virtual node for an owner not seen yet, verified at the server by attemptToDelete.
        ownerNode = new GraphNode({ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid, namespace: n.identity.namespace });
        ownerNode.virtual = true;
        this.uidToNode.set(owner.uid, ownerNode);
        ownerNode.dependents.add(n);
        this.attemptToDelete.add(ownerNode);
        continue;
      }
      ownerNode.dependents.add(n);
      if (potentiallyInvalid) continue;
      const ownerNamespaced = ownerNode.identity.namespace !== '';
      if (ownerNamespaced && ownerNode.identity.namespace !== n.identity.namespace) {
        if (!ownerNode.virtual) this.reportInvalidNamespaceOwnerRef(n, owner.uid);
        potentiallyInvalid = true;
      } else if (!refMatches(owner, ownerNode.identity)) {
        potentiallyInvalid = true;
      } else if (!ownerNamespaced && ownerNode.identity.namespace !== n.identity.namespace && ownerNode.virtual) {
        potentiallyInvalid = true;
      }
    }
    if (potentiallyInvalid) this.attemptToDelete.add(n);
  }

  private removeDependentFromOwners(n: GraphNode, owners: OwnerRef[]): void {
    for (const owner of owners) this.uidToNode.get(owner.uid)?.dependents.delete(n);
  }

  /** A blocking reference removed or made non-blocking may let a foreground deletion finish. */
  private addUnblockedOwnersToDeleteQueue(removed: OwnerRef[], changed: { oldRef: OwnerRef; newRef: OwnerRef }[]): void {
    for (const ref of removed) {
      if (ref.blockOwnerDeletion !== true) continue;
      const node = this.uidToNode.get(ref.uid);
      if (node) this.attemptToDelete.add(node);
    }
    for (const c of changed) {
      if (c.oldRef.blockOwnerDeletion === true && c.newRef.blockOwnerDeletion !== true) {
        const node = this.uidToNode.get(c.newRef.uid);
        if (node) this.attemptToDelete.add(node);
      }
    }
  }

  private processTransitions(n: GraphNode, seen: Observed): void {
    const orphaning = seen.deleting && seen.finalizers.includes('orphan');
    const foreground = seen.deleting && seen.finalizers.includes('foregroundDeletion');
    const startsOrphaning = orphaning && !n.wasOrphaning;
    const startsForeground = foreground && !n.wasForeground;
    n.wasOrphaning = orphaning;
    n.wasForeground = foreground;
    if (startsOrphaning) {
      this.attemptToOrphan.add(n);
      return;
    }
    if (startsForeground) {
      n.deletingDependents = true;
      for (const dep of n.dependents) this.attemptToDelete.add(dep);
      this.attemptToDelete.add(n);
    }
  }

  private reportInvalidNamespaceOwnerRef(n: GraphNode, ownerUID: string): void {
    const ref = n.owners.find((o) => o.uid === ownerUID);
    if (!ref) return;
    const invalid: Identity = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: n.identity.namespace };
    this.recorder.event(
      { kind: n.identity.kind, apiVersion: n.identity.apiVersion, namespace: n.identity.namespace || undefined, name: n.identity.name, uid: n.identity.uid },
      'Warning',
      'OwnerRefInvalidNamespace',
      `ownerRef ${identityString(invalid)} does not exist in namespace ${JSON.stringify(n.identity.namespace)}`,
    );
  }

  private enqueueVirtualDeleteEvent(id: Identity): void {
    this.graphChange('delete', { ...id }, undefined, true);
  }

  // ---- workers ---------------------------------------------------------------------------------

  private async attemptToDeleteWorker(n: GraphNode): Promise<void> {
    if (n.virtual && this.uidToNode.get(n.identity.uid) !== n) return;
    try {
      await this.attemptToDeleteItem(n);
    } catch (err) {
      if (err === VIRTUAL_DELETE || err === NAMESPACED_OWNER_OF_CLUSTER_SCOPED) return;
      throw err;
    }
    // Not observed through an informer yet: look again later (issue 56121).
    if (n.virtual && this.uidToNode.get(n.identity.uid) === n) throw new Requeue();
  }

  private async getObject(id: Identity): Promise<{ r: ResourceRef; obj?: DynObject }> {
    const r = this.resourceFor(id.apiVersion, id.kind);
    if (r.namespaced && id.namespace === '') throw NAMESPACED_OWNER_OF_CLUSTER_SCOPED;
    try {
      return { r, obj: await this.client.get(r, r.namespaced ? id.namespace : undefined, id.name) };
    } catch (err) {
      if (isNotFound(err)) return { r };
      throw err;
    }
  }

  private async attemptToDeleteItem(item: GraphNode): Promise<void> {
    // Being deleted is a one-way trip; its dependents are handled once it is gone.
    if (item.beingDeleted && !item.deletingDependents) return;
    let latest: DynObject | undefined;
    let r: ResourceRef;
    try {
      ({ r, obj: latest } = await this.getObject(item.identity));
    } catch (err) {
      if (err === NAMESPACED_OWNER_OF_CLUSTER_SCOPED && item.virtual) {
        // A cluster-scoped dependent names a namespaced kind as its owner: never collected, reported.
        for (const dep of item.dependents) if (dep.identity.namespace === '') this.reportInvalidNamespaceOwnerRef(dep, item.identity.uid);
      }
      throw err;
    }
    if (!latest || latest.metadata.uid !== item.identity.uid) {
      this.enqueueVirtualDeleteEvent(item.identity);
      throw VIRTUAL_DELETE;
    }
    if (item.deletingDependents) return this.processDeletingDependentsItem(item);

    const refs = latest.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const solid: OwnerRef[] = [];
    const dangling: OwnerRef[] = [];
    const waiting: OwnerRef[] = [];
    for (const ref of refs) {
      const owner = await this.isDangling(ref, item);
      if (owner === 'dangling') dangling.push(ref);
      else if (owner.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes('foregroundDeletion')) waiting.push(ref);
      else solid.push(ref);
    }
    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return;
      // Drop references to absent owners and to owners waiting for their dependents, so those
      // do not wait for an object that stays.
      const uids = [...dangling, ...waiting].map((o) => o.uid);
      await this.client.patch(
        r,
        item.identity.namespace || undefined,
        item.identity.name,
        { metadata: { ownerReferences: uids.map((uid) => ({ $patch: 'delete', uid })), uid: item.identity.uid } },
        STRATEGIC_MERGE_PATCH,
      );
      return;
    }
    if (waiting.length > 0 && item.dependents.size > 0) {
      for (const dep of item.dependents) {
        if (!dep.deletingDependents) continue;
        // Owners and a dependent all deleting in the foreground: unblock this object's references
        // to avoid a cycle, then delete it in the foreground.
        const unblocked = item.owners.filter((o) => o.blockOwnerDeletion === true).map((o) => ({ ...o, blockOwnerDeletion: false }));
        await this.client.patch(
          r,
          item.identity.namespace || undefined,
          item.identity.name,
          { metadata: { ownerReferences: unblocked, uid: item.identity.uid } },
          STRATEGIC_MERGE_PATCH,
        );
        break;
      }
      await this.deleteObject(r, item.identity, 'Foreground');
      return;
    }
    const finalizers = latest.metadata.finalizers ?? [];
    const policy = finalizers.includes('orphan') ? 'Orphan' : finalizers.includes('foregroundDeletion') ? 'Foreground' : 'Background';
    await this.deleteObject(r, item.identity, policy);
  }

  /** isDangling: whether the owner a reference names is absent (or another object now), else the owner as read. */
  private async isDangling(ref: OwnerRef, item: GraphNode): Promise<'dangling' | DynObject> {
    if (this.absentOwners.has(absentKey(ref, ''))) return 'dangling';
    if (this.absentOwners.has(absentKey(ref, item.identity.namespace))) return 'dangling';
    const r = this.resourceFor(ref.apiVersion, ref.kind);
    const ns = r.namespaced ? item.identity.namespace : '';
    if (item.identity.namespace === '' && r.namespaced) throw NAMESPACED_OWNER_OF_CLUSTER_SCOPED;
    let owner: DynObject;
    try {
      owner = await this.client.get(r, ns || undefined, ref.name);
    } catch (err) {
      if (isNotFound(err)) {
        this.absentOwners.add(absentKey(ref, ns));
        return 'dangling';
      }
      throw err;
    }
    if (owner.metadata.uid !== ref.uid) {
      this.absentOwners.add(absentKey(ref, ns));
      return 'dangling';
    }
    return owner;
  }

  private async deleteObject(r: ResourceRef, id: Identity, policy: 'Foreground' | 'Background' | 'Orphan'): Promise<void> {
    await this.client.delete(r, id.namespace || undefined, id.name, { propagationPolicy: policy, preconditions: { uid: id.uid } });
  }

  /** An owner waiting for its dependents: done once none blocks it, otherwise delete those that do. */
  private async processDeletingDependentsItem(item: GraphNode): Promise<void> {
    const blocking = item.blockingDependents();
    if (blocking.length === 0) {
      await this.removeFinalizer(item, 'foregroundDeletion');
      return;
    }
    for (const dep of blocking) if (!dep.deletingDependents) this.attemptToDelete.add(dep);
  }

  private async removeFinalizer(n: GraphNode, finalizer: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const { r, obj } = await this.getObject(n.identity);
      if (!obj) return;
      const finalizers = obj.metadata.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return;
      const rest = finalizers.filter((f) => f !== finalizer);
      try {
        await this.client.patch(
          r,
          n.identity.namespace || undefined,
          n.identity.name,
          { metadata: { resourceVersion: obj.metadata.resourceVersion, finalizers: rest.length ? rest : null } },
          MERGE_PATCH,
        );
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (isConflict(err) && attempt < 5) continue;
        if (isConflict(err)) throw new Error(`updateMaxRetries(5) has reached. The garbage collector will retry later for owner ${identityString(n.identity)}`);
        throw err;
      }
    }
  }

  private async attemptToOrphanWorker(owner: GraphNode): Promise<void> {
    const errors: string[] = [];
    await Promise.all(
      [...owner.dependents].map(async (dep) => {
        try {
          const r = this.resourceFor(dep.identity.apiVersion, dep.identity.kind);
          await this.client.patch(
            r,
            dep.identity.namespace || undefined,
            dep.identity.name,
            { metadata: { ownerReferences: [{ $patch: 'delete', uid: owner.identity.uid }], uid: dep.identity.uid } },
            STRATEGIC_MERGE_PATCH,
          );
        } catch (err) {
          if (!isNotFound(err)) errors.push(`orphaning ${identityString(dep.identity)} failed, ${describeError(err)}`);
        }
      }),
    );
    if (errors.length) throw new Error(`failed to orphan dependents of owner ${identityString(owner.identity)}, got errors: ${errors.join(', ')}`);
    await this.removeFinalizer(owner, 'orphan');
  }
}
