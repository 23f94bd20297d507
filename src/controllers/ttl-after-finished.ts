// The TTL-after-finished controller (kube-controller-manager pkg/controller/ttlafterfinished): a
// finished Job with spec.ttlSecondsAfterFinished is deleted that long after its Complete/Failed
// condition turned True. The key waits in the queue until then; before deleting, the Job is read
// from the server again, because the TTL may have been changed or the Job replaced meanwhile. The
// deletion is in the foreground with the UID as precondition, so the Job stays visible (with
// a deletionTimestamp) until the garbage collector has removed its pods.
import type { V1Job } from '@kubernetes/client-node';
import { type Clients, describeError, isNotFound } from '../client/clients.ts';
import type { Informer } from '../client/informer.ts';
import { WorkQueue } from '../client/workqueue.ts';
import type { Controller, ControllerContext } from './controller.ts';
import { finishedCondition, isJobFinished, toMs } from './job-util.ts';
import { objKey, splitKey } from './pod-control.ts';

function needsCleanup(job: V1Job): boolean {
  return job.spec?.ttlSecondsAfterFinished !== undefined && job.spec.ttlSecondsAfterFinished !== null && isJobFinished(job);
}

/** timeLeft: ms until the Job expires (≤ 0: expired). */
function timeLeft(job: V1Job, now: number, log: (line: string) => void): number {
  const finished = toMs(finishedCondition(job)?.lastTransitionTime);
  if (finished === undefined) throw new Error(`unable to find the time when the Job ${job.metadata?.namespace}/${job.metadata?.name} finished`);
  if (finished > now) log(`ttl-after-finished-controller: Job ${objKey(job)} finished in the future (clock skew?); cleanup deferred`);
  return finished + (job.spec?.ttlSecondsAfterFinished ?? 0) * 1000 - now;
}

export class TTLAfterFinishedController implements Controller {
  private readonly clients: Clients;
  private readonly jobs: Informer<V1Job>;
  private readonly queue = new WorkQueue<string>({ baseDelayMs: 1000, maxDelayMs: 60_000, name: 'ttl_jobs_to_delete' });
  private readonly log: (line: string) => void;
  private running?: Promise<void>;

  constructor(ctx: ControllerContext, private readonly workers = 5) {
    this.clients = ctx.clients;
    this.log = ctx.log;
    this.jobs = ctx.informers.get('jobs');
    this.jobs.on('add', (j) => this.enqueue(j));
    this.jobs.on('update', (j) => this.enqueue(j));
  }

  async start(): Promise<void> {
    for (const j of this.jobs.list()) this.enqueue(j);
    this.running = this.queue.run(this.workers, (key) => this.processJob(key), (key, err) => this.log(`ttl-after-finished-controller: ${key}: ${describeError(err)}`));
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
  }

  private enqueue(job: V1Job): void {
    if (!job.metadata?.deletionTimestamp && needsCleanup(job)) this.queue.add(objKey(job));
  }

  /** Whether the Job has expired; if not yet, its key comes back when it will have. */
  private expired(key: string, job: V1Job): boolean {
    if (!needsCleanup(job)) return false;
    const left = timeLeft(job, Date.now(), this.log);
    if (left <= 0) return true;
    this.queue.addAfter(key, left);
    return false;
  }

  private async processJob(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.jobs.get(name, namespace);
    if (!cached || cached.metadata?.deletionTimestamp || !this.expired(key, cached)) return;
    let fresh: V1Job;
    try {
      fresh = await this.clients.batch.readNamespacedJob({ namespace, name });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (fresh.metadata?.deletionTimestamp || !this.expired(key, fresh)) return;
    try {
      await this.clients.batch.deleteNamespacedJob({
        namespace,
        name,
        propagationPolicy: 'Foreground',
        body: { preconditions: { uid: fresh.metadata?.uid } },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

export const newTTLAfterFinishedController = (ctx: ControllerContext): Controller => new TTLAfterFinishedController(ctx);
