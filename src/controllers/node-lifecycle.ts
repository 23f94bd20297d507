// The node lifecycle controller (upstream pkg/controller/nodelifecycle, `node-lifecycle-controller`;
// taint-based eviction itself is the separate taint eviction controller, as since 1.29):
//
//  - node health: every --node-monitor-period it looks at each Node's Ready condition heartbeat and
//    its Lease in kube-node-lease (by when *this* controller saw either change, so clocks need not
//    agree); silent for --node-monitor-grace-period (--node-startup-grace-period for a node that never
//    posted a Ready condition), the node's Ready, MemoryPressure, DiskPressure and PIDPressure
//    conditions turn Unknown (`NodeStatusUnknown`, "Kubelet stopped posting node status."), the Node
//    gets a `NodeNotReady` event and the Ready condition of its pods turns False (MarkPodsNotReady,
//    `NodeNotReady` warning on each pod);
//  - NoExecute taints: Ready=Unknown → node.kubernetes.io/unreachable, Ready=False →
//    node.kubernetes.io/not-ready (swapped at once when the other one is on), added through a per-zone
//    rate-limited queue (--node-eviction-rate; a zone in full disruption gets none and loses them,
//    and when every zone is fully disrupted nothing is evicted anywhere); both removed once Ready=True;
//  - NoSchedule taints from conditions (TaintNodesByCondition): not-ready/unreachable,
//    memory-/disk-/pid-pressure, network-unavailable, and node.kubernetes.io/unschedulable for a
//    cordoned node, on every Node change;
//  - `RegisteredNode` / `RemovingNode` events as nodes appear and go, and the beta os/arch labels
//    reconciled from the stable ones.
import type { V1Lease, V1Node, V1NodeCondition, V1Pod } from '@kubernetes/client-node';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { MERGE_PATCH, describeError, isNotFound, type Clients } from '../client/clients.ts';
import { EventRecorder, objectRef } from '../client/events.ts';
import type { Informer } from '../client/informer.ts';
import { epochMs, rfc3339, wireString } from '../client/time.ts';
import { WorkQueue } from '../client/workqueue.ts';
import type { Controller, ControllerContext, ControllerTimings } from './controller.ts';
import { PodsByNode, podKey } from './pods-by-node.ts';
import { RateLimitedTimedQueue, TokenBucket } from './rate-limited-queue.ts';
import {
  TAINT_DISK_PRESSURE,
  TAINT_MEMORY_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_NOT_READY,
  TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  removeNodeTaints,
  swapNodeTaints,
  taintExists,
  taintSetDiff,
  type TaintTemplate,
} from './taints.ts';

export const NODE_LIFECYCLE_CONTROLLER = 'node-lifecycle-controller';
const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const STRATEGIC_MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

const UNREACHABLE_NO_EXECUTE: TaintTemplate = { key: TAINT_UNREACHABLE, effect: 'NoExecute' };
const NOT_READY_NO_EXECUTE: TaintTemplate = { key: TAINT_NOT_READY, effect: 'NoExecute' };

/** Which condition status gets which NoSchedule taint (nodeConditionToTaintKeyStatusMap). */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
};
const CONDITION_TAINT_KEYS = new Set(Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)));

/** The conditions the controller turns Unknown (NetworkUnavailable is left to whoever manages the network). */
const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** How often the NoExecute tainting queues are tried (scheduler.NodeEvictionPeriod). */
const NODE_EVICTION_PERIOD_MS = 100;
/** Attempts at one node's health update per pass (scheduler.NodeHealthUpdateRetry). */
const NODE_HEALTH_UPDATE_RETRY = 5;
/** Nodes updated concurrently in one monitor pass (nodeUpdateWorkerSize). */
const NODE_UPDATE_WORKERS = 8;
/** Nodes with this label are left out of zone disruption accounting. */
const LABEL_EXCLUDE_DISRUPTION = 'node.kubernetes.io/exclude-disruption';

type ZoneState = 'Initial' | 'Normal' | 'FullDisruption' | 'PartialDisruption';

