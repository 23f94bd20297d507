// What the DaemonSet and StatefulSet controllers share: a queue of set keys fed by the set informer
// and by the pods the sets control (the controllerRef's set, the previous owner when it changed,
// and for orphans every set whose selector matches, so it can adopt them), the ControllerRevision
// history, an event recorder, and a status write retried once on a fresh copy as upstream does.
import type { V1LabelSelector, V1ObjectMeta, V1Pod } from '@kubernetes/client-node';
import { type Clients, describeError, isNotFound } from '../client/clients.ts';
import { EventRecorder } from '../client/events.ts';
import type { Informer } from '../client/informer.ts';
import { WorkQueue } from '../client/workqueue.ts';
import type { Controller, ControllerContext } from './controller.ts';
import { RevisionHistory, selectorOf } from './history.ts';
import { controllerOf, isPodReady, objKey, splitKey } from './pod-control.ts';

export interface PodSet {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: { selector?: V1LabelSelector; minReadySeconds?: number };
}

export type PodEvent = 'add' | 'update' | 'delete';

export abstract class PodSetController<S extends PodSet> implements Controller {
  protected readonly clients: Clients;
  protected readonly pods: Informer<V1Pod>;
  protected readonly history: RevisionHistory;
  protected readonly queue: WorkQueue<string>;
  protected readonly recorder: EventRecorder;
  private readonly log: (line: string) => void;
  private running?: Promise<void>;

  constructor(
    ctx: ControllerContext,
    protected readonly sets: Informer<S>,
    private readonly kind: string,
    private readonly component: string,
    private readonly workers: number,
  ) {
    this.clients = ctx.clients;
    this.log = ctx.log;
    // daemonset / statefulset, upstream's queue names.
    this.queue = new WorkQueue<string>({ name: kind.toLowerCase() });
    this.pods = ctx.informers.get('pods');
    this.history = new RevisionHistory(ctx.clients, ctx.informers.get('controllerrevisions'));
    this.recorder = new EventRecorder(ctx.clients.core, { component, style: 'legacy' });
    this.sets.on('add', (s) => this.queue.add(objKey(s)));
    this.sets.on('update', (s) => this.queue.add(objKey(s)));
    this.sets.on('delete', (s) => {
      this.setDeleted(objKey(s));
      this.queue.add(objKey(s));
    });
    this.pods.on('add', (p) => this.onPod(p, 'add'));
    this.pods.on('update', (p, old) => this.onPod(p, 'update', old));
    this.pods.on('delete', (p) => this.onPod(p, 'delete'));
  }

  protected abstract sync(key: string): Promise<void>;

  /** A pod of this set was seen (expectation bookkeeping). */
  protected podObserved(_setKey: string, _pod: V1Pod, _event: PodEvent): void {}

  protected setDeleted(_key: string): void {}

  async start(): Promise<void> {
    this.enqueueAll();
    this.running = this.queue.run(this.workers, (key) => this.sync(key), (key, err) => this.log(`${this.component}: sync ${key}: ${describeError(err)}`));
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
    await this.recorder.close();
  }

  protected enqueueAll(): void {
    for (const s of this.sets.list()) this.queue.add(objKey(s));
  }

  /** resolveControllerRef: the set a controllerRef points at, if it exists with that UID. */
  protected resolve(namespace: string, ref: { kind?: string; name?: string; uid?: string } | undefined): S | undefined {
    if (!ref || ref.kind !== this.kind) return undefined;
    const s = this.sets.get(ref.name ?? '', namespace);
    return s && s.metadata?.uid === ref.uid ? s : undefined;
  }

  private onPod(pod: V1Pod, event: PodEvent, old?: V1Pod): void {
    const ns = pod.metadata?.namespace ?? '';
    const owner = this.resolve(ns, controllerOf(pod));
    if (owner) {
      const key = objKey(owner);
      this.podObserved(key, pod, event);
      this.queue.add(key);
      // Availability after minReadySeconds is not an event of its own: look again once it is due.
      const minReady = owner.spec?.minReadySeconds ?? 0;
      if (minReady > 0 && isPodReady(pod)) this.queue.addAfter(key, minReady * 1000 + 100);
    }
    const before = old && this.resolve(ns, controllerOf(old));
    if (before && before.metadata?.uid !== owner?.metadata?.uid) this.queue.add(objKey(before));
    if (!owner && !controllerOf(pod) && event !== 'delete') {
      for (const s of this.sets.list(ns)) {
        const sel = selectorOf(s);
        if (!sel.empty() && sel.matches(pod.metadata?.labels)) this.queue.add(objKey(s));
      }
    }
  }

  /** Write status on the cached copy; on a conflict read the latest and try once more (statusUpdateRetries). */
  protected async writeStatusWithRetry(set: S, status: object, read: (namespace: string, name: string) => Promise<S>, write: (obj: S) => Promise<unknown>): Promise<void> {
    const { namespace, name } = splitKey(objKey(set));
    let obj: S = structuredClone(set);
    for (let attempt = 0; ; attempt++) {
      // The controller owns the counters, not the conditions: after a conflict the re-read object's
      // conditions (which a client may have just written) are kept, as upstream sets only its own fields
      // on the object it fetched again.
      const fresh = (obj as { status?: { conditions?: unknown[] } }).status?.conditions;
      const { conditions: _stale, ...counters } = status as { conditions?: unknown[] };
      (obj as { status?: object }).status = attempt === 0 ? status : fresh ? { ...counters, conditions: fresh } : counters;
      try {
        await write(obj);
        return;
      } catch (err) {
        if (isNotFound(err) || attempt >= 1) throw err;
        obj = await read(namespace, name);
      }
    }
  }
}
