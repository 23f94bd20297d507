// What the Job controller (pkg/controller/job) decides from a Job and its pods without talking to the
// API: its conditions, whether a pod counts as failed, the pod failure policy and the back-off between
// pod recreations (Indexed Jobs: job-indexed.ts). Also read by the CronJob and TTL-after-finished controllers.
import type { V1ContainerStatus, V1Job, V1JobCondition, V1Pod, V1PodFailurePolicy } from '@kubernetes/client-node';

/** batch.kubernetes.io/job-tracking: held on every pod until the Job has counted it. */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** The controller a Job without spec.managedBy belongs to. */
export const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';

export type ConditionType = 'Complete' | 'Failed' | 'Suspended' | 'FailureTarget' | 'SuccessCriteriaMet';

export function findCondition(job: V1Job, type: string): V1JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type);
}

function conditionTrue(job: V1Job, type: string): boolean {
  return findCondition(job, type)?.status === 'True';
}

/** IsJobFinished: a Complete or Failed condition that is True. */
export function isJobFinished(job: V1Job): boolean {
  return conditionTrue(job, 'Complete') || conditionTrue(job, 'Failed');
}

export function isJobSucceeded(job: V1Job): boolean {
  return conditionTrue(job, 'Complete');
}

/** The True Complete or Failed condition of a finished Job. */
export function finishedCondition(job: V1Job): V1JobCondition | undefined {
  return job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export function newCondition(type: ConditionType, status: 'True' | 'False', reason: string, message: string, now = new Date()): V1JobCondition {
  return { type, status, reason, message, lastProbeTime: now, lastTransitionTime: now };
}

/**
 * ensureJobConditionStatus: set the condition of this type (a new False condition is not worth
 * adding); returns whether the list changed.
 */
export function ensureCondition(job: V1Job, type: ConditionType, status: 'True' | 'False', reason: string, message: string, now = new Date()): boolean {
  const list = (job.status ??= {}).conditions ?? [];
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i]!;
    if (c.status === status && (c.reason ?? '') === reason && (c.message ?? '') === message) return false;
    list[i] = newCondition(type, status, reason, message, now);
  } else {
    if (status === 'False') return false;
    list.push(newCondition(type, status, reason, message, now));
  }
  job.status.conditions = list;
  return true;
}

export function hasTrackingFinalizer(pod: V1Pod): boolean {
  return pod.metadata?.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;
}

/** podReplacementPolicy Failed: pods being deleted are replaced only once they reached the Failed phase. */
export function onlyReplaceFailedPods(job: V1Job): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || job.spec?.podFailurePolicy !== undefined;
}

/** Failed, or (unless only failed pods are replaced) being deleted before it succeeded: an orphan may never reach Failed. */
export function isPodFailed(pod: V1Pod, job: V1Job): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!pod.metadata?.deletionTimestamp && phase !== 'Succeeded';
}

/** CountTerminatingPods' predicate. */
export function isPodTerminating(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return !!pod.metadata?.deletionTimestamp && phase !== 'Failed' && phase !== 'Succeeded';
}

export function isIndexed(job: V1Job): boolean {
  return job.spec?.completionMode === 'Indexed';
}

// ---- pod failure policy ----

function terminatedContainer(statuses: V1ContainerStatus[] | undefined, container: string | undefined, matches: (code: number) => boolean): V1ContainerStatus | undefined {
  for (const s of statuses ?? []) {
    const code = s.state?.terminated?.exitCode;
    // A container still running has no exit code; exit 0 never matches a rule.
    if (code === undefined || code === 0) continue;
    if (container !== undefined && container !== s.name) continue;
    if (matches(code)) return s;
  }
  return undefined;
}

export interface PolicyMatch {
  /** The FailJob message, when a FailJob rule matched. */
  failJobMessage?: string;
  /** Whether the failure counts toward backoffLimit (false for Ignore). */
  countFailed: boolean;
  action?: string;
}

