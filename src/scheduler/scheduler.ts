// The scheduler: watches pods without a node that name it as their scheduler, and nodes; picks a node
// for each pod by filtering and scoring an incrementally kept snapshot (cache.ts); binds through the
// pods/binding subresource; when nothing fits, preempts lower-priority pods (preemption.ts). It is
// an API client only, so it runs in `wheelhouse up` or on its own (`wheelhouse scheduler …`) unchanged.
//
// One scheduling cycle runs at a time (as in kube-scheduler, so each decision sees the previous
// one's assumed pod); bindings and evictions run concurrently in the background.
import type { KubeConfig, V1Node, V1Pod } from '@kubernetes/client-node';
import { Clients, describeError, statusCode } from '../client/clients.ts';
import { EventRecorder, objectRef } from '../client/events.ts';
import { Informer } from '../client/informer.ts';
import { SchedulerCache, podInfo, podKey, type NodeInfo, type PodInfo } from './cache.ts';
import { FailureRecorder } from './failure.ts';
import { preFilter, runFilters, selectHost, type Cycle } from './framework.ts';
import { InformerListers } from './listers.ts';
import { SchedulerMetrics } from './metrics.ts';
import { PreemptionActions } from './preemption-actions.ts';
import { preempt } from './preemption.ts';
import { SchedulingQueue, type QueueOptions } from './queue.ts';
import { needsPreBind, preBindVolumes } from './volume-prebind.ts';
import type { VolumeDecisions } from './plugins/volume-binding.ts';
import { NO_CLAIMS, NO_NODES_AVAILABLE, fitErrorMessage, preFilterErrorMessage, type FilterStatus, type PluginName } from './status.ts';

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

/** Plugins whose verdict a newly placed pod (or a bound pod's new labels) can change. */
const POD_ADDED_CONCERNS: PluginName[] = ['InterPodAffinity', 'PodTopologySpread'];

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

function sameLabels(a: Record<string, string>, b: Record<string, string> | undefined): boolean {
  const bl = b ?? {};
  const ak = Object.keys(a);
  if (ak.length !== Object.keys(bl).length) return false;
  return ak.every((k) => a[k] === bl[k]);
}

/** What bind needs to report the attempt: when its cycle started and the pod's queue history. */
interface AttemptTiming {
  startedMs: number;
  attempts: number;
  queuedAtMs: number;
}

export class Scheduler {
  readonly name: string;
  /** scheduler_* metrics (profile = the scheduler name), served by --metrics-bind-address. */
  readonly metrics: SchedulerMetrics;
  private readonly clients: Clients;
  private readonly pods: Informer<V1Pod>;
  private readonly nodes: Informer<V1Node>;
  private readonly listers: InformerListers;
  private readonly cache = new SchedulerCache();
  private readonly queue: SchedulingQueue;
  private readonly recorder: EventRecorder;
  private readonly failures: FailureRecorder;
  private readonly actions: PreemptionActions;
  private readonly pendingSig = new Map<string, string>();
  /** The nominatedNodeName each pending pod last had in the API, to tell a cleared one from a stale copy. */
  private readonly seenNomination = new Map<string, string>();
  private readonly nodeSig = new Map<string, string>();
  private nextStartNodeIndex = 0;
  private running?: Promise<void>;
  private stopped = false;
  private bindSlots: number;
  private bindWaiters: (() => void)[] = [];
  private readonly log: (line: string) => void;

  constructor(opts: SchedulerOptions) {
    this.name = opts.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.log = opts.log ?? (() => {});
    this.metrics = new SchedulerMetrics(this.name);
    this.clients = new Clients(opts.kubeConfig, { component: 'kube-scheduler' });
    this.queue = new SchedulingQueue(opts.queue);
    this.bindSlots = opts.bindConcurrency ?? 32;
    this.recorder = new EventRecorder(this.clients.core, { component: this.name, style: 'series', instance: opts.instance });
    this.failures = new FailureRecorder(this.clients.core, this.recorder, this.log);
    this.actions = new PreemptionActions({ core: this.clients.core, schedulerName: this.name, recorder: this.recorder, log: this.log });
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
    this.listers = new InformerListers(opts.kubeConfig, this.clients, (what) =>
      this.queue.moveAllToActive(what === 'namespace' ? ['InterPodAffinity'] : ['VolumeBinding']),
    );
    this.pods.on('add', (p) => this.onPod(p));
    this.pods.on('update', (p) => this.onPod(p));
    this.pods.on('delete', (p) => this.onPodDelete(p));
    this.nodes.on('add', (n) => this.onNode(n));
    this.nodes.on('update', (n) => this.onNode(n));
    this.nodes.on('delete', (n) => this.onNodeDelete(n));
  }