/** A node condition on the wire (times as RFC 3339 strings). */
interface Cond {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

interface NodeHealth {
  probeTimestamp: number;
  readyTransitionTimestamp: number;
  conditions?: Cond[];
  leaseRenew?: number;
}

function wireConditions(conds: readonly V1NodeCondition[] | undefined): Cond[] {
  return (conds ?? []).map((c) => {
    const out: Cond = { type: c.type, status: c.status };
    if (c.reason !== undefined) out.reason = c.reason;
    if (c.message !== undefined) out.message = c.message;
    const hb = wireString(c.lastHeartbeatTime);
    if (hb) out.lastHeartbeatTime = hb;
    const tr = wireString(c.lastTransitionTime);
    if (tr) out.lastTransitionTime = tr;
    return out;
  });
}

const findCond = (conds: readonly Cond[] | undefined, type: string) => conds?.find((c) => c.type === type);

const sameCond = (a: Cond | undefined, b: Cond | undefined) =>
  a?.type === b?.type &&
  a?.status === b?.status &&
  (a?.reason ?? '') === (b?.reason ?? '') &&
  (a?.message ?? '') === (b?.message ?? '') &&
  a?.lastHeartbeatTime === b?.lastHeartbeatTime &&
  a?.lastTransitionTime === b?.lastTransitionTime;

/** nodetopology.GetZoneKey: region and zone from the topology labels (or their beta forms). */
export function zoneKey(node: V1Node): string {
  const l = node.metadata?.labels ?? {};
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  if (!region && !zone) return '';
  return `${region}:\u0000:${zone}`;
}

const nodeName = (n: V1Node) => n.metadata?.name ?? '';

/** Beta labels kept equal to the stable ones (labelReconcileInfo). */
const LABEL_RECONCILE = [
  { primary: 'kubernetes.io/os', secondary: 'beta.kubernetes.io/os' },
  { primary: 'kubernetes.io/arch', secondary: 'beta.kubernetes.io/arch' },
];

export class NodeLifecycleController implements Controller {
  private readonly clients: Clients;
  private readonly timings: ControllerTimings;
  private readonly nodes: Informer<V1Node>;
  private readonly leases: Informer<V1Lease>;
  private readonly pods: Informer<V1Pod>;
  private readonly recorder: EventRecorder;
  private readonly log: (line: string) => void;
  private readonly index = new PodsByNode();
  private readonly known = new Map<string, V1Node>();
  private readonly health = new Map<string, NodeHealth>();
  private readonly zoneStates = new Map<string, ZoneState>();
  private readonly zoneTainter = new Map<string, RateLimitedTimedQueue>();
  private readonly nodesToRetry = new Set<string>();
  private readonly nodeQueue = new WorkQueue<string>({ name: 'node_lifecycle_controller' });
  private readonly podQueue = new WorkQueue<string>({ baseDelayMs: 5, maxDelayMs: 10_000, name: 'node_lifecycle_controller_pods' });
  private monitorTimer?: NodeJS.Timeout;
  private taintTimer?: NodeJS.Timeout;
  /** Monitor and tainting passes run one at a time (their state is shared). */
  private serial: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(ctx: ControllerContext) {
    this.clients = ctx.clients;
    this.timings = ctx.timings;
    this.log = ctx.log;
    this.nodes = ctx.informers.get('nodes');
    this.leases = ctx.informers.get('leases');
    this.pods = ctx.informers.get('pods');
    this.recorder = new EventRecorder(ctx.clients.core, { component: 'node-controller', style: 'legacy' });
    this.nodes.on('add', (n) => this.nodeQueue.add(nodeName(n)));
    this.nodes.on('update', (n) => this.nodeQueue.add(nodeName(n)));
    this.nodes.on('delete', (n) => this.nodesToRetry.delete(nodeName(n)));
    this.pods.on('add', (p) => this.podUpdated(this.index.set(p), p));
    this.pods.on('update', (p) => this.podUpdated(this.index.set(p), p));
    this.pods.on('delete', (p) => void this.index.delete(p));
  }

