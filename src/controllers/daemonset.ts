// The DaemonSet controller (kube-controller-manager pkg/controller/daemon): one pod per node the set
// should run on. A node is eligible when the pod would fit it by nodeSelector, required node affinity
// and taints (daemon pods carry the default tolerations below); a pod is bound to its node through the
// required node affinity `metadata.name In [node]` the controller writes, and placed there by the
// default scheduler. Pods on nodes that stop being eligible go (an untolerated NoSchedule taint alone
// lets a running pod stay), failed pods are replaced, a node added later gets a pod. Each template is
// recorded as a ControllerRevision (history.ts); pods carry its hash, so RollingUpdate can replace
// old pods within maxUnavailable (delete first) or maxSurge (start the new pod first), and OnDelete
// waits for users to delete them.
import type {
  V1Affinity,
  V1ControllerRevision,
  V1DaemonSet,
  V1DaemonSetStatus,
  V1Node,
  V1Pod,
  V1PodSpec,
  V1PodTemplateSpec,
  V1Taint,
  V1Toleration,
} from '@kubernetes/client-node';
import { objectRef } from '../client/events.ts';
import type { Informer } from '../client/informer.ts';
import { matchesNodeSelectorAndAffinity } from '../selectors/node-affinity.ts';
import type { Controller, ControllerContext } from './controller.ts';
import { computeHash, scaledValue } from './deployment-util.ts';
import { ControllerExpectations } from './expectations.ts';
import { PodSetController, type PodEvent } from './pod-set-controller.ts';
import { CONTROLLER_REVISION_HASH, dataKey, newRevision, selectorOf, templatePatch } from './history.ts';
import {
  PodControl,
  claimObjects,
  controllerOf,
  controllerRefFor,
  isPodAvailable,
  isPodReady,
  objKey,
  patchPod,
  slowStartBatch,
  splitKey,
} from './pod-control.ts';
import {
  TAINT_DISK_PRESSURE,
  TAINT_MEMORY_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_NOT_READY,
  TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  toleratesTaint,
} from './taints.ts';

const REF = { apiVersion: 'apps/v1', kind: 'DaemonSet' };
/** extensions.DaemonSetTemplateGenerationKey: the pod label with the template generation it was made from. */
export const POD_TEMPLATE_GENERATION = 'pod-template-generation';
/** The annotation the API server keeps the template generation in (apps/v1 has no field for it). */
const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';
/** BurstReplicas: at most this many creations per sync. */
const BURST_REPLICAS = 250;
/**
 * failedPodsBackoff (flowcontrol.Backoff, 1 s doubling to 15 min) per set and node: a kubelet that
 * keeps failing the daemon pod is not sent a new one in a hot loop.
 */
class FailedPodBackoff {
  private readonly entries = new Map<string, { delayMs: number; lastMs: number }>();

  constructor(
    private readonly initialMs = 1_000,
    private readonly maxMs = 15 * 60_000,
  ) {}

  /** IsInBackOffSinceUpdate, as the time left (0 when not backing off). */
  remaining(key: string, now: number): number {
    const e = this.entries.get(key);
    return e ? Math.max(0, e.lastMs + e.delayMs - now) : 0;
  }

  /** Next: start at the initial delay (also after a long quiet spell), else double up to the cap. */
  next(key: string, now: number): void {
    const e = this.entries.get(key);
    const fresh = !e || now - e.lastMs > 2 * this.maxMs;
    this.entries.set(key, { delayMs: fresh ? this.initialMs : Math.min(2 * e.delayMs, this.maxMs), lastMs: now });
  }