/** matchPodFailurePolicy: the first rule that matches a failed pod decides. */
export function matchPodFailurePolicy(policy: V1PodFailurePolicy | undefined, pod: V1Pod): PolicyMatch {
  if (!policy) return { countFailed: true };
  const ns = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    let detail: string | undefined;
    if (rule.onExitCodes) {
      const req = rule.onExitCodes;
      const values = new Set(req.values ?? []);
      const matches = (code: number) => (req.operator === 'In' ? values.has(code) : !values.has(code));
      const s =
        terminatedContainer(pod.status?.containerStatuses, req.containerName, matches) ??
        terminatedContainer(pod.status?.initContainerStatuses, req.containerName, matches);
      if (s) detail = `Container ${s.name} for pod ${ns}/${name} failed with exit code ${s.state!.terminated!.exitCode} matching ${rule.action} rule at index ${index}`;
    } else if (rule.onPodConditions) {
      const cond = pod.status?.conditions?.find((c) => rule.onPodConditions!.some((p) => p.type === c.type && (p.status ?? 'True') === c.status));
      if (cond) detail = `Pod ${ns}/${name} has condition ${cond.type} matching ${rule.action} rule at index ${index}`;
    }
    if (detail === undefined) continue;
    switch (rule.action) {
      case 'Ignore':
        return { countFailed: false, action: rule.action };
      case 'Count':
        return { countFailed: true, action: rule.action };
      case 'FailJob':
        return { countFailed: true, action: rule.action, failJobMessage: detail };
      default:
        // FailIndex: the index fails for good (see isIndexFailed); the pod counts as failed.
        return { countFailed: true, action: rule.action };
    }
  }
  return { countFailed: true };
}

// ---- back-off between pod recreations (backoff_utils.go) ----

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/** A timestamp as the client hands it over (Date, or a string in a raw object) in ms; undefined if absent. */
export function toMs(t: Date | string | undefined): number | undefined {
  if (t === undefined || t === null) return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** getFinishedTime: its last container's finishedAt, else when it turned unready, else when its deletion began, else now. */
export function podFinishTime(pod: V1Pod, now = Date.now()): number {
  let latest: number | undefined;
  for (const s of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    const t = toMs(s.state?.terminated?.finishedAt);
    if (t !== undefined && (latest === undefined || t > latest)) latest = t;
  }
  if (latest !== undefined) return latest;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const unready = ready?.status === 'False' ? toMs(ready.lastTransitionTime) : undefined;
  if (unready !== undefined) return unready;
  // The deletionTimestamp lies a grace period in the future.
  const deleting = toMs(pod.metadata?.deletionTimestamp);
  if (deleting !== undefined) return deleting - (pod.metadata?.deletionGracePeriodSeconds ?? 0) * 1000;
  return now;
}

/** newBackoffRecord: failures since the last success carry over; a new success resets the count. */
export function nextBackoffRecord(prev: BackoffRecord | undefined, succeeded: V1Pod[], failed: V1Pod[], now = Date.now()): BackoffRecord {
  const failTimes = failed.map((p) => podFinishTime(p, now)).sort((a, b) => a - b);
  if (succeeded.length === 0) {
    if (failTimes.length === 0) return prev ?? { failuresAfterLastSuccess: 0 };
    return { failuresAfterLastSuccess: (prev?.failuresAfterLastSuccess ?? 0) + failTimes.length, lastFailureTime: failTimes.at(-1) };
  }
  const lastSuccess = Math.max(...succeeded.map((p) => podFinishTime(p, now)));
  const after = failTimes.filter((t) => t > lastSuccess);
  return { failuresAfterLastSuccess: after.length, lastFailureTime: after.at(-1) };
}

/** How long pod creation must still wait: base × 2^(failures-1), capped, counted from the last failure. */
export function backoffRemainingMs(rec: BackoffRecord | undefined, baseMs: number, maxMs: number, now = Date.now()): number {
  if (!rec || rec.failuresAfterLastSuccess === 0 || rec.lastFailureTime === undefined) return 0;
  const delay = Math.min(maxMs, baseMs * 2 ** Math.min(rec.failuresAfterLastSuccess - 1, 30));
  const elapsed = now - rec.lastFailureTime;
  return elapsed >= delay ? 0 : delay - elapsed;
}

/** pastBackoffLimitOnFailure: with restartPolicy OnFailure, container restarts of live pods count as failures. */
export function pastBackoffLimitOnFailure(job: V1Job, pods: V1Pod[]): boolean {
  if (job.spec?.template.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    const phase = p.status?.phase;
    if (phase !== 'Running' && phase !== 'Pending') continue;
    for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += s.restartCount ?? 0;
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}