  async start(): Promise<void> {
    await this.nodes.start();
    await this.listers.start();
    await this.pods.start();
    await Promise.all([this.nodes.synced, this.pods.synced]);
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.close();
    await Promise.all([this.pods.stop(), this.nodes.stop(), this.listers.stop()]);
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
      const prev = this.cache.get(key);
      const placedAnew = !prev || this.cache.isAssumed(key) || !sameLabels(prev.pi.subject.labels, pod.metadata?.labels);
      this.cache.setBoundPod(pod);
      this.forgetPending(key);
      if (placedAnew) this.queue.moveAllToActive(POD_ADDED_CONCERNS);
      return;
    }
    if (!this.responsible(pod) || pod.metadata?.deletionTimestamp || (pod.spec?.schedulingGates ?? []).length > 0) {
      this.forgetPending(key);
      return;
    }
    if (this.cache.isAssumed(key)) return;
    this.syncNomination(key, pod);
    const sig = podSignature(pod);
    if (this.pendingSig.get(key) === sig && this.queue.has(key)) return;
    this.pendingSig.set(key, sig);
    this.queue.add(key, podPriority(pod));
  }

  /**
   * Keep the nominator in step with status.nominatedNodeName. A copy without one right after this
   * scheduler nominated the pod (its status write not seen yet) keeps the nomination.
   */
  private syncNomination(key: string, pod: V1Pod): void {
    const nnn = pod.status?.nominatedNodeName ?? '';
    const seen = this.seenNomination.get(key) ?? '';
    if (nnn) this.seenNomination.set(key, nnn);
    else this.seenNomination.delete(key);
    if (nnn) this.cache.nominate(podInfo(pod), nnn);
    else if (seen) this.cache.clearNomination(key);
    else {
      const memo = this.cache.nominatedNodeOf(key);
      if (memo !== undefined) this.cache.nominate(podInfo(pod), memo);
    }
  }

  private forgetPending(key: string): void {
    this.pendingSig.delete(key);
    this.seenNomination.delete(key);
    this.cache.clearNomination(key);
    this.queue.delete(key);
  }

  private onPodDelete(pod: V1Pod): void {
    const key = podKey(pod);
    this.forgetPending(key);
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
      const startedMs = performance.now();
      try {
        this.scheduleOne(key, startedMs);
      } catch (err) {
        this.log(`scheduling ${key} failed: ${describeError(err)}`);
        this.queue.failed(key, false);
        this.metrics.attempt('error', startedMs);
      }
      // Let informer events in between cycles.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private scheduleOne(key: string, startedMs: number): void {
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
      this.metrics.attempt('unschedulable', startedMs);
      this.failures.record(pod, NO_NODES_AVAILABLE);
      return;
    }
    const pre = preFilter(pi, { cache: this.cache, listers: this.listers });
    if ('reject' in pre) {
      // Every node gets the PreFilter status; preemption cannot resolve it.
      const statuses = new Map(nodes.map((ni) => [ni, pre.reject] as const));
      const outcome = preempt(pi, undefined, nodes, statuses, this.nominatedNode(pod));
      this.queue.failed(key, true, new Set([pre.reject.plugin]));
      this.metrics.attempt('unschedulable', startedMs);
      this.failures.record(pod, preFilterErrorMessage(nodes.length, pre.reject.reasons.join(', '), outcome.message), 'Unschedulable', this.clearedNomination(pod, outcome.clearNomination));
      return;
    }
    const cycle = pre.cycle;
    const nominated = this.nominatedNode(pod);
    // A nominated node that fits is taken without looking further (evaluateNominatedNode).
    if (nominated && !runFilters(cycle, nominated)) {
      this.assumeAndBind(pod, pi, nominated.name, startedMs, cycle.volumes?.decisions.get(nominated.name));
      return;
    }
    const { feasible, statuses } = this.findFeasible(cycle, nodes);
    if (feasible.length === 0) {
      this.postFilter(pod, cycle, nodes, statuses, nominated);
      this.metrics.attempt('unschedulable', startedMs);
      return;
    }
    const host = feasible.length === 1 ? feasible[0]! : selectHost(cycle, feasible);
    this.assumeAndBind(pod, pi, host.name, startedMs, cycle.volumes?.decisions.get(host.name));
  }

  private nominatedNode(pod: V1Pod): NodeInfo | undefined {
    const name = this.cache.nominatedNodeOf(podKey(pod)) ?? pod.status?.nominatedNodeName;
    const ni = name ? this.cache.nodes.get(name) : undefined;
    return ni?.node ? ni : undefined;
  }

  /** The nominatedNodeName to write when preemption found nothing: cleared, if the pod had one. */
  private clearedNomination(pod: V1Pod, clear: boolean): null | undefined {
    const key = podKey(pod);
    if (!clear || (!pod.status?.nominatedNodeName && this.cache.nominatedNodeOf(key) === undefined)) return undefined;
    this.cache.clearNomination(key);
    return null;
  }

  /** DefaultPreemption, then the FailedScheduling event and status (with the nomination, if any). */
  private postFilter(pod: V1Pod, cycle: Cycle, nodes: NodeInfo[], statuses: Map<NodeInfo, FilterStatus>, nominated: NodeInfo | undefined): void {
    const key = podKey(pod);
    const rejectedBy = new Set<PluginName>([...statuses.values()].map((s) => s.plugin));
    const outcome = preempt(cycle.pi, cycle, nodes, statuses, nominated);
    this.queue.failed(key, true, rejectedBy);
    const c = outcome.candidate;
    if (!c) {
      const message = fitErrorMessage(nodes.length, statuses.values(), `${NO_CLAIMS}, ${outcome.message}`);
      this.failures.record(pod, message, 'Unschedulable', this.clearedNomination(pod, outcome.clearNomination));
      return;
    }
    // Lower-priority pods nominated to the node may no longer fit there: they lose the nomination.
    const demoted = [...this.cache.nominatedOn(c.node.name)].filter((p) => p.key !== key && p.priority < cycle.pi.priority);
    for (const p of demoted) this.cache.clearNomination(p.key);
    this.cache.nominate(cycle.pi, c.node.name);
    this.failures.record(pod, fitErrorMessage(nodes.length, statuses.values(), ''), 'Unschedulable', c.node.name);
    void this.actions.run(
      pod,
      c.node.name,
      c.victims.map((v) => v.pod),
      demoted.map((p) => p.pod),
    );
  }

  /** numFeasibleNodesToFind: all nodes below 100, else an adaptive share (50% − n/125, at least 5%). */
  private numToFind(total: number): number {
    if (total < 100) return total;
    const pct = Math.max(5, 50 - Math.floor(total / 125));
    return Math.max(100, Math.floor((total * pct) / 100));
  }

  private findFeasible(cycle: Cycle, nodes: NodeInfo[]): { feasible: NodeInfo[]; statuses: Map<NodeInfo, FilterStatus> } {
    const want = this.numToFind(nodes.length);
    const feasible: NodeInfo[] = [];
    const statuses = new Map<NodeInfo, FilterStatus>();
    let processed = 0;
    for (let i = 0; i < nodes.length && feasible.length < want; i++) {
      const ni = nodes[(this.nextStartNodeIndex + i) % nodes.length]!;
      processed++;
      const st = runFilters(cycle, ni);
      if (st) statuses.set(ni, st);
      else feasible.push(ni);
    }
    this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % nodes.length;
    return { feasible, statuses };
  }

  private assumeAndBind(pod: V1Pod, pi: PodInfo, host: string, startedMs: number, volumes?: VolumeDecisions): void {
    const key = pi.key;
    // Read before done() forgets the pod: this attempt counts as one more.
    const history = this.queue.history(key);
    const timing: AttemptTiming = { startedMs, attempts: (history?.attempts ?? 0) + 1, queuedAtMs: history?.since ?? Date.now() };
    this.cache.clearNomination(key);
    this.cache.assume(pod, host);
    this.queue.done(key);
    void this.bind(pod, host, timing, volumes);
  }

  private async acquireBindSlot(): Promise<void> {
    while (this.bindSlots === 0) await new Promise<void>((resolve) => this.bindWaiters.push(resolve));
    this.bindSlots--;
  }

  private releaseBindSlot(): void {
    this.bindSlots++;
    this.bindWaiters.shift()?.();
  }

  private async bind(pod: V1Pod, host: string, timing: AttemptTiming, volumes?: VolumeDecisions): Promise<void> {
    const key = podKey(pod);
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    if (needsPreBind(volumes)) {
      try {
        await preBindVolumes(this.clients.core, this.listers, pod, host, volumes, {
          timeoutMs: 600_000,
          pollMs: 100,
          abandoned: () => this.stopped || this.pods.get(name, namespace)?.metadata?.uid !== pod.metadata?.uid,
        });
      } catch (err) {
        this.cache.forget(key);
        if (this.stopped || this.pods.get(name, namespace)?.metadata?.uid !== pod.metadata?.uid) return;
        this.metrics.attempt('error', timing.startedMs);
        this.failures.record(pod, `running PreBind plugin "VolumeBinding": ${describeError(err)}`, 'SchedulerError');
        this.retryLater(pod);
        return;
      }
    }
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
      this.metrics.attempt('scheduled', timing.startedMs);
      this.metrics.podScheduled(timing.attempts, timing.queuedAtMs);
      this.recorder.event(objectRef(pod, { apiVersion: 'v1', kind: 'Pod' }), 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${host}`, 'Binding');
    } catch (err) {
      this.cache.forget(key);
      if (!this.stopped) this.metrics.attempt('error', timing.startedMs);
      const code = statusCode(err);
      // Already bound, being deleted or gone: the informer will tell the rest.
      if (code === 409 || code === 404) return;
      this.log(`binding ${key} to ${host} failed: ${describeError(err)}`);
      this.failures.record(pod, `Binding rejected: ${describeError(err)}`, 'SchedulerError');
      this.retryLater(pod);
    } finally {
      this.releaseBindSlot();
    }
  }

  private retryLater(pod: V1Pod): void {
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? 'default';
    const retry = setTimeout(() => {
      const current = this.pods.get(name, namespace);
      if (current && !current.spec?.nodeName) this.queue.add(podKey(current), podPriority(current));
    }, 1000);
    retry.unref();
  }
}