  forget(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}

/** AddOrUpdateDaemonPodTolerations: what lets a daemon pod run on nodes ordinary pods avoid. */
export function addDaemonTolerations(spec: V1PodSpec): void {
  const wanted: V1Toleration[] = [
    { key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute' },
    { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' },
    { key: TAINT_DISK_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
    { key: TAINT_MEMORY_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
    { key: TAINT_PID_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
    { key: TAINT_UNSCHEDULABLE, operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork) wanted.push({ key: TAINT_NETWORK_UNAVAILABLE, operator: 'Exists', effect: 'NoSchedule' });
  const tols = (spec.tolerations ??= []);
  for (const w of wanted) {
    const same = (t: V1Toleration) => t.key === w.key && (t.operator ?? 'Equal') === w.operator && (t.value ?? '') === '' && t.effect === w.effect;
    if (!tols.some(same)) tols.push(w);
  }
}

/** ReplaceDaemonSetPodNodeNameNodeAffinity: the required affinity that binds the pod to one node. */
export function bindToNode(affinity: V1Affinity | undefined, nodeName: string): V1Affinity {
  const term = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  const out: V1Affinity = { ...(affinity ?? {}) };
  out.nodeAffinity = { ...(out.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } };
  return out;
}

/** GetTargetNodeName: the node a daemon pod is on, or is bound to by its affinity. */
export function targetNode(pod: V1Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const t of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of t.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

function templateGeneration(ds: V1DaemonSet): string | undefined {
  return ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
}

/** CreatePodTemplate: the set's template with daemon tolerations and the generation/hash labels. */
function daemonTemplate(ds: V1DaemonSet, hash: string): V1PodTemplateSpec {
  const t: V1PodTemplateSpec = structuredClone(ds.spec?.template ?? {});
  t.spec ??= { containers: [] };
  addDaemonTolerations(t.spec);
  t.metadata = { ...t.metadata, labels: { ...t.metadata?.labels } };
  const gen = templateGeneration(ds);
  if (gen !== undefined) t.metadata.labels![POD_TEMPLATE_GENERATION] = gen;
  if (hash) t.metadata.labels![CONTROLLER_REVISION_HASH] = hash;
  return t;
}

const untolerated = (taints: V1Taint[], tols: V1Toleration[], effects: string[]): boolean =>
  taints.some((taint) => effects.includes(taint.effect) && !tols.some((t) => toleratesTaint(t, taint)));

const eligibilityTemplates = new WeakMap<V1DaemonSet, V1PodTemplateSpec>();

/** NodeShouldRunDaemonPod: whether a new pod belongs on the node, and whether an existing one may stay. */
export function nodeShouldRun(node: V1Node, ds: V1DaemonSet): { shouldRun: boolean; shouldContinue: boolean } {
  // One sync asks this for every node several times: build the daemon template once per set object.
  let tmpl = eligibilityTemplates.get(ds);
  if (!tmpl) eligibilityTemplates.set(ds, (tmpl = daemonTemplate(ds, '')));
  const name = node.metadata?.name ?? '';
  const fixed = tmpl.spec?.nodeName;
  if (fixed && fixed !== name) return { shouldRun: false, shouldContinue: false };
  // The set's own selector and affinity decide; the per-node affinity the pod gets always matches.
  if (!matchesNodeSelectorAndAffinity({ metadata: tmpl.metadata, spec: tmpl.spec }, node)) return { shouldRun: false, shouldContinue: false };
  const taints = node.spec?.taints ?? [];
  const tols = tmpl.spec?.tolerations ?? [];
  if (!untolerated(taints, tols, ['NoSchedule', 'NoExecute'])) return { shouldRun: true, shouldContinue: true };
  return { shouldRun: false, shouldContinue: !untolerated(taints, tols, ['NoExecute']) };
}

/** IsPodUpdated: made from the current template (by hash, or by the older template generation label). */
function isPodUpdated(pod: V1Pod, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  return (generation !== undefined && labels[POD_TEMPLATE_GENERATION] === generation) || (hash !== '' && labels[CONTROLLER_REVISION_HASH] === hash);
}

const createdMs = (p: { metadata?: { creationTimestamp?: Date } }): number => {
  const t = p.metadata?.creationTimestamp as Date | string | undefined;
  return t === undefined ? 0 : t instanceof Date ? t.getTime() : Date.parse(t);
};

/** podByCreationTimestampAndPhase: running pods before others, then oldest first. */
function byAgeAndPhase(a: V1Pod, b: V1Pod): number {
  const ra = a.status?.phase === 'Running' ? 0 : 1;
  const rb = b.status?.phase === 'Running' ? 0 : 1;
  if (ra !== rb) return ra - rb;
  return createdMs(a) - createdMs(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

const isTerminal = (p: V1Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

const allowsSurge = (ds: V1DaemonSet): boolean =>
  ds.spec?.updateStrategy?.type === 'RollingUpdate' && scaledValue(ds.spec.updateStrategy.rollingUpdate?.maxSurge, 1, true) !== 0;

const delKey = (key: string): string => `${key} deletions`;

export class DaemonSetController extends PodSetController<V1DaemonSet> {
  private readonly nodes: Informer<V1Node>;
  private readonly expectations = new ControllerExpectations();
  private readonly podControl: PodControl;
  private readonly failedBackoff = new FailedPodBackoff();

  constructor(ctx: ControllerContext, workers = 2) {
    super(ctx, ctx.informers.get('daemonsets'), REF.kind, 'daemonset-controller', workers);
    this.nodes = ctx.informers.get('nodes');
    this.podControl = new PodControl(ctx.clients, this.recorder);
    this.nodes.on('add', () => this.enqueueAll());
    this.nodes.on('update', (n, old) => {
      if (!old || nodeFacts(n) !== nodeFacts(old)) this.enqueueAll();
    });
    this.nodes.on('delete', () => this.enqueueAll());
  }

  protected override podObserved(key: string, pod: V1Pod, event: PodEvent): void {
    if (event === 'add' && !pod.metadata?.deletionTimestamp) this.expectations.creationObserved(key);
    if (event === 'delete' || pod.metadata?.deletionTimestamp) this.expectations.deletionObserved(delKey(key), objKey(pod));
  }

  protected override setDeleted(key: string): void {
    this.forget(key);
  }

  private satisfied(key: string): boolean {
    return this.expectations.satisfied(key) && this.expectations.satisfied(delKey(key));
  }

  private forget(key: string): void {
    this.failedBackoff.forget(`${key}/`);
    this.expectations.delete(key);
    this.expectations.delete(delKey(key));
  }

  // ---- sync ----

  protected async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.sets.get(name, namespace);
    if (!cached) {
      this.forget(key);
      return;
    }
    // A set being deleted is left to the garbage collector, as upstream does.
    if (cached.metadata?.deletionTimestamp) return;
    const ds = structuredClone(cached);
    const nodes = [...this.nodes.list()];
    const { cur, old } = await this.constructHistory(ds);
    const hash = cur.metadata?.labels?.[CONTROLLER_REVISION_HASH] ?? '';
    if (!this.satisfied(key)) {
      await this.updateStatus(ds, nodes, hash, false);
      return;
    }
    await this.manage(ds, nodes, hash);
    if (this.satisfied(key) && ds.spec?.updateStrategy?.type === 'RollingUpdate') await this.rollingUpdate(ds, nodes, hash);
    await this.cleanupHistory(ds, old);
    await this.updateStatus(ds, nodes, hash, true);
  }

  /** getNodesToDaemonPods: the claimed pods by target node (terminal pods being deleted left out). */
  private async podsByNode(ds: V1DaemonSet): Promise<Map<string, V1Pod[]>> {
    const ns = ds.metadata?.namespace ?? '';
    const candidates = this.pods.list(ns).filter((p) => !(isTerminal(p) && p.metadata?.deletionTimestamp));
    const claimed = await claimObjects(
      candidates,
      {
        clients: this.clients,
        owner: ds,
        ownerRef: controllerRefFor(ds, REF.apiVersion, REF.kind),
        selector: selectorOf(ds),
        recheck: () => this.clients.apps.readNamespacedDaemonSet({ namespace: ns, name: ds.metadata?.name ?? '' }),
      },
      patchPod(this.clients),
    );
    const byNode = new Map<string, V1Pod[]>();
    for (const p of claimed) {
      const n = targetNode(p);
      if (n === undefined) continue;
      const list = byNode.get(n) ?? [];
      list.push(p);
      byNode.set(n, list);
    }
    return byNode;
  }

  /** constructHistory: the revision matching the current template (made or renumbered to be newest), and the rest. */
  private async constructHistory(ds: V1DaemonSet): Promise<{ cur: V1ControllerRevision; old: V1ControllerRevision[] }> {
    const ownerRef = controllerRefFor(ds, REF.apiVersion, REF.kind);
    const ns = ds.metadata?.namespace ?? '';
    const revs = await this.history.controlled(ds, ownerRef, () => this.clients.apps.readNamespacedDaemonSet({ namespace: ns, name: ds.metadata?.name ?? '' }));
    const want = dataKey(templatePatch(ds.spec?.template));
    const current = revs.filter((r) => dataKey(r.data) === want);
    const old = revs.filter((r) => dataKey(r.data) !== want);
    const next = old.reduce((m, r) => Math.max(m, Number(r.revision ?? 0)), 0) + 1;
    let cur: V1ControllerRevision;
    if (current.length === 0) {
      const collision = { count: ds.status?.collisionCount ?? 0 };
      cur = await this.history.create(ds.metadata?.name ?? '', newRevision(ds, ownerRef, next), collision, (count) =>
        computeHash(ds.spec?.template, count === 0 && ds.status?.collisionCount === undefined ? undefined : count),
      );
      if (collision.count !== (ds.status?.collisionCount ?? 0)) ds.status = { ...ds.status!, collisionCount: collision.count };
    } else {
      // dedupCurHistories: keep the highest revision among duplicates.
      current.sort((a, b) => Number(b.revision ?? 0) - Number(a.revision ?? 0));
      cur = current[0]!;
      for (const dup of current.slice(1)) await this.history.deleteOldest([dup], () => false, 1);
      if (Number(cur.revision ?? 0) < next) cur = await this.history.renumber(cur, next);
    }
    return { cur, old };
  }

  /** manage: a pod for every node that should run one, none where none may stay, one per node. */
  private async manage(ds: V1DaemonSet, nodes: V1Node[], hash: string): Promise<void> {
    const byNode = await this.podsByNode(ds);
    const needing: string[] = [];
    const toDelete: string[] = [];
    const now = Date.now();
    for (const node of nodes) {
      const nodeName = node.metadata?.name ?? '';
      const { shouldRun, shouldContinue } = nodeShouldRun(node, ds);
      const pods = byNode.get(nodeName) ?? [];
      if (shouldRun && pods.length === 0) {
        needing.push(nodeName);
      } else if (shouldContinue) {
        const running: V1Pod[] = [];
        for (const p of pods) {
          if (p.metadata?.deletionTimestamp) continue;
          if (!isTerminal(p)) {
            running.push(p);
            continue;
          }
          const backoffKey = `${objKey(ds)}/${nodeName}`;
          const wait = this.failedBackoff.remaining(backoffKey, now);
          if (wait > 0) {
            this.queue.addAfter(objKey(ds), wait);
            continue;
          }
          this.failedBackoff.next(backoffKey, now);
          this.recorder.event(objectRef(ds, REF), 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata?.namespace}/${p.metadata?.name} on node ${nodeName}, will try to kill it`);
          toDelete.push(p.metadata?.name ?? '');
        }
        if (running.length <= 1) continue;
        running.sort(byAgeAndPhase);
        if (!allowsSurge(ds)) {
          for (const p of running.slice(1)) toDelete.push(p.metadata?.name ?? '');
          continue;
        }
        // While surging, one new and one old pod may share a node; any further ones go.
        let newest = false;
        let oldest = false;
        for (const p of running) {
          const isNew = p.metadata?.labels?.[CONTROLLER_REVISION_HASH] === hash;
          if (isNew && !newest) newest = true;
          else if (!isNew && !oldest) oldest = true;
          else toDelete.push(p.metadata?.name ?? '');
        }
      } else if (pods.length > 0) {
        for (const p of pods) if (!p.metadata?.deletionTimestamp) toDelete.push(p.metadata?.name ?? '');
      }
    }
    // Unscheduled pods bound to nodes that no longer exist.
    const known = new Set(nodes.map((n) => n.metadata?.name));
    for (const [nodeName, pods] of byNode) {
      if (known.has(nodeName)) continue;
      for (const p of pods) if (!p.spec?.nodeName && !p.metadata?.deletionTimestamp) toDelete.push(p.metadata?.name ?? '');
    }
    await this.syncNodes(ds, toDelete, needing, hash);
  }

  /** syncNodes: delete the named pods and create one pod per node listed, within the burst limit. */
  private async syncNodes(ds: V1DaemonSet, toDelete: string[], nodesNeeding: string[], hash: string): Promise<void> {
    const key = objKey(ds);
    const ns = ds.metadata?.namespace ?? '';
    const create = nodesNeeding.slice(0, BURST_REPLICAS);
    const del = toDelete.slice(0, BURST_REPLICAS);
    // Creations and deletions are expected under two keys, as one sync may ask for both.
    this.expectations.expectCreations(key, create.length);
    this.expectations.expectDeletions(delKey(key), del.map((n) => `${ns}/${n}`));
    const template = daemonTemplate(ds, hash);
    const ownerRef = controllerRefFor(ds, REF.apiVersion, REF.kind);
    let i = 0;
    const { successes, error } = await slowStartBatch(create.length, 1, async () => {
      const nodeName = create[i++]!;
      const t = structuredClone(template);
      t.spec!.affinity = bindToNode(t.spec!.affinity, nodeName);
      await this.podControl.createPod(ns, t, ds, ownerRef, REF);
    });
    if (create.length - successes > 0) this.expectations.lowerCreations(key, create.length - successes);
    const results = await Promise.allSettled(
      del.map(async (podName) => {
        try {
          const gone = await this.podControl.deletePod(ns, podName, ds, REF);
          if (!gone) this.expectations.deletionObserved(delKey(key), `${ns}/${podName}`);
        } catch (err) {
          this.expectations.deletionObserved(delKey(key), `${ns}/${podName}`);
          throw err;
        }
      }),
    );
    if (error !== undefined) throw error;
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) throw failed.reason;
  }

  /** updatedDesiredNodeCounts: maxSurge and maxUnavailable resolved against the desired node count. */
  private fenceposts(ds: V1DaemonSet, nodes: V1Node[], byNode: Map<string, V1Pod[]>): { surge: number; unavailable: number } {
    let desired = 0;
    for (const node of nodes) {
      const { shouldRun } = nodeShouldRun(node, ds);
      if (!shouldRun && !byNode.get(node.metadata?.name ?? '')?.length) continue;
      desired++;
    }
    const ru = ds.spec?.updateStrategy?.rollingUpdate;
    const surge = scaledValue(ru?.maxSurge ?? 0, desired, true);
    let unavailable = scaledValue(ru?.maxUnavailable ?? 0, desired, true);
    if (surge === 0 && unavailable === 0) unavailable = 1;
    return { surge, unavailable };
  }

  /** rollingUpdate: replace old pods node by node, within maxUnavailable (or maxSurge) at a time. */
  private async rollingUpdate(ds: V1DaemonSet, nodes: V1Node[], hash: string): Promise<void> {
    const byNode = await this.podsByNode(ds);
    const { surge, unavailable } = this.fenceposts(ds, nodes, byNode);
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const now = Date.now();
    const gen = templateGeneration(ds);
    const split = (pods: V1Pod[]): { newPod?: V1Pod; oldPod?: V1Pod; ok: boolean } => {
      let newPod: V1Pod | undefined;
      let oldPod: V1Pod | undefined;
      for (const p of pods) {
        if (p.metadata?.deletionTimestamp) continue;
        if (isPodUpdated(p, hash, gen)) {
          if (newPod) return { ok: false };
          newPod = p;
        } else {
          if (oldPod) return { ok: false };
          oldPod = p;
        }
      }
      return { newPod, oldPod, ok: true };
    };
    const available = (p: V1Pod) => isPodAvailable(p, minReady, now);
    if (surge === 0) {
      let numUnavailable = 0;
      const allowed: string[] = [];
      const candidates: string[] = [];
      for (const pods of byNode.values()) {
        const { newPod, oldPod, ok } = split(pods);
        if (!ok) {
          numUnavailable++;
          continue;
        }
        // Nothing or both: manage() creates or prunes; until then the node counts as unavailable.
        if ((!oldPod && !newPod) || (oldPod && newPod)) {
          numUnavailable++;
          continue;
        }
        if (newPod) {
          if (!available(newPod)) numUnavailable++;
          continue;
        }
        if (!available(oldPod!)) allowed.push(oldPod!.metadata?.name ?? '');
        else if (numUnavailable < unavailable) candidates.push(oldPod!.metadata?.name ?? '');
      }
      const remaining = Math.min(Math.max(0, unavailable - numUnavailable), candidates.length);
      await this.syncNodes(ds, [...allowed, ...candidates.slice(0, remaining)], [], hash);
      return;
    }
    let numSurge = 0;
    const allowedNodes: string[] = [];
    const candidateNodes: string[] = [];
    const oldToDelete: string[] = [];
    for (const [nodeName, pods] of byNode) {
      const { newPod, oldPod, ok } = split(pods);
      if (!ok) {
        numSurge++;
        continue;
      }
      if (!oldPod) continue;
      if (!newPod) {
        const { shouldRun } = nodeShouldRun(nodes.find((n) => n.metadata?.name === nodeName) ?? {}, ds);
        if (!shouldRun) continue;
        if (!available(oldPod)) allowedNodes.push(nodeName);
        else if (numSurge < surge) candidateNodes.push(nodeName);
        continue;
      }
      // Both: the old pod goes once the new one is available; until then the node counts as surging.
      if (available(newPod)) oldToDelete.push(oldPod.metadata?.name ?? '');
      else numSurge++;
    }
    const remaining = Math.min(Math.max(0, surge - numSurge), candidateNodes.length);
    await this.syncNodes(ds, oldToDelete, [...allowedNodes, ...candidateNodes.slice(0, remaining)], hash);
  }

  /** cleanupHistory: old revisions beyond revisionHistoryLimit, oldest first, unless a live pod uses them. */
  private async cleanupHistory(ds: V1DaemonSet, old: V1ControllerRevision[]): Promise<void> {
    const limit = ds.spec?.revisionHistoryLimit ?? 10;
    if (old.length <= limit) return;
    const live = new Set<string>();
    for (const p of this.pods.list(ds.metadata?.namespace)) {
      if (controllerOf(p)?.uid !== ds.metadata?.uid) continue;
      const h = p.metadata?.labels?.[CONTROLLER_REVISION_HASH];
      if (h) live.add(h);
    }
    await this.history.deleteOldest(old, (r) => live.has(r.metadata?.labels?.[CONTROLLER_REVISION_HASH] ?? ''), old.length - limit);
  }

  /** updateDaemonSetStatus */
  private async updateStatus(ds: V1DaemonSet, nodes: V1Node[], hash: string, updateObservedGen: boolean): Promise<void> {
    const byNode = await this.podsByNode(ds);
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const now = Date.now();
    const gen = templateGeneration(ds);
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let availableN = 0;
    let updated = 0;
    for (const node of nodes) {
      const { shouldRun } = nodeShouldRun(node, ds);
      const pods = [...(byNode.get(node.metadata?.name ?? '') ?? [])];
      if (!shouldRun) {
        if (pods.length) misscheduled++;
        continue;
      }
      desired++;
      if (!pods.length) continue;
      current++;
      pods.sort((a, b) => createdMs(a) - createdMs(b));
      const p = pods[0]!;
      if (isPodReady(p)) {
        ready++;
        if (isPodAvailable(p, minReady, now)) availableN++;
      }
      if (isPodUpdated(p, hash, gen)) updated++;
    }
    const status: V1DaemonSetStatus = {
      currentNumberScheduled: current,
      desiredNumberScheduled: desired,
      numberMisscheduled: misscheduled,
      numberReady: ready,
      updatedNumberScheduled: updated,
      numberAvailable: availableN,
      numberUnavailable: desired - availableN,
      observedGeneration: updateObservedGen ? ds.metadata?.generation : ds.status?.observedGeneration,
    };
    if (ds.status?.collisionCount !== undefined) status.collisionCount = ds.status.collisionCount;
    if (ds.status?.conditions?.length) status.conditions = ds.status.conditions;
    const cur = ds.status ?? ({} as V1DaemonSetStatus);
    const same = (Object.keys(status) as (keyof V1DaemonSetStatus)[]).every((k) => k === 'conditions' || (cur[k] ?? 0) === (status[k] ?? 0));
    if (!same) await this.writeStatus(ds, status);
    if (minReady > 0 && ready !== availableN) this.queue.addAfter(objKey(ds), minReady * 1000);
  }

  private async writeStatus(ds: V1DaemonSet, status: V1DaemonSetStatus): Promise<void> {
    await this.writeStatusWithRetry(
      ds,
      status,
      (namespace, name) => this.clients.apps.readNamespacedDaemonSet({ namespace, name }),
      (body) => this.clients.apps.replaceNamespacedDaemonSetStatus({ namespace: body.metadata?.namespace ?? '', name: body.metadata?.name ?? '', body }),
    );
  }
}

/** What about a node can change where daemon pods belong (shouldIgnoreNodeUpdate's complement). */
function nodeFacts(n: V1Node): string {
  return JSON.stringify([
    n.metadata?.labels ?? {},
    n.spec?.taints ?? [],
    n.spec?.unschedulable ?? false,
    (n.status?.conditions ?? []).map((c) => [c.type, c.status]),
  ]);
}

export const newDaemonSetController = (ctx: ControllerContext): Controller => new DaemonSetController(ctx);
