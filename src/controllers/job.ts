// The Job controller (kube-controller-manager pkg/controller/job, as in Kubernetes 1.33).
//
// Each sync counts the Job's pods and acts: creates pods up to min(parallelism, remaining
// completions) — waiting out the exponential back-off after failures — or deletes the surplus,
// and decides whether the Job is done. Pods carry the batch.kubernetes.io/job-tracking finalizer
// until the Job has counted them: a finished pod's UID is first written to
// status.uncountedTerminatedPods, then its finalizer is removed, then it moves to the succeeded /
// failed counters, so a pod deleted right after it finished is still counted exactly once. A Job
// that is over first gets the interim SuccessCriteriaMet / FailureTarget condition, and its
// terminal Complete / Failed condition only once no pod of it is still terminating.
import type { V1Job, V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import { type Clients, describeError, isNotFound } from '../client/clients.ts';
import { EventRecorder } from '../client/events.ts';
import type { Informer } from '../client/informer.ts';
import { WorkQueue } from '../client/workqueue.ts';
import { labelSelectorFromSpec, nothingLabels, type LabelSelector } from '../selectors/labels.ts';
import type { Controller, ControllerContext, ControllerTimings } from './controller.ts';
import { ControllerExpectations } from './expectations.ts';
import {
  type BackoffRecord,
  JOB_CONTROLLER_NAME,
  JOB_TRACKING_FINALIZER,
  backoffRemainingMs,
  ensureCondition,
  findCondition,
  hasTrackingFinalizer,
  isIndexed,
  isJobFinished,
  isPodFailed,
  isPodTerminating,
  matchPodFailurePolicy,
  newCondition,
  nextBackoffRecord,
  onlyReplaceFailedPods,
  pastBackoffLimitOnFailure,
  toMs as ms,
} from './job-util.ts';
import {
  INDEX_FAILURE_COUNT,
  INDEX_IGNORED_FAILURE_COUNT,
  completionIndex,
  formatIndexes,
  hasBackoffLimitPerIndex,
  indexBackoffRemainingMs,
  indexedTemplate,
  matchSuccessPolicy,
  newIndexFailureCounts,
  parseIndexes,
  perIndexFailures,
  podGenerateNameWithIndex,
} from './job-indexed.ts';
import { PodControl, STRATEGIC_MERGE_PATCH, claimObjects, controllerOf, controllerRefFor, isPodActive, isPodReady, objKey, patchPod, podsToDelete, splitKey } from './pod-control.ts';

/** MaxPodCreateDeletePerSync and MaxUncountedPods. */
const MAX_POD_CHANGES_PER_SYNC = 500;
const MAX_UNCOUNTED_PODS = 500;
const JOB_REF = { apiVersion: 'batch/v1', kind: 'Job' };

/** What one sync works with (upstream's syncJobCtx). */
interface SyncContext {
  job: V1Job;
  pods: V1Pod[];
  activePods: V1Pod[];
  succeeded: number;
  failed: number;
  ready: number;
  terminating: number;
  uncountedSucceeded: Set<string>;
  uncountedFailed: Set<string>;
  expectedRmFinalizers: Set<string>;
  /** Indexed Jobs: the indexes counted before this sync, and with this sync's new successes. */
  prevSucceededIndexes: Set<number>;
  succeededIndexes: Set<number>;
  /** backoffLimitPerIndex: the indexes out of retries, and per index the failed pod whose count its replacement inherits. */
  failedIndexes?: Set<number>;
  delayedPerIndex: Map<number, V1Pod>;
  finished?: ReturnType<typeof newCondition>;
  backoff: BackoffRecord;
}

function jobSuspended(job: V1Job): boolean {
  return job.spec?.suspend === true;
}

export class JobController implements Controller {
  private readonly clients: Clients;
  private readonly jobs: Informer<V1Job>;
  private readonly pods: Informer<V1Pod>;
  private readonly queue = new WorkQueue<string>({ baseDelayMs: 1000, maxDelayMs: 60_000, name: 'job' });
  /** Pods whose tracking finalizer must go because their Job is gone or finished (upstream's orphanQueue). */
  private readonly orphanQueue = new WorkQueue<string>({ baseDelayMs: 1000, maxDelayMs: 60_000, name: 'job_orphan_pod' });
  private readonly expectations = new ControllerExpectations();
  /** Per Job, the UIDs of pods whose finalizer removal was asked for and not yet seen. */
  private readonly finalizerExpectations = new Map<string, Set<string>>();
  private readonly backoffs = new Map<string, BackoffRecord>();
  private readonly recorder: EventRecorder;
  private readonly podControl: PodControl;
  private readonly log: (line: string) => void;
  private readonly timings: ControllerTimings;
  private running?: Promise<void>;

  constructor(ctx: ControllerContext, private readonly workers = 5) {
    this.clients = ctx.clients;
    this.log = ctx.log;
    this.timings = ctx.timings;
    this.jobs = ctx.informers.get('jobs');
    this.pods = ctx.informers.get('pods');
    this.recorder = new EventRecorder(ctx.clients.core, { component: 'job-controller', style: 'legacy' });
    this.podControl = new PodControl(ctx.clients, this.recorder);

    this.jobs.on('add', (j) => this.enqueueJob(j));
    this.jobs.on('update', (j) => this.enqueueJob(j));
    this.jobs.on('delete', (j) => this.deleteJob(j));
    this.pods.on('add', (p) => this.podChanged(p));
    this.pods.on('update', (p) => this.podChanged(p));
    this.pods.on('delete', (p) => this.podDeleted(p));
  }

  async start(): Promise<void> {
    for (const j of this.jobs.list()) this.enqueueJob(j);
    const onError = (what: string) => (key: string, err: unknown) => this.log(`job-controller: ${what} ${key}: ${describeError(err)}`);
    this.running = Promise.all([
      this.queue.run(this.workers, (key) => this.sync(key), onError('sync')),
      this.orphanQueue.run(1, (key) => this.syncOrphanPod(key), onError('orphan pod')),
    ]).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    this.orphanQueue.shutDown();
    await this.running;
    await this.recorder.close();
  }

  // ---- event handlers ----

  private managedHere(job: V1Job): boolean {
    const by = job.spec?.managedBy;
    return by === undefined || by === JOB_CONTROLLER_NAME;
  }

  private enqueueJob(job: V1Job): void {
    if (this.managedHere(job)) this.queue.add(objKey(job));
  }

  private deleteJob(job: V1Job): void {
    this.queue.add(objKey(job));
    // Its pods lose the finalizer now; the garbage collector deletes them.
    const uid = job.metadata?.uid;
    for (const p of this.pods.list(job.metadata?.namespace)) {
      if (controllerOf(p)?.uid === uid && hasTrackingFinalizer(p)) this.orphanQueue.add(objKey(p));
    }
  }

  /** resolveControllerRef: the Job a pod's controllerRef names, if it exists with that UID. */
  private resolve(pod: V1Pod): V1Job | undefined {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return undefined;
    const job = this.jobs.get(ref.name, pod.metadata?.namespace);
    return job && job.metadata?.uid === ref.uid ? job : undefined;
  }

  private finalizerRemovalObserved(jobKey: string, uid: string | undefined): void {
    const set = this.finalizerExpectations.get(jobKey);
    if (set && uid) set.delete(uid);
  }

  private podChanged(pod: V1Pod): void {
    const ref = controllerOf(pod);
    const job = this.resolve(pod);
    if (ref?.kind === 'Job' && hasTrackingFinalizer(pod) && (!job || isJobFinished(job))) this.orphanQueue.add(objKey(pod));
    if (!job) {
      if (!ref && !pod.metadata?.deletionTimestamp) {
        // An orphan that some Job's selector matches may be adopted.
        for (const j of this.jobs.list(pod.metadata?.namespace)) if (this.selector(j).matches(pod.metadata?.labels)) this.enqueueJob(j);
      }
      return;
    }
    const key = objKey(job);
    this.expectations.creationObserved(key);
    if (pod.metadata?.deletionTimestamp) this.expectations.deletionObserved(key, objKey(pod));
    if (!hasTrackingFinalizer(pod)) this.finalizerRemovalObserved(key, pod.metadata?.uid);
    this.enqueueJob(job);
  }

  private podDeleted(pod: V1Pod): void {
    const job = this.resolve(pod);
    if (!job) return;
    const key = objKey(job);
    this.expectations.deletionObserved(key, objKey(pod));
    this.finalizerRemovalObserved(key, pod.metadata?.uid);
    this.enqueueJob(job);
  }

  private selector(job: V1Job): LabelSelector {
    try {
      return labelSelectorFromSpec(job.spec?.selector);
    } catch {
      return nothingLabels();
    }
  }

  // ---- orphan pods ----

  private async syncOrphanPod(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.pods.get(name, namespace);
    if (!pod || !hasTrackingFinalizer(pod)) return;
    const ref = controllerOf(pod);
    if (ref) {
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return;
      const job = this.resolve(pod);
      if (job && (!this.managedHere(job) || !isJobFinished(job))) return;
    }
    await this.removeFinalizer(pod);
  }

  private async removeFinalizer(pod: V1Pod): Promise<void> {
    try {
      await this.clients.core.patchNamespacedPod(
        { namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, body: { metadata: { '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER] } } },
        STRATEGIC_MERGE_PATCH,
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  // ---- sync ----

  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const shared = this.jobs.get(name, namespace);
    if (!shared) {
      this.expectations.delete(key);
      this.finalizerExpectations.delete(key);
      this.backoffs.delete(key);
      return;
    }
    if (!this.managedHere(shared)) return;
    if (isJobFinished(shared)) {
      this.backoffs.delete(key);
      return;
    }
    const mode = shared.spec?.completionMode;
    if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') {
      this.event(shared, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
      return;
    }
    const job: V1Job = structuredClone(shared);
    const status = (job.status ??= {});
    status.uncountedTerminatedPods ??= {};
    const uncounted = status.uncountedTerminatedPods;

    // Expectations first: a pod created after this point is seen by the next sync.
    const satisfied = this.expectations.satisfied(key);
    const pods = await this.podsForJob(job);
    const activePods = pods.filter(isPodActive);
    const indexed = isIndexed(job);
    const completions = job.spec?.completions;
    const sc: SyncContext = {
      job,
      pods,
      activePods,
      succeeded: 0,
      failed: 0,
      ready: activePods.filter(isPodReady).length,
      terminating: pods.filter(isPodTerminating).length,
      uncountedSucceeded: new Set(uncounted.succeeded ?? []),
      uncountedFailed: new Set(uncounted.failed ?? []),
      expectedRmFinalizers: new Set(this.finalizerExpectations.get(key) ?? []),
      prevSucceededIndexes: new Set(),
      succeededIndexes: new Set(),
      backoff: { failuresAfterLastSuccess: 0 },
      delayedPerIndex: new Map(),
    };
    let active = activePods.length;
    const { newSucceeded, newFailed } = this.newFinishedPods(sc);
    const policy = job.spec?.podFailurePolicy;
    const countedNewFailed = newFailed.filter((p) => matchPodFailurePolicy(policy, p).countFailed).length;
    sc.succeeded = (status.succeeded ?? 0) + newSucceeded.length + sc.uncountedSucceeded.size;
    sc.failed = (status.failed ?? 0) + countedNewFailed + sc.uncountedFailed.size;

    let startTimeSet = false;
    if (!status.startTime && !jobSuspended(job)) {
      status.startTime = new Date();
      startTimeSet = true;
    }
    sc.backoff = nextBackoffRecord(this.backoffs.get(key), newSucceeded, newFailed);

    const now = new Date();
    const successMet = findCondition(job, 'SuccessCriteriaMet');
    // Success already confirmed by an earlier sync: only the terminal condition is left to add.
    if (successMet?.status === 'True') sc.finished = newCondition('SuccessCriteriaMet', 'True', successMet.reason ?? '', successMet.message ?? '', now);
    if (!sc.finished) {
      const target = findCondition(job, 'FailureTarget');
      if (target?.status === 'True') {
        sc.finished = newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', now);
      } else if (policy) {
        for (const p of pods) {
          if (!isPodFailed(p, job)) continue;
          const msg = matchPodFailurePolicy(policy, p).failJobMessage;
          if (msg !== undefined) {
            sc.finished = newCondition('FailureTarget', 'True', 'PodFailurePolicy', msg, now);
            break;
          }
        }
      }
    }
    if (!sc.finished) {
      const deadline = job.spec?.activeDeadlineSeconds;
      const started = ms(status.startTime);
      if (sc.failed > (job.spec?.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, pods)) {
        sc.finished = newCondition('FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now);
      } else if (deadline !== undefined && started !== undefined && !jobSuspended(job) && now.getTime() - started >= deadline * 1000) {
        sc.finished = newCondition('FailureTarget', 'True', 'DeadlineExceeded', 'Job was active longer than specified deadline', now);
      } else if (deadline !== undefined && started !== undefined && !jobSuspended(job)) {
        this.queue.addAfter(key, started + deadline * 1000 - now.getTime());
      }
    }

    if (indexed && completions !== undefined) {
      sc.prevSucceededIndexes = parseIndexes(status.completedIndexes, completions);
      sc.succeededIndexes = new Set(sc.prevSucceededIndexes);
      for (const p of pods) {
        const ix = completionIndex(p);
        if (p.status?.phase === 'Succeeded' && ix !== undefined && ix < completions && hasTrackingFinalizer(p)) sc.succeededIndexes.add(ix);
      }
      sc.succeeded = sc.succeededIndexes.size;
      if (hasBackoffLimitPerIndex(job)) this.perIndexFailures(sc, completions, now);
      if (!sc.finished) {
        const matched = matchSuccessPolicy(job, completions, sc.succeededIndexes);
        if (matched !== undefined) sc.finished = newCondition('SuccessCriteriaMet', 'True', 'SuccessPolicy', matched, now);
      }
    }

    let suspendChanged = false;
    let manageErr: unknown;
    if (sc.finished) {
      // The Job is over: stop what still runs; it is declared finished once everything is accounted for.
      const { removed: deleted, removedReady: deletedReady, error } = await this.deletePods(job, activePods);
      if (deleted !== active || !satisfied) sc.finished = undefined;
      active -= deleted;
      sc.terminating += deleted;
      sc.ready -= deletedReady;
      manageErr = error;
    } else {
      let managed = false;
      if (satisfied && !job.metadata?.deletionTimestamp) {
        ({ active, error: manageErr } = await this.manageJob(key, sc));
        managed = true;
      }
      const complete = completions === undefined ? sc.succeeded > 0 && active === 0 : sc.succeeded >= completions && active === 0;
      if (complete) {
        sc.finished = newCondition('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
      } else if (managed) {
        if (jobSuspended(job)) {
          if (ensureCondition(job, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now)) {
            suspendChanged = true;
            this.event(job, 'Normal', 'Suspended', 'Job suspended');
          }
        } else if (ensureCondition(job, 'Suspended', 'False', 'JobResumed', 'Job resumed', now)) {
          suspendChanged = true;
          this.event(job, 'Normal', 'Resumed', 'Job resumed');
          // activeDeadlineSeconds counts continuous activity, so it restarts with the Job.
          status.startTime = now;
        }
      }
    }

    const needsUpdate =
      startTimeSet || suspendChanged || active !== (status.active ?? 0) || sc.ready !== status.ready || sc.terminating !== status.terminating;
    status.active = active;
    status.ready = sc.ready;
    status.terminating = sc.terminating;
    await this.trackStatusAndRemoveFinalizers(key, sc, needsUpdate);
    if (manageErr !== undefined) throw manageErr;
  }

  /** getPodsForJob: claim by selector; adopted orphans get the tracking finalizer on the way. */
  private async podsForJob(job: V1Job): Promise<V1Pod[]> {
    const namespace = job.metadata?.namespace ?? '';
    const candidates = this.pods.list(namespace);
    const patch = patchPod(this.clients);
    return claimObjects(
      candidates,
      {
        clients: this.clients,
        owner: job,
        ownerRef: controllerRefFor(job, JOB_REF.apiVersion, JOB_REF.kind),
        selector: this.selector(job),
        recheck: () => this.clients.batch.readNamespacedJob({ namespace, name: job.metadata?.name ?? '' }),
      },
      (ns, name, body) => {
        const adopting = (body as { metadata?: { ownerReferences?: { $patch?: string }[] } }).metadata?.ownerReferences?.every((r) => r.$patch === undefined);
        const withFinalizer = adopting ? { metadata: { ...(body as { metadata: object }).metadata, finalizers: [JOB_TRACKING_FINALIZER] } } : body;
        return patch(ns, name, withFinalizer);
      },
    );
  }

  /** getNewFinishedPods: finished pods still holding the finalizer and not yet in the uncounted lists. */
  private newFinishedPods(sc: SyncContext): { newSucceeded: V1Pod[]; newFailed: V1Pod[] } {
    const completions = sc.job.spec?.completions ?? 0;
    const valid = (p: V1Pod, uncounted: Set<string>) => {
      const uid = p.metadata?.uid ?? '';
      if (!hasTrackingFinalizer(p) || uncounted.has(uid) || sc.expectedRmFinalizers.has(uid)) return false;
      if (!isIndexed(sc.job)) return true;
      const ix = completionIndex(p);
      return ix !== undefined && ix < completions;
    };
    return {
      newSucceeded: sc.pods.filter((p) => valid(p, sc.uncountedSucceeded) && p.status?.phase === 'Succeeded'),
      newFailed: sc.pods.filter((p) => valid(p, sc.uncountedFailed) && isPodFailed(p, sc.job)),
    };
  }

  /** manageJob: create or delete pods toward the wanted number of active ones; returns the new active count and the first error. */
  private async manageJob(key: string, sc: SyncContext): Promise<{ active: number; error?: unknown }> {
    const job = sc.job;
    let active = sc.activePods.length;
    if (jobSuspended(job)) {
      const { removed, removedReady, error } = await this.deletePods(job, sc.activePods, key);
      sc.terminating += removed;
      sc.ready -= removedReady;
      return { active: active - removed, error };
    }
    const parallelism = job.spec?.parallelism ?? 1;
    const completions = job.spec?.completions;
    let wantActive: number;
    if (completions === undefined) wantActive = sc.succeeded > 0 ? active : parallelism;
    else wantActive = Math.max(0, Math.min(completions - sc.succeeded, parallelism));

    const toDelete = this.activePodsForRemoval(sc, Math.max(0, active - wantActive)).slice(0, MAX_POD_CHANGES_PER_SYNC);
    if (toDelete.length > 0) {
      // Deleting and creating in one sync could fight over indexes; deletion goes first.
      const { removed, removedReady, error } = await this.deletePods(job, toDelete, key);
      sc.terminating += removed;
      sc.ready -= removedReady;
      return { active: active - removed, error };
    }
    const terminating = onlyReplaceFailedPods(job) ? sc.terminating : 0;
    let diff = wantActive - terminating - active;
    if (diff <= 0) return { active };
    const perIndex = hasBackoffLimitPerIndex(job);
    const wait = perIndex ? 0 : backoffRemainingMs(sc.backoff, this.timings.jobPodFailureBackoffMs, this.timings.jobPodFailureBackoffMaxMs);
    if (wait > 0) {
      this.queue.addAfter(key, wait);
      return { active };
    }
    diff = Math.min(diff, MAX_POD_CHANGES_PER_SYNC);
    let indexes: number[] = [];
    if (isIndexed(job) && completions !== undefined) {
      indexes = this.firstPendingIndexes(sc, diff, completions);
      if (perIndex) {
        // Each index waits out its own back-off; the shortest wait brings the Job back.
        const { base, max } = { base: this.timings.jobPodFailureBackoffMs, max: this.timings.jobPodFailureBackoffMaxMs };
        const waits = indexes.map((ix) => indexBackoffRemainingMs(sc.delayedPerIndex.get(ix), base, max));
        const ready = indexes.filter((_, i) => waits[i] === 0);
        if (ready.length === 0 && indexes.length > 0) {
          this.queue.addAfter(key, Math.min(...waits));
          return { active };
        }
        indexes = ready;
      }
      diff = indexes.length;
    }
    if (diff === 0) return { active };
    const template: V1PodTemplateSpec = structuredClone(job.spec!.template);
    const meta = (template.metadata ??= {});
    if (!meta.finalizers?.includes(JOB_TRACKING_FINALIZER)) meta.finalizers = [...(meta.finalizers ?? []), JOB_TRACKING_FINALIZER];
    const namespace = job.metadata?.namespace ?? '';
    const ownerRef = controllerRefFor(job, JOB_REF.apiVersion, JOB_REF.kind);
    this.expectations.expectCreations(key, diff);
    let firstError: unknown;
    let remaining = diff;
    // Slow start: batches of 1, 2, 4, … stop at the first batch with a failure.
    for (let batch = Math.min(remaining, 1); remaining > 0; batch = Math.min(2 * batch, remaining)) {
      const batchIndexes = indexes.splice(0, batch);
      const results = await Promise.allSettled(
        Array.from({ length: batch }, (_, i) => {
          const ix = batchIndexes[i];
          if (ix === undefined) return this.podControl.createPod(namespace, template, job, ownerRef, JOB_REF);
          const t = indexedTemplate(template, job.metadata?.name ?? '', ix);
          if (perIndex) {
            const counts = newIndexFailureCounts(job, sc.delayedPerIndex.get(ix));
            t.metadata!.annotations![INDEX_FAILURE_COUNT] = String(counts.counted);
            if (counts.ignored > 0) t.metadata!.annotations![INDEX_IGNORED_FAILURE_COUNT] = String(counts.ignored);
          }
          return this.podControl.createPod(namespace, t, job, ownerRef, JOB_REF, podGenerateNameWithIndex(job.metadata?.name ?? '', ix));
        }),
      );
      let failedNow = 0;
      for (const r of results) {
        if (r.status === 'fulfilled') continue;
        failedNow++;
        this.expectations.creationObserved(key);
        active--;
        // A terminating namespace refuses every pod; that is no error worth retrying.
        if (!/because it is being terminated/.test(describeError(r.reason))) firstError ??= r.reason;
      }
      active += batch;
      remaining -= batch;
      if (failedNow > 0 && remaining > 0) {
        this.expectations.lowerCreations(key, remaining);
        break;
      }
    }
    return { active, error: firstError };
  }

  /** backoffLimitPerIndex: failed indexes, whether they fail the Job, and the pods replacements inherit from. */
  private perIndexFailures(sc: SyncContext, completions: number, now: Date): void {
    const r = perIndexFailures(sc.job, sc.pods, sc.activePods, sc.succeededIndexes, completions, sc.expectedRmFinalizers);
    sc.failedIndexes = r.failedIndexes;
    sc.delayedPerIndex = r.delayedPerIndex;
    if (!sc.finished && r.failure) sc.finished = newCondition('FailureTarget', 'True', r.failure.reason, r.failure.message, now);
  }

  /** firstPendingIndexes: the lowest indexes neither succeeded nor held by an active (or, when only failed pods are replaced, terminating) pod. */
  private firstPendingIndexes(sc: SyncContext, count: number, completions: number): number[] {
    const taken = new Set([...sc.succeededIndexes, ...(sc.failedIndexes ?? [])]);
    for (const p of sc.pods) {
      if (!isPodActive(p) && !(onlyReplaceFailedPods(sc.job) && isPodTerminating(p))) continue;
      const ix = completionIndex(p);
      if (ix !== undefined) taken.add(ix);
    }
    const out: number[] = [];
    for (let i = 0; i < completions && out.length < count; i++) if (!taken.has(i)) out.push(i);
    return out;
  }

  /** activePodsForRemoval: Indexed pods with a bad or repeated index first, then the least advanced pods. */
  private activePodsForRemoval(sc: SyncContext, atLeast: number): V1Pod[] {
    const rm: V1Pod[] = [];
    let left = sc.activePods;
    if (isIndexed(sc.job)) {
      const completions = sc.job.spec?.completions ?? 0;
      const seen = new Set<number>();
      left = [];
      const byAge = [...sc.activePods].sort((a, b) => (ms(a.metadata?.creationTimestamp) ?? 0) - (ms(b.metadata?.creationTimestamp) ?? 0));
      for (const p of byAge) {
        const ix = completionIndex(p);
        if (ix === undefined || ix >= completions || seen.has(ix) || sc.failedIndexes?.has(ix)) rm.push(p);
        else {
          seen.add(ix);
          left.push(p);
        }
      }
    }
    if (rm.length < atLeast) rm.push(...podsToDelete(left, left, atLeast - rm.length));
    return rm;
  }

  /**
   * Delete pods. With `expectKey` (deleteJobPods: surplus pods, a suspended Job) the finalizer goes
   * first, so the deletion is no failure to count, and expectations hold the next sync back; without
   * it (deleteActivePods: a Job that is over) the finalizer stays, so the pods count as failed.
   */
  private async deletePods(job: V1Job, pods: V1Pod[], expectKey?: string): Promise<{ removed: number; removedReady: number; error?: unknown }> {
    if (expectKey !== undefined && pods.length > 0) this.expectations.expectDeletions(expectKey, pods.map(objKey));
    let removed = 0;
    let removedReady = 0;
    let error: unknown;
    await Promise.all(
      pods.map(async (p) => {
        let gone: boolean;
        try {
          if (expectKey !== undefined && hasTrackingFinalizer(p)) await this.removeFinalizer(p);
          gone = !(await this.podControl.deletePod(p.metadata?.namespace ?? '', p.metadata?.name ?? '', job, JOB_REF));
        } catch (err) {
          if (expectKey !== undefined) this.expectations.deletionObserved(expectKey, objKey(p));
          error ??= err;
          return;
        }
        // Already gone: the informer will report no deletion to wait for.
        if (gone && expectKey !== undefined) this.expectations.deletionObserved(expectKey, objKey(p));
        removed++;
        if (isPodReady(p)) removedReady++;
      }),
    );
    return { removed, removedReady, error };
  }

  // ---- status and finalizers ----

  /**
   * trackJobStatusAndRemoveFinalizers: record finished pods as uncounted, remove their finalizers,
   * move them to the counters, and add the terminal condition once nothing is left to count.
   */
  private async trackStatusAndRemoveFinalizers(key: string, sc: SyncContext, needsFlushIn: boolean): Promise<void> {
    let needsFlush = needsFlushIn;
    let job = sc.job;
    const indexed = isIndexed(job);
    const completions = job.spec?.completions ?? 0;
    const uidsWithFinalizer = new Set<string>();
    for (const p of sc.pods) {
      const uid = p.metadata?.uid ?? '';
      if (hasTrackingFinalizer(p) && !sc.expectedRmFinalizers.has(uid)) uidsWithFinalizer.add(uid);
    }
    if (this.cleanUncounted(job, uidsWithFinalizer)) needsFlush = true;
    const uncounted = job.status!.uncountedTerminatedPods!;
    const toRemove: V1Pod[] = [];
    const newIndexes: number[] = [];
    const policy = job.spec?.podFailurePolicy;
    const pods = indexed ? [...sc.pods].sort((a, b) => (completionIndex(a) ?? Infinity) - (completionIndex(b) ?? Infinity)) : sc.pods;
    let reachedMax = false;
    for (const p of pods) {
      const uid = p.metadata?.uid ?? '';
      if (!hasTrackingFinalizer(p) || sc.expectedRmFinalizers.has(uid)) continue;
      const failed = isPodFailed(p, job);
      // A failed pod keeps its finalizer until its index has a replacement carrying its failure count.
      const ix = completionIndex(p);
      const delayed = ix !== undefined && sc.delayedPerIndex.get(ix)?.metadata?.uid === uid;
      const canRemove = !!job.metadata?.deletionTimestamp || !!sc.finished || p.status?.phase === 'Succeeded' || (failed && !delayed);
      if (!canRemove) continue;
      toRemove.push(p);
      if (p.status?.phase === 'Succeeded' && !sc.uncountedFailed.has(uid)) {
        if (indexed) {
          const ix = completionIndex(p);
          if (ix !== undefined && ix < completions && !sc.prevSucceededIndexes.has(ix)) {
            newIndexes.push(ix);
            needsFlush = true;
          }
        } else if (!sc.uncountedSucceeded.has(uid)) {
          needsFlush = true;
          (uncounted.succeeded ??= []).push(uid);
        }
      } else if (failed || (sc.finished && sc.finished.type !== 'SuccessCriteriaMet')) {
        // Once the Job is over, a pod that did not succeed counts as failed.
        const ix = completionIndex(p);
        if (!sc.uncountedFailed.has(uid) && (!indexed || (ix !== undefined && ix < completions)) && matchPodFailurePolicy(policy, p).countFailed) {
          needsFlush = true;
          (uncounted.failed ??= []).push(uid);
        }
      }
      if (newIndexes.length + (uncounted.succeeded?.length ?? 0) + (uncounted.failed?.length ?? 0) >= MAX_UNCOUNTED_PODS) {
        reachedMax = true;
        break;
      }
    }
    if (indexed) {
      for (const ix of newIndexes) sc.succeededIndexes.add(ix);
      const text = formatIndexes(sc.succeededIndexes);
      if (text !== (job.status!.completedIndexes ?? '')) needsFlush = true;
      job.status!.succeeded = sc.succeededIndexes.size;
      job.status!.completedIndexes = text;
      if (sc.failedIndexes) {
        const failedText = formatIndexes(sc.failedIndexes);
        if (failedText !== job.status!.failedIndexes) needsFlush = true;
        job.status!.failedIndexes = failedText;
      }
    }
    const now = new Date();
    if (sc.finished?.type === 'FailureTarget') {
      job.status!.conditions = [...(job.status!.conditions ?? []), sc.finished];
      needsFlush = true;
      sc.finished = newCondition('Failed', 'True', sc.finished.reason ?? '', sc.finished.message ?? '', now);
    }
    if (sc.finished?.type === 'SuccessCriteriaMet') {
      if (findCondition(job, 'SuccessCriteriaMet')?.status !== 'True') {
        job.status!.conditions = [...(job.status!.conditions ?? []), sc.finished];
        needsFlush = true;
      }
      sc.finished = newCondition('Complete', 'True', sc.finished.reason ?? '', sc.finished.message ?? '', now);
    }

    // 1. Make the uncounted UIDs durable before any finalizer goes.
    if (needsFlush) {
      job = await this.updateStatus(job);
      this.backoffs.set(key, sc.backoff);
      needsFlush = false;
    }
    // 2. Remove the finalizers.
    let rmError: unknown;
    if (toRemove.length > 0) {
      const expected = this.finalizerExpectations.get(key) ?? new Set<string>();
      for (const p of toRemove) expected.add(p.metadata?.uid ?? '');
      this.finalizerExpectations.set(key, expected);
      await Promise.all(
        toRemove.map(async (p) => {
          try {
            await this.removeFinalizer(p);
            uidsWithFinalizer.delete(p.metadata?.uid ?? '');
          } catch (err) {
            expected.delete(p.metadata?.uid ?? '');
            rmError ??= err;
          }
        }),
      );
    }
    // 3. Count the pods whose finalizer is gone.
    if (this.cleanUncounted(job, uidsWithFinalizer)) needsFlush = true;
    if (rmError !== undefined) {
      if (needsFlush) await this.updateStatus(job);
      throw rmError;
    }
    // 4. Declare the Job finished once nothing is left uncounted or terminating.
    const finished = !reachedMax && this.enactJobFinished(job, sc);
    if (finished) needsFlush = true;
    if (needsFlush) {
      await this.updateStatus(job);
      if (finished && sc.finished) {
        if (sc.finished.type === 'Complete') this.event(job, 'Normal', 'Completed', 'Job completed');
        else this.event(job, 'Warning', sc.finished.reason ?? '', sc.finished.message ?? '');
      }
    }
  }

  /** cleanUncountedPodsWithoutFinalizers: uncounted UIDs whose finalizer is gone move to the counters. */
  private cleanUncounted(job: V1Job, withFinalizer: Set<string>): boolean {
    const status = job.status!;
    const u = (status.uncountedTerminatedPods ??= {});
    let changed = false;
    for (const kind of ['succeeded', 'failed'] as const) {
      const list = u[kind] ?? [];
      const keep = list.filter((uid) => withFinalizer.has(uid));
      if (keep.length === list.length) continue;
      status[kind] = (status[kind] ?? 0) + list.length - keep.length;
      // Empty lists are left out, as Go's omitempty does.
      if (keep.length) u[kind] = keep;
      else delete u[kind];
      changed = true;
    }
    return changed;
  }

  private enactJobFinished(job: V1Job, sc: SyncContext): boolean {
    const cond = sc.finished;
    if (!cond) return false;
    const u = job.status?.uncountedTerminatedPods;
    if ((u?.succeeded?.length ?? 0) + (u?.failed?.length ?? 0) > 0) return false;
    if (sc.terminating > 0) return false;
    ensureCondition(job, cond.type as 'Complete' | 'Failed', 'True', cond.reason ?? '', cond.message ?? '', cond.lastTransitionTime);
    if (cond.type === 'Complete') job.status!.completionTime = cond.lastTransitionTime;
    return true;
  }

  private async updateStatus(job: V1Job): Promise<V1Job> {
    const updated = await this.clients.batch.replaceNamespacedJobStatus({ namespace: job.metadata!.namespace!, name: job.metadata!.name!, body: job });
    // Keep working on our status with the new resourceVersion.
    job.metadata = updated.metadata;
    return job;
  }

  private event(job: V1Job, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const m = job.metadata;
    this.recorder.event({ ...JOB_REF, name: m?.name, namespace: m?.namespace, uid: m?.uid, resourceVersion: m?.resourceVersion }, type, reason, message);
  }
}

export const newJobController = (ctx: ControllerContext): Controller => new JobController(ctx);
