// The taint eviction controller (upstream pkg/controller/tainteviction, the NoExecuteTaintManager;
// its own controller `taint-eviction-controller` since 1.29): a pod on a node with NoExecute taints it
// does not tolerate is deleted at once; one tolerating them all, some for a limited time, is deleted
// once the shortest tolerationSeconds have passed since this controller first saw the taints (as
// upstream: counted from when the eviction was scheduled, not from the taint's timeAdded); a pod
// tolerating them forever stays. Removing the taint (or adding a toleration) cancels a scheduled
// deletion. Before deleting, the pod gets the DisruptionTarget condition; events
// `TaintManagerEviction` record marking and cancelling.
import type { V1Node, V1Pod, V1Taint } from '@kubernetes/client-node';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describeError, isNotFound, type Clients } from '../client/clients.ts';
import { EventRecorder } from '../client/events.ts';
import type { Informer } from '../client/informer.ts';
import { rfc3339, wireString } from '../client/time.ts';
import { WorkQueue } from '../client/workqueue.ts';
import type { Controller, ControllerContext } from './controller.ts';
import { PodsByNode, podKey } from './pods-by-node.ts';
import { matchingTolerations, minTolerationMs, noExecuteTaints } from './taints.ts';

export const TAINT_EVICTION_CONTROLLER = 'taint-eviction-controller';

const STRATEGIC_MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
/** Attempts at condition + delete before giving up on one firing (upstream `retries`). */
const RETRIES = 5;

interface TimedWork {
  createdAt: number;
  fireAt: number;
  timer?: NodeJS.Timeout;
  /** Fired already (or started at once): cannot be cancelled any more. */
  running: boolean;
}

/** The NoExecute taints of a node in a comparable form. */
function taintsKey(taints: readonly V1Taint[]): string {
  return JSON.stringify(taints.map((t) => [t.key, t.value ?? '', t.effect, wireString(t.timeAdded as Date | string | undefined) ?? '']));
}

export class TaintEvictionController implements Controller {
  private readonly clients: Clients;
  private readonly nodes: Informer<V1Node>;
  private readonly pods: Informer<V1Pod>;
  private readonly recorder: EventRecorder;
  private readonly index = new PodsByNode();
  /** The NoExecute taints of every node that has some (upstream taintedNodes). */
  private readonly tainted = new Map<string, V1Taint[]>();
  /** Last NoExecute taints seen per node, to skip node updates that did not change them. */
  private readonly seenTaints = new Map<string, string>();
  private readonly work = new Map<string, TimedWork>();
  private readonly nodeQueue = new WorkQueue<string>({ name: 'noexec_taint_node' });
  /** `namespace/name` + NUL + node name. */
  private readonly podQueue = new WorkQueue<string>({ name: 'noexec_taint_pod' });
  private readonly inflight = new Set<Promise<void>>();
  private readonly log: (line: string) => void;
  private stopped = false;

  constructor(ctx: ControllerContext) {
    this.clients = ctx.clients;
    this.log = ctx.log;
    this.nodes = ctx.informers.get('nodes');
    this.pods = ctx.informers.get('pods');
    this.recorder = new EventRecorder(ctx.clients.core, { component: TAINT_EVICTION_CONTROLLER, style: 'legacy' });
    this.nodes.on('add', (n) => this.nodeUpdated(n, false));
    this.nodes.on('update', (n) => this.nodeUpdated(n, false));
    this.nodes.on('delete', (n) => this.nodeUpdated(n, true));
    this.pods.on('add', (p) => this.podUpdated(this.index.set(p), p));
    this.pods.on('update', (p) => this.podUpdated(this.index.set(p), p));
    this.pods.on('delete', (p) => {
      const prev = this.index.delete(p);
      this.podUpdated(prev ?? p, undefined);
    });
  }