  async start(): Promise<void> {
    void this.nodeQueue.run(NODE_UPDATE_WORKERS, (name) => this.nodeProcessingPass(name), (name, err) =>
      this.log(`${NODE_LIFECYCLE_CONTROLLER}: node ${name}: ${describeError(err)}`),
    );
    void this.podQueue.run(4, (key) => this.processPod(key));
    const monitor = () => {
      this.serial = this.serial
        .then(() => this.monitorNodeHealth())
        .catch((err) => this.log(`${NODE_LIFECYCLE_CONTROLLER}: monitoring node health: ${describeError(err)}`))
        .finally(() => {
          if (!this.stopped) this.monitorTimer = setTimeout(monitor, this.timings.nodeMonitorPeriodMs);
        });
    };
    const taint = () => {
      this.serial = this.serial
        .then(() => this.noExecuteTaintingPass())
        .catch((err) => this.log(`${NODE_LIFECYCLE_CONTROLLER}: tainting: ${describeError(err)}`))
        .finally(() => {
          if (!this.stopped) this.taintTimer = setTimeout(taint, NODE_EVICTION_PERIOD_MS);
        });
    };
    taint();
    monitor();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.monitorTimer) clearTimeout(this.monitorTimer);
    if (this.taintTimer) clearTimeout(this.taintTimer);
    this.nodeQueue.shutDown();
    this.podQueue.shutDown();
    await this.serial.catch(() => undefined);
    await this.recorder.close();
  }

  // ---------------------------------------------------------------------------------------------
  // NoSchedule taints from conditions, and labels (doNodeProcessingPassWorker)

  private async nodeProcessingPass(name: string): Promise<void> {
    if (this.stopped) return;
    const node = this.nodes.get(name);
    if (!node) return;
    await this.noScheduleTaintingPass(node);
    await this.reconcileNodeLabels(node);
  }

  private async noScheduleTaintingPass(node: V1Node): Promise<void> {
    const want: TaintTemplate[] = [];
    for (const c of node.status?.conditions ?? []) {
      const key = CONDITION_TAINTS[c.type]?.[c.status];
      if (key) want.push({ key, effect: 'NoSchedule' });
    }
    if (node.spec?.unschedulable) want.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
    const have = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' && (t.key === TAINT_UNSCHEDULABLE || CONDITION_TAINT_KEYS.has(t.key)));
    const { add, remove } = taintSetDiff(want, have);
    if (add.length === 0 && remove.length === 0) return;
    await swapNodeTaints(this.clients.core, node, add, remove);
  }

