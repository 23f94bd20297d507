// The CronJob controller (kube-controller-manager pkg/controller/cronjob, cronjob_controllerv2.go).
//
// Each sync reconciles the CronJob's active list with the Jobs it owns, then, unless suspended,
// finds the most recent run time it has not acted on. A run too far behind startingDeadlineSeconds
// is skipped with MissSchedule; Forbid skips while a Job is active, Replace deletes the active
// Jobs first; otherwise it creates the Job `<cronjob>-<minutes since the epoch>` (the name is the
// lock against creating one run twice). Finished Jobs beyond the history limits are deleted. The
// key is queued again just after the next run time, so nothing polls.
import type { V1CronJob, V1Job, V1ObjectReference } from '@kubernetes/client-node';
import { type Clients, describeError, isAlreadyExists, isNotFound } from '../client/clients.ts';
import { EventRecorder } from '../client/events.ts';
import type { Informer } from '../client/informer.ts';
import { WorkQueue } from '../client/workqueue.ts';
import type { Controller, ControllerContext } from './controller.ts';
import { type Schedule, mostRecentScheduleTime, parseSchedule, rfc1123z, rfc3339InZone } from './cron-schedule.ts';
import { finishedCondition, isJobFinished, isJobSucceeded, toMs as ms } from './job-util.ts';
import { controllerOf, controllerRefFor, objKey, splitKey } from './pod-control.ts';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** nextScheduleDelta: wake a little after the run time, never a little before it. */
const NEXT_SCHEDULE_DELTA_MS = 100;
const CRONJOB_REF = { apiVersion: 'batch/v1', kind: 'CronJob' };

interface SyncResult {
  requeueAfterMs?: number;
  updateStatus: boolean;
  error?: unknown;
}

/** getJobName: the scheduled time in minutes since the epoch names the run. */
export function jobNameFor(cronJobName: string, scheduled: Date): string {
  return `${cronJobName}-${Math.floor(scheduled.getTime() / 60_000)}`;
}

export class CronJobController implements Controller {
  private readonly clients: Clients;
  private readonly cronJobs: Informer<V1CronJob>;
  private readonly jobs: Informer<V1Job>;
  private readonly queue = new WorkQueue<string>({ baseDelayMs: 1000, maxDelayMs: 60_000, name: 'cronjob' });
  private readonly recorder: EventRecorder;
  private readonly log: (line: string) => void;
  private running?: Promise<void>;

  constructor(ctx: ControllerContext, private readonly workers = 5) {
    this.clients = ctx.clients;
    this.log = ctx.log;
    this.cronJobs = ctx.informers.get('cronjobs');
    this.jobs = ctx.informers.get('jobs');
    this.recorder = new EventRecorder(ctx.clients.core, { component: 'cronjob-controller', style: 'legacy' });
    this.cronJobs.on('add', (c) => this.queue.add(objKey(c)));
    this.cronJobs.on('update', (c) => this.queue.add(objKey(c)));
    this.cronJobs.on('delete', (c) => this.queue.add(objKey(c)));
    for (const ev of ['add', 'update', 'delete'] as const) this.jobs.on(ev, (j) => this.jobChanged(j));
  }

  async start(): Promise<void> {
    for (const c of this.cronJobs.list()) this.queue.add(objKey(c));
    this.running = this.queue.run(this.workers, (key) => this.sync(key), (key, err) => this.log(`cronjob-controller: sync ${key}: ${describeError(err)}`));
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
    await this.recorder.close();
  }

  private jobChanged(job: V1Job): void {
    const ref = controllerOf(job);
    if (ref?.kind !== 'CronJob') return;
    const cj = this.cronJobs.get(ref.name, job.metadata?.namespace);
    if (cj && cj.metadata?.uid === ref.uid) this.queue.add(objKey(cj));
  }