  async start(): Promise<void> {
    // Node updates first: a pod is only judged against taints already recorded for its node.
    void this.nodeQueue.run(1, async (name) => this.handleNodeUpdate(name));
    void this.podQueue.run(1, async (key) => this.handlePodUpdate(key));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.nodeQueue.shutDown();
    this.podQueue.shutDown();
    for (const w of this.work.values()) if (w.timer) clearTimeout(w.timer);
    this.work.clear();
    await Promise.allSettled([...this.inflight]);
    await this.recorder.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Informer events (NodeUpdated / PodUpdated)

  private nodeUpdated(node: V1Node, deleted: boolean): void {
    const name = node.metadata?.name ?? '';
    const key = deleted ? undefined : taintsKey(noExecuteTaints(node.spec?.taints));
    const before = this.seenTaints.get(name);
    if (deleted) this.seenTaints.delete(name);
    else this.seenTaints.set(name, key!);
    if (!deleted && before !== undefined && before === key) return;
    this.nodeQueue.add(name);
  }

  private podUpdated(prev: V1Pod | undefined, next: V1Pod | undefined): void {
    const pod = next ?? prev;
    if (!pod) return;
    if (
      prev &&
      next &&
      prev !== next &&
      prev.spec?.nodeName === next.spec?.nodeName &&
      JSON.stringify(prev.spec?.tolerations ?? []) === JSON.stringify(next.spec?.tolerations ?? [])
    ) {
      return;
    }
    this.podQueue.add(`${podKey(pod)}\u0000${pod.spec?.nodeName ?? ''}`);
  }

  // ---------------------------------------------------------------------------------------------
  // Workers

  private handleNodeUpdate(name: string): void {
    const node = this.nodes.get(name);
    if (!node) {
      this.tainted.delete(name);
      return;
    }
    const taints = noExecuteTaints(node.spec?.taints);
    if (taints.length === 0) this.tainted.delete(name);
    else this.tainted.set(name, taints);
    const pods = this.index.pods(name);
    if (pods.length === 0) return;
    if (taints.length === 0) {
      for (const p of pods) this.cancelWork(podKey(p));
      return;
    }
    const now = Date.now();
    for (const p of pods) this.processPodOnNode(p, taints, now);
  }

  private handlePodUpdate(item: string): void {
    const [key, nodeName] = item.split('\u0000') as [string, string];
    const slash = key.indexOf('/');
    const pod = this.pods.get(key.slice(slash + 1), key.slice(0, slash));
    if (!pod) {
      this.cancelWork(key);
      return;
    }
    // Keyed by node: a pod that moved is handled by its newer item.
    if ((pod.spec?.nodeName ?? '') !== nodeName || !nodeName) return;
    const taints = this.tainted.get(nodeName);
    if (!taints) return;
    this.processPodOnNode(pod, taints, Date.now());
  }

  private processPodOnNode(pod: V1Pod, taints: V1Taint[], now: number): void {
    const key = podKey(pod);
    if (taints.length === 0) {
      this.cancelWork(key);
      return;
    }
    const { all, used } = matchingTolerations(taints, pod.spec?.tolerations);
    if (!all) {
      // Not tolerated: delete now (whatever was scheduled).
      this.cancelWork(key);
      this.addWork(key, now, now);
      return;
    }
    const min = minTolerationMs(used);
    if (min < 0) {
      // Tolerated forever.
      this.cancelWork(key);
      return;
    }
    let start = now;
    const scheduled = this.work.get(key);
    if (scheduled && !scheduled.running) {
      start = scheduled.createdAt;
      if (start + min < now + min) return;
      this.cancelWork(key);
    }
    this.addWork(key, start, start + min);
  }

  // ---------------------------------------------------------------------------------------------
  // Timed deletions (TimedWorkerQueue)

  private addWork(key: string, createdAt: number, fireAt: number): void {
    if (this.stopped || this.work.has(key)) return;
    const w: TimedWork = { createdAt, fireAt, running: false };
    this.work.set(key, w);
    const delay = fireAt - createdAt;
    const fire = () => {
      w.running = true;
      w.timer = undefined;
      const p = this.deletePod(key).finally(() => {
        this.inflight.delete(p);
        if (this.work.get(key) === w) this.work.delete(key);
      });
      this.inflight.add(p);
    };
    if (delay <= 0) fire();
    else {
      w.timer = setTimeout(fire, fireAt - Date.now());
      w.timer.unref();
    }
  }

  /** CancelWork, with the `Cancelling deletion` event when a pending deletion was cancelled. */
  private cancelWork(key: string): void {
    const w = this.work.get(key);
    if (!w) return;
    this.work.delete(key);
    if (w.running) return;
    if (w.timer) clearTimeout(w.timer);
    const [namespace, name] = key.split('/') as [string, string];
    this.recorder.event({ apiVersion: 'v1', kind: 'Pod', name, namespace }, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }

  /** deletePodHandler: the event, then DisruptionTarget and delete, retried a few times. */
  private async deletePod(key: string): Promise<void> {
    if (this.stopped) return;
    const [namespace, name] = key.split('/') as [string, string];
    this.recorder.event({ apiVersion: 'v1', kind: 'Pod', name, namespace }, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    let last: unknown;
    for (let i = 0; i < RETRIES; i++) {
      try {
        await this.addConditionAndDelete(namespace, name);
        return;
      } catch (err) {
        last = err;
        if (isNotFound(err) || this.stopped) return;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    this.log(`${TAINT_EVICTION_CONTROLLER}: deleting pod ${key}: ${describeError(last)}`);
  }

  private async addConditionAndDelete(namespace: string, name: string): Promise<void> {
    const core = this.clients.core;
    const pod = await core.readNamespacedPod({ name, namespace });
    const reason = 'DeletionByTaintManager';
    const message = 'Taint manager: deleting due to NoExecute taint';
    const existing = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    // UpdatePodCondition: only write when something changed (the transition time stays if the status does).
    if (!(existing && existing.status === 'True' && existing.reason === reason && existing.message === message)) {
      const cond: Record<string, unknown> = {
        type: 'DisruptionTarget',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: existing?.status === 'True' ? wireString(existing.lastTransitionTime) : rfc3339(),
        reason,
        message,
      };
      if (pod.metadata?.generation !== undefined) cond.observedGeneration = pod.metadata.generation;
      await core.patchNamespacedPodStatus(
        { name, namespace, body: { metadata: { uid: pod.metadata?.uid }, status: { conditions: [cond] } } },
        STRATEGIC_MERGE_PATCH,
      );
    }
    await core.deleteNamespacedPod({ name, namespace });
  }
}
