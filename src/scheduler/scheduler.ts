// The scheduler: watches pods without a node that name it as their scheduler, and nodes; picks a node
// for each pod by filtering and scoring an incrementally kept snapshot (cache.ts); binds through the
// pods/binding subresource. It is an API client only, so it runs in `wheelhouse up` or on its own
// (`wheelhouse scheduler --kubeconfig …`) unchanged.
//
// One scheduling cycle runs at a time (as in kube-scheduler, so each decision sees the previous
// one's assumed pod); bindings run concurrently in the background.
import type { KubeConfig, V1Node, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { Clients, MERGE_PATCH, describeError, statusCode } from '../client/clients.ts';
import { EventRecorder, objectRef } from '../client/events.ts';
import { Informer } from '../client/informer.ts';
import { rfc3339, wireString } from '../client/time.ts';
import { SchedulerCache, podInfo, podKey, type NodeInfo, type PodInfo } from './cache.ts';
import {
  NO_NODES_AVAILABLE,
  balancedAllocationScore,
  fitErrorMessage,
  intolerablePreferNoSchedule,
  leastAllocatedScore,
  normalize,
  preemptionMessage,
  preferredAffinityRaw,
  runFilters,
  type FilterStatus,
} from './plugins.ts';
import { SchedulingQueue, type QueueOptions } from './queue.ts';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerOptions {
  kubeConfig: KubeConfig;
  schedulerName?: string;
  queue?: QueueOptions;
  /** Bindings in flight at once. */
  bindConcurrency?: number;
  /** reportingInstance of the scheduler's events (default `<schedulerName>-<hostname>`). */
  instance?: string;
  log?: (line: string) => void;
}

const POD_WEIGHTS = { leastAllocated: 1, balanced: 1, nodeAffinity: 2, taintToleration: 3 };

function podPriority(pod: V1Pod): number {
  return pod.spec?.priority ?? 0;
}

/** What makes an unscheduled pod worth another attempt when it changes: everything but status. */
function podSignature(pod: V1Pod): string {
  return JSON.stringify([pod.metadata?.labels, pod.metadata?.annotations, pod.spec]);
}

/** The node properties filters look at; status heartbeats alone do not requeue anything. */
function nodeSignature(node: V1Node): string {
  return JSON.stringify([
    node.metadata?.labels,
    node.spec?.unschedulable,
    node.spec?.taints,
    node.status?.allocatable,
    (node.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`),
  ]);
}

export class Scheduler {
  readonly name: string;
  private readonly clients: Clients;
  private readonly pods: Informer<V1Pod>;
  private readonly nodes: Informer<V1Node>;
  private readonly cache = new SchedulerCache();
  private readonly queue: SchedulingQueue;
  private readonly recorder: EventRecorder;
  private readonly pendingSig = new Map<string, string>();
  private readonly nodeSig = new Map<string, string>();
  private nextStartNodeIndex = 0;
  private running?: Promise<void>;
  private stopped = false;
  private bindSlots: number;
  private bindWaiters: (() => void)[] = [];
  private readonly log: (line: string) => void;

  constructor(private readonly opts: SchedulerOptions) {
    this.name = opts.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.log = opts.log ?? (() => {});
    this.clients = new Clients(opts.kubeConfig);
    this.queue = new SchedulingQueue(opts.queue);
    this.bindSlots = opts.bindConcurrency ?? 32;
    this.recorder = new EventRecorder(this.clients.core, { component: this.name, style: 'series', instance: opts.instance });
    const core = this.clients.core;
    const fieldSelector = 'status.phase!=Succeeded,status.phase!=Failed';
    this.pods = new Informer<V1Pod>(opts.kubeConfig, {
      path: '/api/v1/pods',
      type: 'V1Pod',
      fieldSelector,
      list: () => core.listPodForAllNamespaces({ fieldSelector }),
    });
    this.nodes = new Informer<V1Node>(opts.kubeConfig, {
      path: '/api/v1/nodes',
      type: 'V1Node',
      list: () => core.listNode(),
    });
    this.pods.on('add', (p) => this.onPod(p));
    this.pods.on('update', (p) => this.onPod(p));
    this.pods.on('delete', (p) => this.onPodDelete(p));
    this.nodes.on('add', (n) => this.onNode(n));
    this.nodes.on('update', (n) => this.onNode(n));
    this.nodes.on('delete', (n) => this.onNodeDelete(n));
  }

  async start(): Promise<void> {
    await this.nodes.start();
    await this.pods.start();
    await Promise.all([this.nodes.synced, this.pods.synced]);
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.close();
    await Promise.all([this.pods.stop(), this.nodes.stop()]);
    await this.running;
    await this.recorder.close();
    this.clients.close();
  }

  private responsible(pod: V1Pod): boolean {
    return (pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) === this.name;
  }

  private onPod(pod: V1Pod): void {
    const key = podKey(pod);
    if (pod.spec?.nodeName) {
      this.cache.setBoundPod(pod);
      this.pendingSig.delete(key);
      this.queue.delete(key);
      return;
    }
    if (!this.responsible(pod) || pod.metadata?.deletionTimestamp || (pod.spec?.schedulingGates ?? []).length > 0) {
      this.pendingSig.delete(key);
      this.queue.delete(key);
      return;
    }
    if (this.cache.isAssumed(key)) return;
    const sig = podSignature(pod);
    if (this.pendingSig.get(key) === sig && this.queue.has(key)) return;
    this.pendingSig.set(key, sig);
    this.queue.add(key, podPriority(pod));
  }

  private onPodDelete(pod: V1Pod): void {
    const key = podKey(pod);
    this.pendingSig.delete(key);
    this.queue.delete(key);
    if (pod.spec?.nodeName || this.cache.isAssumed(key)) {
      this.cache.removePod(key);
      // Resources were freed: parked pods may fit now.
      this.queue.moveAllToActive();
    }
  }

  private onNode(node: V1Node): void {
    const name = node.metadata?.name ?? '';
    this.cache.setNode(node);
    const sig = nodeSignature(node);
    if (this.nodeSig.get(name) === sig) return;
    this.nodeSig.set(name, sig);
    this.queue.moveAllToActive();
  }

  private onNodeDelete(node: V1Node): void {
    const name = node.metadata?.name ?? '';
    this.nodeSig.delete(name);
    this.cache.removeNode(name);
  }

  private async loop(): Promise<void> {
    for (;;) {
      const key = await this.queue.pop();
      if (key === undefined || this.stopped) return;
      try {
        await this.scheduleOne(key);
      } catch (err) {
        this.log(`scheduling ${key} failed: ${describeError(err)}`);
        this.queue.failed(key, false);
      }
      // Let informer events in between cycles.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private async scheduleOne(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const pod = this.pods.get(name, namespace);
    if (!pod || pod.spec?.nodeName || pod.metadata?.deletionTimestamp || !this.responsible(pod) || this.cache.isAssumed(key)) {
      this.queue.done(key);
      return;
    }
    const pi = podInfo(pod);
    const nodes = this.cache.nodeList();
    if (nodes.length === 0) {
      this.queue.failed(key, true);
      this.recordFailure(pod, NO_NODES_AVAILABLE);
      return;
    }
    const { feasible, statuses } = this.findFeasible(pi, nodes);
    if (feasible.length === 0) {
      const preemption = preemptionMessage(pi, nodes.length, statuses, this.cache.nodes);
      this.queue.failed(key, true);
      this.recordFailure(pod, fitErrorMessage(nodes.length, statuses, preemption));
      return;
    }
    const host = feasible.length === 1 ? feasible[0]!.name : this.selectHost(pi, feasible);
    this.cache.assume(pod, host);
    this.queue.done(key);
    void this.bind(pod, host);
  }

  /** numFeasibleNodesToFind: all nodes below 100, else an adaptive share (50% − n/125, at least 5%). */
  private numToFind(total: number): number {
    if (total < 100) return total;
    const pct = Math.max(5, 50 - Math.floor(total / 125));
    return Math.max(100, Math.floor((total * pct) / 100));
  }

  private findFeasible(pi: PodInfo, nodes: NodeInfo[]): { feasible: NodeInfo[]; statuses: Map<string, FilterStatus> } {
    const want = this.numToFind(nodes.length);
    const feasible: NodeInfo[] = [];
    const statuses = new Map<string, FilterStatus>();
    let processed = 0;
    for (let i = 0; i < nodes.length && feasible.length < want; i++) {
      const ni = nodes[(this.nextStartNodeIndex + i) % nodes.length]!;
      processed++;
      const st = runFilters(pi, ni);
      if (st) statuses.set(ni.name, st);
      else feasible.push(ni);
    }
    this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % nodes.length;
    return { feasible, statuses };
  }

  private selectHost(pi: PodInfo, feasible: NodeInfo[]): string {
    const affinity = normalize(
      feasible.map((ni) => preferredAffinityRaw(pi.pod, ni.node!)),
      false,
    );
    const taints = normalize(
      feasible.map((ni) => intolerablePreferNoSchedule(pi.pod, ni.node!)),
      true,
    );
    let best = -1;
    let chosen = feasible[0]!.name;
    let ties = 0;
    feasible.forEach((ni, i) => {
      const score =
        POD_WEIGHTS.leastAllocated * leastAllocatedScore(pi, ni) +
        POD_WEIGHTS.balanced * balancedAllocationScore(pi, ni) +
        POD_WEIGHTS.nodeAffinity * affinity[i]! +
        POD_WEIGHTS.taintToleration * taints[i]!;
      if (score > best) {
        best = score;
        chosen = ni.name;
        ties = 1;
      } else if (score === best) {
        // Reservoir sampling: each of the tied nodes is equally likely.
        ties++;
        if (Math.random() * ties < 1) chosen = ni.name;
      }
    });
    return chosen;
  }

  private async acquireBindSlot(): Promise<void> {
    while (this.bindSlots === 0) await new Promise<void>((resolve) => this.bindWaiters.push(resolve));
    this.bindSlots--;
  }

  private releaseBindSlot(): void {
    this.bindSlots++;
    this.bindWaiters.shift()?.();
  }

  private async bind(pod: V1Pod, host: string): Promise<void> {
    const key = podKey(pod);
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    await this.acquireBindSlot();
    try {
      await this.clients.core.createNamespacedPodBinding({
        name,
        namespace,
        body: {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace, uid: pod.metadata?.uid },
          target: { apiVersion: 'v1', kind: 'Node', name: host },
        },
      });
      this.recorder.event(objectRef(pod, { apiVersion: 'v1', kind: 'Pod' }), 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${host}`, 'Binding');
    } catch (err) {
      this.cache.forget(key);
      const code = statusCode(err);
      // Already bound, being deleted or gone: the informer will tell the rest.
      if (code === 409 || code === 404) return;
      this.log(`binding ${key} to ${host} failed: ${describeError(err)}`);
      this.recordFailure(pod, `Binding rejected: ${describeError(err)}`, 'SchedulerError');
      const retry = setTimeout(() => {
        const current = this.pods.get(name, namespace);
        if (current && !current.spec?.nodeName) this.queue.add(key, podPriority(current));
      }, 1000);
      retry.unref();
    } finally {
      this.releaseBindSlot();
    }
  }

  /** The FailedScheduling event, then the PodScheduled=False condition (only when it changes). */
  private recordFailure(pod: V1Pod, message: string, reason = 'Unschedulable'): void {
    this.recorder.event(objectRef(pod, { apiVersion: 'v1', kind: 'Pod' }), 'Warning', 'FailedScheduling', message, 'Scheduling');
    const conditions = pod.status?.conditions ?? [];
    const old = conditions.find((c) => c.type === 'PodScheduled');
    if (old && old.status === 'False' && old.reason === reason && old.message === message) return;
    const cond: Record<string, unknown> = {
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: old?.status === 'False' ? wireString(old.lastTransitionTime) : rfc3339(),
      reason,
      message,
    };
    if (pod.metadata?.generation !== undefined) cond.observedGeneration = pod.metadata.generation;
    const rest = conditions.filter((c) => c.type !== 'PodScheduled').map(conditionJSON);
    const body = { status: { conditions: [...rest, cond] } };
    void this.clients.core
      .patchNamespacedPodStatus({ name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? 'default', body }, MERGE_PATCH)
      .catch((err: unknown) => {
        if (statusCode(err) !== 404) this.log(`updating status of ${podKey(pod)} failed: ${describeError(err)}`);
      });
  }
}

/** A condition read through the client, back in its wire form. */
function conditionJSON(c: V1PodCondition): Record<string, unknown> {
  const out: Record<string, unknown> = { type: c.type, status: c.status };
  out.lastProbeTime = c.lastProbeTime ? wireString(c.lastProbeTime) : null;
  out.lastTransitionTime = c.lastTransitionTime ? wireString(c.lastTransitionTime) : null;
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  if (c.observedGeneration !== undefined) out.observedGeneration = c.observedGeneration;
  return out;
}