  private event(cj: V1CronJob, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const m = cj.metadata;
    this.recorder.event({ ...CRONJOB_REF, name: m?.name, namespace: m?.namespace, uid: m?.uid, resourceVersion: m?.resourceVersion }, type, reason, message);
  }

  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const shared = this.cronJobs.get(name, namespace);
    if (!shared) return;
    const uid = shared.metadata?.uid;
    const jobs = this.jobs.list(namespace).filter((j) => controllerOf(j)?.uid === uid);
    const cj: V1CronJob = structuredClone(shared);
    const result = await this.syncCronJob(cj, jobs);
    if (result.error !== undefined) this.log(`cronjob-controller: reconciling ${key}: ${describeError(result.error)}`);
    if (await this.cleanupFinishedJobs(cj, jobs)) result.updateStatus = true;
    if (result.updateStatus) {
      await this.clients.batch.replaceNamespacedCronJobStatus({ namespace, name, body: cj });
    }
    if (result.requeueAfterMs !== undefined) {
      this.queue.addAfter(key, result.requeueAfterMs);
      return;
    }
    if (result.error !== undefined) throw result.error;
  }

  /** nextScheduleTimeDuration: how long until just after the run following the most recent one. */
  private untilNext(cj: V1CronJob, now: Date, schedule: Schedule): number {
    const { earliest, mostRecent } = mostRecentScheduleTime(this.earliest(cj), now, schedule);
    const base = mostRecent ?? earliest;
    return schedule.next(base).getTime() + NEXT_SCHEDULE_DELTA_MS - now.getTime();
  }

  private earliest(cj: V1CronJob): Date {
    return new Date(ms(cj.status?.lastScheduleTime) ?? ms(cj.metadata?.creationTimestamp) ?? Date.now());
  }

  private async syncCronJob(cj: V1CronJob, jobs: V1Job[]): Promise<SyncResult> {
    const status = (cj.status ??= {});
    const now = new Date();
    let updateStatus = false;
    const active = (): V1ObjectReference[] => status.active ?? [];
    const removeActive = (uid: string | undefined) => {
      status.active = active().filter((r) => r.uid !== uid);
      if (status.active.length === 0) delete status.active;
    };

    const children = new Set<string>();
    for (const j of jobs) {
      const jobUid = j.metadata?.uid ?? '';
      children.add(jobUid);
      const found = active().some((r) => r.uid === jobUid);
      if (!found && !isJobFinished(j)) {
        // Perhaps our own status write is not in the cache yet: ask the server before complaining.
        const fresh = await this.clients.batch.readNamespacedCronJob({ namespace: cj.metadata!.namespace!, name: cj.metadata!.name! }).catch(() => undefined);
        if (fresh?.status?.active?.some((r) => r.uid === jobUid)) {
          for (const k of Object.keys(status)) delete (status as Record<string, unknown>)[k];
          Object.assign(status, fresh.status);
          cj.metadata = fresh.metadata;
          continue;
        }
        this.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata?.name}`);
      } else if (found && isJobFinished(j)) {
        removeActive(jobUid);
        this.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata?.name}, condition: ${finishedCondition(j)?.type}`);
        updateStatus = true;
      }
      if (isJobSucceeded(j)) {
        const done = ms(j.status?.completionTime);
        if (done !== undefined && (status.lastSuccessfulTime === undefined || done > (ms(status.lastSuccessfulTime) ?? 0))) {
          status.lastSuccessfulTime = new Date(done);
          updateStatus = true;
        }
      }
    }
    // Active Jobs that are gone, checked against the server in case the cache is behind.
    for (const ref of [...active()]) {
      if (children.has(ref.uid ?? '')) continue;
      try {
        await this.clients.batch.readNamespacedJob({ namespace: ref.namespace ?? cj.metadata!.namespace!, name: ref.name ?? '' });
      } catch (err) {
        if (!isNotFound(err)) return { updateStatus, error: err };
        this.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        removeActive(ref.uid);
        updateStatus = true;
      }
    }

    if (cj.metadata?.deletionTimestamp) return { updateStatus };
    const tz = cj.spec?.timeZone;
    if (tz) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
      } catch (err) {
        this.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(tz)}: ${describeError(err)}`);
        return { updateStatus };
      }
    }
    if (cj.spec?.suspend) return { updateStatus };

    const scheduleText = cj.spec?.schedule ?? '';
    if (tz === undefined && /TZ/.test(scheduleText)) {
      this.event(
        cj,
        'Warning',
        'UnsupportedSchedule',
        `CRON_TZ or TZ used in schedule ${JSON.stringify(scheduleText)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`,
      );
    }
    let schedule: Schedule;
    try {
      schedule = parseSchedule(scheduleText, tz);
    } catch (err) {
      // Nothing to retry until the spec changes.
      this.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(scheduleText)} : ${describeError(err)}`);
      return { updateStatus };
    }

    let scheduled: Date | undefined;
    try {
      const r = mostRecentScheduleTime(this.earliest(cj), now, schedule, cj.spec?.startingDeadlineSeconds);
      if (r.mostRecent && r.mostRecent <= now) {
        scheduled = r.mostRecent;
        if (r.missed === 'many') {
          this.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
        }
      }
    } catch (err) {
      this.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${scheduleText} : ${describeError(err)}`);
      return { updateStatus };
    }
    if (!scheduled) return { updateStatus, requeueAfterMs: this.untilNext(cj, now, schedule) };

    const deadline = cj.spec?.startingDeadlineSeconds;
    if (deadline !== undefined && scheduled.getTime() + deadline * 1000 < now.getTime()) {
      this.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return { updateStatus, requeueAfterMs: this.untilNext(cj, now, schedule) };
    }
    const jobName = jobNameFor(cj.metadata?.name ?? '', scheduled);
    if (active().some((r) => r.name === jobName) || ms(status.lastScheduleTime) === scheduled.getTime()) {
      return { updateStatus, requeueAfterMs: this.untilNext(cj, now, schedule) };
    }
    const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && active().length > 0) {
      // The active list may lag behind a Job that just started; Forbid is best effort, as upstream.
      this.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return { updateStatus, requeueAfterMs: this.untilNext(cj, now, schedule) };
    }
    if (policy === 'Replace') {
      for (const ref of [...active()]) {
        let job: V1Job;
        try {
          job = await this.clients.batch.readNamespacedJob({ namespace: ref.namespace ?? cj.metadata!.namespace!, name: ref.name ?? '' });
        } catch (err) {
          this.event(cj, 'Warning', 'FailedGet', `Get job: ${describeError(err)}`);
          return { updateStatus, error: err };
        }
        if (!(await this.deleteJob(cj, job))) return { updateStatus, error: new Error(`could not replace job ${job.metadata?.namespace}/${job.metadata?.name}`) };
        updateStatus = true;
      }
    }

    const tmpl = cj.spec?.jobTemplate;
    const body: V1Job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: jobName,
        namespace: cj.metadata?.namespace,
        labels: { ...tmpl?.metadata?.labels },
        annotations: { ...tmpl?.metadata?.annotations, [SCHEDULED_TIMESTAMP_ANNOTATION]: rfc3339InZone(scheduled, tz) },
        ownerReferences: [controllerRefFor(cj, CRONJOB_REF.apiVersion, CRONJOB_REF.kind)],
      },
      spec: structuredClone(tmpl?.spec)!,
    };
    let created: V1Job;
    try {
      created = await this.clients.batch.createNamespacedJob({ namespace: cj.metadata!.namespace!, body });
    } catch (err) {
      // Created by an earlier attempt (or by someone else), who accounted for it.
      if (isAlreadyExists(err)) return { updateStatus, error: err };
      if (!/because it is being terminated/.test(describeError(err))) this.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${describeError(err)}`);
      return { updateStatus, error: err };
    }
    this.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata?.name}`);
    const m = created.metadata;
    status.active = [
      ...active(),
      { kind: 'Job', namespace: m?.namespace, name: m?.name, uid: m?.uid, apiVersion: 'batch/v1', resourceVersion: m?.resourceVersion },
    ];
    status.lastScheduleTime = scheduled;
    return { updateStatus: true, requeueAfterMs: this.untilNext(cj, now, schedule) };
  }

  /** deleteJob: background propagation, so the garbage collector takes the pods. */
  private async deleteJob(cj: V1CronJob, job: V1Job): Promise<boolean> {
    try {
      await this.clients.batch.deleteNamespacedJob({ namespace: job.metadata!.namespace!, name: job.metadata!.name!, propagationPolicy: 'Background' });
    } catch (err) {
      if (!isNotFound(err)) {
        this.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${describeError(err)}`);
        return false;
      }
    }
    if (cj.status?.active) {
      cj.status.active = cj.status.active.filter((r) => r.uid !== job.metadata?.uid);
      if (cj.status.active.length === 0) delete cj.status.active;
    }
    this.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata?.name}`);
    return true;
  }

  /** cleanupFinishedJobs: keep the newest successful and failed Jobs within their history limits. */
  private async cleanupFinishedJobs(cj: V1CronJob, jobs: V1Job[]): Promise<boolean> {
    const okLimit = cj.spec?.successfulJobsHistoryLimit;
    const failLimit = cj.spec?.failedJobsHistoryLimit;
    if (okLimit === undefined && failLimit === undefined) return false;
    const ok: V1Job[] = [];
    const failed: V1Job[] = [];
    for (const j of jobs) {
      const c = finishedCondition(j);
      if (c?.type === 'Complete') ok.push(j);
      else if (c?.type === 'Failed') failed.push(j);
    }
    let changed = false;
    if (okLimit !== undefined && (await this.removeOldestJobs(cj, ok, okLimit))) changed = true;
    if (failLimit !== undefined && (await this.removeOldestJobs(cj, failed, failLimit))) changed = true;
    return changed;
  }

  private async removeOldestJobs(cj: V1CronJob, jobs: V1Job[], keep: number): Promise<boolean> {
    const excess = jobs.length - keep;
    if (excess <= 0) return false;
    // byJobStartTime: oldest start first, Jobs that never started last, then by name.
    const sorted = [...jobs].sort((a, b) => {
      const sa = ms(a.status?.startTime);
      const sb = ms(b.status?.startTime);
      if (sa === undefined && sb !== undefined) return 1;
      if (sa !== undefined && sb === undefined) return -1;
      if (sa === sb) return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
      return sa! - sb!;
    });
    let changed = false;
    for (const j of sorted.slice(0, excess)) if (await this.deleteJob(cj, j)) changed = true;
    return changed;
  }
}

export const newCronJobController = (ctx: ControllerContext): Controller => new CronJobController(ctx);