  private async reconcileNodeLabels(node: V1Node): Promise<void> {
    const labels = node.metadata?.labels;
    if (!labels) return;
    const update: Record<string, string> = {};
    for (const r of LABEL_RECONCILE) {
      const primary = labels[r.primary];
      if (primary === undefined) continue;
      if (labels[r.secondary] !== primary) update[r.secondary] = primary;
    }
    if (Object.keys(update).length === 0) return;
    try {
      await this.clients.core.patchNode({ name: nodeName(node), body: { metadata: { labels: update } } }, MERGE_PATCH);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Pods newly bound to a node that is not Ready (podUpdated / processPod)

  private podUpdated(prev: V1Pod | undefined, pod: V1Pod): void {
    const node = pod.spec?.nodeName;
    if (node && (!prev || prev.spec?.nodeName !== node)) this.podQueue.add(podKey(pod));
  }

  private async processPod(key: string): Promise<void> {
    if (this.stopped) return;
    const pod = this.index.get(key);
    if (!pod) return;
    const name = pod.spec?.nodeName ?? '';
    const health = this.health.get(name);
    if (!health) return;
    if (!this.nodes.get(name)) throw new Error(`node ${name} not found`);
    const ready = findCond(health.conditions, 'Ready');
    if (!ready) return;
    if (ready.status !== 'True') await this.markPodsNotReady([pod], name);
  }

  // ---------------------------------------------------------------------------------------------
  // Node health (monitorNodeHealth)

  private async monitorNodeHealth(): Promise<void> {
    if (this.stopped) return;
    const nodes = [...this.nodes.list()];
    const present = new Set(nodes.map(nodeName));
    for (const node of nodes) {
      const name = nodeName(node);
      if (this.known.has(name)) {
        if (!this.zoneStates.has(zoneKey(node))) this.addZone(node);
        continue;
      }
      this.nodeEvent(node, 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);
      this.known.set(name, node);
      this.addZone(node);
      await this.markNodeAsReachable(node).catch((err) => this.log(`${NODE_LIFECYCLE_CONTROLLER}: ${name}: ${describeError(err)}`));
    }
    for (const [name, node] of this.known) {
      if (present.has(name)) continue;
      this.nodeEvent(node, 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`);
      this.known.delete(name);
      this.health.delete(name);
    }

    const zoneConditions = new Map<string, (Cond | undefined)[]>();
    let next = 0;
    const worker = async () => {
      while (next < nodes.length && !this.stopped) {
        const node = nodes[next++]!;
        await this.updateNode(node, zoneConditions).catch((err) =>
          this.log(`${NODE_LIFECYCLE_CONTROLLER}: node ${nodeName(node)}: ${describeError(err)}`),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(NODE_UPDATE_WORKERS, nodes.length) }, worker));
    if (this.stopped) return;
    await this.handleDisruption(zoneConditions, nodes);
  }

  private async updateNode(cached: V1Node, zoneConditions: Map<string, (Cond | undefined)[]>): Promise<void> {
    let node = cached;
    let result: { observed: Cond; current?: Cond; node: V1Node } | undefined;
    for (let attempt = 0; attempt < NODE_HEALTH_UPDATE_RETRY; attempt++) {
      try {
        result = await this.tryUpdateNodeHealth(node);
        break;
      } catch (err) {
        this.log(`${NODE_LIFECYCLE_CONTROLLER}: updating health of node ${nodeName(node)}: ${describeError(err)}`);
        await new Promise((r) => setTimeout(r, 20));
        try {
          node = await this.clients.core.readNode({ name: nodeName(node) });
        } catch {
          return; // gone: no pods will be evicted
        }
      }
    }
    if (!result) return;
    const { observed, current } = result;
    if (!node.metadata?.labels?.[LABEL_EXCLUDE_DISRUPTION]) {
      const zone = zoneKey(node);
      const list = zoneConditions.get(zone) ?? [];
      list.push(current);
      zoneConditions.set(zone, list);
    }
    if (!current) return;
    const name = nodeName(node);
    const pods = this.index.pods(name);
    await this.processTaintBaseEviction(node, observed);
    const needsRetry = this.nodesToRetry.has(name);
    const transitioned = current.status !== 'True' && observed.status === 'True';
    if (transitioned) this.nodeEvent(node, 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    if (transitioned || (needsRetry && observed.status !== 'True')) {
      try {
        await this.markPodsNotReady(pods, name);
      } catch (err) {
        this.log(`${NODE_LIFECYCLE_CONTROLLER}: unable to mark all pods NotReady on node ${name}: ${describeError(err)}; queuing for retry`);
        this.nodesToRetry.add(name);
        return;
      }
    }
    this.nodesToRetry.delete(name);
  }

  /**
   * tryUpdateNodeHealth: refresh what is known of the node's heartbeats, and turn its conditions
   * Unknown once it has been silent for the grace period. Returns the Ready condition as observed
   * and as it is now (after a write), and the node as it is now.
   */
  private async tryUpdateNodeHealth(node: V1Node): Promise<{ observed: Cond; current?: Cond; node: V1Node }> {
    const name = nodeName(node);
    const now = Date.now();
    const created = wireString(node.metadata?.creationTimestamp) ?? rfc3339(now);
    const createdMs = epochMs(created) ?? now;
    const conditions = wireConditions(node.status?.conditions);
    let health = this.health.get(name);
    let current = findCond(conditions, 'Ready');
    let observed: Cond;
    let grace: number;
    if (!current) {
      observed = { type: 'Ready', status: 'Unknown', lastHeartbeatTime: created, lastTransitionTime: created };
      grace = this.timings.nodeStartupGracePeriodMs;
      if (health) health = { ...health, conditions };
      else health = { conditions, probeTimestamp: createdMs, readyTransitionTimestamp: createdMs };
    } else {
      observed = { ...current };
      grace = this.timings.nodeMonitorGracePeriodMs;
    }
    const saved = findCond(health?.conditions, 'Ready');
    const savedLease = health?.leaseRenew;
    if (!health) {
      health = { conditions, probeTimestamp: now, readyTransitionTimestamp: now };
    } else if (!saved && current) {
      health = { conditions, probeTimestamp: now, readyTransitionTimestamp: now };
    } else if (saved && !current) {
      this.log(`${NODE_LIFECYCLE_CONTROLLER}: the Ready condition was removed from the status of node ${name}`);
      health = { conditions, probeTimestamp: now, readyTransitionTimestamp: now };
    } else if (saved && current && saved.lastHeartbeatTime !== current.lastHeartbeatTime) {
      const transition = saved.lastTransitionTime !== current.lastTransitionTime ? now : health.readyTransitionTimestamp;
      health = { conditions, probeTimestamp: now, readyTransitionTimestamp: transition, leaseRenew: health.leaseRenew };
    }
    // A renewed lease always counts as a heartbeat.
    const lease = this.leases.get(name, NODE_LEASE_NAMESPACE);
    const renew = epochMs(lease?.spec?.renewTime as Date | string | undefined);
    if (lease && renew !== undefined && (savedLease === undefined || savedLease < renew)) {
      health = { ...health, leaseRenew: renew, probeTimestamp: now };
    }
    this.health.set(name, health);

    if (now > health.probeTimestamp + grace) {
      const stamp = rfc3339(now);
      for (const type of MONITORED_CONDITIONS) {
        const c = findCond(conditions, type);
        if (!c) {
          conditions.push({
            type,
            status: 'Unknown',
            reason: 'NodeStatusNeverUpdated',
            message: 'Kubelet never posted node status.',
            lastHeartbeatTime: created,
            lastTransitionTime: stamp,
          });
        } else if (c.status !== 'Unknown') {
          c.status = 'Unknown';
          c.reason = 'NodeStatusUnknown';
          c.message = 'Kubelet stopped posting node status.';
          c.lastTransitionTime = stamp;
        }
      }
      current = findCond(conditions, 'Ready');
      if (!sameCond(current, observed)) {
        // UpdateStatus: the whole condition list, guarded by the resourceVersion the decision was made on.
        const body = { metadata: { resourceVersion: node.metadata?.resourceVersion }, status: { conditions } };
        const updated = await this.clients.core.patchNodeStatus({ name, body }, MERGE_PATCH);
        this.health.set(name, {
          conditions,
          probeTimestamp: health.probeTimestamp,
          readyTransitionTimestamp: Date.now(),
          leaseRenew: renew ?? health.leaseRenew,
        });
        return { observed, current, node: updated };
      }
    }
    return { observed, current, node };
  }

  /** processTaintBaseEviction */
  private async processTaintBaseEviction(node: V1Node, observed: Cond): Promise<void> {
    const taints = node.spec?.taints;
    switch (observed.status) {
      case 'False':
        if (taintExists(taints, UNREACHABLE_NO_EXECUTE)) await swapNodeTaints(this.clients.core, node, [NOT_READY_NO_EXECUTE], [UNREACHABLE_NO_EXECUTE]);
        else this.markNodeForTainting(node, 'False');
        break;
      case 'Unknown':
        if (taintExists(taints, NOT_READY_NO_EXECUTE)) await swapNodeTaints(this.clients.core, node, [UNREACHABLE_NO_EXECUTE], [NOT_READY_NO_EXECUTE]);
        else this.markNodeForTainting(node, 'Unknown');
        break;
      case 'True':
        await this.markNodeAsReachable(node);
        break;
    }
  }

  private tainter(node: V1Node): RateLimitedTimedQueue {
    const zone = zoneKey(node);
    let q = this.zoneTainter.get(zone);
    if (!q) this.addZone(node);
    q = this.zoneTainter.get(zone)!;
    return q;
  }

  private markNodeForTainting(node: V1Node, status: 'False' | 'Unknown'): boolean {
    const q = this.tainter(node);
    const name = nodeName(node);
    if (status === 'False' && !taintExists(node.spec?.taints, NOT_READY_NO_EXECUTE)) q.remove(name);
    if (status === 'Unknown' && !taintExists(node.spec?.taints, UNREACHABLE_NO_EXECUTE)) q.remove(name);
    return q.add(name, node.metadata?.uid ?? '');
  }

  private async markNodeAsReachable(node: V1Node): Promise<boolean> {
    await removeNodeTaints(this.clients.core, node, [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE]);
    return this.tainter(node).remove(nodeName(node));
  }

  private addZone(node: V1Node): void {
    const zone = zoneKey(node);
    if (this.zoneStates.has(zone)) return;
    this.zoneStates.set(zone, 'Initial');
    this.zoneTainter.set(zone, new RateLimitedTimedQueue(new TokenBucket(this.timings.nodeEvictionRate, 1)));
  }

  /** doNoExecuteTaintingPass: add the NoExecute taint matching each queued node's Ready condition. */
  private async noExecuteTaintingPass(): Promise<void> {
    for (const q of [...this.zoneTainter.values()]) {
      if (this.stopped) return;
      await q.try(async (v) => {
        const node = this.nodes.get(v.value);
        if (!node) return [true, 0];
        const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
        if (!ready) return [false, 50];
        let add: TaintTemplate;
        let opposite: TaintTemplate;
        if (ready.status === 'False') [add, opposite] = [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE];
        else if (ready.status === 'Unknown') [add, opposite] = [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE];
        else return [true, 0]; // Ready again: nothing to taint.
        try {
          return [await swapNodeTaints(this.clients.core, node, [add], [opposite]), 0];
        } catch (err) {
          this.log(`${NODE_LIFECYCLE_CONTROLLER}: tainting node ${v.value}: ${describeError(err)}`);
          return [false, 0];
        }
      });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Zones (handleDisruption)

  private computeZoneState(conds: (Cond | undefined)[]): { unhealthy: number; state: ZoneState } {
    let ready = 0;
    let notReady = 0;
    for (const c of conds) {
      if (c?.status === 'True') ready++;
      else notReady++;
    }
    if (ready === 0 && notReady > 0) return { unhealthy: notReady, state: 'FullDisruption' };
    if (notReady > 2 && notReady / (notReady + ready) >= this.timings.unhealthyZoneThreshold) return { unhealthy: notReady, state: 'PartialDisruption' };
    return { unhealthy: notReady, state: 'Normal' };
  }

  private setLimiterInZone(zone: string, size: number, state: ZoneState): void {
    const q = this.zoneTainter.get(zone);
    if (!q) return;
    const t = this.timings;
    if (state === 'Normal') q.swapLimiter(t.nodeEvictionRate);
    // ReducedQPSFunc: a small zone in partial disruption stops tainting, a large one slows down.
    else if (state === 'PartialDisruption') q.swapLimiter(size > t.largeClusterSizeThreshold ? t.secondaryNodeEvictionRate : 0);
    // HealthyQPSFunc
    else if (state === 'FullDisruption') q.swapLimiter(t.nodeEvictionRate);
  }

  private async handleDisruption(zoneConditions: Map<string, (Cond | undefined)[]>, nodes: V1Node[]): Promise<void> {
    const newStates = new Map<string, ZoneState>();
    let allAreFullyDisrupted = true;
    for (const [zone, conds] of zoneConditions) {
      const { state } = this.computeZoneState(conds);
      if (state !== 'FullDisruption') allAreFullyDisrupted = false;
      newStates.set(zone, state);
      if (!this.zoneStates.has(zone)) this.zoneStates.set(zone, 'Initial');
    }
    let allWasFullyDisrupted = true;
    for (const [zone, state] of [...this.zoneStates]) {
      if (!zoneConditions.has(zone)) {
        this.zoneStates.delete(zone);
        continue;
      }
      if (state !== 'FullDisruption') {
        allWasFullyDisrupted = false;
        break;
      }
    }
    if (allAreFullyDisrupted && allWasFullyDisrupted) return;
    if (allAreFullyDisrupted) {
      this.log(`${NODE_LIFECYCLE_CONTROLLER}: all nodes are not Ready; entering master disruption mode`);
      for (const node of nodes) {
        await this.markNodeAsReachable(node).catch((err) => this.log(`${NODE_LIFECYCLE_CONTROLLER}: ${nodeName(node)}: ${describeError(err)}`));
      }
      for (const zone of this.zoneStates.keys()) {
        this.zoneTainter.get(zone)?.swapLimiter(0);
        this.zoneStates.set(zone, 'FullDisruption');
      }
      return;
    }
    if (allWasFullyDisrupted) {
      this.log(`${NODE_LIFECYCLE_CONTROLLER}: some nodes are Ready; exiting master disruption mode`);
      const now = Date.now();
      for (const node of nodes) {
        const h = this.health.get(nodeName(node));
        if (h) this.health.set(nodeName(node), { ...h, probeTimestamp: now, readyTransitionTimestamp: now });
      }
      for (const zone of [...this.zoneStates.keys()]) {
        const state = newStates.get(zone) ?? 'Normal';
        this.setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, state);
        this.zoneStates.set(zone, state);
      }
      return;
    }
    for (const [zone, state] of [...this.zoneStates]) {
      const next = newStates.get(zone) ?? 'Normal';
      if (state === next) continue;
      this.log(`${NODE_LIFECYCLE_CONTROLLER}: zone ${JSON.stringify(zone)} is now in state ${next}`);
      this.setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, next);
      this.zoneStates.set(zone, next);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Pods and events

  /** MarkPodsNotReady: each pod's Ready condition to False, with a `NodeNotReady` warning on the pod. */
  private async markPodsNotReady(pods: V1Pod[], node: string): Promise<void> {
    const errors: string[] = [];
    for (const pod of pods) {
      if (pod.spec?.nodeName !== node) continue;
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      const cond: Record<string, unknown> = {
        type: 'Ready',
        status: 'False',
        lastProbeTime: wireString(ready.lastProbeTime) ?? null,
        lastTransitionTime: rfc3339(),
      };
      if (ready.reason) cond.reason = ready.reason;
      if (ready.message) cond.message = ready.message;
      if (ready.observedGeneration !== undefined) cond.observedGeneration = ready.observedGeneration;
      const name = pod.metadata?.name ?? '';
      const namespace = pod.metadata?.namespace ?? '';
      try {
        await this.clients.core.patchNamespacedPodStatus(
          { name, namespace, body: { metadata: { uid: pod.metadata?.uid }, status: { conditions: [cond] } } },
          STRATEGIC_MERGE_PATCH,
        );
      } catch (err) {
        if (isNotFound(err)) continue;
        errors.push(`${namespace}/${name}: ${describeError(err)}`);
        continue;
      }
      this.recorder.event(objectRef(pod, { apiVersion: 'v1', kind: 'Pod' }), 'Warning', 'NodeNotReady', 'Node is not ready');
    }
    if (errors.length) throw new Error(errors.join('; '));
  }

  private nodeEvent(node: V1Node, reason: string, message: string): void {
    this.recorder.event({ apiVersion: 'v1', kind: 'Node', name: nodeName(node), uid: node.metadata?.uid, namespace: '' }, 'Normal', reason, message);
  }
}
